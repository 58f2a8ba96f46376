package org.cytolabel.trainer.graph;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.cytolabel.core.error.CytoLabelException;

/**
 * A prior gene-interaction graph on a model's gene panel, as a sparse symmetric matrix in CSR form
 * (row = the gene that receives, columns = its neighbours).
 *
 * <p>Loading: an edge list with two gene-symbol columns and an optional numeric score (tab or
 * whitespace separated, gzip or plain, detected from the bytes). A header line is recognised by
 * its column names: {@code symbol_a/symbol_b} (SEMgraph's STRING export, whose first two columns
 * are Entrez ids), {@code TF/Target} (TRRUST), {@code protein1/protein2}, {@code gene_a/gene_b}, and a
 * score column named {@code score}, {@code combined_score} or {@code weight}. Without a header the
 * first two columns are genes and a numeric third column is the score. Edges without a score weigh
 * 1. Symbols match the panel case-insensitively; edges with a gene outside the panel are dropped
 * and the distinct unknown symbols counted. Every edge is made undirected (TRRUST's TF to target
 * direction is not kept); a pair listed twice keeps its largest score.
 *
 * <p>Normalisation: scores are divided by the largest kept score ({@link Normalization#MAX}, the
 * method's rule), then the diagonal is set ({@link Diagonal}); {@link Normalization#SYM} further
 * divides {@code A_ij} by {@code sqrt(d_i d_j)} with {@code d} the row sums after the diagonal
 * step (the usual GCN normalisation, which keeps hub genes' sums bounded).
 */
public final class GeneGraph {
    /** The classpath copy of STRING v10.5 (SEMgraph export), so training works without data/. */
    public static final String STRING_RESOURCE = "string_v10.5_human_SEMgraph_edges.tsv.gz";
    /** The classpath copy of TRRUST v2 human. */
    public static final String TRRUST_RESOURCE = "trrust_rawdata.human.txt";
    private static final Set<String> GENE_A = Set.of("symbol_a", "symbol1", "gene_a", "gene1", "genea", "tf",
            "protein1", "source", "from", "preferred_name_a");
    private static final Set<String> GENE_B = Set.of("symbol_b", "symbol2", "gene_b", "gene2", "geneb", "target",
            "protein2", "to", "preferred_name_b");
    private static final Set<String> SCORE = Set.of("score", "combined_score", "weight");
    private static final Set<String> OTHER_HEADER = Set.of("entrez_a", "entrez_b", "mode_of_regulation",
            "references_pmid");

    /** What to do with the diagonal (self loops) after normalisation. */
    public enum Diagonal {
        /** Keep self loops as the file gives them (normalised like any edge). */
        NONE,
        /** Remove every self loop. */
        ZERO,
        /** Every panel gene gets a self loop of weight 1. */
        UNIT;

