package org.cytolabel.trainer.scnym;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.trainer.model.HyperParameters;
import org.cytolabel.trainer.model.ModelFamilies;
import org.cytolabel.trainer.model.ModelFamily;
import org.cytolabel.trainer.model.TrainingData;
import org.cytolabel.trainer.train.SortedPbmc;
import org.cytolabel.trainer.train.TrainingListener;
import org.junit.jupiter.api.Test;

/** The family registers, declares its needs and refuses what it cannot train on. */
class ScNymFamilyTest {

    @Test
    void foundByKindWithItsDefaults() {
        ModelFamily f = ModelFamilies.get("scnym");
        assertInstanceOf(ScNymFamily.class, f);
        assertTrue(ModelFamilies.kinds().contains("scnym"));
        assertTrue(f.needsUnlabeledData());
        for (String key : new String[] {"epochs", "batch_size", "lr", "weight_decay", "dropout", "hidden",
                "temperature_sharpen", "mixup_alpha", "consistency_weight", "adversary_weight", "confidence_gate",
                "calibrate"}) {
            assertTrue(f.defaults().containsKey(key), key);
        }
        assertEquals("0.5", f.defaults().get("temperature_sharpen"));
        assertEquals("0.3", f.defaults().get("mixup_alpha"));
        assertEquals("0.1", f.defaults().get("adversary_weight"));
    }

    @Test
    void refusesBadHyperParameters() {
        ModelFamily f = ModelFamilies.get("scnym");
        CytoLabelException e = assertThrows(CytoLabelException.class,
                () -> ScNymConfig.of(HyperParameters.of("scnym", f.defaults(), Map.of("confidence_gate", "1.5"))));
        assertTrue(e.getMessage().contains("confidence_gate"), e.getMessage());
        assertThrows(CytoLabelException.class, () -> HyperParameters.of("scnym", f.defaults(), Map.of("epoch", "3")));
    }

    @Test
    void refusesToTrainWithoutTargetCellsUnlessSupervised() {
        SortedPbmc d = SortedPbmc.get();
        TrainingData data = TrainingData.labeled(d.train, d.validation, java.util.stream.IntStream
                .range(0, d.train.genes()).mapToObj(i -> "g" + i).toList(), d.classes, 0);
        ModelFamily f = ModelFamilies.get("scnym");
        CytoLabelException e = assertThrows(CytoLabelException.class,
                () -> f.fit(data, HyperParameters.of("scnym", f.defaults(), Map.of()), TrainingListener.none()));
        assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
        assertTrue(e.getMessage().contains("unlabeled"), e.getMessage());
    }
}
