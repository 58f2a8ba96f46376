package org.cytolabel.trainer.pretrain;

import java.util.Random;
import org.cytolabel.core.error.CytoLabelException;

/**
 * Lloyd's k-means with k-means++ seeding on dense rows ({@code float[n][d]}), deterministic for a
 * seed: each restart draws its k-means++ centres from {@code Random(seed + restart)}, iterates until
 * the relative drop in inertia is below {@code tolerance} (or {@code maxIterations}), and the
 * restart with the lowest inertia wins. An emptied cluster is re-seeded with the point farthest
 * from its centre.
 */
public final class KMeans {
    private final int maxIterations;
    private final double tolerance;
    private final int restarts;

    /** The result: a cluster id per row, the centres, the inertia (sum of squared distances). */
    public record Result(int[] labels, float[][] centroids, double inertia, int iterations) {
    }

    public KMeans(int maxIterations, double tolerance, int restarts) {
        if (maxIterations < 1 || restarts < 1 || !(tolerance >= 0)) {
            throw CytoLabelException.invalid("k-means needs maxIterations >= 1, restarts >= 1 and tolerance >= 0");
        }
        this.maxIterations = maxIterations;
        this.tolerance = tolerance;
        this.restarts = restarts;
    }

    /** 30 Lloyd iterations at most, tolerance 1e-4, one restart. */
    public static KMeans standard() {
        return new KMeans(30, 1e-4, 1);
    }

    public Result fit(float[][] x, int k, long seed) {
        if (k < 1 || k > x.length) {
            throw CytoLabelException.invalid("k-means with k = " + k + " on " + x.length + " points: k must be in 1.."
                    + x.length);
        }
        Result best = null;
        for (int r = 0; r < restarts; r++) {
            Result result = lloyd(x, plusPlus(x, k, new Random(seed + r)));
            if (best == null || result.inertia() < best.inertia()) {
                best = result;
            }
        }
        return best;
    }

    /** k-means++: the first centre uniformly, then each next one with probability ∝ D(x)². */
    static float[][] plusPlus(float[][] x, int k, Random rnd) {
        int n = x.length;
        float[][] centres = new float[k][];
        centres[0] = x[rnd.nextInt(n)].clone();
        double[] d2 = new double[n];
        for (int i = 0; i < n; i++) {
            d2[i] = sq(x[i], centres[0]);
        }
        for (int c = 1; c < k; c++) {
            double total = 0;
            for (double v : d2) {
                total += v;
            }
            int pick;
            if (total <= 0) {
                pick = rnd.nextInt(n);
            } else {
                double u = rnd.nextDouble() * total;
                pick = n - 1;
                double acc = 0;
                for (int i = 0; i < n; i++) {
                    acc += d2[i];
                    if (acc >= u) {
                        pick = i;
                        break;
                    }
                }
            }
            centres[c] = x[pick].clone();
            for (int i = 0; i < n; i++) {
                d2[i] = Math.min(d2[i], sq(x[i], centres[c]));
            }
        }
        return centres;
    }

    private Result lloyd(float[][] x, float[][] centres) {
        int n = x.length;
        int k = centres.length;
        int d = x[0].length;
        int[] labels = new int[n];
        double[] dist = new double[n];
        double previous = Double.POSITIVE_INFINITY;
        double inertia = 0;
        int it = 0;
        while (it < maxIterations) {
            it++;
            inertia = assign(x, centres, labels, dist);
            // update
            double[][] sums = new double[k][d];
            int[] counts = new int[k];
            for (int i = 0; i < n; i++) {
                double[] s = sums[labels[i]];
                float[] row = x[i];
                for (int j = 0; j < d; j++) {
                    s[j] += row[j];
                }
                counts[labels[i]]++;
            }
            for (int c = 0; c < k; c++) {
                if (counts[c] == 0) {
                    int far = 0;
                    for (int i = 1; i < n; i++) {
                        if (dist[i] > dist[far]) {
                            far = i;
                        }
                    }
                    centres[c] = x[far].clone();
                    dist[far] = 0;
                    continue;
                }
                for (int j = 0; j < d; j++) {
                    centres[c][j] = (float) (sums[c][j] / counts[c]);
                }
            }
            if (previous - inertia <= tolerance * Math.max(inertia, 1e-12)) {
                break;
            }
            previous = inertia;
        }
        inertia = assign(x, centres, labels, dist);
        return new Result(labels, centres, inertia, it);
    }

    /** Nearest centre per row (ties to the lower id); returns the inertia. */
    static double assign(float[][] x, float[][] centres, int[] labels, double[] dist) {
        double inertia = 0;
        for (int i = 0; i < x.length; i++) {
            int best = 0;
            double bestD = Double.POSITIVE_INFINITY;
            for (int c = 0; c < centres.length; c++) {
                double v = sq(x[i], centres[c]);
                if (v < bestD) {
                    bestD = v;
                    best = c;
                }
            }
            labels[i] = best;
            dist[i] = bestD;
            inertia += bestD;
        }
        return inertia;
    }

    static double sq(float[] a, float[] b) {
        float s = 0;
        for (int j = 0; j < a.length; j++) {
            float t = a[j] - b[j];
            s += t * t;
        }
        return s;
    }
}
