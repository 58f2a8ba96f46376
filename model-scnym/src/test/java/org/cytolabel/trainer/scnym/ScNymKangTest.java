package org.cytolabel.trainer.scnym;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cytolabel.core.TestData;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.onnx.ArtifactContract;
import org.cytolabel.trainer.eval.BenchmarkSplit;
import org.cytolabel.trainer.eval.SplitScore;
import org.cytolabel.trainer.eval.StandardSplits;
import org.cytolabel.trainer.export.OnnxRunner;
import org.cytolabel.trainer.export.ParityCheck;
import org.cytolabel.trainer.export.ParityResult;
import org.cytolabel.trainer.model.FittedModel;
import org.cytolabel.trainer.model.HyperParameters;
import org.cytolabel.trainer.model.ModelFamilies;
import org.cytolabel.trainer.model.ModelFamily;
import org.cytolabel.trainer.train.EpochReport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * scNym on Kang control → IFN-β stimulated (S2; stim cells given unlabeled, their labels used
 * only to score), one short seeded run shared by the tests: the export's probabilities, embedding
 * and saliency agree with DJL, the ONNX output scores above a floor on the stimulated cells, and the
 * notes, attachments and epoch metrics are there.
 */
class ScNymKangTest {
    static final int EPOCHS = 16;
    private static BenchmarkSplit split;
    private static FittedModel model;
    private static byte[] onnx;
    private static final List<EpochReport> EPOCH_REPORTS = new ArrayList<>();

    @BeforeAll
    static void train() {
        split = StandardSplits.kangCtrlToStim(TestData.root(), 0);
        ModelFamily family = ModelFamilies.get("scnym");
        HyperParameters hp = HyperParameters.of("scnym", family.defaults(), Map.of("epochs", Integer.toString(EPOCHS)));
        model = family.fit(split.data(), hp, EPOCH_REPORTS::add);
        onnx = model.exportOnnx("scnym-kang-test");
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    @Test
    void onnxMatchesDjlOnProbabilitiesEmbeddingAndSaliency() {
        CsrMatrix cells = split.testCounts().sliceRows(0, 256);
        ParityResult parity = ParityCheck.compare(model, onnx, cells);
        ParityCheck.require(parity, 1e-4);
        assertEquals(0, parity.argmaxMismatches());
        assertTrue(parity.maxAbsDifference() <= 1e-4, "probabilities differ by " + parity.maxAbsDifference());
        assertTrue(parity.auxiliary().get(ScNymOutputs.SALIENCY) <= 1e-4, "saliency " + parity.auxiliary());
        assertTrue(parity.auxiliary().get(ArtifactContract.OUTPUT_EMBEDDING) <= 1e-4, "embedding " + parity.auxiliary());
        // the saliency is not trivially zero
        float[][] s = model.auxiliaryOutputs(cells.sliceRows(0, 8)).get(ScNymOutputs.SALIENCY);
        double norm = 0;
        for (float[] row : s) {
            for (float v : row) {
                norm += v * v;
            }
        }
        assertTrue(norm > 1e-6, "saliency norm " + norm);
    }

    @Test
    void transfersToStimulatedCellsAboveFloor() {
        float[][] probs = OnnxRunner.run(onnx, split.testCounts());
        SplitScore score = SplitScore.of(split, probs);
        System.out.println("scnym kang-ctrl-stim " + EPOCHS + " epochs: " + score.row("scnym", 0));
        assertEquals(806, score.cells());
        assertTrue(score.macroF1() >= 0.80, "macro-F1 " + score.macroF1());
        assertTrue(score.accuracy() >= 0.85, "accuracy " + score.accuracy());
    }

    @Test
    void reportsItsOwnMetricsEveryEpoch() {
        assertEquals(EPOCHS, EPOCH_REPORTS.size());
        for (EpochReport r : EPOCH_REPORTS) {
            for (String key : List.of("supervised_loss", "consistency_loss", "adversary_loss", "domain_accuracy",
                    "consistency_weight", "adversary_weight")) {
                assertTrue(r.metrics().containsKey(key), key + " missing at epoch " + r.epoch());
            }
            double acc = r.metrics().get("domain_accuracy");
            assertTrue(acc >= 0 && acc <= 1, "domain accuracy " + acc);
        }
        // ramps: consistency weight rises linearly to 1 by half the epochs; adversary reaches 0.1
        assertTrue(EPOCH_REPORTS.get(0).metrics().get("consistency_weight") < 0.2);
        assertEquals(1.0, EPOCH_REPORTS.get(EPOCHS - 1).metrics().get("consistency_weight"), 1e-9);
        assertEquals(0.1, EPOCH_REPORTS.get(EPOCHS - 1).metrics().get("adversary_weight"), 1e-6);
        assertTrue(model.bestEpoch() >= EPOCHS / 2 && model.bestEpoch() <= EPOCHS, "best " + model.bestEpoch());
    }

    @Test
    void notesAndAttachments() {
        double t = Double.parseDouble(model.notes().get("temperature"));
        assertTrue(t > 0.05 && t < 20, "temperature " + t);
        assertEquals(t, ScNymExporter.temperature(onnx), 1e-5 * t);
        assertTrue(Double.parseDouble(model.notes().get("validation_nll_after_temperature"))
                <= Double.parseDouble(model.notes().get("validation_nll_before_temperature")) + 1e-9);
        byte[] png = model.attachments().get("reliability_validation.png");
        assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G');
        String tsv = new String(model.attachments().get("saliency_markers.tsv"), StandardCharsets.UTF_8);
        String[] lines = tsv.split("\n");
        assertEquals("class\trank\tgene\tmean_saliency", lines[0]);
        assertEquals(1 + 50 * split.data().classNames().size(), lines.length);
        assertTrue(tsv.contains("CD14+ Monocytes\t1\t"));
    }
}
