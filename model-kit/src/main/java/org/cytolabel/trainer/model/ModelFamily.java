package org.cytolabel.trainer.model;

import java.util.Map;
import org.cytolabel.trainer.train.TrainingListener;

/**
 * A kind of model the trainer can fit ("linear", "mlp", "scnym", "sctab", ...). Families live in
 * their own modules and are found with {@link java.util.ServiceLoader}: a module lists its
 * implementation in {@code META-INF/services/org.cytolabel.trainer.model.ModelFamily}.
 * Implementations are stateless and thread-safe; {@link #fit} may run concurrently for different
 * jobs (families that seed the engine's global generator serialise through
 * {@link EngineLock}).
 */
public interface ModelFamily {

    /** The {@code model_kind} a training request names: lower case, e.g. "scnym". */
    String kind();

    /** One line for users: what this family is and when to use it. */
    String description();

    /**
     * The hyper-parameters this family accepts with their defaults, in a stable order; a request
     * may override any of them and nothing else (see {@link HyperParameters}).
     */
    Map<String, String> defaults();

    /**
     * Whether this family needs unlabeled target cells ({@link TrainingData#unlabeled()}) to train;
     * a request without them is refused before any data is loaded.
     */
    default boolean needsUnlabeledData() {
        return false;
    }

    /**
     * Checks hyper-parameter values before a job is queued, so a bad value is refused at submit
     * time (INVALID_ARGUMENT naming the key) rather than failing the job later. Default: none.
     */
    default void validate(HyperParameters hyperParameters) {
    }

    /**
     * Fits a model on {@code data}. {@code hyperParameters} holds every key of {@link #defaults()},
     * with the request's overrides already applied and checked for unknown keys; values are still
     * strings (parse with {@link HyperParameters}). Reports each epoch to {@code listener} and
     * stops with a {@code CANCELLED} error when it asks. Same data, parameters and
     * {@link TrainingData#seed()} give the same model.
     */
    FittedModel fit(TrainingData data, HyperParameters hyperParameters, TrainingListener listener);
}
