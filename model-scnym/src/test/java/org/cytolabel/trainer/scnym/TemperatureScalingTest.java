package org.cytolabel.trainer.scnym;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Temperature fitting against a case with a closed-form optimum. */
class TemperatureScalingTest {

    /**
     * 100 cells, logits (10, 0): 70 are class 0, 30 class 1. The model says 0 with probability
     * sigmoid(10) = 0.99995 but is right 70% of the time, so the NLL-optimal temperature makes
     * sigmoid(10 / T) = 0.7: T = 10 / ln(0.7 / 0.3) = 11.8019.
     */
    @Test
    void overconfidentLogitsGetTheClosedFormTemperature() {
        float[][] logits = new float[100][];
        int[] labels = new int[100];
        for (int i = 0; i < 100; i++) {
            logits[i] = new float[] {10f, 0f};
            labels[i] = i < 70 ? 0 : 1;
        }
        double t = TemperatureScaling.fit(logits, labels);
        assertEquals(10 / Math.log(0.7 / 0.3), t, 1e-4);
        double before = TemperatureScaling.nll(logits, labels, 1);
        double after = TemperatureScaling.nll(logits, labels, t);
        // NLL at T=1: 0.7 * log(1 + e^-10) + 0.3 * (10 + log(1 + e^-10)) = 3.00005
        assertEquals(3.0000454, before, 1e-6);
        // at the optimum it is the entropy of (0.7, 0.3)
        assertEquals(-(0.7 * Math.log(0.7) + 0.3 * Math.log(0.3)), after, 1e-6);
        assertTrue(after < before);
        float[][] p = TemperatureScaling.probabilities(logits, t);
        assertEquals(0.7f, p[0][0], 1e-5f);
    }

    @Test
    void underconfidentLogitsAreSharpened() {
        // always right with logits (1, 0): the NLL falls as T falls, down to the search's bound
        float[][] logits = {{1f, 0f}, {0f, 1f}, {1f, 0f}};
        int[] labels = {0, 1, 0};
        double t = TemperatureScaling.fit(logits, labels);
        assertEquals(TemperatureScaling.MIN_T, t, 1e-3);
        assertTrue(TemperatureScaling.nll(logits, labels, t) < TemperatureScaling.nll(logits, labels, 1));
    }
}
