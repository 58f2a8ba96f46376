package org.cytolabel.inference.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.cytolabel.core.data.GeneList;
import org.cytolabel.core.panel.GenePanel;
import org.cytolabel.inference.testing.LinearSoftmaxOnnx;
import org.cytolabel.inference.testing.Serving;
import org.cytolabel.proto.annotation.v1.AnnotateHeader;
import org.cytolabel.proto.annotation.v1.AnnotateRequest;
import org.cytolabel.proto.annotation.v1.AnnotateResponse;
import org.cytolabel.proto.annotation.v1.AnnotatorGrpc;
import org.cytolabel.proto.annotation.v1.CellChunk;
import org.cytolabel.proto.annotation.v1.CellPrediction;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.proto.model.v1.ModelRef;
import org.cytolabel.registry.client.RegistryClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An alias moves while streams run on it: open streams finish on the version they started with, no
 * cell is dropped or reordered, every response names the version that produced it (and the labels
 * prove it: version 1 calls every cell label 0, version 2 label 1), new streams get the new version
 * once it is warm, and the old session closes when its last stream ends.
 */
class RolloutTest {
    static final String NAME = "rollout";
    static final int CHUNKS = 40;
    static final int CELLS = 25;

    @TempDir
    static Path registryDir;
    static Serving serving;
    static RegistryClient registry;
    static List<String> genes;

    @BeforeAll
    static void start() {
        serving = Serving.start(registryDir);
        registry = RegistryClient.connect("127.0.0.1:" + serving.registry.port());
        genes = serving.pbmc.data.genes().symbols().subList(0, 3);
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (serving != null) {
            serving.close();
        }
    }

    /** A 3-gene, 2-label model that calls every cell {@code label}. */
    static ModelCard publish(int label) {
        float[] w = new float[6];
        float[] b = label == 0 ? new float[] {5, 0} : new float[] {0, 5};
        byte[] onnx = LinearSoftmaxOnnx.build(w, b, 3);
        ModelCard card = ModelCard.newBuilder().setName(NAME).setModelKind("linear")
                .setGenePanel(new GenePanel(GeneList.ofSymbols(genes)).toProto())
                .addAllLabels(serving.pbmc.labels.subList(0, 2)).build();
        return registry.publish(RegistryClient.withDigest(card, onnx), onnx);
    }

    /** One stream on {@code NAME@production}: chunks sent {@code pauseMs} apart, responses collected. */
    static final class PacedStream {
        final List<AnnotateResponse> responses = new CopyOnWriteArrayList<>();
        final CompletableFuture<Status> end = new CompletableFuture<>();
        final CompletableFuture<Void> sent;

        PacedStream(int id, long pauseMs) {
            StreamObserver<AnnotateRequest> requests = AnnotatorGrpc.newStub(serving.channel).annotate(
                    new StreamObserver<>() {
                        @Override
                        public void onNext(AnnotateResponse r) {
                            responses.add(r);
                        }

                        @Override
                        public void onError(Throwable t) {
                            end.complete(Status.fromThrowable(t));
                        }

                        @Override
                        public void onCompleted() {
                            end.complete(Status.OK);
                        }
                    });
            requests.onNext(AnnotateRequest.newBuilder().setHeader(AnnotateHeader.newBuilder()
                    .setModel(ModelRef.newBuilder().setName(NAME).setAlias("production")).addAllGeneIds(genes))
                    .build());
            sent = CompletableFuture.runAsync(() -> {
                for (int c = 0; c < CHUNKS; c++) {
                    CellChunk.Builder chunk = CellChunk.newBuilder().addIndptr(0);
                    for (int i = 0; i < CELLS; i++) {
                        chunk.addCellIds(id + "-" + (c * CELLS + i)).addIndices(i % 3).addValues(1 + i % 7)
                                .addIndptr(i + 1);
                    }
                    requests.onNext(AnnotateRequest.newBuilder().setChunk(chunk).build());
                    try {
                        Thread.sleep(pauseMs);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
                requests.onCompleted();
            });
        }

        /** Checks order, completeness and the version of every response; returns the stream's version. */
        int verify(int id) throws Exception {
            assertEquals(Status.Code.OK, end.get(60, TimeUnit.SECONDS).getCode());
            assertTrue(responses.get(0).hasInfo());
            int version = responses.get(0).getInfo().getModel().getVersion();
            assertEquals(CHUNKS + 1, responses.size(), "stream " + id + ": one answer per chunk");
            int expectedCell = 0;
            for (int c = 0; c < CHUNKS; c++) {
                var result = responses.get(c + 1).getResult();
                assertEquals(c, result.getChunkIndex(), "stream " + id + ": chunks in order");
                assertEquals(version, result.getModelVersion(), "stream " + id + " chunk " + c + ": version");
                assertEquals(CELLS, result.getCellsCount());
                for (CellPrediction cell : result.getCellsList()) {
                    assertEquals(id + "-" + expectedCell++, cell.getCellId(), "cells in order, none dropped");
                    assertEquals(serving.pbmc.labels.get(version == 1 ? 0 : 1).getName(), cell.getLabel(),
                            "the label shows which version ran the cell");
                }
            }
            return version;
        }
    }

    static ServingStatus health(String service) {
        return HealthGrpc.newBlockingStub(serving.channel)
                .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
    }

    @Test
    void anAliasMovesUnderLoadWithoutDroppingOrReorderingCells() throws Exception {
        int baseline = serving.inference.sessions().openSessions();
        ModelCard v1 = publish(0);
        registry.setAlias(NAME, "production", v1.getVersion(), 0);

        List<PacedStream> before = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            before.add(new PacedStream(i, 50));
        }
        // Streams are running on version 1 (their headers are answered) before the alias moves.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (before.stream().anyMatch(s -> s.responses.size() < 3) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(ServingStatus.SERVING, health(NAME + "@production"), "per-model health once routed");
        ModelCard v2 = publish(1);
        registry.setAlias(NAME, "production", v2.getVersion(), v1.getVersion());
        while (!Integer.valueOf(v2.getVersion()).equals(serving.inference.resolver().routedVersion(NAME + "@production"))
                && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(v2.getVersion(), serving.inference.resolver().routedVersion(NAME + "@production"),
                "the new version was loaded and warmed, then routed");
        assertTrue(before.stream().allMatch(s -> !s.end.isDone()), "the old streams were still running");
        assertEquals(baseline + 2, serving.inference.sessions().openSessions(), "both versions are open");

        List<PacedStream> after = new ArrayList<>();
        for (int i = 10; i < 13; i++) {
            after.add(new PacedStream(i, 1));
        }
        for (int i = 0; i < before.size(); i++) {
            assertEquals(v1.getVersion(), before.get(i).verify(i), "an open stream stays on its version");
        }
        for (int i = 0; i < after.size(); i++) {
            assertEquals(v2.getVersion(), after.get(i).verify(10 + i), "new streams get the new version");
        }
        while (serving.inference.sessions().openSessions() > baseline + 1 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(baseline + 1, serving.inference.sessions().openSessions(),
                "version 1's session closed when its last stream ended");
        assertEquals(ServingStatus.SERVING, health(NAME + "@production"));
    }
}
