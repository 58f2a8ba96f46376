package org.cytolabel.trainer.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.cytolabel.core.metrics.ClassificationReport;
import org.cytolabel.core.metrics.Metrics;
import org.cytolabel.core.ontology.BundledOntology;

/**
 * A model's scores on a {@link BenchmarkSplit}'s test cells whose type has a training class
 * (truth ≥ 0): accuracy, macro-F1 over the classes, ontology-aware macro-F1 (scTab's rule, by
 * Cell Ontology id) and expected calibration error of the top probability (15 bins).
 */
public record SplitScore(String split, int cells, double accuracy, double macroF1, double ontologyMacroF1,
        double ece, ClassificationReport report) {

    public static SplitScore of(BenchmarkSplit split, float[][] probabilities) {
        List<String> classes = split.data().classNames();
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < split.testTruth().length; i++) {
            if (split.testTruth()[i] >= 0) {
                kept.add(i);
            }
        }
        int n = kept.size();
        int[] truth = new int[n];
        int[] predicted = new int[n];
        float[] confidence = new float[n];
        boolean[] correct = new boolean[n];
        List<String> trueIds = new ArrayList<>();
        List<String> predIds = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            int i = kept.get(k);
            float[] p = probabilities[i];
            int best = 0;
            for (int c = 1; c < p.length; c++) {
                if (p[c] > p[best]) {
                    best = c;
                }
            }
            truth[k] = split.testTruth()[i];
            predicted[k] = best;
            confidence[k] = p[best];
            correct[k] = best == truth[k];
            trueIds.add(split.testClIds().get(i));
            predIds.add(split.classClIds().get(best));
        }
        ClassificationReport r = Metrics.evaluate(truth, predicted, classes);
        double onto = Metrics.ontologyMacroF1(trueIds, predIds, BundledOntology.cellOntology());
        return new SplitScore(split.name(), n, r.accuracy(), r.macroF1(), onto,
                Metrics.expectedCalibrationError(confidence, correct), r);
    }

    public String row(String model, long seed) {
        return String.format(Locale.ROOT, "| %s | %s | %d | %d | %.4f | %.4f | %.4f | %.4f |", split, model, seed, cells,
                accuracy, macroF1, ontologyMacroF1, ece);
    }

    public static String header() {
        return "| split | model | seed | cells | accuracy | macro-F1 | ontology macro-F1 | ECE |\n"
                + "| --- | --- | --- | --- | --- | --- | --- | --- |";
    }
}
