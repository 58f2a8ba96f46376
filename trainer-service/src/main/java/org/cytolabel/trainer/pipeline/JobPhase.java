package org.cytolabel.trainer.pipeline;

/** Where a training job is. */
public enum JobPhase {
    QUEUED, LOADING_DATA, TRAINING, EVALUATING, EXPORTING, PUBLISHING, SUCCEEDED, FAILED, CANCELLED;

    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }
}
