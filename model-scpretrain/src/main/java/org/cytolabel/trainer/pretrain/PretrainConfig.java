package org.cytolabel.trainer.pretrain;

import org.cytolabel.core.error.CytoLabelException;

/**
 * Settings of scPretrain's self-supervised phase.
 *
 * @param hidden             encoder width (the paper's 200)
 * @param iterations         phase-2 rounds of re-clustering on the embedding then training (paper 10)
 * @param epochsPerIteration training epochs after each clustering (phase 1 and every phase-2 round)
 * @param batchSize          cells per dataset per step
 * @param learningRate       Adam learning rate
 * @param pcaComponents      phase 1 clusters the PCA of log-normalised expression with this many components
 * @param maxCellsPerDataset a larger dataset is subsampled (seeded) to this many cells; 0 keeps all
 * @param divisors           one task per divisor d with k = max(2, n / d) (paper 50, 100, 200)
 * @param seed               seeds initialisation, shuffles, PCA and k-means
 */
public record PretrainConfig(int hidden, int iterations, int epochsPerIteration, int batchSize, float learningRate,
        int pcaComponents, int maxCellsPerDataset, int[] divisors, long seed) {

    public PretrainConfig {
        if (hidden < 1 || iterations < 0 || epochsPerIteration < 1 || batchSize < 2 || !(learningRate > 0)
                || pcaComponents < 1 || maxCellsPerDataset < 0 || divisors.length == 0) {
            throw CytoLabelException.invalid("bad pretraining settings: hidden " + hidden + ", iterations " + iterations
                    + ", epochs per iteration " + epochsPerIteration + ", batch " + batchSize + ", lr " + learningRate
                    + ", pca " + pcaComponents + ", max cells " + maxCellsPerDataset);
        }
        divisors = divisors.clone();
    }

    /** The paper's settings: 200 units, 10 iterations, k = n/50, n/100, n/200. */
    public static PretrainConfig paper(long seed) {
        return new PretrainConfig(200, 10, 2, 256, 1e-3f, 50, 4000, new int[] {50, 100, 200}, seed);
    }

    public PretrainConfig withIterations(int iterations, int epochsPerIteration) {
        return new PretrainConfig(hidden, iterations, epochsPerIteration, batchSize, learningRate, pcaComponents,
                maxCellsPerDataset, divisors, seed);
    }

    public PretrainConfig withSeed(long newSeed) {
        return new PretrainConfig(hidden, iterations, epochsPerIteration, batchSize, learningRate, pcaComponents,
                maxCellsPerDataset, divisors, newSeed);
    }

    /** The number of clusters of each task on a dataset of {@code n} cells: {@code max(2, n / d)} per divisor. */
    public int[] clusterCounts(int n) {
        int[] k = new int[divisors.length];
        for (int i = 0; i < k.length; i++) {
            k[i] = Math.min(n, Math.max(2, n / divisors[i]));
        }
        return k;
    }
}