        /** "none", "zero" or "unit" (case-insensitive). */
        public static Diagonal parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw CytoLabelException.invalid("diagonal '" + s + "' is not one of none, zero, unit");
            }
        }
    }

    /** How scores are scaled. */
    public enum Normalization {
        /** Divide by the largest score. */
        MAX,
        /** Divide by the largest score, then {@code A_ij / sqrt(d_i d_j)}. */
        SYM;

        /** "max" or "sym" (case-insensitive). */
        public static Normalization parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw CytoLabelException.invalid("normalize '" + s + "' is not one of max, sym");
            }
        }
    }

    /**
     * What loading found.
     *
     * @param source        where the edges came from
     * @param panelGenes    genes in the panel
     * @param coveredGenes  panel genes with at least one kept edge to another gene
     * @param fileEdges     edge lines read
     * @param keptEdges     distinct undirected gene pairs kept (self loops not counted)
     * @param droppedEdges  edge lines dropped because a gene is not in the panel
     * @param unknownGenes  distinct symbols in the file that are not in the panel
     */
    public record Stats(String source, int panelGenes, int coveredGenes, long fileEdges, int keptEdges,
            long droppedEdges, int unknownGenes) {
    }

    private final int genes;
    private final int[] rowPtr;
    private final int[] cols;
    private final float[] weights;
    private final boolean[] covered;
    private final Stats stats;

    private GeneGraph(int genes, int[] rowPtr, int[] cols, float[] weights, boolean[] covered, Stats stats) {
        this.genes = genes;
        this.rowPtr = rowPtr;
        this.cols = cols;
        this.weights = weights;
        this.covered = covered;
        this.stats = stats;
    }

    /**
     * Loads the graph named by {@code spec}: "string" (bundled STRING v10.5), "trrust" (bundled
     * TRRUST v2) or a filesystem path to an edge list.
     */
    public static GeneGraph load(String spec, List<String> panel, Diagonal diagonal, Normalization normalization) {
        String s = spec.trim();
        if (s.equalsIgnoreCase("string") || s.equalsIgnoreCase("trrust")) {
            String resource = s.equalsIgnoreCase("string") ? STRING_RESOURCE : TRRUST_RESOURCE;
            InputStream in = GeneGraph.class.getResourceAsStream(resource);
            if (in == null) {
                throw new IllegalStateException("the bundled gene graph " + resource + " is missing from the class path");
            }
            return read(in, s.toLowerCase(Locale.ROOT) + " (bundled " + resource + ")", panel, diagonal, normalization);
        }
        Path path = Path.of(s);
        if (!Files.isRegularFile(path)) {
            throw CytoLabelException.invalid("graph '" + spec + "' is neither 'string', 'trrust' nor a readable edge"
                    + " list file; give a TSV with two gene-symbol columns and an optional score");
        }
        try {
            return read(Files.newInputStream(path), path.toString(), panel, diagonal, normalization);
        } catch (IOException e) {
            throw CytoLabelException.invalid("cannot read graph file " + path + ": " + e.getMessage(), e);
        }
    }

    /** Reads an edge list (gzip or plain) from {@code in}, closing it. */
    public static GeneGraph read(InputStream in, String source, List<String> panel, Diagonal diagonal,
            Normalization normalization) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < panel.size(); i++) {
            index.putIfAbsent(panel.get(i).toLowerCase(Locale.ROOT), i);
        }
        Map<Long, Float> pairs = new HashMap<>();
        Map<Integer, Float> selfLoops = new TreeMap<>();
        Set<String> unknown = new HashSet<>();
        long lines = 0;
        long dropped = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(maybeGunzip(in), StandardCharsets.UTF_8))) {
            int colA = 0;
            int colB = 1;
            int colScore = -1;
            boolean first = true;
            boolean scoreFromThird = false;
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                String[] f = line.indexOf('\t') >= 0 ? line.split("\t", -1) : line.trim().split("\\s+");
                if (first) {
                    first = false;
                    int[] header = header(f);
                    if (header != null) {
                        colA = header[0];
                        colB = header[1];
                        colScore = header[2];
                        continue;
                    }
                    scoreFromThird = f.length > 2 && isNumber(f[2]);
                    colScore = scoreFromThird ? 2 : -1;
                }
                if (f.length <= Math.max(colA, colB)) {
                    throw CytoLabelException.invalid(source + ": line " + (lines + 1) + " has " + f.length
                            + " columns, expected gene columns " + (colA + 1) + " and " + (colB + 1));
                }
                lines++;
                String a = f[colA].trim();
                String b = f[colB].trim();
                float score = 1f;
                if (colScore >= 0 && colScore < f.length) {
                    try {
                        score = Float.parseFloat(f[colScore].trim());
                    } catch (NumberFormatException e) {
                        throw CytoLabelException.invalid(source + ": score '" + f[colScore] + "' on edge " + a + " - "
                                + b + " is not a number", e);
                    }
                    if (!(score >= 0) || !Float.isFinite(score)) {
                        throw CytoLabelException.invalid(source + ": edge " + a + " - " + b + " has score " + score
                                + "; scores must be finite and non-negative");
                    }
                }
                Integer ia = index.get(a.toLowerCase(Locale.ROOT));
                Integer ib = index.get(b.toLowerCase(Locale.ROOT));
                if (ia == null) {
                    unknown.add(a.toLowerCase(Locale.ROOT));
                }
                if (ib == null) {
                    unknown.add(b.toLowerCase(Locale.ROOT));
                }
                if (ia == null || ib == null) {
                    dropped++;
                    continue;
                }
                if (ia.intValue() == ib.intValue()) {
                    selfLoops.merge(ia, score, Math::max);
                } else {
                    int lo = Math.min(ia, ib);
                    int hi = Math.max(ia, ib);
                    pairs.merge(((long) lo << 32) | hi, score, Math::max);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read gene graph " + source, e);
        }
        int n = pairs.size();
        int[] ea = new int[n];
        int[] eb = new int[n];
        float[] es = new float[n];
        int k = 0;
        for (var e : pairs.entrySet()) {
            ea[k] = (int) (e.getKey() >>> 32);
            eb[k] = (int) (e.getKey() & 0xffffffffL);
            es[k] = e.getValue();
            k++;
        }
        int[] loops = selfLoops.keySet().stream().mapToInt(Integer::intValue).toArray();
        float[] loopScores = new float[loops.length];
        for (int i = 0; i < loops.length; i++) {
            loopScores[i] = selfLoops.get(loops[i]);
        }
        return build(panel.size(), ea, eb, es, loops, loopScores, diagonal, normalization,
                source, lines, dropped, unknown.size());
    }

    /**
     * A graph from undirected edges {@code (a[i], b[i])} with {@code score[i]} (no self loops among
     * them) and optional self loops, on {@code genes} genes; for tests and programmatic graphs.
     */
    public static GeneGraph fromEdges(int genes, int[] a, int[] b, float[] score, int[] loops, float[] loopScores,
            Diagonal diagonal, Normalization normalization) {
        Map<Long, Float> pairs = new HashMap<>();
        for (int i = 0; i < a.length; i++) {
            if (a[i] == b[i]) {
                throw new IllegalArgumentException("self loop " + a[i] + " among the edges; pass it as a loop");
            }
            pairs.merge(((long) Math.min(a[i], b[i]) << 32) | Math.max(a[i], b[i]), score[i], Math::max);
        }
        int n = pairs.size();
        int[] ea = new int[n];
        int[] eb = new int[n];
        float[] es = new float[n];
        int k = 0;
        for (var e : pairs.entrySet()) {
            ea[k] = (int) (e.getKey() >>> 32);
            eb[k] = (int) (e.getKey() & 0xffffffffL);
            es[k] = e.getValue();
            k++;
        }
        return build(genes, ea, eb, es, loops, loopScores, diagonal, normalization,
                "edges", a.length, 0, 0);
    }

    private static GeneGraph build(int genes, int[] ea, int[] eb, float[] es, int[] loops, float[] loopScores,
            Diagonal diagonal, Normalization normalization, String source, long fileEdges, long dropped,
            int unknown) {
        double max = 0;
        for (float s : es) {
            max = Math.max(max, s);
        }
        for (float s : loopScores) {
            max = Math.max(max, s);
        }
        // dense-per-row builders (sorted by column)
        List<TreeMap<Integer, Double>> rows = new ArrayList<>(genes);
        for (int i = 0; i < genes; i++) {
            rows.add(new TreeMap<>());
        }
        boolean[] covered = new boolean[genes];
        for (int i = 0; i < ea.length; i++) {
            double w = max > 0 ? es[i] / max : 0;
            rows.get(ea[i]).put(eb[i], w);
            rows.get(eb[i]).put(ea[i], w);
            covered[ea[i]] = true;
            covered[eb[i]] = true;
        }
        switch (diagonal) {
            case NONE -> {
                for (int i = 0; i < loops.length; i++) {
                    rows.get(loops[i]).put(loops[i], max > 0 ? loopScores[i] / max : 0);
                }
            }
            case ZERO -> { }
            case UNIT -> {
                for (int i = 0; i < genes; i++) {
                    rows.get(i).put(i, 1.0);
                }
            }
            default -> throw new IllegalStateException();
        }
        if (normalization == Normalization.SYM) {
            double[] degree = new double[genes];
            for (int i = 0; i < genes; i++) {
                for (double w : rows.get(i).values()) {
                    degree[i] += w;
                }
            }
            for (int i = 0; i < genes; i++) {
                for (var e : rows.get(i).entrySet()) {
                    double d = Math.sqrt(degree[i] * degree[e.getKey()]);
                    e.setValue(d > 0 ? e.getValue() / d : 0);
                }
            }
        }
        int nnz = rows.stream().mapToInt(TreeMap::size).sum();
        int[] rowPtr = new int[genes + 1];
        int[] cols = new int[nnz];
        float[] weights = new float[nnz];
        int k = 0;
        for (int i = 0; i < genes; i++) {
            for (var e : rows.get(i).entrySet()) {
                cols[k] = e.getKey();
                weights[k] = (float) (double) e.getValue();
                k++;
            }
            rowPtr[i + 1] = k;
        }
        int coveredCount = 0;
        for (boolean c : covered) {
            coveredCount += c ? 1 : 0;
        }
        Stats stats = new Stats(source, genes, coveredCount, fileEdges, ea.length, dropped, unknown);
        return new GeneGraph(genes, rowPtr, cols, weights, covered, stats);
    }

    /** This graph restricted to {@code keep} (gene indices, in the new order); weights unchanged. */
    public GeneGraph restrict(int[] keep) {
        int[] newIndex = new int[genes];
        Arrays.fill(newIndex, -1);
        for (int i = 0; i < keep.length; i++) {
            newIndex[keep[i]] = i;
        }
        int[] ptr = new int[keep.length + 1];
        List<Integer> c = new ArrayList<>();
        List<Float> w = new ArrayList<>();
        boolean[] cov = new boolean[keep.length];
        for (int i = 0; i < keep.length; i++) {
            int g = keep[i];
            for (int p = rowPtr[g]; p < rowPtr[g + 1]; p++) {
                int j = newIndex[cols[p]];
                if (j >= 0) {
                    c.add(j);
                    w.add(weights[p]);
                    if (j != i) {
                        cov[i] = true;
                    }
                }
            }
            ptr[i + 1] = c.size();
        }
        int[] cols2 = c.stream().mapToInt(Integer::intValue).toArray();
        float[] w2 = new float[w.size()];
        for (int i = 0; i < w2.length; i++) {
            w2[i] = w.get(i);
        }
        return new GeneGraph(keep.length, ptr, cols2, w2, cov, stats);
    }

    /** Number of genes (rows). */
    public int genes() {
        return genes;
    }

    /** Stored entries (both directions of each edge, plus the diagonal). */
    public int nonZeros() {
        return cols.length;
    }

    /** Start of each row's entries in {@link #columns()}; length {@code genes + 1}. */
    public int[] rowPointers() {
        return rowPtr.clone();
    }

    /** Neighbour gene of each entry, ascending within a row. */
    public int[] columns() {
        return cols.clone();
    }

    /** Weight of each entry. */
    public float[] weights() {
        return weights.clone();
    }

    /** Whether gene {@code g} has an edge to another gene. */
    public boolean isCovered(int g) {
        return covered[g];
    }

    /** Indices of the genes with an edge to another gene, ascending. */
    public int[] coveredGenes() {
        return java.util.stream.IntStream.range(0, genes).filter(g -> covered[g]).toArray();
    }

    /** The counts loading found. */
    public Stats stats() {
        return stats;
    }

    /** Largest number of entries in one row. */
    public int maxDegree() {
        int m = 0;
        for (int i = 0; i < genes; i++) {
            m = Math.max(m, rowPtr[i + 1] - rowPtr[i]);
        }
        return m;
    }

    /** The matrix as dense rows (small graphs and tests only). */
    public float[][] dense() {
        float[][] d = new float[genes][genes];
        for (int i = 0; i < genes; i++) {
            for (int p = rowPtr[i]; p < rowPtr[i + 1]; p++) {
                d[i][cols[p]] = weights[p];
            }
        }
        return d;
    }

    private static int[] header(String[] f) {
        int a = -1;
        int b = -1;
        int s = -1;
        boolean any = false;
        for (int i = 0; i < f.length; i++) {
            String h = f[i].trim().toLowerCase(Locale.ROOT);
            if (GENE_A.contains(h) && a < 0) {
                a = i;
                any = true;
            } else if (GENE_B.contains(h) && b < 0) {
                b = i;
                any = true;
            } else if (SCORE.contains(h) && s < 0) {
                s = i;
                any = true;
            } else if (OTHER_HEADER.contains(h)) {
                any = true;
            }
        }
        if (!any) {
            return null;
        }
        if (a < 0 || b < 0) {
            throw CytoLabelException.invalid("the edge list header " + Arrays.toString(f) + " names no two gene"
                    + " columns; use symbol_a/symbol_b, TF/Target, gene_a/gene_b or protein1/protein2, or no header");
        }
        return new int[] {a, b, s};
    }

    private static boolean isNumber(String s) {
        try {
            Float.parseFloat(s.trim());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static InputStream maybeGunzip(InputStream in) throws IOException {
        BufferedInputStream b = new BufferedInputStream(in);
        b.mark(2);
        int m0 = b.read();
        int m1 = b.read();
        b.reset();
        return m0 == 0x1f && m1 == 0x8b ? new GZIPInputStream(b, 1 << 16) : b;
    }
}
