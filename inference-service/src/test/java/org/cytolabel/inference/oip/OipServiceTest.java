package org.cytolabel.inference.oip;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.inference.testing.AnnotateClient;
import org.cytolabel.inference.testing.AnnotateClient.Outcome;
import org.cytolabel.inference.testing.OrtReference;
import org.cytolabel.inference.testing.PbmcCentroidModel;
import org.cytolabel.inference.testing.Serving;
import org.cytolabel.proto.annotation.v1.AnnotateHeader;
import org.cytolabel.proto.annotation.v1.CellPrediction;
import org.cytolabel.proto.annotation.v1.OutputOptions;
import org.cytolabel.proto.model.v1.ModelRef;
import org.cytolabel.proto.oip.DataType;
import org.cytolabel.proto.oip.GRPCInferenceServiceGrpc;
import org.cytolabel.proto.oip.GRPCInferenceServiceGrpc.GRPCInferenceServiceBlockingStub;
import org.cytolabel.proto.oip.ModelConfig;
import org.cytolabel.proto.oip.ModelConfigRequest;
import org.cytolabel.proto.oip.ModelInferRequest;
import org.cytolabel.proto.oip.ModelInferResponse;
import org.cytolabel.proto.oip.ModelMetadataRequest;
import org.cytolabel.proto.oip.ModelMetadataResponse;
import org.cytolabel.proto.oip.ModelReadyRequest;
import org.cytolabel.proto.oip.ModelStatistics;
import org.cytolabel.proto.oip.ModelStatisticsRequest;
import org.cytolabel.proto.oip.ModelStreamInferResponse;
import org.cytolabel.proto.oip.RepositoryIndexRequest;
import org.cytolabel.proto.oip.RepositoryIndexResponse.ModelIndex;
import org.cytolabel.proto.oip.ServerLiveRequest;
import org.cytolabel.proto.oip.ServerMetadataRequest;
import org.cytolabel.proto.oip.ServerMetadataResponse;
import org.cytolabel.proto.oip.ServerReadyRequest;
import org.cytolabel.registry.client.RegistryClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Open Inference Protocol over real sockets against a real registry, with the sorted-PBMC
 * centroid model: server and model metadata, and ModelInfer / ModelStreamInfer on held-out cells
 * checked against the Annotate path and in-process ONNX Runtime.
 */
class OipServiceTest {
    /** Probabilities from the three paths agree this closely. */
    static final float TOLERANCE = 1e-6f;

    @TempDir
    static Path registryDir;
    static Serving serving;
    static PbmcCentroidModel pbmc;
    static GRPCInferenceServiceBlockingStub oip;
    static int genes;
    static int labels;
    /** Annotate's probabilities of the held-out cells, cell by cell. */
    static float[][] annotated;
    /** In-process ORT probabilities of the held-out cells. */
    static float[][] reference;

    @BeforeAll
    static void start() {
        serving = Serving.start(registryDir);
        pbmc = serving.pbmc;
        oip = GRPCInferenceServiceGrpc.newBlockingStub(serving.channel);
        genes = pbmc.data.genes().size();
        labels = pbmc.labels.size();
        reference = OrtReference.probabilities(pbmc.onnx, pbmc.test.counts());
        AnnotateHeader header = AnnotateHeader.newBuilder()
                .setModel(ModelRef.newBuilder().setName(Serving.MODEL))
                .addAllGeneIds(pbmc.data.genes().symbols())
                .setOutputs(OutputOptions.newBuilder().setProbabilities(true)).build();
        Outcome out = serving.client().annotate(header,
                AnnotateClient.chunks(pbmc.test.counts(), pbmc.test.cellIds(), 100));
        assertEquals(Status.Code.OK, out.status().getCode(), String.valueOf(out.status()));
        List<CellPrediction> cells = out.cells();
        annotated = new float[cells.size()][];
        for (int i = 0; i < annotated.length; i++) {
            List<Float> p = cells.get(i).getProbabilitiesList();
            annotated[i] = new float[p.size()];
            for (int j = 0; j < p.size(); j++) {
                annotated[i][j] = p.get(j);
            }
        }
    }

