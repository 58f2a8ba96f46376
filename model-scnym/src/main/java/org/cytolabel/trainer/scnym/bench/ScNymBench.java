package org.cytolabel.trainer.scnym.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cytolabel.trainer.eval.BenchmarkSplit;
import org.cytolabel.trainer.eval.SplitRun;
import org.cytolabel.trainer.eval.SplitRunner;
import org.cytolabel.trainer.eval.SplitScore;
import org.cytolabel.trainer.eval.StandardSplits;
import org.cytolabel.trainer.export.OnnxRunner;
import org.cytolabel.trainer.scnym.SaliencyMarkers;
import org.cytolabel.trainer.scnym.ScNymConfig;
import org.cytolabel.trainer.scnym.ScNymExporter;
import org.cytolabel.trainer.scnym.ScNymFamily;
import org.cytolabel.trainer.scnym.ScNymOutputs;
import org.cytolabel.trainer.train.EpochReport;
import org.cytolabel.trainer.train.TrainingListener;

/**
 * scNym against its supervised twin (same network and selection rule; no consistency, no
 * adversary, no MixUp) on the standard transfer splits, through {@link SplitRunner} (fit, export,
 * parity, score the ONNX Runtime output) like every family. Prints a markdown table per run with
 * ECE before and after the temperature, the domain adversary's held-out balanced accuracy at the
 * first and last epoch, and the saliency ranks of known marker genes; then mean ± sd lines.
 *
 * <p>Usage: {@code ScNymBench [dataDir] [seeds, e.g. 0,1,2] [splits, e.g. kang-ctrl-stim,sorted-pbmc68k]
 * [hyper-parameter overrides for both models, e.g. epochs=40]}.
 */
public final class ScNymBench {
    private static final Map<String, List<String[]>> MARKERS = Map.of(
            "kang-ctrl-stim", List.of(new String[] {"CD14+ Monocytes", "CD14"}, new String[] {"CD14+ Monocytes", "LYZ"},
                    new String[] {"B cells", "MS4A1"}, new String[] {"B cells", "CD79A"}),
            "sorted-pbmc68k", List.of(new String[] {"monocytes", "CD14"}, new String[] {"monocytes", "LYZ"},
                    new String[] {"bcells", "MS4A1"}, new String[] {"bcells", "CD79A"}, new String[] {"nk", "NKG7"},
                    new String[] {"nk", "GNLY"}));

    private ScNymBench() {
    }

