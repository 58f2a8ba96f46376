package org.cytolabel.trainer.pretrain;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.cytolabel.core.error.CytoLabelException;

/**
 * scPretrain's multi-task objective: the sum over tasks of each task's mean softmax cross-entropy
 * on its own cells, {@code sum_t mean_i -log softmax(z_t,i)[y_t,i]}. Each task has its own head and
 * label space; cells of one task do not enter another task's term.
 */
public final class MultiTaskLoss {

    private MultiTaskLoss() {
    }

    /**
     * @param logits per task, {@code [B_t, k_t]} logits of that task's cells
     * @param labels per task, a {@code [B_t, k_t]} one-hot target (see {@link #oneHot})
     */
    public static NDArray evaluate(List<NDArray> logits, List<NDArray> labels) {
        return sum(perTask(logits, labels));
    }

    /** Each task's mean cross-entropy, in task order. */
    public static List<NDArray> perTask(List<NDArray> logits, List<NDArray> labels) {
        if (logits.isEmpty() || logits.size() != labels.size()) {
            throw CytoLabelException.invalid("multi-task loss needs one target per task: " + logits.size()
                    + " logits, " + labels.size() + " targets");
        }
        List<NDArray> out = new java.util.ArrayList<>();
        for (int t = 0; t < logits.size(); t++) {
            NDArray z = logits.get(t);
            out.add(z.logSoftmax(1).mul(labels.get(t)).sum().neg().div(z.getShape().get(0)));
        }
        return out;
    }

    /** The sum of the per-task losses. */
    public static NDArray sum(List<NDArray> perTask) {
        NDArray total = perTask.get(0);
        for (int t = 1; t < perTask.size(); t++) {
            total = total.add(perTask.get(t));
        }
        return total;
    }

    /** Row-major one-hot {@code [n, k]} of {@code labels[order[from..to)]} (or rows from..to when order is null). */
    public static float[] oneHot(int[] labels, int[] order, int from, int to, int k) {
        float[] t = new float[(to - from) * k];
        for (int i = from; i < to; i++) {
            t[(i - from) * k + labels[order == null ? i : order[i]]] = 1f;
        }
        return t;
    }
}
