package org.cytolabel.trainer.scnym;

/**
 * Post-hoc calibration (Guo et al. 2017): one temperature {@code T} with
 * {@code softmax(logits / T)}, chosen to minimise the negative log-likelihood of held-out labels by
 * golden-section search on {@code log T} in [1/20, 20]. NLL is convex in {@code 1/T}, so the search
 * finds its minimum on that interval.
 */
public final class TemperatureScaling {
    static final double MIN_T = 0.05;
    static final double MAX_T = 20;
    private static final int ITERATIONS = 80;

    private TemperatureScaling() {
    }

    /** The NLL-minimising temperature for {@code logits[i]} with true class {@code labels[i]}. */
    public static double fit(float[][] logits, int[] labels) {
        double lo = Math.log(MIN_T);
        double hi = Math.log(MAX_T);
        double phi = (Math.sqrt(5) - 1) / 2;
        double a = hi - phi * (hi - lo);
        double b = lo + phi * (hi - lo);
        double fa = nll(logits, labels, Math.exp(a));
        double fb = nll(logits, labels, Math.exp(b));
        for (int i = 0; i < ITERATIONS; i++) {
            if (fa <= fb) {
                hi = b;
                b = a;
                fb = fa;
                a = hi - phi * (hi - lo);
                fa = nll(logits, labels, Math.exp(a));
            } else {
                lo = a;
                a = b;
                fa = fb;
                b = lo + phi * (hi - lo);
                fb = nll(logits, labels, Math.exp(b));
            }
        }
        return Math.exp((lo + hi) / 2);
    }

    /** Mean {@code -log softmax(logits / T)[label]} in double precision. */
    public static double nll(float[][] logits, int[] labels, double temperature) {
        double total = 0;
        for (int i = 0; i < logits.length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (float z : logits[i]) {
                max = Math.max(max, z / temperature);
            }
            double sum = 0;
            for (float z : logits[i]) {
                sum += Math.exp(z / temperature - max);
            }
            total += max + Math.log(sum) - logits[i][labels[i]] / temperature;
        }
        return total / logits.length;
    }

    /** {@code softmax(logits / T)} per row, in float as the exported graph computes it. */
    public static float[][] probabilities(float[][] logits, double temperature) {
        float[][] out = new float[logits.length][];
        for (int i = 0; i < logits.length; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (float z : logits[i]) {
                max = Math.max(max, z / temperature);
            }
            double sum = 0;
            out[i] = new float[logits[i].length];
            for (int c = 0; c < logits[i].length; c++) {
                double e = Math.exp(logits[i][c] / temperature - max);
                out[i][c] = (float) e;
                sum += e;
            }
            for (int c = 0; c < out[i].length; c++) {
                out[i][c] = (float) (out[i][c] / sum);
            }
        }
        return out;
    }
}
