package org.cytolabel.trainer.pipeline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.cytolabel.core.error.CytoLabelException;

/**
 * Deterministic train / validation / test splits: stratified by label, or by group (donor,
 * sample) so that no group is in two parts.
 */
public final class Splits {
    private Splits() {
    }

    /** Per class, {@code testFraction} of the cells to test, then {@code validationFraction} of the rest. */
    public static SplitAssignment stratified(int[] labels, double testFraction, double validationFraction,
            long seed) {
        checkFractions(testFraction, validationFraction);
        int[] all = range(labels.length);
        int[][] testRest = stratifiedTake(all, labels, testFraction, new Random(seed));
        int[][] valTrain = stratifiedTake(testRest[1], labels, validationFraction, new Random(seed + 1));
        return new SplitAssignment(valTrain[1], valTrain[0], testRest[0], String.format(
                "stratified by label: test %.0f%%, validation %.0f%% of the rest, seed %d",
                testFraction * 100, validationFraction * 100, seed));
    }

    /**
     * Whole groups go to test: the named {@code testGroups}, or (when none are named) groups drawn
     * with {@code seed} until {@code testFraction} of the cells is reached. Validation is then one or
     * more further groups, or a stratified part of the training groups when only one group is left.
     */
    public static SplitAssignment byGroup(int[] labels, List<String> groups, Set<String> testGroups,
            double testFraction, double validationFraction, long seed) {
        checkFractions(testFraction, validationFraction);
        TreeSet<String> names = new TreeSet<>(groups);
        for (String g : testGroups) {
            if (!names.contains(g)) {
                throw CytoLabelException.invalid("test group '" + g + "' does not occur in the split column; it has "
                        + names);
            }
        }
        Random rnd = new Random(seed);
        Set<String> test = new HashSet<>(testGroups);
        List<String> rest = new ArrayList<>(names);
        rest.removeAll(test);
        Collections.shuffle(rest, rnd);
        Map<String, Integer> size = groupSizes(groups);
        if (test.isEmpty() && testFraction > 0) {
            test.addAll(takeGroups(rest, size, testFraction * labels.length));
        }
        if (rest.isEmpty()) {
            throw CytoLabelException.invalid("every group of the split column is a test group; leave at least one "
                    + "group for training");
        }
        Set<String> validation = new HashSet<>();
        if (rest.size() > 1 && validationFraction > 0) {
            int restCells = rest.stream().mapToInt(size::get).sum();
            validation.addAll(takeGroups(rest, size, validationFraction * restCells));
        }
        List<Integer> tr = new ArrayList<>();
        List<Integer> va = new ArrayList<>();
        List<Integer> te = new ArrayList<>();
        for (int i = 0; i < labels.length; i++) {
            String g = groups.get(i);
            (test.contains(g) ? te : validation.contains(g) ? va : tr).add(i);
        }
        int[] train = toArray(tr);
        int[] val = toArray(va);
        String valHow = "groups " + new TreeSet<>(validation);
        if (validation.isEmpty() && validationFraction > 0) {
            int[][] vt = stratifiedTake(train, labels, validationFraction, new Random(seed + 1));
            val = vt[0];
            train = vt[1];
            valHow = "stratified " + Math.round(validationFraction * 100) + "% of the training groups";
        }
        return new SplitAssignment(train, val, toArray(te), "by group: test " + new TreeSet<>(test)
                + ", validation " + valHow + ", seed " + seed);
    }

    private static List<String> takeGroups(List<String> shuffled, Map<String, Integer> size, double cells) {
        List<String> taken = new ArrayList<>();
        int n = 0;
        while (n < cells && shuffled.size() > 1) {
            String g = shuffled.remove(0);
            taken.add(g);
            n += size.get(g);
        }
        return taken;
    }

    private static Map<String, Integer> groupSizes(List<String> groups) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String g : groups) {
            m.merge(g, 1, Integer::sum);
        }
        return m;
    }

    /** Returns {taken, rest}: per label, round(fraction * n) of {@code rows} chosen at random. */
    private static int[][] stratifiedTake(int[] rows, int[] labels, double fraction, Random rnd) {
        Map<Integer, List<Integer>> byLabel = new LinkedHashMap<>();
        for (int r : rows) {
            byLabel.computeIfAbsent(labels[r], k -> new ArrayList<>()).add(r);
        }
        List<Integer> taken = new ArrayList<>();
        List<Integer> rest = new ArrayList<>();
        for (var e : new java.util.TreeMap<>(byLabel).entrySet()) {
            List<Integer> members = e.getValue();
            Collections.shuffle(members, rnd);
            int k = (int) Math.round(fraction * members.size());
            if (fraction > 0 && k == 0 && members.size() >= 3) {
                k = 1;
            }
            taken.addAll(members.subList(0, k));
            rest.addAll(members.subList(k, members.size()));
        }
        int[] t = toArray(taken);
        int[] r = toArray(rest);
        Arrays.sort(t);
        Arrays.sort(r);
        return new int[][] {t, r};
    }

    private static void checkFractions(double test, double validation) {
        if (test < 0 || test >= 1 || validation < 0 || validation >= 1) {
            throw CytoLabelException.invalid("test and validation fractions must be in [0, 1), got "
                    + test + " and " + validation);
        }
    }

    private static int[] range(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        return a;
    }

    private static int[] toArray(List<Integer> l) {
        return l.stream().mapToInt(Integer::intValue).sorted().toArray();
    }
}
