package org.cytolabel.registry.grpc;

import static org.cytolabel.registry.TestCards.bytes;
import static org.cytolabel.registry.TestCards.card;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.proto.model.v1.ModelRef;
import org.cytolabel.proto.registry.v1.GetModelRequest;
import org.cytolabel.proto.registry.v1.GetModelResponse;
import org.cytolabel.proto.registry.v1.ModelRegistryGrpc;
import org.cytolabel.proto.registry.v1.PublishModelRequest;
import org.cytolabel.proto.registry.v1.PublishModelResponse;
import org.cytolabel.registry.client.RegistryClient;
import org.cytolabel.registry.domain.ModelRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Protocol details of the service, in process. */
class RegistryGrpcServiceTest {
    @TempDir
    Path dir;
    ModelRegistry registry;
    Server server;
    ManagedChannel channel;

    @BeforeEach
    void start() throws IOException {
        registry = ModelRegistry.open(dir);
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).addService(new RegistryGrpcService(registry)).build().start();
        channel = InProcessChannelBuilder.forName(name).build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        registry.close();
    }

    @Test
    void getModelSendsTheCardThenChunksOfTheRequestedSize() {
        byte[] onnx = bytes(2500, 1);
        new RegistryClient(channel).publish(RegistryClient.withDigest(card("m"), onnx), onnx);
        List<GetModelResponse> parts = new ArrayList<>();
        ModelRegistryGrpc.newBlockingStub(channel).getModel(GetModelRequest.newBuilder()
                .setRef(ModelRef.newBuilder().setName("m")).setChunkSize(1000).build()).forEachRemaining(parts::add);
        assertEquals(1, parts.get(0).getCard().getVersion());
        assertEquals(List.of(1000, 1000, 500), parts.subList(1, parts.size()).stream()
                .map(p -> p.getChunk().size()).toList());
        assertEquals(ByteString.copyFrom(onnx), parts.subList(1, 4).stream().map(GetModelResponse::getChunk)
                .reduce(ByteString.EMPTY, ByteString::concat));
    }

    @Test
    void malformedRequestsAreInvalidArguments() {
        var blocking = ModelRegistryGrpc.newBlockingStub(channel);
        StatusRuntimeException noRef = assertThrows(StatusRuntimeException.class,
                () -> blocking.getModel(GetModelRequest.getDefaultInstance()).hasNext());
        assertEquals(Status.Code.INVALID_ARGUMENT, noRef.getStatus().getCode());
        assertTrue(noRef.getStatus().getDescription().contains("no model ref"));
        StatusRuntimeException badChunk = assertThrows(StatusRuntimeException.class,
                () -> blocking.getModel(GetModelRequest.newBuilder().setRef(ModelRef.newBuilder().setName("m"))
                        .setChunkSize(-1).build()).hasNext());
        assertEquals(Status.Code.INVALID_ARGUMENT, badChunk.getStatus().getCode());

        ModelCard card = RegistryClient.withDigest(card("m"), bytes(10, 2));
        assertPublishFails(List.of(chunk(bytes(10, 2))), "came before the card");
        assertPublishFails(List.of(), "without a card");
        assertPublishFails(List.of(PublishModelRequest.newBuilder().setCard(card).build(),
                PublishModelRequest.newBuilder().setCard(card).build()), "sent twice");
        assertEquals(0, registry.list("").size());
    }

    private static PublishModelRequest chunk(byte[] b) {
        return PublishModelRequest.newBuilder().setChunk(ByteString.copyFrom(b)).build();
    }

    private void assertPublishFails(List<PublishModelRequest> messages, String expected) {
        CompletableFuture<PublishModelResponse> result = new CompletableFuture<>();
        StreamObserver<PublishModelRequest> requests = ModelRegistryGrpc.newStub(channel).publishModel(
                new StreamObserver<PublishModelResponse>() {
                    @Override
                    public void onNext(PublishModelResponse value) {
                        result.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        result.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        messages.forEach(requests::onNext);
        requests.onCompleted();
        var e = assertThrows(Exception.class, () -> result.get(5, TimeUnit.SECONDS));
        StatusRuntimeException sre = (StatusRuntimeException) e.getCause();
        assertEquals(Status.Code.INVALID_ARGUMENT, sre.getStatus().getCode());
        assertTrue(sre.getStatus().getDescription().contains(expected), sre.getStatus().getDescription());
    }
}
