package org.cytolabel.trainer.eval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.cytolabel.core.data.CellDataset;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.data.DatasetReader;
import org.cytolabel.core.data.GeneList;
import org.cytolabel.core.ontology.BundledOntology;
import org.cytolabel.core.ontology.LabelMap;
import org.cytolabel.core.panel.GeneAligner;
import org.cytolabel.core.panel.GenePanel;
import org.cytolabel.trainer.model.TrainingData;
import org.cytolabel.trainer.train.LabeledMatrix;

/**
 * The evaluation splits the issues name, built from the bundled data directory ({@code data/}),
 * identical for every model family so their numbers sit side by side:
 * <ul>
 * <li>{@code kang-donor} (DESIGN.md's S3): Kang control cells ({@code kang_se}, 8 donors); donors
 * 101 and 1015 are the test set, the other six train;</li>
 * <li>{@code kang-ctrl-stim} (S2): {@code example_sce}; train on control cells, test on the
 * IFN-β-stimulated cells (given unlabeled as the target domain);</li>
 * <li>{@code sorted-pbmc68k} (S4): FACS-sorted PBMC trains on the genes it shares with PBMC 68k; the
 * 68k cells are the test set, scored by Cell Ontology id (those whose type has no sorted
 * counterpart have truth -1).</li>
 * <li>{@code sorted-heldout} (S1-like): sorted PBMC, a stratified 20% held out.</li>
 * </ul>
 * In every split 10% of the training cells (stratified, by {@code seed}) are the validation set.
 */
public final class StandardSplits {
    public static final String KANG_SE = "h5ad/kang2018_muscat_kang_se.h5ad";
    public static final String KANG_EXAMPLE = "h5ad/kang2018_muscat_example_sce.h5ad";
    public static final String SORTED = "h5ad/zheng2017_sorted_MUDAN_referenceCounts.h5ad";
    public static final String PBMC68K = "h5ad/zheng2017_pbmc68k_reduced_counts_scanpy.h5ad";
    public static final List<String> NAMES = List.of("kang-donor", "kang-ctrl-stim", "sorted-pbmc68k",
            "sorted-heldout");
    /** DESIGN.md's S3 test donors. */
    public static final List<String> KANG_TEST_DONORS = List.of("101", "1015");
    private static final double VALIDATION = 0.1;
    private static final LabelMap LABELS = BundledOntology.labelMap();

    private StandardSplits() {
    }

    /** The split called {@code name} (one of {@link #NAMES}) from {@code dataDir}. */
    public static BenchmarkSplit load(String name, Path dataDir, long seed) {
        return switch (name) {
            case "kang-donor" -> kangByDonor(dataDir, seed);
            case "kang-ctrl-stim" -> kangCtrlToStim(dataDir, seed);
            case "sorted-pbmc68k" -> sortedToPbmc68k(dataDir, seed);
            case "sorted-heldout" -> sortedHeldOut(dataDir, seed);
            default -> throw new IllegalArgumentException("unknown split '" + name + "'; known: " + NAMES);
        };
    }

    public static BenchmarkSplit kangByDonor(Path dataDir, long seed) {
        CellDataset d = DatasetReader.read(dataDir.resolve(KANG_SE));
        List<String> donors = d.obsColumn("sample_id");
        Set<String> test = Set.copyOf(KANG_TEST_DONORS);
        int[] testRows = rows(donors, test::contains);
        int[] trainRows = rows(donors, s -> !test.contains(s));
        return build("kang-donor", "Kang control (kang_se), test donors " + KANG_TEST_DONORS
                + ", the other six train (S3)", d, "cluster_id", "kang2018_muscat",
                trainRows, d, testRows, "cluster_id", "kang2018_muscat", "sample_id", false, seed);
    }

