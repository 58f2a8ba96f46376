package org.cytolabel.cli.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.cytolabel.core.TestData;
import org.cytolabel.core.data.CsrMatrix;
import org.cytolabel.core.data.DatasetReader;
import org.cytolabel.inference.runtime.DenseBatch;
import org.cytolabel.inference.runtime.ExecutionProviders;
import org.cytolabel.inference.runtime.OrtModel;
import org.junit.jupiter.api.Test;

class BenchPartsTest {

    @Test
    void quantilesUseNearestRank() {
        long[] nanos = new long[100];
        for (int i = 0; i < 100; i++) {
            nanos[i] = (100 - i) * 1_000_000L;
        }
        assertEquals(50.0, Measurement.quantileMillis(nanos, 0.5));
        assertEquals(99.0, Measurement.quantileMillis(nanos, 0.99));
        assertEquals(100.0, Measurement.quantileMillis(nanos, 1.0));
        assertEquals(50.5, Measurement.meanMillis(nanos), 1e-9);
        Measurement m = new Measurement(1000, 500_000_000L, new CpuClock.Usage(250_000_000L, -1), nanos);
        assertEquals(2000.0, m.cellsPerSecond(), 1e-9);
        assertEquals(0.5, m.coresBusy(), 1e-12);
        assertEquals(Double.NaN, m.othersBusy());
    }

    @Test
    void tableIsPaddedMarkdown() {
        String t = new MarkdownTable("model", ">cells/s").row("mlp", "35,700").row("linear", 9).render();
        assertEquals("""
                | model  | cells/s |
                | ------ | ------: |
                | mlp    |  35,700 |
                | linear |       9 |
                """, t);
    }

    @Test
    void windowsSplitCellsWithoutGapsAndNameThemByRow() {
        CsrMatrix m = DatasetReader.read(TestData.file(TestData.SORTED_PBMC)).counts();
        MatrixCellSource all = new MatrixCellSource(m, java.util.Collections.nCopies(m.cols(), "g"));
        List<MatrixCellSource> parts = all.split(4);
        assertEquals(m.rows(), parts.stream().mapToInt(MatrixCellSource::cells).sum());
        MatrixCellSource last = parts.get(3);
        assertEquals(List.of("cell-" + (m.rows() - 1)), last.cellIds(last.cells() - 1, last.cells()));
        assertEquals(m.rowSum(m.rows() - 1), last.counts(last.cells() - 1, last.cells()).rowSum(0), 0);
    }

    /** The preprocessing-only graph in ORT agrees with the contract's formula computed here, on real cells. */
    @Test
    void preprocessingGraphMatchesTheContract() {
        CsrMatrix m = DatasetReader.read(TestData.file(TestData.SORTED_PBMC)).counts().sliceRows(0, 64);
        int genes = m.cols();
        DenseBatch dense = new DenseBatch(m.rows() * genes);
        for (int r = 0; r < m.rows(); r++) {
            for (int k = m.indptr()[r]; k < m.indptr()[r + 1]; k++) {
                dense.put(r * genes + m.indices()[k], m.values()[k]);
            }
        }
        try (OrtModel model = OrtModel.load("preprocessing", PreprocessingGraph.build(genes),
                new ExecutionProviders(false, 1))) {
            float[] got = model.run(dense, m.rows(), genes, Set.of(PreprocessingGraph.OUTPUT))
                    .get(PreprocessingGraph.OUTPUT);
            for (int r = 0; r < m.rows(); r++) {
                double total = Math.max(m.rowSum(r), 1);
                double expected = 0;
                for (int k = m.indptr()[r]; k < m.indptr()[r + 1]; k++) {
                    expected += Math.log1p(m.values()[k] / total * 1e4);
                }
                assertEquals(expected, got[r], 1e-4 * expected, "row " + r);
            }
        }
    }
}
