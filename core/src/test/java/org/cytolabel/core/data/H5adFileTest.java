package org.cytolabel.core.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.cytolabel.core.TestData;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Row-block reads, gene and obs decoding, and every X layout / AnnData encoding. */
class H5adFileTest {
    private static CellDataset kang60;

    @BeforeAll
    static void readReference() {
        kang60 = Fixtures.kangRows();
    }

    @ParameterizedTest
    @ValueSource(strings = {TestData.SORTED_PBMC, TestData.KANG_EXAMPLE})
    void chunkedReadsEqualOneFullRead(String file) {
        try (H5adFile f = H5adFile.open(TestData.file(file))) {
            CsrMatrix full = f.readRows(0, f.cells());
            int chunk = 333;
            for (int from = 0; from < f.cells(); from += chunk) {
                int to = Math.min(f.cells(), from + chunk);
                assertSame(full.sliceRows(from, to), f.readRows(from, to));
            }
            assertEquals(0, f.readRows(7, 7).rows());
        }
    }

    @Test
    void rowsOutsideTheMatrixAreRefusedClearly() {
        try (H5adFile f = H5adFile.open(TestData.file(TestData.PBMC68K))) {
            var e = assertThrows(CytoLabelException.class, () -> f.readRows(690, 701));
            assertTrue(e.getMessage().contains("outside the 700 cells"), e.getMessage());
        }
    }

    @Test
    void kangExampleTakesSymbolsFromSymbolColumnAndEnsemblFromEnsemblColumn() {
        try (H5adFile f = H5adFile.open(TestData.file(TestData.KANG_EXAMPLE))) {
            GeneList g = f.genes();
            assertEquals(1267, f.geneCount());
            // var_names[81] is 'PDE4DIP_ENSG00000178104' (h5py); SYMBOL and ENSEMBL columns split it
            assertEquals("PDE4DIP", g.symbols().get(81));
            assertEquals("ENSG00000178104", g.ensemblIds().get(81));
            assertTrue(g.ensemblIds().stream().allMatch(GeneIds::isEnsembl));
            assertEquals(List.of("cluster_id", "sample_id", "group_id"), f.obsColumnNames());
            List<String> group = f.obsColumn("group_id");
            // anndata: obs['group_id'].value_counts() -> stim 806, ctrl 750
            assertEquals(750, Collections.frequency(group, "ctrl"));
            assertEquals(806, Collections.frequency(group, "stim"));
        }
    }

    @Test
    void kangSeHasEnsemblIndexAndSymbolsInFeatureColumn() {
        try (H5adFile f = H5adFile.open(TestData.file(TestData.KANG_SE))) {
            assertEquals("ISG15", f.genes().symbols().get(0));
            assertEquals("ENSG00000187608", f.genes().ensemblIds().get(0));
            // numeric obs columns as strings (anndata: str(obs.sample_id[0]), str(obs.tsne1[0]))
            assertEquals("1016", f.obsColumn("sample_id").get(0));
            assertEquals("-27.6403728343912", f.obsColumn("tsne1").get(0));
            assertEquals(2738, Collections.frequency(f.obsColumn("sample_id"), "1015"));
        }
    }

    @Test
    void symbolOnlyFilesHaveNoEnsemblIdsEvenForEnsa() {
        try (H5adFile f = H5adFile.open(TestData.file(TestData.SORTED_PBMC))) {
            GeneList g = f.genes();
            assertTrue(g.ensemblIds().stream().allMatch(String::isEmpty));
            assertTrue(g.symbols().contains("ENSA"), "ENSA is a symbol, not an Ensembl id");
            // anndata: obs['cell_type'].value_counts()['nk'] == 769
            assertEquals(769, Collections.frequency(f.obsColumn("cell_type"), "nk"));
        }
        try (H5adFile f = H5adFile.open(TestData.file(TestData.PBMC68K))) {
            // anndata: str(obs.n_counts[0]) == '2557.0' (float32), str(obs.n_genes[0]) == '1003'
            assertEquals("2557.0", f.obsColumn("n_counts").get(0));
            assertEquals("1003", f.obsColumn("n_genes").get(0));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"kang60_csc_float64.h5ad", "kang60_dense_int32.h5ad",
        "kang60_anndata07.h5ad", "kang60_anndata06.h5ad"})
    void everyLayoutReadsTheSameCounts(String fixture) {
        CellDataset d = DatasetReader.read(Fixtures.file(fixture));
        assertSame(kang60.counts(), d.counts());
        // make_fixtures.py prints: shape (60, 1267) nnz 23415 total 94239.0
        assertEquals(23415, d.counts().nnz());
        try (H5adFile f = H5adFile.open(Fixtures.file(fixture))) {
            assertSame(kang60.counts().sliceRows(17, 43), f.readRows(17, 43));
        }
        assertEquals(kang60.cellIds(), d.cellIds());
        assertEquals(kang60.genes(), d.genes());
        assertEquals(kang60.obsColumn("cluster_id"), d.obsColumn("cluster_id"));
        List<String> maybe = d.obsColumn("maybe_label");
        for (int i = 0; i < 60; i++) {
            // categorical code -1 (None every third cell) reads as ""
            assertEquals(i % 3 == 0 ? "" : kang60.obsColumn("cluster_id").get(i), maybe.get(i));
        }
        assertEquals("715.0", d.obsColumn("total").get(0));
        if (d.obs().containsKey("is_stim")) {
            assertEquals("False", d.obsColumn("is_stim").get(0));
            assertEquals("True", d.obsColumn("is_stim").get(59));
        }
    }

    @Test
    void rawReadsRawXAndRawVar() {
        Path file = Fixtures.file("kang60_lognorm_with_raw.h5ad");
        CellDataset x = DatasetReader.read(file);
        assertEquals(500, x.genes().size());
        CellDataset raw = DatasetReader.read(file, new ReadOptions(true));
        assertEquals(1267, raw.genes().size());
        assertEquals(kang60.genes(), raw.genes());
        assertSame(kang60.counts(), raw.counts());
        var e = assertThrows(CytoLabelException.class,
                () -> DatasetReader.read(TestData.file(TestData.PBMC68K), new ReadOptions(true)));
        assertTrue(e.getMessage().contains("no raw/X"), e.getMessage());
    }

    @Test
    void fileWithoutXSaysWhereCountsMayBe() {
        var e = assertThrows(CytoLabelException.class,
                () -> DatasetReader.read(Fixtures.file("kang60_no_x.h5ad")));
        assertEquals(ErrorKind.INVALID_ARGUMENT, e.kind());
        assertTrue(e.getMessage().contains("has no X matrix"), e.getMessage());
        assertTrue(e.getMessage().contains("layers"), e.getMessage());
    }

    static void assertSame(CsrMatrix expected, CsrMatrix actual) {
        assertEquals(expected.rows(), actual.rows());
        assertEquals(expected.cols(), actual.cols());
        assertArrayEquals(expected.indptr(), actual.indptr());
        assertArrayEquals(expected.indices(), actual.indices());
        assertArrayEquals(expected.values(), actual.values());
    }
}
