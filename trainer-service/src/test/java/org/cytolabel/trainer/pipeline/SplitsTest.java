package org.cytolabel.trainer.pipeline;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.cytolabel.core.TestData;
import org.cytolabel.core.data.CellDataset;
import org.cytolabel.core.data.DatasetReader;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Splits on real labels and groups: the sorted PBMC cell types (9 classes, 43 to 769 cells) and
 * the Kang 2018 example's cell types, conditions (ctrl 750 / stim 806) and samples (2 donors x 2).
 */
class SplitsTest {
    private static int[] pbmcLabels;
    private static int[] kangLabels;
    private static List<String> kangGroups;
    private static List<String> kangSamples;

    @BeforeAll
    static void load() {
        pbmcLabels = codes(DatasetReader.read(TestData.file(TestData.SORTED_PBMC)).obsColumn("cell_type"));
        CellDataset kang = DatasetReader.read(TestData.file(TestData.KANG_EXAMPLE));
        kangLabels = codes(kang.obsColumn("cluster_id"));
        kangGroups = kang.obsColumn("group_id");
        kangSamples = kang.obsColumn("sample_id");
    }

    @Test
    void stratifiedSplitIsDeterministicForASeed() {
        SplitAssignment a = Splits.stratified(pbmcLabels, 0.2, 0.1, 0);
        SplitAssignment b = Splits.stratified(pbmcLabels, 0.2, 0.1, 0);
        assertArrayEquals(a.train(), b.train());
        assertArrayEquals(a.validation(), b.validation());
        assertArrayEquals(a.test(), b.test());
        assertEquals(a.description(), b.description());
        SplitAssignment other = Splits.stratified(pbmcLabels, 0.2, 0.1, 1);
        assertFalse(Arrays.equals(a.test(), other.test()), "another seed draws other cells");
        assertEquals(a.test().length, other.test().length, "but as many per class");
    }

    @Test
    void stratifiedSplitIsDisjointCoversEveryCellAndKeepsClassProportions() {
        SplitAssignment s = Splits.stratified(pbmcLabels, 0.2, 0.1, 0);
        assertPartition(s, pbmcLabels.length);
        Map<Integer, Integer> all = perClass(pbmcLabels, IntStream.range(0, pbmcLabels.length).toArray());
        Map<Integer, Integer> test = perClass(pbmcLabels, s.test());
        Map<Integer, Integer> validation = perClass(pbmcLabels, s.validation());
        assertEquals(9, all.size());
        for (var e : all.entrySet()) {
            int n = e.getValue();
            int t = test.getOrDefault(e.getKey(), 0);
            int v = validation.getOrDefault(e.getKey(), 0);
            assertTrue(Math.abs(t - 0.2 * n) <= 1, "class " + e.getKey() + ": " + t + " of " + n + " to test");
            assertTrue(Math.abs(v - 0.1 * (n - t)) <= 1, "class " + e.getKey() + ": " + v + " of " + (n - t)
                    + " to validation");
        }
        // 2140 cells: per class round(0.2 n) to test, then round(0.1 n') of the rest to validation
        assertEquals(428, s.test().length);
        assertEquals(170, s.validation().length);
        assertEquals(1542, s.train().length);
        assertEquals("stratified by label: test 20%, validation 10% of the rest, seed 0", s.description());
    }

    @Test
    void stratifiedSplitWithNoTestFractionTestsNothing() {
        SplitAssignment s = Splits.stratified(pbmcLabels, 0, 0.1, 3);
        assertEquals(0, s.test().length);
        assertPartition(s, pbmcLabels.length);
    }

    @Test
    void groupSplitNeverPutsOneGroupInTwoParts() {
        Set<Set<String>> testSets = new HashSet<>();
        for (long seed = 0; seed < 10; seed++) {
            SplitAssignment s = Splits.byGroup(kangLabels, kangSamples, Set.of(), 0.2, 0.1, seed);
            assertPartition(s, kangLabels.length);
            Set<String> test = groupsOf(s.test());
            Set<String> validation = groupsOf(s.validation());
            Set<String> train = groupsOf(s.train());
            assertTrue(disjoint(test, validation) && disjoint(test, train) && disjoint(validation, train),
                    "seed " + seed + ": test " + test + ", validation " + validation + ", train " + train);
            assertEquals(4, test.size() + validation.size() + train.size());
            assertTrue(s.test().length >= 0.2 * kangLabels.length, "whole samples until 20% of the cells");
            assertEquals(1, validation.size(), "of the two or three samples left, one whole sample validates");
            assertArrayEquals(s.test(), Splits.byGroup(kangLabels, kangSamples, Set.of(), 0.2, 0.1, seed).test(),
                    "deterministic for a seed");
            testSets.add(test);
        }
        assertTrue(testSets.size() > 1, "seeds draw different samples: " + testSets);
    }

