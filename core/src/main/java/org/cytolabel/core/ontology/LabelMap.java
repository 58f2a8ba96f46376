package org.cytolabel.core.ontology;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.cytolabel.core.error.CytoLabelException;

/**
 * Maps each dataset's own label vocabulary to Cell Ontology ids, read from a tab-separated file with a
 * header row and the columns {@code dataset}, {@code label}, {@code cl_id} (e.g. {@code data/ontology/label_to_cl.tsv}).
 */
public final class LabelMap {
    private static final LabelMap EMPTY = new LabelMap(Map.of());

    /** dataset -> (label -> CL id), insertion-ordered. */
    private final Map<String, Map<String, String>> byDataset;
    /** label -> the distinct CL ids it maps to across datasets. */
    private final Map<String, Set<String>> byLabel;

    private LabelMap(Map<String, Map<String, String>> byDataset) {
        this.byDataset = byDataset;
        Map<String, Set<String>> labels = new HashMap<>();
        byDataset.values().forEach(m -> m.forEach(
                (label, cl) -> labels.computeIfAbsent(label, k -> new LinkedHashSet<>()).add(cl)));
        this.byLabel = labels;
    }

    /** A map that knows no labels. */
    public static LabelMap empty() {
        return EMPTY;
    }

    /** Reads the TSV; blank lines and lines starting with {@code #} are skipped. */
    public static LabelMap load(Path tsv) {
        if (!Files.isRegularFile(tsv)) {
            throw CytoLabelException.notFound("label map " + tsv + " does not exist; pass a TSV with columns"
                    + " dataset, label, cl_id such as data/ontology/label_to_cl.tsv");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw CytoLabelException.invalid("cannot read label map " + tsv + ": " + e.getMessage(), e);
        }
        return fromLines(lines, tsv.toString());
    }

    /** Reads the table from a stream (e.g. a classpath resource); {@code source} names it in errors. */
    public static LabelMap load(java.io.InputStream in, String source) {
        try {
            return fromLines(new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList(), source);
        } catch (IOException e) {
            throw CytoLabelException.invalid("cannot read label map " + source + ": " + e.getMessage(), e);
        }
    }

    private static LabelMap fromLines(List<String> lines, String source) {
        Map<String, Map<String, String>> byDataset = new LinkedHashMap<>();
        int[] cols = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t", -1);
            if (cols == null) {
                cols = headerColumns(f, source);
                continue;
            }
            int need = Math.max(cols[0], Math.max(cols[1], cols[2]));
            if (f.length <= need) {
                throw CytoLabelException.invalid("label map " + source + " line " + (i + 1) + " has " + f.length
                        + " tab-separated fields, expected at least " + (need + 1) + "; fix that line");
            }
            String dataset = f[cols[0]].strip();
            String label = f[cols[1]].strip();
            String cl = f[cols[2]].strip();
            if (label.isEmpty() || !cl.matches("[A-Za-z]+:\\d+")) {
                throw CytoLabelException.invalid("label map " + source + " line " + (i + 1) + ": label '" + label
                        + "' -> '" + cl + "' is not a label with a CURIE such as CL:0000236; fix that line");
            }
            String previous = byDataset.computeIfAbsent(dataset, k -> new LinkedHashMap<>()).put(label, cl);
            if (previous != null && !previous.equals(cl)) {
                throw CytoLabelException.invalid("label map " + source + " maps '" + label + "' in dataset '" + dataset
                        + "' to both " + previous + " and " + cl + "; keep one row per (dataset, label)");
            }
        }
        if (cols == null) {
            throw CytoLabelException.invalid("label map " + source + " is empty; expected a header row"
                    + " 'dataset<TAB>label<TAB>cl_id' and one row per label");
        }
        byDataset.replaceAll((k, v) -> Collections.unmodifiableMap(v));
        return new LabelMap(Collections.unmodifiableMap(byDataset));
    }

    private static int[] headerColumns(String[] header, String source) {
        int[] cols = {-1, -1, -1};
        for (int c = 0; c < header.length; c++) {
            switch (header[c].strip().toLowerCase()) {
                case "dataset" -> cols[0] = c;
                case "label" -> cols[1] = c;
                case "cl_id" -> cols[2] = c;
                default -> { }
            }
        }
        if (cols[0] < 0 || cols[1] < 0 || cols[2] < 0) {
            throw CytoLabelException.invalid("label map " + source + " header is '" + String.join("\t", header)
                    + "'; it must name the columns dataset, label and cl_id (tab-separated)");
        }
        return cols;
    }

    /** The CL id for a label in one dataset's vocabulary. */
    public Optional<String> clId(String dataset, String label) {
        Map<String, String> m = byDataset.get(dataset);
        return Optional.ofNullable(m == null || label == null ? null : m.get(label.strip()));
    }

    /** The CL id for a label looked up across all datasets; empty when unknown or when datasets disagree. */
    public Optional<String> clId(String label) {
        Set<String> ids = label == null ? null : byLabel.get(label.strip());
        return ids != null && ids.size() == 1 ? Optional.of(ids.iterator().next()) : Optional.empty();
    }

    /** Dataset names, in file order. */
    public Set<String> datasets() {
        return byDataset.keySet();
    }

    /** One dataset's label to CL id map (empty when the dataset is unknown). */
    public Map<String, String> labels(String dataset) {
        return byDataset.getOrDefault(dataset, Map.of());
    }

    /** Every distinct CL id the map refers to. */
    public Set<String> allClIds() {
        Set<String> all = new LinkedHashSet<>();
        byDataset.values().forEach(m -> all.addAll(m.values()));
        return Collections.unmodifiableSet(all);
    }

    /** Number of (dataset, label) rows. */
    public int size() {
        return byDataset.values().stream().mapToInt(Map::size).sum();
    }
}
