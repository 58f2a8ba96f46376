package org.cytolabel.cli.bench;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.cytolabel.cli.client.ProgressBar;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;

/**
 * Builds a large in-memory counts matrix from real cells, for throughput only (never for accuracy):
 * each new cell copies a real cell picked at random and redraws each of its non-zero counts from
 * Poisson(real count). Zeros stay zero; a draw of 0 leaves the entry out, as CSR does.
 */
final class ResampledCells {

    private ResampledCells() {
    }

    /** {@code n} resampled cells over {@code real}'s genes; the same seed gives the same matrix. Progress may be null. */
    static CsrMatrix resample(CsrMatrix real, int n, long seed, ProgressBar progress) {
        if (real.rows() == 0) {
            throw CytoLabelException.invalid("no real cells to resample from");
        }
        if (n < 1) {
            throw CytoLabelException.invalid("--cells must be at least 1, got " + n);
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[] source = new int[n];
        long bound = 0;
        for (int i = 0; i < n; i++) {
            source[i] = random.nextInt(real.rows());
            bound += real.indptr()[source[i] + 1] - real.indptr()[source[i]];
        }
        if (bound > Integer.MAX_VALUE - 8) {
            throw CytoLabelException.invalid(n + " cells would hold up to " + bound
                    + " non-zeros, more than one CSR matrix can; ask for fewer --cells");
        }
        PoissonSampler poisson = new PoissonSampler(random.split());
        int[] indptr = new int[n + 1];
        int[] indices = new int[(int) bound];
        float[] values = new float[(int) bound];
        int nnz = 0;
        for (int i = 0; i < n; i++) {
            for (int k = real.indptr()[source[i]]; k < real.indptr()[source[i] + 1]; k++) {
                int draw = poisson.next(real.values()[k]);
                if (draw > 0) {
                    indices[nnz] = real.indices()[k];
                    values[nnz] = draw;
                    nnz++;
                }
            }
            indptr[i + 1] = nnz;
            if (progress != null && ((i & 1023) == 1023 || i == n - 1)) {
                progress.set(i + 1L);
            }
        }
        return new CsrMatrix(n, real.cols(), indptr, Arrays.copyOf(indices, nnz), Arrays.copyOf(values, nnz));
    }

    /** Mean non-zero genes per cell. */
    static double meanGenesPerCell(CsrMatrix m) {
        return m.rows() == 0 ? 0 : (double) m.nnz() / m.rows();
    }

    /** Mean total count per cell. */
    static double meanCountPerCell(CsrMatrix m) {
        double s = 0;
        for (float v : m.values()) {
            s += v;
        }
        return m.rows() == 0 ? 0 : s / m.rows();
    }
}
