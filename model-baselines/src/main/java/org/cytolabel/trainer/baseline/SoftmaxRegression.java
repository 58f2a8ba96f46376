package org.cytolabel.trainer.baseline;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.core.metrics.ClassificationReport;
import org.cytolabel.core.metrics.Metrics;
import org.cytolabel.trainer.train.EpochReport;
import org.cytolabel.trainer.train.TrainingListener;

/**
 * Multinomial logistic regression on {@link ScaledCells} trained by mini-batch SGD with momentum
 * and an L2 penalty, in plain Java: minimises {@code mean(weighted CE) + l2/2 * |W|^2} (the bias is
 * not penalised; {@code l2 = 1 / (C n)} is sklearn's {@code LogisticRegression(C)} objective divided
 * by {@code C n}). Weights start at zero (the problem is convex), shuffles come from
 * {@code Random(seed)}, so equal inputs give equal weights. The epoch with the best validation
 * macro-F1 is kept; training stops after {@code patience} epochs without improvement.
 */
final class SoftmaxRegression {

    /** Training settings of one round. */
    record Settings(int maxEpochs, int batchSize, float learningRate, float momentum, float l2, float lrDecay,
            int patience, boolean balanced, long seed) {
    }

    /** The kept weights ({@code [classes][genes]} row-major), bias and reports of one round. */
    record Fit(float[] weight, float[] bias, int bestEpoch, List<EpochReport> history) {
    }

    private SoftmaxRegression() {
    }

    /**
     * Trains one round. Epochs are reported as {@code epochOffset + e} of {@code totalEpochs}, with
     * {@code round} and {@code genes} in the metrics.
     */
    static Fit train(ScaledCells train, int[] labels, ScaledCells validation, int[] validationLabels, int classes,
            Settings s, int round, int epochOffset, int totalEpochs, TrainingListener listener) {
        int g = train.genes();
        int n = train.cells();
        float[] w = new float[classes * g];
        float[] b = new float[classes];
        float[] vw = new float[w.length];
        float[] vb = new float[classes];
        float[] sampleWeight = sampleWeights(labels, classes, s.balanced());
        float[] bestW = w.clone();
        float[] bestB = b.clone();
        double bestF1 = Double.NEGATIVE_INFINITY;
        int bestEpoch = 0;
        List<EpochReport> history = new ArrayList<>();
        Random rng = new Random(s.seed());
        int[] order = IntStream.range(0, n).toArray();
        double[] base = new double[classes];
        double[] gradBias = new double[classes];
        float[] gw = new float[w.length];
        for (int epoch = 1; epoch <= s.maxEpochs(); epoch++) {
            shuffle(order, rng);
            float lr = (float) (s.learningRate() / (1.0 + s.lrDecay() * (epoch - 1)));
            double lossSum = 0;
            double weightSum = 0;
            for (int from = 0; from < n; from += s.batchSize()) {
                if (listener.isCancelled()) {
                    throw new CytoLabelException(ErrorKind.CANCELLED, "training was cancelled");
                }
                int to = Math.min(n, from + s.batchSize());
                baseLogits(w, b, train.zero(), classes, g, base);
                Arrays.fill(gw, 0f);
                Arrays.fill(gradBias, 0);
                double batchWeight = 0;
                for (int k = from; k < to; k++) {
                    batchWeight += sampleWeight[labels[order[k]]];
                }
                double[] p = new double[classes];
                for (int k = from; k < to; k++) {
                    int i = order[k];
                    logits(train, i, w, base, classes, g, p);
                    softmaxInPlace(p);
                    double sw = sampleWeight[labels[i]];
                    lossSum -= sw * Math.log(Math.max(p[labels[i]], 1e-30));
                    weightSum += sw;
                    int start = train.delta().indptr()[i];
                    int end = train.delta().indptr()[i + 1];
                    for (int c = 0; c < classes; c++) {
                        float gc = (float) (sw * (p[c] - (c == labels[i] ? 1 : 0)) / batchWeight);
                        gradBias[c] += gc;
                        int row = c * g;
                        for (int q = start; q < end; q++) {
                            gw[row + train.delta().indices()[q]] += gc * train.delta().values()[q];
                        }
                    }
                }
                for (int c = 0; c < classes; c++) {
                    int row = c * g;
                    float gb = (float) gradBias[c];
                    for (int j = 0; j < g; j++) {
                        float grad = gw[row + j] + gb * train.zero()[j] + s.l2() * w[row + j];
                        vw[row + j] = s.momentum() * vw[row + j] + grad;
                        w[row + j] -= lr * vw[row + j];
                    }
                    vb[c] = s.momentum() * vb[c] + gb;
                    b[c] -= lr * vb[c];
                }
            }
            float[][] probs = predict(validation, w, b, classes);
            int[] predicted = argmax(probs);
            ClassificationReport report = Metrics.evaluate(validationLabels, predicted, classNames(classes));
            boolean isBest = report.macroF1() > bestF1;
            if (isBest) {
                bestF1 = report.macroF1();
                bestEpoch = epoch;
                System.arraycopy(w, 0, bestW, 0, w.length);
                System.arraycopy(b, 0, bestB, 0, b.length);
            }
            EpochReport r = new EpochReport(epochOffset + epoch, totalEpochs, lossSum / weightSum,
                    validationLoss(probs, validationLabels, sampleWeight), report.macroF1(), report.accuracy(), isBest,
                    Map.of("round", (double) round, "genes", (double) g, "lr", (double) lr));
            history.add(r);
            listener.onEpoch(r);
            if (epoch - bestEpoch >= s.patience()) {
                break;
            }
        }
        return new Fit(bestW, bestB, epochOffset + bestEpoch, history);
    }

