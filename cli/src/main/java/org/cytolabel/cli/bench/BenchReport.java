package org.cytolabel.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The numbers one bench run collected, rendered as Markdown (printed and written to a file). */
final class BenchReport {
    /** A throughput row; {@code inProcess} is the same model and batch in process (NaN on in-process rows). */
    record Throughput(String model, int batch, String path, int streams, int intraOpThreads,
            List<Measurement> runs, double inProcess) {
    }

    /** Single-cell AnnotateBatch latencies of one model. */
    record Single(String model, int intraOpThreads, Measurement run) {
    }

    /** The GEMM rate at one row count and the MLP throughput it allows. */
    record Ceiling(GemmCeiling.Result gemm, BenchModel mlp, double measuredInProcess) {
    }

    private final List<String> context = new ArrayList<>();
    private final List<Throughput> throughput = new ArrayList<>();
    private final List<Single> singles = new ArrayList<>();
    private final List<Ceiling> ceilings = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    void context(String line) {
        context.add(line);
    }

    void add(Throughput row) {
        throughput.add(row);
    }

    void add(Single row) {
        singles.add(row);
    }

    void add(Ceiling row) {
        ceilings.add(row);
    }

    void note(String line) {
        notes.add(line);
    }

    String render() {
        StringBuilder s = new StringBuilder("# cytolabel bench\n\n");
        context.forEach(l -> s.append("- ").append(l).append('\n'));
        s.append("\n## Throughput\n\n").append(throughputTable().render());
        s.append("\nIn-process latency is per ORT batch (scatter + run); gRPC latency is per chunk, from the client "
                + "reading its rows to encode it until its result arrives (it includes the client's window of 4 "
                + "chunks in flight per stream and server queueing). cores: bench = this process's CPU time / wall time; others = CPU time of every other process on the machine over the same interval / wall time (from /proc/stat): above ~0.1 the row was disturbed.\n");
        if (!singles.isEmpty()) {
            s.append("\n## Single-cell AnnotateBatch (1 cell per request, one request at a time)\n\n")
                    .append(singleTable().render());
        }
        if (!ceilings.isEmpty()) {
            s.append("\n## GEMM ceiling (MatMul-only ONNX graph in ONNX Runtime, random float32 data)\n\n")
                    .append(ceilingTable().render());
        }
        if (!notes.isEmpty()) {
            s.append("\n## Notes\n\n");
            notes.forEach(l -> s.append("- ").append(l).append('\n'));
        }
        return s.toString();
    }

    private MarkdownTable throughputTable() {
        MarkdownTable t = new MarkdownTable("model", ">batch / chunk", "path", ">streams", ">ORT intra-op",
                ">cells/s", ">range", ">p50 ms", ">p99 ms", ">gRPC / in-process", ">cores: bench", ">others");
        for (Throughput r : throughput) {
            double median = Measurement.medianCellsPerSecond(r.runs());
            long[] lat = Measurement.pooledLatencies(r.runs());
            t.row(r.model(), r.batch(), r.path(), r.streams(), r.intraOpThreads(), rate(median), range(r.runs()),
                    ms(Measurement.quantileMillis(lat, 0.5)), ms(Measurement.quantileMillis(lat, 0.99)),
                    Double.isNaN(r.inProcess()) ? "–" : fmt("%.2f", median / r.inProcess()),
                    cores(r.runs(), Measurement::coresBusy), cores(r.runs(), Measurement::othersBusy));
        }
        return t;
    }

    private MarkdownTable singleTable() {
        MarkdownTable t = new MarkdownTable("model", ">ORT intra-op", ">requests", ">p50 ms", ">p99 ms", ">mean ms",
                ">max ms", ">requests/s", ">cores: bench", ">others");
        for (Single r : singles) {
            long[] lat = r.run().latencyNanos();
            t.row(r.model(), r.intraOpThreads(), lat.length, ms(Measurement.quantileMillis(lat, 0.5)),
                    ms(Measurement.quantileMillis(lat, 0.99)), ms(Measurement.meanMillis(lat)),
                    ms(Measurement.quantileMillis(lat, 1.0)), fmt("%.0f", r.run().cellsPerSecond()),
                    cores(List.of(r.run()), Measurement::coresBusy), cores(List.of(r.run()), Measurement::othersBusy));
        }
        return t;
    }

    private MarkdownTable ceilingTable() {
        MarkdownTable t = new MarkdownTable("MatMul", ">ORT intra-op", ">timed runs", ">GFLOP/s", "MLP",
                ">MLP FLOPs / cell", ">ceiling cells/s", ">MLP in process", ">of ceiling", ">others");
        for (Ceiling c : ceilings) {
            GemmCeiling.Result g = c.gemm();
            double cellsPerSecond = g.gflops() * 1e9 / c.mlp().flopsPerCell();
            t.row(fmt("[%d, %d] x [%d, %d]", g.rows(), g.k(), g.k(), g.n()), g.intraOpThreads(), g.reps(),
                    fmt("%.1f", g.gflops()), c.mlp().shape(), fmt("%,d", c.mlp().flopsPerCell()), rate(cellsPerSecond),
                    Double.isNaN(c.measuredInProcess()) ? "–" : rate(c.measuredInProcess()),
                    Double.isNaN(c.measuredInProcess()) ? "–" : fmt("%.0f%%", 100 * c.measuredInProcess() / cellsPerSecond),
                    Double.isNaN(g.othersBusy()) ? "–" : fmt("%.2f", g.othersBusy()));
        }
        return t;
    }

    private static String cores(List<Measurement> runs, java.util.function.ToDoubleFunction<Measurement> f) {
        double mean = runs.stream().mapToDouble(f).average().orElse(Double.NaN);
        return Double.isNaN(mean) ? "–" : fmt("%.2f", mean);
    }

    private static String range(List<Measurement> runs) {
        if (runs.size() < 2) {
            return "–";
        }
        double lo = runs.stream().mapToDouble(Measurement::cellsPerSecond).min().orElse(0);
        double hi = runs.stream().mapToDouble(Measurement::cellsPerSecond).max().orElse(0);
        return rate(lo) + "–" + rate(hi);
    }

    static String rate(double cellsPerSecond) {
        return fmt("%,.0f", cellsPerSecond);
    }

    private static String ms(double millis) {
        return Double.isNaN(millis) ? "–" : millis < 10 ? fmt("%.2f", millis) : fmt("%.1f", millis);
    }

    static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
