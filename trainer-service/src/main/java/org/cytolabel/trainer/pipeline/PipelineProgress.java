package org.cytolabel.trainer.pipeline;

import org.cytolabel.trainer.train.EpochReport;

/** What a running pipeline reports, and how it learns that it should stop. */
public interface PipelineProgress {
    void phase(JobPhase phase, String message);

    void epoch(EpochReport report);

    boolean isCancelled();
}
