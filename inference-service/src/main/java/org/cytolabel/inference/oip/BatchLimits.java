package org.cytolabel.inference.oip;

import org.cytolabel.inference.annotate.AnnotationStream;
import org.cytolabel.inference.runtime.DenseBatch;
import org.cytolabel.service.Transport;

/** How many cells one OIP request may hold and how many go into one ONNX Runtime run. */
final class BatchLimits {
    /** Most cells per request (ModelConfig's max_batch_size), unless the message size limit is lower. */
    static final int MAX_CELLS = 2048;
    /** Room left in a message for everything but the counts. */
    private static final int MESSAGE_OVERHEAD = 1 << 20;

    private BatchLimits() {
    }

    /** Most cells per request for a model of {@code genes} genes: FP32 counts must fit in one message. */
    static int maxCells(int genes) {
        long fit = (Transport.MAX_MESSAGE_BYTES - MESSAGE_OVERHEAD) / (4L * Math.max(1, genes));
        return (int) Math.max(1, Math.min(MAX_CELLS, fit));
    }

    /** Cells per ONNX Runtime run: as the Annotate path batches, within one {@link DenseBatch}. */
    static int rowsPerRun(int genes) {
        return Math.max(1, Math.min(AnnotationStream.MAX_BATCH_CELLS, DenseBatch.CAPACITY / Math.max(1, genes)));
    }
}
