package org.cytolabel.trainer.sctab.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.trainer.eval.BenchmarkSplit;
import org.cytolabel.trainer.eval.SplitRun;
import org.cytolabel.trainer.eval.SplitRunner;
import org.cytolabel.trainer.eval.SplitScore;
import org.cytolabel.trainer.eval.StandardSplits;
import org.cytolabel.trainer.model.FittedModel;
import org.cytolabel.trainer.model.HyperParameters;
import org.cytolabel.trainer.model.ModelFamilies;
import org.cytolabel.trainer.model.TrainingData;
import org.cytolabel.trainer.sctab.Entmax15;
import org.cytolabel.trainer.sctab.ScTabFamily;
import org.cytolabel.trainer.sctab.ScTabModel;

/**
 * scTab on the standard splits through {@link SplitRunner} (fit, export, parity, ONNX Runtime
 * scores), printing a markdown table with training time and cells/s, ONNX Runtime cells/s, the
 * ensemble's cost, and on kang-ctrl-stim how well the uncertainty flags errors.
 * Usage: {@code ScTabBench <splits,comma> <seeds,comma> <variants,comma> [key=value ...]} where a
 * variant is {@code small}, {@code ensemble} (5 members), {@code augment} or {@code paper}; the
 * key=value pairs (e.g. {@code epochs=10}, {@code paper.epochs=5}) override the profile.
 */
public final class ScTabBench {
    private ScTabBench() {
    }

    public static void main(String[] args) throws Exception {
        List<String> splits = List.of(args[0].split(","));
        long[] seeds = Arrays.stream(args[1].split(",")).mapToLong(Long::parseLong).toArray();
        List<String> variants = List.of(args[2].split(","));
        Map<String, Map<String, String>> extra = new LinkedHashMap<>();
        for (int i = 3; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            String variant = kv[0].contains(".") ? kv[0].substring(0, kv[0].indexOf('.')) : "*";
            String key = kv[0].contains(".") ? kv[0].substring(kv[0].indexOf('.') + 1) : kv[0];
            extra.computeIfAbsent(variant, k -> new LinkedHashMap<>()).put(key, kv[1]);
        }
        Map<String, List<double[]>> summary = new LinkedHashMap<>();
        String[] header = SplitScore.header().split("\n");
        System.out.println(header[0] + " best epoch | train s | train cells/s |");
        System.out.println(header[1] + " --- | --- | --- |");
        List<String> extras = new ArrayList<>();
        for (String splitName : splits) {
            for (long seed : seeds) {
                BenchmarkSplit split = StandardSplits.load(splitName, Path.of("data"), seed);
                for (String variant : variants) {
                    Map<String, String> hp = overrides(variant, extra);
                    int[] epochsRun = {0};
                    SplitRun run = SplitRunner.run(ScTabFamily.KIND, hp, split, seed, r -> epochsRun[0]++);
                    double trainCellsPerSecond = (double) epochsRun[0] * split.data().train().cells() / run.trainSeconds();
                    String row = run.score().row("sctab-" + variant, seed) + String.format(Locale.ROOT,
                            " %d | %.1f | %.0f |", run.bestEpoch(), run.trainSeconds(), trainCellsPerSecond);
                    System.out.println(row);
                    summary.computeIfAbsent(splitName + " | sctab-" + variant, k -> new ArrayList<>()).add(new double[] {
                        run.score().accuracy(), run.score().macroF1(), run.score().ontologyMacroF1(), run.score().ece(),
                        run.trainSeconds(), run.parity().maxAbsDifference(),
                        run.parity().auxiliary().getOrDefault("mask", Double.NaN)});
                    if (splitName.equals("kang-ctrl-stim")) {
                        extras.add(uncertainty(split, run, variant, seed));
                    }
                }
                if (seed == seeds[0] && variants.contains("small")) {
                    extras.add(throughput(split, overrides("small", extra), overrides("ensemble", extra), seed,
                            variants.contains("ensemble")));
                }
            }
        }
        System.out.println();
        System.out.println("Mean ± sd over seeds (accuracy, macro-F1, ontology macro-F1, ECE, train s; max parity "
                + "|Δp|, max mask |Δ|):");
        System.out.println();
        System.out.println("| split | model | accuracy | macro-F1 | ontology macro-F1 | ECE | train s | parity Δp | parity Δmask |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        for (var e : summary.entrySet()) {
            StringBuilder sb = new StringBuilder("| " + e.getKey() + " |");
            for (int k = 0; k < 5; k++) {
                final int kk = k;
                sb.append(' ').append(SplitRunner.meanSd(e.getValue().stream().mapToDouble(v -> v[kk]).toArray()))
                        .append(" |");
            }
            for (int k = 5; k < 7; k++) {
                final int kk = k;
                sb.append(String.format(Locale.ROOT, " %.2g |", e.getValue().stream().mapToDouble(v -> v[kk]).max()
                        .orElse(Double.NaN)));
            }
            System.out.println(sb);
        }
        System.out.println();
        extras.forEach(System.out::println);
    }

