package org.cytolabel.trainer.pretrain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.cytolabel.core.data.CsrMatrix;
import org.junit.jupiter.api.Test;

class PcaTest {

    @Test
    void pointsOnALineHaveOneComponentAlongIt() {
        // x_i = t_i * (0.6, 0.8, 0) + (1, 1, 1), t = -2..2: variance of t = 2.5 (n - 1 denominator)
        int n = 5;
        float[] dense = new float[n * 3];
        for (int i = 0; i < n; i++) {
            float t = i - 2;
            dense[i * 3] = 1 + 0.6f * t;
            dense[i * 3 + 1] = 1 + 0.8f * t;
            dense[i * 3 + 2] = 1;
        }
        Pca pca = Pca.fit(csr(dense, n, 3), 1, 2, 0);
        double[] v = pca.component(0);
        assertEquals(0.6, v[0], 1e-6);
        assertEquals(0.8, v[1], 1e-6);
        assertEquals(0.0, v[2], 1e-6);
        assertEquals(2.5, pca.explainedVariance()[0], 1e-5);
        float[][] scores = pca.transform(csr(dense, n, 3));
        for (int i = 0; i < n; i++) {
            assertEquals(i - 2, scores[i][0], 1e-5);
        }
    }

    @Test
    void matchesTheExactTopEigenvaluesOfTheCovariance() {
        Random rnd = new Random(3);
        int n = 200;
        int d = 6;
        float[] dense = new float[n * d];
        double[] scale = {5, 3, 1, 0.5, 0.2, 0.1};
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                dense[i * d + j] = (float) (scale[j] * rnd.nextGaussian());
            }
        }
        double[] cov = new double[d * d];
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                mean[j] += dense[i * d + j] / (double) n;
            }
        }
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < d; b++) {
                    cov[a * d + b] += (dense[i * d + a] - mean[a]) * (dense[i * d + b] - mean[b]) / (n - 1);
                }
            }
        }
        double[] exact = Pca.jacobi(cov, d)[0];
        java.util.Arrays.sort(exact);
        Pca pca = Pca.fit(csr(dense, n, d), 3, 3, 1);
        for (int c = 0; c < 3; c++) {
            assertEquals(exact[d - 1 - c], pca.explainedVariance()[c], 1e-6 * exact[d - 1]);
        }
    }

    static CsrMatrix csr(float[] dense, int rows, int cols) {
        int[] indptr = new int[rows + 1];
        java.util.List<Integer> idx = new java.util.ArrayList<>();
        java.util.List<Float> val = new java.util.ArrayList<>();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                if (dense[r * cols + c] != 0) {
                    idx.add(c);
                    val.add(dense[r * cols + c]);
                }
            }
            indptr[r + 1] = idx.size();
        }
        float[] v = new float[val.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = val.get(i);
        }
        return new CsrMatrix(rows, cols, indptr, idx.stream().mapToInt(i -> i).toArray(), v);
    }
}
