package org.cytolabel.trainer.baseline.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cytolabel.trainer.eval.BenchmarkSplit;
import org.cytolabel.trainer.eval.SplitRun;
import org.cytolabel.trainer.eval.SplitRunner;
import org.cytolabel.trainer.eval.SplitScore;
import org.cytolabel.trainer.eval.StandardSplits;
import org.cytolabel.trainer.train.TrainingListener;

/**
 * The baselines benchmark: every model ({@code linear}, {@code mlp}, {@code celltypist},
 * {@code xgboost}) on every standard split and seed through {@link SplitRunner} (fit, ONNX export,
 * parity, scores from ONNX Runtime). Prints one markdown row per run, then mean ± sd per model and
 * split, and writes each run's test predictions as CSV.
 *
 * <p>Arguments (all optional): {@code --data data} {@code --out reports/baselines}
 * {@code --splits kang-donor,kang-ctrl-stim,sorted-pbmc68k,sorted-heldout}
 * {@code --models linear,mlp,celltypist,xgboost} {@code --seeds 0,1,2}
 * {@code --set kind.key=value} (repeatable hyper-parameter override).
 */
public final class BaselineBench {
    private static final List<String> MODELS = List.of("linear", "mlp", "celltypist", "xgboost");

    private BaselineBench() {
    }

    public static void main(String[] args) {
        Path data = Path.of("data");
        Path out = Path.of("reports/baselines");
        List<String> splits = StandardSplits.NAMES;
        List<String> models = MODELS;
        List<Long> seeds = List.of(0L, 1L, 2L);
        Map<String, Map<String, String>> overrides = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--data" -> data = Path.of(v);
                case "--out" -> out = Path.of(v);
                case "--splits" -> splits = List.of(v.split(","));
                case "--models" -> models = List.of(v.split(","));
                case "--seeds" -> seeds = Arrays.stream(v.split(",")).map(Long::parseLong).toList();
                case "--set" -> {
                    String[] kv = v.split("=", 2);
                    int dot = kv[0].indexOf('.');
                    overrides.computeIfAbsent(kv[0].substring(0, dot), k -> new LinkedHashMap<>())
                            .put(kv[0].substring(dot + 1), kv[1]);
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // SplitScore's columns, then: training seconds, ONNX Runtime cells/s, kept epoch, max |parity difference|
        System.out.println(SplitScore.header().replace("| ECE |", "| ECE | train s | ORT cells/s | best epoch | parity |")
                .replace("| --- | --- | --- | --- | --- | --- | --- | --- |",
                        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"));
        Map<String, List<SplitRun>> runs = new LinkedHashMap<>();
        for (String name : splits) {
            for (long seed : seeds) {
                BenchmarkSplit split = StandardSplits.load(name, data, seed);
                for (String model : models) {
                    SplitRun run = SplitRunner.run(model, overrides.getOrDefault(model, Map.of()), split, seed,
                            TrainingListener.none());
                    runs.computeIfAbsent(model + "\t" + name, k -> new ArrayList<>()).add(run);
                    System.out.println(run.score().row(model, seed) + String.format(Locale.ROOT,
                            " %.1f | %.0f | %d | %.1e |", run.trainSeconds(), run.inferenceCellsPerSecond(),
                            run.bestEpoch(), run.parity().maxAbsDifference()));
                    System.out.flush();
                    writePredictions(out.resolve(model + "_" + name + "_seed" + seed + ".csv"), split, run);
                }
            }
        }
        System.out.println();
        System.out.println("| model | split | runs | accuracy | macro-F1 | ontology macro-F1 | ECE | train s | ORT cells/s |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        for (String model : models) {
            for (String name : splits) {
                List<SplitRun> rs = runs.get(model + "\t" + name);
                System.out.printf(Locale.ROOT, "| %s | %s | %d | %s | %s | %s | %s | %s | %s |%n", model, name, rs.size(),
                        stat(rs, r -> r.score().accuracy()), stat(rs, r -> r.score().macroF1()),
                        stat(rs, r -> r.score().ontologyMacroF1()), stat(rs, r -> r.score().ece()),
                        meanSd(rs, SplitRun::trainSeconds, "%.1f"), meanSd(rs, SplitRun::inferenceCellsPerSecond, "%.0f"));
            }
        }
    }

    private static String stat(List<SplitRun> rs, java.util.function.ToDoubleFunction<SplitRun> f) {
        return SplitRunner.meanSd(rs.stream().mapToDouble(f).toArray());
    }

    private static String meanSd(List<SplitRun> rs, java.util.function.ToDoubleFunction<SplitRun> f, String format) {
        double[] v = rs.stream().mapToDouble(f).toArray();
        double mean = Arrays.stream(v).average().orElse(Double.NaN);
        double ss = Arrays.stream(v).map(x -> (x - mean) * (x - mean)).sum();
        double sd = v.length > 1 ? Math.sqrt(ss / (v.length - 1)) : 0;
        return String.format(Locale.ROOT, format + " ± " + format, mean, sd);
    }

    /** {@code cell,true_label,true_cl_id,predicted_label,probability} per test cell. */
    static void writePredictions(Path file, BenchmarkSplit split, SplitRun run) {
        List<String> classes = split.data().classNames();
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file, StandardCharsets.UTF_8))) {
            w.println("cell,true_label,true_cl_id,predicted_label,probability");
            float[][] p = run.probabilities();
            for (int i = 0; i < p.length; i++) {
                int best = 0;
                for (int c = 1; c < p[i].length; c++) {
                    if (p[i][c] > p[i][best]) {
                        best = c;
                    }
                }
                int truth = split.testTruth()[i];
                w.printf(Locale.ROOT, "%d,%s,%s,%s,%.6f%n", i, truth >= 0 ? csv(classes.get(truth)) : "",
                        split.testClIds().get(i), csv(classes.get(best)), p[i][best]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
