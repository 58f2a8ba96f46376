package org.cytolabel.trainer.cluster;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.trainer.pipeline.TrainingPlan;

/**
 * Builds the batch/v1 Job for one training request from the {@link KubernetesJobConfig}: one
 * container running {@code cytolabel run-job} with the plan in {@value PlanCodec#ENV}, requests =
 * limits, non-root with a read-only root filesystem ({@code /tmp} and the work dir are emptyDirs),
 * and each dataset the plan names mounted read-only from the trainer's claim.
 */
public final class TrainingJobSpec {
    public static final String LABEL_NAME = "app.kubernetes.io/name";
    public static final String LABEL_COMPONENT = "app.kubernetes.io/component";
    public static final String LABEL_JOB_ID = "cytolabel/job-id";
    public static final String COMPONENT = "training-job";
    public static final String CONTAINER = "train";
    /** The Job's data dir: an emptyDir with each dataset mounted under {@code datasets/<id>}. */
    public static final String DATA_DIR = "/var/lib/cytolabel";
    private static final Pattern DATASET_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private TrainingJobSpec() {
    }

    /** The Job's name for a trainer job id ({@code job-1a2b3c4d} becomes {@code cytolabel-job-1a2b3c4d}). */
    public static String jobName(String jobId) {
        return "cytolabel-" + jobId;
    }

    public static Job build(KubernetesJobConfig c, String namespace, String jobId, TrainingPlan plan) {
        Map<String, String> labels = new TreeMap<>(c.labels());
        labels.putAll(Map.of(LABEL_NAME, "cytolabel", LABEL_COMPONENT, COMPONENT, LABEL_JOB_ID, jobId));
        return new JobBuilder()
                .withNewMetadata().withName(jobName(jobId)).withNamespace(namespace).withLabels(labels)
                .withAnnotations(Map.of("cytolabel/publish-as", plan.publishAs(), "cytolabel/model-kind",
                        plan.modelKind()))
                .endMetadata()
                .withNewSpec()
                .withBackoffLimit(c.backoffLimit())
                .withTtlSecondsAfterFinished((int) c.ttlSecondsAfterFinished())
                .withActiveDeadlineSeconds(c.activeDeadlineSeconds() > 0 ? c.activeDeadlineSeconds() : null)
                .withNewTemplate()
                .withNewMetadata().withLabels(labels).endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withServiceAccountName(c.serviceAccount().isEmpty() ? null : c.serviceAccount())
                .withAutomountServiceAccountToken(false)
                .withNodeSelector(c.nodeSelector().isEmpty() ? null : c.nodeSelector())
                .withTolerations(tolerations(c))
                .withSecurityContext(new PodSecurityContextBuilder().withRunAsNonRoot(true)
                        .withRunAsUser(c.runAsUser()).withRunAsGroup(c.runAsUser()).withFsGroup(c.runAsUser())
                        .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile().build())
                .withContainers(container(c, jobId, plan))
                .withVolumes(volumes(c))
                .endSpec()
                .endTemplate()
                .endSpec()
                .build();
    }

    private static Container container(KubernetesJobConfig c, String jobId, TrainingPlan plan) {
        Map<String, Quantity> resources = new LinkedHashMap<>();
        resources.put("cpu", new Quantity(c.cpu()));
        resources.put("memory", new Quantity(c.memory()));
        if (c.gpus() > 0) {
            resources.put(c.gpuResource(), new Quantity(Integer.toString(c.gpus())));
        }
        return new ContainerBuilder()
                .withName(CONTAINER).withImage(c.image()).withImagePullPolicy(c.imagePullPolicy())
                .withCommand(c.command())
                .withArgs("run-job", "--data-dir", DATA_DIR, "--registry", c.registryTarget())
                .withEnv(env(c, jobId, plan))
                .withNewResources().withRequests(resources).withLimits(resources).endResources()
                .withSecurityContext(new SecurityContextBuilder().withRunAsNonRoot(true)
                        .withAllowPrivilegeEscalation(false).withReadOnlyRootFilesystem(true)
                        .withNewCapabilities().withDrop("ALL").endCapabilities().build())
                .withVolumeMounts(mounts(c, plan))
                .withTerminationMessagePath(TerminationMessage.PATH)
                .withTerminationMessagePolicy("FallbackToLogsOnError")
                .build();
    }

