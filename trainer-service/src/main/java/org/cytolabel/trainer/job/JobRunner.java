package org.cytolabel.trainer.job;

import org.cytolabel.trainer.pipeline.TrainingPlan;

/**
 * Runs training jobs somewhere: {@link InProcessJobRunner} in this JVM (the default), or a Kubernetes
 * Job per training request ({@code org.cytolabel.trainer.cluster.KubernetesJobRunner}).
 */
public interface JobRunner extends AutoCloseable {
    /** A short name for logs and tests: "in-process", "kubernetes". */
    String name();

    /**
     * Starts {@code plan}; returns quickly and reports through {@code events} until the job ends.
     * Throws a {@code CytoLabelException} when the job cannot be started (queue full, cluster
     * refused it); the job then never ran.
     */
    void start(String jobId, TrainingPlan plan, JobEvents events);

    /**
     * Stops a started job; {@code events.isCancelled()} is already true. A runner that can stop the
     * job at once ends it CANCELLED itself; otherwise the job ends when its work notices.
     */
    void cancel(String jobId);

    /** Stops following jobs and frees threads; in-process jobs are asked to stop. */
    @Override
    void close();
}
