package org.cytolabel.core.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.cytolabel.core.TestData;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.ontology.CellOntology;
import org.junit.jupiter.api.Test;

/**
 * Expected numbers come from scikit-learn 1.2.1 ({@code accuracy_score}, {@code f1_score(average='macro' |
 * 'weighted' | None)}, {@code cohen_kappa_score}) on the same arrays, and were checked by hand.
 */
class MetricsTest {
    private static final double EPS = 1e-12;

    @Test
    void threeClassesAllPresent() {
        int[] t = {0, 0, 0, 1, 1, 1, 2, 2, 2, 2};
        int[] p = {0, 0, 1, 1, 1, 2, 2, 2, 0, 2};
        ClassificationReport r = Metrics.evaluate(t, p, List.of("a", "b", "c"));
        assertArrayEquals(new int[] {2, 1, 0}, r.confusion()[0]);
        assertArrayEquals(new int[] {0, 2, 1}, r.confusion()[1]);
        assertArrayEquals(new int[] {1, 0, 3}, r.confusion()[2]);
        assertEquals(0.7, r.accuracy(), EPS);
        assertEquals(0.6944444444444443, r.macroF1(), EPS);
        assertEquals(0.7, r.weightedF1(), EPS);
        assertEquals(0.5454545454545454, r.cohenKappa(), EPS);
        assertEquals(2.0 / 3, r.perClassF1().get("a"), EPS);
        assertEquals(0.75, r.perClassF1().get("c"), EPS);
        assertEquals(Map.of("a", 3, "b", 3, "c", 4), r.support());
        assertEquals(10, r.total());
    }

    @Test
    void classAbsentFromBothIsLeftOutAndPredictedOnlyClassScoresZero() {
        int[] t = {0, 0, 1, 1, 1, 0, 1, 0};
        int[] p = {0, 1, 1, 1, 2, 0, 1, 0};   // class 2 only predicted, class 3 never seen
        ClassificationReport r = Metrics.evaluate(t, p, List.of("a", "b", "c", "d"));
        assertEquals(0.75, r.accuracy(), EPS);
        assertEquals(0.5357142857142857, r.macroF1(), EPS);   // (6/7 + 3/4 + 0) / 3, not / 4
        assertEquals(0.8035714285714286, r.weightedF1(), EPS);
        assertEquals(0.5555555555555556, r.cohenKappa(), EPS);
        assertEquals(0.0, r.perClassF1().get("c"), EPS);
        assertEquals(0.0, r.perClassF1().get("d"), EPS);
        assertEquals(0, r.support().get("d"));
    }

    @Test
    void classWithSupportButNoPredictionsScoresZero() {
        int[] t = {0, 0, 0, 1, 1, 2, 2, 2, 2, 0};
        int[] p = {0, 0, 0, 1, 0, 0, 0, 1, 0, 0};
        ClassificationReport r = Metrics.evaluate(t, p, List.of("a", "b", "c"));
        assertEquals(0.5, r.accuracy(), EPS);
        assertEquals(0.38888888888888884, r.macroF1(), EPS);
        assertEquals(0.36666666666666664, r.weightedF1(), EPS);
        assertEquals(0.2187499999999999, r.cohenKappa(), EPS);
        assertEquals(0.0, r.perClassF1().get("c"), EPS);
    }

    @Test
    void perfectSingleClassHasUndefinedKappaLikeSklearn() {
        ClassificationReport r = Metrics.evaluate(new int[] {1, 1}, new int[] {1, 1}, List.of("a", "b"));
        assertEquals(1.0, r.accuracy(), EPS);
        assertEquals(1.0, r.macroF1(), EPS);
        assertTrue(Double.isNaN(r.cohenKappa()));
    }

    @Test
    void badInputsSayWhatIsWrong() {
        var e = assertThrows(CytoLabelException.class,
                () -> Metrics.evaluate(new int[] {0, 3}, new int[] {0, 1}, List.of("a", "b")));
        assertTrue(e.getMessage().contains("truth[1] = 3"), e.getMessage());
        assertThrows(CytoLabelException.class,
                () -> Metrics.evaluate(new int[] {0}, new int[] {0, 1}, List.of("a", "b")));
        assertThrows(CytoLabelException.class,
                () -> Metrics.evaluate(new int[] {}, new int[] {}, List.of("a")));
        assertThrows(CytoLabelException.class,
                () -> Metrics.evaluate(new int[] {0}, new int[] {0}, List.of("a", "a")));
    }

