package org.cytolabel.trainer.job;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.trainer.pipeline.JobPhase;
import org.cytolabel.trainer.pipeline.TrainingPipeline;
import org.cytolabel.trainer.pipeline.TrainingPlan;

/**
 * Keeps training jobs and their events, hands each to a {@link JobRunner} (in-process by default,
 * or Kubernetes Jobs), and cancels them.
 */
public final class JobManager implements AutoCloseable {
    private static final int KEEP_JOBS = 500;

    private final JobRunner runner;
    private final Map<String, TrainingJob> jobs = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, TrainingJob> e) {
                    return size() > KEEP_JOBS && e.getValue().currentPhase().terminal();
                }
            });

    /** Runs jobs in this process: {@code concurrentJobs} at once, up to {@code queuedJobs} waiting. */
    public JobManager(TrainingPipeline pipeline, int concurrentJobs, int queuedJobs) {
        this(new InProcessJobRunner(pipeline, concurrentJobs, queuedJobs));
    }

    /** Runs jobs with {@code runner}, which this manager closes. */
    public JobManager(JobRunner runner) {
        this.runner = runner;
    }

    /** The runner's name: "in-process" or "kubernetes". */
    public String runnerName() {
        return runner.name();
    }

    public String submit(TrainingPlan plan) {
        String id = "job-" + UUID.randomUUID().toString().substring(0, 8);
        TrainingJob job = new TrainingJob(id, plan);
        jobs.put(id, job);
        job.phase(JobPhase.QUEUED, "queued: " + plan.modelKind() + " -> " + plan.publishAs());
        try {
            runner.start(id, plan, job);
        } catch (RuntimeException e) {
            jobs.remove(id);
            throw e;
        }
        return id;
    }

    /** Sends every event of the job so far, then live ones; returns a handle that stops watching. */
    public Runnable watch(String jobId, Consumer<JobUpdate> watcher) {
        return job(jobId).watch(watcher);
    }

    public JobPhase cancel(String jobId) {
        TrainingJob job = job(jobId);
        if (job.currentPhase().terminal()) {
            return job.currentPhase();
        }
        job.requestCancel();
        runner.cancel(jobId);
        if (job.currentPhase() == JobPhase.QUEUED) {
            job.ended(JobPhase.CANCELLED, "cancelled before it started");
        }
        return job.currentPhase();
    }

    private TrainingJob job(String jobId) {
        TrainingJob job = jobs.get(jobId);
        if (job == null) {
            throw CytoLabelException.notFound("no training job '" + jobId + "'; SubmitTraining returns the id");
        }
        return job;
    }

    @Override
    public void close() {
        synchronized (jobs) {
            jobs.values().forEach(TrainingJob::requestCancel);
        }
        runner.close();
    }
}
