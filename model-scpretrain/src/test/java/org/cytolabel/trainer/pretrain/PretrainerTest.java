package org.cytolabel.trainer.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.cytolabel.core.TestData;
import org.cytolabel.core.data.CellDataset;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.data.DatasetReader;
import org.cytolabel.core.onnx.ArtifactContract;
import org.cytolabel.trainer.export.OnnxRunner;
import org.cytolabel.trainer.export.ParityCheck;
import org.cytolabel.trainer.train.EpochReport;
import org.cytolabel.trainer.train.TrainingListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pretraining on the two real unlabeled PBMC sets (CITE-seq 400 cells; donor A, first 600 cells)
 * in the union of their gene symbols, one phase-2 iteration: run once, checked by several tests.
 */
class PretrainerTest {
    private static GeneSpace space;
    private static List<Pretrainer.Dataset> datasets;
    private static Pretrainer.Result result;
    private static final List<EpochReport> REPORTS = new ArrayList<>();

    @BeforeAll
    static void pretrain() {
        CellDataset cite = DatasetReader.read(TestData.file(TestData.PBMC_CITESEQ));
        CellDataset donorA = DatasetReader.read(TestData.file(TestData.PBMC_DONOR_A));
        CellDataset a = donorA.selectCells(IntStream.range(0, 600).toArray());
        space = GeneSpace.union(List.of(cite.genes().symbols(), a.genes().symbols()));
        datasets = List.of(new Pretrainer.Dataset("citeseq", space.align(cite.counts(), cite.genes().symbols())),
                new Pretrainer.Dataset("donorA", space.align(a.counts(), a.genes().symbols())));
        PretrainConfig cfg = new PretrainConfig(200, 1, 2, 256, 1e-3f, 20, 0, new int[] {50, 100, 200}, 0);
        result = Pretrainer.pretrain(space.genes(), datasets, cfg, REPORTS::add);
    }

    @Test
    void tasksAreEachDatasetTimesNOver50_100_200() {
        List<Pretrainer.Task> tasks = result.tasks();
        assertEquals(6, tasks.size());
        assertArrayEquals(new int[] {8, 4, 2, 12, 6, 3}, tasks.stream().mapToInt(Pretrainer.Task::k).toArray());
        for (Pretrainer.Task t : tasks) {
            int n = datasets.get(t.dataset()).counts().rows();
            assertEquals(n, t.labels().length);
            // every cluster id is used (k-means re-seeds emptied clusters)
            assertEquals(t.k(), IntStream.of(t.labels()).distinct().count(), t.name());
        }
    }

    @Test
    void unionSpaceHoldsEveryGeneOnce() {
        assertTrue(space.size() >= 15792, "union " + space.size());
        assertEquals(space.size(), result.encoder().genes().size());
        assertEquals(200, result.encoder().hidden());
    }

    @Test
    void reportsEachIterationsTaskLossesAndAri() {
        assertEquals(2, REPORTS.size());
        assertEquals(REPORTS, result.history());
        EpochReport phase1 = REPORTS.get(0);
        EpochReport phase2 = REPORTS.get(1);
        double sum = 0;
        for (Pretrainer.Task t : result.tasks()) {
            double loss = phase2.metrics().get("loss_" + t.name());
            assertTrue(loss > 0 && loss < Math.log(t.k()) + 1, t.name() + " loss " + loss);
            sum += loss;
            double ari = phase2.metrics().get("ari_" + t.name());
            assertTrue(ari > -1 && ari <= 1, t.name() + " ARI " + ari);
            assertTrue(phase1.metrics().containsKey("loss_" + t.name()));
            assertTrue(!phase1.metrics().containsKey("ari_" + t.name()));
        }
        // the reported training loss is the multi-task sum
        assertEquals(sum, phase2.trainLoss(), 1e-9);
    }

    @Test
    void encoderRoundTripsThroughItsFileAndMatchesOnnxRuntime(@TempDir Path dir) throws Exception {
        PretrainedEncoder encoder = result.encoder();
        Path file = dir.resolve("encoder.scpt");
        encoder.save(file);
        PretrainedEncoder loaded = PretrainedEncoder.load(file);
        assertEquals(encoder.genes(), loaded.genes());
        assertArrayEquals(encoder.weight(), loaded.weight());
        assertArrayEquals(encoder.bias(), loaded.bias());
        assertTrue(Files.size(file) > 4L * encoder.genes().size() * encoder.hidden());

        CsrMatrix cells = datasets.get(0).counts().sliceRows(0, 200);
        float[][] djl = loaded.embed(cells);
        float[][] ort;
        try (OnnxRunner runner = new OnnxRunner(loaded.exportOnnx("encoder-test"))) {
            ort = runner.output(cells, ArtifactContract.OUTPUT_EMBEDDING);
        }
        assertEquals(200, ort[0].length);
        double diff = ParityCheck.maxAbsDifference("embedding", djl, ort);
        assertTrue(diff <= 1e-5, "embedding parity " + diff);
        // the embedding is not constant: sigmoid units vary across cells
        assertTrue(Math.abs(djl[0][0] - djl[1][0]) + Math.abs(djl[0][1] - djl[1][1]) > 1e-4);
    }

    @Test
    void encoderOnAnotherPanelMapsRowsByName() {
        PretrainedEncoder encoder = result.encoder();
        String g0 = encoder.genes().get(0);
        List<String> panel = List.of("NOT_A_GENE", g0.toLowerCase(java.util.Locale.ROOT));
        float[] w = encoder.weightFor(panel);
        float[] full = encoder.weight();
        for (int h = 0; h < encoder.hidden(); h++) {
            assertEquals(0f, w[h]);
            assertEquals(full[h], w[encoder.hidden() + h]);
        }
        assertEquals(1, encoder.overlap(panel));
    }

    @Test
    void cancellationStopsPretraining() {
        TrainingListener cancel = new TrainingListener() {
            @Override
            public void onEpoch(EpochReport report) {
            }

            @Override
            public boolean isCancelled() {
                return true;
            }
        };
        PretrainConfig cfg = new PretrainConfig(8, 0, 1, 64, 1e-3f, 5, 0, new int[] {50}, 0);
        var e = org.junit.jupiter.api.Assertions.assertThrows(org.cytolabel.core.error.CytoLabelException.class,
                () -> Pretrainer.pretrain(space.genes(), datasets.subList(0, 1), cfg, cancel));
        assertEquals(org.cytolabel.core.error.ErrorKind.CANCELLED, e.kind());
    }
}
