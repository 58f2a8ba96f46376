package org.cytolabel.trainer.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.cytolabel.core.TestData;
import org.junit.jupiter.api.Test;

class StandardSplitsTest {

    @Test
    void kangCtrlStimTrainsOnControlAndTargetsStimulated() {
        BenchmarkSplit s = StandardSplits.kangCtrlToStim(TestData.root(), 0);
        assertEquals(750, s.data().train().cells() + s.data().validation().cells());
        assertEquals(806, s.testCounts().rows());
        assertEquals(806, s.data().unlabeled().rows());
        assertEquals(2, s.data().numDomains());
        assertEquals(5, s.data().classNames().size());
        assertTrue(Arrays.stream(s.testTruth()).allMatch(t -> t >= 0));
        assertTrue(s.classClIds().stream().allMatch(id -> id.startsWith("CL:")), s.classClIds().toString());
    }

    @Test
    void kangDonorHoldsOutTwoWholeDonors() {
        BenchmarkSplit s = StandardSplits.kangByDonor(TestData.root(), 0);
        assertEquals(12261, s.data().train().cells() + s.data().validation().cells() + s.testCounts().rows());
        assertEquals(6, s.data().groupNames().size());
        assertTrue(Arrays.stream(s.data().trainGroups()).allMatch(g -> g >= 0 && g < 6));
        assertEquals(0, s.data().unlabeled().rows());
    }

    @Test
    void sortedTo68kScoresByOntologyOnTheSharedGenes() {
        BenchmarkSplit s = StandardSplits.sortedToPbmc68k(TestData.root(), 0);
        int genes = s.data().genes().size();
        assertTrue(genes > 600 && genes <= 765, "shared genes " + genes);
        assertEquals(700, s.testCounts().rows());
        assertEquals(genes, s.testCounts().cols());
        long mapped = Arrays.stream(s.testTruth()).filter(t -> t >= 0).count();
        assertTrue(mapped > 300 && mapped < 700, "68k cells with a sorted counterpart: " + mapped);
    }
}
