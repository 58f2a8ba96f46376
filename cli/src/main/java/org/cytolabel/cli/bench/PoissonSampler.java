package org.cytolabel.cli.bench;

import java.util.SplittableRandom;

/**
 * Poisson draws from a seeded {@link SplittableRandom}: multiplication of uniforms (Knuth) below a
 * mean of 10, Hörmann's transformed rejection with squeeze (PTRS, 1993) from 10 on. Not thread-safe.
 */
final class PoissonSampler {
    private static final double SMALL_MEAN = 10;
    private static final int LOG_FACTORIAL_TABLE = 256;
    private static final double[] LOG_FACTORIAL = new double[LOG_FACTORIAL_TABLE];
    /** exp(-k) for the integer means below {@link #SMALL_MEAN} (counts are whole numbers). */
    private static final double[] EXP_NEG = new double[(int) SMALL_MEAN];

    static {
        for (int k = 1; k < LOG_FACTORIAL_TABLE; k++) {
            LOG_FACTORIAL[k] = LOG_FACTORIAL[k - 1] + Math.log(k);
        }
        for (int k = 0; k < EXP_NEG.length; k++) {
            EXP_NEG[k] = Math.exp(-k);
        }
    }

    private final SplittableRandom random;

    PoissonSampler(SplittableRandom random) {
        this.random = random;
    }

    /** One draw from Poisson({@code mean}); 0 for a mean of 0 or less. */
    int next(double mean) {
        if (!(mean > 0)) {
            return 0;
        }
        return mean < SMALL_MEAN ? knuth(mean) : ptrs(mean);
    }

    private int knuth(double mean) {
        int whole = (int) mean;
        double limit = whole == mean ? EXP_NEG[whole] : Math.exp(-mean);
        double p = random.nextDouble();
        int k = 0;
        while (p > limit) {
            k++;
            p *= random.nextDouble();
        }
        return k;
    }

    private int ptrs(double mean) {
        double slam = Math.sqrt(mean);
        double logMean = Math.log(mean);
        double b = 0.931 + 2.53 * slam;
        double a = -0.059 + 0.02483 * b;
        double invAlpha = 1.1239 + 1.1328 / (b - 3.4);
        double vr = 0.9277 - 3.6224 / (b - 2);
        while (true) {
            double u = random.nextDouble() - 0.5;
            double v = random.nextDouble();
            double us = 0.5 - Math.abs(u);
            long k = (long) Math.floor((2 * a / us + b) * u + mean + 0.43);
            if (us >= 0.07 && v <= vr) {
                return (int) k;
            }
            if (k < 0 || (us < 0.013 && v > us)) {
                continue;
            }
            if (Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b)
                    <= -mean + k * logMean - logFactorial(k)) {
                return (int) k;
            }
        }
    }

    /** ln(k!): a table below 256, Stirling's series above (error below 1e-12 there). */
    static double logFactorial(long k) {
        if (k < LOG_FACTORIAL_TABLE) {
            return LOG_FACTORIAL[(int) k];
        }
        double x = k + 1.0;
        double inv = 1 / x;
        double inv2 = inv * inv;
        return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI)
                + inv * (1.0 / 12 - inv2 * (1.0 / 360 - inv2 / 1260));
    }
}
