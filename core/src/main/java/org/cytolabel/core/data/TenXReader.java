package org.cytolabel.core.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cytolabel.core.error.CytoLabelException;

/**
 * Reads a 10x Cell Ranger matrix directory: {@code matrix.mtx(.gz)} (genes x cells),
 * {@code features.tsv(.gz)} (id, symbol, type; Cell Ranger 3+) or {@code genes.tsv(.gz)} (id,
 * symbol; Cell Ranger 2), {@code barcodes.tsv(.gz)}. An optional {@code cell_metadata.csv} (header
 * row, first column the barcode) joins as obs by barcode; cells it does not list get "".
 */
public final class TenXReader {
    static final String METADATA = "cell_metadata.csv";

    private TenXReader() {
    }

    public static CellDataset read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw CytoLabelException.invalid(dir + " is not a directory; give the 10x directory "
                    + "holding matrix.mtx.gz, features.tsv.gz and barcodes.tsv.gz");
        }
        Path matrixFile = find(dir, "matrix.mtx");
        Path featureFile = find(dir, "features.tsv");
        if (featureFile == null) {
            featureFile = find(dir, "genes.tsv");
        }
        Path barcodeFile = find(dir, "barcodes.tsv");
        if (matrixFile == null || featureFile == null || barcodeFile == null) {
            throw missingFiles(dir);
        }
        GeneList genes = readFeatures(featureFile);
        List<String> barcodes = readBarcodes(barcodeFile);
        CsrMatrix counts = MatrixMarket.readTransposed(matrixFile);
        if (counts.cols() != genes.size() || counts.rows() != barcodes.size()) {
            throw CytoLabelException.invalid(dir + ": " + matrixFile.getFileName() + " is "
                    + counts.cols() + " genes x " + counts.rows() + " cells but "
                    + featureFile.getFileName() + " lists " + genes.size() + " genes and "
                    + barcodeFile.getFileName() + " " + barcodes.size() + " barcodes; the files "
                    + "come from different runs: copy all three from one Cell Ranger output folder");
        }
        Path meta = dir.resolve(METADATA);
        Map<String, List<String>> obs = Files.isRegularFile(meta)
                ? readMetadata(meta, barcodes) : Map.of();
        return new CellDataset(dir.getFileName().toString(), counts, barcodes, genes, obs);
    }

    private static Path find(Path dir, String name) {
        for (String n : new String[] {name + ".gz", name}) {
            Path p = dir.resolve(n);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    private static CytoLabelException missingFiles(Path dir) {
        List<String> present = new ArrayList<>();
        try (var s = Files.list(dir)) {
            s.map(p -> p.getFileName().toString()).sorted().forEach(present::add);
        } catch (IOException e) {
            present.add("(unreadable: " + e.getMessage() + ")");
        }
        String hint = Files.isDirectory(dir.resolve("filtered_feature_bc_matrix"))
                ? "; it has a filtered_feature_bc_matrix/ folder: give that folder"
                : "";
        return CytoLabelException.invalid(dir + " is not a 10x matrix directory: it needs "
                + "matrix.mtx(.gz), features.tsv(.gz) or genes.tsv(.gz), and barcodes.tsv(.gz), but "
                + "holds " + (present.size() > 8 ? present.subList(0, 8) + " and " + (present.size() - 8)
                        + " more" : present) + hint);
    }

    /** Feature ids and symbols; ids that are Ensembl ids go to the Ensembl list. */
    static GeneList readFeatures(Path file) {
        List<String> symbols = new ArrayList<>();
        List<String> ensembl = new ArrayList<>();
        for (String line : lines(file)) {
            String[] t = line.split("\t", -1);
            String id = t[0].strip();
            String symbol = t.length > 1 && !t[1].isBlank() ? t[1].strip() : id;
            symbols.add(symbol);
            ensembl.add(GeneIds.isEnsembl(id) ? id : "");
        }
        return new GeneList(symbols, ensembl);
    }

    static List<String> readBarcodes(Path file) {
        return lines(file).stream().map(String::strip).toList();
    }

    /** Non-blank lines of a (gzipped) text file. */
    private static List<String> lines(Path file) {
        List<String> out = new ArrayList<>();
        try (BufferedReader r = MatrixMarket.open(file)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.isBlank()) {
                    out.add(line);
                }
            }
        } catch (IOException e) {
            throw CytoLabelException.invalid("cannot read " + file + " (" + e.getMessage() + "); the "
                    + "file is unreadable or truncated: copy it again from the Cell Ranger output", e);
        }
        return out;
    }

    /** The metadata columns, aligned to {@code barcodes}; the first column is the barcode. */
    static Map<String, List<String>> readMetadata(Path file, List<String> barcodes) {
        List<String> lines = lines(file);
        if (lines.isEmpty()) {
            return Map.of();
        }
        List<String> header = Csv.parse(lines.get(0));
        int width = header.size();
        Map<String, List<String>> byBarcode = new HashMap<>();
        for (int i = 1; i < lines.size(); i++) {
            List<String> row = Csv.parse(lines.get(i));
            if (row.size() != width) {
                throw CytoLabelException.invalid(file + " line " + (i + 1) + " has " + row.size()
                        + " fields but the header has " + width + "; write the metadata with a "
                        + "CSV writer (pandas to_csv) so that fields with commas are quoted");
            }
            byBarcode.putIfAbsent(row.get(0), row);
        }
        Map<String, List<String>> obs = new LinkedHashMap<>();
        for (int c = 1; c < width; c++) {
            List<String> column = new ArrayList<>(barcodes.size());
            for (String b : barcodes) {
                List<String> row = byBarcode.get(b);
                column.add(row == null ? "" : row.get(c));
            }
            obs.put(header.get(c), column);
        }
        return obs;
    }

    /** One line of RFC 4180 CSV: commas, double-quoted fields, "" for a quote inside quotes. */
    static final class Csv {
        private Csv() {
        }

        static List<String> parse(String line) {
            List<String> out = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < line.length(); i++) {
                char ch = line.charAt(i);
                if (quoted) {
                    if (ch == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else if (ch == '"') {
                        quoted = false;
                    } else {
                        field.append(ch);
                    }
                } else if (ch == '"') {
                    quoted = true;
                } else if (ch == ',') {
                    out.add(field.toString());
                    field.setLength(0);
                } else if (ch != '\r') {
                    field.append(ch);
                }
            }
            out.add(field.toString());
            return out;
        }
    }
}
