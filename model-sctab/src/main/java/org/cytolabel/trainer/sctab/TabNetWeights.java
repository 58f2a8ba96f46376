package org.cytolabel.trainer.sctab;

import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import java.util.List;

/**
 * One trained TabNet's weights as plain arrays (PyTorch layouts), what the ONNX exporter writes.
 *
 * @param splitter the initial feature transformer's GLU layers
 * @param step     the decision step's feature transformer's GLU layers
 */
record TabNetWeights(int genes, int classes, int nD, int nA, Norm inputBn, List<Glu> splitter, List<Glu> step,
        Dense attentionFc, Norm attentionBn, Dense head) {

    /** A bias-free dense layer: {@code weight [outputs, inputs]} row-major. */
    record Dense(int outputs, int inputs, float[] weight) {
        static Dense of(Linear linear) {
            var w = linear.getParameters().get("weight").getArray();
            return new Dense((int) w.getShape().get(0), (int) w.getShape().get(1), w.toFloatArray());
        }
    }

    /** Inference-mode batch norm. */
    record Norm(float[] gamma, float[] beta, float[] mean, float[] variance) {
        static Norm of(BatchNorm bn) {
            var p = bn.getParameters();
            return new Norm(p.get("gamma").getArray().toFloatArray(), p.get("beta").getArray().toFloatArray(),
                    p.get("runningMean").getArray().toFloatArray(), p.get("runningVar").getArray().toFloatArray());
        }
    }

    /** A GLU layer of a feature transformer. */
    record Glu(Dense fc, Norm bn, boolean residual) {
    }
}
