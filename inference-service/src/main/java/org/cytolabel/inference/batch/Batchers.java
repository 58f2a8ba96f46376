package org.cytolabel.inference.batch;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.cytolabel.inference.runtime.DenseBatch;
import org.cytolabel.inference.runtime.OrtModel;

/**
 * One {@link ModelBatcher} per open model session, shared by every stream on it: streams
 * {@link #join} when they open and {@link #leave} when they end; the batcher goes when its last
 * stream leaves. Also the timer for batch delays.
 */
public final class Batchers implements AutoCloseable {
    private final BatchSettings settings;
    private final Executor compute;
    private final ModelBatcher.Listener listener;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "batch-delay");
        t.setDaemon(true);
        return t;
    });
    private final Map<OrtModel, Holder> batchers = new IdentityHashMap<>();

    private static final class Holder {
        final ModelBatcher batcher;
        int streams;

        Holder(ModelBatcher batcher) {
            this.batcher = batcher;
        }
    }

    public Batchers(BatchSettings settings, Executor compute, ModelBatcher.Listener listener) {
        this.settings = settings;
        this.compute = compute;
        this.listener = listener;
    }

    public BatchSettings settings() {
        return settings;
    }

    /** The batcher of {@code model} (created for its first stream); call {@link #leave} once when done. */
    public synchronized ModelBatcher join(OrtModel model, String description, int genes) {
        Holder h = batchers.computeIfAbsent(model, m -> new Holder(new ModelBatcher(description,
                new OrtBatchRunner(m, genes), sized(genes), compute, timer, listener)));
        h.streams++;
        return h.batcher;
    }

    public synchronized void leave(OrtModel model) {
        Holder h = batchers.get(model);
        if (h != null && --h.streams == 0) {
            batchers.remove(model);
        }
    }

    /** Batchers alive now (one per model session with open streams). */
    public synchronized int size() {
        return batchers.size();
    }

    /** Cells queued over every model. */
    public synchronized int queuedCells() {
        return batchers.values().stream().mapToInt(h -> h.batcher.queuedCells()).sum();
    }

    /** The settings with the batch capped to what one dense buffer holds at {@code genes} columns. */
    private BatchSettings sized(int genes) {
        int cap = Math.max(1, DenseBatch.CAPACITY / Math.max(1, genes));
        return new BatchSettings(Math.min(settings.maxBatchCells(), cap), settings.maxDelay(),
                settings.maxQueuedCells(), settings.maxConcurrentRuns());
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
