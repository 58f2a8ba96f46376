package org.cytolabel.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** trainer.runner=kubernetes: the Job template ConfigMap the trainer's --job-config reads. */
class JobTemplateTest {

    @Test
    void templateNamesTheImageAccountClaimAndRegistry() throws IOException {
        Manifests m = Rendering.JOBS.manifests();
        Properties p = template(m);
        Container trainer = Workloads.container(m, "trainer");
        assertEquals(trainer.getImage(), p.getProperty("image"), "Jobs run the trainer image");
        assertEquals("java -jar /opt/cytolabel/cytolabel-cli.jar", p.getProperty("command"),
                "replaces the image's 'trainer' entrypoint; the runner appends run-job ...");
        assertEquals(Chart.NAMESPACE, p.getProperty("namespace"));
        assertEquals(Workloads.REGISTRY_TARGET, p.getProperty("registry"));
        String account = p.getProperty("serviceAccount");
        assertEquals(Boolean.FALSE, m.one(ServiceAccount.class, account).getAutomountServiceAccountToken());
        String claim = p.getProperty("datasets.claim");
        assertEquals("cytolabel-trainer", claim);
        m.one(PersistentVolumeClaim.class, claim);
        assertEquals("4", p.getProperty("resources.cpu"));
        assertEquals("16Gi", p.getProperty("resources.memory"));
        assertEquals("0", p.getProperty("resources.gpu"));
        assertEquals("10001", p.getProperty("runAsUser"));
        assertEquals("0", p.getProperty("backoffLimit"), "training failures are deterministic");
        assertTrue(p.getProperty("env.JAVA_TOOL_OPTIONS").contains("ai.djl.offline=true"));
        assertTrue(p.stringPropertyNames().stream().noneMatch(k -> k.startsWith("secretEnv.")), "no auth, no token");

        Deployment d = Workloads.deployment(m, "trainer");
        VolumeMount mount = trainer.getVolumeMounts().stream()
                .filter(v -> v.getMountPath().equals("/etc/cytolabel/jobs")).findFirst().orElseThrow();
        assertTrue(mount.getReadOnly());
        assertEquals("cytolabel-training-job", d.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow()
                .getConfigMap().getName());
        assertTrue(d.getSpec().getTemplate().getMetadata().getAnnotations().get("checksum/job-template")
                .matches("[0-9a-f]{64}"), "the trainer restarts when the template changes");
    }

    @Test
    void jobsPublishWithTheTrainerTokenAndCanBeSizedForGpus(@TempDir Path work) throws IOException {
        Manifests m = Manifests.parse(Chart.renderWith(Map.of(
                "trainer", Map.of("runner", "kubernetes", "jobs", Map.of(
                        "resources", Map.of("cpu", "8", "memory", "32Gi", "gpu", 1),
                        "nodeSelector", Map.of("nvidia.com/gpu.present", "true"))),
                "auth", Map.of("enabled", true, "tokensSecret", Map.of("name", "tokens", "key", "tokens"),
                        "trainerToken", Map.of("name", "trainer-token", "key", "token"))), work, false));
        Properties p = template(m);
        assertEquals("trainer-token/token", p.getProperty("secretEnv.CYTOLABEL_TOKEN"));
        assertEquals("1", p.getProperty("resources.gpu"));
        assertEquals("true", p.getProperty("nodeSelector.nvidia.com/gpu.present"));
        assertEquals("32Gi", p.getProperty("resources.memory"));
    }

    @Test
    void refusesJobsWithoutTheDatasetsClaim() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Chart.template()
                .set("trainer.runner", "kubernetes").set("trainer.persistence.enabled", false).call());
        assertTrue(e.getMessage().contains("persistence"), e.getMessage());
    }

    private static Properties template(Manifests m) throws IOException {
        ConfigMap cm = m.one(ConfigMap.class, "cytolabel-training-job");
        Properties p = new Properties();
        p.load(new StringReader(cm.getData().get("job.properties")));
        return p;
    }
}
