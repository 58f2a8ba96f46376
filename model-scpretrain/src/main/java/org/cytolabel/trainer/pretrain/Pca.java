package org.cytolabel.trainer.pretrain;

import java.util.Random;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;

/**
 * Principal components of a sparse matrix by randomized SVD (Halko, Martinsson &amp; Tropp 2011):
 * a Gaussian sketch of the column-centred matrix, {@code powerIterations} rounds of subspace
 * iteration with re-orthonormalisation, then an exact eigen-decomposition (cyclic Jacobi) of the
 * small {@code l x l} Gram matrix. Centring is implicit, so the matrix stays sparse. Deterministic
 * for a seed; each component's sign is fixed so its largest-|loading| entry is positive.
 */
public final class Pca {
    private static final int OVERSAMPLE = 10;
    private final double[] mean;
    /** Row-major {@code [d][k]}: column c is component c. */
    private final double[] components;
    private final double[] variance;
    private final int d;
    private final int k;

    private Pca(double[] mean, double[] components, double[] variance, int k) {
        this.mean = mean;
        this.components = components;
        this.variance = variance;
        this.d = mean.length;
        this.k = k;
    }

    /** The top {@code k} components of {@code x} (rows are samples). */
    public static Pca fit(CsrMatrix x, int k, int powerIterations, long seed) {
        int n = x.rows();
        int d = x.cols();
        if (k < 1 || k > Math.min(n, d)) {
            throw CytoLabelException.invalid("PCA with " + k + " components on a " + n + " x " + d
                    + " matrix: ask for 1.." + Math.min(n, d));
        }
        int l = Math.min(Math.min(n, d), k + OVERSAMPLE);
        double[] mean = new double[d];
        for (int r = 0; r < n; r++) {
            for (int p = x.indptr()[r]; p < x.indptr()[r + 1]; p++) {
                mean[x.indices()[p]] += x.values()[p];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= n;
        }
        Random rnd = new Random(seed);
        double[] omega = new double[d * l];
        for (int i = 0; i < omega.length; i++) {
            omega[i] = rnd.nextGaussian();
        }
        double[] y = times(x, mean, omega, l);
        for (int q = 0; q < powerIterations; q++) {
            orthonormalize(y, n, l);
            double[] z = transposeTimes(x, mean, y, l);
            orthonormalize(z, d, l);
            y = times(x, mean, z, l);
        }
        orthonormalize(y, n, l);
        double[] z = transposeTimes(x, mean, y, l); // B^T, d x l
        double[] gram = new double[l * l];
        for (int j = 0; j < d; j++) {
            for (int a = 0; a < l; a++) {
                double za = z[j * l + a];
                for (int b = a; b < l; b++) {
                    gram[a * l + b] += za * z[j * l + b];
                }
            }
        }
        for (int a = 0; a < l; a++) {
            for (int b = 0; b < a; b++) {
                gram[a * l + b] = gram[b * l + a];
            }
        }
        double[][] eig = jacobi(gram, l);
        double[] values = eig[0];
        double[] vectors = eig[1]; // column-wise in row-major l x l
        Integer[] order = new Integer[l];
        for (int i = 0; i < l; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> Double.compare(values[b], values[a]));
        double[] comps = new double[d * k];
        double[] variance = new double[k];
        for (int c = 0; c < k; c++) {
            int e = order[c];
            double s = Math.sqrt(Math.max(values[e], 0));
            variance[c] = values[e] / Math.max(n - 1, 1);
            int argmax = 0;
            for (int j = 0; j < d; j++) {
                double v = 0;
                for (int a = 0; a < l; a++) {
                    v += z[j * l + a] * vectors[a * l + e];
                }
                comps[j * k + c] = s > 0 ? v / s : 0;
                if (Math.abs(comps[j * k + c]) > Math.abs(comps[argmax * k + c])) {
                    argmax = j;
                }
            }
            if (comps[argmax * k + c] < 0) {
                for (int j = 0; j < d; j++) {
                    comps[j * k + c] = -comps[j * k + c];
                }
            }
        }
        return new Pca(mean, comps, variance, k);
    }

    public int components() {
        return k;
    }

    /** Variance explained by each component (sample variance of the scores). */
    public double[] explainedVariance() {
        return variance.clone();
    }

    /** Component {@code c}'s loadings over the {@code d} columns. */
    public double[] component(int c) {
        double[] v = new double[d];
        for (int j = 0; j < d; j++) {
            v[j] = components[j * k + c];
        }
        return v;
    }

    /** Scores {@code (x - mean) V} of each row, {@code [n][k]}. */
    public float[][] transform(CsrMatrix x) {
        if (x.cols() != d) {
            throw CytoLabelException.invalid("PCA fitted on " + d + " columns, got " + x.cols());
        }
        double[] shift = new double[k];
        for (int j = 0; j < d; j++) {
            for (int c = 0; c < k; c++) {
                shift[c] += mean[j] * components[j * k + c];
            }
        }
        float[][] out = new float[x.rows()][k];
        double[] acc = new double[k];
        for (int r = 0; r < x.rows(); r++) {
            java.util.Arrays.fill(acc, 0);
            for (int p = x.indptr()[r]; p < x.indptr()[r + 1]; p++) {
                double v = x.values()[p];
                int base = x.indices()[p] * k;
                for (int c = 0; c < k; c++) {
                    acc[c] += v * components[base + c];
                }
            }
            for (int c = 0; c < k; c++) {
                out[r][c] = (float) (acc[c] - shift[c]);
            }
        }
        return out;
    }

    /** {@code (X - 1 mean^T) M} for a row-major {@code [d][l]} M: {@code [n][l]}. */
    private static double[] times(CsrMatrix x, double[] mean, double[] m, int l) {
        int n = x.rows();
        double[] out = new double[n * l];
        double[] shift = new double[l];
        for (int j = 0; j < mean.length; j++) {
            for (int c = 0; c < l; c++) {
                shift[c] += mean[j] * m[j * l + c];
            }
        }
        for (int r = 0; r < n; r++) {
            int o = r * l;
            for (int p = x.indptr()[r]; p < x.indptr()[r + 1]; p++) {
                double v = x.values()[p];
                int base = x.indices()[p] * l;
                for (int c = 0; c < l; c++) {
                    out[o + c] += v * m[base + c];
                }
            }
            for (int c = 0; c < l; c++) {
                out[o + c] -= shift[c];
            }
        }
        return out;
    }

    /** {@code (X - 1 mean^T)^T Q} for a row-major {@code [n][l]} Q: {@code [d][l]}. */
    private static double[] transposeTimes(CsrMatrix x, double[] mean, double[] q, int l) {
        int d = x.cols();
        double[] out = new double[d * l];
        double[] colSum = new double[l];
        for (int r = 0; r < x.rows(); r++) {
            int o = r * l;
            for (int c = 0; c < l; c++) {
                colSum[c] += q[o + c];
            }
            for (int p = x.indptr()[r]; p < x.indptr()[r + 1]; p++) {
                double v = x.values()[p];
                int base = x.indices()[p] * l;
                for (int c = 0; c < l; c++) {
                    out[base + c] += v * q[o + c];
                }
            }
        }
        for (int j = 0; j < d; j++) {
            for (int c = 0; c < l; c++) {
                out[j * l + c] -= mean[j] * colSum[c];
            }
        }
        return out;
    }

    /** Modified Gram-Schmidt (twice) on the columns of a row-major {@code [m][l]} matrix. */
    static void orthonormalize(double[] a, int m, int l) {
        for (int pass = 0; pass < 2; pass++) {
            for (int c = 0; c < l; c++) {
                for (int p = 0; p < c; p++) {
                    double dot = 0;
                    for (int i = 0; i < m; i++) {
                        dot += a[i * l + c] * a[i * l + p];
                    }
                    for (int i = 0; i < m; i++) {
                        a[i * l + c] -= dot * a[i * l + p];
                    }
                }
                double norm = 0;
                for (int i = 0; i < m; i++) {
                    norm += a[i * l + c] * a[i * l + c];
                }
                norm = Math.sqrt(norm);
                for (int i = 0; i < m; i++) {
                    a[i * l + c] = norm > 1e-300 ? a[i * l + c] / norm : 0;
                }
            }
        }
    }

    /** Cyclic Jacobi eigen-decomposition of a symmetric row-major {@code [l][l]}: {values, vectors by column}. */
    static double[][] jacobi(double[] sym, int l) {
        double[] a = sym.clone();
        double[] v = new double[l * l];
        for (int i = 0; i < l; i++) {
            v[i * l + i] = 1;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            double diag = 0;
            for (int p = 0; p < l; p++) {
                diag += a[p * l + p] * a[p * l + p];
                for (int q = p + 1; q < l; q++) {
                    off += a[p * l + q] * a[p * l + q];
                }
            }
            if (off <= 1e-30 * Math.max(diag, 1e-300)) {
                break;
            }
            for (int p = 0; p < l; p++) {
                for (int q = p + 1; q < l; q++) {
                    double apq = a[p * l + q];
                    if (Math.abs(apq) < 1e-300) {
                        continue;
                    }
                    double theta = (a[q * l + q] - a[p * l + p]) / (2 * apq);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double s = t * c;
                    for (int r = 0; r < l; r++) {
                        double arp = a[r * l + p];
                        double arq = a[r * l + q];
                        a[r * l + p] = c * arp - s * arq;
                        a[r * l + q] = s * arp + c * arq;
                    }
                    for (int r = 0; r < l; r++) {
                        double apr = a[p * l + r];
                        double aqr = a[q * l + r];
                        a[p * l + r] = c * apr - s * aqr;
                        a[q * l + r] = s * apr + c * aqr;
                    }
                    for (int r = 0; r < l; r++) {
                        double vrp = v[r * l + p];
                        double vrq = v[r * l + q];
                        v[r * l + p] = c * vrp - s * vrq;
                        v[r * l + q] = s * vrp + c * vrq;
                    }
                }
            }
        }
        double[] values = new double[l];
        for (int i = 0; i < l; i++) {
            values[i] = a[i * l + i];
        }
        return new double[][] {values, v};
    }
}
