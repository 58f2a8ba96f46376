package org.cytolabel.inference.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.core.onnx.ArtifactContract;
import org.cytolabel.inference.testing.LinearSoftmaxOnnx;
import org.junit.jupiter.api.Test;

class OrtModelTest {
    private static final Set<String> PROBS = Set.of(ArtifactContract.OUTPUT_PROBABILITIES);

    /** W = [[1,0,0],[0,1,0]], b = [0, 0.5] over 3 genes. */
    private static byte[] tiny() {
        return LinearSoftmaxOnnx.build(new float[] {1, 0, 0, 0, 1, 0}, new float[] {0, 0.5f}, 3);
    }

    @Test
    void runsTheGraphWithExactValuesAndReportsItsShapes() {
        try (OrtModel model = OrtModel.load("tiny:1", tiny(), new ExecutionProviders(false, 1))) {
            assertEquals("counts", model.inputName());
            assertArrayEquals(new long[] {-1, 3}, model.inputShape());
            assertEquals(3, model.inputColumns());
            assertArrayEquals(new long[] {-1, 2}, model.outputShapes().get("probabilities"));
            // Two cells, plus trailing garbage in the buffer that must be ignored.
            float[] dense = {3, 1, 0, 0, 0, 0, 99, 99, 99};
            ModelOutputs out = model.run(dense, 2, 3, PROBS);
            assertEquals(2, out.rows());
            assertEquals(2, out.width("probabilities"));
            assertArrayEquals(softmax(Math.log(7501), Math.log(2501) + 0.5), slice(out.get("probabilities"), 0), 1e-5f);
            assertArrayEquals(softmax(0, 0.5), slice(out.get("probabilities"), 1), 1e-6f);
        }
    }

    @Test
    void runsADenseBatchWithoutCopyingAndClearsWhatWasSet() {
        try (OrtModel model = OrtModel.load("tiny:1", tiny(), new ExecutionProviders(false, 1))) {
            DenseBatch batch = new DenseBatch(16);
            batch.put(0, 3);
            batch.put(1, 1);
            float[] p = model.run(batch, 2, 3, PROBS).get("probabilities");
            assertArrayEquals(softmax(Math.log(7501), Math.log(2501) + 0.5), slice(p, 0), 1e-5f);
            assertArrayEquals(softmax(0, 0.5), slice(p, 1), 1e-6f);
            batch.clear();
            assertArrayEquals(softmax(0, 0.5), slice(model.run(batch, 1, 3, PROBS).get("probabilities"), 0), 1e-6f);
            assertThrows(IllegalArgumentException.class, () -> model.run(batch, 6, 3, PROBS));
        }
    }

    @Test
    void refusesBytesThatAreNotAModel() {
        var e = assertThrows(CytoLabelException.class,
                () -> OrtModel.load("junk:1", new byte[] {1, 2, 3}, new ExecutionProviders(false, 1)));
        assertEquals(ErrorKind.DATA_INTEGRITY, e.kind());
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith("junk:1 could not be loaded"),
                e.getMessage());
    }

    @Test
    void cudaRequestedOnACpuBuildFallsBackToCpu() {
        ExecutionProviders providers = new ExecutionProviders(true, 2);
        org.junit.jupiter.api.Assumptions.assumeTrue(providers.provider() == ExecutionProviders.Provider.CPU,
                "CUDA is available here; the fallback cannot be observed");
        assertEquals("cpu/intra2", providers.optionsKey());
        try (OrtModel model = OrtModel.load("tiny:1", tiny(), providers)) {
            assertEquals(2, model.run(new float[] {1, 2, 3}, 1, 3, PROBS).get("probabilities").length);
        }
    }

    private static float[] slice(float[] a, int row) {
        return new float[] {a[row * 2], a[row * 2 + 1]};
    }

    private static float[] softmax(double a, double b) {
        double m = Math.max(a, b);
        double ea = Math.exp(a - m);
        double eb = Math.exp(b - m);
        return new float[] {(float) (ea / (ea + eb)), (float) (eb / (ea + eb))};
    }
}
