package org.cytolabel.inference.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.data.GeneList;
import org.cytolabel.core.panel.GenePanel;
import org.cytolabel.inference.testing.LinearSoftmaxOnnx;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.registry.client.RegistryClient;
import org.cytolabel.inference.testing.AnnotateClient;
import org.cytolabel.inference.testing.PbmcCentroidModel;
import org.cytolabel.inference.testing.Serving;
import org.cytolabel.proto.annotation.v1.AnnotateHeader;
import org.cytolabel.proto.annotation.v1.AnnotateRequest;
import org.cytolabel.proto.annotation.v1.AnnotateResponse;
import org.cytolabel.proto.annotation.v1.AnnotatorGrpc;
import org.cytolabel.proto.annotation.v1.CellChunk;
import org.cytolabel.proto.annotation.v1.OutputOptions;
import org.cytolabel.proto.model.v1.ModelRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cancellation, a slow reader, deletion through the registry's watch, and the meters. */
class AnnotateFlowTest {
    @TempDir
    static Path registryDir;
    static Serving serving;
    static PbmcCentroidModel pbmc;

    @BeforeAll
    static void start() {
        serving = Serving.start(registryDir);
        pbmc = serving.pbmc;
    }

    @AfterAll
    static void stop() {
        if (serving != null) {
            serving.close();
        }
    }

    static AnnotateHeader header(OutputOptions outputs) {
        return AnnotateHeader.newBuilder().setModel(ModelRef.newBuilder().setName(Serving.MODEL))
                .addAllGeneIds(pbmc.data.genes().symbols()).setOutputs(outputs).build();
    }

    /** A client whose reading pace the test controls: it asks for {@code initial} responses, then waits. */
    static final class ManualReader implements ClientResponseObserver<AnnotateRequest, AnnotateResponse> {
        final List<AnnotateResponse> responses = Collections.synchronizedList(new ArrayList<>());
        final CompletableFuture<Status> end = new CompletableFuture<>();
        final CountDownLatch first = new CountDownLatch(1);
        final int initial;
        ClientCallStreamObserver<AnnotateRequest> call;

        ManualReader(int initial) {
            this.initial = initial;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<AnnotateRequest> requestStream) {
            call = requestStream;
            requestStream.disableAutoRequestWithInitial(initial);
        }

        @Override
        public void onNext(AnnotateResponse value) {
            responses.add(value);
            first.countDown();
        }

        @Override
        public void onError(Throwable t) {
            end.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            end.complete(Status.OK);
        }

        void send(AnnotateHeader header, List<CellChunk> chunks, boolean halfClose) {
            AnnotatorGrpc.newStub(serving.channel).annotate(this);
            call.onNext(AnnotateRequest.newBuilder().setHeader(header).build());
            chunks.forEach(c -> call.onNext(AnnotateRequest.newBuilder().setChunk(c).build()));
            if (halfClose) {
                call.onCompleted();
            }
        }
    }

