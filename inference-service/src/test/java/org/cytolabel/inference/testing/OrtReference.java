package org.cytolabel.inference.testing;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;
import org.cytolabel.core.data.CsrMatrix;

/** The model run in-process with the plain ORT API on a dense copy of the counts (no service code). */
public final class OrtReference {
    private OrtReference() {
    }

    public static float[][] probabilities(byte[] onnx, CsrMatrix counts) {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(onnx, options);
                OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(counts.toDense()),
                        new long[] {counts.rows(), counts.cols()});
                OrtSession.Result result = session.run(Map.of("counts", input))) {
            return (float[][]) result.get("probabilities").orElseThrow().getValue();
        } catch (OrtException e) {
            throw new AssertionError(e);
        }
    }

    public static int argmax(float[] p) {
        int best = 0;
        for (int j = 1; j < p.length; j++) {
            if (p[j] > p[best]) {
                best = j;
            }
        }
        return best;
    }
}
