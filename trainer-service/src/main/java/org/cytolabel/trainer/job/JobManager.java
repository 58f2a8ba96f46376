package org.cytolabel.trainer.job;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.trainer.pipeline.JobPhase;
import org.cytolabel.trainer.pipeline.TrainingPipeline;
import org.cytolabel.trainer.pipeline.TrainingPlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs training jobs in this process on a bounded pool, keeps their events, and cancels them. */
public final class JobManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobManager.class);
    private static final int KEEP_JOBS = 500;

    private final TrainingPipeline pipeline;
    private final ThreadPoolExecutor pool;
    private final Map<String, TrainingJob> jobs = java.util.Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, false) {
                private static final long serialVersionUID = 1L;

                @Override
                protected boolean removeEldestEntry(Map.Entry<String, TrainingJob> e) {
                    return size() > KEEP_JOBS && e.getValue().currentPhase().terminal();
                }
            });

    public JobManager(TrainingPipeline pipeline, int concurrentJobs, int queuedJobs) {
        this.pipeline = pipeline;
        this.pool = new ThreadPoolExecutor(concurrentJobs, concurrentJobs, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queuedJobs), r -> {
                    Thread t = new Thread(r, "training-job");
                    t.setDaemon(true);
                    return t;
                });
    }

    public String submit(TrainingPlan plan) {
        String id = "job-" + UUID.randomUUID().toString().substring(0, 8);
        TrainingJob job = new TrainingJob(id, plan);
        jobs.put(id, job);
        job.phase(JobPhase.QUEUED, "queued: " + plan.modelKind() + " -> " + plan.publishAs());
        try {
            pool.execute(() -> run(job));
        } catch (RejectedExecutionException e) {
            jobs.remove(id);
            throw new CytoLabelException(ErrorKind.RESOURCE_EXHAUSTED, "the trainer's queue is full ("
                    + pool.getQueue().size() + " jobs waiting); try again when a job has finished");
        }
        return id;
    }

    /** Sends every event of the job so far, then live ones; returns a handle that stops watching. */
    public Runnable watch(String jobId, Consumer<JobUpdate> watcher) {
        return job(jobId).watch(watcher);
    }

    public JobPhase cancel(String jobId) {
        TrainingJob job = job(jobId);
        job.requestCancel();
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

    private void run(TrainingJob job) {
        if (job.isCancelled()) {
            job.ended(JobPhase.CANCELLED, "cancelled before it started");
            return;
        }
        try {
            job.succeeded(pipeline.run(job.plan(), job));
        } catch (CytoLabelException e) {
            if (e.kind() == ErrorKind.CANCELLED || job.isCancelled()) {
                job.ended(JobPhase.CANCELLED, "cancelled; nothing was published");
            } else {
                LOG.info("job {} failed: {}", job.id(), e.getMessage());
                job.ended(JobPhase.FAILED, e.getMessage());
            }
        } catch (RuntimeException | Error e) {
            LOG.error("job {} failed unexpectedly", job.id(), e);
            job.ended(JobPhase.FAILED, "internal error (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "); the trainer log has the details");
        }
    }

    @Override
    public void close() {
        synchronized (jobs) {
            jobs.values().forEach(TrainingJob::requestCancel);
        }
        pool.shutdown();
        try {
            if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
