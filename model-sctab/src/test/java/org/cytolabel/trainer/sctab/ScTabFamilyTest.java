package org.cytolabel.trainer.sctab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.trainer.model.HyperParameters;
import org.cytolabel.trainer.model.ModelFamilies;
import org.junit.jupiter.api.Test;

class ScTabFamilyTest {

    @Test
    void registeredUnderSctabWithEpochsKey() {
        assertInstanceOf(ScTabFamily.class, ModelFamilies.get("sctab"));
        Map<String, String> d = ModelFamilies.get("sctab").defaults();
        assertEquals("small", d.get("profile"));
        assertTrue(d.containsKey("epochs") && d.containsKey("ensemble") && d.containsKey("augment"), d.toString());
    }

    @Test
    void paperProfileHasThePaperSettingsAndOverridesWin() {
        var f = ModelFamilies.get("sctab");
        ScTabConfig paper = ScTabConfig.resolve(HyperParameters.of("sctab", f.defaults(),
                Map.of("profile", "paper", "epochs", "7")));
        assertEquals(128, paper.nD());
        assertEquals(64, paper.nA());
        assertEquals(3, paper.nShared());
        assertEquals(5, paper.nIndependent());
        assertEquals(2048, paper.batchSize());
        assertEquals(256, paper.virtualBatch());
        assertEquals(0.02f, paper.bnMomentum());
        assertEquals(5e-3f, paper.learningRate());
        assertEquals(0.05f, paper.weightDecay());
        assertEquals(0.9f, paper.stepGamma());
        assertEquals(1e-5f, paper.lambdaSparse());
        assertEquals(7, paper.epochs());
        ScTabConfig small = ScTabConfig.resolve(HyperParameters.of("sctab", f.defaults(), Map.of()));
        assertEquals(ScTabConfig.profile("small"), small);
    }

    @Test
    void badValuesAreRefusedWithTheKey() {
        var f = ModelFamilies.get("sctab");
        var e = assertThrows(CytoLabelException.class, () -> ScTabConfig.resolve(HyperParameters.of("sctab",
                f.defaults(), Map.of("entmax", "softmax"))));
        assertTrue(e.getMessage().contains("bisection"), e.getMessage());
        e = assertThrows(CytoLabelException.class, () -> ScTabConfig.resolve(HyperParameters.of("sctab",
                f.defaults(), Map.of("ensemble", "0"))));
        assertTrue(e.getMessage().contains("ensemble"), e.getMessage());
    }
}
