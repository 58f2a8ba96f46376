package org.cytolabel.cli.bench;

import java.util.AbstractList;
import java.util.List;
import org.cytolabel.cli.client.CellSource;
import org.cytolabel.core.data.CsrMatrix;

/**
 * A window of rows of an in-memory counts matrix as a {@link CellSource}; cells are named
 * {@code cell-<row>} by their row in the whole matrix. Windows share the matrix (no copy).
 */
final class MatrixCellSource implements CellSource {
    private final CsrMatrix counts;
    private final List<String> geneIds;
    private final int offset;
    private final int cells;

    MatrixCellSource(CsrMatrix counts, List<String> geneIds) {
        this(counts, geneIds, 0, counts.rows());
    }

    private MatrixCellSource(CsrMatrix counts, List<String> geneIds, int offset, int cells) {
        if (geneIds.size() != counts.cols()) {
            throw new IllegalArgumentException(geneIds.size() + " gene ids for " + counts.cols() + " columns");
        }
        this.counts = counts;
        this.geneIds = geneIds;
        this.offset = offset;
        this.cells = cells;
    }

    /** Rows {@code from} to {@code to} (exclusive) of this window. */
    MatrixCellSource window(int from, int to) {
        if (from < 0 || to > cells || from > to) {
            throw new IndexOutOfBoundsException("rows " + from + ".." + to + " of " + cells);
        }
        return new MatrixCellSource(counts, geneIds, offset + from, to - from);
    }

    /** This window split into {@code parts} consecutive windows of near-equal size. */
    List<MatrixCellSource> split(int parts) {
        return java.util.stream.IntStream.range(0, parts)
                .mapToObj(p -> window((int) ((long) cells * p / parts), (int) ((long) cells * (p + 1) / parts)))
                .toList();
    }

    @Override
    public List<String> geneIds() {
        return geneIds;
    }

    @Override
    public int cells() {
        return cells;
    }

    @Override
    public CsrMatrix counts(int from, int to) {
        return counts.sliceRows(offset + from, offset + to);
    }

    @Override
    public List<String> cellIds(int from, int to) {
        int base = offset + from;
        int size = to - from;
        return new AbstractList<>() {
            @Override
            public String get(int i) {
                return "cell-" + (base + java.util.Objects.checkIndex(i, size));
            }

            @Override
            public int size() {
                return size;
            }
        };
    }
}
