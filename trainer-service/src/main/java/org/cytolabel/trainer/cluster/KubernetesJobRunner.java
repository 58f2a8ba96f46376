package org.cytolabel.trainer.cluster;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.Comparator;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.trainer.job.JobEvents;
import org.cytolabel.trainer.job.JobRunner;
import org.cytolabel.trainer.pipeline.JobPhase;
import org.cytolabel.trainer.pipeline.TrainingPlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each training request as a Kubernetes Job ({@link TrainingJobSpec}) and follows it with an
 * informer on the training Jobs of its namespace: pod active is TRAINING, the {@code Complete}
 * condition is SUCCEEDED with the card read back from the registry (the exact version the Job wrote
 * to its termination message), {@code Failed} is FAILED with the pod's reason. Cancel deletes the Job
 * with propagation Background. The Job publishes the model itself; Jobs outlive a trainer restart
 * (and still publish), but the restarted trainer does not follow them.
 */
public final class KubernetesJobRunner implements JobRunner {
    private static final Logger LOG = LoggerFactory.getLogger(KubernetesJobRunner.class);
    private final KubernetesClient client;
    private final boolean ownsClient;
    private final KubernetesJobConfig config;
    private final String namespace;
    private final ModelLookup models;
    private final Map<String, JobFollower> followed = new ConcurrentHashMap<>();
    private final ExecutorService finisher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "k8s-job-finisher");
        t.setDaemon(true);
        return t;
    });
    private final SharedIndexInformer<Job> informer;

    /** A runner over {@code client}, which the caller keeps owning. */
    public KubernetesJobRunner(KubernetesClient client, KubernetesJobConfig config, ModelLookup models) {
        this(client, false, config, models);
    }

    private KubernetesJobRunner(KubernetesClient client, boolean ownsClient, KubernetesJobConfig config,
            ModelLookup models) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.config = config;
        this.models = models;
        this.namespace = !config.namespace().isEmpty() ? config.namespace()
                : Objects.requireNonNullElse(client.getNamespace(), "default");
        try {
            this.informer = client.batch().v1().jobs().inNamespace(namespace)
                    .withLabel(TrainingJobSpec.LABEL_COMPONENT, TrainingJobSpec.COMPONENT).inform(new Handler(), 0);
        } catch (KubernetesClientException e) {
            finisher.shutdown();
            throw new CytoLabelException(ErrorKind.UNAVAILABLE, "cannot watch Jobs in namespace " + namespace + ": "
                    + reason(e) + "; the trainer's ServiceAccount needs get, list and watch on batch/jobs", e);
        }
        LOG.info("training runs as Kubernetes Jobs in namespace {} (image {})", namespace, config.image());
    }

    /** A runner with a client configured from the pod's service account (or ~/.kube/config). */
    public static KubernetesJobRunner connect(KubernetesJobConfig config, ModelLookup models) {
        KubernetesClient client = new KubernetesClientBuilder().build();
        try {
            return new KubernetesJobRunner(client, true, config, models);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return "kubernetes";
    }

    public String namespace() {
        return namespace;
    }

    @Override
    public void start(String jobId, TrainingPlan plan, JobEvents events) {
        // SubmitTraining has checked that the datasets exist in the trainer's store (the claim)
        Job job = TrainingJobSpec.build(config, namespace, jobId, plan);
        String where = namespace + "/" + job.getMetadata().getName();
        JobFollower follower = new JobFollower(jobId, where, plan, events);
        followed.put(jobId, follower);
        events.phase(JobPhase.QUEUED, "creating Kubernetes Job " + where + " (" + config.cpu() + " CPU, "
                + config.memory() + (config.gpus() > 0 ? ", " + config.gpus() + " " + config.gpuResource() : "")
                + "); waiting for a pod");
        try {
            client.batch().v1().jobs().inNamespace(namespace).resource(job).create();
        } catch (KubernetesClientException e) {
            followed.remove(jobId);
            throw new CytoLabelException(ErrorKind.UNAVAILABLE, "could not create Kubernetes Job " + where + ": "
                    + reason(e) + "; the trainer's ServiceAccount needs create on batch/jobs", e);
        }
    }

    @Override
    public void cancel(String jobId) {
        JobFollower f = followed.get(jobId);
        if (f == null) {
            return;
        }
        f.cancelling(true);
        try {
            client.batch().v1().jobs().inNamespace(namespace).withName(TrainingJobSpec.jobName(jobId))
                    .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete();
        } catch (KubernetesClientException e) {
            f.cancelling(false);
            throw new CytoLabelException(ErrorKind.UNAVAILABLE, "could not delete Kubernetes Job " + f.where() + ": "
                    + reason(e) + "; try again, or kubectl delete job", e);
        }
        if (f.finish()) {
            followed.remove(jobId);
            f.events().ended(JobPhase.CANCELLED, "cancelled; deleted Kubernetes Job " + f.where()
                    + " (its pod stops in the background)");
        }
    }

    private void finish(JobFollower f, JobFollower.End end, Job job) {
        try {
            Optional<ContainerStateTerminated> pod = terminatedPod(f.jobId(), end);
            String text = pod.map(ContainerStateTerminated::getMessage).orElse(null);
            if (end == JobFollower.End.SUCCEEDED) {
                succeeded(f, text);
            } else {
                f.events().ended(JobPhase.FAILED, failure(f, job, pod, text));
            }
        } catch (RuntimeException e) {
            LOG.error("job {}: cannot finish {}", f.jobId(), f.where(), e);
            f.events().ended(JobPhase.FAILED, "Kubernetes Job " + f.where() + " ended (" + end
                    + ") but its result could not be read: " + e.getMessage());
        } finally {
            followed.remove(f.jobId());
        }
    }

    private void succeeded(JobFollower f, String text) {
        Optional<TerminationMessage.Published> published = TerminationMessage.parsePublished(text);
        TrainingPlan plan = f.plan();
        String ref = published.map(TerminationMessage.Published::ref)
                .orElse(plan.publishAs() + (plan.alias().isEmpty() ? "" : "@" + plan.alias()));
        ModelCard card;
        try {
            card = models.resolve(ref);
        } catch (RuntimeException e) {
            if (published.isEmpty()) {
                f.events().ended(JobPhase.FAILED, "Kubernetes Job " + f.where() + " completed, but its model could"
                        + " not be read back from the registry (" + ref + "): " + e.getMessage());
                return;
            }
            LOG.warn("job {}: registry lookup of {} failed ({}); reporting the Job's own record", f.jobId(), ref,
                    e.getMessage());
            TerminationMessage.Published p = published.get();
            card = ModelCard.newBuilder().setName(p.name()).setVersion(p.version()).setSha256(p.sha256()).build();
        }
        if (published.isPresent() && !published.get().sha256().isEmpty()
                && !published.get().sha256().equals(card.getSha256())) {
            LOG.warn("job {}: the Job published sha256 {} but the registry's {} has {}", f.jobId(),
                    published.get().sha256(), ref, card.getSha256());
        }
        f.events().succeeded(card);
    }

    private static String failure(JobFollower f, Job job, Optional<ContainerStateTerminated> pod, String text) {
        String podReason = TerminationMessage.failureReason(text);
        if (podReason.isEmpty() && pod.isPresent()) {
            podReason = "container " + pod.get().getReason() + ", exit code " + pod.get().getExitCode();
        }
        String condition = JobFollower.endCondition(job)
                .map(c -> c.getReason() + (c.getMessage() == null ? "" : ": " + c.getMessage())).orElse("Failed");
        return (podReason.isEmpty() ? "" : podReason + " ") + "(Kubernetes Job " + f.where() + ": " + condition + ")";
    }

    /** The train container's last termination among the Job's pods; a clean exit first on success. */
    private Optional<ContainerStateTerminated> terminatedPod(String jobId, JobFollower.End end) {
        Stream<ContainerStateTerminated> ends = client.pods().inNamespace(namespace)
                .withLabel(TrainingJobSpec.LABEL_JOB_ID, jobId).list().getItems().stream()
                .map(Pod::getStatus).filter(Objects::nonNull)
                .flatMap(s -> s.getContainerStatuses() == null ? Stream.empty() : s.getContainerStatuses().stream())
                .filter(c -> TrainingJobSpec.CONTAINER.equals(c.getName()))
                .map(KubernetesJobRunner::terminated).flatMap(Optional::stream);
        Comparator<ContainerStateTerminated> order = Comparator.comparing(
                (ContainerStateTerminated t) -> end == JobFollower.End.SUCCEEDED && Integer.valueOf(0).equals(
                        t.getExitCode()))
                .thenComparing(t -> Objects.requireNonNullElse(t.getFinishedAt(), ""));
        return ends.max(order);
    }

    private static Optional<ContainerStateTerminated> terminated(ContainerStatus c) {
        if (c.getState() != null && c.getState().getTerminated() != null) {
            return Optional.of(c.getState().getTerminated());
        }
        return Optional.ofNullable(c.getLastState() == null ? null : c.getLastState().getTerminated());
    }

    private static String reason(KubernetesClientException e) {
        return e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                : e.getMessage();
    }

    @Override
    public void close() {
        informer.close();
        finisher.shutdown();
        try {
            finisher.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ownsClient) {
            client.close();
        }
    }

    /** Informer callbacks (one thread): hand each state to its follower; finishing runs on {@code finisher}. */
    private final class Handler implements ResourceEventHandler<Job> {
        @Override
        public void onAdd(Job job) {
            update(job);
        }

        @Override
        public void onUpdate(Job old, Job job) {
            update(job);
        }

        @Override
        public void onDelete(Job job, boolean finalStateUnknown) {
            JobFollower f = followed.remove(jobId(job));
            if (f != null) {
                f.deleted();
            }
        }

        private void update(Job job) {
            JobFollower f = followed.get(jobId(job));
            if (f != null) {
                f.observe(job).ifPresent(end -> finisher.execute(() -> finish(f, end, job)));
            }
        }

        private String jobId(Job job) {
            Map<String, String> labels = job.getMetadata().getLabels();
            return labels == null ? "" : labels.getOrDefault(TrainingJobSpec.LABEL_JOB_ID, "");
        }
    }
}
