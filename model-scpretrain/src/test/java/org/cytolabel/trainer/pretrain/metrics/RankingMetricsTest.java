package org.cytolabel.trainer.pretrain.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RankingMetricsTest {
    // sklearn's documented example: y = [0, 0, 1, 1], scores [0.1, 0.4, 0.35, 0.8]
    private static final float[] SCORES = {0.1f, 0.4f, 0.35f, 0.8f};
    private static final boolean[] POSITIVE = {false, false, true, true};

    @Test
    void aurocCountsOrderedPairs() {
        // positive/negative pairs: (0.35 vs 0.1) win, (0.35 vs 0.4) lose, 0.8 wins twice -> 3/4
        assertEquals(0.75, RankingMetrics.auroc(SCORES, POSITIVE), 1e-12);
    }

    @Test
    void averagePrecisionSumsPrecisionAtEachRecallStep() {
        // ranked 0.8(+) 0.4(-) 0.35(+) 0.1(-): recall 1/2 at precision 1, recall 1 at precision 2/3
        assertEquals(0.5 * 1 + 0.5 * (2.0 / 3.0), RankingMetrics.averagePrecision(SCORES, POSITIVE), 1e-12);
    }

    @Test
    void tiesCountHalf() {
        float[] s = {0.5f, 0.5f};
        boolean[] p = {true, false};
        assertEquals(0.5, RankingMetrics.auroc(s, p), 1e-12);
        assertEquals(0.5, RankingMetrics.averagePrecision(s, p), 1e-12);
    }

    @Test
    void macroAveragesOneVsRest() {
        float[][] probs = {{0.9f, 0.1f}, {0.6f, 0.4f}, {0.65f, 0.35f}, {0.2f, 0.8f}};
        int[] truth = {0, 0, 1, 1};
        // class 1 scores are SCORES-like: 0.1, 0.4, 0.35, 0.8 -> 0.75; class 0 is its mirror -> 0.75
        assertEquals(0.75, RankingMetrics.macroAuroc(probs, truth), 1e-6);
        double apClass1 = 0.5 + 0.5 * (2.0 / 3.0);
        // class 0 ranked: 0.9(+) 0.65(-) 0.6(+) 0.2(-) -> the same precision steps
        assertEquals(apClass1, RankingMetrics.macroAuprc(probs, truth), 1e-6);
    }
}
