package org.cytolabel.core.data;

import java.util.Arrays;
import java.util.Locale;
import org.cytolabel.core.error.CytoLabelException;

/**
 * Tells raw UMI counts from what users often send instead: scaled data (negative values),
 * log-normalised data (non-integers no larger than ~15) and size-normalised data (non-integers,
 * every cell summing to the same total such as 1e4 or 1e6). Looks at an evenly spaced sample of at
 * most {@link #SAMPLE_ROWS} rows, so it costs the same for any number of cells.
 */
public final class CountCheck {
    /** Rows looked at, at most. */
    public static final int SAMPLE_ROWS = 2000;
    /** log1p of 1e6 is 13.8: log-normalised data stays below this. */
    static final double LOG_MAX = 15.0;
    /** Row sums within 1% of each other count as equal. */
    static final double EQUAL_SUMS = 1e-2;

    private static final String ADVICE = " Send raw UMI counts (e.g. adata.raw.X or "
            + "adata.layers[\"counts\"], or the 10x matrix.mtx), not log1p or normalised values: "
            + "the model normalises counts itself.";

    private CountCheck() {
    }

    /** Throws when {@code m} does not look like raw counts; {@code what} names it in the message. */
    public static void requireRawCounts(CsrMatrix m, String what) {
        CountSummary s = summarize(m);
        String msg = switch (s.finding()) {
            case RAW_COUNTS -> null;
            case NOT_FINITE -> what + " has NaN or infinite values (e.g. in cell " + s.exampleRow()
                    + "), so it is not counts.";
            case NEGATIVE -> what + " has negative values (e.g. " + fmt(s.exampleValue())
                    + " in cell " + s.exampleRow() + "): it looks scaled or centred "
                    + "(e.g. sc.pp.scale), not counts.";
            case SIZE_NORMALISED -> what + " looks size-normalised: its values are not whole "
                    + "numbers (e.g. " + fmt(s.exampleValue()) + " in cell " + s.exampleRow()
                    + ") and every cell sums to about " + fmt(s.medianRowSum())
                    + " (as after normalize_total or CPM).";
            case LOG_NORMALISED -> what + " looks log-normalised (log1p): its values are not whole "
                    + "numbers (e.g. " + fmt(s.exampleValue()) + " in cell " + s.exampleRow()
                    + ") and the largest is " + fmt(s.max()) + ".";
            case NON_INTEGER -> what + " has values that are not whole numbers (e.g. "
                    + fmt(s.exampleValue()) + " in cell " + s.exampleRow() + "), so it is not raw "
                    + "counts.";
        };
        if (msg != null) {
            throw CytoLabelException.invalid(msg + ADVICE);
        }
    }

    public static CountSummary summarize(CsrMatrix m) {
        int sampled = Math.min(m.rows(), SAMPLE_ROWS);
        long values = 0;
        long negatives = 0;
        long nonFinite = 0;
        long nonIntegers = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        int exampleRow = -1;
        float exampleValue = 0;
        double[] sums = new double[sampled];
        int positiveSums = 0;
        for (int i = 0; i < sampled; i++) {
            int r = (int) ((long) i * m.rows() / sampled);
            double sum = 0;
            for (int k = m.indptr()[r]; k < m.indptr()[r + 1]; k++) {
                float v = m.values()[k];
                values++;
                boolean bad = false;
                if (!Float.isFinite(v)) {
                    nonFinite++;
                    bad = true;
                } else {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                    sum += v;
                    if (v < 0) {
                        negatives++;
                        bad = true;
                    }
                    if (Math.abs(v - Math.rint(v)) > Math.max(1e-3, 1e-6 * Math.abs(v))) {
                        nonIntegers++;
                        bad = true;
                    }
                }
                if (bad && exampleRow < 0) {
                    exampleRow = r;
                    exampleValue = v;
                }
            }
            if (sum > 0) {
                sums[positiveSums++] = sum;
            }
        }
        double median = 0;
        double spread = Double.NaN;
        if (positiveSums > 0) {
            double[] s = Arrays.copyOf(sums, positiveSums);
            Arrays.sort(s);
            median = s[positiveSums / 2];
            spread = (s[positiveSums - 1] - s[0]) / median;
        }
        if (values == nonFinite) {
            min = 0;
            max = 0;
        }
        CountSummary.Finding finding;
        if (nonFinite > 0) {
            finding = CountSummary.Finding.NOT_FINITE;
        } else if (negatives > 0) {
            finding = CountSummary.Finding.NEGATIVE;
        } else if (nonIntegers == 0) {
            finding = CountSummary.Finding.RAW_COUNTS;
        } else if (positiveSums >= 2 && spread <= EQUAL_SUMS) {
            finding = CountSummary.Finding.SIZE_NORMALISED;
        } else if (max <= LOG_MAX) {
            finding = CountSummary.Finding.LOG_NORMALISED;
        } else {
            finding = CountSummary.Finding.NON_INTEGER;
        }
        return new CountSummary(sampled, values, min, max, negatives, nonFinite, nonIntegers,
                median, spread, exampleRow, exampleValue, finding);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }
}
