package org.cytolabel.deploy;

import static org.cytolabel.deploy.Workloads.COMPONENTS;
import static org.cytolabel.deploy.Workloads.container;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Auth tokens, TLS, PostgreSQL and the on/off switches, rendered and parsed. */
class OptionalFeaturesTest {
    @TempDir
    Path work;

    private Manifests render(Map<String, Object> overlay) {
        Manifests m = Manifests.parse(Chart.renderWith(overlay, work, false));
        assertEquals(List.of(), m.unknownFields());
        return m;
    }

    @Test
    void authMountsTokenSecretsAndSetsTheVariables() {
        Manifests m = render(Map.of("auth", Map.of("enabled", true, "protectReads", true,
                "tokensSecret", Map.of("name", "cytolabel-tokens", "key", "tokens"),
                "trainerToken", Map.of("name", "cytolabel-trainer-token", "key", "token"),
                "inferenceToken", Map.of("name", "cytolabel-inference-token", "key", "token"))));
        for (String component : COMPONENTS) {
            Map<String, EnvVar> env = Workloads.env(container(m, component));
            assertEquals("/etc/cytolabel/auth/tokens", env.get("CYTOLABEL_AUTH_TOKENS_FILE").getValue(), component);
            assertEquals("true", env.get("CYTOLABEL_AUTH_PROTECT_READS").getValue(), component);
            assertEquals("cytolabel-tokens", secretAt(m, component, "/etc/cytolabel/auth"), component);
        }
        assertNull(Workloads.env(container(m, "registry")).get("CYTOLABEL_TOKEN_FILE"), "the registry calls no one");
        for (String component : List.of("trainer", "inference")) {
            assertEquals("/etc/cytolabel/client-token/token",
                    Workloads.env(container(m, component)).get("CYTOLABEL_TOKEN_FILE").getValue(), component);
            assertEquals("cytolabel-" + component + "-token", secretAt(m, component, "/etc/cytolabel/client-token"));
        }
    }

    @Test
    void tlsMountsCertificatesAndProbesThePlaintextHealthPort() {
        Manifests m = render(Map.of("tls", Map.of("enabled", true, "secretName", "cytolabel-tls", "clientAuth", true)));
        Map<String, Integer> healthPorts = Map.of("registry", 50061, "trainer", 50062, "inference", 50063);
        for (String component : COMPONENTS) {
            Container c = container(m, component);
            Map<String, EnvVar> env = Workloads.env(c);
            assertEquals("/etc/cytolabel/tls/tls.crt", env.get("CYTOLABEL_TLS_CERT").getValue());
            assertEquals("/etc/cytolabel/tls/tls.key", env.get("CYTOLABEL_TLS_KEY").getValue());
            assertEquals("/etc/cytolabel/tls/ca.crt", env.get("CYTOLABEL_TLS_CLIENT_CA").getValue());
            boolean client = !component.equals("registry");
            assertEquals(client, env.containsKey("CYTOLABEL_TLS_CA"), component + " as client");
            assertEquals(client, env.containsKey("CYTOLABEL_TLS_CLIENT_CERT"), component + " presents a certificate");
            assertEquals("cytolabel-tls", secretAt(m, component, "/etc/cytolabel/tls"));
            int health = healthPorts.get(component);
            assertEquals(String.valueOf(health), env.get("CYTOLABEL_HEALTH_PORT").getValue());
            assertEquals(health, Workloads.port(c, "health"));
            for (Probe p : List.of(c.getStartupProbe(), c.getReadinessProbe(), c.getLivenessProbe())) {
                assertEquals(health, p.getGrpc().getPort(), component + ": kubelet gRPC probes are plaintext");
            }
            assertEquals(Boolean.TRUE, c.getSecurityContext().getReadOnlyRootFilesystem(), component);
        }
        for (NetworkPolicy np : m.ofType(NetworkPolicy.class)) {
            assertTrue(np.getSpec().getIngress().stream().noneMatch(r -> r.getPorts().get(0).getPort().getStrVal()
                    .equals("health")), "the health port is for the kubelet only");
        }
    }

    @Test
    void postgresPassesUrlUserAndAMountedPasswordFile() {
        Manifests m = render(Map.of("registry", Map.of("postgres", Map.of("enabled", true,
                "url", "jdbc:postgresql://pg.db.svc:5432/cytolabel", "user", "cytolabel",
                "passwordSecret", Map.of("name", "cytolabel-pg", "key", "password")))));
        Container c = container(m, "registry");
        Map<String, String> flags = Workloads.flags(c.getArgs());
        assertEquals("jdbc:postgresql://pg.db.svc:5432/cytolabel", flags.get("metadata-url"));
        assertEquals("cytolabel", flags.get("metadata-user"));
        assertEquals("/etc/cytolabel/postgres/password", flags.get("metadata-password-file"));
        assertEquals("cytolabel-pg", secretAt(m, "registry", "/etc/cytolabel/postgres"));
        assertTrue(Workloads.env(c).values().stream().noneMatch(e -> e.getName().contains("PASSWORD")),
                "the password stays in the file");
        assertFalse(Workloads.flags(Workloads.container(Rendering.DEFAULT.manifests(), "registry").getArgs())
                .containsKey("metadata-url"), "SQLite by default");
    }

    @Test
    void switchesRemoveWhatTheyGuard() {
        Manifests m = render(Map.of(
                "serviceMonitor", Map.of("enabled", false),
                "networkPolicy", Map.of("enabled", false),
                "registry", Map.of("persistence", Map.of("enabled", false)),
                "inference", Map.of("autoscaling", Map.of("enabled", false), "pdb", Map.of("enabled", false),
                        "replicas", 3)));
        assertTrue(m.ofType(ServiceMonitor.class).isEmpty());
        assertTrue(m.ofType(NetworkPolicy.class).isEmpty());
        assertTrue(m.ofType(HorizontalPodAutoscaler.class).isEmpty());
        assertEquals(3, Workloads.deployment(m, "inference").getSpec().getReplicas());
        Deployment registry = Workloads.deployment(m, "registry");
        Volume data = registry.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals("data")).findFirst().orElseThrow();
        assertNotNull(data.getEmptyDir(), "no PVC: an emptyDir");
        assertEquals(1, m.all().stream().filter(o -> o.getKind().equals("PersistentVolumeClaim")).count(),
                "only the trainer's claim is left");
    }

    private static String secretAt(Manifests m, String component, String path) {
        Deployment d = Workloads.deployment(m, component);
        VolumeMount mount = container(d).getVolumeMounts().stream().filter(v -> v.getMountPath().equals(path))
                .findFirst().orElseThrow(() -> new AssertionError(component + " mounts nothing at " + path));
        assertTrue(mount.getReadOnly(), path + " read-only");
        return d.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow()
                .getSecret().getSecretName();
    }
}
