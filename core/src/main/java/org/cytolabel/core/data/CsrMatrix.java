package org.cytolabel.core.data;

import java.util.Arrays;
import org.cytolabel.core.error.CytoLabelException;

/**
 * A compressed sparse row matrix of cells x genes. {@code indptr} has {@code rows + 1} entries
 * starting at 0; within a row, column indices are strictly increasing.
 */
public record CsrMatrix(int rows, int cols, int[] indptr, int[] indices, float[] values) {

    public CsrMatrix {
        if (rows < 0 || cols < 0) {
            throw CytoLabelException.invalid("matrix shape must be non-negative, got " + rows + " x " + cols);
        }
        if (indptr.length != rows + 1 || indptr[0] != 0) {
            throw CytoLabelException.invalid("CSR indptr must have rows + 1 = " + (rows + 1)
                    + " entries starting at 0, got " + indptr.length);
        }
        int nnz = indptr[rows];
        if (indices.length != nnz || values.length != nnz) {
            throw CytoLabelException.invalid("CSR indptr ends at " + nnz + " but there are "
                    + indices.length + " indices and " + values.length + " values");
        }
        for (int r = 0; r < rows; r++) {
            int from = indptr[r];
            int to = indptr[r + 1];
            if (to < from) {
                throw CytoLabelException.invalid("CSR indptr decreases at row " + r);
            }
            int prev = -1;
            for (int k = from; k < to; k++) {
                int c = indices[k];
                if (c < 0 || c >= cols) {
                    throw CytoLabelException.invalid("column index " + c + " in row " + r
                            + " is outside 0.." + (cols - 1));
                }
                if (c <= prev) {
                    throw CytoLabelException.invalid("column indices of row " + r
                            + " must be strictly increasing (sorted, no duplicates)");
                }
                prev = c;
            }
        }
    }

    public static CsrMatrix empty(int cols) {
        return new CsrMatrix(0, cols, new int[] {0}, new int[0], new float[0]);
    }

    public int nnz() {
        return indptr[rows];
    }

    public double rowSum(int row) {
        double s = 0;
        for (int k = indptr[row]; k < indptr[row + 1]; k++) {
            s += values[k];
        }
        return s;
    }

    /** Rows {@code from} (inclusive) to {@code to} (exclusive) as a new matrix. */
    public CsrMatrix sliceRows(int from, int to) {
        if (from < 0 || to > rows || from > to) {
            throw new IndexOutOfBoundsException("rows " + from + ".." + to + " of " + rows);
        }
        int base = indptr[from];
        int[] ptr = new int[to - from + 1];
        for (int r = from; r <= to; r++) {
            ptr[r - from] = indptr[r] - base;
        }
        return new CsrMatrix(to - from, cols, ptr,
                Arrays.copyOfRange(indices, base, indptr[to]),
                Arrays.copyOfRange(values, base, indptr[to]));
    }

    /** The given rows, in the given order, as a new matrix. */
    public CsrMatrix selectRows(int[] rowIds) {
        int[] ptr = new int[rowIds.length + 1];
        for (int i = 0; i < rowIds.length; i++) {
            int r = rowIds[i];
            ptr[i + 1] = ptr[i] + indptr[r + 1] - indptr[r];
        }
        int[] idx = new int[ptr[rowIds.length]];
        float[] val = new float[idx.length];
        for (int i = 0; i < rowIds.length; i++) {
            int r = rowIds[i];
            int len = indptr[r + 1] - indptr[r];
            System.arraycopy(indices, indptr[r], idx, ptr[i], len);
            System.arraycopy(values, indptr[r], val, ptr[i], len);
        }
        return new CsrMatrix(rowIds.length, cols, ptr, idx, val);
    }

    /** Writes row {@code row} densely into {@code out} at {@code offset} (the caller zeroes it). */
    public void scatterRow(int row, float[] out, int offset) {
        for (int k = indptr[row]; k < indptr[row + 1]; k++) {
            out[offset + indices[k]] = values[k];
        }
    }

    /** Dense row-major copy; for small blocks only. */
    public float[] toDense() {
        float[] out = new float[Math.multiplyExact(rows, cols)];
        for (int r = 0; r < rows; r++) {
            scatterRow(r, out, r * cols);
        }
        return out;
    }
}
