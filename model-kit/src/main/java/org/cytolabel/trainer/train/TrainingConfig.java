package org.cytolabel.trainer.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cytolabel.core.error.CytoLabelException;

/**
 * Hyper-parameters of one training run. "linear" is softmax regression on the normalised counts;
 * "mlp" is {@code hiddenLayers} x (Linear, BatchNorm, ReLU, Dropout) then a Linear head. AdamW
 * with decoupled weight decay, StepLR ({@code stepGamma} per epoch), early stopping after
 * {@code patience} epochs without a better validation macro-F1.
 */
public record TrainingConfig(String modelKind, int maxEpochs, int batchSize, float learningRate,
        float weightDecay, float stepGamma, int patience, int hiddenSize, int hiddenLayers, float dropout,
        long seed) {

    public static final String LINEAR = "linear";
    public static final String MLP = "mlp";
    public static final List<String> KINDS = List.of(LINEAR, MLP);
    /** The keys {@link #withOverrides} accepts and {@link #asMap} writes. */
    public static final List<String> KEYS = List.of("epochs", "batch_size", "lr", "weight_decay",
            "step_gamma", "patience", "hidden", "layers", "dropout", "seed");
    private static final Set<String> MLP_ONLY = Set.of("hidden", "layers", "dropout");

    public TrainingConfig {
        if (!KINDS.contains(modelKind)) {
            throw CytoLabelException.invalid("unknown model kind '" + modelKind + "'; this trainer knows " + KINDS);
        }
        require(maxEpochs >= 1, "epochs must be at least 1, got " + maxEpochs);
        require(batchSize >= 2, "batch_size must be at least 2, got " + batchSize);
        require(learningRate > 0 && Float.isFinite(learningRate), "lr must be positive, got " + learningRate);
        require(weightDecay >= 0 && Float.isFinite(weightDecay), "weight_decay must be >= 0, got " + weightDecay);
        require(stepGamma > 0 && stepGamma <= 1, "step_gamma must be in (0, 1], got " + stepGamma);
        require(patience >= 1, "patience must be at least 1, got " + patience);
        require(dropout >= 0 && dropout < 1, "dropout must be in [0, 1), got " + dropout);
        if (MLP.equals(modelKind)) {
            require(hiddenSize >= 1, "hidden must be at least 1, got " + hiddenSize);
            require(hiddenLayers >= 1, "layers must be at least 1 for an mlp, got " + hiddenLayers);
        } else {
            require(hiddenLayers == 0 && hiddenSize == 0 && dropout == 0,
                    "a linear model has no hidden layers or dropout; use model kind 'mlp' for those");
        }
    }

    /** Small-data defaults (sorted PBMC scale: a few thousand cells, ~9k genes). */
    public static TrainingConfig defaults(String modelKind) {
        if (LINEAR.equals(modelKind)) {
            return new TrainingConfig(LINEAR, 40, 128, 1e-3f, 1e-2f, 0.9f, 8, 0, 0, 0f, 0L);
        }
        if (MLP.equals(modelKind)) {
            return new TrainingConfig(MLP, 40, 128, 1e-3f, 1e-2f, 0.9f, 8, 256, 2, 0.3f, 0L);
        }
        throw CytoLabelException.invalid("unknown model kind '" + modelKind + "'; this trainer knows " + KINDS);
    }

    /** This config with the given keys ({@link #KEYS}) replaced; an unknown key or bad value is refused. */
    public TrainingConfig withOverrides(Map<String, String> hyperParameters) {
        int epochs = maxEpochs;
        int batch = batchSize;
        float lr = learningRate;
        float wd = weightDecay;
        float gamma = stepGamma;
        int pat = patience;
        int hidden = hiddenSize;
        int layers = hiddenLayers;
        float drop = dropout;
        long s = seed;
        for (var e : hyperParameters.entrySet()) {
            String key = e.getKey();
            String v = e.getValue() == null ? "" : e.getValue().trim();
            if (LINEAR.equals(modelKind) && MLP_ONLY.contains(key)) {
                throw CytoLabelException.invalid("hyper-parameter '" + key + "' applies to model kind 'mlp', not '"
                        + LINEAR + "'; a linear model takes " + keysFor(LINEAR));
            }
            try {
                switch (key) {
                    case "epochs" -> epochs = Integer.parseInt(v);
                    case "batch_size" -> batch = Integer.parseInt(v);
                    case "lr" -> lr = parseFloat(v);
                    case "weight_decay" -> wd = parseFloat(v);
                    case "step_gamma" -> gamma = parseFloat(v);
                    case "patience" -> pat = Integer.parseInt(v);
                    case "hidden" -> hidden = Integer.parseInt(v);
                    case "layers" -> layers = Integer.parseInt(v);
                    case "dropout" -> drop = parseFloat(v);
                    case "seed" -> s = Long.parseLong(v);
                    default -> throw CytoLabelException.invalid("unknown hyper-parameter '" + key
                            + "'; valid keys are " + KEYS);
                }
            } catch (NumberFormatException ex) {
                throw CytoLabelException.invalid("hyper-parameter '" + key + "' has a bad value '" + v
                        + "'; expected a number (valid keys: " + keysFor(modelKind) + ")", ex);
            }
        }
        return new TrainingConfig(modelKind, epochs, batch, lr, wd, gamma, pat, hidden, layers, drop, s);
    }

    /** The hyper-parameters under {@link #KEYS} (mlp-only keys left out for a linear model). */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("epochs", Integer.toString(maxEpochs));
        m.put("batch_size", Integer.toString(batchSize));
        m.put("lr", Float.toString(learningRate));
        m.put("weight_decay", Float.toString(weightDecay));
        m.put("step_gamma", Float.toString(stepGamma));
        m.put("patience", Integer.toString(patience));
        if (MLP.equals(modelKind)) {
            m.put("hidden", Integer.toString(hiddenSize));
            m.put("layers", Integer.toString(hiddenLayers));
            m.put("dropout", Float.toString(dropout));
        }
        m.put("seed", Long.toString(seed));
        return m;
    }

    private static List<String> keysFor(String kind) {
        return LINEAR.equals(kind) ? KEYS.stream().filter(k -> !MLP_ONLY.contains(k)).toList() : KEYS;
    }

    private static float parseFloat(String v) {
        float f = Float.parseFloat(v);
        if (!Float.isFinite(f)) {
            throw new NumberFormatException("not finite: " + v);
        }
        return f;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw CytoLabelException.invalid(message);
        }
    }
}
