package org.cytolabel.trainer.sctab;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.onnx.ArtifactContract;
import org.cytolabel.trainer.model.TrainingData;

/**
 * scTab's donor augmentation. On the model's input scale (log1p of counts per 10k): the centroid of
 * every (cell type, donor) pair with at least {@link #MIN_CELLS} cells; within each type the
 * difference of every two donors' centroids; entries with {@code |v| <= 0.25} set to zero, the rest
 * clipped to {@code [-1.5, 1.5]}; the vectors clustered with k-means and only those in large
 * clusters (at least the mean cluster size) kept. Training adds or subtracts a random kept vector
 * to a cell and clamps to {@code [0, 9]}.
 */
public final class DonorAugmentation {
    static final int MIN_CELLS = 10;
    static final float ZERO_BELOW = 0.25f;
    static final float CLIP = 1.5f;
    static final float LOW = 0f;
    static final float HIGH = 9f;
    private static final int KMEANS_ITERATIONS = 50;

    private final float[][] vectors;
    private final int candidates;

    private DonorAugmentation(float[][] vectors, int candidates) {
        this.vectors = vectors;
        this.candidates = candidates;
    }

    /** The kept vectors from the training cells' types and groups (none when no group is known). */
    public static DonorAugmentation fit(TrainingData data, long seed) {
        CsrMatrix counts = data.train().counts();
        int[] labels = data.train().labels();
        int[] groups = data.trainGroups();
        int g = counts.cols();
        int types = data.train().numClasses();
        int donors = data.groupNames().size();
        double[][][] sums = new double[types][donors][];
        int[][] n = new int[types][donors];
        float[] row = new float[g];
        for (int i = 0; i < counts.rows(); i++) {
            if (groups[i] < 0) {
                continue;
            }
            Arrays.fill(row, 0f);
            counts.scatterRow(i, row, 0);
            normalize(row);
            double[] s = sums[labels[i]][groups[i]];
            if (s == null) {
                s = sums[labels[i]][groups[i]] = new double[g];
            }
            for (int j = 0; j < g; j++) {
                s[j] += row[j];
            }
            n[labels[i]][groups[i]]++;
        }
        List<float[]> diffs = new ArrayList<>();
        for (int t = 0; t < types; t++) {
            for (int a = 0; a < donors; a++) {
                for (int b = a + 1; b < donors; b++) {
                    if (n[t][a] >= MIN_CELLS && n[t][b] >= MIN_CELLS) {
                        float[] v = difference(sums[t][a], n[t][a], sums[t][b], n[t][b]);
                        if (v != null) {
                            diffs.add(v);
                        }
                    }
                }
            }
        }
        return new DonorAugmentation(largeClusters(diffs, new Random(seed)), diffs.size());
    }

    /** A copy of the kept vectors. */
    public float[][] vectors() {
        return vectors.clone();
    }

    /** How many difference vectors there were before the k-means filter. */
    public int candidates() {
        return candidates;
    }

    public boolean isEmpty() {
        return vectors.length == 0;
    }

    /**
     * Per cell of a batch, with probability {@code probability}, a random kept vector with a random
     * sign (else zeros): the {@code [cells, genes]} shift to add before clamping.
     */
    float[] shifts(int cells, int genes, float probability, Random rnd) {
        float[] out = new float[cells * genes];
        for (int i = 0; i < cells; i++) {
            if (vectors.length == 0 || rnd.nextFloat() >= probability) {
                continue;
            }
            float[] v = vectors[rnd.nextInt(vectors.length)];
            float sign = rnd.nextBoolean() ? 1f : -1f;
            for (int j = 0; j < genes; j++) {
                out[i * genes + j] = sign * v[j];
            }
        }
        return out;
    }

    /** log1p(c / max(sum, 1) * 1e4) in place. */
    static void normalize(float[] row) {
        float sum = 0;
        for (float c : row) {
            sum += c;
        }
        float size = Math.max(sum, 1f);
        for (int j = 0; j < row.length; j++) {
            row[j] = (float) Math.log(row[j] / size * ArtifactContract.TARGET_SUM + 1f);
        }
    }

    /** Centroid difference, small entries zeroed, clipped; null when nothing is left. */
    static float[] difference(double[] sumA, int nA, double[] sumB, int nB) {
        float[] v = new float[sumA.length];
        boolean any = false;
        for (int j = 0; j < v.length; j++) {
            float d = (float) (sumA[j] / nA - sumB[j] / nB);
            if (Math.abs(d) <= ZERO_BELOW) {
                d = 0f;
            } else {
                any = true;
            }
            v[j] = Math.max(-CLIP, Math.min(CLIP, d));
        }
        return any ? v : null;
    }

    /** k-means (k-means++ start) with k = round(sqrt(n / 2)); the members of clusters of at least n/k. */
    static float[][] largeClusters(List<float[]> vs, Random rnd) {
        int n = vs.size();
        if (n < 4) {
            return vs.toArray(new float[0][]);
        }
        int k = Math.max(1, (int) Math.round(Math.sqrt(n / 2.0)));
        int g = vs.get(0).length;
        float[][] centers = new float[k][];
        centers[0] = vs.get(rnd.nextInt(n)).clone();
        double[] dist = new double[n];
        for (int c = 1; c < k; c++) {
            double total = 0;
            for (int i = 0; i < n; i++) {
                dist[i] = nearest(vs.get(i), centers, c)[1];
                total += dist[i];
            }
            double r = rnd.nextDouble() * total;
            int pick = n - 1;
            for (int i = 0; i < n; i++) {
                r -= dist[i];
                if (r <= 0) {
                    pick = i;
                    break;
                }
            }
            centers[c] = vs.get(pick).clone();
        }
        int[] assign = new int[n];
        for (int it = 0; it < KMEANS_ITERATIONS; it++) {
            boolean changed = false;
            for (int i = 0; i < n; i++) {
                int a = (int) nearest(vs.get(i), centers, k)[0];
                changed |= a != assign[i] || it == 0;
                assign[i] = a;
            }
            if (!changed) {
                break;
            }
            for (int c = 0; c < k; c++) {
                double[] mean = new double[g];
                int m = 0;
                for (int i = 0; i < n; i++) {
                    if (assign[i] == c) {
                        m++;
                        float[] v = vs.get(i);
                        for (int j = 0; j < g; j++) {
                            mean[j] += v[j];
                        }
                    }
                }
                if (m > 0) {
                    for (int j = 0; j < g; j++) {
                        centers[c][j] = (float) (mean[j] / m);
                    }
                }
            }
        }
        int[] size = new int[k];
        for (int a : assign) {
            size[a]++;
        }
        List<float[]> kept = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (size[assign[i]] * (double) k >= n) {
                kept.add(vs.get(i));
            }
        }
        return kept.toArray(new float[0][]);
    }

    private static double[] nearest(float[] v, float[][] centers, int count) {
        int best = 0;
        double bestD = Double.POSITIVE_INFINITY;
        for (int c = 0; c < count; c++) {
            double d = 0;
            for (int j = 0; j < v.length; j++) {
                double e = v[j] - centers[c][j];
                d += e * e;
            }
            if (d < bestD) {
                bestD = d;
                best = c;
            }
        }
        return new double[] {best, bestD};
    }
}
