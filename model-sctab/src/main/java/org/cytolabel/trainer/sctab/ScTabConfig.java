package org.cytolabel.trainer.sctab;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.trainer.model.HyperParameters;

/**
 * scTab's hyper-parameters, resolved. Two profiles: {@code paper} (Fischer et al. 2023: n_d 128,
 * n_a 64, 3 shared + 5 step-specific GLU layers, batch 2048, ghost batch 256, BN momentum 0.02,
 * AdamW lr 5e-3 wd 0.05, StepLR 0.9, lambda_sparse 1e-5) and {@code small} (the default, chosen on
 * validation macro-F1 for data sets of a few hundred to ten thousand cells). A request picks a
 * profile with {@code profile}; any other key it sets to a value different from the small default
 * overrides the profile's value.
 */
public record ScTabConfig(String profile, int epochs, int batchSize, int virtualBatch, float learningRate,
        float weightDecay, float stepGamma, int patience, int nD, int nA, int nShared, int nIndependent,
        float bnMomentum, float lambdaSparse, float clipNorm, Entmax15.Method entmax, int ensemble,
        boolean augment, float augmentProbability) {

    public static final String SMALL = "small";
    public static final String PAPER = "paper";

    public ScTabConfig {
        require(epochs >= 1, "epochs", "at least 1");
        require(batchSize >= 2, "batch_size", "at least 2");
        require(virtualBatch >= 2, "virtual_batch", "at least 2");
        require(learningRate > 0, "lr", "positive");
        require(weightDecay >= 0, "weight_decay", ">= 0");
        require(stepGamma > 0 && stepGamma <= 1, "step_gamma", "in (0, 1]");
        require(patience >= 1, "patience", "at least 1");
        require(nD >= 1 && nA >= 1, "n_d/n_a", "at least 1");
        require(nShared >= 0 && nIndependent >= 0 && nShared + nIndependent >= 1, "n_shared/n_independent",
                ">= 0 with at least one GLU layer in all");
        require(bnMomentum > 0 && bnMomentum <= 1, "bn_momentum", "in (0, 1] (PyTorch's convention)");
        require(lambdaSparse >= 0, "lambda_sparse", ">= 0");
        require(clipNorm > 0, "clip_norm", "positive");
        require(ensemble >= 1 && ensemble <= 16, "ensemble", "between 1 and 16");
        require(augmentProbability >= 0 && augmentProbability <= 1, "augment_prob", "in [0, 1]");
    }

    /** The profile's values. */
    public static ScTabConfig profile(String name) {
        return switch (name) {
            case SMALL -> new ScTabConfig(SMALL, 15, 128, 128, 1e-2f, 0.05f, 0.95f, 6, 64, 64, 1, 1, 0.1f, 1e-5f,
                    1f, Entmax15.Method.SORT, 1, false, 0.5f);
            case PAPER -> new ScTabConfig(PAPER, 40, 2048, 256, 5e-3f, 0.05f, 0.9f, 40, 128, 64, 3, 5, 0.02f, 1e-5f,
                    1f, Entmax15.Method.SORT, 1, false, 0.5f);
            default -> throw CytoLabelException.invalid("scTab profile '" + name + "' is unknown; use '" + SMALL
                    + "' (default, small data) or '" + PAPER + "' (the paper's settings)");
        };
    }

    /** The hyper-parameter keys with the small profile's values, {@code profile} first. */
    public static Map<String, String> defaults() {
        return profile(SMALL).asMap();
    }

    /** Resolves {@code hp}: the named profile, then every key that differs from the small default. */
    public static ScTabConfig resolve(HyperParameters hp) {
        Map<String, String> small = defaults();
        Map<String, String> merged = new LinkedHashMap<>(profile(hp.string("profile")).asMap());
        for (var e : hp.asMap().entrySet()) {
            if (!e.getKey().equals("profile") && !e.getValue().equals(small.get(e.getKey()))) {
                merged.put(e.getKey(), e.getValue());
            }
        }
        HyperParameters h = HyperParameters.of(ScTabFamily.KIND, small, merged);
        return new ScTabConfig(h.string("profile"), h.integer("epochs"), h.integer("batch_size"),
                h.integer("virtual_batch"), h.real("lr"), h.real("weight_decay"), h.real("step_gamma"),
                h.integer("patience"), h.integer("n_d"), h.integer("n_a"), h.integer("n_shared"),
                h.integer("n_independent"), h.real("bn_momentum"), h.real("lambda_sparse"), h.real("clip_norm"),
                Entmax15.Method.parse(h.string("entmax")), h.integer("ensemble"), h.flag("augment"),
                h.real("augment_prob"));
    }

    /** Every key with its value. */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("profile", profile);
        m.put("epochs", Integer.toString(epochs));
        m.put("batch_size", Integer.toString(batchSize));
        m.put("virtual_batch", Integer.toString(virtualBatch));
        m.put("lr", Float.toString(learningRate));
        m.put("weight_decay", Float.toString(weightDecay));
        m.put("step_gamma", Float.toString(stepGamma));
        m.put("patience", Integer.toString(patience));
        m.put("n_d", Integer.toString(nD));
        m.put("n_a", Integer.toString(nA));
        m.put("n_shared", Integer.toString(nShared));
        m.put("n_independent", Integer.toString(nIndependent));
        m.put("bn_momentum", Float.toString(bnMomentum));
        m.put("lambda_sparse", Float.toString(lambdaSparse));
        m.put("clip_norm", Float.toString(clipNorm));
        m.put("entmax", entmax == Entmax15.Method.SORT ? "sort" : "bisection");
        m.put("ensemble", Integer.toString(ensemble));
        m.put("augment", Boolean.toString(augment));
        m.put("augment_prob", Float.toString(augmentProbability));
        return m;
    }

    /** The keys, in order. */
    public static List<String> keys() {
        return List.copyOf(defaults().keySet());
    }

    private static void require(boolean ok, String key, String expectation) {
        if (!ok) {
            throw CytoLabelException.invalid("scTab hyper-parameter '" + key + "' must be " + expectation);
        }
    }
}
