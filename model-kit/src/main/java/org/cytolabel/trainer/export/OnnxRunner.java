package org.cytolabel.trainer.export;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Set;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.core.onnx.ArtifactContract;

/**
 * Runs an exported model in ONNX Runtime on the CPU, for the trainer's own checks (the inference
 * service has its own runtime). Rows are densified and run a chunk at a time.
 */
public final class OnnxRunner implements AutoCloseable {
    private static final int CHUNK = 512;

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    public OnnxRunner(byte[] onnx) {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            session = env.createSession(onnx, options);
        } catch (OrtException e) {
            throw new CytoLabelException(ErrorKind.INTERNAL, "ONNX Runtime cannot load the exported model: "
                    + e.getMessage(), e);
        }
    }

    /** Loads {@code onnx}, returns its {@code probabilities} for these raw counts, and unloads it. */
    public static float[][] run(byte[] onnx, CsrMatrix counts) {
        try (OnnxRunner runner = new OnnxRunner(onnx)) {
            return runner.probabilities(counts);
        }
    }

    /** The {@code probabilities} output for these raw counts, {@code [cells][classes]}. */
    public float[][] probabilities(CsrMatrix counts) {
        return output(counts, ArtifactContract.OUTPUT_PROBABILITIES);
    }

    /**
     * A float output of the model for these raw counts, {@code [cells][width]}; a 1-d output
     * ({@code [N]}) comes back as rows of width 1.
     */
    public float[][] output(CsrMatrix counts, String output) {
        float[][] out = new float[counts.rows()][];
        for (int from = 0; from < counts.rows(); from += CHUNK) {
            int to = Math.min(counts.rows(), from + CHUNK);
            float[] dense = counts.sliceRows(from, to).toDense();
            long[] shape = {to - from, counts.cols()};
            try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(dense), shape);
                    OrtSession.Result result = session.run(Map.of(ArtifactContract.INPUT_COUNTS, input),
                            Set.of(output))) {
                Object value = result.get(0).getValue();
                if (value instanceof float[][] matrix) {
                    System.arraycopy(matrix, 0, out, from, matrix.length);
                } else if (value instanceof float[] vector) {
                    for (int i = 0; i < vector.length; i++) {
                        out[from + i] = new float[] {vector[i]};
                    }
                } else {
                    throw new CytoLabelException(ErrorKind.INTERNAL, "output '" + output
                            + "' is not a 1-d or 2-d float tensor");
                }
            } catch (OrtException e) {
                throw new CytoLabelException(ErrorKind.INTERNAL, "ONNX Runtime failed on rows " + from + ".." + to
                        + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new CytoLabelException(ErrorKind.INTERNAL, "cannot close the ONNX Runtime session", e);
        }
    }
}
