package org.cytolabel.trainer.pretrain.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.cytolabel.core.data.CellDataset;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.data.DatasetReader;
import org.cytolabel.core.metrics.ClassificationReport;
import org.cytolabel.core.metrics.Metrics;
import org.cytolabel.trainer.eval.BenchmarkSplit;
import org.cytolabel.trainer.eval.SplitRun;
import org.cytolabel.trainer.eval.SplitRunner;
import org.cytolabel.trainer.eval.SplitScore;
import org.cytolabel.trainer.eval.StandardSplits;
import org.cytolabel.trainer.model.TrainingData;
import org.cytolabel.trainer.pretrain.GeneSpace;
import org.cytolabel.trainer.pretrain.KMeans;
import org.cytolabel.trainer.pretrain.LogNormalize;
import org.cytolabel.trainer.pretrain.Pca;
import org.cytolabel.trainer.pretrain.PretrainConfig;
import org.cytolabel.trainer.pretrain.PretrainedEncoder;
import org.cytolabel.trainer.pretrain.Pretrainer;
import org.cytolabel.trainer.pretrain.metrics.ClusterAgreement;
import org.cytolabel.trainer.pretrain.metrics.RankingMetrics;
import org.cytolabel.trainer.train.LabeledMatrix;
import org.cytolabel.trainer.train.TrainingListener;

/**
 * scPretrain benchmark: for each target (Kang control by donor, sorted PBMC held out, Kang
 * IFN-β-stimulated), pretrain an encoder on the other datasets without labels (the target left
 * out), then per seed fine-tune it and the same network from random init through
 * {@link SplitRunner} (ONNX Runtime scores, parity enforced); LR / RF / SVM on the pretrained
 * embedding vs on 50 principal components; k-means on each scored by RI and ARI against the truth.
 *
 * <p>Usage: {@code PretrainBench [dataDir=data] [iterations=10] [seeds=3] [targets=kang-donor,sorted-heldout,kang-stim]
 * [maxCellsPerDataset=4000] [fineTuneEpochs=100]}
 */
public final class PretrainBench {
    private static final String CITESEQ = "h5ad/pbmc10k_pbmc5k_citeseq_scvi_unlabeled.h5ad";
    private static final String DONOR_A = "h5ad/zheng2017_frozen_pbmc_donorA_MUDAN_pbmcA.h5ad";
    private static final int PCS = 50;

    private final Path dataDir;
    private final int iterations;
    private final int seeds;
    private final int maxCells;
    private final String epochs;
    private final Map<String, CellDataset> pool = new LinkedHashMap<>();
    private final List<String> lines = new ArrayList<>();
    private final Map<String, List<double[]>> summary = new TreeMap<>();

