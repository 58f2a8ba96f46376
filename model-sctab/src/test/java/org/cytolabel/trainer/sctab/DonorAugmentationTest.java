package org.cytolabel.trainer.sctab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.cytolabel.core.TestData;
import org.cytolabel.trainer.eval.BenchmarkSplit;
import org.cytolabel.trainer.eval.StandardSplits;
import org.junit.jupiter.api.Test;

class DonorAugmentationTest {

    @Test
    void differenceZeroesSmallEntriesAndClips() {
        // centroids (sums / n): a = (1.0, 0.5, 3.0, 0.0), b = (0.9, 0.0, 0.0, 0.2)
        double[] sumA = {2.0, 1.0, 6.0, 0.0};
        double[] sumB = {2.7, 0.0, 0.0, 0.6};
        float[] v = DonorAugmentation.difference(sumA, 2, sumB, 3);
        assertArrayEquals(new float[] {0f, 0.5f, 1.5f, 0f}, v, 1e-6f); // 0.1 -> 0, 0.5 kept, 3 -> 1.5, -0.2 -> 0
        assertNull(DonorAugmentation.difference(new double[] {1, 1}, 1, new double[] {1.2, 0.9}, 1));
    }

    @Test
    void normalizeIsLog1pPer10k() {
        float[] row = {1f, 3f, 0f};
        DonorAugmentation.normalize(row);
        assertEquals(Math.log1p(2500), row[0], 1e-4);
        assertEquals(Math.log1p(7500), row[1], 1e-4);
        assertEquals(0f, row[2], 0f);
    }

    @Test
    void largeClustersKeepTheBigGroup() {
        List<float[]> vs = new java.util.ArrayList<>();
        for (int i = 0; i < 9; i++) {
            vs.add(new float[] {1f + i * 0.01f, 0f});
        }
        vs.add(new float[] {-1.5f, 1.5f});
        float[][] kept = DonorAugmentation.largeClusters(vs, new Random(0));
        assertEquals(9, kept.length);
        for (float[] k : kept) {
            assertTrue(k[0] > 0.9f);
        }
    }

    @Test
    void kangDonorVectorsAreSparseAndBounded() {
        BenchmarkSplit split = StandardSplits.kangCtrlToStim(TestData.root(), 0);
        DonorAugmentation aug = DonorAugmentation.fit(split.data(), 0);
        assertTrue(aug.candidates() >= 3, "difference vectors: " + aug.candidates());
        assertTrue(aug.vectors().length >= 1 && aug.vectors().length <= aug.candidates());
        long zeros = 0;
        long total = 0;
        for (float[] v : aug.vectors()) {
            for (float x : v) {
                assertTrue(x == 0f || (Math.abs(x) > DonorAugmentation.ZERO_BELOW && Math.abs(x) <= 1.5f), "entry " + x);
                zeros += x == 0f ? 1 : 0;
                total++;
            }
        }
        assertTrue(zeros > total / 2, "mostly zeros: " + zeros + " of " + total);
        float[] shifts = aug.shifts(100, split.data().genes().size(), 1f, new Random(1));
        assertTrue(java.util.stream.IntStream.range(0, shifts.length).anyMatch(i -> shifts[i] != 0f));
    }
}
