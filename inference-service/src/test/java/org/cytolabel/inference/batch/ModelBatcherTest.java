package org.cytolabel.inference.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.inference.runtime.ModelOutputs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shared batcher with a recording runner: each cell carries its id as its only count, and the
 * runner answers each row with that id, so a job's outputs show exactly which cells it got back.
 */
class ModelBatcherTest {
    private static final Set<String> OUT = Set.of("id");
    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    /** Records every batch's ids; blocks each run until released when gated. */
    private static final class Recorder implements BatchRunner {
        final List<float[]> batches = Collections.synchronizedList(new ArrayList<>());
        volatile CountDownLatch gate = new CountDownLatch(0);
        final CountDownLatch firstStarted = new CountDownLatch(1);

        @Override
        public ModelOutputs run(CsrMatrix cells, Set<String> outputs) {
            firstStarted.countDown();
            try {
                assertTrue(gate.await(10, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            float[] ids = new float[cells.rows()];
            for (int r = 0; r < cells.rows(); r++) {
                ids[r] = cells.values()[cells.indptr()[r]];
            }
            batches.add(ids);
            return new ModelOutputs(cells.rows(), Map.of("id", ids.clone()), Map.of("id", new long[] {cells.rows(), 1}));
        }
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
        timer.shutdownNow();
    }

    private ModelBatcher batcher(BatchRunner runner, int maxBatch, int maxQueued, int runs) {
        return new ModelBatcher("test", runner, new BatchSettings(maxBatch, Duration.ZERO, maxQueued, runs), pool,
                timer, ModelBatcher.Listener.none());
    }

    /** {@code n} cells with ids first, first + 1, ... (one count each, in column 0). */
    private static CsrMatrix cells(int first, int n) {
        int[] indptr = new int[n + 1];
        int[] indices = new int[n];
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            indptr[i + 1] = i + 1;
            values[i] = first + i;
        }
        return new CsrMatrix(n, 4, indptr, indices, values);
    }

    private static float[] ids(int first, int n) {
        float[] ids = new float[n];
        for (int i = 0; i < n; i++) {
            ids[i] = first + i;
        }
        return ids;
    }

    @Test
    void cellsFromSeveralStreamsShareOneRunAndEachGetsItsOwnRowsBack() throws Exception {
        Recorder runner = new Recorder();
        runner.gate = new CountDownLatch(1);
        ModelBatcher b = batcher(runner, 64, 10_000, 1);
        var first = b.submit(cells(1000, 5), OUT, () -> false);
        assertTrue(runner.firstStarted.await(10, TimeUnit.SECONDS)); // the only run slot is busy now
        var a = b.submit(cells(0, 10), OUT, () -> false);
        var c = b.submit(cells(100, 20), OUT, () -> false);
        var d = b.submit(cells(200, 30), OUT, () -> false);
        runner.gate.countDown();
        assertArrayEquals(ids(1000, 5), first.get(10, TimeUnit.SECONDS).get("id"));
        assertArrayEquals(ids(0, 10), a.get(10, TimeUnit.SECONDS).get("id"));
        assertArrayEquals(ids(100, 20), c.get(10, TimeUnit.SECONDS).get("id"));
        assertArrayEquals(ids(200, 30), d.get(10, TimeUnit.SECONDS).get("id"));
        // 60 queued cells from three streams ran as one batch behind the first.
        assertEquals(2, runner.batches.size());
        assertEquals(60, runner.batches.get(1).length);
        assertEquals(0, b.queuedCells());
    }

    @Test
    void aChunkLargerThanTheBatchSpansRunsInOrder() throws Exception {
        Recorder runner = new Recorder();
        ModelBatcher b = batcher(runner, 16, 10_000, 2);
        ModelOutputs out = b.submit(cells(0, 100), OUT, () -> false).get(10, TimeUnit.SECONDS);
        assertArrayEquals(ids(0, 100), out.get("id"));
        assertEquals(100, out.rows());
        assertEquals(7, runner.batches.size()); // 6 x 16 + 4
        assertTrue(runner.batches.stream().allMatch(x -> x.length <= 16));
    }

    @Test
    void aCancelledStreamsQueuedCellsAreDroppedAndNobodyElses() throws Exception {
        Recorder runner = new Recorder();
        runner.gate = new CountDownLatch(1);
        ModelBatcher b = batcher(runner, 1000, 10_000, 1);
        var blocker = b.submit(cells(5000, 1), OUT, () -> false);
        assertTrue(runner.firstStarted.await(10, TimeUnit.SECONDS));
        AtomicBoolean cancelled = new AtomicBoolean();
        var gone = b.submit(cells(0, 50), OUT, cancelled::get);
        var kept = b.submit(cells(100, 50), OUT, () -> false);
        cancelled.set(true);
        runner.gate.countDown();
        blocker.get(10, TimeUnit.SECONDS);
        assertArrayEquals(ids(100, 50), kept.get(10, TimeUnit.SECONDS).get("id"));
        // A future failed with CancellationException reports it directly.
        assertThrows(java.util.concurrent.CancellationException.class, () -> gone.get(10, TimeUnit.SECONDS));
        for (float[] batch : runner.batches) {
            for (float id : batch) {
                assertFalse(id < 100, "a cancelled stream's cell " + id + " ran");
            }
        }
    }

    @Test
    void theQueueSaysWhenItIsFullAndWakesWaitersWhenItDrains() throws Exception {
        Recorder runner = new Recorder();
        runner.gate = new CountDownLatch(1);
        ModelBatcher b = batcher(runner, 8, 20, 1);
        var running = b.submit(cells(0, 8), OUT, () -> false);
        assertTrue(runner.firstStarted.await(10, TimeUnit.SECONDS));
        var queued = b.submit(cells(8, 24), OUT, () -> false);
        assertEquals(24, b.queuedCells());
        assertFalse(b.acceptingMore());
        CountDownLatch woken = new CountDownLatch(1);
        b.whenAccepting(woken::countDown);
        assertEquals(1, woken.getCount(), "woken while the queue was still full");
        runner.gate.countDown();
        assertTrue(woken.await(10, TimeUnit.SECONDS));
        running.get(10, TimeUnit.SECONDS);
        assertArrayEquals(ids(8, 24), queued.get(10, TimeUnit.SECONDS).get("id"));
        assertTrue(b.acceptingMore());
    }

    @Test
    void aFailedRunFailsOnlyTheJobsInThatBatch() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        BatchRunner flaky = (cells, outputs) -> {
            if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("boom");
            }
            return new Recorder().run(cells, outputs);
        };
        ModelBatcher b = batcher(flaky, 4, 100, 1);
        CompletableFuture<ModelOutputs> first = b.submit(cells(0, 4), OUT, () -> false);
        ExecutionException e = assertThrows(ExecutionException.class, () -> first.get(10, TimeUnit.SECONDS));
        assertEquals("boom", e.getCause().getMessage());
        assertArrayEquals(ids(10, 4), b.submit(cells(10, 4), OUT, () -> false).get(10, TimeUnit.SECONDS).get("id"));
    }

    @Test
    void aPartialBatchWaitsAtMostTheDelay() throws Exception {
        Recorder runner = new Recorder();
        ModelBatcher b = new ModelBatcher("test", runner, new BatchSettings(64, Duration.ofMillis(200), 1000, 1), pool,
                timer, ModelBatcher.Listener.none());
        long start = System.nanoTime();
        var a = b.submit(cells(0, 3), OUT, () -> false);
        var c = b.submit(cells(3, 3), OUT, () -> false);
        a.get(10, TimeUnit.SECONDS);
        c.get(10, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms >= 150, "ran after " + ms + " ms, before the delay");
        assertEquals(1, runner.batches.size(), "both chunks waited for the same batch");
        // A full batch does not wait.
        start = System.nanoTime();
        b.submit(cells(0, 64), OUT, () -> false).get(10, TimeUnit.SECONDS);
        assertTrue((System.nanoTime() - start) / 1_000_000 < 150);
    }
}
