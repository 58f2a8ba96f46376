package org.cytolabel.trainer.pretrain.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ClusterAgreementTest {

    @Test
    void handComputedPairCounts() {
        // 6 pairs; together in a: {01, 23}; together in b: {01}; together in both: {01};
        // apart in both: 6 - 2 - 1 + 1 = 4 -> RI = 5/6; ARI = (1 - 2*1/6) / (1.5 - 1/3) = 4/7
        int[] a = {0, 0, 1, 1};
        int[] b = {0, 0, 1, 2};
        assertEquals(5.0 / 6.0, ClusterAgreement.randIndex(a, b), 1e-12);
        assertEquals(4.0 / 7.0, ClusterAgreement.adjustedRandIndex(a, b), 1e-12);
        assertEquals(4.0 / 7.0, ClusterAgreement.adjustedRandIndex(b, a), 1e-12);
    }

    @Test
    void relabelledPartitionAgreesFully() {
        int[] a = {0, 0, 1, 1, 2, 2};
        int[] b = {5, 5, 3, 3, 9, 9};
        assertEquals(1.0, ClusterAgreement.randIndex(a, b), 1e-12);
        assertEquals(1.0, ClusterAgreement.adjustedRandIndex(a, b), 1e-12);
    }

    @Test
    void crossedPartitionsScoreBelowChance() {
        // a splits {0,1}{2,3}, b splits {0,2}{1,3}: no pair together in both.
        // RI = apart-in-both / 6 = (6 - 2 - 2 + 0) / 6 = 1/3; ARI = (0 - 4/6) / (2 - 4/6) = -1/2
        int[] a = {0, 0, 1, 1};
        int[] b = {0, 1, 0, 1};
        assertEquals(1.0 / 3.0, ClusterAgreement.randIndex(a, b), 1e-12);
        assertEquals(-0.5, ClusterAgreement.adjustedRandIndex(a, b), 1e-12);
    }
}
