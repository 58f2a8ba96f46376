package org.cytolabel.core.data;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.lang.reflect.Array;
import org.cytolabel.core.error.CytoLabelException;

/**
 * An AnnData matrix ({@code X}, {@code raw/X}) read in row blocks: a CSR group, a CSC group or a
 * dense 2-D dataset, of any numeric dtype.
 */
abstract sealed class H5adMatrix permits H5adMatrix.Csr, H5adMatrix.Csc, H5adMatrix.Dense {
    final int rows;
    final int cols;
    final String what;

    H5adMatrix(int rows, int cols, String what) {
        this.rows = rows;
        this.cols = cols;
        this.what = what;
    }

    /** Rows {@code from} (inclusive) to {@code to} (exclusive), in range (checked by the caller). */
    abstract CsrMatrix readRows(int from, int to);

    /** The matrix at {@code path}, or null when there is none. */
    static H5adMatrix open(HdfFile file, String path, String what) {
        Node node = H5Nodes.find(file, path);
        if (node == null) {
            return null;
        }
        if (node instanceof Dataset d) {
            int[] dims = d.getDimensions();
            if (dims.length != 2) {
                throw CytoLabelException.invalid(what + " is a " + dims.length + "-D array; a cells x "
                        + "genes matrix (2-D) is expected");
            }
            return new Dense(d, dims[0], dims[1], what);
        }
        Group g = (Group) node;
        String enc = H5Nodes.encoding(g);
        long[] shape = H5Nodes.longsAttr(g, "shape");
        if (shape == null) {
            shape = H5Nodes.longsAttr(g, "h5sparse_shape");
        }
        Dataset data = H5Nodes.dataset(g, "data");
        Dataset indices = H5Nodes.dataset(g, "indices");
        Dataset indptr = H5Nodes.dataset(g, "indptr");
        if (shape == null || shape.length != 2 || data == null || indices == null || indptr == null) {
            throw CytoLabelException.invalid(what + " is a group with encoding '" + enc + "' but not a "
                    + "sparse matrix (shape, data, indices, indptr); store X as a scipy CSR or CSC "
                    + "matrix or a dense array and write the file again with anndata");
        }
        int r = Math.toIntExact(shape[0]);
        int c = Math.toIntExact(shape[1]);
        if ("csr_matrix".equals(enc)) {
            return new Csr(data, indices, indptr, r, c, what);
        }
        if ("csc_matrix".equals(enc)) {
            return new Csc(data, indices, indptr, r, c, what);
        }
        throw CytoLabelException.invalid(what + " has encoding '" + enc + "'; this reader takes "
                + "csr_matrix, csc_matrix or a dense array: convert X (e.g. adata.X = "
                + "scipy.sparse.csr_matrix(adata.X)) and write the file again");
    }

    /** Compressed sparse rows: reads only the offsets, indices and values of the asked rows. */
    static final class Csr extends H5adMatrix {
        private final Dataset data;
        private final Dataset indices;
        private final Dataset indptr;

        Csr(Dataset data, Dataset indices, Dataset indptr, int rows, int cols, String what) {
            super(rows, cols, what);
            this.data = data;
            this.indices = indices;
            this.indptr = indptr;
            if (indptr.getSize() != rows + 1L || data.getSize() != indices.getSize()) {
                throw CsrAssembly.damaged(what, "indptr has " + indptr.getSize() + " entries for "
                        + rows + " rows, data " + data.getSize() + " and indices "
                        + indices.getSize());
            }
        }

        @Override
        CsrMatrix readRows(int from, int to) {
            int n = to - from;
            long[] ptr = H5Arrays.toLong(indptr.getData(new long[] {from}, new int[] {n + 1}));
            long base = ptr[0];
            long end = ptr[n];
            if (base < 0 || end < base || end > data.getSize()) {
                throw CsrAssembly.damaged(what, "indptr of rows " + from + ".." + to
                        + " points outside its " + data.getSize() + " stored values");
            }
            if (end - base > Integer.MAX_VALUE - 16) {
                throw CytoLabelException.invalid(what + " rows " + from + ".." + to + " hold "
                        + (end - base) + " values, more than one block can; read fewer rows at a time");
            }
            int len = (int) (end - base);
            int[] idx = len == 0 ? new int[0]
                    : H5Arrays.toInt(indices.getData(new long[] {base}, new int[] {len}));
            float[] val = len == 0 ? new float[0]
                    : H5Arrays.toFloat(data.getData(new long[] {base}, new int[] {len}));
            int[] p = new int[n + 1];
            for (int i = 0; i <= n; i++) {
                p[i] = (int) (ptr[i] - base);
            }
            return CsrAssembly.canonical(n, cols, p, idx, val, what);
        }
    }

    /**
     * Compressed sparse columns: any row block needs every column, so the first read converts the
     * whole matrix to rows and keeps it (memory: the full matrix). Store X as CSR to stream files
     * larger than memory.
     */
    static final class Csc extends H5adMatrix {
        private final Dataset data;
        private final Dataset indices;
        private final Dataset indptr;
        private CsrMatrix whole;

        Csc(Dataset data, Dataset indices, Dataset indptr, int rows, int cols, String what) {
            super(rows, cols, what);
            this.data = data;
            this.indices = indices;
            this.indptr = indptr;
        }

        @Override
        CsrMatrix readRows(int from, int to) {
            if (whole == null) {
                long[] colptr = H5Arrays.toLong(indptr.getData());
                int[] rowIdx = data.getSize() == 0 ? new int[0] : H5Arrays.toInt(indices.getData());
                float[] vals = data.getSize() == 0 ? new float[0] : H5Arrays.toFloat(data.getData());
                whole = CsrAssembly.fromCsc(rows, cols, colptr, rowIdx, vals, what);
            }
            return whole.sliceRows(from, to);
        }
    }

    /** A dense cells x genes dataset; reads the asked rows and keeps their non-zeros. */
    static final class Dense extends H5adMatrix {
        private final Dataset dataset;

        Dense(Dataset dataset, int rows, int cols, String what) {
            super(rows, cols, what);
            this.dataset = dataset;
        }

        @Override
        CsrMatrix readRows(int from, int to) {
            int n = to - from;
            if (n == 0 || cols == 0) {
                return new CsrMatrix(n, cols, new int[n + 1], new int[0], new float[0]);
            }
            Object block = dataset.getData(new long[] {from, 0}, new int[] {n, cols});
            int[] ptr = new int[n + 1];
            float[][] dense = new float[n][];
            for (int i = 0; i < n; i++) {
                dense[i] = H5Arrays.toFloat(Array.get(block, i));
                int nz = 0;
                for (float v : dense[i]) {
                    if (v != 0f) {
                        nz++;
                    }
                }
                ptr[i + 1] = ptr[i] + nz;
            }
            int[] idx = new int[ptr[n]];
            float[] val = new float[ptr[n]];
            for (int i = 0; i < n; i++) {
                int k = ptr[i];
                for (int c = 0; c < cols; c++) {
                    if (dense[i][c] != 0f) {
                        idx[k] = c;
                        val[k++] = dense[i][c];
                    }
                }
            }
            return new CsrMatrix(n, cols, ptr, idx, val);
        }
    }
}
