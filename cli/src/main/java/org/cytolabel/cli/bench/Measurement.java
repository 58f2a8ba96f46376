package org.cytolabel.cli.bench;

import java.util.Arrays;
import java.util.List;

/**
 * One timed pass: cells processed, wall time, the CPU this process and other processes used over the
 * same interval, per-request latencies (chunks or single requests; empty when not measured) and,
 * for concurrent streams, when each stream finished (nanoseconds from the start; else empty).
 */
record Measurement(long cells, long wallNanos, CpuClock.Usage cpu, long[] latencyNanos, long[] finishNanos) {

    Measurement(long cells, long wallNanos, CpuClock.Usage cpu, long[] latencyNanos) {
        this(cells, wallNanos, cpu, latencyNanos, new long[0]);
    }

    double cellsPerSecond() {
        return cells / (wallNanos / 1e9);
    }

    /** Cores kept busy on average (process CPU time / wall time). */
    double coresBusy() {
        return cpu.processNanos() < 0 ? Double.NaN : (double) cpu.processNanos() / wallNanos;
    }

    /** Cells per CPU-second of this process (client and server together on gRPC rows); NaN when unknown. */
    double cellsPerCpuSecond() {
        return cpu.processNanos() <= 0 ? Double.NaN : cells / (cpu.processNanos() / 1e9);
    }

    /** CPU microseconds per cell spent by a thread group (see {@link CpuClock#GROUPS}); NaN when unknown. */
    double groupMicrosPerCell(String group) {
        Long nanos = cpu.byGroup().get(group);
        return nanos == null || nanos < 0 ? Double.NaN : nanos / 1e3 / cells;
    }

    /** Cores other processes kept busy on average meanwhile (NaN when unknown). */
    double othersBusy() {
        return cpu.othersNanos() < 0 ? Double.NaN : (double) cpu.othersNanos() / wallNanos;
    }

    /** The {@code q}-quantile (0..1, nearest rank) of the latencies in milliseconds; NaN when none. */
    double latencyMillis(double q) {
        return quantileMillis(latencyNanos, q);
    }

    static double quantileMillis(long[] nanos, double q) {
        if (nanos.length == 0) {
            return Double.NaN;
        }
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }

    static double meanMillis(long[] nanos) {
        return nanos.length == 0 ? Double.NaN : Arrays.stream(nanos).average().orElse(0) / 1e6;
    }

    /** All latencies of several repeats together. */
    static long[] pooledLatencies(List<Measurement> runs) {
        return runs.stream().flatMapToLong(m -> Arrays.stream(m.latencyNanos())).toArray();
    }

    /** The median of the repeats' cells/s. */
    static double medianCellsPerSecond(List<Measurement> runs) {
        double[] r = runs.stream().mapToDouble(Measurement::cellsPerSecond).sorted().toArray();
        return r.length % 2 == 1 ? r[r.length / 2] : (r[r.length / 2 - 1] + r[r.length / 2]) / 2;
    }
}
