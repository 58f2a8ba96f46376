package org.cytolabel.trainer.pretrain;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.cytolabel.trainer.model.FittedModel;
import org.cytolabel.trainer.model.HyperParameters;
import org.cytolabel.trainer.model.ModelFamily;
import org.cytolabel.trainer.model.TrainingData;
import org.cytolabel.trainer.train.TrainingListener;

/**
 * scPretrain (Zhang et al.) as a model family: an encoder pretrained on unlabeled cells with k-means
 * pseudo-labels ({@link Pretrainer}), fine-tuned with a deeper head on a few labeled cells
 * ({@link FineTuner}). Hyper-parameter {@code encoder} names a saved {@link PretrainedEncoder}; left
 * empty, the family pretrains on the request's unlabeled cells (one dataset per domain) and its
 * training cells without labels. {@code init = random} trains the same network from scratch.
 */
public final class ScPretrainFamily implements ModelFamily {
    public static final String KIND = "scpretrain";

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String description() {
        return "scPretrain: encoder pretrained on unlabeled cells with multi-task k-means pseudo-labels, "
                + "fine-tuned on few labeled cells; exports an embedding too";
    }

    @Override
    public Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("encoder", "");
        d.put("init", "pretrained");
        d.put("epochs", "100");
        d.put("patience", "10");
        d.put("batch_size", "64");
        d.put("learning_rate", "0.001");
        d.put("head_hidden", "100");
        d.put("labeled_cells", "1000");
        d.put("labeled_fraction", "0.6");
        d.put("hidden", "200");
        d.put("pretrain_iterations", "10");
        d.put("pretrain_epochs", "2");
        d.put("pretrain_max_cells", "4000");
        d.put("pretrain_pca", "50");
        return d;
    }

    @Override
    public FittedModel fit(TrainingData data, HyperParameters hp, TrainingListener listener) {
        String init = hp.string("init").toLowerCase(Locale.ROOT);
        hp.require(init.equals("pretrained") || init.equals("random"), "init", "'pretrained' or 'random'");
        hp.require(hp.integer("epochs") >= 1, "epochs", "at least 1");
        hp.require(hp.integer("patience") >= 1, "patience", "at least 1");
        hp.require(hp.integer("batch_size") >= 2, "batch_size", "at least 2");
        hp.require(hp.real("learning_rate") > 0, "learning_rate", "positive");
        hp.require(hp.integer("head_hidden") >= 1, "head_hidden", "at least 1");
        hp.require(hp.integer("labeled_cells") >= 2, "labeled_cells", "at least 2");
        hp.require(hp.real("labeled_fraction") > 0 && hp.real("labeled_fraction") <= 1, "labeled_fraction",
                "in (0, 1]");
        hp.require(hp.integer("hidden") >= 1, "hidden", "at least 1");
        hp.require(hp.integer("pretrain_iterations") >= 0, "pretrain_iterations", "0 or more");
        hp.require(hp.integer("pretrain_epochs") >= 1, "pretrain_epochs", "at least 1");
        hp.require(hp.integer("pretrain_max_cells") >= 0, "pretrain_max_cells", "0 (all) or more");
        hp.require(hp.integer("pretrain_pca") >= 1, "pretrain_pca", "at least 1");
        String encoder = hp.string("encoder");
        PretrainedEncoder pretrained = init.equals("pretrained") && !encoder.isEmpty()
                ? PretrainedEncoder.load(Path.of(encoder)) : null;
        return FineTuner.fit(data, hp, pretrained, init.equals("pretrained"), listener);
    }
}