    @Test
    void namedTestGroupsAreHonoured() {
        SplitAssignment s = Splits.byGroup(kangLabels, kangGroups, Set.of("stim"), 0, 0.1, 0);
        assertPartition(s, kangLabels.length);
        assertArrayEquals(rowsWhere(kangGroups, "stim"), s.test());
        assertEquals(806, s.test().length);
        // one group left for training: validation is a stratified part of it
        assertEquals(Set.of("ctrl"), groupsOf(kangGroups, s.validation()));
        assertEquals(74, s.validation().length);
        assertEquals("by group: test [stim], validation stratified 10% of the training groups, seed 0",
                s.description());

        SplitAssignment samples = Splits.byGroup(kangLabels, kangSamples, Set.of("stim101", "ctrl107"), 0.2, 0.1, 0);
        assertEquals(Set.of("stim101", "ctrl107"), groupsOf(samples.test()));
        assertEquals(500 + 296, samples.test().length, "named groups win over the test fraction");
        Set<String> validation = groupsOf(samples.validation());
        assertEquals(1, validation.size(), "two samples left: one validates, one trains");
        assertTrue(disjoint(validation, groupsOf(samples.train())));
    }

    @Test
    void unknownTestGroupIsRefusedNamingTheGroups() {
        var e = assertThrows(CytoLabelException.class,
                () -> Splits.byGroup(kangLabels, kangSamples, Set.of("stim"), 0, 0.1, 0));
        assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
        assertEquals("test group 'stim' does not occur in the split column; it has [ctrl101, ctrl107, stim101, "
                + "stim107]", e.getMessage());
    }

    @Test
    void testingOnEveryGroupIsRefused() {
        var e = assertThrows(CytoLabelException.class,
                () -> Splits.byGroup(kangLabels, kangGroups, Set.of("ctrl", "stim"), 0, 0.1, 0));
        assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
        assertTrue(e.getMessage().contains("leave at least one group for training"), e.getMessage());
    }

    @Test
    void fractionsOutsideZeroToOneAreRefused() {
        assertEquals(ErrorKind.INVALID_ARGUMENT, assertThrows(CytoLabelException.class,
                () -> Splits.stratified(pbmcLabels, 1.0, 0.1, 0)).kind());
        assertEquals(ErrorKind.INVALID_ARGUMENT, assertThrows(CytoLabelException.class,
                () -> Splits.byGroup(kangLabels, kangSamples, Set.of(), 0.2, -0.1, 0)).kind());
    }

    /** Train, validation and test are ascending, disjoint, and together every row once. */
    private static void assertPartition(SplitAssignment s, int n) {
        for (int[] part : new int[][] {s.train(), s.validation(), s.test()}) {
            for (int i = 1; i < part.length; i++) {
                assertTrue(part[i - 1] < part[i], "rows ascending and distinct");
            }
        }
        int[] all = IntStream.concat(IntStream.concat(Arrays.stream(s.train()), Arrays.stream(s.validation())),
                Arrays.stream(s.test())).sorted().toArray();
        assertArrayEquals(IntStream.range(0, n).toArray(), all);
    }

    private static int[] codes(List<String> labels) {
        List<String> classes = List.copyOf(new TreeSet<>(labels));
        return labels.stream().mapToInt(classes::indexOf).toArray();
    }

    private static Map<Integer, Integer> perClass(int[] labels, int[] rows) {
        Map<Integer, Integer> m = new TreeMap<>();
        for (int r : rows) {
            m.merge(labels[r], 1, Integer::sum);
        }
        return m;
    }

    private static Set<String> groupsOf(int[] rows) {
        return groupsOf(kangSamples, rows);
    }

    private static Set<String> groupsOf(List<String> groups, int[] rows) {
        Set<String> s = new TreeSet<>();
        for (int r : rows) {
            s.add(groups.get(r));
        }
        return s;
    }

    private static int[] rowsWhere(List<String> groups, String value) {
        return IntStream.range(0, groups.size()).filter(i -> groups.get(i).equals(value)).toArray();
    }

    private static boolean disjoint(Set<String> a, Set<String> b) {
        return a.stream().noneMatch(b::contains);
    }
}
