package org.cytolabel.inference.annotate;

import java.util.Arrays;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;

/**
 * Turns a chunk as sent into a {@link CsrMatrix} over the client's genes, or says exactly what is
 * wrong with it: indptr (n_cells + 1 entries from 0, non-decreasing, ending at the number of values),
 * column indices within the header's genes; {@link #requireCountValues} then checks the values are
 * finite and non-negative. Rows with unsorted column indices are sorted; duplicate columns in a row
 * are refused.
 */
final class ChunkValidator {
    private ChunkValidator() {
    }

    static CsrMatrix toCsr(long chunkIndex, CountsChunk chunk, int genes) {
        String where = "chunk " + chunkIndex + ": ";
        long[] indptr = chunk.indptr();
        int[] indices = chunk.indices();
        float[] values = chunk.values();
        int ids = chunk.cellIds().size();
        if (indptr.length == 0) {
            if (ids > 0 || indices.length > 0 || values.length > 0) {
                throw CytoLabelException.invalid(where + "indptr is empty but the chunk has " + ids + " cell ids and "
                        + values.length + " values; indptr needs n_cells + 1 offsets starting at 0");
            }
            return CsrMatrix.empty(genes);
        }
        int rows = indptr.length - 1;
        if (ids != 0 && ids != rows) {
            throw CytoLabelException.invalid(where + ids + " cell ids but indptr has " + indptr.length
                    + " entries (" + rows + " rows); indptr needs n_cells + 1 offsets");
        }
        if (indptr[0] != 0) {
            throw CytoLabelException.invalid(where + "indptr must start at 0, starts at " + indptr[0]);
        }
        if (indices.length != values.length) {
            throw CytoLabelException.invalid(where + indices.length + " indices but " + values.length
                    + " values; CSR needs one column index per value");
        }
        if (indptr[rows] != values.length) {
            throw CytoLabelException.invalid(where + "indptr ends at " + indptr[rows] + " but there are "
                    + values.length + " values");
        }
        int[] ptr = new int[indptr.length];
        for (int r = 0; r < rows; r++) {
            if (indptr[r + 1] < indptr[r]) {
                throw CytoLabelException.invalid(where + "indptr decreases at cell " + r + " (" + indptr[r] + " -> "
                        + indptr[r + 1] + "); offsets must be non-decreasing");
            }
            ptr[r + 1] = (int) indptr[r + 1];
        }
        for (int k = 0; k < values.length; k++) {
            int c = indices[k];
            if (c < 0 || c >= genes) {
                throw CytoLabelException.invalid(where + "column index " + c + " at position " + k
                        + " is outside 0.." + (genes - 1) + " (the header lists " + genes + " genes)");
            }
        }
        int[] idx = indices;
        float[] val = values;
        for (int r = 0; r < rows; r++) {
            if (!sorted(indices, ptr[r], ptr[r + 1])) {
                if (idx == indices) {
                    idx = indices.clone();
                    val = values.clone();
                }
                sortRow(idx, val, ptr[r], ptr[r + 1]);
            }
            for (int k = ptr[r] + 1; k < ptr[r + 1]; k++) {
                if (idx[k] == idx[k - 1]) {
                    throw CytoLabelException.invalid(where + "cell " + r + " lists gene column " + idx[k]
                            + " twice; sum duplicate entries first (scipy: X.sum_duplicates())");
                }
            }
        }
        return new CsrMatrix(rows, genes, ptr, idx, val);
    }

    /** Counts must be finite and non-negative (checked on every chunk; CountCheck looks closer at the first). */
    static void requireCountValues(long chunkIndex, CsrMatrix counts) {
        float[] values = counts.values();
        for (int k = 0; k < values.length; k++) {
            float v = values[k];
            if (!(v >= 0f) || Float.isInfinite(v)) {
                int row = 0;
                while (counts.indptr()[row + 1] <= k) {
                    row++;
                }
                throw CytoLabelException.invalid("chunk " + chunkIndex + ": cell " + row + " has the value " + v
                        + ", which is not a count; send raw counts (finite, non-negative)");
            }
        }
    }

    private static boolean sorted(int[] idx, int from, int to) {
        for (int k = from + 1; k < to; k++) {
            if (idx[k] < idx[k - 1]) {
                return false;
            }
        }
        return true;
    }

    private static void sortRow(int[] idx, float[] val, int from, int to) {
        Integer[] order = new Integer[to - from];
        for (int i = 0; i < order.length; i++) {
            order[i] = from + i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(idx[a], idx[b]));
        int[] si = new int[order.length];
        float[] sv = new float[order.length];
        for (int i = 0; i < order.length; i++) {
            si[i] = idx[order[i]];
            sv[i] = val[order[i]];
        }
        System.arraycopy(si, 0, idx, from, si.length);
        System.arraycopy(sv, 0, val, from, sv.length);
    }
}