    @AfterAll
    static void stop() {
        if (serving != null) {
            serving.close();
        }
    }

    @Test
    void serverIsLiveReadyAndDescribesItself() {
        assertTrue(oip.serverLive(ServerLiveRequest.getDefaultInstance()).getLive());
        assertTrue(oip.serverReady(ServerReadyRequest.getDefaultInstance()).getReady());
        ServerMetadataResponse meta = oip.serverMetadata(ServerMetadataRequest.getDefaultInstance());
        assertEquals("cytolabel", meta.getName());
        assertFalse(meta.getVersion().isEmpty());
        assertTrue(meta.getExtensionsList().containsAll(List.of("model_configuration", "statistics")),
                meta.getExtensionsList().toString());
    }

    @Test
    void modelMetadataNamesTheCountsInputAndTheOutputs() {
        ModelMetadataResponse meta = oip.modelMetadata(ModelMetadataRequest.newBuilder().setName(Serving.MODEL).build());
        assertEquals(Serving.MODEL, meta.getName());
        assertEquals(List.of(Integer.toString(serving.published.getVersion())), meta.getVersionsList());
        assertEquals("onnxruntime_onnx", meta.getPlatform());
        assertEquals(1, meta.getInputsCount());
        assertEquals("counts", meta.getInputs(0).getName());
        assertEquals("FP32", meta.getInputs(0).getDatatype());
        assertEquals(List.of(-1L, (long) genes), meta.getInputs(0).getShapeList());
        assertEquals(1, meta.getOutputsCount());
        assertEquals("probabilities", meta.getOutputs(0).getName());
        assertEquals("FP32", meta.getOutputs(0).getDatatype());
        assertEquals(List.of(-1L, (long) labels), meta.getOutputs(0).getShapeList());
        // The exact version describes the same model.
        assertEquals(meta, oip.modelMetadata(ModelMetadataRequest.newBuilder().setName(Serving.MODEL)
                .setVersion("1").build()));
    }

    @Test
    void modelConfigIsWhatPerfAnalyzerReads() {
        ModelConfig config = oip.modelConfig(ModelConfigRequest.newBuilder().setName(Serving.MODEL).build()).getConfig();
        assertEquals(Serving.MODEL, config.getName());
        assertEquals("onnxruntime_onnx", config.getPlatform());
        assertEquals("onnxruntime", config.getBackend());
        assertEquals(BatchLimits.maxCells(genes), config.getMaxBatchSize());
        assertEquals((64 * 1024 * 1024 - (1 << 20)) / (4 * genes), config.getMaxBatchSize(),
                "the most cells of this panel whose counts fit in one 64 MiB message");
        assertEquals("counts", config.getInput(0).getName());
        assertEquals(DataType.TYPE_FP32, config.getInput(0).getDataType());
        assertEquals(List.of((long) genes), config.getInput(0).getDimsList());
        assertEquals("probabilities", config.getOutput(0).getName());
        assertEquals(DataType.TYPE_FP32, config.getOutput(0).getDataType());
        assertEquals(List.of((long) labels), config.getOutput(0).getDimsList());
    }

