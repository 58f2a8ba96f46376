package org.cytolabel.trainer.scnym;

import java.util.Map;
import org.cytolabel.trainer.model.FittedModel;
import org.cytolabel.trainer.model.HyperParameters;
import org.cytolabel.trainer.model.ModelFamily;
import org.cytolabel.trainer.model.TrainingData;
import org.cytolabel.trainer.train.TrainingListener;

/**
 * scNym (Kimmel and Kelley 2021) as a model family: a semi-supervised, domain-adversarial MLP that
 * learns from labeled reference cells and unlabeled target cells (MixMatch pseudolabels with
 * interpolation consistency, plus a domain adversary behind gradient reversal), with temperature
 * calibration and per-cell input saliency in the export.
 */
public final class ScNymFamily implements ModelFamily {
    public static final String KIND = "scnym";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String description() {
        return "scNym: semi-supervised domain-adversarial MLP; transfers labels to an unlabeled target"
                + " (another condition, donor or technology) given with the training request";
    }

    @Override
    public Map<String, String> defaults() {
        return ScNymConfig.defaults();
    }

    @Override
    public boolean needsUnlabeledData() {
        return true;
    }

    @Override
    public FittedModel fit(TrainingData data, HyperParameters hyperParameters, TrainingListener listener) {
        return ScNymTrainer.train(data, ScNymConfig.of(hyperParameters), hyperParameters.asMap(), listener);
    }
}
