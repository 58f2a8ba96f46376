package org.cytolabel.trainer.sctab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.cytolabel.core.onnx.OnnxContext;
import org.cytolabel.core.onnx.OnnxRef;
import org.junit.jupiter.api.Test;

/** 1.5-entmax in DJL (both methods, value and gradient) and in ONNX against a double-precision reference. */
class Entmax15Test {

    /**
     * Independent reference: for each support size k over the sorted {@code x = (z - max)/2}, the
     * threshold solving {@code sum_{i<=k} (x_i - tau)^2 = 1} in closed form, accepted when
     * {@code x_k > tau >= x_{k+1}}.
     */
    static double[] reference(double[] z) {
        int d = z.length;
        double max = Arrays.stream(z).max().orElseThrow();
        double[] x = Arrays.stream(z).map(v -> (v - max) / 2).toArray();
        double[] s = x.clone();
        Arrays.sort(s);
        for (int i = 0; i < d / 2; i++) {
            double t = s[i];
            s[i] = s[d - 1 - i];
            s[d - 1 - i] = t;
        }
        double s1 = 0;
        double s2 = 0;
        for (int k = 1; k <= d; k++) {
            s1 += s[k - 1];
            s2 += s[k - 1] * s[k - 1];
            double disc = s1 * s1 - k * (s2 - 1);
            if (disc < 0) {
                continue;
            }
            double tau = (s1 - Math.sqrt(disc)) / k;
            if (s[k - 1] > tau && (k == d || tau >= s[k])) {
                final double t = tau;
                return Arrays.stream(x).map(v -> Math.pow(Math.max(v - t, 0), 2)).toArray();
            }
        }
        throw new AssertionError("no support size fits " + Arrays.toString(z));
    }

    private static final float[][] HAND = {
        {1f, 0f},          // p = 1/2 +- sqrt(7)/8
        {3f, 3f, 0f},      // tie: (1/2, 1/2, 0)
        {10f, 0f, 0f, 0f}, // one-hot
        {0f, 0f, 0f, 0f},  // uniform 1/4
        {2f, 0f},          // boundary: exactly one-hot
    };
    private static final float[][] HAND_EXPECTED = {
        {(float) (0.5 + Math.sqrt(7) / 8), (float) (0.5 - Math.sqrt(7) / 8)},
        {0.5f, 0.5f, 0f},
        {1f, 0f, 0f, 0f},
        {0.25f, 0.25f, 0.25f, 0.25f},
        {1f, 0f},
    };