    @Test
    void repositoryIndexListsTheRegistrysModelsAndWhichAreLoaded() {
        try (RegistryClient registry = RegistryClient.connect("127.0.0.1:" + serving.registry.port())) {
            registry.publish(RegistryClient.withDigest(pbmc.card("pbmc-unloaded"), pbmc.onnx), pbmc.onnx);
        }
        assertTrue(oip.modelReady(ModelReadyRequest.newBuilder().setName(Serving.MODEL).build()).getReady());
        List<ModelIndex> all = oip.repositoryIndex(RepositoryIndexRequest.getDefaultInstance()).getModelsList();
        ModelIndex loaded = find(all, Serving.MODEL);
        assertEquals("1", loaded.getVersion());
        assertEquals("READY", loaded.getState());
        ModelIndex unloaded = find(all, "pbmc-unloaded");
        assertEquals("1", unloaded.getVersion());
        assertEquals("UNAVAILABLE", unloaded.getState());
        assertTrue(unloaded.getReason().contains("not loaded"), unloaded.getReason());

        List<ModelIndex> ready = oip.repositoryIndex(RepositoryIndexRequest.newBuilder().setReady(true).build())
                .getModelsList();
        assertTrue(ready.stream().allMatch(m -> m.getState().equals("READY")), ready.toString());
        assertTrue(ready.stream().noneMatch(m -> m.getName().equals("pbmc-unloaded")));

        // ModelReady loads it.
        assertTrue(oip.modelReady(ModelReadyRequest.newBuilder().setName("pbmc-unloaded").setVersion("1").build())
                .getReady());
        assertEquals("READY", find(oip.repositoryIndex(RepositoryIndexRequest.getDefaultInstance()).getModelsList(),
                "pbmc-unloaded").getState());
    }

    @Test
    void modelInferWithRawLittleEndianContentsMatchesAnnotateAndInProcessOrt() {
        CsrMatrix counts = pbmc.test.counts();
        ModelInferResponse r = oip.modelInfer(OipRequests.raw(Serving.MODEL, counts).setId("held-out").build());
        assertEquals(Serving.MODEL, r.getModelName());
        assertEquals("1", r.getModelVersion());
        assertEquals("held-out", r.getId());
        assertEquals(1, r.getOutputsCount());
        assertEquals(1, r.getRawOutputContentsCount(), "raw in, raw out");
        var out = r.getOutputs(0);
        assertEquals("probabilities", out.getName());
        assertEquals("FP32", out.getDatatype());
        assertEquals(List.of((long) counts.rows(), (long) labels), out.getShapeList());
        assertFalse(out.hasContents());
        assertEquals((long) counts.rows() * labels * Float.BYTES, r.getRawOutputContents(0).size());
        assertMatchesAnnotate(OipRequests.output(r, "probabilities"), 0, counts.rows());
    }

    @Test
    void modelInferWithFp32ContentsAnswersInContents() {
        CsrMatrix counts = pbmc.test.counts().sliceRows(0, 50);
        ModelInferResponse r = oip.modelInfer(OipRequests.fp32(Serving.MODEL, counts)
                .addOutputs(ModelInferRequest.InferRequestedOutputTensor.newBuilder().setName("probabilities"))
                .build());
        assertEquals(0, r.getRawOutputContentsCount());
        assertEquals(List.of(50L, (long) labels), r.getOutputs(0).getShapeList());
        assertEquals(50 * labels, r.getOutputs(0).getContents().getFp32ContentsCount());
        assertMatchesAnnotate(OipRequests.output(r, "probabilities"), 0, 50);
    }

    @Test
    void aRequestOverSeveralOrtRunsMatchesOneInProcessRun() {
        int n = Math.min(BatchLimits.maxCells(genes), 3 * BatchLimits.rowsPerRun(genes) - 17);
        n = Math.min(n, pbmc.data.cells());
        assertTrue(n > BatchLimits.rowsPerRun(genes), "needs more than one ORT run: " + n);
        CsrMatrix counts = pbmc.data.counts().sliceRows(0, n);
        float[][] expected = OrtReference.probabilities(pbmc.onnx, counts);
        float[] got = OipRequests.output(oip.modelInfer(OipRequests.raw(Serving.MODEL, counts).build()),
                "probabilities");
        assertEquals(n * labels, got.length);
        for (int i = 0; i < n; i++) {
            assertArrayEquals(expected[i], Arrays.copyOfRange(got, i * labels, (i + 1) * labels), TOLERANCE,
                    "cell " + i);
        }
    }

