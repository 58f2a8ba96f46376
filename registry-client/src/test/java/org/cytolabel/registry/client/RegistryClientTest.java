package org.cytolabel.registry.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.proto.registry.v1.GetModelRequest;
import org.cytolabel.proto.registry.v1.GetModelResponse;
import org.cytolabel.proto.registry.v1.ModelRegistryGrpc;
import org.cytolabel.proto.registry.v1.ResolveAliasRequest;
import org.cytolabel.proto.registry.v1.ResolveAliasResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client against a fake registry in process: digest checks and error mapping. */
class RegistryClientTest {
    private static final byte[] ONNX = new byte[3000];
    private static final ModelCard CARD;

    static {
        new Random(1).nextBytes(ONNX);
        CARD = RegistryClient.withDigest(ModelCard.newBuilder().setName("m").setVersion(1).build(), ONNX);
    }

    /** Serves {@link #CARD} with whatever bytes the test puts in {@code served}. */
    static final class FakeRegistry extends ModelRegistryGrpc.ModelRegistryImplBase {
        volatile byte[] served = ONNX;

        @Override
        public void getModel(GetModelRequest request, StreamObserver<GetModelResponse> out) {
            out.onNext(GetModelResponse.newBuilder().setCard(CARD).build());
            for (int off = 0; off < served.length; off += 1000) {
                out.onNext(GetModelResponse.newBuilder()
                        .setChunk(ByteString.copyFrom(served, off, Math.min(1000, served.length - off))).build());
            }
            out.onCompleted();
        }

        @Override
        public void resolveAlias(ResolveAliasRequest request, StreamObserver<ResolveAliasResponse> out) {
            out.onError(Status.NOT_FOUND.withDescription("there is no model named '" + request.getRef().getName()
                    + "'").asRuntimeException());
        }
    }

    FakeRegistry fake;
    Server server;
    ManagedChannel channel;
    RegistryClient client;

    @BeforeEach
    void start() throws IOException {
        fake = new FakeRegistry();
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).addService(fake).build().start();
        channel = InProcessChannelBuilder.forName(name).build();
        client = new RegistryClient(channel);
    }

    @AfterEach
    void stop() throws InterruptedException {
        client.close();
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void withDigestSetsSha256AndSize() {
        assertEquals(3000, CARD.getSizeBytes());
        assertEquals(64, CARD.getSha256().length());
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                RegistryClient.withDigest(ModelCard.getDefaultInstance(), new byte[0]).getSha256());
    }

    @Test
    void fetchVerifiesTheBytesAgainstTheCard() {
        FetchedModel ok = client.fetch(RegistryClient.parseRef("m:1"));
        assertArrayEquals(ONNX, ok.onnx());
        assertEquals(CARD, ok.card());

        byte[] corrupted = ONNX.clone();
        corrupted[2999] ^= 1;
        fake.served = corrupted;
        CytoLabelException e = assertThrows(CytoLabelException.class, () -> client.fetch(RegistryClient.parseRef("m")));
        assertEquals(ErrorKind.DATA_INTEGRITY, e.kind());
        assertTrue(e.getMessage().contains("do not match its card"), e.getMessage());

        fake.served = java.util.Arrays.copyOf(ONNX, 2000);
        assertEquals(ErrorKind.DATA_INTEGRITY,
                assertThrows(CytoLabelException.class, () -> client.fetch(RegistryClient.parseRef("m"))).kind());
    }

    @Test
    void serverErrorsBecomeDomainErrorsWithTheServerMessage() {
        CytoLabelException e = assertThrows(CytoLabelException.class,
                () -> client.resolve(RegistryClient.parseRef("nope")));
        assertEquals(ErrorKind.NOT_FOUND, e.kind());
        assertEquals("there is no model named 'nope'", e.getMessage());
        CytoLabelException unimplemented = assertThrows(CytoLabelException.class, () -> client.list(""));
        assertEquals(ErrorKind.INTERNAL, unimplemented.kind());
    }

    @Test
    void publishNeedsADigestFirst() {
        CytoLabelException e = assertThrows(CytoLabelException.class,
                () -> client.publish(ModelCard.newBuilder().setName("m").build(), ONNX));
        assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
        assertTrue(e.getMessage().contains("withDigest"));
    }
}
