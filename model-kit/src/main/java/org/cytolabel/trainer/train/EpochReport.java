package org.cytolabel.trainer.train;

import java.util.Map;

/**
 * One finished epoch (1-based {@code epoch}); {@code best} when its validation score is the best
 * so far, so its weights are the ones kept. {@code metrics} carries a family's own per-epoch
 * numbers (e.g. scNym's {@code consistency_loss}, {@code adversary_loss}, {@code domain_accuracy});
 * they stream through WatchJob next to the losses.
 */
public record EpochReport(int epoch, int maxEpochs, double trainLoss, double validationLoss,
        double validationMacroF1, double validationAccuracy, boolean best, Map<String, Double> metrics) {

    public EpochReport {
        metrics = Map.copyOf(metrics);
    }

    public EpochReport(int epoch, int maxEpochs, double trainLoss, double validationLoss, double validationMacroF1,
            double validationAccuracy, boolean best) {
        this(epoch, maxEpochs, trainLoss, validationLoss, validationMacroF1, validationAccuracy, best, Map.of());
    }
}
