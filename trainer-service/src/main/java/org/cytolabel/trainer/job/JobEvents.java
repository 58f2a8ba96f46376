package org.cytolabel.trainer.job;

import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.trainer.pipeline.JobPhase;
import org.cytolabel.trainer.pipeline.PipelineProgress;

/**
 * Where a {@link JobRunner} reports one job: progress (phases, epochs), and exactly one end. Events
 * after the end are ignored, so a runner may race its own "ended" paths safely.
 */
public interface JobEvents extends PipelineProgress {
    String jobId();

    /** The job published {@code card}; ends the job SUCCEEDED. */
    void succeeded(ModelCard card);

    /** Ends the job FAILED or CANCELLED with a message for the user. */
    void ended(JobPhase terminal, String message);
}