    /** Softmax probabilities of scaled cells under {@code w, b}. */
    static float[][] predict(ScaledCells cells, float[] w, float[] b, int classes) {
        int g = cells.genes();
        double[] base = new double[classes];
        baseLogits(w, b, cells.zero(), classes, g, base);
        float[][] out = new float[cells.cells()][];
        double[] p = new double[classes];
        for (int i = 0; i < cells.cells(); i++) {
            logits(cells, i, w, base, classes, g, p);
            softmaxInPlace(p);
            out[i] = new float[classes];
            for (int c = 0; c < classes; c++) {
                out[i][c] = (float) p[c];
            }
        }
        return out;
    }

    /** {@code b_c + sum_j zero_j w_cj}: every cell's logits before its expressed genes. */
    private static void baseLogits(float[] w, float[] b, float[] zero, int classes, int g, double[] out) {
        for (int c = 0; c < classes; c++) {
            double s = b[c];
            int row = c * g;
            for (int j = 0; j < g; j++) {
                s += (double) zero[j] * w[row + j];
            }
            out[c] = s;
        }
    }

    private static void logits(ScaledCells cells, int i, float[] w, double[] base, int classes, int g, double[] out) {
        int start = cells.delta().indptr()[i];
        int end = cells.delta().indptr()[i + 1];
        int[] idx = cells.delta().indices();
        float[] val = cells.delta().values();
        for (int c = 0; c < classes; c++) {
            double s = base[c];
            int row = c * g;
            for (int q = start; q < end; q++) {
                s += (double) val[q] * w[row + idx[q]];
            }
            out[c] = s;
        }
    }

    static void softmaxInPlace(double[] z) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int c = 0; c < z.length; c++) {
            z[c] = Math.exp(z[c] - max);
            sum += z[c];
        }
        for (int c = 0; c < z.length; c++) {
            z[c] /= sum;
        }
    }

    /** Per class: 1, or sklearn's balanced {@code n / (C n_c)} when {@code balanced}. */
    static float[] sampleWeights(int[] labels, int classes, boolean balanced) {
        float[] w = new float[classes];
        Arrays.fill(w, 1f);
        if (balanced) {
            w = org.cytolabel.trainer.train.ClassWeights.balanced(labels, classes);
        }
        return w;
    }

    static int[] argmax(float[][] probs) {
        int[] out = new int[probs.length];
        for (int i = 0; i < probs.length; i++) {
            int best = 0;
            for (int c = 1; c < probs[i].length; c++) {
                if (probs[i][c] > probs[i][best]) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }

    static double validationLoss(float[][] probs, int[] labels, float[] classWeights) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < labels.length; i++) {
            double cw = classWeights[labels[i]];
            num -= cw * Math.log(Math.max(probs[i][labels[i]], 1e-30));
            den += cw;
        }
        return den == 0 ? Double.NaN : num / den;
    }

    static List<String> classNames(int classes) {
        return IntStream.range(0, classes).mapToObj(c -> "class_" + c).toList();
    }

    private static void shuffle(int[] a, Random rng) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
