package org.cytolabel.trainer.cluster;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import java.util.Optional;
import org.cytolabel.trainer.job.JobEvents;
import org.cytolabel.trainer.pipeline.JobPhase;
import org.cytolabel.trainer.pipeline.TrainingPlan;

/**
 * Turns the states of one Kubernetes Job, as the informer sees them, into job events: QUEUED until
 * a pod is active, then TRAINING; a {@code Complete} or {@code Failed} condition is the end, which
 * {@link #observe} returns for the runner to finish (it needs the pod's termination message).
 */
final class JobFollower {
    private volatile boolean cancelling;

    /** How a Job ended, from its conditions. */
    enum End { SUCCEEDED, FAILED }

    private final String jobId;
    private final String where;
    private final TrainingPlan plan;
    private final JobEvents events;
    private boolean running;
    private int failedPods;
    private boolean done;

    JobFollower(String jobId, String where, TrainingPlan plan, JobEvents events) {
        this.jobId = jobId;
        this.where = where;
        this.plan = plan;
        this.events = events;
    }

    String jobId() {
        return jobId;
    }

    /** {@code namespace/name} of the Job, for messages. */
    String where() {
        return where;
    }

    TrainingPlan plan() {
        return plan;
    }

    JobEvents events() {
        return events;
    }

    /** Reports progress in {@code job}; returns how it ended the first time it has ended. */
    synchronized Optional<End> observe(Job job) {
        JobStatus s = job.getStatus();
        if (done || s == null) {
            return Optional.empty();
        }
        if (condition(s, "Complete")) {
            done = true;
            return Optional.of(End.SUCCEEDED);
        }
        if (condition(s, "Failed")) {
            done = true;
            return Optional.of(End.FAILED);
        }
        int failed = s.getFailed() == null ? 0 : s.getFailed();
        if (failed > failedPods) {
            failedPods = failed;
            Integer backoff = job.getSpec() == null ? null : job.getSpec().getBackoffLimit();
            events.phase(running ? JobPhase.TRAINING : JobPhase.QUEUED, "pod attempt " + failed
                    + (backoff == null ? "" : " of " + (backoff + 1)) + " failed; Kubernetes starts another ("
                    + where + ")");
        }
        int active = s.getActive() == null ? 0 : s.getActive();
        if (active > 0 && !running) {
            running = true;
            events.phase(JobPhase.TRAINING, "training in a pod of Kubernetes Job " + where
                    + " (kubectl logs job/" + where.substring(where.indexOf('/') + 1) + " for epochs)");
        }
        return Optional.empty();
    }

    /** The Job is gone before it ended: deleted by cancel, by hand, or with its namespace. */
    void deleted() {
        if (cancelling || !finish()) {
            return; // CancelJob deleted it and reports the end itself
        }
        if (events.isCancelled()) {
            events.ended(JobPhase.CANCELLED, "cancelled; Kubernetes Job " + where + " was deleted");
        } else {
            events.ended(JobPhase.FAILED, "Kubernetes Job " + where + " was deleted before it finished"
                    + " (not by CancelJob); nothing is known about its result");
        }
    }

    /**
     * Set while CancelJob deletes the Job, so that the watch's deletion event (which may arrive
     * before the delete call returns) leaves the ending to the canceller.
     */
    void cancelling(boolean value) {
        cancelling = value;
    }

    /** Marks the job ended; true for the caller that ended it first. */
    synchronized boolean finish() {
        boolean first = !done;
        done = true;
        return first;
    }

    static Optional<JobCondition> endCondition(Job job) {
        JobStatus s = job.getStatus();
        return s == null || s.getConditions() == null ? Optional.empty() : s.getConditions().stream()
                .filter(c -> ("Complete".equals(c.getType()) || "Failed".equals(c.getType()))
                        && "True".equals(c.getStatus()))
                .findFirst();
    }

    private static boolean condition(JobStatus s, String type) {
        return s.getConditions() != null && s.getConditions().stream()
                .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
    }
}
