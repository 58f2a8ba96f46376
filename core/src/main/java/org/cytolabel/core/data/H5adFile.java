package org.cytolabel.core.data;

import io.jhdf.HdfFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.cytolabel.core.error.CytoLabelException;

/**
 * An AnnData {@code .h5ad} file opened read-only with jhdf (its writer corrupts files: never write
 * with it). Gene and cell metadata are read on demand; the matrix is read in row blocks with
 * {@link #readRows}, so a CSR file larger than memory can be streamed.
 *
 * <p>Every failure - missing, empty, not HDF5, truncated, damaged, or not AnnData - surfaces as a
 * {@link CytoLabelException} that says what is wrong and what to do; never as a jhdf exception.
 * Not thread-safe: use one instance per thread.
 */
public final class H5adFile implements AutoCloseable {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    private final Path path;
    private final HdfFile hdf;
    private final H5adMatrix matrix;
    private final String varPath;
    private GeneList genes;

    private H5adFile(Path path, HdfFile hdf, H5adMatrix matrix, String varPath) {
        this.path = path;
        this.hdf = hdf;
        this.matrix = matrix;
        this.varPath = varPath;
    }

    /** Opens {@code X} and {@code var}. */
    public static H5adFile open(Path path) {
        return open(path, ReadOptions.defaults());
    }

