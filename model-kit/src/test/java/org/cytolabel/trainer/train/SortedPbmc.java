package org.cytolabel.trainer.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.cytolabel.core.TestData;
import org.cytolabel.core.data.CellDataset;
import org.cytolabel.core.data.DatasetReader;

/**
 * The FACS-sorted PBMC set (2140 cells x 8863 genes, 9 types, raw counts) split for tests: per
 * class, 20% to test (seed 0), then 10% of the rest to validation; the rest trains. Loaded once.
 */
public final class SortedPbmc {
    public final List<String> classes;
    public final LabeledMatrix train;
    public final LabeledMatrix validation;
    public final LabeledMatrix test;

    private static SortedPbmc instance;

    private SortedPbmc() {
        CellDataset data = DatasetReader.read(TestData.file(TestData.SORTED_PBMC));
        List<String> types = data.obsColumn("cell_type");
        classes = List.copyOf(new TreeSet<>(types));
        int[] labels = types.stream().mapToInt(classes::indexOf).toArray();
        int[][] testRest = stratifiedTake(IntStream.range(0, labels.length).toArray(), labels, 0.2, new Random(0));
        int[][] valTrain = stratifiedTake(testRest[1], labels, 0.1, new Random(1));
        test = subset(data, labels, testRest[0]);
        validation = subset(data, labels, valTrain[0]);
        train = subset(data, labels, valTrain[1]);
    }

    public static synchronized SortedPbmc get() {
        if (instance == null) {
            instance = new SortedPbmc();
        }
        return instance;
    }

    private LabeledMatrix subset(CellDataset data, int[] labels, int[] rows) {
        int[] y = Arrays.stream(rows).map(r -> labels[r]).toArray();
        return new LabeledMatrix(data.counts().selectRows(rows), y, classes.size());
    }

    /** Per class, round(fraction * n_c) of the shuffled cells (taken part, rest), both in row order. */
    static int[][] stratifiedTake(int[] rows, int[] labels, double fraction, Random rnd) {
        List<Integer> taken = new ArrayList<>();
        List<Integer> rest = new ArrayList<>();
        int numClasses = Arrays.stream(labels).max().orElse(0) + 1;
        for (int c = 0; c < numClasses; c++) {
            final int cls = c;
            List<Integer> members = new ArrayList<>(Arrays.stream(rows).filter(r -> labels[r] == cls).boxed().toList());
            java.util.Collections.shuffle(members, rnd);
            int k = (int) Math.round(fraction * members.size());
            taken.addAll(members.subList(0, k));
            rest.addAll(members.subList(k, members.size()));
        }
        return new int[][] {taken.stream().mapToInt(i -> i).sorted().toArray(),
                rest.stream().mapToInt(i -> i).sorted().toArray()};
    }
}
