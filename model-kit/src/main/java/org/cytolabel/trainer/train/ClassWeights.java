package org.cytolabel.trainer.train;

/** Class weights for the cross-entropy loss. */
public final class ClassWeights {

    private ClassWeights() {
    }

    /**
     * sklearn's "balanced" weights {@code n / (C * n_c)} from the training labels (scTab's loss
     * weights); a class with no training cell gets weight 0.
     */
    public static float[] balanced(int[] labels, int numClasses) {
        long[] counts = new long[numClasses];
        for (int y : labels) {
            counts[y]++;
        }
        float[] w = new float[numClasses];
        for (int c = 0; c < numClasses; c++) {
            w[c] = counts[c] == 0 ? 0f : (float) ((double) labels.length / ((double) numClasses * counts[c]));
        }
        return w;
    }
}
