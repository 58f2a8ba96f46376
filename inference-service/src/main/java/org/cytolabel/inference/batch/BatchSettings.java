package org.cytolabel.inference.batch;

import java.time.Duration;

/**
 * How a model's shared batcher groups cells: at most {@code maxBatchCells} per ONNX Runtime run, a
 * partial batch waits at most {@code maxDelay} for more cells (zero: run what is queued at once, the
 * next batch gathers what arrived meanwhile), streams stop reading while more than
 * {@code maxQueuedCells} wait, and at most {@code maxConcurrentRuns} runs of one model go at once.
 */
public record BatchSettings(int maxBatchCells, Duration maxDelay, int maxQueuedCells, int maxConcurrentRuns) {

    public static final int DEFAULT_MAX_BATCH = 512;
    public static final int DEFAULT_MAX_QUEUED = 16_384;

    public BatchSettings {
        if (maxBatchCells < 1 || maxQueuedCells < 1 || maxConcurrentRuns < 1) {
            throw new IllegalArgumentException("batch settings must be positive: max batch " + maxBatchCells
                    + ", max queued " + maxQueuedCells + ", concurrent runs " + maxConcurrentRuns);
        }
        if (maxDelay.isNegative()) {
            throw new IllegalArgumentException("max batch delay must be >= 0, got " + maxDelay);
        }
    }

    /** 512 cells, no added delay, 16,384 queued cells, {@code computeThreads} runs per model. */
    public static BatchSettings defaults(int computeThreads) {
        return new BatchSettings(DEFAULT_MAX_BATCH, Duration.ZERO, DEFAULT_MAX_QUEUED, Math.max(1, computeThreads));
    }
}
