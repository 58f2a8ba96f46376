package org.cytolabel.cli.bench;

import static org.cytolabel.cli.bench.BenchReport.fmt;

import ai.onnxruntime.OrtEnvironment;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.cytolabel.cli.client.ProgressBar;
import org.cytolabel.cli.demo.Demo;
import org.cytolabel.cli.demo.LocalCluster;
import org.cytolabel.core.data.CellDataset;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.data.DatasetReader;
import org.cytolabel.core.panel.GeneAligner;
import org.cytolabel.core.panel.GeneAlignment;
import org.cytolabel.core.panel.GenePanel;
import org.cytolabel.inference.annotate.AnnotationStream;
import org.cytolabel.inference.runtime.DenseBatch;
import org.cytolabel.inference.runtime.ExecutionProviders;
import org.cytolabel.inference.runtime.OrtModel;

/**
 * One bench run: services on loopback, models trained and fetched, resampled cells built, then the
 * models in process (plus two diagnostic graphs: the preprocessing alone and the MLP's layers alone),
 * the GEMM ceiling, Annotate streams and single-cell AnnotateBatch requests.
 */
final class Benchmark {
    static final String PREPROCESSING_ONLY = "diag: preprocessing only";
    static final String LAYERS_ONLY = "diag: mlp layers only";
    static final String SCATTER_ONLY = "diag: scatter + clear only";
    /** The diagnostic graphs run on at most this many of the cells. */
    static final int DIAGNOSTIC_CELLS = 50_000;

    private final BenchConfig config;
    private final PrintStream out;
    private final BenchReport report = new BenchReport();

    private Benchmark(BenchConfig config, PrintStream out) {
        this.config = config;
        this.out = out;
    }

    /** Runs everything against {@code cluster} and returns the report. */
    static BenchReport run(BenchConfig config, LocalCluster cluster, PrintStream out) {
        return new Benchmark(config, out).run(cluster);
    }

    private BenchReport run(LocalCluster cluster) {
        Path h5ad = config.dataDir().resolve(Demo.SORTED);
        List<BenchModel> models = BenchModels.trainAndFetch(cluster, h5ad, config.models(), config.epochs(),
                config.seed(), out);
        CellDataset real = DatasetReader.read(h5ad);
        CsrMatrix counts;
        try (ProgressBar bar = new ProgressBar("  resampling", config.cells(), "cells")) {
            counts = ResampledCells.resample(real.counts(), config.cells(), config.seed(), bar);
        }
        MatrixCellSource cells = new MatrixCellSource(counts, real.genes().identifiers());
        describe(real, counts, models);

        List<BenchReport.Throughput> inProcess = new ArrayList<>();
        for (BenchModel model : models) {
            inProcess.addAll(inProcess(counts, model.kind(), model.label(), model.onnx(), alignment(model, cells), null));
        }
        diagnostics(models, cells, counts.sliceRows(0, Math.min(counts.rows(), DIAGNOSTIC_CELLS)), inProcess);
        inProcess.forEach(report::add);
        ceilings(models, inProcess);
        try (BenchInference inference = BenchInference.start(cluster, config.intraOpThreads())) {
            report.context(fmt("Server: inference-service on loopback, %d compute threads x %d ORT intra-op threads; "
                    + "it runs ORT on at most %d cells at a time (a larger chunk is split). Client and server share "
                    + "this machine's cores.", inference.computeThreads(), inference.intraOpThreads(),
                    Math.min(AnnotationStream.MAX_BATCH_CELLS, DenseBatch.CAPACITY / models.get(0).genes())));
            for (BenchModel model : models) {
                for (int batch : config.batches()) {
                    double base = median(inProcess, model.kind(), batch);
                    for (int streams : config.streams()) {
                        report.add(new BenchReport.Throughput(model.kind(), batch, "gRPC Annotate", streams,
                                inference.intraOpThreads(), streamed(inference, model, cells, batch, streams), base));
                    }
                }
            }
            if (config.singleRequests() > 0) {
                for (BenchModel model : models) {
                    report.add(new BenchReport.Single(model.kind(), inference.intraOpThreads(), single(inference, model, cells)));
                }
            }
        }
        return report;
    }

