package org.cytolabel.inference.batch;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.inference.runtime.ModelOutputs;

/**
 * One stream's chunk waiting in a batcher: its cells in the model's gene order, the outputs it wants,
 * and the future its outputs complete (rows in the chunk's order). A batch may take part of a job;
 * the job completes when its last cell has run. {@code cancelled} is asked before each run: a
 * cancelled stream's cells are dropped, nobody else's.
 */
final class CellJob {
    final CsrMatrix cells;
    final Set<String> outputs;
    final BooleanSupplier cancelled;
    final long enqueuedNanos;
    final CompletableFuture<ModelOutputs> result = new CompletableFuture<>();
    private final OutputAssembler assembler;
    /** Next row to hand to a batch; guarded by the batcher. */
    int nextRow;
    /** Batches running some of this job's rows now; guarded by the batcher. */
    int inFlight;
    /** Cancelled while queued: the rest of its rows were dropped; guarded by the batcher. */
    boolean dropped;

    CellJob(CsrMatrix cells, Set<String> outputs, BooleanSupplier cancelled, long arrivedNanos) {
        this.cells = cells;
        this.outputs = Set.copyOf(outputs);
        this.cancelled = cancelled;
        this.enqueuedNanos = arrivedNanos;
        this.assembler = new OutputAssembler(cells.rows());
    }

    int rows() {
        return cells.rows();
    }

    int remaining() {
        return cells.rows() - nextRow;
    }

    /** Copies rows {@code batchRow ..} of a batch's outputs into this job's rows {@code from ..}. */
    void accept(ModelOutputs batch, int batchRow, int from, int rows) {
        if (assembler.add(batch, batchRow, from, rows)) {
            result.complete(assembler.outputs());
        }
    }
}