    public static BenchmarkSplit kangCtrlToStim(Path dataDir, long seed) {
        CellDataset d = DatasetReader.read(dataDir.resolve(KANG_EXAMPLE));
        List<String> group = d.obsColumn("group_id");
        int[] ctrl = rows(group, "ctrl"::equals);
        int[] stim = rows(group, "stim"::equals);
        return build("kang-ctrl-stim", "Kang example_sce, train control, test IFN-beta stimulated (unlabeled target)",
                d, "cluster_id", "kang2018_muscat", ctrl, d, stim, "cluster_id", "kang2018_muscat", "sample_id", true,
                seed);
    }

    public static BenchmarkSplit sortedToPbmc68k(Path dataDir, long seed) {
        CellDataset sorted = DatasetReader.read(dataDir.resolve(SORTED));
        CellDataset q = DatasetReader.read(dataDir.resolve(PBMC68K));
        // panel: sorted genes that 68k also measures, in sorted's order
        Set<String> qGenes = new HashSet<>();
        q.genes().symbols().forEach(s -> qGenes.add(s.toLowerCase(java.util.Locale.ROOT)));
        int[] keep = IntStream.range(0, sorted.genes().size())
                .filter(i -> qGenes.contains(sorted.genes().symbols().get(i).toLowerCase(java.util.Locale.ROOT)))
                .toArray();
        CellDataset onPanel = restrictGenes(sorted, keep);
        return build("sorted-pbmc68k", "sorted PBMC (all cells) -> PBMC 68k, " + keep.length + " shared genes, by CL id",
                onPanel, "cell_type", "zheng2017_sorted_MUDAN", IntStream.range(0, sorted.cells()).toArray(), q,
                IntStream.range(0, q.cells()).toArray(), "bulk_labels", "zheng2017_pbmc68k_reduced", null, true, seed);
    }

    public static BenchmarkSplit sortedHeldOut(Path dataDir, long seed) {
        CellDataset d = DatasetReader.read(dataDir.resolve(SORTED));
        List<String> types = d.obsColumn("cell_type");
        int[][] testRest = stratifiedTake(IntStream.range(0, d.cells()).toArray(), types, 0.2, new Random(seed));
        return build("sorted-heldout", "sorted PBMC, stratified 20% held out", d, "cell_type", "zheng2017_sorted_MUDAN",
                testRest[1], d, testRest[0], "cell_type", "zheng2017_sorted_MUDAN", null, false, seed);
    }

    private static BenchmarkSplit build(String name, String description, CellDataset train, String labelColumn,
            String vocabulary, int[] trainRows, CellDataset test, int[] testRows, String testLabelColumn,
            String testVocabulary, String groupColumn, boolean targetUnlabeled, long seed) {
        List<String> labels = train.obsColumn(labelColumn);
        List<String> classes = List.copyOf(new TreeSet<>(Arrays.stream(trainRows).mapToObj(labels::get).toList()));
        List<String> classIds = classes.stream().map(c -> clId(vocabulary, c)).toList();
        List<String> trainLabels = Arrays.stream(trainRows).mapToObj(labels::get).toList();
        int[][] valFit = stratifiedTake(IntStream.range(0, trainRows.length).toArray(), trainLabels, VALIDATION,
                new Random(seed + 1));
        int[] valRows = Arrays.stream(valFit[0]).map(i -> trainRows[i]).toArray();
        int[] fitRows = Arrays.stream(valFit[1]).map(i -> trainRows[i]).toArray();
        LabeledMatrix fit = labeled(train, labels, classes, fitRows);
        LabeledMatrix val = labeled(train, labels, classes, valRows);
        List<String> genes = train.genes().symbols();
        TrainingData data = TrainingData.labeled(fit, val, genes, classes, seed);
        if (groupColumn != null) {
            List<String> groups = train.obsColumn(groupColumn);
            List<String> names = List.copyOf(new TreeSet<>(Arrays.stream(fitRows).mapToObj(groups::get).toList()));
            data = data.withGroups(Arrays.stream(fitRows).map(r -> names.indexOf(groups.get(r))).toArray(), names);
        }
        CsrMatrix testCounts = test == train ? train.counts().selectRows(testRows)
                : GeneAligner.align(new GenePanel(GeneList.ofSymbols(genes)), test.genes().identifiers(), 0.0)
                        .toModelOrder(test.counts().selectRows(testRows));
        if (targetUnlabeled) {
            int[] ones = new int[testCounts.rows()];
            Arrays.fill(ones, 1);
            data = data.withUnlabeled(testCounts, ones, 2);
        }
        List<String> testLabels = test.obsColumn(testLabelColumn);
        Map<String, Integer> byClId = new HashMap<>();
        for (int c = 0; c < classes.size(); c++) {
            byClId.putIfAbsent(classIds.get(c), c);
        }
        int[] truth = new int[testRows.length];
        List<String> testIds = new ArrayList<>();
        for (int i = 0; i < testRows.length; i++) {
            String label = testLabels.get(testRows[i]);
            String id = clId(testVocabulary, label);
            testIds.add(id);
            truth[i] = test == train || testVocabulary.equals(vocabulary) ? classes.indexOf(label)
                    : byClId.getOrDefault(id, -1);
        }
        return new BenchmarkSplit(name, description, data, testCounts, truth, testIds, classIds);
    }