    @Test
    void handCheckedRowsMatchForBothMethodsWithExactZeros() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            for (int r = 0; r < HAND.length; r++) {
                double[] ref = reference(toDouble(HAND[r]));
                for (int j = 0; j < ref.length; j++) {
                    assertEquals(HAND_EXPECTED[r][j], ref[j], 1e-7, "reference row " + r);
                }
                for (Entmax15.Method method : Entmax15.Method.values()) {
                    NDArray z = m.create(HAND[r], new Shape(1, HAND[r].length));
                    float[] p = Entmax15.forward(z, method).toFloatArray();
                    assertArrayEquals(HAND_EXPECTED[r], p, 2e-6f, method + " row " + r + " " + Arrays.toString(p));
                    for (int j = 0; j < p.length; j++) {
                        if (HAND_EXPECTED[r][j] == 0f && method == Entmax15.Method.SORT) {
                            assertEquals(0f, p[j], 0f, "exact zero, row " + r);
                        }
                    }
                }
            }
        }
    }

    @Test
    void randomRowsMatchTheReferenceSumToOneAndAreSparse() {
        Random rnd = new Random(7);
        int n = 64;
        int d = 300;
        float[] z = new float[n * d];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) (rnd.nextGaussian() * 3);
        }
        z[5] = z[6]; // a tie
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray arr = m.create(z, new Shape(n, d));
            float[] sort = Entmax15.forward(arr, Entmax15.Method.SORT).toFloatArray();
            float[] bis = Entmax15.forward(arr, Entmax15.Method.BISECTION).toFloatArray();
            int zeros = 0;
            for (int i = 0; i < n; i++) {
                double[] ref = reference(toDouble(Arrays.copyOfRange(z, i * d, (i + 1) * d)));
                double sum = 0;
                for (int j = 0; j < d; j++) {
                    assertEquals(ref[j], sort[i * d + j], 2e-6, "sort " + i + "," + j);
                    assertEquals(ref[j], bis[i * d + j], 1e-5, "bisection " + i + "," + j);
                    if (ref[j] == 0) {
                        assertEquals(0f, sort[i * d + j], 0f, "exactly sparse at " + i + "," + j);
                        zeros++;
                    }
                    sum += sort[i * d + j];
                }
                assertEquals(1.0, sum, 1e-5);
            }
            assertTrue(zeros > n * d / 2, "most entries are exactly zero: " + zeros);
        }
    }

    @Test
    void gradientIsEntmaxClosedFormAndMatchesFiniteDifferences() {
        float[] z = {1.2f, 0.3f, -0.4f, 0.9f, -3f};
        double[] c = {0.5, -1.0, 2.0, 0.25, 1.5};
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            NDArray zArr = m.create(z, new Shape(1, z.length));
            zArr.setRequiresGradient(true);
            float[] grad;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray p = Entmax15.withGradient(zArr, Entmax15.Method.SORT);
                NDArray loss = p.mul(m.create(toFloat(c), new Shape(1, c.length))).sum();
                gc.backward(loss);
                grad = zArr.getGradient().toFloatArray();
            }
            double h = 1e-5;
            for (int j = 0; j < z.length; j++) {
                double[] up = toDouble(z);
                double[] down = toDouble(z);
                up[j] += h;
                down[j] -= h;
                double numeric = (dot(reference(up), c) - dot(reference(down), c)) / (2 * h);
                assertEquals(numeric, grad[j], 1e-4, "d/dz" + j);
            }
            assertEquals(0f, grad[4], 0f, "no gradient outside the support");
        }
    }

    @Test
    void onnxFragmentMatchesDjlForBothMethods() throws Exception {
        Random rnd = new Random(11);
        int n = 32;
        int d = 200;
        float[] z = new float[n * d];
        for (int i = 0; i < z.length; i++) {
            z[i] = (float) (rnd.nextGaussian() * 2);
        }
        System.arraycopy(new float[] {10f, 0f, 0f, 0f}, 0, z, 0, 4); // near one-hot row start
        z[d + 3] = z[d + 7]; // tie
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            for (Entmax15.Method method : Entmax15.Method.values()) {
                float[] djl = Entmax15.forward(m.create(z, new Shape(n, d)), method).toFloatArray();
                float[] ort = runOnnx(z, n, d, method);
                for (int i = 0; i < z.length; i++) {
                    assertEquals(djl[i], ort[i], 1e-6, method + " at " + i);
                    if (method == Entmax15.Method.SORT) {
                        assertEquals(djl[i] == 0f, ort[i] == 0f, "same support at " + i);
                    }
                }
            }
        }
    }

    static float[] runOnnx(float[] z, int n, int d, Entmax15.Method method) throws Exception {
        OnnxContext ctx = new OnnxContext();
        OnnxRef in = ctx.floatInput("z", "N", d);
        OnnxRef out = ctx.floatOutput("p", "N", d);
        EntmaxOnnx.apply(in, d, method).assignTo(out);
        byte[] model = ctx.buildModel("entmax", "test", Map.of()).toByteArray();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(model, new OrtSession.SessionOptions());
                OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(z), new long[] {n, d});
                OrtSession.Result r = s.run(Map.of("z", t))) {
            float[][] p = (float[][]) r.get(0).getValue();
            float[] flat = new float[n * d];
            for (int i = 0; i < n; i++) {
                System.arraycopy(p[i], 0, flat, i * d, d);
            }
            return flat;
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
