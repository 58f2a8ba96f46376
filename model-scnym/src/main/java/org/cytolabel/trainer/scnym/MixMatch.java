package org.cytolabel.trainer.scnym;

import ai.djl.ndarray.NDArray;
import java.util.Random;

/**
 * The pieces of scNym's MixMatch step that are plain arithmetic: sharpening pseudolabels,
 * drawing MixUp coefficients and mixing rows. Each mixed row is {@code lambda * a + (1 - lambda) * b}
 * with its own {@code lambda ~ Beta(alpha, alpha)}, kept at {@code max(lambda, 1 - lambda)} so the
 * row's own cell dominates (scNym's {@code keep_dominant_obs}).
 */
public final class MixMatch {

    private MixMatch() {
    }

    /** Row-wise {@code p^(1/T) / sum(p^(1/T))} of a row-major {@code [rows, classes]} matrix. */
    public static float[] sharpen(float[] probabilities, int classes, float temperature) {
        float[] out = new float[probabilities.length];
        double power = 1.0 / temperature;
        for (int r = 0; r < probabilities.length / classes; r++) {
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.pow(probabilities[r * classes + c], power);
            }
            for (int c = 0; c < classes; c++) {
                out[r * classes + c] = (float) (Math.pow(probabilities[r * classes + c], power) / sum);
            }
        }
        return out;
    }

    /**
     * {@code n} MixUp coefficients {@code max(l, 1 - l)} with {@code l ~ Beta(alpha, alpha)}; all 1
     * (no mixing) when {@code alpha} is 0.
     */
    public static float[] lambdas(Random rng, float alpha, int n) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            if (alpha <= 0) {
                out[i] = 1f;
            } else {
                double a = gamma(rng, alpha);
                double b = gamma(rng, alpha);
                double l = a + b == 0 ? 0.5 : a / (a + b);
                out[i] = (float) Math.max(l, 1 - l);
            }
        }
        return out;
    }

    /** Rows {@code lambda[i] * a[i] + (1 - lambda[i]) * b[i]} of two row-major matrices of one width. */
    public static float[] mixRows(float[] a, float[] b, int width, float[] lambda) {
        float[] out = new float[a.length];
        for (int r = 0; r < lambda.length; r++) {
            float l = lambda[r];
            for (int c = 0; c < width; c++) {
                int k = r * width + c;
                out[k] = l * a[k] + (1 - l) * b[k];
            }
        }
        return out;
    }

    /** The same mix on NDArrays ({@code lambda} is {@code [rows, 1]}), for the network's inputs. */
    public static NDArray mix(NDArray a, NDArray b, NDArray lambda) {
        return a.mul(lambda).add(b.mul(lambda.neg().add(1f)));
    }

    /** Gamma(shape, 1) by Marsaglia and Tsang, boosted for shape < 1. */
    static double gamma(Random rng, double shape) {
        if (shape < 1) {
            double u = rng.nextDouble();
            return gamma(rng, shape + 1) * Math.pow(u, 1 / shape);
        }
        double d = shape - 1.0 / 3;
        double c = 1 / Math.sqrt(9 * d);
        while (true) {
            double x;
            double v;
            do {
                x = rng.nextGaussian();
                v = 1 + c * x;
            } while (v <= 0);
            v = v * v * v;
            double u = rng.nextDouble();
            if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
                return d * v;
            }
        }
    }

    /** A uniformly random permutation of {@code 0..n-1}. */
    static int[] permutation(Random rng, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