    public static void main(String[] args) {
        Path dataDir = Path.of(args.length > 0 ? args[0] : "data");
        long[] seeds = args.length > 1 ? java.util.Arrays.stream(args[1].split(",")).mapToLong(Long::parseLong).toArray()
                : new long[] {0, 1, 2};
        List<String> splits = args.length > 2 ? List.of(args[2].split(",")) : List.of("kang-ctrl-stim", "sorted-pbmc68k");
        Map<String, Map<String, String>> models = new LinkedHashMap<>();
        Map<String, String> common = new LinkedHashMap<>();
        if (args.length > 3) {
            for (String kv : args[3].split(",")) {
                String[] p = kv.split("=", 2);
                common.put(p[0], p[1]);
            }
        }
        models.put("scnym", Map.copyOf(common));
        Map<String, String> twin = new LinkedHashMap<>(common);
        twin.putAll(ScNymConfig.supervisedTwin());
        models.put("supervised-twin", twin);

        System.out.println("scNym defaults: " + ScNymConfig.defaults() + "; overrides for both models: " + common
                + "; supervised twin adds " + ScNymConfig.supervisedTwin());
        System.out.println();
        System.out.println(SplitScore.header().lines().findFirst().orElseThrow()
                + " ECE before T | T | domain acc. epoch 1 | domain acc. last | best epoch | train s | ORT cells/s"
                + " | parity p | parity saliency |");
        System.out.println(SplitScore.header().lines().skip(1).findFirst().orElseThrow()
                + " --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        List<Result> results = new ArrayList<>();
        for (String splitName : splits) {
            for (var model : models.entrySet()) {
                for (long seed : seeds) {
                    BenchmarkSplit split = StandardSplits.load(splitName, dataDir, seed);
                    Result r = run(split, model.getKey(), model.getValue(), seed);
                    results.add(r);
                    System.out.println(r.row());
                    System.out.flush();
                }
            }
        }
        System.out.println();
        System.out.println("| split | model | accuracy | macro-F1 | ontology macro-F1 | ECE (after T) | ECE before T"
                + " | domain acc. epoch 1 | domain acc. last | train s |");
        System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        for (String splitName : splits) {
            for (String model : models.keySet()) {
                List<Result> rs = results.stream().filter(r -> r.split.equals(splitName) && r.model.equals(model)).toList();
                System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", splitName, model,
                        ms(rs, r -> r.run.score().accuracy()), ms(rs, r -> r.run.score().macroF1()),
                        ms(rs, r -> r.run.score().ontologyMacroF1()), ms(rs, r -> r.run.score().ece()),
                        ms(rs, r -> r.eceBefore), ms(rs, r -> r.domainFirst), ms(rs, r -> r.domainLast),
                        ms(rs, r -> r.run.trainSeconds()));
            }
        }
        System.out.println();
        System.out.println("Saliency rank of marker genes in their class (1 = most salient; mean saliency over the"
                + " correctly classified training cells, ONNX `saliency` output), per seed:");
        System.out.println();
        System.out.println("| split | model | class | gene | ranks | genes in panel |");
        System.out.println("| --- | --- | --- | --- | --- | --- |");
        for (String splitName : splits) {
            for (String model : models.keySet()) {
                List<Result> rs = results.stream().filter(r -> r.split.equals(splitName) && r.model.equals(model)).toList();
                for (String[] cg : MARKERS.getOrDefault(splitName, List.of())) {
                    StringBuilder ranks = new StringBuilder();
                    for (Result r : rs) {
                        int rank = r.markers.rank(cg[0], cg[1]);
                        ranks.append(ranks.length() == 0 ? "" : ", ").append(rank < 0 ? "absent" : Integer.toString(rank));
                    }
                    System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %d |%n", splitName, model, cg[0], cg[1],
                            ranks, rs.isEmpty() ? 0 : rs.get(0).markers.genes().size());
                }
            }
        }
        System.out.println();
        for (Result r : results) {
            if (r.model.equals("scnym") && r.seed == seeds[0]) {
                MARKERS.getOrDefault(r.split, List.of()).stream().map(cg -> cg[0]).distinct().forEach(c ->
                        System.out.printf(Locale.ROOT, "%s seed %d, top 10 of %s: %s%n", r.split, r.seed, c,
                                r.markers.top(c, 10)));
            }
        }
    }

    private record Result(String split, String model, long seed, SplitRun run, double eceBefore, double temperature,
            double domainFirst, double domainLast, SaliencyMarkers markers) {
        String row() {
            return run.score().row(model, seed) + String.format(Locale.ROOT,
                    " %.4f | %.3f | %.3f | %.3f | %d | %.1f | %.0f | %.1e | %.1e |", eceBefore, temperature, domainFirst,
                    domainLast, run.bestEpoch(), run.trainSeconds(), run.inferenceCellsPerSecond(),
                    run.parity().maxAbsDifference(), run.parity().auxiliary().getOrDefault(ScNymOutputs.SALIENCY,
                            Double.NaN));
        }
    }

    private static Result run(BenchmarkSplit split, String model, Map<String, String> overrides, long seed) {
        List<EpochReport> epochs = new ArrayList<>();
        TrainingListener listener = r -> {
            epochs.add(r);
            if (Boolean.getBoolean("scnym.verbose")) {
                System.err.printf(Locale.ROOT, "%s %s seed %d epoch %d loss %.4f val F1 %.4f best %s %s%n", split.name(),
                        model, seed, r.epoch(), r.trainLoss(), r.validationMacroF1(), r.best(), r.metrics());
            }
        };
        SplitRun run = SplitRunner.run(ScNymFamily.KIND, overrides, split, seed, listener);
        double t = ScNymExporter.temperature(run.onnx());
        SplitScore before = SplitScore.of(split, uncalibrated(run.probabilities(), t));
        double first = epochs.get(0).metrics().getOrDefault("domain_accuracy", Double.NaN);
        double last = epochs.get(epochs.size() - 1).metrics().getOrDefault("domain_accuracy", Double.NaN);
        var train = split.data().train();
        float[][] saliency;
        float[][] probs;
        try (OnnxRunner runner = new OnnxRunner(run.onnx())) {
            saliency = runner.output(train.counts(), ScNymOutputs.SALIENCY);
            probs = runner.probabilities(train.counts());
        }
        int[] predicted = new int[probs.length];
        for (int i = 0; i < probs.length; i++) {
            for (int c = 1; c < probs[i].length; c++) {
                if (probs[i][c] > probs[i][predicted[i]]) {
                    predicted[i] = c;
                }
            }
        }
        SaliencyMarkers markers = SaliencyMarkers.of(saliency, train.labels(), predicted, split.data().classNames(),
                split.data().genes());
        return new Result(split.name(), model, seed, run, before.ece(), t, first, last, markers);
    }

    /** Undoes a temperature: {@code softmax(z / T)^T} renormalised is {@code softmax(z)}. */
    static float[][] uncalibrated(float[][] probs, double temperature) {
        float[][] out = new float[probs.length][];
        for (int i = 0; i < probs.length; i++) {
            double[] v = new double[probs[i].length];
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < v.length; c++) {
                v[c] = temperature * Math.log(probs[i][c]);
                max = Math.max(max, v[c]);
            }
            double sum = 0;
            for (int c = 0; c < v.length; c++) {
                v[c] = Math.exp(v[c] - max);
                sum += v[c];
            }
            out[i] = new float[v.length];
            for (int c = 0; c < v.length; c++) {
                out[i][c] = (float) (v[c] / sum);
            }
        }
        return out;
    }

    private static String ms(List<Result> rs, java.util.function.ToDoubleFunction<Result> f) {
        return rs.isEmpty() ? "–" : SplitRunner.meanSd(rs.stream().mapToDouble(f).toArray());
    }
}