    private PretrainBench(Path dataDir, int iterations, int seeds, int maxCells, String epochs) {
        this.maxCells = maxCells;
        this.epochs = epochs;
        this.dataDir = dataDir;
        this.iterations = iterations;
        this.seeds = seeds;
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args.length > 0 ? args[0] : "data");
        int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int seeds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        List<String> targets = List.of((args.length > 3 ? args[3] : "kang-donor,sorted-heldout,kang-stim").split(","));
        int maxCells = args.length > 4 ? Integer.parseInt(args[4]) : 4000;
        String epochs = args.length > 5 ? args[5] : "100";
        new PretrainBench(dataDir, iterations, seeds, maxCells, epochs).run(targets);
    }

    private void run(List<String> targets) throws Exception {
        pool.put("citeseq", DatasetReader.read(dataDir.resolve(CITESEQ)));
        pool.put("donorA", DatasetReader.read(dataDir.resolve(DONOR_A)));
        pool.put("kang_se", DatasetReader.read(dataDir.resolve(StandardSplits.KANG_SE)));
        pool.put("kang_example", DatasetReader.read(dataDir.resolve(StandardSplits.KANG_EXAMPLE)));
        pool.put("sorted", DatasetReader.read(dataDir.resolve(StandardSplits.SORTED)));
        out("## scPretrain: pretrained vs random init, embeddings vs PCA");
        out("");
        out(String.format(Locale.ROOT, "Pretraining: %d phase-2 iterations x %d epochs, k = n/50, n/100, n/200, "
                + "encoder 200 sigmoid units, at most %d cells per dataset, seed 0; fine-tuning (at most %s epochs, "
                + "patience 10, early stop on validation accuracy) seeds 0..%d.",
                iterations, PretrainConfig.paper(0).epochsPerIteration(), maxCells, epochs, seeds - 1));
        out("");
        List<String> classifierRows = new ArrayList<>();
        List<String> clusterRows = new ArrayList<>();
        List<String> fineTuneRows = new ArrayList<>();
        for (String target : targets) {
            BenchmarkSplit split = split(target);
            Set<String> excluded = switch (target) {
                case "kang-donor" -> Set.of("kang_se", "kang_example");
                case "sorted-heldout" -> Set.of("sorted");
                case "kang-stim" -> Set.of("kang_example");
                default -> throw new IllegalArgumentException("unknown target " + target);
            };
            List<String> panel = split.data().genes();
            GeneSpace space = new GeneSpace(dedupe(panel));
            List<Pretrainer.Dataset> sets = new ArrayList<>();
            StringBuilder used = new StringBuilder();
            for (var e : pool.entrySet()) {
                if (!excluded.contains(e.getKey())) {
                    CellDataset d = e.getValue();
                    sets.add(new Pretrainer.Dataset(e.getKey(), space.align(d.counts(), d.genes().symbols())));
                    used.append(used.length() == 0 ? "" : ", ").append(e.getKey()).append(" (")
                            .append(d.cells()).append(")");
                }
            }
            long t0 = System.nanoTime();
            PretrainConfig p = PretrainConfig.paper(0);
            PretrainConfig cfg = new PretrainConfig(p.hidden(), iterations, p.epochsPerIteration(), p.batchSize(),
                    p.learningRate(), p.pcaComponents(), maxCells, new int[] {50, 100, 200}, 0);
            Pretrainer.Result pre = Pretrainer.pretrain(space.genes(), sets, cfg, r -> System.err.println(
                    target + " pretrain iteration " + r.epoch() + "/" + r.maxEpochs() + " loss " + r.trainLoss()
                            + " " + r.metrics()));
            double preSeconds = (System.nanoTime() - t0) / 1e9;
            Path encoderFile = Files.createTempFile("scpretrain-" + target, ".scpt");
            encoderFile.toFile().deleteOnExit();
            pre.encoder().save(encoderFile);
            out(String.format(Locale.ROOT, "- target **%s**: panel %d genes; pretrained on %s in %.0f s; "
                    + "last-iteration ARI vs previous: %s", target, space.size(), used, preSeconds,
                    ariSummary(pre)));

            for (long seed = 0; seed < seeds; seed++) {
                for (String init : List.of("pretrained", "random")) {
                    Map<String, String> hp = init.equals("pretrained")
                            ? Map.of("encoder", encoderFile.toString(), "epochs", epochs)
                            : Map.of("init", "random", "epochs", epochs);
                    SplitRun run = SplitRunner.run("scpretrain", hp, split, seed, TrainingListener.none());
                    double[] extra = extra(split, run.probabilities());
                    String model = "scPretrain-" + init;
                    fineTuneRows.add(run.score().row(model, seed) + String.format(Locale.ROOT,
                            " %.4f | %.4f | %.4f | %.1f | %.0f |", extra[0], extra[1], extra[2], run.trainSeconds(),
                            run.inferenceCellsPerSecond()));
                    record(target + " | " + model, new double[] {run.score().accuracy(), extra[0], extra[1], extra[2],
                            run.score().macroF1()});
                    System.err.println(fineTuneRows.get(fineTuneRows.size() - 1));
                }
            }
            conventional(target, split, pre.encoder(), classifierRows, clusterRows);
        }
        out("");
        out("### Fine-tuning (ONNX Runtime scores on the target's test cells)");
        out("");
        out(SplitScore.header().replace(" ECE |", " ECE | kappa | macro AUROC | macro AUPRC | train s | ORT cells/s |")
                .replace("| --- | --- | --- | --- | --- | --- | --- | --- |",
                        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"));
        fineTuneRows.forEach(this::out);
        out("");
        out("### Conventional classifiers on the pretrained embedding vs on PCA (" + PCS + " PCs of log1p CP10k)");
        out("");
        out("| split | features | classifier | seed | accuracy | kappa | macro-F1 |");
        out("| --- | --- | --- | --- | --- | --- | --- |");
        classifierRows.forEach(this::out);
        out("");
        out("### k-means (k = number of true types) on the embedding vs on PCA, against the true labels");
        out("");
        out("| split | features | seed | k | Rand index | adjusted Rand index |");
        out("| --- | --- | --- | --- | --- | --- |");
        clusterRows.forEach(this::out);
        out("");
        out("### Mean ± sd over seeds");
        out("");
        out("| split / model | accuracy | kappa | macro AUROC | macro AUPRC | macro-F1 |");
        out("| --- | --- | --- | --- | --- | --- |");
        for (var e : summary.entrySet()) {
            StringBuilder sb = new StringBuilder("| " + e.getKey() + " |");
            for (int m = 0; m < 5; m++) {
                final int col = m;
                double[] values = e.getValue().stream().mapToDouble(v -> v[col]).toArray();
                boolean none = Arrays.stream(values).allMatch(Double::isNaN); // label-only classifiers: no AUROC
                sb.append(' ').append(none ? "–" : SplitRunner.meanSd(values)).append(" |");
            }
            out(sb.toString());
        }
        out("");
        out("### Average over the targets (paper: accuracy 0.939 vs 0.888, kappa 0.882 vs 0.747, "
                + "AUPRC 0.841 vs 0.784, AUROC 0.975 vs 0.926)");
        out("");
        out("| model | accuracy | kappa | macro AUROC | macro AUPRC | macro-F1 |");
        out("| --- | --- | --- | --- | --- | --- |");
        for (String model : List.of("scPretrain-pretrained", "scPretrain-random", "LR on embedding", "LR on PCA",
                "RF on embedding", "RF on PCA", "SVM on embedding", "SVM on PCA")) {
            List<double[]> perTarget = new ArrayList<>();
            for (var e : summary.entrySet()) {
                if (e.getKey().endsWith("| " + model)) {
                    double[] mean = new double[5];
                    for (double[] v : e.getValue()) {
                        for (int m = 0; m < 5; m++) {
                            mean[m] += v[m] / e.getValue().size();
                        }
                    }
                    perTarget.add(mean);
                }
            }
            if (perTarget.isEmpty()) {
                continue;
            }
            StringBuilder sb = new StringBuilder("| " + model + " |");
            for (int m = 0; m < 5; m++) {
                final int col = m;
                double v = perTarget.stream().mapToDouble(x -> x[col]).average().orElse(Double.NaN);
                sb.append(Double.isNaN(v) ? " – |" : String.format(Locale.ROOT, " %.4f |", v));
            }
            out(sb.toString());
        }
    }

    /** LR / RF / SVM and k-means on the pretrained embedding vs PCA of the same cells. */
    private void conventional(String target, BenchmarkSplit split, PretrainedEncoder encoder, List<String> rows,
            List<String> clusters) {
        TrainingData d = split.data();
        int[] keep = IntStream.range(0, split.testTruth().length).filter(i -> split.testTruth()[i] >= 0).toArray();
        CsrMatrix test = split.testCounts().selectRows(keep);
        int[] truth = Arrays.stream(keep).map(i -> split.testTruth()[i]).toArray();
        float[][] embTest = encoder.embed(test);
        Pca pca = Pca.fit(LogNormalize.apply(d.train().counts()), PCS, 2, 0);
        float[][] pcaTest = pca.transform(LogNormalize.apply(test));
        for (long seed = 0; seed < seeds; seed++) {
            // a labeled subset of the fine-tuning's size, min(1000, 0.6 n) training cells, drawn by seed
            LabeledMatrix train = d.train();
            int m = (int) Math.min(1000, Math.floor(0.6 * train.cells()));
            int[] chosen = subset(train.cells(), m, seed);
            CsrMatrix x = train.counts().selectRows(chosen);
            int[] y = Arrays.stream(chosen).map(i -> train.labels()[i]).toArray();
            Map<String, float[][][]> features = new LinkedHashMap<>();
            features.put("embedding", new float[][][] {encoder.embed(x), embTest});
            features.put("PCA", new float[][][] {pca.transform(LogNormalize.apply(x)), pcaTest});
            for (var f : features.entrySet()) {
                for (String clf : ConventionalClassifiers.NAMES) {
                    int[] predicted = ConventionalClassifiers.fitPredict(clf, f.getValue()[0], y, f.getValue()[1], seed);
                    ClassificationReport r = Metrics.evaluate(truth, predicted, d.classNames());
                    rows.add(String.format(Locale.ROOT, "| %s | %s | %s | %d | %.4f | %.4f | %.4f |", split.name(),
                            f.getKey(), clf, seed, r.accuracy(), r.cohenKappa(), r.macroF1()));
                    record(target + " | " + clf + " on " + (f.getKey().equals("PCA") ? "PCA" : "embedding"),
                            new double[] {r.accuracy(), r.cohenKappa(), Double.NaN, Double.NaN, r.macroF1()});
                }
                int k = (int) Arrays.stream(truth).distinct().count();
                int[] labels = KMeans.standard().fit(f.getValue()[1], k, seed).labels();
                clusters.add(String.format(Locale.ROOT, "| %s | %s | %d | %d | %.4f | %.4f |", split.name(), f.getKey(),
                        seed, k, ClusterAgreement.randIndex(truth, labels),
                        ClusterAgreement.adjustedRandIndex(truth, labels)));
            }
        }
    }

    /** kappa, macro AUROC, macro AUPRC on the test cells with a training class. */
    private static double[] extra(BenchmarkSplit split, float[][] probabilities) {
        int[] keep = IntStream.range(0, split.testTruth().length).filter(i -> split.testTruth()[i] >= 0).toArray();
        int[] truth = Arrays.stream(keep).map(i -> split.testTruth()[i]).toArray();
        float[][] p = Arrays.stream(keep).mapToObj(i -> probabilities[i]).toArray(float[][]::new);
        int[] predicted = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            for (int c = 1; c < p[i].length; c++) {
                if (p[i][c] > p[i][predicted[i]]) {
                    predicted[i] = c;
                }
            }
        }
        double kappa = Metrics.evaluate(truth, predicted, split.data().classNames()).cohenKappa();
        return new double[] {kappa, RankingMetrics.macroAuroc(p, truth), RankingMetrics.macroAuprc(p, truth)};
    }

    private BenchmarkSplit split(String target) {
        return switch (target) {
            case "kang-donor" -> StandardSplits.kangByDonor(dataDir, 0);
            case "sorted-heldout" -> StandardSplits.sortedHeldOut(dataDir, 0);
            case "kang-stim" -> stimAsTarget(StandardSplits.kangCtrlToStim(dataDir, 0));
            default -> throw new IllegalArgumentException("unknown target " + target);
        };
    }

    /**
     * Kang's IFN-β-stimulated cells as a target of their own: stratified 60% to a labeled pool
     * (10% of it validation), 40% test (seed 0).
     */
    static BenchmarkSplit stimAsTarget(BenchmarkSplit s) {
        int n = s.testTruth().length;
        Map<Integer, List<Integer>> byClass = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            byClass.computeIfAbsent(s.testTruth()[i], k -> new ArrayList<>()).add(i);
        }
        List<Integer> test = new ArrayList<>();
        List<Integer> fit = new ArrayList<>();
        List<Integer> val = new ArrayList<>();
        Random rnd = new Random(0);
        for (List<Integer> members : byClass.values()) {
            java.util.Collections.shuffle(members, rnd);
            int nTest = (int) Math.round(0.4 * members.size());
            int nVal = (int) Math.round(0.1 * (members.size() - nTest));
            test.addAll(members.subList(0, nTest));
            val.addAll(members.subList(nTest, nTest + nVal));
            fit.addAll(members.subList(nTest + nVal, members.size()));
        }
        int[] testRows = test.stream().mapToInt(i -> i).sorted().toArray();
        int[] fitRows = fit.stream().mapToInt(i -> i).sorted().toArray();
        int[] valRows = val.stream().mapToInt(i -> i).sorted().toArray();
        int classes = s.data().classNames().size();
        LabeledMatrix fitM = new LabeledMatrix(s.testCounts().selectRows(fitRows),
                Arrays.stream(fitRows).map(i -> s.testTruth()[i]).toArray(), classes);
        LabeledMatrix valM = new LabeledMatrix(s.testCounts().selectRows(valRows),
                Arrays.stream(valRows).map(i -> s.testTruth()[i]).toArray(), classes);
        TrainingData data = TrainingData.labeled(fitM, valM, s.data().genes(), s.data().classNames(), 0);
        return new BenchmarkSplit("kang-stim", "Kang IFN-beta-stimulated cells, stratified 60/40", data,
                s.testCounts().selectRows(testRows), Arrays.stream(testRows).map(i -> s.testTruth()[i]).toArray(),
                Arrays.stream(testRows).mapToObj(i -> s.testClIds().get(i)).toList(), s.classClIds());
    }

    private static int[] subset(int n, int m, long seed) {
        int[] a = IntStream.range(0, n).toArray();
        Random rnd = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
        int[] s = Arrays.copyOf(a, m);
        Arrays.sort(s);
        return s;
    }

    private static List<String> dedupe(List<String> genes) {
        java.util.Set<String> seen = new java.util.HashSet<>();
        List<String> out = new ArrayList<>();
        for (String g : genes) {
            out.add(seen.add(g.toUpperCase(Locale.ROOT)) ? g : g + "#dup" + out.size());
        }
        return out;
    }

    private static String ariSummary(Pretrainer.Result pre) {
        var last = pre.history().get(pre.history().size() - 1).metrics();
        double[] aris = last.entrySet().stream().filter(e -> e.getKey().startsWith("ari_"))
                .mapToDouble(Map.Entry::getValue).toArray();
        return aris.length == 0 ? "–" : String.format(Locale.ROOT, "mean %.3f over %d tasks",
                Arrays.stream(aris).average().orElse(Double.NaN), aris.length);
    }

    private void record(String key, double[] values) {
        summary.computeIfAbsent(key, k -> new ArrayList<>()).add(values);
    }

    private void out(String line) {
        lines.add(line);
        System.out.println(line);
        System.out.flush();
    }
}
