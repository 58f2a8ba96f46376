package org.cytolabel.inference.grpc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.inference.testing.AnnotateClient;
import org.cytolabel.inference.testing.AnnotateClient.Outcome;
import org.cytolabel.inference.testing.OrtReference;
import org.cytolabel.inference.testing.PbmcCentroidModel;
import org.cytolabel.inference.testing.Serving;
import org.cytolabel.proto.annotation.v1.AnnotateBatchRequest;
import org.cytolabel.proto.annotation.v1.AnnotateBatchResponse;
import org.cytolabel.proto.annotation.v1.AnnotateHeader;
import org.cytolabel.proto.annotation.v1.AnnotatorGrpc;
import org.cytolabel.proto.annotation.v1.CellPrediction;
import org.cytolabel.proto.annotation.v1.OutputOptions;
import org.cytolabel.proto.model.v1.ModelRef;
import io.grpc.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Annotate over real sockets against a real registry, with the sorted-PBMC centroid model. */
class AnnotateStreamTest {
    /** Measured 0.8575 (367 of 428) on the seeded 20% held-out split. */
    static final double ACCURACY_FLOOR = 0.85;

    @TempDir
    static Path registryDir;
    static Serving serving;
    static PbmcCentroidModel pbmc;
    /** In-process ORT probabilities of the held-out cells. */
    static float[][] reference;

    @BeforeAll
    static void start() {
        serving = Serving.start(registryDir);
        pbmc = serving.pbmc;
        reference = OrtReference.probabilities(pbmc.onnx, pbmc.test.counts());
    }

    @AfterAll
    static void stop() {
        if (serving != null) {
            serving.close();
        }
    }

    static AnnotateHeader.Builder header(List<String> genes) {
        return AnnotateHeader.newBuilder()
                .setModel(ModelRef.newBuilder().setName(Serving.MODEL))
                .addAllGeneIds(genes);
    }

    @Test
    void annotatesEveryCellInOrderAsInProcessOrtDoes() {
        var header = header(pbmc.data.genes().symbols())
                .setOutputs(OutputOptions.newBuilder().setTopK(3).setProbabilities(true)).build();
        Outcome out = serving.client().annotate(header, AnnotateClient.chunks(pbmc.test.counts(), pbmc.test.cellIds(), 100));
        assertEquals(Status.Code.OK, out.status().getCode(), String.valueOf(out.status()));

        var info = out.info();
        assertEquals(Serving.MODEL, info.getModel().getName());
        assertEquals(serving.published.getVersion(), info.getModel().getVersion());
        assertEquals(pbmc.data.genes().size(), info.getOverlap().getMatched());
        assertEquals(1.0, info.getOverlap().getFraction());
        assertEquals(pbmc.labels, info.getLabelsList());

        int chunks = (pbmc.test.cells() + 99) / 100;
        assertEquals(chunks, out.results().size());
        for (int i = 0; i < chunks; i++) {
            assertEquals(i, out.results().get(i).getChunkIndex());
            assertEquals(serving.published.getVersion(), out.results().get(i).getModelVersion());
        }
        List<CellPrediction> cells = out.cells();
        assertEquals(pbmc.test.cellIds(), cells.stream().map(CellPrediction::getCellId).toList());

        List<String> truth = pbmc.test.obsColumn(PbmcCentroidModel.LABEL_COLUMN);
        int correct = 0;
        for (int i = 0; i < cells.size(); i++) {
            CellPrediction c = cells.get(i);
            int expected = OrtReference.argmax(reference[i]);
            assertEquals(pbmc.classes.get(expected), c.getLabel(), "cell " + i);
            assertEquals(pbmc.labels.get(expected).getCellOntologyId(), c.getCellOntologyId());
            assertEquals(reference[i][expected], c.getProbability(), 1e-5f);
            assertArrayEquals(reference[i], toArray(c.getProbabilitiesList()), 1e-5f);
            assertEquals(3, c.getTopKCount());
            assertEquals(c.getLabel(), c.getTopK(0).getLabel());
            assertTrue(c.getTopK(0).getProbability() >= c.getTopK(1).getProbability()
                    && c.getTopK(1).getProbability() >= c.getTopK(2).getProbability());
            if (c.getLabel().equals(truth.get(i))) {
                correct++;
            }
        }
        double accuracy = (double) correct / cells.size();
        System.out.printf(Locale.ROOT, "centroid model: held-out accuracy %.4f on %d cells (softmax scale %s)%n",
                accuracy, cells.size(), pbmc.scale);
        assertTrue(accuracy >= ACCURACY_FLOOR, "accuracy " + accuracy);
    }

