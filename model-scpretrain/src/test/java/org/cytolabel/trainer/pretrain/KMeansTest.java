package org.cytolabel.trainer.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.cytolabel.trainer.pretrain.metrics.ClusterAgreement;
import org.junit.jupiter.api.Test;

class KMeansTest {

    @Test
    void twoPairsOnALine() {
        float[][] x = {{0}, {1}, {10}, {11}};
        KMeans.Result r = KMeans.standard().fit(x, 2, 3);
        assertEquals(r.labels()[0], r.labels()[1]);
        assertEquals(r.labels()[2], r.labels()[3]);
        assertEquals(1.0, r.inertia(), 1e-9); // four points each 0.5 from their centre
        float lo = Math.min(r.centroids()[0][0], r.centroids()[1][0]);
        float hi = Math.max(r.centroids()[0][0], r.centroids()[1][0]);
        assertEquals(0.5f, lo, 1e-6f);
        assertEquals(10.5f, hi, 1e-6f);
    }

    @Test
    void recoversSeparatedBlobsAndIsDeterministic() {
        Random rnd = new Random(42);
        int n = 300;
        float[][] x = new float[n][5];
        int[] truth = new int[n];
        for (int i = 0; i < n; i++) {
            truth[i] = i % 3;
            for (int j = 0; j < 5; j++) {
                x[i][j] = (float) (truth[i] * 10 * (j == truth[i] ? 1 : 0) + rnd.nextGaussian());
            }
        }
        KMeans km = new KMeans(50, 1e-6, 3);
        KMeans.Result a = km.fit(x, 3, 7);
        KMeans.Result b = km.fit(x, 3, 7);
        assertArrayEquals(a.labels(), b.labels());
        assertEquals(1.0, ClusterAgreement.adjustedRandIndex(truth, a.labels()), 1e-12);
    }

    @Test
    void plusPlusPicksDistinctPoints() {
        float[][] x = {{0, 0}, {0, 0}, {5, 5}, {9, 9}};
        float[][] c = KMeans.plusPlus(x, 3, new Random(1));
        // with D^2 weighting a duplicate of an existing centre has probability 0
        java.util.Set<String> distinct = new java.util.HashSet<>();
        for (float[] ci : c) {
            distinct.add(java.util.Arrays.toString(ci));
        }
        assertEquals(3, distinct.size());
    }
}
