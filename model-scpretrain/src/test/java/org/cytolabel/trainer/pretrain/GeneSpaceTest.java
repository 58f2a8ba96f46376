package org.cytolabel.trainer.pretrain;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.cytolabel.core.data.CsrMatrix;
import org.junit.jupiter.api.Test;

class GeneSpaceTest {

    @Test
    void unionIsCaseInsensitiveInFirstSeenOrder() {
        GeneSpace space = GeneSpace.union(List.of(List.of("CD3E", "MS4A1", "LYZ"), List.of("lyz", "NKG7", "cd3e")));
        assertEquals(List.of("CD3E", "MS4A1", "LYZ", "NKG7"), space.genes());
    }

    @Test
    void missingGenesAreZeroImputedInTheRightColumns() {
        GeneSpace space = new GeneSpace(List.of("CD3E", "MS4A1", "LYZ", "NKG7"));
        // a dataset measuring nkg7, CD3E and an unknown gene, in its own order
        List<String> genes = List.of("nkg7", "XIST", "CD3E");
        CsrMatrix counts = PcaTest.csr(new float[] {1, 2, 3, 0, 5, 6}, 2, 3);
        float[] dense = space.align(counts, genes).toDense();
        // columns: CD3E <- col 2, MS4A1 absent, LYZ absent, NKG7 <- col 0; XIST dropped
        assertArrayEquals(new float[] {3, 0, 0, 1, 6, 0, 0, 0}, dense);
        assertArrayEquals(new int[] {2, -1, -1, 0}, space.sourceColumns(genes));
    }
}
