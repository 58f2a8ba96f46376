package org.cytolabel.core.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.cytolabel.core.error.CytoLabelException;

/**
 * Reads a Matrix Market {@code coordinate} file ({@code integer}, {@code real} or {@code pattern},
 * {@code general}), optionally gzipped, as 10x writes it: genes x cells, 1-based. Returns the
 * transpose, cells x genes, with duplicate entries summed.
 */
final class MatrixMarket {
    private MatrixMarket() {
    }

    /** Opens a text file, gunzipping it when its name ends in {@code .gz}. */
    static BufferedReader open(Path file) throws IOException {
        var in = Files.newInputStream(file);
        try {
            var stream = file.getFileName().toString().endsWith(".gz")
                    ? new GZIPInputStream(in, 1 << 16) : in;
            return new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8), 1 << 16);
        } catch (IOException e) {
            in.close();
            throw e;
        }
    }

    /** The genes x cells file as a cells x genes matrix. */
    static CsrMatrix readTransposed(Path file) {
        String what = file.getFileName().toString();
        try (BufferedReader r = open(file)) {
            String header = r.readLine();
            String field = checkHeader(what, header);
            String line = r.readLine();
            while (line != null && (line.startsWith("%") || line.isBlank())) {
                line = r.readLine();
            }
            if (line == null) {
                throw bad(what, "it ends before its size line (genes cells entries)");
            }
            long[] size = numbers(what, line, 3);
            if (size[0] > Integer.MAX_VALUE || size[1] > Integer.MAX_VALUE
                    || size[2] > Integer.MAX_VALUE - 16) {
                throw bad(what, "its size " + line.strip() + " is beyond what one matrix can hold; "
                        + "split the data into several files");
            }
            int genes = (int) size[0];
            int cells = (int) size[1];
            int entries = (int) size[2];
            int[] cellIdx = new int[entries];
            int[] geneIdx = new int[entries];
            float[] vals = new float[entries];
            boolean pattern = field.equals("pattern");
            String[] t = new String[3];
            int k = 0;
            for (line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isBlank() || line.startsWith("%")) {
                    continue;
                }
                if (k == entries) {
                    throw bad(what, "it has more entries than the " + entries + " its size line says");
                }
                int n = tokens(line, t);
                if (n < (pattern ? 2 : 3)) {
                    throw bad(what, "entry " + (k + 1) + " ('" + line + "') is not 'gene cell value'");
                }
                geneIdx[k] = index(what, t[0], genes, "gene", k);
                cellIdx[k] = index(what, t[1], cells, "cell", k);
                vals[k] = pattern ? 1f : value(what, t[2], k);
                k++;
            }
            if (k != entries) {
                throw bad(what, "it holds " + k + " entries but its size line says " + entries
                        + " (the file is truncated)");
            }
            return CsrAssembly.fromTriplets(cells, genes, cellIdx, geneIdx, vals, entries);
        } catch (IOException e) {
            throw CytoLabelException.invalid("cannot read " + file + " (" + e.getMessage() + "); the "
                    + "file is unreadable or truncated: copy it again from the Cell Ranger output", e);
        }
    }

    /** Splits up to {@code out.length} whitespace-separated tokens; returns how many. */
    private static int tokens(String line, String[] out) {
        int n = 0;
        int i = 0;
        int len = line.length();
        while (n < out.length) {
            while (i < len && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (i == len) {
                break;
            }
            int start = i;
            while (i < len && !Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            out[n++] = line.substring(start, i);
        }
        return n;
    }

    private static String checkHeader(String what, String header) {
        if (header == null) {
            throw bad(what, "it is empty");
        }
        String[] h = header.strip().toLowerCase(Locale.ROOT).split("\\s+");
        if (h.length < 5 || !h[0].equals("%%matrixmarket") || !h[1].equals("matrix")) {
            throw bad(what, "it does not start with a '%%MatrixMarket matrix ...' header");
        }
        if (!h[2].equals("coordinate") || !h[4].equals("general")
                || !(h[3].equals("integer") || h[3].equals("real") || h[3].equals("pattern"))) {
            throw bad(what, "it is '" + String.join(" ", h) + "'; only 'coordinate' matrices of "
                    + "integer, real or pattern values stored 'general' are read, as Cell Ranger writes");
        }
        return h[3];
    }

    private static long[] numbers(String what, String line, int n) {
        String[] t = line.strip().split("\\s+");
        if (t.length < n) {
            throw bad(what, "its size line '" + line + "' is not 'genes cells entries'");
        }
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            try {
                out[i] = Long.parseLong(t[i]);
            } catch (NumberFormatException e) {
                throw bad(what, "its size line '" + line + "' is not 'genes cells entries'");
            }
        }
        return out;
    }

    private static int index(String what, String token, int max, String kind, int entry) {
        int i;
        try {
            i = Integer.parseInt(token);
        } catch (NumberFormatException e) {
            throw bad(what, "entry " + (entry + 1) + " has " + kind + " index '" + token
                    + "', not an integer");
        }
        if (i < 1 || i > max) {
            throw bad(what, "entry " + (entry + 1) + " has " + kind + " index " + i + " outside 1.."
                    + max);
        }
        return i - 1;
    }

    private static float value(String what, String token, int entry) {
        try {
            return Float.parseFloat(token);
        } catch (NumberFormatException e) {
            throw bad(what, "entry " + (entry + 1) + " has value '" + token + "', not a number");
        }
    }

    static CytoLabelException bad(String what, String problem) {
        return CytoLabelException.invalid(what + " is not a valid 10x matrix: " + problem
                + "; give the matrix.mtx.gz that Cell Ranger wrote, unchanged");
    }
}