    @Test
    void modelVersionAndAliasSelectTheVersion() {
        try (RegistryClient registry = RegistryClient.connect("127.0.0.1:" + serving.registry.port())) {
            registry.setAlias(Serving.MODEL, "production", 1, 0);
        }
        CsrMatrix counts = pbmc.test.counts().sliceRows(0, 5);
        ModelInferResponse byVersion = oip.modelInfer(OipRequests.raw(Serving.MODEL, counts).setModelVersion("1")
                .build());
        ModelInferResponse byAlias = oip.modelInfer(OipRequests.raw(Serving.MODEL + "@production", counts).build());
        assertEquals("1", byVersion.getModelVersion());
        assertEquals("1", byAlias.getModelVersion());
        assertEquals(Serving.MODEL, byAlias.getModelName());
        assertMatchesAnnotate(OipRequests.output(byAlias, "probabilities"), 0, 5);
    }

    @Test
    void unaryCallsSeeANewLatestVersionOnceTheirResolutionExpires() throws InterruptedException {
        String name = "pbmc-rollout";
        CsrMatrix counts = pbmc.test.counts().sliceRows(0, 3);
        try (RegistryClient registry = RegistryClient.connect("127.0.0.1:" + serving.registry.port())) {
            registry.publish(RegistryClient.withDigest(pbmc.card(name), pbmc.onnx), pbmc.onnx);
            assertEquals("1", oip.modelInfer(OipRequests.raw(name, counts).build()).getModelVersion());
            registry.publish(RegistryClient.withDigest(pbmc.card(name), pbmc.onnx), pbmc.onnx);
        }
        Thread.sleep(ResolvedModels.TTL_MILLIS + 200);
        ModelInferResponse r = oip.modelInfer(OipRequests.raw(name, counts).build());
        assertEquals("2", r.getModelVersion());
        assertMatchesAnnotate(OipRequests.output(r, "probabilities"), 0, 3);
        assertEquals("1", oip.modelInfer(OipRequests.raw(name, counts).setModelVersion("1").build())
                .getModelVersion());
        // Resolutions expire and release their session leases.
        assertLeasesReleased();
    }

    @Test
    void modelStreamInferAnswersInOrderAndCarriesOnPastABadRequest() throws InterruptedException {
        CsrMatrix counts = pbmc.test.counts();
        List<ModelInferRequest> requests = List.of(
                OipRequests.raw(Serving.MODEL, counts.sliceRows(0, 100)).setId("a").build(),
                OipRequests.fp32(Serving.MODEL, counts.sliceRows(100, 130)).setId("b").build(),
                OipRequests.header(Serving.MODEL, 3, genes - 1)
                        .addRawInputContents(OipRequests.littleEndian(new float[3 * (genes - 1)])).setId("c").build(),
                OipRequests.raw("no-such-model", counts.sliceRows(0, 2)).setId("d").build(),
                OipRequests.raw(Serving.MODEL, counts.sliceRows(130, counts.rows())).setModelVersion("1")
                        .setId("e").build());
        OipRequests.StreamOutcome out = OipRequests.stream(serving.channel, requests);
        assertEquals(Status.Code.OK, out.status().getCode(), String.valueOf(out.status()));
        List<ModelStreamInferResponse> r = out.responses();
        assertEquals(List.of("a", "b", "c", "d", "e"), r.stream().map(x -> x.getInferResponse().getId()).toList());

        assertEquals("", r.get(0).getErrorMessage());
        assertMatchesAnnotate(OipRequests.output(r.get(0).getInferResponse(), "probabilities"), 0, 100);
        assertEquals(1, r.get(0).getInferResponse().getRawOutputContentsCount());
        assertEquals("", r.get(1).getErrorMessage());
        assertEquals(0, r.get(1).getInferResponse().getRawOutputContentsCount());
        assertMatchesAnnotate(OipRequests.output(r.get(1).getInferResponse(), "probabilities"), 100, 30);

        String wrongShape = r.get(2).getErrorMessage();
        assertTrue(wrongShape.startsWith("INVALID_ARGUMENT: ") && wrongShape.contains("[N, " + genes + "]"),
                wrongShape);
        assertEquals(0, r.get(2).getInferResponse().getOutputsCount());
        String unknown = r.get(3).getErrorMessage();
        assertTrue(unknown.startsWith("NOT_FOUND: ") && unknown.contains("no-such-model"), unknown);

        assertEquals("", r.get(4).getErrorMessage());
        assertEquals("1", r.get(4).getInferResponse().getModelVersion());
        assertMatchesAnnotate(OipRequests.output(r.get(4).getInferResponse(), "probabilities"), 130,
                counts.rows() - 130);
        // The stream's session lease is released once it ends.
        assertLeasesReleased();
    }

