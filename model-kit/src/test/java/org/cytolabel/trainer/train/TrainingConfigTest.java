package org.cytolabel.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.junit.jupiter.api.Test;

class TrainingConfigTest {

    @Test
    void defaultsPerKind() {
        TrainingConfig mlp = TrainingConfig.defaults("mlp");
        assertEquals(new TrainingConfig("mlp", 40, 128, 1e-3f, 1e-2f, 0.9f, 8, 256, 2, 0.3f, 0L), mlp);
        TrainingConfig linear = TrainingConfig.defaults("linear");
        assertEquals(0, linear.hiddenLayers());
        assertEquals(0f, linear.dropout());
        var e = assertThrows(CytoLabelException.class, () -> TrainingConfig.defaults("tabnet"));
        assertTrue(e.getMessage().contains("[linear, mlp]"), e.getMessage());
    }

    @Test
    void overridesReplaceOnlyTheGivenKeys() {
        TrainingConfig c = TrainingConfig.defaults("mlp").withOverrides(Map.of("epochs", "5", "lr", "0.01",
                "batch_size", "64", "weight_decay", "0.05", "step_gamma", "0.5", "patience", "2",
                "hidden", "32", "layers", "1", "dropout", "0.1", "seed", "42"));
        assertEquals(new TrainingConfig("mlp", 5, 64, 0.01f, 0.05f, 0.5f, 2, 32, 1, 0.1f, 42L), c);
        assertEquals(c, TrainingConfig.defaults("mlp").withOverrides(c.asMap()));
        TrainingConfig linear = TrainingConfig.defaults("linear").withOverrides(Map.of("seed", "7"));
        assertEquals(7L, linear.seed());
        assertEquals(linear, TrainingConfig.defaults("linear").withOverrides(linear.asMap()));
        assertEquals(TrainingConfig.KEYS, c.asMap().keySet().stream().toList());
    }

    @Test
    void unknownKeyNamesTheValidKeys() {
        var e = assertThrows(CytoLabelException.class,
                () -> TrainingConfig.defaults("mlp").withOverrides(Map.of("learning_rate", "0.1")));
        assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
        assertTrue(e.getMessage().contains("'learning_rate'"), e.getMessage());
        assertTrue(e.getMessage().contains(TrainingConfig.KEYS.toString()), e.getMessage());
    }

    @Test
    void badValuesAreRefused() {
        TrainingConfig mlp = TrainingConfig.defaults("mlp");
        var notNumber = assertThrows(CytoLabelException.class, () -> mlp.withOverrides(Map.of("epochs", "many")));
        assertEquals(ErrorKind.INVALID_ARGUMENT, notNumber.kind());
        assertTrue(notNumber.getMessage().contains("'many'"), notNumber.getMessage());
        assertThrows(CytoLabelException.class, () -> mlp.withOverrides(Map.of("lr", "-1")));
        assertThrows(CytoLabelException.class, () -> mlp.withOverrides(Map.of("lr", "NaN")));
        assertThrows(CytoLabelException.class, () -> mlp.withOverrides(Map.of("dropout", "1")));
        assertThrows(CytoLabelException.class, () -> mlp.withOverrides(Map.of("batch_size", "1")));
        var linear = assertThrows(CytoLabelException.class,
                () -> TrainingConfig.defaults("linear").withOverrides(Map.of("hidden", "64")));
        assertTrue(linear.getMessage().contains("'mlp'"), linear.getMessage());
    }
}
