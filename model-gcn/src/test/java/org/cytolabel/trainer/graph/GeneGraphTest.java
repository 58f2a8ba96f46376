package org.cytolabel.trainer.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.trainer.graph.GeneGraph.Diagonal;
import org.cytolabel.trainer.graph.GeneGraph.Normalization;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneGraphTest {
    private static final List<String> PANEL = List.of("CD3E", "CD4", "CD8A", "MS4A1");

    private static GeneGraph parse(String text, Diagonal diagonal) {
        return GeneGraph.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "test", PANEL, diagonal,
                Normalization.MAX);
    }

    @Test
    void mapsSymbolsCaseInsensitivelyAndDropsUnknownGenesWithACount() {
        GeneGraph g = parse("symbol_a\tsymbol_b\tscore\n"
                + "cd3e\tCD4\t2\n"
                + "CD4\tFOO\t5\n" // FOO unknown: dropped, its score does not set the maximum
                + "BAR\tBAZ\t1\n" // both unknown
                + "CD8A\tCd3e\t4\n"
                + "CD4\tcd3e\t1\n", Diagonal.NONE); // duplicate pair keeps its largest score
        GeneGraph.Stats s = g.stats();
        assertEquals(5, s.fileEdges());
        assertEquals(2, s.keptEdges());
        assertEquals(2, s.droppedEdges());
        assertEquals(3, s.unknownGenes()); // foo, bar, baz
        assertEquals(3, s.coveredGenes());
        assertEquals(4, s.panelGenes());
        assertArrayEquals(new int[] {0, 1, 2}, g.coveredGenes());
        assertFalse(g.isCovered(3));
        float[][] a = g.dense();
        assertEquals(0.5f, a[0][1]); // 2 / max 4
        assertEquals(0.5f, a[1][0]);
        assertEquals(1.0f, a[2][0]);
        assertEquals(1.0f, a[0][2]);
        assertEquals(0f, a[1][2]);
        assertEquals(0f, a[0][0]);
        assertEquals(4, g.nonZeros());
    }

    @Test
    void readsGzipWithoutHeaderAndATrrustStyleHeader(@TempDir Path dir) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write("CD3E CD4 0.9\nCD4 MS4A1 0.3\n".getBytes(StandardCharsets.UTF_8));
        }
        Path file = dir.resolve("edges.txt.gz");
        Files.write(file, bytes.toByteArray());
        GeneGraph g = GeneGraph.load(file.toString(), PANEL, Diagonal.ZERO, Normalization.MAX);
        assertEquals(1.0f, g.dense()[0][1], 1e-7);
        assertEquals(0.3f / 0.9f, g.dense()[3][1], 1e-6);

        GeneGraph t = parse("TF\tTarget\tMode_of_Regulation\tReferences_PMID\n"
                + "CD4\tCD8A\tActivation\t123\nCD4\tCD8A\tRepression\t456\n", Diagonal.ZERO);
        assertEquals(1, t.stats().keptEdges());
        assertEquals(1.0f, t.dense()[1][2]);
        assertEquals(1.0f, t.dense()[2][1]); // made undirected
    }

    @Test
    void bundledStringAndTrrustLoadOnRealSymbols() {
        GeneGraph s = GeneGraph.load("string", List.of("ARF5", "copg1", "KIF19", "NOT_A_GENE"), Diagonal.ZERO,
                Normalization.MAX);
        assertEquals(170_987, s.stats().fileEdges());
        assertTrue(s.dense()[0][1] == 1f && s.dense()[0][2] == 1f, "ARF5 - COPG1 and ARF5 - KIF19 are STRING edges");
        assertFalse(s.isCovered(3));
        assertTrue(s.stats().unknownGenes() > 9_000, "STRING symbols outside the panel: " + s.stats().unknownGenes());
        GeneGraph t = GeneGraph.load("trrust", List.of("AATF", "BAX", "MYC"), Diagonal.ZERO, Normalization.MAX);
        assertEquals(1f, t.dense()[0][1]);
        assertEquals(1f, t.dense()[2][0]);
        assertThrows(CytoLabelException.class, () -> GeneGraph.load("/no/such/file.tsv", PANEL, Diagonal.NONE,
                Normalization.MAX));
    }

    @Test
    void normalisedAdjacencyMatchesHandComputedCase() {
        int[] a = {0, 1};
        int[] b = {1, 2};
        float[] score = {2f, 4f};
        int[] loops = {0};
        float[] loopScore = {8f};
        // max over edges and file self loops = 8
        float[][] none = GeneGraph.fromEdges(3, a, b, score, loops, loopScore, Diagonal.NONE, Normalization.MAX).dense();
        assertRows(new float[][] {{1f, 0.25f, 0f}, {0.25f, 0f, 0.5f}, {0f, 0.5f, 0f}}, none, 0);
        float[][] zero = GeneGraph.fromEdges(3, a, b, score, loops, loopScore, Diagonal.ZERO, Normalization.MAX).dense();
        assertRows(new float[][] {{0f, 0.25f, 0f}, {0.25f, 0f, 0.5f}, {0f, 0.5f, 0f}}, zero, 0);
        // without the file loop the maximum is 4
        float[][] unit = GeneGraph.fromEdges(3, a, b, score, new int[0], new float[0], Diagonal.UNIT,
                Normalization.MAX).dense();
        assertRows(new float[][] {{1f, 0.5f, 0f}, {0.5f, 1f, 1f}, {0f, 1f, 1f}}, unit, 0);
        // sym: degrees 1.5, 2.5, 2 -> A_ij / sqrt(d_i d_j)
        float[][] sym = GeneGraph.fromEdges(3, a, b, score, new int[0], new float[0], Diagonal.UNIT,
                Normalization.SYM).dense();
        assertRows(new float[][] {
            {(float) (1 / 1.5), (float) (0.5 / Math.sqrt(1.5 * 2.5)), 0f},
            {(float) (0.5 / Math.sqrt(1.5 * 2.5)), (float) (1 / 2.5), (float) (1 / Math.sqrt(5))},
            {0f, (float) (1 / Math.sqrt(5)), 0.5f}}, sym, 1e-6);
    }

    @Test
    void bucketsPadEveryRowToAPowerOfTwoAndKeepEveryEntry() {
        // gene 0 has 3 neighbours (width 4), genes 1..3 one each, gene 4 none (width 1, weight 0)
        GeneGraph g = GeneGraph.fromEdges(5, new int[] {0, 0, 0}, new int[] {1, 2, 3}, new float[] {1, 2, 4},
                new int[0], new float[0], Diagonal.ZERO, Normalization.MAX);
        NeighbourBuckets nb = NeighbourBuckets.of(g);
        assertEquals(2, nb.buckets().size());
        assertEquals(4 + 4, nb.slots()); // four width-1 rows, one width-4 row
        float[][] dense = g.dense();
        float[][] rebuilt = new float[5][5];
        for (NeighbourBuckets.Bucket b : nb.buckets()) {
            for (int r = 0; r < b.rows().length; r++) {
                for (int k = 0; k < b.width(); k++) {
                    rebuilt[b.rows()[r]][b.neighbours()[r * b.width() + k]] += b.weights()[r * b.width() + k];
                }
            }
        }
        assertRows(dense, rebuilt, 0);
        int[] pos = nb.positions();
        assertEquals(4, pos[0]); // the width-4 bucket comes after the width-1 bucket of four rows
    }

    private static void assertRows(float[][] expected, float[][] actual, double tolerance) {
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[i].length; j++) {
                assertEquals(expected[i][j], actual[i][j], tolerance, "entry " + i + "," + j);
            }
        }
    }
}
