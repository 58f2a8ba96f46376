package org.cytolabel.trainer.baseline;

import java.util.Random;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;

/**
 * Principal components of a sparse cells x genes matrix by randomized SVD (Halko, Martinsson and
 * Tropp 2011) with power iterations, centring implicitly so the matrix stays sparse: a Gaussian
 * test matrix from {@code Random(seed)}, {@code q} rounds of re-orthonormalised power iteration,
 * then the small SVD through the eigen-decomposition of {@code B B^T}. Each component's
 * largest-magnitude loading is made positive so the result does not depend on sign choices.
 *
 * <p>The projection used everywhere (training, Java prediction, the ONNX graph) is
 * {@code float(sum_j double(x_j) * double(W_jk) + double(b_k))} with float32 {@code W} and
 * {@code b = -mean W}: the double arithmetic keeps the features the trees compare identical to
 * float precision on both sides.
 *
 * @param components row-major {@code [genes][k]} loadings (float32)
 * @param bias       {@code -mean . W}, per component (float32)
 * @param variance   the variance each component explains (sample variance, {@code n - 1})
 */
public record Pca(int genes, int k, float[] components, float[] bias, double[] variance) {

    public Pca {
        if (components.length != genes * k || bias.length != k || variance.length != k) {
            throw new IllegalArgumentException("PCA parts disagree with " + genes + " genes x " + k + " components");
        }
    }

    /** Fits {@code k} components of {@code x} (rows are cells) with {@code oversample} extra directions. */
    public static Pca fit(CsrMatrix x, int k, int oversample, int powerIterations, long seed) {
        int n = x.rows();
        int g = x.cols();
        if (k < 1 || k > Math.min(n, g)) {
            throw CytoLabelException.invalid("n_components must be between 1 and min(cells, genes) = "
                    + Math.min(n, g) + ", got " + k);
        }
        int l = Math.min(k + oversample, Math.min(n, g));
        double[] mean = new double[g];
        for (int q = 0; q < x.nnz(); q++) {
            mean[x.indices()[q]] += x.values()[q];
        }
        for (int j = 0; j < g; j++) {
            mean[j] /= n;
        }
        Random rnd = new Random(seed);
        double[][] omega = new double[g][l];
        for (int j = 0; j < g; j++) {
            for (int c = 0; c < l; c++) {
                omega[j][c] = rnd.nextGaussian();
            }
        }
        double[][] y = times(x, mean, omega, l);
        for (int it = 0; it < powerIterations; it++) {
            orthonormalize(y);
            double[][] z = transposeTimes(x, mean, y, l);
            orthonormalize(z);
            y = times(x, mean, z, l);
        }
        orthonormalize(y);
        double[][] bt = transposeTimes(x, mean, y, l); // B^T, [g][l]
        double[][] bbt = new double[l][l];
        for (int j = 0; j < g; j++) {
            double[] row = bt[j];
            for (int a = 0; a < l; a++) {
                double ra = row[a];
                if (ra == 0) {
                    continue;
                }
                for (int b = a; b < l; b++) {
                    bbt[a][b] += ra * row[b];
                }
            }
        }
        for (int a = 0; a < l; a++) {
            for (int b = 0; b < a; b++) {
                bbt[a][b] = bbt[b][a];
            }
        }
        SymmetricEigen.Result eig = SymmetricEigen.of(bbt);
        float[] w = new float[g * k];
        double[] variance = new double[k];
        for (int c = 0; c < k; c++) {
            double sigma = Math.sqrt(Math.max(eig.values()[c], 0));
            variance[c] = sigma * sigma / Math.max(n - 1, 1);
            double[] v = new double[g];
            double maxAbs = -1;
            double sign = 1;
            for (int j = 0; j < g; j++) {
                double s = 0;
                for (int a = 0; a < l; a++) {
                    s += bt[j][a] * eig.vectors()[a][c];
                }
                v[j] = sigma > 0 ? s / sigma : 0;
                if (Math.abs(v[j]) > maxAbs) {
                    maxAbs = Math.abs(v[j]);
                    sign = v[j] < 0 ? -1 : 1;
                }
            }
            for (int j = 0; j < g; j++) {
                w[j * k + c] = (float) (sign * v[j]);
            }
        }
        float[] bias = new float[k];
        for (int c = 0; c < k; c++) {
            double s = 0;
            for (int j = 0; j < g; j++) {
                s += mean[j] * w[j * k + c];
            }
            bias[c] = (float) -s;
        }
        return new Pca(g, k, w, bias, variance);
    }

