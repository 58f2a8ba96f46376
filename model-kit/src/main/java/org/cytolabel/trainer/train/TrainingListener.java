package org.cytolabel.trainer.train;

/** Hears about each epoch and can cancel training (checked before every batch). */
public interface TrainingListener {

    void onEpoch(EpochReport report);

    /** When true, training stops before the next batch with a {@code CANCELLED} error. */
    default boolean isCancelled() {
        return false;
    }

    /** A listener that ignores epochs and never cancels. */
    static TrainingListener none() {
        return report -> { };
    }
}
