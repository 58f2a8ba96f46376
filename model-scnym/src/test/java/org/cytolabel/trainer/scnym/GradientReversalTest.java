package org.cytolabel.trainer.scnym;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.cytolabel.trainer.model.EngineLock;
import org.cytolabel.trainer.train.TrainingListener;
import org.junit.jupiter.api.Test;

/** The gradient-reversal layer is the identity forward and exactly -w times the gradient backward. */
class GradientReversalTest {

    @Test
    void identityForwardReversedScaledGradientBackward() {
        float w = 0.37f;
        float[] xs = {0.5f, -1.25f, 3f, 0f, 2.75f, -0.125f};
        float[] upstream = {1f, -2f, 0.3f, 4f, -0.7f, 11f};
        try (EngineLock lock = EngineLock.seeded(0, TrainingListener.none());
                NDManager m = Engine.getEngine(EngineLock.ENGINE).newBaseManager()) {
            NDArray x = m.create(xs, new Shape(2, 3));
            x.setRequiresGradient(true);
            float[] forward;
            try (GradientCollector c = Engine.getEngine(EngineLock.ENGINE).newGradientCollector()) {
                NDArray y = GradientReversal.apply(x, w);
                forward = y.toFloatArray();
                // d(sum(y * u)) / dy = u: the incoming gradient is u
                c.backward(y.mul(m.create(upstream, new Shape(2, 3))).sum());
            }
            assertArrayEquals(xs, forward, 0f);
            float[] expected = new float[xs.length];
            for (int i = 0; i < xs.length; i++) {
                expected[i] = upstream[i] * -w;
            }
            assertArrayEquals(expected, x.getGradient().toFloatArray(), 0f);
        }
    }

    @Test
    void zeroWeightBlocksTheGradient() {
        try (EngineLock lock = EngineLock.seeded(0, TrainingListener.none());
                NDManager m = Engine.getEngine(EngineLock.ENGINE).newBaseManager()) {
            NDArray x = m.create(new float[] {1f, 2f}, new Shape(1, 2));
            x.setRequiresGradient(true);
            try (GradientCollector c = Engine.getEngine(EngineLock.ENGINE).newGradientCollector()) {
                c.backward(GradientReversal.apply(x, 0f).mul(5f).sum());
            }
            float[] g = x.getGradient().toFloatArray();
            assertArrayEquals(new float[] {0f, 0f}, new float[] {Math.abs(g[0]), Math.abs(g[1])}, 0f);
        }
    }
}
