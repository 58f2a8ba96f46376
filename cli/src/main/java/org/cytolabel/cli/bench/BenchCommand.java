package org.cytolabel.cli.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.cytolabel.cli.demo.Demo;
import org.cytolabel.cli.demo.LocalCluster;
import org.cytolabel.core.error.CytoLabelException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cytolabel bench}: throughput and latency of the models in process and through gRPC. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Train and publish models on loopback services, then measure cells/s and latency in-process "
                + "(ONNX Runtime) and end to end through gRPC on resampled cells; print a table and write it as "
                + "Markdown.")
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--data-dir", defaultValue = "data", description = "The bundled data directory (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--work-dir", description = "Where the services keep state (kept); default: a temporary directory, "
            + "deleted at the end.")
    Path workDir;

    @Option(names = "--out", defaultValue = "bench-results.md", description = "Markdown report (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--cells", defaultValue = "200000", description = "Resampled cells per row (default: ${DEFAULT-VALUE}).")
    int cells;

    @Option(names = "--epochs", defaultValue = "10", description = "Maximum training epochs (default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--seed", defaultValue = "0")
    long seed;

    @Option(names = "--models", split = ",", defaultValue = "mlp,linear", description = "Model kinds (default: ${DEFAULT-VALUE}).")
    List<String> models;

    @Option(names = "--batches", split = ",", defaultValue = "256,2048",
            description = "ORT batch sizes in process and chunk sizes over gRPC (default: ${DEFAULT-VALUE}).")
    List<Integer> batches;

    @Option(names = "--streams", split = ",", defaultValue = "1,4",
            description = "Concurrent Annotate streams (default: ${DEFAULT-VALUE}).")
    List<Integer> streams;

    @Option(names = "--intra-op", defaultValue = "0",
            description = "ORT intra-op threads per session, in process and in the server (0: available processors).")
    int intraOp;

    @Option(names = "--single-requests", defaultValue = "500",
            description = "Timed one-cell AnnotateBatch requests per model (default: ${DEFAULT-VALUE}; 0 skips).")
    int singleRequests;

    @Option(names = "--repeats", defaultValue = "1", description = "Timed passes per row (default: ${DEFAULT-VALUE}).")
    int repeats;

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(dataDir.resolve(Demo.SORTED))) {
            throw CytoLabelException.invalid("no " + Demo.SORTED + " under " + dataDir.toAbsolutePath()
                    + "; run from the repository root or pass --data-dir");
        }
        require(cells >= 1 && repeats >= 1 && epochs >= 1 && singleRequests >= 0 && intraOp >= 0,
                "--cells, --repeats and --epochs must be at least 1, --single-requests and --intra-op at least 0");
        require(batches.stream().allMatch(b -> b >= 1) && streams.stream().allMatch(s -> s >= 1 && s <= cells),
                "--batches must be at least 1 and --streams between 1 and --cells");
        require(models.stream().allMatch(m -> m.equals("mlp") || m.equals("linear")), "--models takes mlp and/or linear");
        int threads = intraOp > 0 ? intraOp : Runtime.getRuntime().availableProcessors();
        BenchConfig config = new BenchConfig(dataDir, workDir, out, cells, epochs, seed, models, batches, streams,
                threads, singleRequests, repeats);
        Path work = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("cytolabel-bench-");
        BenchReport report;
        try (LocalCluster cluster = LocalCluster.start(work)) {
            report = Benchmark.run(config, cluster, System.out);
        } finally {
            if (workDir == null) {
                deleteTree(work);
            }
        }
        report.note("DESIGN.md reference on this machine class (Python, ONNX Runtime, 8,863 genes, 9 classes, 2 cores): "
                + "MLP 35.7k / 43.1k cells/s at batch 256 / 2048, GEMM ceiling about 180 GFLOP/s; LR (sklearn, sparse) 81k.");
        report.note("Command: cytolabel bench --cells " + cells + " --epochs " + epochs + " --seed " + seed
                + " --models " + String.join(",", models) + " --batches " + join(batches) + " --streams "
                + join(streams) + " --intra-op " + threads + " --single-requests " + singleRequests
                + " --repeats " + repeats);
        String markdown = report.render();
        System.out.println();
        System.out.print(markdown);
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(out, markdown, StandardCharsets.UTF_8);
        System.out.println("\nwritten to " + out.toAbsolutePath());
        return 0;
    }

    private static String join(List<Integer> values) {
        return String.join(",", values.stream().map(String::valueOf).toList());
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw CytoLabelException.invalid(message);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete the bench's temporary directory " + root, e);
        }
    }
}
