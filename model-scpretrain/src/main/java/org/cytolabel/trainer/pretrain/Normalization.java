package org.cytolabel.trainer.pretrain;

import ai.djl.ndarray.NDArray;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.onnx.ArtifactContract;

/** The contract's preprocessing in DJL, step for step as core's ONNX {@code Preprocessing} fragment. */
final class Normalization {

    private Normalization() {
    }

    /** {@code log(counts / max(rowSum, 1) * 1e4 + 1)}. */
    static NDArray apply(NDArray counts) {
        NDArray size = counts.sum(new int[] {1}, true).maximum(1f);
        return counts.div(size).mul(ArtifactContract.TARGET_SUM).add(1f).log();
    }

    /** Rows {@code order[from..to)} (or {@code from..to} when order is null) as a dense row-major block. */
    static float[] densify(CsrMatrix counts, int[] order, int from, int to) {
        float[] dense = new float[(to - from) * counts.cols()];
        for (int i = from; i < to; i++) {
            counts.scatterRow(order == null ? i : order[i], dense, (i - from) * counts.cols());
        }
        return dense;
    }
}
