package org.cytolabel.trainer.job;

import java.time.Instant;
import java.util.Map;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.trainer.pipeline.JobPhase;

/** One progress event of a training job; {@code card} is set on SUCCEEDED only. */
public record JobUpdate(String jobId, long sequence, JobPhase phase, int epoch, int maxEpochs,
        Map<String, Double> losses, double validationMacroF1, String message, ModelCard card, Instant at) {

    public JobUpdate {
        losses = Map.copyOf(losses);
    }
}