    /** Opens {@code X} and {@code var}, or {@code raw/X} and {@code raw/var} with useRaw. */
    public static H5adFile open(Path path, ReadOptions options) {
        requireHdf5(path);
        HdfFile hdf = guard(path, "open", () -> new HdfFile(path));
        try {
            requireComplete(path, hdf);
            String x = options.useRaw() ? "raw/X" : "X";
            H5adMatrix m = guard(path, "read the layout of " + x,
                    () -> H5adMatrix.open(hdf, x, path.getFileName() + " " + x));
            if (m == null) {
                throw guard(path, "list the contents", () -> noMatrix(path, hdf, options.useRaw()));
            }
            return new H5adFile(path, hdf, m, options.useRaw() ? "raw/var" : "var");
        } catch (RuntimeException e) {
            hdf.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    /** Number of cells (rows of X). */
    public int cells() {
        return matrix.rows;
    }

    /** Number of genes (columns of X); see {@link #genes()} for their ids. */
    public int geneCount() {
        return matrix.cols;
    }

    /** The genes in column order: symbols and, where the file has them, Ensembl ids. */
    public GeneList genes() {
        if (genes == null) {
            genes = guard(path, "read " + varPath, () -> {
                H5adFrame var = H5adFrame.open(hdf, varPath);
                if (var == null) {
                    throw CytoLabelException.invalid(path.getFileName() + " has no " + varPath
                            + " (gene names); write the file with anndata so that var_names hold the "
                            + "gene symbols or Ensembl ids");
                }
                return VarGenes.from(var, matrix.cols, path.getFileName() + " " + varPath);
            });
        }
        return genes;
    }

    /** Cell ids (obs index); "cell0", "cell1", ... when the file stores none. */
    public List<String> cellIds() {
        return guard(path, "read obs", () -> {
            H5adFrame obs = H5adFrame.open(hdf, "obs");
            List<String> ids = obs == null ? null : obs.index();
            if (ids == null) {
                return java.util.stream.IntStream.range(0, cells()).mapToObj(i -> "cell" + i).toList();
            }
            requireLength("obs index", ids.size());
            return ids;
        });
    }

    /** The obs column names in the file's order. */
    public List<String> obsColumnNames() {
        return guard(path, "read obs", () -> {
            H5adFrame obs = H5adFrame.open(hdf, "obs");
            return obs == null ? List.<String>of() : obs.columnNames();
        });
    }

    /** An obs column as strings: categoricals decoded (missing → ""), numbers in decimal. */
    public List<String> obsColumn(String name) {
        return guard(path, "read obs column '" + name + "'", () -> {
            H5adFrame obs = H5adFrame.open(hdf, "obs");
            if (obs == null) {
                throw CytoLabelException.invalid(path.getFileName() + " has no obs, so no column '"
                        + name + "'; add the annotation to adata.obs and write the file again");
            }
            List<String> values = obs.column(name);
            requireLength("obs column '" + name + "'", values.size());
            return values;
        });
    }

    /**
     * Rows {@code from} (inclusive) to {@code to} (exclusive) of the matrix, as float counts with
     * sorted column indices. For CSR files only that slice is read; for CSC the first call reads
     * the whole matrix; for dense X only those rows.
     */
    public CsrMatrix readRows(int from, int to) {
        if (from < 0 || to > cells() || from > to) {
            throw CytoLabelException.invalid("rows " + from + ".." + to + " are outside the "
                    + cells() + " cells of " + path.getFileName() + "; ask for 0 <= from <= to <= "
                    + cells());
        }
        return guard(path, "read rows " + from + ".." + to, () -> matrix.readRows(from, to));
    }

    @Override
    public void close() {
        hdf.close();
    }

    private void requireLength(String what, int n) {
        if (n != cells()) {
            throw CytoLabelException.invalid(path.getFileName() + " " + what + " has " + n
                    + " entries for " + cells() + " cells; the file is inconsistent: write it "
                    + "again with anndata");
        }
    }

    /** Missing, empty and non-HDF5 files, told apart before jhdf sees them. */
    private static void requireHdf5(Path path) {
        if (!Files.isRegularFile(path)) {
            throw CytoLabelException.invalid("no such file: " + path + "; give the path of an "
                    + ".h5ad file written by anndata (adata.write_h5ad)");
        }
        byte[] head = new byte[8];
        int n;
        try (InputStream in = Files.newInputStream(path)) {
            n = in.readNBytes(head, 0, 8);
        } catch (IOException e) {
            throw CytoLabelException.invalid("cannot read " + path + " (" + e.getMessage()
                    + "); check that the file exists and is readable", e);
        }
        if (n == 0) {
            throw CytoLabelException.invalid(path + " is empty (0 bytes); the upload or copy did "
                    + "not finish: write it again with adata.write_h5ad and retry");
        }
        if (n < 8 || !java.util.Arrays.equals(head, SIGNATURE)) {
            throw CytoLabelException.invalid(path + " is not an HDF5 file (no HDF5 signature at its "
                    + "start), so not an .h5ad; write the data with anndata (adata.write_h5ad) or "
                    + "give a 10x directory with matrix.mtx.gz, features.tsv.gz and barcodes.tsv.gz");
        }
    }

    /** As libhdf5 does: the superblock records the file's end; fewer bytes means truncated. */
    private static void requireComplete(Path path, HdfFile hdf) {
        var superblock = guard(path, "read the HDF5 superblock",
                () -> hdf.getHdfBackingStorage().getSuperblock());
        long expected = superblock.getBaseAddressByte() + superblock.getEndOfFileAddress();
        long actual = hdf.size();
        if (actual < expected) {
            throw CytoLabelException.invalid(path + " is truncated: it has " + actual + " bytes but "
                    + "its HDF5 header says " + expected + "; the copy or upload did not finish: copy "
                    + "or download it again");
        }
    }

    private static CytoLabelException noMatrix(Path path, HdfFile hdf, boolean raw) {
        var top = hdf.getChildren().keySet();
        if (!raw && top.contains("matrix")) {
            return CytoLabelException.invalid(path.getFileName() + " is an HDF5 file with a 'matrix' "
                    + "entry and no X: a Cell Ranger .h5 or a loom file, not an .h5ad; give the "
                    + "filtered_feature_bc_matrix/ directory, or convert it (e.g. "
                    + "scanpy.read_10x_h5(path).write_h5ad(...))");
        }
        String hint = raw
                ? "adata.raw was empty when it was written; read X instead (useRaw = false) if X holds "
                        + "raw counts, or store the counts in adata.raw before writing"
                : "put the raw counts in X (e.g. adata.X = adata.layers['counts']) and write it again";
        return CytoLabelException.invalid(path.getFileName() + " has no " + (raw ? "raw/X" : "X")
                + " matrix (top-level entries: " + top + "); " + hint);
    }

    /**
     * Runs a jhdf read, turning any failure other than our own into a message a user can act on.
     * Truncated files typically fail here, when a read goes past the end of the bytes.
     */
    static <T> T guard(Path path, String what, Supplier<T> read) {
        try {
            return read.get();
        } catch (CytoLabelException e) {
            throw e;
        } catch (RuntimeException e) {
            throw CytoLabelException.invalid(path + ": cannot " + what + " - the file looks "
                    + "truncated or damaged (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "); copy or download it again, or write it again with adata.write_h5ad", e);
        }
    }
}
