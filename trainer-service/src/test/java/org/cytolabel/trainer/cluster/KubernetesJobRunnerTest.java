package org.cytolabel.trainer.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.DeleteOptions;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.cytolabel.proto.trainer.v1.CancelJobRequest;
import org.cytolabel.proto.trainer.v1.JobEvent;
import org.cytolabel.proto.trainer.v1.JobEvent.Phase;
import org.cytolabel.proto.trainer.v1.TrainingRequest;
import org.cytolabel.trainer.pipeline.TrainingPlan;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kubernetes runner against fabric8's mock API server in CRUD mode, through the Trainer gRPC
 * API: SubmitTraining creates the Job the configuration describes, Job status reaches WatchJob in
 * order, CancelJob deletes the Job.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesJobRunnerTest {
    KubernetesClient client;
    KubernetesMockServer server;

    @TempDir
    Path dir;

    private ClusterTrainer trainer;

    @BeforeEach
    void start() {
        trainer = new ClusterTrainer(client, dir, ClusterTrainer.gpuConfig());
    }

    @AfterEach
    void stop() {
        trainer.close();
    }

    private String submit() {
        return trainer.blocking.submitTraining(TrainingRequest.newBuilder().setModelKind("mlp")
                .addDatasetIds(trainer.datasetId).setLabelColumn("cluster_id").setMaxEpochs(30).setSeed(7)
                .setPublishAs("kang").setAlias("production").build()).getJobId();
    }

    @Test
    void createdJobIsWhatTheConfigurationSays() {
        String id = submit();
        Job job = trainer.job(id);
        assertNotNull(job, "SubmitTraining created the Job");

        Map<String, String> labels = Map.of("app.kubernetes.io/name", "cytolabel",
                "app.kubernetes.io/component", "training-job", "cytolabel/job-id", id,
                "app.kubernetes.io/instance", "prod");
        assertEquals("cytolabel-" + id, job.getMetadata().getName());
        assertEquals(labels, job.getMetadata().getLabels());
        assertEquals(labels, job.getSpec().getTemplate().getMetadata().getLabels());
        assertEquals(1, job.getSpec().getBackoffLimit());
        assertEquals(600, job.getSpec().getTtlSecondsAfterFinished());
        assertEquals(7200L, job.getSpec().getActiveDeadlineSeconds());

        PodSpec pod = job.getSpec().getTemplate().getSpec();
        assertEquals("Never", pod.getRestartPolicy());
        assertEquals("cytolabel-training-job", pod.getServiceAccountName());
        assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken());
        assertEquals(Map.of("cloud.google.com/gke-accelerator", "nvidia-l4"), pod.getNodeSelector());
        assertEquals("nvidia.com/gpu", pod.getTolerations().get(0).getKey());
        assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot());
        assertEquals(10001L, pod.getSecurityContext().getRunAsUser());

        assertEquals(1, pod.getContainers().size());
        Container c = pod.getContainers().get(0);
        assertEquals("ghcr.io/cytolabel/trainer:0.1.0", c.getImage());
        assertEquals(List.of("java", "-jar", "/app/cytolabel-cli.jar"), c.getCommand());
        assertEquals(List.of("run-job", "--data-dir", "/var/lib/cytolabel", "--registry", "cytolabel-registry:50051"),
                c.getArgs());
        Map<String, Quantity> resources = Map.of("cpu", new Quantity("4"), "memory", new Quantity("16Gi"),
                "nvidia.com/gpu", new Quantity("1"));
        assertEquals(resources, c.getResources().getRequests());
        assertEquals(resources, c.getResources().getLimits(), "requests = limits");
        assertEquals(Boolean.TRUE, c.getSecurityContext().getRunAsNonRoot());
        assertEquals(Boolean.TRUE, c.getSecurityContext().getReadOnlyRootFilesystem());
        assertEquals(Boolean.FALSE, c.getSecurityContext().getAllowPrivilegeEscalation());
        assertEquals(List.of("ALL"), c.getSecurityContext().getCapabilities().getDrop());
        assertEquals("FallbackToLogsOnError", c.getTerminationMessagePolicy());

        Map<String, EnvVar> env = c.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, e -> e));
        TrainingPlan plan = PlanCodec.decode(env.get("CYTOLABEL_PLAN").getValue());
        assertEquals(List.of(trainer.datasetId), plan.datasetIds());
        assertEquals("mlp", plan.modelKind());
        assertEquals("cluster_id", plan.labelColumn());
        assertEquals(30, plan.maxEpochs());
        assertEquals(7L, plan.seed());
        assertEquals("kang", plan.publishAs());
        assertEquals("production", plan.alias());
        assertEquals(0.2, plan.testFraction());
        assertEquals(id, env.get("CYTOLABEL_JOB_ID").getValue());
        assertEquals("-XX:MaxRAMPercentage=75", env.get("JAVA_TOOL_OPTIONS").getValue());
        var secret = env.get("CYTOLABEL_TOKEN").getValueFrom().getSecretKeyRef();
        assertEquals(List.of("cytolabel-tokens", "trainer"), List.of(secret.getName(), secret.getKey()));

        Map<String, VolumeMount> mounts = c.getVolumeMounts().stream()
                .collect(Collectors.toMap(VolumeMount::getMountPath, m -> m));
        assertEquals("tmp", mounts.get("/tmp").getName());
        VolumeMount data = mounts.get("/var/lib/cytolabel/datasets/" + trainer.datasetId);
        assertEquals("datasets", data.getName());
        assertEquals("trainer/datasets/" + trainer.datasetId, data.getSubPath());
        assertEquals(Boolean.TRUE, data.getReadOnly());
        var claim = pod.getVolumes().stream().filter(v -> v.getName().equals("datasets")).findFirst().orElseThrow()
                .getPersistentVolumeClaim();
        assertEquals("cytolabel-trainer-data", claim.getClaimName());
        assertNotNull(pod.getVolumes().stream().filter(v -> v.getName().equals("tmp")).findFirst().orElseThrow()
                .getEmptyDir());
        assertEquals("secret-0", mounts.get("/etc/cytolabel/ca").getName());
        assertEquals("cytolabel-registry-ca", pod.getVolumes().stream().filter(v -> v.getName().equals("secret-0"))
                .findFirst().orElseThrow().getSecret().getSecretName());
    }

    @Test
    void statusEventsReachWatchJobInOrderAndTheCardComesFromTheRegistry() throws Exception {
        String id = submit();
        BlockingQueue<JobEvent> events = trainer.watch(id);
        List<JobEvent> seen = new ArrayList<>();
        seen.add(next(events));
        seen.add(next(events));

        editStatus(id, j -> new JobBuilder(j).editOrNewStatus().withActive(1).endStatus().build());
        seen.add(next(events));
        assertEquals(Phase.TRAINING, seen.get(2).getPhase());

        // the pod the Job ran: its termination message names the version it published
        client.pods().inNamespace(ClusterTrainer.NAMESPACE).resource(new PodBuilder().withNewMetadata()
                .withName("cytolabel-" + id + "-x7k2p").withLabels(Map.of(TrainingJobSpec.LABEL_JOB_ID, id))
                .endMetadata().withNewSpec().addNewContainer().withName("train").withImage("i").endContainer()
                .endSpec().withNewStatus().addNewContainerStatus().withName("train").withNewState()
                .withNewTerminated().withExitCode(0).withFinishedAt("2026-01-01T00:00:00Z")
                .withMessage(TerminationMessage.published("kang", 7, "ab".repeat(32))).endTerminated().endState()
                .endContainerStatus().endStatus().build()).create();
        editStatus(id, j -> new JobBuilder(j).editStatus().withActive(0).withSucceeded(1).addToConditions(
                new JobConditionBuilder().withType("Complete").withStatus("True").build()).endStatus().build());
        seen.add(next(events));

        assertEquals(List.of(Phase.QUEUED, Phase.QUEUED, Phase.TRAINING, Phase.SUCCEEDED),
                seen.stream().map(JobEvent::getPhase).toList());
        assertEquals(List.of(1L, 2L, 3L, 4L), seen.stream().map(JobEvent::getSequence).toList());
        assertTrue(seen.get(1).getMessage().contains("cytolabel-test/cytolabel-" + id), seen.get(1).getMessage());
        JobEvent done = seen.get(3);
        assertEquals(List.of("kang:7"), trainer.lookups, "the exact version from the termination message");
        assertEquals(ClusterTrainer.CARD, done.getCard());
        assertEquals("kang", done.getModel().getName());
        assertEquals(7, done.getModel().getVersion());
        assertNull(events.poll(200, TimeUnit.MILLISECONDS), "nothing after the end");
    }

    @Test
    void failedConditionEndsTheJobWithThePodsReason() throws Exception {
        String id = submit();
        BlockingQueue<JobEvent> events = trainer.watch(id);
        next(events);
        next(events);
        client.pods().inNamespace(ClusterTrainer.NAMESPACE).resource(new PodBuilder().withNewMetadata()
                .withName("cytolabel-" + id + "-a").withLabels(Map.of(TrainingJobSpec.LABEL_JOB_ID, id)).endMetadata()
                .withNewStatus().addNewContainerStatus().withName("train").withNewState().withNewTerminated()
                .withExitCode(1).withMessage(TerminationMessage.failed("no obs column 'cluster_id'"))
                .endTerminated().endState().endContainerStatus().endStatus().build()).create();
        editStatus(id, j -> new JobBuilder(j).editOrNewStatus().withFailed(1).addToConditions(
                new JobConditionBuilder().withType("Failed").withStatus("True").withReason("BackoffLimitExceeded")
                        .withMessage("Job has reached the specified backoff limit").build()).endStatus().build());

        JobEvent failed = next(events);
        assertEquals(Phase.FAILED, failed.getPhase());
        assertEquals("no obs column 'cluster_id' (Kubernetes Job cytolabel-test/cytolabel-" + id
                + ": BackoffLimitExceeded: Job has reached the specified backoff limit)", failed.getMessage());
        assertTrue(trainer.lookups.isEmpty(), "no registry lookup for a failed Job");
    }

    @Test
    void cancelDeletesTheJob() throws Exception {
        String id = submit();
        BlockingQueue<JobEvent> events = trainer.watch(id);
        next(events);
        next(events);
        editStatus(id, j -> new JobBuilder(j).editOrNewStatus().withActive(1).endStatus().build());
        assertEquals(Phase.TRAINING, next(events).getPhase());

        Phase phase = trainer.blocking.cancelJob(CancelJobRequest.newBuilder().setJobId(id).build()).getPhase();

        assertEquals(Phase.CANCELLED, phase);
        JobEvent end = next(events);
        assertEquals(Phase.CANCELLED, end.getPhase());
        assertTrue(end.getMessage().startsWith("cancelled; deleted Kubernetes Job"), end.getMessage());
        assertNull(trainer.job(id), "the Job is gone from the API server");
        assertEquals("Background", deleteRequestPropagation());
        assertTrue(client.batch().v1().jobs().inNamespace(ClusterTrainer.NAMESPACE).list().getItems().isEmpty());
        assertNull(events.poll(200, TimeUnit.MILLISECONDS), "nothing after the end");
    }

    @Test
    void jobDeletedBehindTheTrainersBackFailsTheJob() throws Exception {
        String id = submit();
        BlockingQueue<JobEvent> events = trainer.watch(id);
        next(events);
        next(events);
        client.batch().v1().jobs().inNamespace(ClusterTrainer.NAMESPACE).withName("cytolabel-" + id).delete();

        JobEvent end = next(events);
        assertEquals(Phase.FAILED, end.getPhase());
        assertTrue(end.getMessage().contains("was deleted before it finished"), end.getMessage());
        assertFalse(trainer.lookups.contains("kang@production"));
    }

    /** The propagationPolicy of the DELETE the trainer sent for the Job. */
    private String deleteRequestPropagation() throws InterruptedException {
        for (RecordedRequest r = server.takeRequest(1, TimeUnit.SECONDS); r != null;
                r = server.takeRequest(1, TimeUnit.SECONDS)) {
            if (r.getMethod().equals("DELETE") && r.getPath().contains("/jobs/cytolabel-job-")) {
                DeleteOptions o = client.getKubernetesSerialization().unmarshal(r.getUtf8Body(), DeleteOptions.class);
                return o.getPropagationPolicy();
            }
        }
        return "no DELETE request";
    }

    private void editStatus(String id, UnaryOperator<Job> edit) {
        client.batch().v1().jobs().inNamespace(ClusterTrainer.NAMESPACE).withName("cytolabel-" + id)
                .editStatus(edit);
    }

    private static JobEvent next(BlockingQueue<JobEvent> events) throws InterruptedException {
        JobEvent e = events.poll(10, TimeUnit.SECONDS);
        assertNotNull(e, "an event within 10 s");
        return e;
    }
}