    @Test
    void aCancelledStreamReleasesItsSessionAndTheNextStreamWorks() throws Exception {
        var chunks = AnnotateClient.chunks(pbmc.test.counts(), pbmc.test.cellIds(), 50);
        ManualReader reader = new ManualReader(2);
        reader.send(header(OutputOptions.getDefaultInstance()), chunks, false);
        assertTrue(reader.first.await(30, TimeUnit.SECONDS));
        reader.call.cancel("the test walks away", null);
        assertEquals(Status.Code.CANCELLED, reader.end.get(10, TimeUnit.SECONDS).getCode());

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (serving.inference.sessions().leases() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(0, serving.inference.sessions().leases(), "the cancelled stream released its session");
        assertTrue(serving.inference.sessions().openSessions() >= 1, "the model stays loaded for the next stream");

        var next = serving.client().annotate(header(OutputOptions.getDefaultInstance()), chunks.subList(0, 2));
        assertEquals(Status.Code.OK, next.status().getCode(), String.valueOf(next.status()));
        assertEquals(100, next.cells().size());
    }

    @Test
    void aSlowReaderStopsTheServerReadingInsteadOfMakingItBuffer() throws Exception {
        // 40 chunks of 200 real cells (kept to their first 48 counts so requests stay small), asking for
        // everything per cell so each answer is ~80 kB: far more than the transport buffers.
        CsrMatrix cells = truncateRows(pbmc.data.counts().sliceRows(0, 200), 48);
        List<String> ids = pbmc.data.cellIds().subList(0, 200);
        List<CellChunk> chunks = Collections.nCopies(40, AnnotateClient.chunk(cells, ids));
        var outputs = OutputOptions.newBuilder().setTopK(9).setProbabilities(true).build();
        double before = cellsCounted();

        ManualReader reader = new ManualReader(1);
        reader.send(header(outputs), chunks, true);
        assertTrue(reader.first.await(30, TimeUnit.SECONDS));
        Thread.sleep(1500); // time enough for an unbounded server to annotate everything
        double whileStalled = cellsCounted() - before;
        System.out.printf("slow reader: the server annotated %.0f of %d cells before the client read on%n",
                whileStalled, 40 * 200);
        assertTrue(whileStalled < 40 * 200, "the server stopped reading while the client did not read");

        reader.call.request(Integer.MAX_VALUE);
        assertEquals(Status.Code.OK, reader.end.get(60, TimeUnit.SECONDS).getCode());
        List<AnnotateResponse> got = List.copyOf(reader.responses);
        assertEquals(41, got.size());
        for (int i = 1; i < got.size(); i++) {
            assertEquals(i - 1, got.get(i).getResult().getChunkIndex());
            assertEquals(200, got.get(i).getResult().getCellsCount());
        }
        assertEquals(40 * 200, cellsCounted() - before, 0.0);
    }

    @Test
    void exposesDomainMetersOnTheMetricsEndpoint() throws Exception {
        var out = serving.client().annotate(header(OutputOptions.getDefaultInstance()),
                AnnotateClient.chunks(pbmc.test.counts().sliceRows(0, 30), pbmc.test.cellIds().subList(0, 30), 10));
        assertEquals(Status.Code.OK, out.status().getCode());
        HttpResponse<String> scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + serving.inference.metricsPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        String body = scrape.body();
        assertEquals(200, scrape.statusCode());
        for (String meter : List.of("cytolabel_inference_cells_total{", "cytolabel_inference_chunk_compute_seconds_count{",
                "cytolabel_inference_chunk_queue_seconds_count{", "cytolabel_inference_model_load_seconds_count{",
                "cytolabel_inference_sessions_open{", "grpc_server_processing_duration_seconds_count{")) {
            assertTrue(body.contains(meter), meter + " missing from /metrics");
        }
        assertTrue(body.lines().anyMatch(l -> l.startsWith("cytolabel_inference_cells_total{")
                && l.contains("model=\"pbmc-centroid\"") && l.contains("provider=\"cpu\"")), "cells counter tags");
    }

    @Test
    void deletingAVersionClosesItsSessionAndItsStreamsNoLongerFindIt() throws Exception {
        List<String> genes = pbmc.data.genes().symbols().subList(0, 3);
        byte[] onnx = LinearSoftmaxOnnx.build(new float[] {1, 0, 0, 0, 1, 0}, new float[] {0, 0}, 3);
        ModelCard card = ModelCard.newBuilder().setName("tiny-deleted").setModelKind("linear")
                .setGenePanel(new GenePanel(GeneList.ofSymbols(genes)).toProto())
                .addAllLabels(pbmc.labels.subList(0, 2)).build();
        String target = "127.0.0.1:" + serving.registry.port();
        try (RegistryClient registry = RegistryClient.connect(target)) {
            registry.publish(RegistryClient.withDigest(card, onnx), onnx);
            int baseline = serving.inference.sessions().openSessions();
            var header = AnnotateHeader.newBuilder().setModel(ModelRef.newBuilder().setName("tiny-deleted"))
                    .addAllGeneIds(genes).build();
            CellChunk chunk = CellChunk.newBuilder().addCellIds("a").addIndptr(0).addIndptr(1).addIndices(0)
                    .addValues(3).build();
            var out = serving.client().annotate(header, List.of(chunk));
            assertEquals(Status.Code.OK, out.status().getCode(), String.valueOf(out.status()));
            assertEquals(pbmc.labels.get(0).getName(), out.cells().get(0).getLabel());
            assertEquals(baseline + 1, serving.inference.sessions().openSessions());

            registry.deleteVersion("tiny-deleted", 1);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (serving.inference.sessions().openSessions() > baseline && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(baseline, serving.inference.sessions().openSessions(), "the watch retired the session");
            assertEquals(Status.Code.NOT_FOUND, serving.client().annotate(header, List.of(chunk)).status().getCode());
        }
    }

    static double cellsCounted() {
        var c = serving.inference.meters().find("cytolabel.inference.cells").counter();
        return c == null ? 0 : c.count();
    }

    static CsrMatrix truncateRows(CsrMatrix m, int keep) {
        int[] ptr = new int[m.rows() + 1];
        List<Integer> idx = new ArrayList<>();
        List<Float> val = new ArrayList<>();
        for (int r = 0; r < m.rows(); r++) {
            for (int k = m.indptr()[r]; k < Math.min(m.indptr()[r + 1], m.indptr()[r] + keep); k++) {
                idx.add(m.indices()[k]);
                val.add(m.values()[k]);
            }
            ptr[r + 1] = idx.size();
        }
        float[] v = new float[val.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = val.get(i);
        }
        return new CsrMatrix(m.rows(), m.cols(), ptr, idx.stream().mapToInt(Integer::intValue).toArray(), v);
    }
}
