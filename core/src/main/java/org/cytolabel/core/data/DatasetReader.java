package org.cytolabel.core.data;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cytolabel.core.error.CytoLabelException;

/**
 * Reads a whole dataset from an AnnData {@code .h5ad} file or a 10x Cell Ranger matrix directory
 * ({@code matrix.mtx(.gz)}, {@code features.tsv(.gz)} or {@code genes.tsv(.gz)},
 * {@code barcodes.tsv(.gz)}). The dataset is named after the file or directory, without extension.
 * To stream a large h5ad in row blocks, use {@link H5adFile#readRows} instead.
 */
public final class DatasetReader {
    private DatasetReader() {
    }

    public static CellDataset read(Path path) {
        return read(path, ReadOptions.defaults());
    }

    public static CellDataset read(Path path, ReadOptions options) {
        if (path == null || !Files.exists(path)) {
            throw CytoLabelException.invalid("no such file or directory: " + path + "; give an .h5ad "
                    + "file or a 10x directory holding matrix.mtx.gz, features.tsv.gz and "
                    + "barcodes.tsv.gz");
        }
        if (Files.isDirectory(path)) {
            return TenXReader.read(path);
        }
        String file = path.getFileName().toString();
        if (file.endsWith(".mtx") || file.endsWith(".mtx.gz")) {
            throw CytoLabelException.invalid(path + " is a single Matrix Market file; give the "
                    + "directory that holds it together with features.tsv.gz and barcodes.tsv.gz");
        }
        return readH5ad(path, options);
    }

    private static CellDataset readH5ad(Path path, ReadOptions options) {
        try (H5adFile f = H5adFile.open(path, options)) {
            CsrMatrix counts = f.readRows(0, f.cells());
            Map<String, List<String>> obs = new LinkedHashMap<>();
            for (String column : f.obsColumnNames()) {
                obs.put(column, f.obsColumn(column));
            }
            return new CellDataset(name(path), counts, f.cellIds(), f.genes(), obs);
        }
    }

    /** The file or directory name without its extension ("pbmc.h5ad" → "pbmc"). */
    static String name(Path path) {
        String n = path.getFileName().toString();
        if (n.endsWith(".gz")) {
            n = n.substring(0, n.length() - 3);
        }
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }
}
