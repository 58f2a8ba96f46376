package org.cytolabel.trainer.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.metrics.Metrics;
import org.cytolabel.core.onnx.ArtifactContract;
import org.cytolabel.trainer.export.ParityCheck;
import org.cytolabel.trainer.export.ParityResult;
import org.cytolabel.trainer.model.FittedModel;
import org.cytolabel.trainer.model.HyperParameters;
import org.cytolabel.trainer.model.ModelFamilies;
import org.cytolabel.trainer.model.ModelFamily;
import org.cytolabel.trainer.model.TrainingData;
import org.cytolabel.trainer.train.SortedPbmc;
import org.cytolabel.trainer.train.TrainingListener;
import org.junit.jupiter.api.Test;

/** A short real-data run of the family: pretrain on the training cells without labels, fine-tune, export. */
class ScPretrainFamilyTest {

    @Test
    void registeredUnderItsKind() {
        assertTrue(ModelFamilies.has("scpretrain"));
        assertEquals("scpretrain", ModelFamilies.get("scpretrain").kind());
        assertTrue(ModelFamilies.get("scpretrain").defaults().containsKey("epochs"));
    }

    @Test
    void refusesAnUnknownInit() {
        ModelFamily f = ModelFamilies.get("scpretrain");
        SortedPbmc d = SortedPbmc.get();
        TrainingData data = TrainingData.labeled(d.train, d.validation, genes(d), d.classes, 0);
        HyperParameters hp = HyperParameters.of("scpretrain", f.defaults(), Map.of("init", "imagenet"));
        CytoLabelException e = assertThrows(CytoLabelException.class, () -> f.fit(data, hp, TrainingListener.none()));
        assertTrue(e.getMessage().contains("'init'"), e.getMessage());
    }

    @Test
    void shortFineTuneOnSortedPbmcPassesFloorAndExportParity() {
        ModelFamily f = ModelFamilies.get("scpretrain");
        SortedPbmc d = SortedPbmc.get();
        TrainingData data = TrainingData.labeled(d.train, d.validation, genes(d), d.classes, 0);
        HyperParameters hp = HyperParameters.of("scpretrain", f.defaults(), Map.of("epochs", "12", "patience", "4",
                "pretrain_iterations", "1", "pretrain_epochs", "1", "pretrain_pca", "20", "pretrain_max_cells", "600"));
        try (FittedModel model = f.fit(data, hp, TrainingListener.none())) {
            int expectedCells = (int) Math.floor(0.6 * d.train.cells()); // < 1000
            assertEquals(Integer.toString(expectedCells), model.notes().get("labeled_cells"));
            assertTrue(model.attachments().containsKey("scpretrain_encoder.scpt"));
            // 2 pretraining iterations (phase 0) then fine-tuning epochs (phase 1)
            assertEquals(0.0, model.history().get(0).metrics().get("phase"));
            assertEquals(1.0, model.history().get(2).metrics().get("phase"));
            float[][] probs = model.predictProbabilities(d.test.counts());
            double f1 = Metrics.evaluate(d.test.labels(), FineTuner.argmax(probs), d.classes).macroF1();
            System.out.println("scpretrain short fine-tune: test macro-F1 " + f1 + ", best epoch " + model.bestEpoch());
            assertTrue(f1 >= 0.55, "test macro-F1 " + f1);

            byte[] onnx = model.exportOnnx("scpretrain-test");
            ParityResult parity = ParityCheck.compare(model, onnx, d.test.counts().sliceRows(0, 256));
            ParityCheck.require(parity, ParityCheck.DEFAULT_TOLERANCE);
            assertTrue(parity.auxiliary().get(ArtifactContract.OUTPUT_EMBEDDING) <= 1e-4, parity.toString());
        }
    }

    private static java.util.List<String> genes(SortedPbmc d) {
        org.cytolabel.core.data.CellDataset full = org.cytolabel.core.data.DatasetReader.read(
                org.cytolabel.core.TestData.file(org.cytolabel.core.TestData.SORTED_PBMC));
        return full.genes().symbols();
    }
}
