package org.cytolabel.trainer.baseline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.trainer.model.HyperParameters;
import org.cytolabel.trainer.model.ModelFamilies;
import org.junit.jupiter.api.Test;

class ModelFamiliesTest {

    @Test
    void serviceLoaderFindsBothBaselines() {
        assertInstanceOf(CellTypistFamily.class, ModelFamilies.get("celltypist"));
        assertInstanceOf(XgboostFamily.class, ModelFamilies.get("xgboost"));
        assertTrue(ModelFamilies.kinds().containsAll(java.util.List.of("linear", "mlp", "celltypist", "xgboost")));
        assertEquals("40", ModelFamilies.get("celltypist").defaults().get("epochs"));
        assertEquals("300", ModelFamilies.get("celltypist").defaults().get("top_genes"));
        assertEquals("50", ModelFamilies.get("xgboost").defaults().get("n_components"));
    }

    @Test
    void refusesUnknownAndBadHyperParameters() {
        var family = ModelFamilies.get("xgboost");
        assertThrows(CytoLabelException.class, () -> HyperParameters.of("xgboost", family.defaults(), Map.of("depth", "3")));
        HyperParameters bad = HyperParameters.of("xgboost", family.defaults(), Map.of("subsample", "1.5"));
        CytoLabelException e = assertThrows(CytoLabelException.class, () -> family.fit(null, bad, r -> { }));
        assertTrue(e.getMessage().contains("subsample"), e.getMessage());
    }
}