    private static void assertLeasesReleased() throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (serving.inference.sessions().leases() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, serving.inference.sessions().leases(), "session leases left after the calls ended");
    }

    @Test
    void statisticsCountTheCellsInferred() {
        CsrMatrix counts = pbmc.test.counts().sliceRows(0, 7);
        long before = inferenceCount();
        oip.modelInfer(OipRequests.raw(Serving.MODEL, counts).build());
        ModelStatistics stats = oip.modelStatistics(ModelStatisticsRequest.newBuilder().setName(Serving.MODEL)
                .setVersion("1").build()).getModelStats(0);
        assertEquals(Serving.MODEL, stats.getName());
        assertEquals("1", stats.getVersion());
        assertEquals(before + 7, stats.getInferenceCount());
        assertTrue(stats.getExecutionCount() >= 1);
        assertTrue(stats.getInferenceStats().getSuccess().getCount() >= 1);
        assertTrue(stats.getInferenceStats().getComputeInfer().getNs() > 0);
        assertTrue(stats.getLastInference() > 0);
    }

    /** Latency of one-cell ModelInfer calls over loopback (printed, never asserted). */
    @Test
    void measuresOneCellLatency() {
        ModelInferRequest one = OipRequests.raw(Serving.MODEL, pbmc.test.counts().sliceRows(0, 1)).build();
        for (int i = 0; i < 50; i++) {
            oip.modelInfer(one); // warm-up
        }
        long[] nanos = new long[300];
        for (int i = 0; i < nanos.length; i++) {
            long start = System.nanoTime();
            oip.modelInfer(one);
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        System.out.printf(java.util.Locale.ROOT, "OIP ModelInfer, 1 cell x %d genes: p50 %.2f ms, p99 %.2f ms"
                + " (%d calls)%n", genes, nanos[nanos.length / 2] / 1e6,
                nanos[nanos.length * 99 / 100] / 1e6, nanos.length);
    }

    private static long inferenceCount() {
        var stats = oip.modelStatistics(ModelStatisticsRequest.newBuilder().setName(Serving.MODEL).setVersion("1")
                .build());
        assertEquals(1, stats.getModelStatsCount(), stats.toString());
        return stats.getModelStats(0).getInferenceCount();
    }

    /** {@code got} (cells x labels) equals Annotate's and in-process ORT's rows {@code from ..}. */
    private static void assertMatchesAnnotate(float[] got, int from, int cells) {
        assertEquals(cells * labels, got.length);
        for (int i = 0; i < cells; i++) {
            float[] row = Arrays.copyOfRange(got, i * labels, (i + 1) * labels);
            assertArrayEquals(annotated[from + i], row, TOLERANCE, "cell " + (from + i) + " vs Annotate");
            assertArrayEquals(reference[from + i], row, TOLERANCE, "cell " + (from + i) + " vs in-process ORT");
        }
    }

    private static ModelIndex find(List<ModelIndex> index, String name) {
        return index.stream().filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not in " + index));
    }
}
