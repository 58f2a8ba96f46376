package org.cytolabel.trainer.scnym;

import java.util.LinkedHashMap;
import java.util.Map;
import org.cytolabel.trainer.model.HyperParameters;

/**
 * scNym's hyper-parameters, parsed and checked. Setting {@code consistency_weight = 0},
 * {@code adversary_weight = 0} and {@code mixup_alpha = 0} gives the "supervised twin": the same
 * network and selection rule trained on labeled cells only.
 *
 * @param epochs             passes over the labeled training cells (every epoch runs; the best is kept)
 * @param batchSize          labeled cells per step (an equal number of unlabeled cells joins them)
 * @param learningRate       AdamW learning rate
 * @param weightDecay        AdamW decoupled weight decay
 * @param dropout            dropout after each hidden layer (scNym: 0.5)
 * @param hidden             width of both hidden layers (scNym: 256)
 * @param sharpenTemperature pseudolabel sharpening temperature (MixMatch: 0.5)
 * @param mixupAlpha         Beta(alpha, alpha) for MixUp; 0 turns MixUp off
 * @param consistencyWeight  final weight of the interpolation-consistency MSE
 * @param adversaryWeight    final gradient-reversal weight of the domain adversary
 * @param confidenceGate     minimum teacher confidence for a pseudolabel to be used; 0 = off
 * @param calibrate          fit a softmax temperature on the validation cells
 * @param consistencyRamp    fraction of the epochs over which the consistency weight ramps linearly
 * @param adversaryRamp      fraction of the epochs over which the adversary weight ramps (sigmoid)
 */
public record ScNymConfig(int epochs, int batchSize, float learningRate, float weightDecay, float dropout,
        int hidden, float sharpenTemperature, float mixupAlpha, float consistencyWeight, float adversaryWeight,
        float confidenceGate, boolean calibrate, float consistencyRamp, float adversaryRamp) {

    /** The family's defaults, in a stable order (see the module README for where each comes from). */
    public static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("epochs", "40");
        d.put("batch_size", "256");
        d.put("lr", "0.001");
        d.put("weight_decay", "0.01");
        d.put("dropout", "0.5");
        d.put("hidden", "256");
        d.put("temperature_sharpen", "0.5");
        d.put("mixup_alpha", "0.3");
        d.put("consistency_weight", "1.0");
        d.put("adversary_weight", "0.1");
        // 0.9: without the gate, wrong pseudolabels reinforced themselves on 2 of 3 seeds of Kang
        // ctrl -> stim (macro-F1 0.66 / 0.69); with it 0.882 +/- 0.010 (BENCHMARKS.md)
        d.put("confidence_gate", "0.9");
        d.put("calibrate", "true");
        d.put("consistency_ramp", "0.5");
        d.put("adversary_ramp", "0.2");
        return d;
    }

    /** The overrides that turn scNym into its supervised twin. */
    public static Map<String, String> supervisedTwin() {
        return Map.of("consistency_weight", "0", "adversary_weight", "0", "mixup_alpha", "0");
    }

    public static ScNymConfig of(HyperParameters hp) {
        ScNymConfig c = new ScNymConfig(hp.integer("epochs"), hp.integer("batch_size"), hp.real("lr"),
                hp.real("weight_decay"), hp.real("dropout"), hp.integer("hidden"), hp.real("temperature_sharpen"),
                hp.real("mixup_alpha"), hp.real("consistency_weight"), hp.real("adversary_weight"),
                hp.real("confidence_gate"), hp.flag("calibrate"), hp.real("consistency_ramp"),
                hp.real("adversary_ramp"));
        hp.require(c.epochs >= 1, "epochs", "at least 1");
        hp.require(c.batchSize >= 2, "batch_size", "at least 2 (batch norm needs two cells)");
        hp.require(c.learningRate > 0, "lr", "positive");
        hp.require(c.weightDecay >= 0, "weight_decay", ">= 0");
        hp.require(c.dropout >= 0 && c.dropout < 1, "dropout", "in [0, 1)");
        hp.require(c.hidden >= 1, "hidden", "at least 1");
        hp.require(c.sharpenTemperature > 0, "temperature_sharpen", "positive (1 = no sharpening)");
        hp.require(c.mixupAlpha >= 0, "mixup_alpha", ">= 0 (0 turns MixUp off)");
        hp.require(c.consistencyWeight >= 0, "consistency_weight", ">= 0");
        hp.require(c.adversaryWeight >= 0, "adversary_weight", ">= 0");
        hp.require(c.confidenceGate >= 0 && c.confidenceGate < 1, "confidence_gate", "in [0, 1) (0 = off, 0.9 typical)");
        hp.require(c.consistencyRamp >= 0 && c.consistencyRamp <= 1, "consistency_ramp", "a fraction of the epochs in [0, 1]");
        hp.require(c.adversaryRamp >= 0 && c.adversaryRamp <= 1, "adversary_ramp", "a fraction of the epochs in [0, 1]");
        return c;
    }

    /** Whether unlabeled target cells take part in training at all. */
    public boolean usesUnlabeled() {
        return consistencyWeight > 0 || adversaryWeight > 0;
    }

    /** The first epoch (1-based) whose weights may be kept: the consistency ramp has finished. */
    public int firstSelectableEpoch() {
        return Math.max(1, Math.min(epochs, (int) Math.ceil(consistencyRamp * epochs)));
    }
}
