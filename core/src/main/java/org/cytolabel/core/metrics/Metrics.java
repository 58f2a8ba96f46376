package org.cytolabel.core.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.ontology.CellOntology;

/**
 * Classification and calibration metrics with scikit-learn semantics, plus scTab's ontology-aware macro-F1.
 *
 * <p>Macro-F1 averages over the classes that occur in the truth or the predictions (a class with neither is left
 * out, as {@code sklearn.metrics.f1_score(average='macro')} does without {@code labels=}); a class that is never
 * predicted but has support scores F1 = 0.
 */
public final class Metrics {
    /** The usual number of equal-width bins for the expected calibration error (Guo et al. 2017). */
    public static final int DEFAULT_BINS = 15;

    private Metrics() {
    }

    /**
     * Scores predicted class ids against true class ids.
     *
     * @param truth      true class id per cell, each in {@code [0, classNames.size())}
     * @param predicted  predicted class id per cell, same length
     * @param classNames names of the class ids
     */
    public static ClassificationReport evaluate(int[] truth, int[] predicted, List<String> classNames) {
        int c = classNames.size();
        requireSameNonEmpty(truth.length, predicted.length, "truth", "predicted");
        int[][] cm = new int[c][c];
        for (int i = 0; i < truth.length; i++) {
            cm[checkClass(truth[i], c, "truth", i)][checkClass(predicted[i], c, "predicted", i)]++;
        }
        long n = truth.length;
        long[] rowSum = new long[c];
        long[] colSum = new long[c];
        long diag = 0;
        for (int t = 0; t < c; t++) {
            for (int p = 0; p < c; p++) {
                rowSum[t] += cm[t][p];
                colSum[p] += cm[t][p];
            }
            diag += cm[t][t];
        }
        Map<String, Double> f1 = new LinkedHashMap<>();
        Map<String, Integer> support = new LinkedHashMap<>();
        double macroSum = 0;
        int present = 0;
        double weightedSum = 0;
        for (int k = 0; k < c; k++) {
            long denominator = rowSum[k] + colSum[k];   // = 2tp + fp + fn
            double score = denominator == 0 ? 0.0 : 2.0 * cm[k][k] / denominator;
            if (denominator > 0) {
                macroSum += score;
                present++;
            }
            weightedSum += score * rowSum[k];
            if (f1.put(classNames.get(k), score) != null) {
                throw CytoLabelException.invalid("class name '" + classNames.get(k)
                        + "' occurs twice in the class list; class names must be unique");
            }
            support.put(classNames.get(k), (int) rowSum[k]);
        }
        double accuracy = (double) diag / n;
        return new ClassificationReport(classNames, cm, accuracy, macroSum / present, weightedSum / n,
                kappa(rowSum, colSum, diag, n), f1, support);
    }

    /** Cohen's kappa as sklearn computes it: (p_o - p_e) / (1 - p_e); NaN when p_e = 1. */
    private static double kappa(long[] rowSum, long[] colSum, long diag, long n) {
        double expectedAgree = 0;
        for (int k = 0; k < rowSum.length; k++) {
            expectedAgree += (double) rowSum[k] * colSum[k];
        }
        double nn = (double) n * n;
        double observedDisagree = n - diag;
        double expectedDisagree = (nn - expectedAgree) / n;
        return 1.0 - observedDisagree / expectedDisagree;
    }

    /**
     * Macro-F1 over string labels (sklearn {@code f1_score(average='macro')} over the union of labels seen in
     * truth and prediction).
     */
    public static double macroF1(List<String> truth, List<String> predicted) {
        requireSameNonEmpty(truth.size(), predicted.size(), "truth", "predicted");
        Map<String, Integer> index = new LinkedHashMap<>();
        int[] t = new int[truth.size()];
        int[] p = new int[truth.size()];
        for (int i = 0; i < t.length; i++) {
            t[i] = index.computeIfAbsent(requireLabel(truth.get(i), "truth", i), k -> index.size());
            p[i] = index.computeIfAbsent(requireLabel(predicted.get(i), "predicted", i), k -> index.size());
        }
        return evaluate(t, p, new ArrayList<>(index.keySet())).macroF1();
    }

