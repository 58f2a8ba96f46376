package org.cytolabel.trainer.pretrain.metrics;

import java.util.Arrays;
import org.cytolabel.core.error.CytoLabelException;

/**
 * One-vs-rest ranking scores of class probabilities, macro-averaged over the classes that have at
 * least one positive and one negative cell: AUROC (Mann-Whitney, ties count half, as sklearn's
 * {@code roc_auc_score}) and AUPRC as average precision (sklearn's {@code average_precision_score}:
 * {@code sum_n (R_n - R_{n-1}) P_n} over distinct score thresholds).
 */
public final class RankingMetrics {

    private RankingMetrics() {
    }

    public static double macroAuroc(float[][] probabilities, int[] truth) {
        return macro(probabilities, truth, true);
    }

    public static double macroAuprc(float[][] probabilities, int[] truth) {
        return macro(probabilities, truth, false);
    }

    private static double macro(float[][] probabilities, int[] truth, boolean roc) {
        if (probabilities.length != truth.length || truth.length == 0) {
            throw CytoLabelException.invalid(probabilities.length + " probability rows for " + truth.length
                    + " labels");
        }
        int classes = probabilities[0].length;
        double sum = 0;
        int used = 0;
        for (int c = 0; c < classes; c++) {
            float[] score = new float[truth.length];
            boolean[] positive = new boolean[truth.length];
            int pos = 0;
            for (int i = 0; i < truth.length; i++) {
                score[i] = probabilities[i][c];
                positive[i] = truth[i] == c;
                pos += positive[i] ? 1 : 0;
            }
            if (pos == 0 || pos == truth.length) {
                continue;
            }
            sum += roc ? auroc(score, positive) : averagePrecision(score, positive);
            used++;
        }
        return used == 0 ? Double.NaN : sum / used;
    }

    /** Binary AUROC: P(score of a positive > score of a negative) + 0.5 P(tie). */
    public static double auroc(float[] score, boolean[] positive) {
        Integer[] order = sortedDescending(score);
        long pos = 0;
        long neg = 0;
        for (boolean p : positive) {
            if (p) {
                pos++;
            } else {
                neg++;
            }
        }
        double area = 0;
        long negAbove = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            long tiePos = 0;
            long tieNeg = 0;
            while (j < order.length && score[order[j]] == score[order[i]]) {
                if (positive[order[j]]) {
                    tiePos++;
                } else {
                    tieNeg++;
                }
                j++;
            }
            // positives in this tie group beat negatives below; ties count half
            area += tiePos * (neg - negAbove - tieNeg) + 0.5 * tiePos * tieNeg;
            negAbove += tieNeg;
            i = j;
        }
        return area / ((double) pos * neg);
    }

    /** Binary average precision over distinct thresholds, highest score first. */
    public static double averagePrecision(float[] score, boolean[] positive) {
        Integer[] order = sortedDescending(score);
        long totalPos = 0;
        for (boolean p : positive) {
            totalPos += p ? 1 : 0;
        }
        double ap = 0;
        long tp = 0;
        long seen = 0;
        double lastRecall = 0;
        int i = 0;
        while (i < order.length) {
            int j = i;
            while (j < order.length && score[order[j]] == score[order[i]]) {
                tp += positive[order[j]] ? 1 : 0;
                seen++;
                j++;
            }
            double recall = (double) tp / totalPos;
            double precision = (double) tp / seen;
            ap += (recall - lastRecall) * precision;
            lastRecall = recall;
            i = j;
        }
        return ap;
    }

    private static Integer[] sortedDescending(float[] score) {
        Integer[] order = new Integer[score.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Float.compare(score[b], score[a]));
        return order;
    }
}
