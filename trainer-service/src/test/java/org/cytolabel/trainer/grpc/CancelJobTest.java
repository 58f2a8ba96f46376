package org.cytolabel.trainer.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cytolabel.core.TestData;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.proto.trainer.v1.CancelJobRequest;
import org.cytolabel.proto.trainer.v1.DatasetInfo;
import org.cytolabel.proto.trainer.v1.JobEvent;
import org.cytolabel.proto.trainer.v1.JobEvent.Phase;
import org.cytolabel.proto.trainer.v1.TrainerGrpc;
import org.cytolabel.proto.trainer.v1.TrainingRequest;
import org.cytolabel.proto.trainer.v1.WatchJobRequest;
import org.cytolabel.registry.client.RegistryClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A long training job is cancelled after its first epoch: the watch stream ends with CANCELLED
 * soon after, nothing is exported or published, and a second job queued behind it still runs.
 */
class CancelJobTest {
    @TempDir
    Path dir;

    @Test
    void cancelAfterFirstEpochEndsTheJobAndPublishesNothing() {
        try (TrainerCluster cluster = TrainerCluster.start(dir)) {
            DatasetInfo kang = cluster.uploadFiles("kang2018_muscat_example_sce", "h5ad",
                    TestData.file(TestData.KANG_EXAMPLE));
            String job = cluster.submit(TrainingRequest.newBuilder().setModelKind("mlp")
                    .addDatasetIds(kang.getDatasetId()).setLabelColumn("cluster_id").setMaxEpochs(200)
                    .putHyperParameters("patience", "200").setPublishAs("kang-cancelled").setAlias("production")
                    .build());

            List<JobEvent> events = new ArrayList<>();
            Phase phaseWhenCancelled = null;
            long cancelledAt = 0;
            Iterator<JobEvent> it = TrainerGrpc.newBlockingStub(cluster.channel)
                    .withDeadlineAfter(5, TimeUnit.MINUTES)
                    .watchJob(WatchJobRequest.newBuilder().setJobId(job).build());
            while (it.hasNext()) {
                JobEvent e = it.next();
                events.add(e);
                if (phaseWhenCancelled == null && e.getPhase() == Phase.TRAINING && e.getEpoch() == 1) {
                    cancelledAt = System.nanoTime();
                    phaseWhenCancelled = cluster.blocking().cancelJob(CancelJobRequest.newBuilder().setJobId(job)
                            .build()).getPhase();
                }
            }
            double secondsToStop = (System.nanoTime() - cancelledAt) / 1e9;
            JobEvent last = events.get(events.size() - 1);
            System.out.printf("cancelled in phase %s; stream ended %.2f s later after epoch %d: %s%n",
                    phaseWhenCancelled, secondsToStop, events.stream().mapToInt(JobEvent::getEpoch).max().orElse(0),
                    last.getMessage());

            assertEquals(Phase.TRAINING, phaseWhenCancelled, "CancelJob answers the phase the job was in");
            assertEquals(Phase.CANCELLED, last.getPhase());
            assertEquals("cancelled; nothing was published", last.getMessage());
            assertEquals(1, events.stream().filter(e -> e.getPhase() == Phase.CANCELLED).count());
            assertTrue(events.stream().noneMatch(e -> e.getPhase() == Phase.EXPORTING
                    || e.getPhase() == Phase.PUBLISHING || e.getPhase() == Phase.SUCCEEDED));
            // the job checks for cancellation before every batch: at most the epoch in flight completes
            assertTrue(events.stream().mapToInt(JobEvent::getEpoch).max().orElseThrow() <= 2);
            assertTrue(last.getModel().getName().isEmpty() && !last.hasCard());

            assertEquals(List.of(), cluster.registry.list("kang-cancelled"), "the registry has no version of it");
            var resolve = assertThrows(CytoLabelException.class,
                    () -> cluster.registry.resolve(RegistryClient.parseRef("kang-cancelled@production")));
            assertEquals(ErrorKind.NOT_FOUND, resolve.kind());

            // a finished job: cancelling again is harmless, and watching replays the same history
            assertEquals(Phase.CANCELLED, cluster.blocking().cancelJob(CancelJobRequest.newBuilder().setJobId(job)
                    .build()).getPhase());
            assertEquals(events, cluster.watch(job));

            // the trainer's only job slot is free again: a short job runs to the end
            String next = cluster.submit(TrainingRequest.newBuilder().setModelKind("linear")
                    .addDatasetIds(kang.getDatasetId()).setLabelColumn("cluster_id").setMaxEpochs(1)
                    .setPublishAs("kang-after-cancel").build());
            List<JobEvent> after = cluster.watch(next);
            assertEquals(Phase.SUCCEEDED, after.get(after.size() - 1).getPhase(), after.get(after.size() - 1)
                    .getMessage());
            assertEquals(1, cluster.registry.list("kang-after-cancel").size());
        }
    }
}
