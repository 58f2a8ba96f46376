package org.cytolabel.trainer.graph.bench;

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
import org.cytolabel.trainer.graph.GeneGraph;
import org.cytolabel.trainer.graph.GraphMemory;
import org.cytolabel.trainer.train.TrainingListener;

/**
 * Benchmarks "fc", "ae-fc" and the "gcn" variants on the standard splits through
 * {@link SplitRunner} (fit, export, parity, ONNX Runtime scoring) and prints a markdown table:
 * per run the standard score columns plus training seconds, best epoch, ONNX Runtime cells/s
 * (batch 256 after warm-up), graph bytes and parity; then mean ± sd per split and variant.
 *
 * <p>Arguments (all optional): {@code --data data} {@code --splits kang-donor,kang-ctrl-stim,sorted-pbmc68k}
 * {@code --seeds 0,1,2} {@code --variants FC,AE-FC,GCN-prior,...} {@code --epochs N} (overrides every
 * variant's epochs; ae_epochs too when given {@code --ae-epochs}).
 */
public final class GeneGraphBench {
    /** Variant name -> (kind, overrides). */
    static final Map<String, Object[]> VARIANTS = new LinkedHashMap<>();

    static {
        VARIANTS.put("FC", new Object[] {"fc", Map.of()});
        VARIANTS.put("GCN-prior", new Object[] {"gcn", Map.of("graph_mode", "prior")});
        VARIANTS.put("AE-FC", new Object[] {"ae-fc", Map.of()});
        VARIANTS.put("GCN-learned", new Object[] {"gcn", Map.of("graph_mode", "learned")});
        VARIANTS.put("GCN-both", new Object[] {"gcn", Map.of("graph_mode", "both")});
        VARIANTS.put("GCN-prior-covered", new Object[] {"gcn", Map.of("graph_mode", "prior", "covered_only", "true")});
        VARIANTS.put("GCN-prior-nodiag", new Object[] {"gcn", Map.of("graph_mode", "prior", "diagonal", "zero")});
        VARIANTS.put("GCN-prior-sym", new Object[] {"gcn", Map.of("graph_mode", "prior", "normalize", "sym")});
    }

    private static final TrainingListener LOG = r -> System.err.printf(Locale.ROOT,
            "  epoch %d/%d train loss %.4f val F1 %.4f %s%n", r.epoch(), r.maxEpochs(), r.trainLoss(),
            r.validationMacroF1(), r.metrics());

    private GeneGraphBench() {
    }

    public static void main(String[] args) {
        Path data = Path.of("data");
        List<String> splits = List.of("kang-donor", "kang-ctrl-stim", "sorted-pbmc68k");
        List<Long> seeds = List.of(0L, 1L, 2L);
        List<String> variants = new ArrayList<>(VARIANTS.keySet());
        variants.remove("GCN-prior-sym"); // optional: --variants ...,GCN-prior-sym
        String epochs = null;
        String aeEpochs = null;
        for (int i = 0; i < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--data" -> data = Path.of(v);
                case "--splits" -> splits = List.of(v.split(","));
                case "--seeds" -> seeds = Arrays.stream(v.split(",")).map(Long::parseLong).toList();
                case "--variants" -> variants = List.of(v.split(","));
                case "--epochs" -> epochs = v;
                case "--ae-epochs" -> aeEpochs = v;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        StringBuilder summary = new StringBuilder();
        summary.append("\n| split | variant | accuracy | macro-F1 | ontology macro-F1 | train s | ORT cells/s |\n")
                .append("| --- | --- | --- | --- | --- | --- | --- |\n");
        String[] header = SplitScore.header().split("\n");
        System.out.println(header[0] + " train s | best epoch | ORT cells/s | graph bytes | parity max abs |");
        System.out.println(header[1] + " --- | --- | --- | --- | --- |");
        List<String> graphLines = new ArrayList<>();
        for (String splitName : splits) {
            BenchmarkSplit split = StandardSplits.load(splitName, data, seeds.get(0));
            GeneGraph.Stats st = GraphMemory.stats(split.data().genes(), Map.of());
            graphLines.add(String.format(Locale.ROOT, "- %s: panel %d genes; STRING covers %d, keeps %d edges, drops %d"
                    + " edges with %d unknown genes", splitName, st.panelGenes(), st.coveredGenes(), st.keptEdges(),
                    st.droppedEdges(), st.unknownGenes()));
            for (String variant : variants) {
                Object[] spec = VARIANTS.get(variant);
                if (spec == null) {
                    throw new IllegalArgumentException("unknown variant " + variant + "; known " + VARIANTS.keySet());
                }
                String kind = (String) spec[0];
                @SuppressWarnings("unchecked")
                Map<String, String> overrides = new LinkedHashMap<>((Map<String, String>) spec[1]);
                if (epochs != null) {
                    overrides.put("epochs", epochs);
                }
                if (aeEpochs != null && kind.equals("ae-fc")) {
                    overrides.put("ae_epochs", aeEpochs);
                }
                long graphBytes = kind.equals("gcn") ? GraphMemory.bytes(split.data().genes(),
                        without(overrides, "epochs")) : 0;
                double[] acc = new double[seeds.size()];
                double[] f1 = new double[seeds.size()];
                double[] onto = new double[seeds.size()];
                double[] secs = new double[seeds.size()];
                double[] cps = new double[seeds.size()];
                for (int s = 0; s < seeds.size(); s++) {
                    SplitRun run = SplitRunner.run(kind, overrides, split, seeds.get(s), LOG);
                    acc[s] = run.score().accuracy();
                    f1[s] = run.score().macroF1();
                    onto[s] = run.score().ontologyMacroF1();
                    secs[s] = run.trainSeconds();
                    cps[s] = run.inferenceCellsPerSecond();
                    System.out.println(run.score().row(variant, seeds.get(s)) + String.format(Locale.ROOT,
                            " %.1f | %d | %.0f | %d | %.2e |", run.trainSeconds(), run.bestEpoch(),
                            run.inferenceCellsPerSecond(), graphBytes, run.parity().maxAbsDifference()));
                    System.out.flush();
                }
                System.err.printf(Locale.ROOT, "SUMMARY %s %s acc %s f1 %s%n", splitName, variant,
                        SplitRunner.meanSd(acc), SplitRunner.meanSd(f1));
                summary.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", splitName, variant,
                        SplitRunner.meanSd(acc), SplitRunner.meanSd(f1), SplitRunner.meanSd(onto),
                        SplitRunner.meanSd(secs).replaceAll("(\\d+\\.\\d)\\d+", "$1"),
                        SplitRunner.meanSd(cps).replaceAll("\\.\\d+", "")));
            }
        }
        System.out.println(summary);
        System.out.println("Graphs (STRING v10.5, bundled):");
        graphLines.forEach(System.out::println);
    }

    private static Map<String, String> without(Map<String, String> m, String key) {
        Map<String, String> c = new LinkedHashMap<>(m);
        c.remove(key);
        return c;
    }
}
