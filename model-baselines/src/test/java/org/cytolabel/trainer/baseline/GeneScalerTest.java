package org.cytolabel.trainer.baseline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.cytolabel.core.data.CsrMatrix;
import org.junit.jupiter.api.Test;

class GeneScalerTest {

    /** 4 cells x 3 genes: gene 0 = {0, 2, 4, 6}, gene 1 = {1, 1, 1, 1} (constant), gene 2 = {0, 0, 0, 40}. */
    private static CsrMatrix tiny() {
        return new CsrMatrix(4, 3, new int[] {0, 1, 3, 5, 8}, new int[] {1, 0, 1, 0, 1, 0, 1, 2},
                new float[] {1, 2, 1, 4, 1, 6, 1, 40});
    }

    @Test
    void meanAndPopulationSdByHand() {
        GeneScaler s = GeneScaler.fit(tiny());
        // gene 0: mean 3, var ((9 + 1 + 1 + 9) / 4) = 5; gene 1 constant -> sd 1; gene 2: mean 10, var (3*100 + 900)/4 = 300
        assertArrayEquals(new float[] {3f, 1f, 10f}, s.mean(), 1e-6f);
        assertArrayEquals(new float[] {(float) Math.sqrt(5), 1f, (float) Math.sqrt(300)}, s.sd(), 1e-6f);
    }

    @Test
    void scalesAndClipsOnlyAboveTen() {
        GeneScaler s = new GeneScaler(new float[] {1f, 0f}, new float[] {0.5f, 0.01f});
        assertEquals(4f, s.scale(3f, 0), 0f);          // (3 - 1) / 0.5
        assertEquals(-2f, s.scaledZero(0), 0f);        // (0 - 1) / 0.5
        assertEquals(10f, s.scale(1f, 1), 0f);         // 100 clipped to 10
        assertEquals(-50f, s.scale(-0.5f, 1), 0f);     // no lower clip (CellTypist clips above only)
    }

    @Test
    void selectKeepsTheChosenGenesInOrder() {
        GeneScaler s = new GeneScaler(new float[] {1f, 2f, 3f}, new float[] {4f, 5f, 6f}).select(new int[] {2, 0});
        assertArrayEquals(new float[] {3f, 1f}, s.mean(), 0f);
        assertArrayEquals(new float[] {6f, 4f}, s.sd(), 0f);
    }
}