    private static String clId(String vocabulary, String label) {
        return LABELS.clId(vocabulary, label).orElse("");
    }

    private static LabeledMatrix labeled(CellDataset d, List<String> labels, List<String> classes, int[] rows) {
        int[] y = Arrays.stream(rows).map(r -> classes.indexOf(labels.get(r))).toArray();
        return new LabeledMatrix(d.counts().selectRows(rows), y, classes.size());
    }

    private static int[] rows(List<String> column, java.util.function.Predicate<String> keep) {
        return IntStream.range(0, column.size()).filter(i -> keep.test(column.get(i))).toArray();
    }

    private static CellDataset restrictGenes(CellDataset d, int[] keep) {
        int[] newIndex = new int[d.genes().size()];
        Arrays.fill(newIndex, -1);
        for (int j = 0; j < keep.length; j++) {
            newIndex[keep[j]] = j;
        }
        CsrMatrix m = d.counts();
        int[] indptr = new int[m.rows() + 1];
        List<Integer> idx = new ArrayList<>();
        List<Float> val = new ArrayList<>();
        for (int r = 0; r < m.rows(); r++) {
            for (int k = m.indptr()[r]; k < m.indptr()[r + 1]; k++) {
                int c = newIndex[m.indices()[k]];
                if (c >= 0) {
                    idx.add(c);
                    val.add(m.values()[k]);
                }
            }
            indptr[r + 1] = idx.size();
        }
        float[] values = new float[val.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = val.get(i);
        }
        CsrMatrix counts = new CsrMatrix(m.rows(), keep.length, indptr, idx.stream().mapToInt(i -> i).toArray(), values);
        List<String> symbols = Arrays.stream(keep).mapToObj(i -> d.genes().symbols().get(i)).toList();
        List<String> ens = Arrays.stream(keep).mapToObj(i -> d.genes().ensemblIds().get(i)).toList();
        return new CellDataset(d.name(), counts, d.cellIds(), new GeneList(symbols, ens), d.obs());
    }

    /** Per class, round(fraction * n_c) of the shuffled members (taken, rest), both sorted. */
    static int[][] stratifiedTake(int[] positions, List<String> labels, double fraction, Random rnd) {
        Map<String, List<Integer>> byClass = new java.util.TreeMap<>();
        for (int p : positions) {
            byClass.computeIfAbsent(labels.get(p), k -> new ArrayList<>()).add(p);
        }
        List<Integer> taken = new ArrayList<>();
        List<Integer> rest = new ArrayList<>();
        for (List<Integer> members : byClass.values()) {
            Collections.shuffle(members, rnd);
            int k = (int) Math.round(fraction * members.size());
            taken.addAll(members.subList(0, k));
            rest.addAll(members.subList(k, members.size()));
        }
        return new int[][] {taken.stream().mapToInt(i -> i).sorted().toArray(),
                rest.stream().mapToInt(i -> i).sorted().toArray()};
    }
}
