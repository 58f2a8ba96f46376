package org.cytolabel.trainer.train;

/**
 * One finished epoch (1-based {@code epoch}); {@code best} when its validation macro-F1 is the best
 * so far, so its weights are the ones kept.
 */
public record EpochReport(int epoch, int maxEpochs, double trainLoss, double validationLoss,
        double validationMacroF1, double validationAccuracy, boolean best) {
}