    @Test
    void alignsGenesWhateverTheirOrderCaseExtrasAndGaps() {
        List<String> symbols = pbmc.data.genes().symbols();
        int genes = symbols.size();
        CsrMatrix counts = pbmc.test.counts().sliceRows(0, 150);
        List<String> ids = pbmc.test.cellIds().subList(0, 150);

        // Client: every 10th model gene missing, the rest shuffled, every other one lower-cased,
        // 40 genes the model does not know, and one model gene sent twice (the copy must be ignored).
        List<Integer> kept = new ArrayList<>();
        for (int g = 0; g < genes; g++) {
            if (g % 10 != 3) {
                kept.add(g);
            }
        }
        Collections.shuffle(kept, new Random(7));
        List<String> clientGenes = new ArrayList<>();
        List<Integer> clientToModel = new ArrayList<>();
        for (int i = 0; i < kept.size(); i++) {
            String s = symbols.get(kept.get(i));
            clientGenes.add(i % 2 == 0 ? s.toLowerCase(Locale.ROOT) : s);
            clientToModel.add(kept.get(i));
            if (i % 200 == 0) {
                clientGenes.add("NOT-A-GENE-" + i);
                clientToModel.add(-1);
            }
        }
        clientGenes.add(symbols.get(kept.get(0)));
        clientToModel.add(-2); // the duplicate: filled with noise below
        CsrMatrix client = remap(counts, clientToModel, kept.get(0));

        // Reference: the model's own order with the missing genes' counts removed.
        CsrMatrix aligned = dropColumns(counts, g -> g % 10 == 3);

        var options = OutputOptions.newBuilder().setProbabilities(true).build();
        Outcome shuffled = serving.client().annotate(header(clientGenes).setOutputs(options).build(),
                List.of(AnnotateClient.chunk(client, ids)));
        Outcome ordered = serving.client().annotate(header(symbols).setOutputs(options).build(),
                List.of(AnnotateClient.chunk(aligned, ids)));
        assertEquals(Status.Code.OK, shuffled.status().getCode(), String.valueOf(shuffled.status()));
        assertEquals(Status.Code.OK, ordered.status().getCode());

        var overlap = shuffled.info().getOverlap();
        assertEquals(kept.size(), overlap.getMatched());
        assertEquals(clientGenes.size(), overlap.getClientGenes());
        assertEquals(1, overlap.getDuplicates());
        assertEquals(symbols.get(3), overlap.getMissingExamples(0));
        assertEquals((double) kept.size() / genes, overlap.getFraction(), 1e-12);
        for (int i = 0; i < ids.size(); i++) {
            CellPrediction a = shuffled.cells().get(i);
            CellPrediction b = ordered.cells().get(i);
            assertEquals(b.getCellId(), a.getCellId());
            assertEquals(b.getLabel(), a.getLabel());
            assertArrayEquals(toArray(b.getProbabilitiesList()), toArray(a.getProbabilitiesList()), 1e-7f);
        }
    }

    @Test
    void callsLowConfidenceCellsUnassigned() {
        float[] tops = new float[reference.length];
        for (int i = 0; i < reference.length; i++) {
            tops[i] = reference[i][OrtReference.argmax(reference[i])];
        }
        float[] sorted = tops.clone();
        Arrays.sort(sorted);
        // From the tenth least confident cell up, the first clear gap: no cell sits near the threshold.
        int gap = 10;
        while (gap < sorted.length - 1 && sorted[gap] - sorted[gap - 1] < 1e-3f) {
            gap++;
        }
        float threshold = (sorted[gap - 1] + sorted[gap]) / 2;
        var header = header(pbmc.data.genes().symbols())
                .setOutputs(OutputOptions.newBuilder().setUnassignedBelow(threshold).setTopK(1)).build();
        Outcome out = serving.client().annotate(header,
                AnnotateClient.chunks(pbmc.test.counts(), pbmc.test.cellIds(), 200));
        assertEquals(Status.Code.OK, out.status().getCode(), String.valueOf(out.status()));
        int unassigned = 0;
        for (int i = 0; i < tops.length; i++) {
            CellPrediction c = out.cells().get(i);
            String best = pbmc.classes.get(OrtReference.argmax(reference[i]));
            if (tops[i] < threshold) {
                unassigned++;
                assertEquals("Unassigned", c.getLabel());
                assertEquals("", c.getCellOntologyId());
                assertEquals(best, c.getTopK(0).getLabel(), "top-k still names the best label");
            } else {
                assertEquals(best, c.getLabel());
            }
        }
        System.out.printf(Locale.ROOT, "unassigned below %.4f: %d of %d cells%n", threshold, unassigned, tops.length);
        assertTrue(unassigned > 0 && unassigned < tops.length, unassigned + " unassigned");
    }

