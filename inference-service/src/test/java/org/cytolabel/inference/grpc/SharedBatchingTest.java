package org.cytolabel.inference.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.inference.batch.BatchSettings;
import org.cytolabel.inference.testing.AnnotateClient;
import org.cytolabel.inference.testing.Serving;
import org.cytolabel.proto.annotation.v1.AnnotateHeader;
import org.cytolabel.proto.annotation.v1.CellChunk;
import org.cytolabel.proto.annotation.v1.CellPrediction;
import org.cytolabel.proto.model.v1.ModelRef;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eight streams flood one model through a batcher that holds at most 300 queued cells: runs mix
 * cells of several streams, the queue never grows past its bound plus what the streams already hold
 * (two chunks each), whatever the total sent, and every stream gets all its cells back in order with
 * the same labels a lone stream gets.
 */
class SharedBatchingTest {
    static final int STREAMS = 8;
    static final int CHUNKS = 20;
    static final int PER_CHUNK = 50;
    static final int MAX_QUEUED = 300;

    @TempDir
    static Path registryDir;
    static Serving serving;

    @BeforeAll
    static void start() {
        serving = Serving.start(registryDir, c -> c.withBatch(new BatchSettings(100, Duration.ZERO, MAX_QUEUED, 2)));
    }

    @AfterAll
    static void stop() {
        if (serving != null) {
            serving.close();
        }
    }

    @Test
    void streamsShareBatchesAndTheQueueStaysBounded() throws Exception {
        CsrMatrix cells = serving.pbmc.data.counts().sliceRows(0, PER_CHUNK * CHUNKS);
        List<String> ids = serving.pbmc.data.cellIds().subList(0, PER_CHUNK * CHUNKS);
        List<CellChunk> chunks = AnnotateClient.chunks(cells, ids, PER_CHUNK);
        AnnotateHeader header = AnnotateHeader.newBuilder().setModel(ModelRef.newBuilder().setName(Serving.MODEL))
                .addAllGeneIds(serving.pbmc.data.genes().symbols()).build();
        var alone = serving.client().annotate(header, chunks);
        assertEquals(Status.Code.OK, alone.status().getCode(), String.valueOf(alone.status()));

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger maxQueued = new AtomicInteger();
        Thread sampler = new Thread(() -> {
            while (running.get()) {
                maxQueued.accumulateAndGet(queuedCells(), Math::max);
                Thread.onSpinWait();
            }
        });
        sampler.start();
        List<CompletableFuture<AnnotateClient.Outcome>> streams = new ArrayList<>();
        for (int s = 0; s < STREAMS; s++) {
            streams.add(CompletableFuture.supplyAsync(() -> serving.client().annotate(header, chunks)));
        }
        for (var f : streams) {
            var out = f.get();
            assertEquals(Status.Code.OK, out.status().getCode(), String.valueOf(out.status()));
            assertEquals(CHUNKS, out.results().size());
            List<CellPrediction> got = out.cells();
            for (int i = 0; i < got.size(); i++) {
                assertEquals(ids.get(i), got.get(i).getCellId(), "cells in order, none dropped");
                assertEquals(alone.cells().get(i).getLabel(), got.get(i).getLabel());
            }
        }
        running.set(false);
        sampler.join();
        int bound = MAX_QUEUED + STREAMS * AnnotateCall.PREFETCH * PER_CHUNK;
        System.out.printf("shared batching: at most %d cells queued (bound %d) while %d were sent%n", maxQueued.get(),
                bound, STREAMS * CHUNKS * PER_CHUNK);
        assertTrue(maxQueued.get() <= bound, "queue " + maxQueued.get() + " over " + bound);
        var perRun = serving.inference.meters().find("cytolabel.inference.batch.chunks").summary();
        assertTrue(perRun.max() > 1, "some runs mixed chunks of several streams (max " + perRun.max() + ")");
        var size = serving.inference.meters().find("cytolabel.inference.batch.size").summary();
        assertTrue(size.max() <= 100, "no run over the batch limit: " + size.max());
    }

    static int queuedCells() {
        var g = serving.inference.meters().find("cytolabel.inference.batch.queued_cells").gauge();
        return g == null ? 0 : (int) g.value();
    }
}
