package org.cytolabel.inference.batch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.inference.runtime.ModelOutputs;

/**
 * The dynamic batcher one model session shares between all its streams. Streams {@link #submit} their
 * chunks (already in the model's gene order); runs on the compute pool take cells in arrival order,
 * across streams, up to {@code maxBatchCells} with the same requested outputs, and hand each job its
 * rows back. A job larger than a batch spans several runs. The queue is bounded through the streams:
 * they ask gRPC for their next message only while {@link #acceptingMore()} (see the Annotate call),
 * so at most {@code maxQueuedCells} plus the chunks streams already hold can wait here. A job's
 * future completes only after every batch that took some of its rows has finished, so a stream that
 * releases its session once its futures are done never closes a session under a running batch.
 */
public final class ModelBatcher {
    /** What the batcher reports to its meters. */
    public interface Listener {
        /** One run: its cells, the chunks they came from, the oldest cell's wait and the run's time. */
        void batchRan(int cells, int jobs, long queuedNanos, long computeNanos);

        /** A chunk's first cells started running {@code queuedNanos} after the chunk arrived. */
        default void chunkStarted(long queuedNanos) {
        }

        static Listener none() {
            return (cells, jobs, queued, compute) -> { };
        }
    }

    private final String model;
    private final BatchRunner runner;
    private final BatchSettings settings;
    private final Executor compute;
    private final ScheduledExecutorService timer;
    private final Listener listener;
    private final ArrayDeque<CellJob> queue = new ArrayDeque<>();
    private final List<Runnable> capacityWaiters = new ArrayList<>();
    private int queuedCells;
    private int running;
    private boolean delayScheduled;

    public ModelBatcher(String model, BatchRunner runner, BatchSettings settings, Executor compute,
            ScheduledExecutorService timer, Listener listener) {
        this.model = model;
        this.runner = runner;
        this.settings = settings;
        this.compute = compute;
        this.timer = timer;
        this.listener = listener;
    }

    /**
     * Queues one chunk's cells; the future completes with their outputs in row order, or fails with the
     * run's error. {@code cancelled} is checked before each run takes the job's cells.
     */
    public CompletableFuture<ModelOutputs> submit(CsrMatrix cells, Set<String> outputs, BooleanSupplier cancelled) {
        return submit(cells, outputs, cancelled, System.nanoTime());
    }

    /** As {@link #submit(CsrMatrix, Set, BooleanSupplier)}, for a chunk that arrived at {@code arrivedNanos}. */
    public CompletableFuture<ModelOutputs> submit(CsrMatrix cells, Set<String> outputs, BooleanSupplier cancelled,
            long arrivedNanos) {
        CellJob job = new CellJob(cells, outputs, cancelled, arrivedNanos);
        if (cells.rows() == 0) {
            job.result.complete(new ModelOutputs(0, java.util.Map.of(), java.util.Map.of()));
            return job.result;
        }
        synchronized (this) {
            queue.addLast(job);
            queuedCells += cells.rows();
        }
        dispatch();
        return job.result;
    }

    /** True while the queue has room: streams ask for their next chunk only then. */
    public synchronized boolean acceptingMore() {
        return queuedCells < settings.maxQueuedCells();
    }

    /** Runs {@code r} once, as soon as the queue has room (at once when it has room now). */
    public void whenAccepting(Runnable r) {
        synchronized (this) {
            if (queuedCells >= settings.maxQueuedCells()) {
                capacityWaiters.add(r);
                return;
            }
        }
        r.run();
    }

    /** Cells waiting for a run. */
    public synchronized int queuedCells() {
        return queuedCells;
    }

    public BatchSettings settings() {
        return settings;
    }

    /** Starts runs while there is work, a free run slot and (unless a full batch is ready) the delay has passed. */
    private void dispatch() {
        while (true) {
            List<CellJob> dropped;
            List<Runnable> wake;
            synchronized (this) {
                dropped = dropCancelled();
                wake = takeWaitersIfAccepting();
            }
            finishDropped(dropped, wake);
            synchronized (this) {
                if (queue.isEmpty() || running >= settings.maxConcurrentRuns()) {
                    break;
                }
                long waited = System.nanoTime() - queue.peekFirst().enqueuedNanos;
                long delay = settings.maxDelay().toNanos();
                if (queuedCells < settings.maxBatchCells() && waited < delay) {
                    if (!delayScheduled) {
                        delayScheduled = true;
                        timer.schedule(() -> {
                            synchronized (this) {
                                delayScheduled = false;
                            }
                            dispatch();
                        }, delay - waited, TimeUnit.NANOSECONDS);
                    }
                    break;
                }
                running++;
            }
            try {
                compute.execute(this::runOnce);
            } catch (RejectedExecutionException e) {
                synchronized (this) {
                    running--;
                }
                failAll(new CytoLabelException(ErrorKind.RESOURCE_EXHAUSTED, "the inference server is at"
                        + " capacity; retry with backoff or use another replica"));
                break;
            }
        }
    }

    private record Slice(CellJob job, int from, int rows) {
    }

