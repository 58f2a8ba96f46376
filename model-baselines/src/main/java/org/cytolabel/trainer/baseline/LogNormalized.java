package org.cytolabel.trainer.baseline;

import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.onnx.ArtifactContract;

/**
 * The artifact contract's preprocessing in plain Java, float32 step for step as
 * {@link org.cytolabel.core.onnx.Preprocessing} writes it into the graph: row sum, max with 1,
 * divide, multiply by 1e4, add one, log. Zero counts stay zero, so the result keeps the input's
 * sparsity pattern.
 */
public final class LogNormalized {

    private LogNormalized() {
    }

    /** {@code log1p(counts / max(rowSum, 1) * 1e4)} with the same non-zero pattern as {@code counts}. */
    public static CsrMatrix of(CsrMatrix counts) {
        float[] values = new float[counts.nnz()];
        int[] ptr = counts.indptr();
        float[] v = counts.values();
        for (int r = 0; r < counts.rows(); r++) {
            float size = 0f;
            for (int k = ptr[r]; k < ptr[r + 1]; k++) {
                size += v[k];
            }
            size = Math.max(size, 1f);
            for (int k = ptr[r]; k < ptr[r + 1]; k++) {
                values[k] = value(v[k], size);
            }
        }
        return new CsrMatrix(counts.rows(), counts.cols(), ptr.clone(), counts.indices().clone(), values);
    }

    /** One entry: {@code log(count / size * 1e4 + 1)} in float32. */
    public static float value(float count, float size) {
        float scaled = count / size * ArtifactContract.TARGET_SUM + 1f;
        return (float) Math.log(scaled);
    }
}
