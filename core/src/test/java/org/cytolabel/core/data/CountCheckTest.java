package org.cytolabel.core.data;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.BiFunction;
import org.cytolabel.core.TestData;
import org.cytolabel.core.data.CountSummary.Finding;
import org.cytolabel.core.error.CytoLabelException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Raw counts pass; the usual preprocessed stand-ins, made here from real counts, do not. */
class CountCheckTest {
    private static CsrMatrix counts;

    @BeforeAll
    static void read() {
        counts = DatasetReader.read(TestData.file(TestData.SORTED_PBMC)).counts();
    }

    /** A copy with each value replaced by f(value, row sum). */
    private static CsrMatrix map(CsrMatrix m, BiFunction<Float, Double, Double> f) {
        float[] v = m.values().clone();
        for (int r = 0; r < m.rows(); r++) {
            double sum = m.rowSum(r);
            for (int k = m.indptr()[r]; k < m.indptr()[r + 1]; k++) {
                v[k] = (float) (double) f.apply(v[k], sum);
            }
        }
        return new CsrMatrix(m.rows(), m.cols(), m.indptr(), m.indices(), v);
    }

    private static String refused(CsrMatrix m) {
        var e = assertThrows(CytoLabelException.class, () -> CountCheck.requireRawCounts(m, "X"));
        assertTrue(e.getMessage().contains("Send raw UMI counts"), e.getMessage());
        assertTrue(e.getMessage().contains("adata.raw.X"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void rawCountsPass() {
        CountSummary s = CountCheck.summarize(counts);
        assertEquals(Finding.RAW_COUNTS, s.finding());
        assertEquals(2000, s.rowsSampled());
        assertDoesNotThrow(() -> CountCheck.requireRawCounts(counts, "sorted PBMC"));
        // float error such as 2.9999998 from a round trip is tolerated
        assertDoesNotThrow(() -> CountCheck.requireRawCounts(map(counts, (v, s2) -> v - 2e-6), "X"));
    }

    @Test
    void log1pNormalisedIsRefused() {
        CsrMatrix log = map(counts, (v, sum) -> Math.log1p(v / sum * 1e4));
        assertEquals(Finding.LOG_NORMALISED, CountCheck.summarize(log).finding());
        assertTrue(refused(log).contains("looks log-normalised (log1p)"));
    }

    @Test
    void cpmAndTargetSumNormalisedAreRefused() {
        CsrMatrix cpm = map(counts, (v, sum) -> v / sum * 1e6);
        CountSummary s = CountCheck.summarize(cpm);
        assertEquals(Finding.SIZE_NORMALISED, s.finding());
        assertEquals(1e6, s.medianRowSum(), 1.0);
        assertTrue(refused(cpm).contains("every cell sums to about 1.000e+06"));
        CsrMatrix per10k = map(counts, (v, sum) -> v / sum * 1e4);
        assertEquals(Finding.SIZE_NORMALISED, CountCheck.summarize(per10k).finding());
    }

    @Test
    void scaledAndOtherNonIntegerDataAreRefused() {
        // centred as by sc.pp.scale: the many 1s and 2s go below the mean
        CsrMatrix scaled = map(counts, (v, sum) -> v - 2.5);
        assertEquals(Finding.NEGATIVE, CountCheck.summarize(scaled).finding());
        assertTrue(refused(scaled).contains("negative values"));
        CsrMatrix scaledUp = map(counts, (v, sum) -> v * 1.37);
        assertEquals(Finding.NON_INTEGER, CountCheck.summarize(scaledUp).finding());
        assertTrue(refused(scaledUp).contains("not whole numbers"));
        CsrMatrix nan = map(counts, (v, sum) -> v > 100 ? Double.NaN : v);
        assertTrue(refused(nan).contains("NaN"));
    }

    @Test
    void h5adWithLogXAndRawCounts() {
        var file = Fixtures.file("kang60_lognorm_with_raw.h5ad");
        // make_fixtures.py: X = log1p(counts / total * 1e4), max 6.6375
        CountSummary x = CountCheck.summarize(DatasetReader.read(file).counts());
        assertEquals(Finding.LOG_NORMALISED, x.finding());
        assertEquals(6.6375, x.max(), 1e-4);
        assertDoesNotThrow(() -> CountCheck.requireRawCounts(
                DatasetReader.read(file, new ReadOptions(true)).counts(), "raw"));
    }

    @Test
    void emptyMatrixIsNotRefused() {
        assertEquals(Finding.RAW_COUNTS, CountCheck.summarize(CsrMatrix.empty(5)).finding());
    }
}
