package org.cytolabel.core.data;

/**
 * What {@link CountCheck} saw in a sample of a matrix's rows.
 *
 * @param rowsSampled   rows looked at (at most {@link CountCheck#SAMPLE_ROWS}, evenly spaced)
 * @param valuesSampled stored values in those rows
 * @param min           smallest stored value (0 when none)
 * @param max           largest stored value (0 when none)
 * @param negatives     values below zero
 * @param nonFinite     NaN or infinite values
 * @param nonIntegers   values farther than float error from a whole number
 * @param medianRowSum  median sum of the sampled rows with a positive sum
 * @param rowSumSpread  (max - min) / median of those row sums; near 0 when every cell sums to the
 *                      same total, as after size normalisation
 * @param exampleRow    a row holding an offending value (-1 when none)
 * @param exampleValue  that value
 * @param finding       the verdict
 */
public record CountSummary(int rowsSampled, long valuesSampled, double min, double max,
        long negatives, long nonFinite, long nonIntegers, double medianRowSum, double rowSumSpread,
        int exampleRow, float exampleValue, Finding finding) {

    /** What the values look like. */
    public enum Finding {
        RAW_COUNTS, NOT_FINITE, NEGATIVE, SIZE_NORMALISED, LOG_NORMALISED, NON_INTEGER
    }

    public boolean rawCounts() {
        return finding == Finding.RAW_COUNTS;
    }
}
