package org.cytolabel.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.cytolabel.core.TestData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bundled dataset read through {@link DatasetReader}, checked against figures computed
 * independently of this code: with h5py + scipy (Debian python3-h5py 3.7, python3-scipy 1.10) as
 * {@code csr_matrix((X/data, X/indices, X/indptr), shape=X.attrs['shape'])}: shape, {@code nnz},
 * {@code X.sum(axis=1)} at the first, middle ({@code n // 2}) and last cell, {@code X.sum()}; ids
 * and symbols with anndata 0.8.0 ({@code obs_names}, {@code var_names}, {@code var} columns). The
 * 10x directory with {@code scipy.io.mmread(matrix.mtx.gz).T}.
 */
class DatasetFiguresTest {

    record Expected(String file, int cells, int genes, long nnz, double firstSum, double midSum,
            double lastSum, double total, String firstCell, String lastCell, String firstSymbol,
            String lastSymbol, String firstEnsembl) {
    }

    static Stream<Expected> datasets() {
        return Stream.of(
                new Expected(TestData.SORTED_PBMC, 2140, 8863, 2_495_965, 3829, 2565, 3340,
                        7_376_965, "bcellsAAAGATCTCCGAAT-1", "regulatorytTTTCTACTGTTTGG-1",
                        "LINC00115", "SRSF10.1", ""),
                new Expected(TestData.PBMC68K, 700, 765, 174_400, 628, 550, 1169, 486_651,
                        "AAAGCCTGGCTAAC-1", "TTGAGGTGGAGAGC-8", "HES4", "MT-ND3", ""),
                // var index is SYMBOL, except 91 genes written as SYMBOL_ENSG...; SYMBOL column wins
                new Expected(TestData.KANG_EXAMPLE, 1556, 1267, 585_251, 715, 1880, 3986,
                        2_338_396, "ATCATGCTGCGTAT-1", "GAATGGCTAAACAG-1", "HES4", "PRMT2",
                        "ENSG00000188290"),
                // var index is Ensembl; symbols are in the 'feature' column
                new Expected(TestData.KANG_SE, 12261, 1287, 4_266_127, 2651, 1366, 1206,
                        15_334_912, "AAACATACATTTCC-1", "TTTGCATGTTCATC-1", "ISG15", "PRMT2",
                        "ENSG00000187608"),
                new Expected(TestData.PBMC_CITESEQ, 400, 15792, 703_993, 6151, 7352, 5973,
                        2_258_575, "10k_AAACCCAAGATTGTGA-1", "5k_ACAACCAGTTACGATC-1", "AL627309.1",
                        "AC240274.1", ""),
                new Expected(TestData.PBMC_DONOR_A, 2896, 13939, 2_188_298, 2325, 2384, 4143,
                        6_485_285, "frozen_pbmc_donor_a_AAACATTGCACTAG",
                        "frozen_pbmc_donor_a_TTTGCATGGGAGTG", "AL627309.1", "SRSF10.1", ""),
                new Expected(TestData.KANG_10X, 1556, 1267, 585_251, 715, 1880, 3986, 2_338_396,
                        "ATCATGCTGCGTAT-1", "GAATGGCTAAACAG-1", "HES4", "PRMT2", "ENSG00000188290"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("datasets")
    void matchesIndependentFigures(Expected e) {
        CellDataset d = DatasetReader.read(TestData.file(e.file()));
        CsrMatrix m = d.counts();
        assertEquals(e.cells(), m.rows(), "cells");
        assertEquals(e.genes(), m.cols(), "genes");
        assertEquals(e.nnz(), m.nnz(), "non-zeros");
        assertEquals(e.firstSum(), m.rowSum(0), 0.0, "first cell");
        assertEquals(e.midSum(), m.rowSum(m.rows() / 2), 0.0, "middle cell");
        assertEquals(e.lastSum(), m.rowSum(m.rows() - 1), 0.0, "last cell");
        double total = 0;
        for (float v : m.values()) {
            total += v;
        }
        assertEquals(e.total(), total, 0.0, "total");
        assertEquals(e.firstCell(), d.cellIds().get(0));
        assertEquals(e.lastCell(), d.cellIds().get(e.cells() - 1));
        assertEquals(e.firstSymbol(), d.genes().symbols().get(0));
        assertEquals(e.lastSymbol(), d.genes().symbols().get(e.genes() - 1));
        assertEquals(e.firstEnsembl(), d.genes().ensemblIds().get(0));
        String expectedName = TestData.file(e.file()).getFileName().toString().replace(".h5ad", "");
        assertEquals(expectedName, d.name());
        CountCheck.requireRawCounts(m, d.name());
    }
}
