package org.cytolabel.cli.demo;

import java.util.List;
import java.util.TreeSet;
import org.cytolabel.core.metrics.ClassificationReport;
import org.cytolabel.core.metrics.Metrics;
import org.cytolabel.core.ontology.CellOntology;

/** One row of the demo's score table, computed from true and predicted labels and CL ids. */
public record Scores(String evaluation, String model, int cells, double accuracy, double macroF1,
        double ontologyMacroF1, ClassificationReport report) {

    public static Scores of(String evaluation, String model, List<String> trueLabels, List<String> predictedLabels,
            List<String> trueClIds, List<String> predictedClIds, CellOntology ontology) {
        TreeSet<String> all = new TreeSet<>(trueLabels);
        all.addAll(predictedLabels);
        List<String> classes = List.copyOf(all);
        int[] t = trueLabels.stream().mapToInt(classes::indexOf).toArray();
        int[] p = predictedLabels.stream().mapToInt(classes::indexOf).toArray();
        ClassificationReport r = Metrics.evaluate(t, p, classes);
        double onto = Metrics.ontologyMacroF1(trueClIds, predictedClIds, ontology);
        return new Scores(evaluation, model, t.length, r.accuracy(), r.macroF1(), onto, r);
    }

    public static String header() {
        return String.format("%-44s %-14s %6s %9s %9s %17s", "evaluation", "model", "cells", "accuracy", "macro-F1",
                "ontology macro-F1");
    }

    public String row() {
        return String.format("%-44s %-14s %6d %9.4f %9.4f %17.4f", evaluation, model, cells, accuracy, macroF1,
                ontologyMacroF1);
    }
}
