package org.cytolabel.trainer.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cytolabel.trainer.pipeline.JobPhase;
import org.cytolabel.trainer.pipeline.TrainingPlan;
import org.cytolabel.trainer.train.EpochReport;
import org.junit.jupiter.api.Test;

/** A job's event history: replay then live events, in order, whatever its watchers do. */
class TrainingJobTest {
    private static final TrainingPlan PLAN = new TrainingPlan("linear", List.of("kang-0123456789ab"), "cluster_id", "",
            List.of(), 0.2, 0.1, Map.of(), 2, 0, "kang", "", List.of(), Map.of(), List.of(), List.of(), "");

    @Test
    void lateWatcherGetsTheHistoryThenLiveEventsInOrder() {
        TrainingJob job = new TrainingJob("job-1", PLAN);
        job.phase(JobPhase.QUEUED, "queued");
        job.phase(JobPhase.LOADING_DATA, "loading");
        List<JobUpdate> early = new ArrayList<>();
        job.watch(early::add);
        job.epoch(new EpochReport(1, 2, 0.9, 0.8, 0.71, 0.75, true));
        List<JobUpdate> late = new ArrayList<>();
        job.watch(late::add);
        job.ended(JobPhase.FAILED, "boom");
        job.phase(JobPhase.PUBLISHING, "after the end: ignored");

        assertEquals(early, late);
        assertEquals(List.of(1L, 2L, 3L, 4L), late.stream().map(JobUpdate::sequence).toList());
        assertEquals(List.of(JobPhase.QUEUED, JobPhase.LOADING_DATA, JobPhase.TRAINING, JobPhase.FAILED),
                late.stream().map(JobUpdate::phase).toList());
        assertEquals(0.71, late.get(2).validationMacroF1());
        assertEquals(Map.of("train", 0.9, "validation", 0.8), late.get(2).losses());
        assertEquals(JobPhase.FAILED, job.currentPhase());
    }

    /** A watcher whose call broke (onNext throws) is dropped; the job and other watchers carry on. */
    @Test
    void failingWatcherIsDroppedWithoutFailingTheJob() {
        TrainingJob job = new TrainingJob("job-2", PLAN);
        job.phase(JobPhase.QUEUED, "queued");
        List<JobUpdate> healthy = new ArrayList<>();
        int[] calls = {0};
        job.watch(u -> {
            if (++calls[0] > 1) {
                throw new IllegalStateException("call already closed");
            }
        });
        job.watch(healthy::add);
        job.phase(JobPhase.LOADING_DATA, "loading");
        job.phase(JobPhase.TRAINING, "training");
        job.ended(JobPhase.CANCELLED, "cancelled");

        assertEquals(2, calls[0], "replay, then the first live event that threw; nothing after");
        assertEquals(4, healthy.size());
        assertEquals(JobPhase.CANCELLED, job.currentPhase());
    }

    @Test
    void stopHandleEndsLiveEvents() {
        TrainingJob job = new TrainingJob("job-3", PLAN);
        job.phase(JobPhase.QUEUED, "queued");
        List<JobUpdate> seen = new ArrayList<>();
        Runnable stop = job.watch(seen::add);
        job.phase(JobPhase.LOADING_DATA, "loading");
        stop.run();
        job.phase(JobPhase.TRAINING, "training");
        assertEquals(2, seen.size());
        assertTrue(seen.stream().noneMatch(u -> u.phase() == JobPhase.TRAINING));
    }
}
