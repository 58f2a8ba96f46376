package org.cytolabel.trainer.job;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.trainer.pipeline.JobPhase;
import org.cytolabel.trainer.pipeline.TrainingPipeline;
import org.cytolabel.trainer.pipeline.TrainingPlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the training pipeline in this JVM on a bounded pool: the default runner. */
public final class InProcessJobRunner implements JobRunner {
    private static final Logger LOG = LoggerFactory.getLogger(InProcessJobRunner.class);
    private final TrainingPipeline pipeline;
    private final ThreadPoolExecutor pool;

    public InProcessJobRunner(TrainingPipeline pipeline, int concurrentJobs, int queuedJobs) {
        this.pipeline = pipeline;
        this.pool = new ThreadPoolExecutor(concurrentJobs, concurrentJobs, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queuedJobs), r -> {
                    Thread t = new Thread(r, "training-job");
                    t.setDaemon(true);
                    return t;
                });
    }

    @Override
    public String name() {
        return "in-process";
    }

    @Override
    public void start(String jobId, TrainingPlan plan, JobEvents events) {
        try {
            pool.execute(() -> run(plan, events));
        } catch (RejectedExecutionException e) {
            throw new CytoLabelException(ErrorKind.RESOURCE_EXHAUSTED, "the trainer's queue is full ("
                    + pool.getQueue().size() + " jobs waiting); try again when a job has finished");
        }
    }

    /** Nothing to do: the pipeline polls {@code isCancelled()} between epochs and stages. */
    @Override
    public void cancel(String jobId) {
    }

    private void run(TrainingPlan plan, JobEvents job) {
        if (job.isCancelled()) {
            job.ended(JobPhase.CANCELLED, "cancelled before it started");
            return;
        }
        try {
            job.succeeded(pipeline.run(plan, job));
        } catch (CytoLabelException e) {
            if (e.kind() == ErrorKind.CANCELLED || job.isCancelled()) {
                job.ended(JobPhase.CANCELLED, "cancelled; nothing was published");
            } else {
                LOG.info("job {} failed: {}", job.jobId(), e.getMessage());
                job.ended(JobPhase.FAILED, e.getMessage());
            }
        } catch (RuntimeException | Error e) {
            LOG.error("job {} failed unexpectedly", job.jobId(), e);
            job.ended(JobPhase.FAILED, "internal error (" + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + "); the trainer log has the details");
        }
    }

    @Override
    public void close() {
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