    /** The preprocessing alone and the MLP's layers alone, in process, to show where a model's time goes. */
    private void diagnostics(List<BenchModel> models, MatrixCellSource cells, CsrMatrix sample,
            List<BenchReport.Throughput> rows) {
        BenchModel first = models.get(0);
        InProcessBench scatter = InProcessBench.scatterOnly(alignment(first, cells));
        for (int batch : config.batches()) {
            List<Measurement> runs = new ArrayList<>();
            for (int r = 0; r < config.repeats(); r++) {
                try (ProgressBar bar = bar(SCATTER_ONLY + " " + batch, r, sample.rows())) {
                    runs.add(scatter.run(sample, batch, config.inProcessWarmup(batch), bar));
                }
            }
            rows.add(new BenchReport.Throughput(SCATTER_ONLY, batch, "in-process Java", 1, 0, runs, Double.NaN));
        }
        rows.addAll(inProcess(sample, PREPROCESSING_ONLY, PREPROCESSING_ONLY, PreprocessingGraph.build(first.genes()),
                alignment(first, cells), PreprocessingGraph.OUTPUT));
        models.stream().filter(m -> m.hiddenLayers() > 0).findFirst().ifPresent(mlp -> rows.addAll(inProcess(sample,
                LAYERS_ONLY, LAYERS_ONLY, LayersOnlyGraph.build(mlp.genes(), mlp.hiddenSize(), mlp.hiddenLayers(),
                        mlp.classes(), config.seed()), alignment(mlp, cells), null)));
    }

    private static GeneAlignment alignment(BenchModel model, MatrixCellSource cells) {
        return GeneAligner.align(GenePanel.fromProto(model.card().getGenePanel()), cells.geneIds(), 0.5);
    }

    private static double median(List<BenchReport.Throughput> rows, String model, int batch) {
        return rows.stream().filter(r -> r.model().equals(model) && r.batch() == batch)
                .mapToDouble(r -> Measurement.medianCellsPerSecond(r.runs())).findFirst().orElse(Double.NaN);
    }

    /** One row per batch size; {@code output} null: the model's probabilities. */
    private List<BenchReport.Throughput> inProcess(CsrMatrix counts, String name, String description, byte[] onnx,
            GeneAlignment alignment, String output) {
        List<BenchReport.Throughput> rows = new ArrayList<>();
        try (OrtModel ort = OrtModel.load(description, onnx, new ExecutionProviders(false, config.intraOpThreads()))) {
            InProcessBench bench = output == null ? new InProcessBench(ort, alignment)
                    : new InProcessBench(ort, alignment, output);
            for (int batch : config.batches()) {
                List<Measurement> runs = new ArrayList<>();
                for (int r = 0; r < config.repeats(); r++) {
                    try (ProgressBar bar = bar(name + " ORT " + batch, r, counts.rows())) {
                        runs.add(bench.run(counts, batch, config.inProcessWarmup(batch), bar));
                    }
                }
                rows.add(new BenchReport.Throughput(name, batch, "in-process ORT", 1, config.intraOpThreads(), runs,
                        Double.NaN));
            }
        }
        return rows;
    }

    private void ceilings(List<BenchModel> models, List<BenchReport.Throughput> inProcess) {
        models.stream().filter(m -> m.hiddenLayers() > 0).findFirst().ifPresent(mlp -> {
            out.printf("measuring the GEMM ceiling ([N, %d] x [%d, %d]) ...%n", mlp.genes(), mlp.genes(),
                    mlp.hiddenSize());
            for (int batch : config.batches()) {
                GemmCeiling.Result g = GemmCeiling.measure(batch, mlp.genes(), mlp.hiddenSize(),
                        config.intraOpThreads(), config.seed());
                report.add(new BenchReport.Ceiling(g, mlp, median(inProcess, mlp.kind(), batch),
                        median(inProcess, LAYERS_ONLY, batch)));
            }
        });
    }

