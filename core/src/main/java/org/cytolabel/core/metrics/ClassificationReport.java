package org.cytolabel.core.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Scores of one classifier on one labelled set.
 *
 * @param classNames  class names, index i = class id i
 * @param confusion   {@code confusion[true][predicted]} cell counts, {@code C x C}
 * @param accuracy    fraction of cells predicted right
 * @param macroF1     unweighted mean F1 over the classes present in truth or prediction (sklearn {@code average='macro'})
 * @param weightedF1  F1 averaged with weights = true support (sklearn {@code average='weighted'})
 * @param cohenKappa  Cohen's kappa (sklearn {@code cohen_kappa_score}); NaN when chance agreement is 1
 * @param perClassF1  F1 per class name, in class order; 0.0 for a class absent from both truth and prediction
 *                    (such classes are left out of {@code macroF1}; see {@code support})
 * @param support     true cell count per class name, in class order
 */
public record ClassificationReport(List<String> classNames, int[][] confusion, double accuracy, double macroF1,
                                   double weightedF1, double cohenKappa, Map<String, Double> perClassF1,
                                   Map<String, Integer> support) {
    public ClassificationReport {
        classNames = List.copyOf(classNames);
        int[][] copy = new int[confusion.length][];
        for (int i = 0; i < confusion.length; i++) {
            copy[i] = confusion[i].clone();
        }
        confusion = copy;
        perClassF1 = Collections.unmodifiableMap(new LinkedHashMap<>(perClassF1));
        support = Collections.unmodifiableMap(new LinkedHashMap<>(support));
    }

    /** Number of cells scored. */
    public int total() {
        int n = 0;
        for (int[] row : confusion) {
            for (int v : row) {
                n += v;
            }
        }
        return n;
    }

    /** A plain-text table like sklearn's {@code classification_report}, for logs and the CLI. */
    public String summary() {
        int width = Math.max(12, classNames.stream().mapToInt(String::length).max().orElse(0));
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-" + width + "s %8s %8s%n", "class", "f1", "support"));
        for (String name : classNames) {
            sb.append(String.format(Locale.ROOT, "%-" + width + "s %8.4f %8d%n",
                    name, perClassF1.get(name), support.get(name)));
        }
        sb.append(String.format(Locale.ROOT, "%naccuracy %.4f  macro-F1 %.4f  weighted-F1 %.4f  kappa %.4f  (n=%d)%n",
                accuracy, macroF1, weightedF1, cohenKappa, total()));
        return sb.toString();
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "ClassificationReport[classes=%d, n=%d, accuracy=%.4f, macroF1=%.4f,"
                + " weightedF1=%.4f, kappa=%.4f]", classNames.size(), total(), accuracy, macroF1, weightedF1, cohenKappa);
    }
}
