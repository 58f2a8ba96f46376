package org.cytolabel.trainer.scnym;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Random;
import org.cytolabel.trainer.model.EngineLock;
import org.junit.jupiter.api.Test;

/** Sharpening, MixUp and the loss ramps against values computed by hand. */
class MixMatchTest {

    @Test
    void sharpeningAtHalfTemperatureSquaresAndRenormalises() {
        // [0.6, 0.3, 0.1] -> [0.36, 0.09, 0.01] / 0.46 ; [0.5, 0.5, 0] stays
        float[] p = {0.6f, 0.3f, 0.1f, 0.5f, 0.5f, 0f};
        float[] s = MixMatch.sharpen(p, 3, 0.5f);
        assertArrayEquals(new float[] {0.36f / 0.46f, 0.09f / 0.46f, 0.01f / 0.46f, 0.5f, 0.5f, 0f}, s, 1e-6f);
        assertArrayEquals(p, MixMatch.sharpen(p, 3, 1f), 1e-7f);
        // T = 1/3 cubes: [0.216, 0.027, 0.001] / 0.244
        assertArrayEquals(new float[] {0.216f / 0.244f, 0.027f / 0.244f, 0.001f / 0.244f},
                MixMatch.sharpen(new float[] {0.6f, 0.3f, 0.1f}, 3, 1f / 3), 1e-6f);
    }

    @Test
    void mixesRowsWithTheirOwnCoefficient() {
        float[] a = {1, 2, 3, 4};
        float[] b = {5, 6, 7, 8};
        float[] lambda = {0.75f, 0.9f};
        // 0.75*1 + 0.25*5 = 2, 0.75*2 + 0.25*6 = 3 ; 0.9*3 + 0.1*7 = 3.4, 0.9*4 + 0.1*8 = 4.4
        float[] expected = {2f, 3f, 3.4f, 4.4f};
        assertArrayEquals(expected, MixMatch.mixRows(a, b, 2, lambda), 1e-6f);
        try (NDManager m = Engine.getEngine(EngineLock.ENGINE).newBaseManager()) {
            float[] nd = MixMatch.mix(m.create(a, new Shape(2, 2)), m.create(b, new Shape(2, 2)),
                    m.create(lambda, new Shape(2, 1))).toFloatArray();
            assertArrayEquals(expected, nd, 1e-6f);
        }
        // soft targets mix the same way: one-hot [1,0] with pseudolabel [0.2,0.8] at 0.75 -> [0.8, 0.2]
        assertArrayEquals(new float[] {0.8f, 0.2f}, MixMatch.mixRows(new float[] {1, 0}, new float[] {0.2f, 0.8f}, 2,
                new float[] {0.75f}), 1e-6f);
    }

    @Test
    void coefficientsKeepTheRowDominant() {
        float[] l = MixMatch.lambdas(new Random(3), 0.3f, 20_000);
        double mean = 0;
        int near1 = 0;
        for (float v : l) {
            assertTrue(v >= 0.5f && v <= 1f, "lambda " + v);
            mean += v;
            near1 += v > 0.95f ? 1 : 0;
        }
        mean /= l.length;
        // E[max(L, 1-L)] for L ~ Beta(0.3, 0.3) = 0.5 + E|L - 0.5| = 0.8659 (scipy quad); U-shaped:
        // P(max > 0.95) = 2 * P(L < 0.05) = 0.4553 (scipy beta.cdf)
        assertEquals(0.8659, mean, 0.005);
        assertEquals(0.4553, (double) near1 / l.length, 0.015);
        float[] off = MixMatch.lambdas(new Random(3), 0f, 5);
        float[] ones = new float[5];
        Arrays.fill(ones, 1f);
        assertArrayEquals(ones, off, 0f);
    }

    @Test
    void gammaSamplerHasTheRightMean() {
        Random rng = new Random(5);
        for (double shape : new double[] {0.3, 2.5}) {
            double sum = 0;
            int n = 50_000;
            for (int i = 0; i < n; i++) {
                sum += MixMatch.gamma(rng, shape);
            }
            assertEquals(shape, sum / n, 0.03 * Math.max(1, shape), "Gamma(" + shape + ") mean");
        }
    }

    @Test
    void rampsMatchScNymSchedules() {
        assertEquals(0.5, Ramps.linear(0.25, 0.5, 1.0), 1e-12);
        assertEquals(1.0, Ramps.linear(0.7, 0.5, 1.0), 1e-12);
        assertEquals(0.0, Ramps.linear(0.0, 0.5, 1.0), 1e-12);
        assertEquals(0.1 * Math.exp(-5), Ramps.sigmoid(0, 0.2, 0.1), 1e-15);
        assertEquals(0.1 * Math.exp(-1.25), Ramps.sigmoid(0.1, 0.2, 0.1), 1e-15);
        assertEquals(0.1, Ramps.sigmoid(0.2, 0.2, 0.1), 1e-15);
        assertEquals(0.1, Ramps.sigmoid(0.05, 0, 0.1), 1e-15);
    }
}