    private List<Measurement> streamed(BenchInference inference, BenchModel model, MatrixCellSource cells, int batch,
            int streams) {
        try (GrpcStreamBench bench = new GrpcStreamBench(inference.channel(), model.ref())) {
            bench.run(cells.window(0, config.grpcWarmup(batch, streams)), batch, streams, null);
            List<Measurement> runs = new ArrayList<>();
            for (int r = 0; r < config.repeats(); r++) {
                try (ProgressBar bar = bar(fmt("%s gRPC %d x%d", model.kind(), batch, streams), r, cells.cells())) {
                    runs.add(bench.run(cells, batch, streams, bar));
                }
            }
            return runs;
        }
    }

    private Measurement single(BenchInference inference, BenchModel model, MatrixCellSource cells) {
        SingleCellBench bench = new SingleCellBench(inference.channel(), model.ref(), cells);
        try (ProgressBar bar = new ProgressBar("  " + model.kind() + " 1-cell", config.singleRequests(), "requests")) {
            return bench.run(cells, config.singleRequests(), config.singleWarmup(), bar);
        }
    }

    private ProgressBar bar(String what, int repeat, long cells) {
        String label = "  " + what + (config.repeats() > 1 ? " #" + (repeat + 1) : "");
        return new ProgressBar(label, cells, "cells");
    }

    private void describe(CellDataset real, CsrMatrix counts, List<BenchModel> models) {
        report.context(fmt("Machine: %d available processors, %s %s, Java %s, ONNX Runtime %s.",
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
                System.getProperty("os.arch"), System.getProperty("java.version"),
                OrtEnvironment.getEnvironment().getVersion()));
        report.context(fmt("Cells: %,d resampled from the %,d real cells of %s (seed %d): each picks a real cell at "
                + "random and redraws every non-zero count from Poisson(real count); zeros stay zero. "
                + "**Resampled for throughput only, never for accuracy.** Genes detected per cell %.0f (real %.0f), "
                + "counts per cell %.0f (real %.0f).", counts.rows(), real.cells(), Demo.SORTED, config.seed(),
                ResampledCells.meanGenesPerCell(counts), ResampledCells.meanGenesPerCell(real.counts()),
                ResampledCells.meanCountPerCell(counts), ResampledCells.meanCountPerCell(real.counts())));
        for (BenchModel m : models) {
            report.context(fmt("Model %s: %s (%s), trained through the trainer (at most %d epochs, seed %d), fetched "
                    + "from the registry, %,d ONNX bytes; trainer's test macro-F1 on real held-out cells %.3f.",
                    m.kind(), m.label(), m.shape(), config.epochs(), config.seed(), m.onnx().length, m.testMacroF1()));
        }
        report.context(fmt("Diagnostic rows (in process, first %,d cells): \"%s\" fills and clears the dense input "
                + "buffer without running ORT (one Java thread); \"%s\" is the artifact contract's preprocessing graph "
                + "alone (log1p(counts / total x 1e4), dense over all genes); \"%s\" is the MLP's "
                + "Gemm/BatchNorm/Relu/Softmax layers with random weights and no preprocessing. Each includes the "
                + "scatter.", Math.min(counts.rows(), DIAGNOSTIC_CELLS), SCATTER_ONLY, PREPROCESSING_ONLY, LAYERS_ONLY));
        report.context(fmt("Timed passes per row: %d; warm-up before each row: in process max(4 x batch, cells/50), "
                + "over gRPC max(2 x chunk x streams, cells/50) cells.", config.repeats()));
    }
}
