package org.cytolabel.cli.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.core.onnx.OnnxContext;
import org.cytolabel.core.onnx.OnnxOperator;
import org.cytolabel.core.onnx.OnnxRef;
import org.cytolabel.inference.runtime.ExecutionProviders;

/**
 * This machine's dense float GEMM rate in ONNX Runtime: a graph holding only {@code MatMul}
 * ([rows, k] input x [k, n] weight), run on random data with the same session options as a model.
 */
final class GemmCeiling {
    private static final long MIN_TIMED_NANOS = 1_000_000_000L;
    private static final int MIN_REPS = 5;

    /** The median rate over the timed repeats. */
    record Result(int rows, int k, int n, int intraOpThreads, int reps, double gflops, double othersBusy) {
    }

    private GemmCeiling() {
    }

    static Result measure(int rows, int k, int n, int intraOpThreads, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        byte[] graph = matMulGraph(k, n, random);
        FloatBuffer a = ByteBuffer.allocateDirect(Math.multiplyExact(rows, k) * Float.BYTES)
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int i = 0; i < a.capacity(); i++) {
            a.put(i, (float) random.nextDouble(-1, 1));
        }
        try (OrtSession.SessionOptions options = new ExecutionProviders(false, intraOpThreads).newOptions();
                OrtSession session = env.createSession(graph, options);
                OnnxTensor input = OnnxTensor.createTensor(env, a, new long[] {rows, k})) {
            for (int i = 0; i < 3; i++) {
                runOnce(session, input);
            }
            double[] seconds = new double[64];
            int reps = 0;
            long total = 0;
            CpuClock.Snapshot cpu = CpuClock.now();
            while (reps < seconds.length && (reps < MIN_REPS || total < MIN_TIMED_NANOS)) {
                long t = runOnce(session, input);
                seconds[reps++] = t / 1e9;
                total += t;
            }
            double[] s = Arrays.copyOf(seconds, reps);
            Arrays.sort(s);
            double median = s[reps / 2];
            long others = CpuClock.since(cpu).othersNanos();
            return new Result(rows, k, n, intraOpThreads, reps, 2.0 * rows * k * n / median / 1e9,
                    others < 0 ? Double.NaN : (double) others / total);
        } catch (OrtException e) {
            throw new CytoLabelException(ErrorKind.INTERNAL, "the MatMul benchmark failed in ONNX Runtime: "
                    + e.getMessage(), e);
        }
    }

    private static long runOnce(OrtSession session, OnnxTensor input) throws OrtException {
        long t0 = System.nanoTime();
        try (OrtSession.Result r = session.run(Map.of("a", input))) {
            return System.nanoTime() - t0;
        }
    }

    private static byte[] matMulGraph(int k, int n, SplittableRandom random) {
        OnnxContext ctx = new OnnxContext();
        OnnxRef a = ctx.floatInput("a", "N", k);
        OnnxRef c = ctx.floatOutput("c", "N", n);
        float[] w = new float[Math.multiplyExact(k, n)];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) random.nextDouble(-0.05, 0.05);
        }
        a.apply(OnnxOperator.MATMUL, ctx.floatTensor("b", new long[] {k, n}, w)).assignTo(c);
        return ctx.buildModel("gemm_ceiling", "1", Map.of()).toByteArray();
    }
}