    @Test
    void annotateBatchAnswersLikeTheStream() {
        CsrMatrix counts = pbmc.test.counts().sliceRows(0, 20);
        List<String> ids = pbmc.test.cellIds().subList(0, 20);
        AnnotateBatchResponse r = AnnotatorGrpc.newBlockingStub(serving.channel).annotateBatch(
                AnnotateBatchRequest.newBuilder()
                        .setHeader(header(pbmc.data.genes().symbols())
                                .setModel(ModelRef.newBuilder().setName(Serving.MODEL).setVersion(1)))
                        .setCells(AnnotateClient.chunk(counts, ids)).build());
        assertEquals(1, r.getInfo().getModel().getVersion());
        assertEquals(20, r.getResult().getCellsCount());
        for (int i = 0; i < 20; i++) {
            assertEquals(ids.get(i), r.getResult().getCells(i).getCellId());
            assertEquals(pbmc.classes.get(OrtReference.argmax(reference[i])), r.getResult().getCells(i).getLabel());
        }
    }

    /** A quick throughput figure over the wire (printed, never asserted). */
    @Test
    void measuresThroughput() {
        var header = header(pbmc.data.genes().symbols()).build();
        var chunks = AnnotateClient.chunks(pbmc.data.counts(), pbmc.data.cellIds(), 500);
        serving.client().annotate(header, chunks); // warm-up
        int passes = 3;
        var timer = serving.inference.meters().find("cytolabel.inference.chunk.compute").timer();
        double computeBefore = timer.totalTime(java.util.concurrent.TimeUnit.SECONDS);
        long start = System.nanoTime();
        for (int p = 0; p < passes; p++) {
            assertEquals(pbmc.data.cells(), serving.client().annotate(header, chunks).cells().size());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "throughput: %d cells x %d streams (chunks of 500, %d genes) in %.2f s:"
                + " %.0f cells/s end to end%n", pbmc.data.cells(), passes, pbmc.data.genes().size(), seconds,
                passes * pbmc.data.cells() / seconds);
        double compute = timer.totalTime(java.util.concurrent.TimeUnit.SECONDS) - computeBefore;
        System.out.printf(Locale.ROOT, "  of which server chunk compute %.2f s (%.0f cells/s of compute)%n", compute,
                passes * pbmc.data.cells() / compute);
    }

    static float[] toArray(List<Float> values) {
        float[] a = new float[values.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = values.get(i);
        }
        return a;
    }

    /** Counts re-laid over client columns: column j takes model gene map[j]; -1 stays empty; -2 gets noise. */
    static CsrMatrix remap(CsrMatrix m, List<Integer> map, int noiseOf) {
        int cols = map.size();
        float[] dense = new float[m.rows() * cols];
        float[] row = new float[m.cols()];
        Random noise = new Random(3);
        for (int r = 0; r < m.rows(); r++) {
            Arrays.fill(row, 0);
            m.scatterRow(r, row, 0);
            for (int j = 0; j < cols; j++) {
                int g = map.get(j);
                dense[r * cols + j] = g >= 0 ? row[g] : g == -2 ? noise.nextInt(50) : 0;
            }
        }
        return fromDense(dense, m.rows(), cols);
    }

    static CsrMatrix dropColumns(CsrMatrix m, java.util.function.IntPredicate drop) {
        float[] dense = m.toDense();
        for (int r = 0; r < m.rows(); r++) {
            for (int g = 0; g < m.cols(); g++) {
                if (drop.test(g)) {
                    dense[r * m.cols() + g] = 0;
                }
            }
        }
        return fromDense(dense, m.rows(), m.cols());
    }

    static CsrMatrix fromDense(float[] dense, int rows, int cols) {
        int[] ptr = new int[rows + 1];
        List<Integer> idx = new ArrayList<>();
        List<Float> val = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                float v = dense[r * cols + c];
                if (v != 0) {
                    idx.add(c);
                    val.add(v);
                }
            }
            ptr[r + 1] = idx.size();
        }
        float[] v = new float[val.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = val.get(i);
        }
        return new CsrMatrix(rows, cols, ptr, idx.stream().mapToInt(Integer::intValue).toArray(), v);
    }
}
