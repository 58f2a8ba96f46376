package org.cytolabel.cli.report;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cytolabel report}: trains every named model kind on the named standard splits over several
 * seeds, each through the same fit → ONNX export → parity → score path, and writes
 * {@code reports/<run>/}: a markdown table (accuracy, macro-F1, ontology-aware macro-F1, κ, ECE,
 * per-class F1), a confusion-matrix and a reliability-diagram PNG per model and split, and the raw
 * predictions per model, split and seed.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Train models on the standard splits and write a comparison report (tables, PNGs, predictions).")
public final class ReportCommand implements Callable<Integer> {

    @Option(names = "--models", split = ",", defaultValue = "linear,mlp",
            description = "Model kinds to compare (default: ${DEFAULT-VALUE}), e.g. sctab,mlp,linear,celltypist,xgboost.")
    List<String> models;

    @Option(names = "--splits", split = ",", defaultValue = "kang-donor,kang-ctrl-stim,sorted-pbmc68k",
            description = "Standard splits (default: ${DEFAULT-VALUE}); also sorted-heldout.")
    List<String> splits;

    @Option(names = "--seeds", split = ",", defaultValue = "0,1,2", description = "Seeds (default: ${DEFAULT-VALUE}).")
    List<Long> seeds;

    @Option(names = "--hp", description = "kind.key=value, e.g. mlp.epochs=20 or sctab.ensemble=5.")
    Map<String, String> hyperParameters = Map.of();

    @Option(names = "--data-dir", defaultValue = "data", description = "The bundled data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--out", defaultValue = "reports/run", description = "Report directory (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() {
        Report report = new Report(models, splits, seeds, hyperParameters, dataDir, out);
        Path table = report.run(System.out);
        System.out.println("wrote " + table + " and the plots and predictions beside it");
        return 0;
    }
}