    static Map<String, String> overrides(String variant, Map<String, Map<String, String>> extra) {
        Map<String, String> hp = new LinkedHashMap<>(extra.getOrDefault("*", Map.of()));
        switch (variant) {
            case "small" -> { }
            case "ensemble" -> hp.put("ensemble", "5");
            case "augment" -> hp.put("augment", "true");
            case "paper" -> {
                hp.clear();
                hp.put("profile", "paper");
            }
            default -> throw new IllegalArgumentException("unknown variant " + variant);
        }
        hp.putAll(extra.getOrDefault(variant, Map.of()));
        return hp;
    }

    /** Mean uncertainty of wrong vs right predictions and the AUROC of uncertainty for finding errors. */
    static String uncertainty(BenchmarkSplit split, SplitRun run, String variant, long seed) {
        List<Double> wrong = new ArrayList<>();
        List<Double> right = new ArrayList<>();
        for (int i = 0; i < split.testTruth().length; i++) {
            if (split.testTruth()[i] < 0) {
                continue;
            }
            float[] p = run.probabilities()[i];
            int best = 0;
            for (int c = 1; c < p.length; c++) {
                if (p[c] > p[best]) {
                    best = c;
                }
            }
            (best == split.testTruth()[i] ? right : wrong).add(1.0 - p[best]);
        }
        double auc = 0;
        for (double w : wrong) {
            for (double r : right) {
                auc += w > r ? 1 : w == r ? 0.5 : 0;
            }
        }
        auc /= Math.max(1, (double) wrong.size() * right.size());
        return String.format(Locale.ROOT, "uncertainty, kang-ctrl-stim, sctab-%s seed %d: wrong %d cells mean %.4f, "
                + "right %d cells mean %.4f, AUROC(uncertainty -> error) %.4f", variant, seed, wrong.size(),
                wrong.stream().mapToDouble(d -> d).average().orElse(Double.NaN), right.size(),
                right.stream().mapToDouble(d -> d).average().orElse(Double.NaN), auc);
    }

    /** ONNX Runtime cells/s at batch 256 and 2048, sort vs bisection entmax, single model vs ensemble. */
    static String throughput(BenchmarkSplit split, Map<String, String> small, Map<String, String> ensemble, long seed,
            boolean withEnsemble) throws Exception {
        var family = ModelFamilies.get(ScTabFamily.KIND);
        TrainingData data = split.data();
        CsrMatrix cells = split.testCounts();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%nONNX Runtime cells/s, %s (%d genes, %d classes), seed %d, "
                + "mask and probabilities fetched:%n%n| model | entmax | batch 256 | batch 2048 |%n| --- | --- | --- | --- |%n",
                split.name(), data.genes().size(), data.classNames().size(), seed));
        double single256 = 0;
        Map<String, String> one = new LinkedHashMap<>(small);
        one.put("epochs", "1");
        try (ScTabModel m = (ScTabModel) family.fit(data, HyperParameters.of(ScTabFamily.KIND, family.defaults(), one),
                r -> { })) {
            for (Entmax15.Method method : Entmax15.Method.values()) {
                byte[] onnx = m.exportOnnx("bench", method);
                double b256 = OrtThroughput.cellsPerSecond(onnx, cells, 256, 4096);
                double b2048 = OrtThroughput.cellsPerSecond(onnx, cells, 2048, 8192);
                if (method == Entmax15.Method.SORT) {
                    single256 = b256;
                }
                sb.append(String.format(Locale.ROOT, "| single | %s | %.0f | %.0f |%n", method, b256, b2048));
            }
        }
        if (withEnsemble) {
            Map<String, String> five = new LinkedHashMap<>(ensemble);
            five.put("epochs", "1");
            try (FittedModel m = family.fit(data, HyperParameters.of(ScTabFamily.KIND, family.defaults(), five),
                    r -> { })) {
                byte[] onnx = ((ScTabModel) m).exportOnnx("bench", Entmax15.Method.SORT);
                double b256 = OrtThroughput.cellsPerSecond(onnx, cells, 256, 2048);
                double b2048 = OrtThroughput.cellsPerSecond(onnx, cells, 2048, 4096);
                sb.append(String.format(Locale.ROOT, "| 5-ensemble (one graph) | SORT | %.0f | %.0f |%n", b256, b2048));
                sb.append(String.format(Locale.ROOT, "%nensemble inference cost relative to one member (batch 256): "
                        + "%.2fx%n", single256 / b256));
            }
        }
        return sb.toString();
    }
}
