package org.cytolabel.trainer.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.cytolabel.core.data.CsrMatrix;

/**
 * The small pieces every family's training loop shares: batch bounds, the seeded shuffle, dense
 * row blocks from CSR, argmax and the class-weighted loss of eval-mode probabilities.
 */
public final class Batches {
    private Batches() {
    }

    /**
     * Batch bounds over {@code n} shuffled cells; a last batch of one cell joins the one before
     * (batch norm cannot train on a single cell).
     */
    public static int[][] batchBounds(int n, int batchSize) {
        List<int[]> bounds = new ArrayList<>();
        for (int from = 0; from < n; from += batchSize) {
            bounds.add(new int[] {from, Math.min(n, from + batchSize)});
        }
        int[] last = bounds.get(bounds.size() - 1);
        if (bounds.size() > 1 && last[1] - last[0] == 1) {
            bounds.remove(bounds.size() - 1);
            bounds.get(bounds.size() - 1)[1] = n;
        }
        return bounds.toArray(new int[0][]);
    }

    /** Fisher-Yates with {@code rng}: the same seed gives the same order. */
    public static void shuffle(int[] a, Random rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** Per row, the index of the largest value (the first on ties). */
    public static int[] argmax(float[][] probs) {
        int[] out = new int[probs.length];
        for (int i = 0; i < probs.length; i++) {
            int best = 0;
            for (int c = 1; c < probs[i].length; c++) {
                if (probs[i][c] > probs[i][best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }

    /** Weighted cross-entropy of eval-mode probabilities, as the training loss defines it. */
    public static double weightedLoss(float[][] probs, int[] labels, float[] classWeights) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < labels.length; i++) {
            double w = classWeights[labels[i]];
            num -= w * Math.log(Math.max(probs[i][labels[i]], 1e-30));
            den += w;
        }
        return den == 0 ? Double.NaN : num / den;
    }

    /** Rows {@code order[from..to)} (or {@code from..to} when order is null) as a dense row-major block. */
    public static float[] densify(CsrMatrix counts, int[] order, int from, int to) {
        float[] dense = new float[(to - from) * counts.cols()];
        for (int i = from; i < to; i++) {
            counts.scatterRow(order == null ? i : order[i], dense, (i - from) * counts.cols());
        }
        return dense;
    }
}
