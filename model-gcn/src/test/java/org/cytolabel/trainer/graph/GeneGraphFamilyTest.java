package org.cytolabel.trainer.graph;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cytolabel.core.TestData;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.trainer.eval.BenchmarkSplit;
import org.cytolabel.trainer.eval.SplitRun;
import org.cytolabel.trainer.eval.SplitRunner;
import org.cytolabel.trainer.eval.StandardSplits;
import org.cytolabel.trainer.export.ParityCheck;
import org.cytolabel.trainer.model.FittedModel;
import org.cytolabel.trainer.model.HyperParameters;
import org.cytolabel.trainer.model.ModelFamilies;
import org.cytolabel.trainer.model.ModelFamily;
import org.cytolabel.trainer.train.EpochReport;
import org.cytolabel.trainer.train.TrainingListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Short real-data trainings on Kang control -> stimulated (S2), through the standard split runner. */
class GeneGraphFamilyTest {
    private static BenchmarkSplit split;

    @BeforeAll
    static void load() {
        split = StandardSplits.load("kang-ctrl-stim", TestData.root(), 0);
    }

    @Test
    void familiesAreRegistered() {
        for (String kind : List.of("fc", "ae-fc", "gcn")) {
            ModelFamily f = ModelFamilies.get(kind);
            assertEquals(kind, f.kind());
            assertTrue(f.defaults().containsKey("epochs"));
        }
        assertTrue(ModelFamilies.get("gcn").defaults().keySet().containsAll(List.of("graph", "diagonal",
                "graph_mode", "covered_only")));
        assertTrue(ModelFamilies.get("ae-fc").defaults().containsKey("ae_epochs"));
        ModelFamily gcn = ModelFamilies.get("gcn");
        assertThrows(CytoLabelException.class, () -> GeneGraphConfig.from("gcn",
                HyperParameters.of("gcn", gcn.defaults(), Map.of("diagonal", "half"))));
        assertThrows(CytoLabelException.class, () -> GeneGraphConfig.from("gcn",
                HyperParameters.of("gcn", gcn.defaults(), Map.of("graph_mode", "dense"))));
        assertThrows(CytoLabelException.class, () -> HyperParameters.of("fc",
                ModelFamilies.get("fc").defaults(), Map.of("graph_mode", "prior")));
    }

    @Test
    void gcnBothTrainsExportsWithParityAndPassesAFloor() {
        List<EpochReport> epochs = new ArrayList<>();
        SplitRun run = SplitRunner.run("gcn", Map.of("graph_mode", "both", "epochs", "4", "learned_genes", "128"),
                split, 0, epochs::add);
        System.out.printf("gcn both, 4 epochs: macro-F1 %.4f accuracy %.4f parity %.2e%n", run.score().macroF1(),
                run.score().accuracy(), run.parity().maxAbsDifference());
        // measured 0.790 macro-F1 (accuracy 0.793), parity 6.6e-7
        assertTrue(run.score().macroF1() > 0.70, "macro-F1 " + run.score().macroF1());
        assertTrue(run.parity().maxAbsDifference() <= ParityCheck.DEFAULT_TOLERANCE);
        assertEquals(0, run.parity().argmaxMismatches());
        assertEquals(4, epochs.size());
        double residual = epochs.get(3).metrics().get("graph_residual_mean_abs");
        assertTrue(residual > 0, "the graph residual moved away from its zero start: " + residual);
    }

    @Test
    void coveredOnlyPriorAndAeFcTrainWithParityAndReportTheGraph() {
        ModelFamily gcn = ModelFamilies.get("gcn");
        HyperParameters hp = HyperParameters.of("gcn", gcn.defaults(), Map.of("covered_only", "true", "epochs", "3",
                "diagonal", "zero"));
        try (FittedModel m = gcn.fit(split.data(), hp, TrainingListener.none())) {
            Map<String, String> notes = m.notes();
            assertEquals("757 of 1267", notes.get("graph_panel_genes_covered"));
            assertEquals("757", notes.get("model_genes"));
            assertEquals("9327", notes.get("graph_edges_kept"));
            assertEquals("8741", notes.get("graph_unknown_genes_dropped"));
            assertTrue(Long.parseLong(notes.get("prior_graph_bytes")) > 0);
            byte[] onnx = m.exportOnnx("gcn-test");
            var parity = ParityCheck.compare(m, onnx, split.testCounts().sliceRows(0, 200));
            ParityCheck.require(parity, ParityCheck.DEFAULT_TOLERANCE);
        }
        SplitRun ae = SplitRunner.run("ae-fc", Map.of("epochs", "3", "ae_epochs", "2"), split, 0,
                TrainingListener.none());
        System.out.printf("ae-fc 2+3 epochs: macro-F1 %.4f%n", ae.score().macroF1());
        // measured 0.810
        assertTrue(ae.score().macroF1() > 0.70, "ae-fc macro-F1 " + ae.score().macroF1());
        SplitRun fc = SplitRunner.run("fc", Map.of("epochs", "1"), split, 0, TrainingListener.none());
        assertNotEquals(fc.probabilities()[0][0], ae.probabilities()[0][0], "the autoencoder changed the start");
    }

    @Test
    void cancellationStopsTraining() {
        ModelFamily fc = ModelFamilies.get("fc");
        TrainingListener cancel = new TrainingListener() {
            @Override
            public void onEpoch(EpochReport report) {
            }

            @Override
            public boolean isCancelled() {
                return true;
            }
        };
        CytoLabelException e = assertThrows(CytoLabelException.class, () -> fc.fit(split.data(),
                HyperParameters.of("fc", fc.defaults(), Map.of()), cancel));
        assertEquals(ErrorKind.CANCELLED, e.kind());
    }
}
