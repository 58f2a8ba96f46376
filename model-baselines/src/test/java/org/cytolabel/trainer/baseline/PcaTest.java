package org.cytolabel.trainer.baseline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.cytolabel.core.data.CsrMatrix;
import org.junit.jupiter.api.Test;

class PcaTest {

    @Test
    void jacobiEigenOfATwoByTwoByHand() {
        SymmetricEigen.Result r = SymmetricEigen.of(new double[][] {{2, 1}, {1, 2}});
        assertArrayEquals(new double[] {3, 1}, r.values(), 1e-12);
        // eigenvector of 3 is (1, 1) / sqrt(2) up to sign
        assertEquals(1 / Math.sqrt(2), Math.abs(r.vectors()[0][0]), 1e-12);
        assertEquals(Math.abs(r.vectors()[0][0]), Math.abs(r.vectors()[1][0]), 1e-12);
    }

    /** Randomized PCA on a sparse 300 x 40 matrix matches the exact covariance eigen-decomposition. */
    @Test
    void matchesExactPcaOnASmallSparseMatrix() {
        int n = 300;
        int g = 40;
        Random rnd = new Random(7);
        float[] dense = new float[n * g];
        for (int i = 0; i < n; i++) {
            double f1 = rnd.nextGaussian();
            double f2 = rnd.nextGaussian();
            for (int j = 0; j < g; j++) {
                double v = (j < 20 ? 3 * f1 : 0) + (j % 3 == 0 ? 2 * f2 : 0) + rnd.nextGaussian() * 0.3;
                dense[i * g + j] = v > 0.5 ? (float) v : 0f; // sparse, non-negative like expression
            }
        }
        CsrMatrix x = csr(dense, n, g);
        Pca pca = Pca.fit(x, 3, 10, 4, 0);

        double[] mean = new double[g];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < g; j++) {
                mean[j] += dense[i * g + j] / (double) n;
            }
        }
        double[][] cov = new double[g][g];
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < g; a++) {
                for (int b = 0; b < g; b++) {
                    cov[a][b] += (dense[i * g + a] - mean[a]) * (dense[i * g + b] - mean[b]) / (n - 1);
                }
            }
        }
        SymmetricEigen.Result exact = SymmetricEigen.of(cov);
        for (int c = 0; c < 3; c++) {
            assertEquals(exact.values()[c], pca.variance()[c], 1e-6 * exact.values()[0], "variance of component " + c);
            double dot = 0;
            for (int j = 0; j < g; j++) {
                dot += exact.vectors()[j][c] * pca.components()[j * 3 + c];
            }
            assertTrue(Math.abs(dot) > 0.99999, "component " + c + " |cos| = " + Math.abs(dot));
        }
        // the projection of the data is centred: mean feature ~ 0
        float[][] f = pca.project(x);
        double m0 = 0;
        for (float[] row : f) {
            m0 += row[0] / n;
        }
        assertEquals(0, m0, 1e-4);
    }

    static CsrMatrix csr(float[] dense, int n, int g) {
        int nnz = 0;
        for (float v : dense) {
            nnz += v != 0 ? 1 : 0;
        }
        int[] ptr = new int[n + 1];
        int[] idx = new int[nnz];
        float[] val = new float[nnz];
        int k = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < g; j++) {
                if (dense[i * g + j] != 0) {
                    idx[k] = j;
                    val[k++] = dense[i * g + j];
                }
            }
            ptr[i + 1] = k;
        }
        return new CsrMatrix(n, g, ptr, idx, val);
    }
}
