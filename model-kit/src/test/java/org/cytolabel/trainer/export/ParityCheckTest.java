package org.cytolabel.trainer.export;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.Map;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.trainer.train.ClassifierTrainer;
import org.cytolabel.trainer.train.SortedPbmc;
import org.cytolabel.trainer.train.TrainedClassifier;
import org.cytolabel.trainer.train.TrainingConfig;
import org.junit.jupiter.api.Test;

/** DJL and ONNX Runtime agree on real held-out cells for both model kinds. */
class ParityCheckTest {

    @Test
    void linearExportMatchesDjl() {
        checkParity("linear");
    }

    @Test
    void mlpExportMatchesDjl() {
        checkParity("mlp");
    }

    private static void checkParity(String kind) {
        SortedPbmc data = SortedPbmc.get();
        TrainingConfig config = TrainingConfig.defaults(kind).withOverrides(Map.of("epochs", "4"));
        try (TrainedClassifier model = ClassifierTrainer.train(data.train, data.validation, config, r -> { })) {
            byte[] onnx = OnnxExporter.export(model.weights(), data.train.genes(), data.classes.size(),
                    "sorted-pbmc-" + kind);
            ParityResult r = ParityCheck.compare(model, onnx, data.test.counts());
            System.out.printf(Locale.ROOT, "%s parity: %d cells, max |DJL - ORT| %.3g, %d argmax mismatches%n",
                    kind, r.cells(), r.maxAbsDifference(), r.argmaxMismatches());
            assertEquals(data.test.cells(), r.cells());
            assertTrue(r.cells() >= 200);
            assertTrue(r.maxAbsDifference() <= 1e-4, "max difference " + r.maxAbsDifference());
            assertEquals(0, r.argmaxMismatches());
            assertDoesNotThrow(() -> ParityCheck.require(r, ParityCheck.DEFAULT_TOLERANCE));
        }
    }

    @Test
    void requireRefusesDisagreement() {
        assertRefused(new ParityResult(300, 2e-4, 0));
        assertRefused(new ParityResult(300, 1e-6, 1));
        assertRefused(new ParityResult(300, Double.NaN, 0));
        assertRefused(new ParityResult(0, 0, 0));
        assertDoesNotThrow(() -> ParityCheck.require(new ParityResult(300, 1e-4, 0), 1e-4));
    }

    private static void assertRefused(ParityResult r) {
        var e = assertThrows(CytoLabelException.class, () -> ParityCheck.require(r, 1e-4));
        assertEquals(ErrorKind.INTERNAL, e.kind());
        assertTrue(e.getMessage().contains("not published") || e.getMessage().contains("no cells"), e.getMessage());
    }
}
