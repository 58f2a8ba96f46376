package org.cytolabel.trainer.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.cytolabel.core.error.CytoLabelException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Job template file: defaults, prefixed maps, and errors that say which key is wrong. */
class KubernetesJobConfigTest {
    @TempDir
    Path dir;

    @Test
    void minimalFileTakesTheDefaults() throws Exception {
        Path f = dir.resolve("job.properties");
        Files.writeString(f, "image=ghcr.io/cytolabel/trainer:0.1.0\ndatasets.claim=trainer-data\n");
        KubernetesJobConfig c = KubernetesJobConfig.load(f, "cytolabel-registry:50051");
        assertEquals(List.of("cytolabel"), c.command());
        assertEquals("", c.namespace());
        assertEquals("2", c.cpu());
        assertEquals("8Gi", c.memory());
        assertEquals(0, c.gpus());
        assertEquals("nvidia.com/gpu", c.gpuResource());
        assertEquals(Map.of(), c.nodeSelector());
        assertEquals("cytolabel-registry:50051", c.registryTarget(), "the trainer's own registry");
        assertEquals(0, c.backoffLimit());
        assertEquals(3600, c.ttlSecondsAfterFinished());
        assertEquals(0, c.activeDeadlineSeconds());
        assertEquals(10001, c.runAsUser());
    }

    @Test
    void gpuTemplateAndPrefixedKeys() {
        KubernetesJobConfig c = ClusterTrainer.gpuConfig();
        assertEquals(1, c.gpus());
        assertEquals(Map.of("cloud.google.com/gke-accelerator", "nvidia-l4"), c.nodeSelector());
        assertEquals(Map.of("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=75"), c.env());
        assertEquals(Map.of("CYTOLABEL_TOKEN", "cytolabel-tokens/trainer"), c.secretEnv());
        assertEquals(Map.of("cytolabel-registry-ca", "/etc/cytolabel/ca"), c.secretMounts());
        assertEquals(Map.of("app.kubernetes.io/instance", "prod"), c.labels());
        assertEquals("cytolabel-registry:50051", c.registryTarget());
    }

    @Test
    void errorsNameTheKey() {
        assertRefused("datasets.claim=x\n", "key 'image'");
        assertRefused("image=i\n", "key 'datasets.claim'");
        assertRefused("image=i\ndatasets.claim=x\nresources.memory=lots\n", "key 'resources.memory'");
        assertRefused("image=i\ndatasets.claim=x\nresources.gpu=one\n", "resources.gpu must be a whole number");
        assertRefused("image=i\ndatasets.claim=x\ndatasets.subPath=../etc\n", "key 'datasets.subPath'");
        assertRefused("image=i\ndatasets.claim=x\nsecretEnv.TOKEN=nokey\n", "key 'secretEnv.TOKEN'");
        assertRefused("image=i\ndatasets.claim=x\nrunAsUser=0\n", "key 'runAsUser'");
        assertRefused("image=i\ndatasets.claim=x\nsecretMount.ca=etc/ca\n", "key 'secretMount.ca'");
        assertRefused("image=i\ndatasets.claim=x\nlabels.cytolabel/job-id=x\n", "key 'labels.cytolabel/job-id'");
        var e = assertThrows(CytoLabelException.class, () -> KubernetesJobConfig.load(dir.resolve("none"), "r:1"));
        assertTrue(e.getMessage().contains("--job-config"), e.getMessage());
    }

    private static void assertRefused(String text, String expected) {
        Properties p = new Properties();
        try {
            p.load(new java.io.StringReader(text));
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        var e = assertThrows(CytoLabelException.class, () -> KubernetesJobConfig.fromProperties(p, "r:1"));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
