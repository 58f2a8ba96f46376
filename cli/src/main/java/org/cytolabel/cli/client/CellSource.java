package org.cytolabel.cli.client;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.cytolabel.core.data.CellDataset;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.data.DatasetReader;
import org.cytolabel.core.data.H5adFile;

/** Cells to annotate, read block by block: an h5ad streamed from disk, or cells in memory. */
public interface CellSource extends AutoCloseable {
    List<String> geneIds();

    int cells();

    /** Rows {@code from} to {@code to} (exclusive) as raw counts over {@link #geneIds()}. */
    CsrMatrix counts(int from, int to);

    List<String> cellIds(int from, int to);

    @Override
    default void close() {
    }

    /** An .h5ad file is streamed in blocks; a 10x directory is read whole. */
    static CellSource open(Path path) {
        if (Files.isRegularFile(path) && path.toString().endsWith(".h5ad")) {
            H5adFile file = H5adFile.open(path);
            List<String> ids = file.cellIds();
            List<String> genes = file.genes().identifiers();
            return new CellSource() {
                @Override
                public List<String> geneIds() {
                    return genes;
                }

                @Override
                public int cells() {
                    return file.cells();
                }

                @Override
                public CsrMatrix counts(int from, int to) {
                    return file.readRows(from, to);
                }

                @Override
                public List<String> cellIds(int from, int to) {
                    return ids.subList(from, to);
                }

                @Override
                public void close() {
                    file.close();
                }
            };
        }
        return of(DatasetReader.read(path));
    }

    static CellSource of(CellDataset d) {
        List<String> genes = d.genes().identifiers();
        return new CellSource() {
            @Override
            public List<String> geneIds() {
                return genes;
            }

            @Override
            public int cells() {
                return d.cells();
            }

            @Override
            public CsrMatrix counts(int from, int to) {
                return d.counts().sliceRows(from, to);
            }

            @Override
            public List<String> cellIds(int from, int to) {
                return d.cellIds().subList(from, to);
            }
        };
    }
}
