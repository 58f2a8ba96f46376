package org.cytolabel.registry.server;

import static org.cytolabel.registry.TestCards.bytes;
import static org.cytolabel.registry.TestCards.card;
import static org.cytolabel.registry.TestCards.files;
import static org.cytolabel.registry.server.RegistryServerTest.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.proto.registry.v1.ModelRegistryGrpc;
import org.cytolabel.proto.registry.v1.PublishModelRequest;
import org.cytolabel.proto.registry.v1.PublishModelResponse;
import org.cytolabel.registry.client.RegistryClient;
import org.cytolabel.service.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A client that gives up half-way through an upload leaves nothing behind (real sockets). */
class CancelledUploadTest {
    private static final int CHUNK = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void clientErrorMidStreamStoresNothing() throws Exception {
        cancelHalfway(requests -> requests.onError(new IllegalStateException("the trainer crashed")));
    }

    @Test
    void clientCancelMidStreamStoresNothing() throws Exception {
        cancelHalfway(requests -> ((ClientCallStreamObserver<PublishModelRequest>) requests)
                .cancel("the user pressed ctrl-c", null));
    }

    private void cancelHalfway(Consumer<StreamObserver<PublishModelRequest>> giveUp) throws Exception {
        try (RegistryServer server = RegistryServer.start(new RegistryConfig("127.0.0.1", 0, dir, -1))) {
            ManagedChannel channel = Transport.channel("127.0.0.1:" + server.port());
            try (RegistryClient client = new RegistryClient(channel)) {
                byte[] onnx = bytes(4 * CHUNK, 3);
                ModelCard card = RegistryClient.withDigest(card("pbmc"), onnx);
                CompletableFuture<Throwable> outcome = new CompletableFuture<>();
                StreamObserver<PublishModelRequest> requests = ModelRegistryGrpc.newStub(channel)
                        .publishModel(new StreamObserver<PublishModelResponse>() {
                            @Override
                            public void onNext(PublishModelResponse value) {
                                outcome.completeExceptionally(new AssertionError("the upload was stored"));
                            }

                            @Override
                            public void onError(Throwable t) {
                                outcome.complete(t);
                            }

                            @Override
                            public void onCompleted() {
                            }
                        });
                requests.onNext(PublishModelRequest.newBuilder().setCard(card).build());
                for (int i = 0; i < 2; i++) {
                    requests.onNext(PublishModelRequest.newBuilder()
                            .setChunk(ByteString.copyFrom(onnx, i * CHUNK, CHUNK)).build());
                }
                Path tmp = dir.resolve("tmp");
                waitUntil(() -> tempBytes(tmp) == 2L * CHUNK, "the server has written half of the upload");

                giveUp.accept(requests);

                Throwable t = outcome.get(10, TimeUnit.SECONDS);
                assertNotNull(t, "the call ended with an error");
                assertEquals(Status.Code.CANCELLED, ((StatusRuntimeException) t).getStatus().getCode());
                waitUntil(() -> files(tmp).isEmpty(), "the server has discarded the upload");
                assertEquals(List.of(), files(dir.resolve("blobs")));
                assertEquals(List.of(), client.list(""));
            } finally {
                Transport.close(channel);
            }
        }
    }

    private static long tempBytes(Path tmp) {
        return files(tmp).stream().mapToLong(p -> {
            try {
                return Files.size(p);
            } catch (IOException e) {
                if (!Files.exists(p)) {
                    return 0;
                }
                throw new UncheckedIOException(e);
            }
        }).sum();
    }
}
