package org.cytolabel.inference.annotate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.error.CytoLabelException;
import org.junit.jupiter.api.Test;

class ChunkValidatorTest {
    private static CountsChunk chunk(List<String> ids, long[] indptr, int[] indices, float[] values) {
        return new CountsChunk(ids, indptr, indices, values);
    }

    private static String error(CountsChunk c) {
        return assertThrows(CytoLabelException.class, () -> {
            CsrMatrix m = ChunkValidator.toCsr(3, c, 4);
            ChunkValidator.requireCountValues(3, m);
        }).getMessage();
    }

    @Test
    void acceptsCsrAndSortsUnsortedRows() {
        CsrMatrix m = ChunkValidator.toCsr(0, chunk(List.of("a", "b"), new long[] {0, 2, 3},
                new int[] {3, 1, 0}, new float[] {5, 7, 1}), 4);
        assertEquals(2, m.rows());
        assertArrayEquals(new int[] {1, 3, 0}, m.indices());
        assertArrayEquals(new float[] {7, 5, 1}, m.values());
        assertEquals(0, ChunkValidator.toCsr(0, chunk(List.of(), new long[0], new int[0], new float[0]), 4).rows());
    }

    @Test
    void saysWhatIsWrongWithMalformedChunks() {
        assertTrue(error(chunk(List.of("a", "b"), new long[] {0, 1}, new int[] {0}, new float[] {1}))
                .contains("2 cell ids but indptr has 2 entries (1 rows)"));
        assertTrue(error(chunk(List.of("a"), new long[] {1, 1}, new int[] {0}, new float[] {1}))
                .contains("indptr must start at 0"));
        assertTrue(error(chunk(List.of("a", "b"), new long[] {0, 2, 3}, new int[] {0, 1}, new float[] {1, 1}))
                .startsWith("chunk 3: indptr ends at 3 but there are 2 values"));
        assertTrue(error(chunk(List.of("a", "b", "c"), new long[] {0, 2, 1, 2}, new int[] {0, 1}, new float[] {1, 1}))
                .contains("indptr decreases at cell 1"));
        assertTrue(error(chunk(List.of("a"), new long[] {0, 1}, new int[] {4}, new float[] {1}))
                .contains("column index 4 at position 0 is outside 0..3 (the header lists 4 genes)"));
        assertTrue(error(chunk(List.of("a"), new long[] {0, 2}, new int[] {1, 1}, new float[] {1, 1}))
                .contains("lists gene column 1 twice"));
        assertTrue(error(chunk(List.of("a"), new long[] {0, 1}, new int[] {0}, new float[] {1, 2}))
                .contains("1 indices but 2 values"));
        assertTrue(error(chunk(List.of("a", "b"), new long[] {0, 1, 2}, new int[] {0, 0}, new float[] {1, -2}))
                .contains("cell 1 has the value -2.0, which is not a count"));
        assertTrue(error(chunk(List.of("a"), new long[] {0, 1}, new int[] {0}, new float[] {Float.NaN}))
                .contains("value NaN"));
    }
}