    @Test
    void stringMacroF1UsesTheUnionOfLabels() {
        assertEquals(0.38888888888888884, Metrics.macroF1(
                List.of("a", "a", "a", "b", "b", "c", "c", "c", "c", "a"),
                List.of("a", "a", "a", "b", "a", "a", "a", "b", "a", "a")), EPS);
    }

    /**
     * Relations checked in cl-basic.obo 2022-12-15: CL:0000897 (CD4 memory) and CL:0000792 (CD4 Treg) are_a
     * CL:0000624 (CD4 alpha-beta T); CL:0000900 (naive CD8) is_a CL:0000625 (CD8 alpha-beta T); CL:0000084
     * (T cell) is an ancestor of both. Corrected predictions (by hand) then sklearn f1_score(average='macro').
     */
    @Test
    void ontologyMacroF1CountsDescendantsRightAndParentsWrong() {
        CellOntology cl = CellOntology.load(TestData.file(TestData.CL_OBO));
        List<String> truth = List.of("CL:0000624", "CL:0000624", "CL:0000624", "CL:0000624",
                "CL:0000625", "CL:0000625", "CL:0000625", "CL:0000236", "CL:0000236", "CL:0000236");
        List<String> pred = List.of("CL:0000624", "CL:0000897", "CL:0000084", "CL:0000792",
                "CL:0000625", "CL:0000624", "CL:0000900", "CL:0000236", "CL:0000236", "CL:0000084");
        // corrected: 624 624 084 624 | 625 624 625 | 236 236 084 -> F1 624 0.75, 625 0.8, 236 0.8, 084 0
        assertEquals(0.5875, Metrics.ontologyMacroF1(truth, pred, cl), EPS);
        assertEquals(0.23333333333333334, Metrics.macroF1(truth, pred), EPS);

        assertEquals(1.0, Metrics.ontologyMacroF1(List.of("CL:0000624"), List.of("CL:0000897"), cl), EPS);
        assertEquals(0.0, Metrics.ontologyMacroF1(List.of("CL:0000624"), List.of("CL:0000084"), cl), EPS);
    }

    @Test
    void expectedCalibrationErrorByHand() {
        float[] conf = {0.95f, 0.9f, 0.85f, 0.58f, 0.55f, 0.3f, 1.0f, 0.0f};
        boolean[] ok = {true, true, false, true, false, false, true, false};
        // 5 bins of 0.2: (0,.2] {0.0 wrong}: gap 0; (.2,.4] {.3 wrong}: gap .3;
        // (.4,.6] {.58 right, .55 wrong}: |.5 - .565| = .065; (.8,1] {.95 .9 .85 1.0; 3 right}: |.75 - .925| = .175
        // ECE = (0 + .3 + 2 * .065 + 4 * .175) / 8 = 0.14125
        ReliabilityCurve c = Metrics.reliability(conf, ok, 5);
        assertEquals(0.14125, c.ece(), 1e-6);
        assertEquals(c.ece(), Metrics.expectedCalibrationError(conf, ok, 5), 0.0);
        assertArrayEquals(new int[] {1, 1, 2, 0, 4}, c.counts());
        assertArrayEquals(new double[] {0.1, 0.3, 0.5, 0.7, 0.9}, c.binCenters(), 1e-12);
        assertArrayEquals(new double[] {0, 0, 0.5, 0, 0.75}, c.accuracy(), 1e-12);
        assertArrayEquals(new double[] {0, 0.3, 0.565, 0, 0.925}, c.meanConfidence(), 1e-6);
        assertEquals(8, c.total());
    }

    @Test
    void perfectlyCalibratedAndOverconfident() {
        float[] conf = {1f, 1f, 1f, 1f};
        assertEquals(0.0, Metrics.expectedCalibrationError(conf, new boolean[] {true, true, true, true}), EPS);
        assertEquals(0.5, Metrics.expectedCalibrationError(conf, new boolean[] {true, false, true, false}), EPS);
        assertEquals(Metrics.DEFAULT_BINS, Metrics.reliability(conf, new boolean[4], Metrics.DEFAULT_BINS).bins());
    }

    @Test
    void confidenceOutsideUnitIntervalIsRejected() {
        var e = assertThrows(CytoLabelException.class,
                () -> Metrics.expectedCalibrationError(new float[] {1.5f}, new boolean[] {true}));
        assertTrue(e.getMessage().contains("logits"), e.getMessage());
        assertThrows(CytoLabelException.class,
                () -> Metrics.expectedCalibrationError(new float[] {Float.NaN}, new boolean[] {true}));
        assertThrows(CytoLabelException.class,
                () -> Metrics.reliability(new float[] {0.5f}, new boolean[] {true}, 0));
    }
}
