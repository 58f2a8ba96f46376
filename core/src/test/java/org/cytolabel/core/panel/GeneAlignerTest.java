package org.cytolabel.core.panel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.cytolabel.core.TestData;
import org.cytolabel.core.data.CellDataset;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.data.DatasetReader;
import org.cytolabel.core.data.GeneList;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GeneAlignerTest {
    /** Model panel: Kang kang_se genes (1287; var index Ensembl, 'feature' symbols). */
    private static GenePanel kangSe;
    /** Client: Kang example_sce (1556 cells x 1267 genes; SYMBOL and ENSEMBL columns). */
    private static CellDataset example;

    @BeforeAll
    static void read() {
        kangSe = new GenePanel(DatasetReader.read(TestData.file(TestData.KANG_SE)).genes());
        example = DatasetReader.read(TestData.file(TestData.KANG_EXAMPLE));
    }

    private static GenePanel panel(String... symbolEnsemblPairs) {
        List<String> sym = new ArrayList<>();
        List<String> ens = new ArrayList<>();
        for (int i = 0; i < symbolEnsemblPairs.length; i += 2) {
            sym.add(symbolEnsemblPairs[i]);
            ens.add(symbolEnsemblPairs[i + 1]);
        }
        return new GenePanel(new GeneList(sym, ens));
    }

    /**
     * Figures from anndata 0.8: of kang_se's 1287 genes 1016 occur in example_sce, by lower-cased
     * symbol and by Ensembl id alike; X[:, matched] of example_sce in kang_se order has row sums
     * 709, 1527, 3522 at cells 0, 778, 1555, 526970 non-zeros and total 2168667; the first
     * kang_se genes missing are CAMTA1, SDHB, DDOST, HP1BP3, RPA2.
     */
    @Test
    void realClientOnRealPanelBySymbolAndByEnsembl() {
        GeneAlignment bySymbol = GeneAligner.align(kangSe, example.genes().symbols(), 0.5);
        GeneAlignment byEnsembl = GeneAligner.align(kangSe, example.genes().ensemblIds(), 0.5);
        assertArrayEquals(bySymbol.clientToModel(), byEnsembl.clientToModel());
        assertEquals(1016, bySymbol.matched());
        assertEquals(1287, bySymbol.modelGenes());
        assertEquals(1267, bySymbol.clientGenes());
        assertEquals(0, bySymbol.duplicates());
        assertEquals(1016 / 1287.0, bySymbol.fraction(), 1e-12);
        assertEquals(List.of("CAMTA1", "SDHB", "DDOST", "HP1BP3", "RPA2"), bySymbol.missingExamples());

        CsrMatrix aligned = bySymbol.toModelOrder(example.counts());
        assertEquals(1287, aligned.cols());
        assertEquals(526_970, aligned.nnz());
        assertEquals(709, aligned.rowSum(0), 0.0);
        assertEquals(1527, aligned.rowSum(778), 0.0);
        assertEquals(3522, aligned.rowSum(1555), 0.0);
        double total = 0;
        for (float v : aligned.values()) {
            total += v;
        }
        assertEquals(2_168_667, total, 0.0);

        float[] dense = new float[2 * 1287];
        bySymbol.scatterRow(example.counts(), 778, dense, 1287);
        float[] expected = new float[2 * 1287];
        aligned.scatterRow(778, expected, 1287);
        assertArrayEquals(expected, dense);
    }

    @Test
    void caseVersionsAndShuffledOrderStillAlign() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < example.genes().size(); i++) {
            // odd genes as lower-case symbols, even ones as versioned lower-case Ensembl ids
            ids.add(i % 2 == 1 ? example.genes().symbols().get(i).toLowerCase(Locale.ROOT)
                    : example.genes().ensemblIds().get(i).toLowerCase(Locale.ROOT) + ".12");
        }
        GeneAlignment a = GeneAligner.align(kangSe, ids, 0.5);
        assertEquals(1016, a.matched());
        // reversing the client's columns reverses nothing in model order
        List<String> revIds = new ArrayList<>(ids);
        Collections.reverse(revIds);
        CsrMatrix revCounts = reverseColumns(example.counts());
        GeneAlignment r = GeneAligner.align(kangSe, revIds, 0.5);
        CsrMatrix x = a.toModelOrder(example.counts());
        CsrMatrix y = r.toModelOrder(revCounts);
        assertArrayEquals(x.indptr(), y.indptr());
        assertArrayEquals(x.indices(), y.indices());
        assertArrayEquals(x.values(), y.values());
    }

    /** The columns of m in reverse order. */
    private static CsrMatrix reverseColumns(CsrMatrix m) {
        int[] idx = new int[m.nnz()];
        float[] val = new float[m.nnz()];
        for (int r = 0; r < m.rows(); r++) {
            int from = m.indptr()[r];
            int to = m.indptr()[r + 1];
            for (int k = from; k < to; k++) {
                idx[from + to - 1 - k] = m.cols() - 1 - m.indices()[k];
                val[from + to - 1 - k] = m.values()[k];
            }
        }
        return new CsrMatrix(m.rows(), m.cols(), m.indptr(), idx, val);
    }

    @Test
    void duplicatesKeepTheFirstAndMissingGenesAreZero() {
        GenePanel p = panel("CD3E", "ENSG00000198851", "MS4A1", "ENSG00000156738", "LYZ",
                "ENSG00000090382");
        List<String> client = List.of("cd3e", "LYZ", "ENSG00000198851.4", "CD3E", "unknown");
        GeneAlignment a = GeneAligner.align(p, client, 0.5);
        assertArrayEquals(new int[] {0, 2, -1, -1, -1}, a.clientToModel());
        assertEquals(2, a.matched());
        assertEquals(2, a.duplicates());
        assertEquals(List.of("MS4A1"), a.missingExamples());
        CsrMatrix counts = new CsrMatrix(1, 5, new int[] {0, 5}, new int[] {0, 1, 2, 3, 4},
                new float[] {1, 2, 3, 4, 5});
        CsrMatrix m = a.toModelOrder(counts);
        assertArrayEquals(new float[] {1, 0, 2}, m.toDense());
    }

    @Test
    void twoModelGenesWithOneSymbolAreToldApartByEnsemblId() {
        GenePanel p = panel("PINX1", "ENSG00000254093", "PINX1", "ENSG00000258724", "LYZ", "");
        GeneAlignment byId = GeneAligner.align(p, List.of("ENSG00000258724", "ENSG00000254093.3"), 0);
        assertArrayEquals(new int[] {1, 0}, byId.clientToModel());
        GeneAlignment bySymbol = GeneAligner.align(p, List.of("pinx1", "lyz"), 0);
        assertArrayEquals(new int[] {0, 2}, bySymbol.clientToModel());
    }

    @Test
    void belowThresholdSaysHowManyWhichAndWhatToDo() {
        List<String> few = example.genes().symbols().subList(0, 100);
        var e = assertThrows(CytoLabelException.class, () -> GeneAligner.align(kangSe, few, 0.5));
        assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
        String msg = e.getMessage();
        assertTrue(msg.startsWith("only "), msg);
        assertTrue(msg.contains("of the model's 1287 genes"), msg);
        assertTrue(msg.contains("below the required 50.0%"), msg);
        assertTrue(msg.contains("missing e.g. [CAMTA1"), msg);
        assertTrue(msg.contains("model card"), msg);
    }

    @Test
    void zeroOverlapHasItsOwnMessage() {
        var e = assertThrows(CytoLabelException.class,
                () -> GeneAligner.align(kangSe, List.of("Cd3e_mouse", "Gapdh_mouse"), 0.0));
        assertTrue(e.getMessage().startsWith("none of the 2 gene ids sent"), e.getMessage());
        assertTrue(e.getMessage().contains("model's 1287 genes (e.g. [ISG15"), e.getMessage());
    }
}
