package org.cytolabel.trainer.train;

import java.util.LinkedHashMap;
import java.util.Map;
import org.cytolabel.trainer.model.FittedModel;
import org.cytolabel.trainer.model.HyperParameters;
import org.cytolabel.trainer.model.ModelFamily;
import org.cytolabel.trainer.model.TrainingData;

/** The foundation's "linear" and "mlp" classifiers as a {@link ModelFamily}. */
public final class FeedForwardFamily implements ModelFamily {
    private final String kind;

    public FeedForwardFamily(String kind) {
        TrainingConfig.defaults(kind); // refuses an unknown kind
        this.kind = kind;
    }

    @Override
    public String kind() {
        return kind;
    }

    @Override
    public String description() {
        return TrainingConfig.LINEAR.equals(kind)
                ? "softmax regression on log-normalised counts (the linear baseline)"
                : "multi-layer perceptron: Linear, BatchNorm, ReLU, Dropout per hidden layer";
    }

    @Override
    public Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>(TrainingConfig.defaults(kind).asMap());
        d.remove("seed"); // the request's seed
        return d;
    }

    @Override
    public void validate(HyperParameters hyperParameters) {
        config(hyperParameters, 0L);
    }

    private TrainingConfig config(HyperParameters hyperParameters, long seed) {
        Map<String, String> hp = new LinkedHashMap<>(hyperParameters.asMap());
        hp.put("seed", Long.toString(seed));
        return TrainingConfig.defaults(kind).withOverrides(hp);
    }

    @Override
    public FittedModel fit(TrainingData data, HyperParameters hyperParameters, TrainingListener listener) {
        TrainingConfig config = config(hyperParameters, data.seed());
        return ClassifierTrainer.train(data.train(), data.validation(), config, listener);
    }
}
