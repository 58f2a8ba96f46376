package org.cytolabel.trainer.baseline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;
import org.junit.jupiter.api.Test;

class FeatureSelectionTest {

    @Test
    void topGenesPerClassByAbsoluteCoefficientThenUnion() {
        float[] w = {
            0.1f, -3f, 2f, 0f, 0.5f,   // class 0: |w| ranks gene 1 (3), gene 2 (2)
            -1f, 0.2f, 0f, 4f, -1f,    // class 1: gene 3 (4), then genes 0 and 4 tie at 1 -> lower index 0
        };
        assertArrayEquals(new int[] {0, 1, 2, 3}, FeatureSelection.topGenesPerClass(w, 2, 5, 2));
        assertArrayEquals(new int[] {1, 3}, FeatureSelection.topGenesPerClass(w, 2, 5, 1));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4}, FeatureSelection.topGenesPerClass(w, 2, 5, 5));
        assertThrows(CytoLabelException.class, () -> FeatureSelection.topGenesPerClass(w, 2, 5, 0));
    }

    @Test
    void columnsRenumbersTheKeptGenes() {
        // 2 cells x 4 genes: [1 0 2 3], [0 5 0 6]
        CsrMatrix x = new CsrMatrix(2, 4, new int[] {0, 3, 5}, new int[] {0, 2, 3, 1, 3}, new float[] {1, 2, 3, 5, 6});
        CsrMatrix kept = FeatureSelection.columns(x, new int[] {1, 3});
        assertEquals(2, kept.cols());
        assertArrayEquals(new float[] {0, 3, 5, 6}, kept.toDense(), 0f);
    }
}