    private static List<EnvVar> env(KubernetesJobConfig c, String jobId, TrainingPlan plan) {
        List<EnvVar> env = new ArrayList<>();
        env.add(new EnvVar(PlanCodec.ENV, PlanCodec.encode(plan), null));
        env.add(new EnvVar("CYTOLABEL_JOB_ID", jobId, null));
        // the root filesystem is read-only: DJL and ONNX Runtime unpack native libraries under /tmp
        env.add(new EnvVar("HOME", "/tmp", null));
        env.add(new EnvVar("DJL_CACHE_DIR", "/tmp/djl", null));
        env.add(new EnvVar("ENGINE_CACHE_DIR", "/tmp/djl", null));
        c.env().forEach((k, v) -> env.add(new EnvVar(k, v, null)));
        c.secretEnv().forEach((k, ref) -> {
            int slash = ref.indexOf('/');
            env.add(new EnvVarBuilder().withName(k).withNewValueFrom().withNewSecretKeyRef()
                    .withName(ref.substring(0, slash)).withKey(ref.substring(slash + 1)).endSecretKeyRef()
                    .endValueFrom().build());
        });
        return env;
    }

    private static List<VolumeMount> mounts(KubernetesJobConfig c, TrainingPlan plan) {
        List<VolumeMount> mounts = new ArrayList<>();
        mounts.add(new VolumeMountBuilder().withName("tmp").withMountPath("/tmp").build());
        mounts.add(new VolumeMountBuilder().withName("work").withMountPath(DATA_DIR).build());
        List<String> secrets = secrets(c);
        for (int i = 0; i < secrets.size(); i++) {
            mounts.add(new VolumeMountBuilder().withName("secret-" + i)
                    .withMountPath(c.secretMounts().get(secrets.get(i))).withReadOnly(true).build());
        }
        String prefix = c.datasetsSubPath().isEmpty() ? "" : c.datasetsSubPath().replaceAll("/+$", "") + "/";
        for (String id : datasetIds(plan)) {
            mounts.add(new VolumeMountBuilder().withName("datasets").withReadOnly(true)
                    .withMountPath(DATA_DIR + "/datasets/" + id).withSubPath(prefix + "datasets/" + id).build());
        }
        return mounts;
    }

    /** Every dataset the plan reads; each becomes one read-only subPath mount. */
    static Set<String> datasetIds(TrainingPlan plan) {
        Set<String> ids = new LinkedHashSet<>(plan.datasetIds());
        ids.addAll(plan.panelIntersectDatasetIds());
        for (String id : ids) {
            if (!DATASET_ID.matcher(id).matches() || id.contains("..")) {
                throw CytoLabelException.invalid("dataset id '" + id + "' is not one this trainer issued;"
                        + " UploadDataset returns the id");
            }
        }
        return ids;
    }

    private static List<Volume> volumes(KubernetesJobConfig c) {
        List<Volume> volumes = new ArrayList<>(List.of(
                new VolumeBuilder().withName("tmp").withNewEmptyDir().endEmptyDir().build(),
                new VolumeBuilder().withName("work").withNewEmptyDir().endEmptyDir().build(),
                new VolumeBuilder().withName("datasets").withNewPersistentVolumeClaim()
                        .withClaimName(c.datasetsClaim()).withReadOnly(true).endPersistentVolumeClaim().build()));
        List<String> secrets = secrets(c);
        for (int i = 0; i < secrets.size(); i++) {
            volumes.add(new VolumeBuilder().withName("secret-" + i).withNewSecret().withSecretName(secrets.get(i))
                    .endSecret().build());
        }
        return volumes;
    }

    private static List<String> secrets(KubernetesJobConfig c) {
        return c.secretMounts().keySet().stream().sorted().toList();
    }

    private static List<Toleration> tolerations(KubernetesJobConfig c) {
        if (c.gpus() == 0) {
            return null;
        }
        return List.of(new TolerationBuilder().withKey(c.gpuResource()).withOperator("Exists")
                .withEffect("NoSchedule").build());
    }
}