    /**
     * Ontology-aware macro-F1 exactly as scTab scores: a prediction that is the true term or one of its Cell
     * Ontology descendants counts as the true term; any other prediction (a parent or a sibling included) is
     * kept as predicted. Then macro-F1 over the union of labels.
     *
     * @param trueClIds      true Cell Ontology id per cell
     * @param predictedClIds predicted Cell Ontology id per cell
     */
    public static double ontologyMacroF1(List<String> trueClIds, List<String> predictedClIds, CellOntology ontology) {
        requireSameNonEmpty(trueClIds.size(), predictedClIds.size(), "trueClIds", "predictedClIds");
        List<String> corrected = new ArrayList<>(predictedClIds.size());
        for (int i = 0; i < trueClIds.size(); i++) {
            String t = requireLabel(trueClIds.get(i), "trueClIds", i);
            String p = requireLabel(predictedClIds.get(i), "predictedClIds", i);
            corrected.add(ontology.isSelfOrDescendant(p, t) ? t : p);
        }
        return macroF1(trueClIds, corrected);
    }

    /** Expected calibration error with {@link #DEFAULT_BINS} bins. */
    public static double expectedCalibrationError(float[] confidence, boolean[] correct) {
        return expectedCalibrationError(confidence, correct, DEFAULT_BINS);
    }

    /**
     * Expected calibration error: over equal-width bins on [0, 1], the bin-size-weighted mean of
     * |accuracy - mean confidence|. Bin b holds confidences in (b/B, (b+1)/B]; a confidence of exactly 0 goes in
     * the first bin.
     */
    public static double expectedCalibrationError(float[] confidence, boolean[] correct, int bins) {
        return reliability(confidence, correct, bins).ece();
    }

    /** Per-bin accuracy, mean confidence and counts for a reliability diagram, with the ECE. */
    public static ReliabilityCurve reliability(float[] confidence, boolean[] correct, int bins) {
        requireSameNonEmpty(confidence.length, correct.length, "confidence", "correct");
        if (bins < 1) {
            throw CytoLabelException.invalid("bins must be at least 1, got " + bins + "; 15 is the usual choice");
        }
        int[] counts = new int[bins];
        double[] hits = new double[bins];
        double[] confSum = new double[bins];
        for (int i = 0; i < confidence.length; i++) {
            double c = confidence[i];
            if (!(c >= 0.0 && c <= 1.0)) {
                throw CytoLabelException.invalid("confidence[" + i + "] = " + confidence[i] + " is outside [0, 1];"
                        + " pass probabilities (e.g. the max softmax probability), not logits");
            }
            int b = Math.min(bins - 1, Math.max(0, (int) Math.ceil(c * bins) - 1));
            counts[b]++;
            confSum[b] += c;
            if (correct[i]) {
                hits[b]++;
            }
        }
        double[] centers = new double[bins];
        double[] accuracy = new double[bins];
        double[] meanConf = new double[bins];
        double ece = 0;
        for (int b = 0; b < bins; b++) {
            centers[b] = (b + 0.5) / bins;
            if (counts[b] > 0) {
                accuracy[b] = hits[b] / counts[b];
                meanConf[b] = confSum[b] / counts[b];
                ece += (double) counts[b] / confidence.length * Math.abs(accuracy[b] - meanConf[b]);
            }
        }
        return new ReliabilityCurve(centers, accuracy, meanConf, counts, ece);
    }

    private static void requireSameNonEmpty(int a, int b, String nameA, String nameB) {
        if (a != b) {
            throw CytoLabelException.invalid(nameA + " has " + a + " entries but " + nameB + " has " + b
                    + "; pass one entry per cell in both");
        }
        if (a == 0) {
            throw CytoLabelException.invalid("no cells to score: " + nameA + " and " + nameB + " are empty");
        }
    }

    private static int checkClass(int k, int classes, String what, int i) {
        if (k < 0 || k >= classes) {
            throw CytoLabelException.invalid(what + "[" + i + "] = " + k + " is not a class id in [0, " + classes
                    + "); pass ids that index the class-name list");
        }
        return k;
    }

    private static String requireLabel(String label, String what, int i) {
        if (label == null) {
            throw CytoLabelException.invalid(what + "[" + i + "] is null; every cell needs a label");
        }
        return label;
    }
}