    /** The {@code [cells][k]} features of (log-normalised) cells, as the ONNX graph computes them. */
    public float[][] project(CsrMatrix x) {
        if (x.cols() != genes) {
            throw CytoLabelException.invalid("PCA expects " + genes + " genes, got " + x.cols());
        }
        float[][] out = new float[x.rows()][k];
        double[] acc = new double[k];
        for (int r = 0; r < x.rows(); r++) {
            for (int c = 0; c < k; c++) {
                acc[c] = 0;
            }
            for (int q = x.indptr()[r]; q < x.indptr()[r + 1]; q++) {
                double v = x.values()[q];
                int base = x.indices()[q] * k;
                for (int c = 0; c < k; c++) {
                    acc[c] += v * components[base + c];
                }
            }
            for (int c = 0; c < k; c++) {
                out[r][c] = (float) (acc[c] + bias[c]);
            }
        }
        return out;
    }

    /** {@code (X - 1 mean^T) M} for {@code M [g][l]}: {@code [n][l]}. */
    private static double[][] times(CsrMatrix x, double[] mean, double[][] m, int l) {
        double[] meanM = new double[l];
        for (int j = 0; j < mean.length; j++) {
            for (int c = 0; c < l; c++) {
                meanM[c] += mean[j] * m[j][c];
            }
        }
        double[][] out = new double[x.rows()][l];
        for (int r = 0; r < x.rows(); r++) {
            double[] o = out[r];
            for (int q = x.indptr()[r]; q < x.indptr()[r + 1]; q++) {
                double v = x.values()[q];
                double[] mj = m[x.indices()[q]];
                for (int c = 0; c < l; c++) {
                    o[c] += v * mj[c];
                }
            }
            for (int c = 0; c < l; c++) {
                o[c] -= meanM[c];
            }
        }
        return out;
    }

    /** {@code (X - 1 mean^T)^T Y} for {@code Y [n][l]}: {@code [g][l]}. */
    private static double[][] transposeTimes(CsrMatrix x, double[] mean, double[][] y, int l) {
        double[][] out = new double[x.cols()][l];
        double[] colSum = new double[l];
        for (int r = 0; r < x.rows(); r++) {
            double[] yr = y[r];
            for (int c = 0; c < l; c++) {
                colSum[c] += yr[c];
            }
            for (int q = x.indptr()[r]; q < x.indptr()[r + 1]; q++) {
                double v = x.values()[q];
                double[] o = out[x.indices()[q]];
                for (int c = 0; c < l; c++) {
                    o[c] += v * yr[c];
                }
            }
        }
        for (int j = 0; j < x.cols(); j++) {
            for (int c = 0; c < l; c++) {
                out[j][c] -= mean[j] * colSum[c];
            }
        }
        return out;
    }

    /** Orthonormal columns in place (modified Gram-Schmidt, twice); a dependent column becomes zero. */
    static void orthonormalize(double[][] a) {
        int rows = a.length;
        int cols = rows == 0 ? 0 : a[0].length;
        for (int pass = 0; pass < 2; pass++) {
            for (int c = 0; c < cols; c++) {
                for (int p = 0; p < c; p++) {
                    double dot = 0;
                    for (double[] row : a) {
                        dot += row[c] * row[p];
                    }
                    for (double[] row : a) {
                        row[c] -= dot * row[p];
                    }
                }
                double norm = 0;
                for (double[] row : a) {
                    norm += row[c] * row[c];
                }
                norm = Math.sqrt(norm);
                for (int r = 0; r < rows; r++) {
                    a[r][c] = norm > 1e-300 ? a[r][c] / norm : 0;
                }
            }
        }
    }
}
