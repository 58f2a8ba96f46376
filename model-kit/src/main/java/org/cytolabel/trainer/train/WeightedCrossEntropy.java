package org.cytolabel.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * Class-weighted softmax cross-entropy with PyTorch's "mean" reduction:
 * {@code sum_i w[y_i] * -log p_i[y_i] / sum_i w[y_i]}. The label is a {@code [B, C]} matrix holding
 * {@code w[y_i]} at {@code (i, y_i)} and 0 elsewhere, so one array carries class and weight.
 */
final class WeightedCrossEntropy extends Loss {

    WeightedCrossEntropy() {
        super("WeightedCrossEntropy");
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray target = labels.singletonOrThrow();
        NDArray logProb = predictions.singletonOrThrow().logSoftmax(1);
        return logProb.mul(target).sum().neg().div(target.sum());
    }

    /** The weighted one-hot target of cells {@code order[from..to)}. */
    static float[] target(int[] labels, int[] order, int from, int to, float[] classWeights) {
        int c = classWeights.length;
        float[] t = new float[(to - from) * c];
        for (int i = from; i < to; i++) {
            int y = labels[order[i]];
            t[(i - from) * c + y] = classWeights[y];
        }
        return t;
    }
}
