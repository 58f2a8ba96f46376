package org.cytolabel.inference.oip;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import org.cytolabel.proto.oip.InferStatistics;
import org.cytolabel.proto.oip.ModelStatistics;
import org.cytolabel.proto.oip.StatisticDuration;

/**
 * The model versions this replica has loaded through OIP, with Triton-style cumulative statistics
 * (ModelStatistics). A version is listed once it resolved and its session loaded; sessions are
 * reloaded on demand, so a listed version stays servable after its session is evicted.
 */
final class ServedVersions {
    private record Key(String name, int version) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = name.compareTo(o.name);
            return c != 0 ? c : Integer.compare(version, o.version);
        }
    }

    /** Counters of one version; guarded by itself. */
    private static final class Book {
        long lastInferenceMs;
        long cells;
        long executions;
        long successCount;
        long successNs;
        long failCount;
        long failNs;
        long queueNs;
        long computeNs;
    }

    private final Map<Key, Book> books = new ConcurrentSkipListMap<>();

    /** Records that {@code name:version} resolved and loaded. */
    void loaded(String name, int version) {
        books.computeIfAbsent(new Key(name, version), k -> new Book());
    }

    boolean isLoaded(String name, int version) {
        return books.containsKey(new Key(name, version));
    }

    void success(String name, int version, int cells, int executions, long queueNs, long computeNs, long totalNs) {
        Book b = books.computeIfAbsent(new Key(name, version), k -> new Book());
        synchronized (b) {
            b.lastInferenceMs = System.currentTimeMillis();
            b.cells += cells;
            b.executions += executions;
            b.successCount++;
            b.successNs += totalNs;
            b.queueNs += queueNs;
            b.computeNs += computeNs;
        }
    }

    void failure(String name, int version, long totalNs) {
        Book b = books.computeIfAbsent(new Key(name, version), k -> new Book());
        synchronized (b) {
            b.failCount++;
            b.failNs += totalNs;
        }
    }

    /** Statistics of the versions of {@code name} (all models when empty), one version when {@code version} > 0. */
    List<ModelStatistics> statistics(String name, int version) {
        List<ModelStatistics> out = new ArrayList<>();
        for (var e : books.entrySet()) {
            Key k = e.getKey();
            if ((name.isEmpty() || k.name().equals(name)) && (version <= 0 || k.version() == version)) {
                out.add(statistics(k, e.getValue()));
            }
        }
        return out;
    }

    /** All-zero statistics of a version nothing ran on yet. */
    static ModelStatistics empty(String name, int version) {
        return statistics(new Key(name, version), new Book());
    }

    private static ModelStatistics statistics(Key k, Book b) {
        synchronized (b) {
            return ModelStatistics.newBuilder()
                    .setName(k.name())
                    .setVersion(Integer.toString(k.version()))
                    .setLastInference(b.lastInferenceMs)
                    .setInferenceCount(b.cells)
                    .setExecutionCount(b.executions)
                    .setInferenceStats(InferStatistics.newBuilder()
                            .setSuccess(duration(b.successCount, b.successNs))
                            .setFail(duration(b.failCount, b.failNs))
                            .setQueue(duration(b.successCount, b.queueNs))
                            .setComputeInput(duration(b.successCount, 0))
                            .setComputeInfer(duration(b.successCount, b.computeNs))
                            .setComputeOutput(duration(b.successCount, 0)))
                    .build();
        }
    }

    private static StatisticDuration duration(long count, long ns) {
        return StatisticDuration.newBuilder().setCount(count).setNs(ns).build();
    }
}