    private void runOnce() {
        List<Slice> slices = new ArrayList<>();
        int cells = 0;
        long oldest = Long.MAX_VALUE;
        List<Runnable> wake;
        List<CellJob> dropped;
        synchronized (this) {
            dropped = dropCancelled();
            Set<String> outputs = queue.isEmpty() ? null : queue.peekFirst().outputs;
            for (Iterator<CellJob> it = queue.iterator(); it.hasNext() && cells < settings.maxBatchCells();) {
                CellJob job = it.next();
                if (!job.outputs.equals(outputs) || job.cancelled.getAsBoolean()) {
                    continue;
                }
                int n = Math.min(job.remaining(), settings.maxBatchCells() - cells);
                slices.add(new Slice(job, job.nextRow, n));
                job.inFlight++;
                oldest = Math.min(oldest, job.enqueuedNanos);
                job.nextRow += n;
                cells += n;
                if (job.remaining() == 0) {
                    it.remove();
                }
            }
            queuedCells -= cells;
            wake = takeWaitersIfAccepting();
        }
        finishDropped(dropped, List.of());
        try {
            if (!slices.isEmpty()) {
                run(slices, cells, oldest);
            }
        } finally {
            synchronized (this) {
                running--;
            }
            wake.forEach(Runnable::run);
            dispatch();
        }
    }

    private void run(List<Slice> slices, int cells, long oldest) {
        long start = System.nanoTime();
        for (Slice s : slices) {
            if (s.from() == 0) {
                listener.chunkStarted(start - s.job().enqueuedNanos);
            }
        }
        CsrMatrix batch = concat(slices, cells);
        ModelOutputs out = null;
        Throwable error = null;
        try {
            out = runner.run(batch, slices.get(0).job().outputs);
        } catch (RuntimeException | Error e) {
            error = e;
        }
        long end = System.nanoTime();
        int row = 0;
        for (Slice s : slices) {
            boolean droppedNow;
            synchronized (this) {
                s.job().inFlight--;
                droppedNow = s.job().dropped && s.job().inFlight == 0;
            }
            if (error != null) {
                s.job().result.completeExceptionally(error);
            } else if (droppedNow) {
                s.job().result.completeExceptionally(new CancellationException(model + ": stream cancelled"));
            } else {
                s.job().accept(out, row, s.from(), s.rows());
            }
            row += s.rows();
        }
        if (error == null) {
            listener.batchRan(cells, slices.size(), start - oldest, end - start);
        }
    }

    /** The slices' rows stacked into one matrix (model gene order already). */
    private static CsrMatrix concat(List<Slice> slices, int cells) {
        if (slices.size() == 1 && slices.get(0).from() == 0 && slices.get(0).rows() == slices.get(0).job().rows()) {
            return slices.get(0).job().cells;
        }
        int nnz = 0;
        for (Slice s : slices) {
            int[] p = s.job().cells.indptr();
            nnz += p[s.from() + s.rows()] - p[s.from()];
        }
        int cols = slices.get(0).job().cells.cols();
        int[] indptr = new int[cells + 1];
        int[] indices = new int[nnz];
        float[] values = new float[nnz];
        int row = 0;
        int at = 0;
        for (Slice s : slices) {
            CsrMatrix m = s.job().cells;
            int a = m.indptr()[s.from()];
            int b = m.indptr()[s.from() + s.rows()];
            System.arraycopy(m.indices(), a, indices, at, b - a);
            System.arraycopy(m.values(), a, values, at, b - a);
            for (int r = 0; r < s.rows(); r++) {
                indptr[row + r + 1] = at + m.indptr()[s.from() + r + 1] - a;
            }
            at += b - a;
            row += s.rows();
        }
        return new CsrMatrix(cells, cols, indptr, indices, values);
    }

    /** Removes cancelled jobs' remaining cells from the queue; call with the lock held. */
    private List<CellJob> dropCancelled() {
        List<CellJob> dropped = null;
        for (Iterator<CellJob> it = queue.iterator(); it.hasNext();) {
            CellJob job = it.next();
            if (job.cancelled.getAsBoolean()) {
                it.remove();
                queuedCells -= job.remaining();
                job.nextRow = job.rows();
                job.dropped = true;
                if (job.inFlight > 0) {
                    continue; // the running batch fails it as cancelled when it ends
                }
                if (dropped == null) {
                    dropped = new ArrayList<>();
                }
                dropped.add(job);
            }
        }
        return dropped == null ? List.of() : dropped;
    }

    /** Fails dropped jobs as cancelled and wakes streams waiting for room; call without the lock. */
    private void finishDropped(List<CellJob> dropped, List<Runnable> wake) {
        for (CellJob job : dropped) {
            job.result.completeExceptionally(new CancellationException(model + ": stream cancelled"));
        }
        wake.forEach(Runnable::run);
    }

    private List<Runnable> takeWaitersIfAccepting() {
        if (capacityWaiters.isEmpty() || queuedCells >= settings.maxQueuedCells()) {
            return List.of();
        }
        List<Runnable> wake = List.copyOf(capacityWaiters);
        capacityWaiters.clear();
        return wake;
    }

    private void failAll(RuntimeException e) {
        List<CellJob> failed;
        List<Runnable> wake;
        synchronized (this) {
            failed = List.copyOf(queue);
            queue.clear();
            queuedCells = 0;
            wake = takeWaitersIfAccepting();
        }
        failed.forEach(j -> j.result.completeExceptionally(e));
        wake.forEach(Runnable::run);
    }

    @Override
    public String toString() {
        return "batcher for " + model;
    }
}
