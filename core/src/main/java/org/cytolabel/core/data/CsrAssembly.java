package org.cytolabel.core.data;

import java.util.Arrays;
import org.cytolabel.core.error.CytoLabelException;

/**
 * Builds canonical {@link CsrMatrix} values (per-row column indices strictly increasing) from what
 * files hold: CSR rows in any order with possible duplicates, or coordinate triplets. Duplicate
 * entries of a row and column are summed, as scipy and Matrix Market readers do.
 */
final class CsrAssembly {
    private CsrAssembly() {
    }

    /** A CSR matrix from file arrays, sorted and de-duplicated where needed. */
    static CsrMatrix canonical(int rows, int cols, int[] indptr, int[] indices, float[] values,
            String what) {
        if (indptr.length != rows + 1 || indptr[0] != 0 || indptr[rows] != indices.length
                || indices.length != values.length) {
            throw damaged(what, "its CSR offsets (indptr) do not match its " + rows + " rows and "
                    + indices.length + " stored values");
        }
        boolean sorted = true;
        for (int r = 0; r < rows; r++) {
            if (indptr[r + 1] < indptr[r]) {
                throw damaged(what, "its CSR offsets (indptr) decrease at row " + r);
            }
            for (int k = indptr[r]; k < indptr[r + 1]; k++) {
                int c = indices[k];
                if (c < 0 || c >= cols) {
                    throw damaged(what, "row " + r + " has column index " + c + " outside 0.."
                            + (cols - 1));
                }
                if (k > indptr[r] && c <= indices[k - 1]) {
                    sorted = false;
                }
            }
        }
        if (sorted) {
            return new CsrMatrix(rows, cols, indptr, indices, values);
        }
        return sortRows(rows, cols, indptr, indices, values);
    }

    /**
     * A CSR matrix from coordinate entries ({@code rowIdx[k]}, {@code colIdx[k]}, {@code vals[k]}),
     * 0-based, in any order; range-checked by the caller.
     */
    static CsrMatrix fromTriplets(int rows, int cols, int[] rowIdx, int[] colIdx, float[] vals,
            int count) {
        int[] indptr = new int[rows + 1];
        for (int k = 0; k < count; k++) {
            indptr[rowIdx[k] + 1]++;
        }
        for (int r = 0; r < rows; r++) {
            indptr[r + 1] += indptr[r];
        }
        int[] next = Arrays.copyOf(indptr, rows);
        int[] indices = new int[count];
        float[] values = new float[count];
        for (int k = 0; k < count; k++) {
            int at = next[rowIdx[k]]++;
            indices[at] = colIdx[k];
            values[at] = vals[k];
        }
        return canonical(rows, cols, indptr, indices, values, "coordinate matrix");
    }

    /** Converts compressed sparse columns (CSC) to rows; per-row order comes out sorted. */
    static CsrMatrix fromCsc(int rows, int cols, long[] colptr, int[] rowIdx, float[] vals,
            String what) {
        int nnz = rowIdx.length;
        if (colptr.length != cols + 1 || colptr[0] != 0 || colptr[cols] != nnz
                || vals.length != nnz) {
            throw damaged(what, "its CSC offsets (indptr) do not match its " + cols
                    + " columns and " + nnz + " stored values");
        }
        int[] colIdx = new int[nnz];
        for (int c = 0; c < cols; c++) {
            if (colptr[c + 1] < colptr[c]) {
                throw damaged(what, "its CSC offsets (indptr) decrease at column " + c);
            }
            Arrays.fill(colIdx, (int) colptr[c], (int) colptr[c + 1], c);
        }
        for (int k = 0; k < nnz; k++) {
            if (rowIdx[k] < 0 || rowIdx[k] >= rows) {
                throw damaged(what, "column " + colIdx[k] + " has row index " + rowIdx[k]
                        + " outside 0.." + (rows - 1));
            }
        }
        return fromTriplets(rows, cols, rowIdx, colIdx, vals, nnz);
    }

    private static CsrMatrix sortRows(int rows, int cols, int[] indptr, int[] indices,
            float[] values) {
        int[] outPtr = new int[rows + 1];
        int[] outIdx = new int[indices.length];
        float[] outVal = new float[values.length];
        int out = 0;
        long[] keys = new long[0];
        for (int r = 0; r < rows; r++) {
            int from = indptr[r];
            int len = indptr[r + 1] - from;
            if (keys.length < len) {
                keys = new long[len];
            }
            for (int k = 0; k < len; k++) {
                keys[k] = ((long) indices[from + k] << 32) | k;
            }
            Arrays.sort(keys, 0, len);
            for (int k = 0; k < len; k++) {
                int c = (int) (keys[k] >>> 32);
                float v = values[from + (int) keys[k]];
                if (out > outPtr[r] && outIdx[out - 1] == c) {
                    outVal[out - 1] += v;
                } else {
                    outIdx[out] = c;
                    outVal[out] = v;
                    out++;
                }
            }
            outPtr[r + 1] = out;
        }
        return new CsrMatrix(rows, cols, outPtr, Arrays.copyOf(outIdx, out),
                Arrays.copyOf(outVal, out));
    }

    static CytoLabelException damaged(String what, String problem) {
        return CytoLabelException.invalid(what + " is damaged: " + problem
                + "; write it again (e.g. with anndata or Cell Ranger) and retry");
    }
}
