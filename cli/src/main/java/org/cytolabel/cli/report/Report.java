package org.cytolabel.cli.report;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cytolabel.cli.client.ProgressBar;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.metrics.Metrics;
import org.cytolabel.core.plot.ConfusionMatrixPlot;
import org.cytolabel.core.plot.ReliabilityDiagram;
import org.cytolabel.trainer.eval.BenchmarkSplit;
import org.cytolabel.trainer.eval.SplitRun;
import org.cytolabel.trainer.eval.SplitRunner;
import org.cytolabel.trainer.eval.StandardSplits;
import org.cytolabel.trainer.model.ModelFamilies;
import org.cytolabel.trainer.train.EpochReport;
import org.cytolabel.trainer.train.TrainingListener;

/** Runs the models × splits × seeds grid and writes the report directory. */
final class Report {
    private final List<String> models;
    private final List<String> splits;
    private final List<Long> seeds;
    private final Map<String, Map<String, String>> overrides;
    private final Path dataDir;
    private final Path out;

    Report(List<String> models, List<String> splits, List<Long> seeds, Map<String, String> hp, Path dataDir, Path out) {
        models.forEach(ModelFamilies::get); // unknown kinds fail before any training
        for (String s : splits) {
            if (!StandardSplits.NAMES.contains(s)) {
                throw CytoLabelException.invalid("unknown split '" + s + "'; choose from " + StandardSplits.NAMES);
            }
        }
        if (!Files.isDirectory(dataDir.resolve("h5ad"))) {
            throw CytoLabelException.invalid(dataDir.toAbsolutePath() + " has no h5ad/ directory; run from the"
                    + " repository root or pass --data-dir");
        }
        this.models = List.copyOf(models);
        this.splits = List.copyOf(splits);
        this.seeds = List.copyOf(seeds);
        this.overrides = byKind(hp);
        this.dataDir = dataDir;
        this.out = out;
    }

    private static Map<String, Map<String, String>> byKind(Map<String, String> hp) {
        Map<String, Map<String, String>> m = new LinkedHashMap<>();
        for (var e : hp.entrySet()) {
            int dot = e.getKey().indexOf('.');
            if (dot <= 0) {
                throw CytoLabelException.invalid("--hp " + e.getKey() + " must be kind.key=value, e.g. mlp.epochs=20");
            }
            m.computeIfAbsent(e.getKey().substring(0, dot), k -> new LinkedHashMap<>())
                    .put(e.getKey().substring(dot + 1), e.getValue());
        }
        return m;
    }

    /** Runs everything; returns the table's path. */
    Path run(PrintStream log) {
        try {
            Files.createDirectories(out.resolve("predictions"));
            Files.createDirectories(out.resolve("plots"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> rows = new ArrayList<>();
        List<String> summary = new ArrayList<>();
        List<String> perClass = new ArrayList<>();
        for (String splitName : splits) {
            for (String kind : models) {
                List<SplitRun> runs = new ArrayList<>();
                for (long seed : seeds) {
                    BenchmarkSplit split = StandardSplits.load(splitName, dataDir, seed);
                    SplitRun r;
                    try (ProgressBar bar = new ProgressBar(String.format("%-14s %-16s seed %d", kind, splitName, seed),
                            1, "epochs")) {
                        r = SplitRunner.run(kind, overrides.getOrDefault(kind, Map.of()), split, seed, listener(bar));
                    }
                    runs.add(r);
                    rows.add(String.format(Locale.ROOT, "| %s | %s | %d | %d | %.4f | %.4f | %.4f | %.4f | %.4f | %.1f | %.0f |",
                            splitName, kind, seed, r.score().cells(), r.score().accuracy(), r.score().macroF1(),
                            r.score().ontologyMacroF1(), r.score().report().cohenKappa(), r.score().ece(),
                            r.trainSeconds(), r.inferenceCellsPerSecond()));
                    Predictions.write(out.resolve("predictions").resolve(kind + "_" + splitName + "_seed" + seed + ".csv"),
                            split, r.probabilities());
                    if (seed == seeds.get(0)) {
                        plots(kind, splitName, split, r);
                        perClass.add("| " + splitName + " | " + kind + " | " + perClassF1(r) + " |");
                    }
                }
                summary.add(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s | %s | %s |", splitName, kind,
                        runs.size(), SplitRunner.meanSd(runs.stream().mapToDouble(r -> r.score().accuracy()).toArray()),
                        SplitRunner.meanSd(runs.stream().mapToDouble(r -> r.score().macroF1()).toArray()),
                        SplitRunner.meanSd(runs.stream().mapToDouble(r -> r.score().ontologyMacroF1()).toArray()),
                        SplitRunner.meanSd(runs.stream().mapToDouble(r -> r.score().report().cohenKappa()).toArray()),
                        SplitRunner.meanSd(runs.stream().mapToDouble(r -> r.score().ece()).toArray())));
                log.println(summary.get(summary.size() - 1));
            }
        }
        Path table = out.resolve("report.md");
        String md = "# Model comparison\n\nSplits: " + splits + "; seeds " + seeds + "; scores of the exported ONNX graph"
                + " in ONNX Runtime on the held-out cells (ontology-aware macro-F1 by Cell Ontology id).\n\n"
                + "## Mean ± sd over seeds\n\n| split | model | seeds | accuracy | macro-F1 | ontology macro-F1 | κ | ECE |\n"
                + "| --- | --- | --- | --- | --- | --- | --- | --- |\n" + String.join("\n", summary)
                + "\n\n## Every run\n\n| split | model | seed | cells | accuracy | macro-F1 | ontology macro-F1 | κ | ECE"
                + " | train s | ORT cells/s |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
                + String.join("\n", rows) + "\n\n## Per-class F1 (first seed)\n\n| split | model | F1 per class |\n"
                + "| --- | --- | --- |\n" + String.join("\n", perClass) + "\n";
        try {
            Files.writeString(table, md, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return table;
    }

    private void plots(String kind, String splitName, BenchmarkSplit split, SplitRun r) {
        String stem = kind + "_" + splitName;
        ConfusionMatrixPlot.write(out.resolve("plots").resolve("confusion_" + stem + ".png"),
                r.score().report().confusion(), r.score().report().classNames(), kind + " on " + splitName);
        int n = 0;
        for (int t : split.testTruth()) {
            n += t >= 0 ? 1 : 0;
        }
        float[] conf = new float[n];
        boolean[] correct = new boolean[n];
        int k = 0;
        for (int i = 0; i < split.testTruth().length; i++) {
            if (split.testTruth()[i] < 0) {
                continue;
            }
            float[] p = r.probabilities()[i];
            int best = 0;
            for (int c = 1; c < p.length; c++) {
                if (p[c] > p[best]) {
                    best = c;
                }
            }
            conf[k] = p[best];
            correct[k++] = best == split.testTruth()[i];
        }
        ReliabilityDiagram.write(out.resolve("plots").resolve("reliability_" + stem + ".png"),
                Metrics.reliability(conf, correct, Metrics.DEFAULT_BINS), kind + " on " + splitName);
    }

    private static String perClassF1(SplitRun r) {
        StringBuilder sb = new StringBuilder();
        for (var e : r.score().report().perClassF1().entrySet()) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(e.getKey()).append(String.format(Locale.ROOT, " %.3f", e.getValue()));
        }
        return sb.toString();
    }

    private static TrainingListener listener(ProgressBar bar) {
        return new TrainingListener() {
            @Override
            public void onEpoch(EpochReport report) {
                bar.total(report.maxEpochs());
                bar.set(report.epoch());
            }
        };
    }
}
