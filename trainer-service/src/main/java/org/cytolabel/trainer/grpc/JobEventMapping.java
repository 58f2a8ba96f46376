package org.cytolabel.trainer.grpc;

import com.google.protobuf.Timestamp;
import org.cytolabel.proto.model.v1.ModelRef;
import org.cytolabel.proto.trainer.v1.JobEvent;
import org.cytolabel.trainer.job.JobUpdate;
import org.cytolabel.trainer.pipeline.JobPhase;

final class JobEventMapping {
    private JobEventMapping() {
    }

    static JobEvent toProto(JobUpdate u) {
        var b = JobEvent.newBuilder().setJobId(u.jobId()).setSequence(u.sequence()).setPhase(phase(u.phase()))
                .setEpoch(u.epoch()).setMaxEpochs(u.maxEpochs()).putAllLosses(u.losses())
                .setMessage(u.message())
                .setAt(Timestamp.newBuilder().setSeconds(u.at().getEpochSecond()).setNanos(u.at().getNano()));
        if (!Double.isNaN(u.validationMacroF1())) {
            b.setValidationMacroF1(u.validationMacroF1());
        }
        if (u.card() != null) {
            b.setCard(u.card()).setModel(ModelRef.newBuilder().setName(u.card().getName())
                    .setVersion(u.card().getVersion()));
        }
        return b.build();
    }

    static JobEvent.Phase phase(JobPhase p) {
        return JobEvent.Phase.valueOf(p.name());
    }
}
