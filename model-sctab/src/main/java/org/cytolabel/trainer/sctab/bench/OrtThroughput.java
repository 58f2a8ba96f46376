package org.cytolabel.trainer.sctab.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Set;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.onnx.ArtifactContract;

/** ONNX Runtime (CPU) cells/s of an exported model at a fixed batch size, after a warm-up batch. */
final class OrtThroughput {
    private OrtThroughput() {
    }

    /** Cells/s over at least {@code minCells} cells (cycling through {@code cells}) in batches of {@code batch}. */
    static double cellsPerSecond(byte[] onnx, CsrMatrix cells, int batch, int minCells) throws OrtException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions();
                OrtSession session = env.createSession(onnx, o)) {
            int g = cells.cols();
            float[] dense = new float[batch * g];
            for (int i = 0; i < batch; i++) {
                cells.scatterRow(i % cells.rows(), dense, i * g);
            }
            run(env, session, dense, batch, g); // warm-up
            long done = 0;
            long t0 = System.nanoTime();
            while (done < minCells) {
                run(env, session, dense, batch, g);
                done += batch;
            }
            return done / ((System.nanoTime() - t0) / 1e9);
        }
    }

    private static void run(OrtEnvironment env, OrtSession session, float[] dense, int batch, int g)
            throws OrtException {
        try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(dense), new long[] {batch, g});
                OrtSession.Result r = session.run(Map.of(ArtifactContract.INPUT_COUNTS, in),
                        Set.of(ArtifactContract.OUTPUT_PROBABILITIES, ArtifactContract.OUTPUT_MASK))) {
            r.get(0);
        }
    }
}
