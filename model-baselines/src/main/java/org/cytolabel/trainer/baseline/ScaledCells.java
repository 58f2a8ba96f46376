package org.cytolabel.trainer.baseline;

import org.cytolabel.core.data.CsrMatrix;

/**
 * Log-normalised cells after {@link GeneScaler}, stored sparsely: every gene of a cell is
 * {@code zero[j]} (the scaled value of a zero count) except its expressed genes, kept as
 * {@code delta = scaled - zero[j]}. A linear map is then {@code base + sum over expressed genes of
 * delta * w}, so training costs O(non-zeros) per cell instead of O(genes).
 */
record ScaledCells(CsrMatrix delta, float[] zero) {

    static ScaledCells of(CsrMatrix logNormalized, GeneScaler scaler) {
        int g = logNormalized.cols();
        float[] zero = new float[g];
        for (int j = 0; j < g; j++) {
            zero[j] = scaler.scaledZero(j);
        }
        float[] values = new float[logNormalized.nnz()];
        int[] idx = logNormalized.indices();
        float[] v = logNormalized.values();
        for (int k = 0; k < values.length; k++) {
            int j = idx[k];
            values[k] = scaler.scale(v[k], j) - zero[j];
        }
        return new ScaledCells(new CsrMatrix(logNormalized.rows(), g, logNormalized.indptr(), idx, values), zero);
    }

    int cells() {
        return delta.rows();
    }

    int genes() {
        return delta.cols();
    }
}
