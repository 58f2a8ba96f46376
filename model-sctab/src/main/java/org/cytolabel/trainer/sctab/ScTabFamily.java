package org.cytolabel.trainer.sctab;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cytolabel.trainer.model.EngineLock;
import org.cytolabel.trainer.model.FittedModel;
import org.cytolabel.trainer.model.HyperParameters;
import org.cytolabel.trainer.model.ModelFamily;
import org.cytolabel.trainer.model.TrainingData;
import org.cytolabel.trainer.train.TrainingListener;

/**
 * scTab (Fischer et al. 2023) as a model family: TabNet with one decision step and a 1.5-entmax
 * feature mask, optional donor augmentation and deep ensembles exported as one graph. See
 * {@link ScTabConfig} for the hyper-parameters and profiles.
 */
public final class ScTabFamily implements ModelFamily {
    public static final String KIND = "sctab";
    /** Member {@code m} trains with seed {@code seed + MEMBER_SEED_STRIDE * m}. */
    static final long MEMBER_SEED_STRIDE = 1_000_003L;

    @Override
    public String kind() {
        return KIND;
    }

    @Override
    public String description() {
        return "scTab: TabNet with a sparse 1.5-entmax gene mask (exported as 'mask'), optional donor "
                + "augmentation and deep ensembles in one graph";
    }

    @Override
    public Map<String, String> defaults() {
        return ScTabConfig.defaults();
    }

    @Override
    public FittedModel fit(TrainingData data, HyperParameters hyperParameters, TrainingListener listener) {
        ScTabConfig config = ScTabConfig.resolve(hyperParameters);
        Map<String, String> notes = new LinkedHashMap<>();
        DonorAugmentation augmentation = null;
        if (config.augment()) {
            augmentation = DonorAugmentation.fit(data, data.seed());
            notes.put("augmentation_vectors", augmentation.vectors().length + " kept of " + augmentation.candidates());
        }
        List<ScTabMember> members = new ArrayList<>();
        try (EngineLock lock = EngineLock.seeded(data.seed(), listener)) {
            for (int m = 0; m < config.ensemble(); m++) {
                long seed = data.seed() + MEMBER_SEED_STRIDE * m;
                lock.reseed(seed);
                members.add(ScTabTrainer.train(data, config, seed, augmentation,
                        config.ensemble() > 1 ? Integer.toString(m) : "", listener));
            }
        } catch (RuntimeException | Error e) {
            members.forEach(ScTabMember::close);
            throw e;
        }
        return new ScTabModel(members, config, notes);
    }
}
