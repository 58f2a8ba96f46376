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
    record Ceiling(GemmCeiling.Result gemm, BenchModel mlp, double measuredInProcess, double layersOnly) {
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
                + "chunks in flight per stream and server queueing). cells per CPU-s = cells / this process's CPU seconds (client and server together on gRPC rows), which moves less than cells/s when other processes compete for the cores; cores: bench = this process's CPU time / wall time; others = CPU time of every other process on the machine over the same interval / wall time (from /proc/stat): above ~0.1 the row was disturbed.\n");
        s.append("\n## CPU per cell by thread group (µs of CPU time per cell, this process)\n\n")
                .append(cpuTable().render())
                .append("\nclient: the bench's stream threads and AnnotateClient's callbacks (encode chunks, decode "
                        + "results); server gRPC: the server's call executor (parse requests, stream bookkeeping); "
                        + "server compute: validation, scatter, the calling ORT thread, top-k and reply building; "
                        + "netty I/O: event loops of both sides; main: the in-process rows' scatter and ORT calling "
                        + "thread; native: process CPU not on any Java thread (ORT's intra-op pool, GC, JIT).\n");
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
                ">cells/s", ">range", ">p50 ms", ">p99 ms", ">gRPC / in-process", ">streams done s",
                ">cells per CPU-s", ">cores: bench", ">others");
        for (Throughput r : throughput) {
            double median = Measurement.medianCellsPerSecond(r.runs());
            long[] lat = Measurement.pooledLatencies(r.runs());
            t.row(r.model(), r.batch(), r.path(), r.streams(), r.intraOpThreads() == 0 ? "–" : r.intraOpThreads(),
                    rate(median), range(r.runs()),
                    ms(Measurement.quantileMillis(lat, 0.5)), ms(Measurement.quantileMillis(lat, 0.99)),
                    Double.isNaN(r.inProcess()) ? "–" : fmt("%.2f", median / r.inProcess()), finished(r.runs()),
                    rate(r.runs().stream().mapToDouble(Measurement::cellsPerCpuSecond).average().orElse(Double.NaN)),
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
                ">MLP FLOPs / cell", ">ceiling cells/s", ">MLP in process", ">of ceiling", ">layers only", ">of ceiling",
                ">others");
        for (Ceiling c : ceilings) {
            GemmCeiling.Result g = c.gemm();
            double cellsPerSecond = g.gflops() * 1e9 / c.mlp().flopsPerCell();
            t.row(fmt("[%d, %d] x [%d, %d]", g.rows(), g.k(), g.k(), g.n()), g.intraOpThreads(), g.reps(),
                    fmt("%.1f", g.gflops()), c.mlp().shape(), fmt("%,d", c.mlp().flopsPerCell()), rate(cellsPerSecond),
                    Double.isNaN(c.measuredInProcess()) ? "–" : rate(c.measuredInProcess()),
                    Double.isNaN(c.measuredInProcess()) ? "–" : fmt("%.0f%%", 100 * c.measuredInProcess() / cellsPerSecond),
                    rate(c.layersOnly()), Double.isNaN(c.layersOnly()) ? "–" : fmt("%.0f%%", 100 * c.layersOnly() / cellsPerSecond),
                    Double.isNaN(g.othersBusy()) ? "–" : fmt("%.2f", g.othersBusy()));
        }
        return t;
    }

    /** When the first and the last stream finished (seconds, median run), for rows with several streams. */
    private static String finished(List<Measurement> runs) {
        long[] f = runs.get(runs.size() / 2).finishNanos();
        if (f.length < 2) {
            return "–";
        }
        long[] s = f.clone();
        java.util.Arrays.sort(s);
        return fmt("%.1f–%.1f", s[0] / 1e9, s[s.length - 1] / 1e9);
    }

    private MarkdownTable cpuTable() {
        List<String> columns = new ArrayList<>(List.of("model", ">batch / chunk", "path", ">streams"));
        CpuClock.GROUPS.forEach(g -> columns.add(">" + g));
        columns.add(">total");
        MarkdownTable t = new MarkdownTable(columns.toArray(String[]::new));
        for (Throughput r : throughput) {
            List<Object> cells = new ArrayList<>(List.of(r.model(), r.batch(), r.path(), r.streams()));
            for (String g : CpuClock.GROUPS) {
                cells.add(micros(r.runs().stream().mapToDouble(m -> m.groupMicrosPerCell(g)).average().orElse(Double.NaN)));
            }
            cells.add(micros(r.runs().stream().mapToDouble(m -> 1e6 / m.cellsPerCpuSecond()).average().orElse(Double.NaN)));
            t.row(cells.toArray());
        }
        return t;
    }

    private static String micros(double v) {
        return Double.isNaN(v) ? "–" : v < 0.05 ? "0" : fmt("%.1f", v);
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
        return Double.isNaN(cellsPerSecond) ? "–" : fmt("%,.0f", cellsPerSecond);
    }

    private static String ms(double millis) {
        return Double.isNaN(millis) ? "–" : millis < 10 ? fmt("%.2f", millis) : fmt("%.1f", millis);
    }

    static String fmt(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
