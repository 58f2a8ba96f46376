package org.cytolabel.trainer.pretrain;

import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.onnx.ArtifactContract;

/**
 * The artifact contract's preprocessing on a sparse matrix, {@code log1p(x / max(rowSum, 1) * 1e4)}
 * per stored value (zeros stay zero), for clustering and PCA outside the network.
 */
public final class LogNormalize {

    private LogNormalize() {
    }

    public static CsrMatrix apply(CsrMatrix counts) {
        float[] values = new float[counts.values().length];
        for (int r = 0; r < counts.rows(); r++) {
            float size = (float) Math.max(counts.rowSum(r), 1.0);
            for (int k = counts.indptr()[r]; k < counts.indptr()[r + 1]; k++) {
                values[k] = (float) Math.log(counts.values()[k] / size * ArtifactContract.TARGET_SUM + 1f);
            }
        }
        return new CsrMatrix(counts.rows(), counts.cols(), counts.indptr(), counts.indices(), values);
    }
}
