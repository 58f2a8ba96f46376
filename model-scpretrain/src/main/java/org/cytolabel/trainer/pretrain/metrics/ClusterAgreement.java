package org.cytolabel.trainer.pretrain.metrics;

import java.util.HashMap;
import java.util.Map;
import org.cytolabel.core.error.CytoLabelException;

/**
 * Agreement of two partitions of the same items: the Rand index (fraction of item pairs on which
 * they agree, together or apart) and Hubert &amp; Arabie's adjusted Rand index (sklearn's
 * {@code rand_score} and {@code adjusted_rand_score}), from the contingency table.
 */
public final class ClusterAgreement {

    private ClusterAgreement() {
    }

    public static double randIndex(int[] a, int[] b) {
        Pairs p = pairs(a, b);
        if (p.total == 0) {
            return 1.0;
        }
        // agreements = pairs together in both + pairs apart in both
        double apart = p.total - p.sumA - p.sumB + p.sumIndex;
        return (p.sumIndex + apart) / p.total;
    }

    public static double adjustedRandIndex(int[] a, int[] b) {
        Pairs p = pairs(a, b);
        if (p.total == 0) {
            return 1.0;
        }
        double expected = p.sumA * p.sumB / p.total;
        double max = 0.5 * (p.sumA + p.sumB);
        if (max == expected) {
            return 1.0; // both partitions trivial (all one cluster or all singletons), as sklearn
        }
        return (p.sumIndex - expected) / (max - expected);
    }

    private record Pairs(double sumIndex, double sumA, double sumB, double total) {
    }

    private static Pairs pairs(int[] a, int[] b) {
        if (a.length != b.length) {
            throw CytoLabelException.invalid("two partitions of different sizes: " + a.length + " and " + b.length);
        }
        Map<Long, Integer> cells = new HashMap<>();
        Map<Integer, Integer> rowsA = new HashMap<>();
        Map<Integer, Integer> rowsB = new HashMap<>();
        for (int i = 0; i < a.length; i++) {
            cells.merge(((long) a[i] << 32) ^ (b[i] & 0xffffffffL), 1, Integer::sum);
            rowsA.merge(a[i], 1, Integer::sum);
            rowsB.merge(b[i], 1, Integer::sum);
        }
        return new Pairs(choose2(cells), choose2(rowsA), choose2(rowsB), a.length * (a.length - 1.0) / 2);
    }

    private static double choose2(Map<?, Integer> counts) {
        double s = 0;
        for (int c : counts.values()) {
            s += c * (c - 1.0) / 2;
        }
        return s;
    }
}
