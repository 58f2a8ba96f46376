package org.cytolabel.inference.annotate;

import java.util.List;

/**
 * A block of cells as sent: CSR raw counts over the header's gene order, unvalidated.
 * {@code cellIds} is empty or has one id per row.
 */
public record CountsChunk(List<String> cellIds, long[] indptr, int[] indices, float[] values) {
    public CountsChunk {
        cellIds = List.copyOf(cellIds);
    }

    /** Rows the indptr describes (0 for an empty indptr). */
    public int rows() {
        return Math.max(0, indptr.length - 1);
    }
}
