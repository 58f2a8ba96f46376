package org.cytolabel.core.metrics;

import java.util.Arrays;

/**
 * A reliability diagram's data: per equal-width confidence bin on [0, 1], the accuracy and mean confidence of
 * the predictions that fall in it. Empty bins have count 0 and accuracy and mean confidence 0.
 *
 * @param binCenters     centre of each bin, e.g. 1/30, 3/30, ... for 15 bins
 * @param accuracy       fraction correct per bin
 * @param meanConfidence mean confidence per bin
 * @param counts         predictions per bin
 * @param ece            expected calibration error: sum over bins of (count / n) |accuracy - meanConfidence|
 */
public record ReliabilityCurve(double[] binCenters, double[] accuracy, double[] meanConfidence, int[] counts,
                               double ece) {
    public ReliabilityCurve {
        int b = binCenters.length;
        if (accuracy.length != b || meanConfidence.length != b || counts.length != b) {
            throw new IllegalArgumentException("all per-bin arrays must have the same length");
        }
        binCenters = binCenters.clone();
        accuracy = accuracy.clone();
        meanConfidence = meanConfidence.clone();
        counts = counts.clone();
    }

    /** Number of bins. */
    public int bins() {
        return binCenters.length;
    }

    /** Number of predictions over all bins. */
    public int total() {
        return Arrays.stream(counts).sum();
    }

    @Override
    public String toString() {
        return "ReliabilityCurve[bins=" + bins() + ", n=" + total() + ", ece=" + ece + "]";
    }
}
