package org.cytolabel.deploy;

import static org.cytolabel.deploy.Workloads.COMPONENTS;
import static org.cytolabel.deploy.Workloads.container;
import static org.cytolabel.deploy.Workloads.deployment;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The three Deployments: probes, ports, drain, security context, resources, volumes, flags. */
class WorkloadTest {

    @ParameterizedTest
    @EnumSource(Rendering.class)
    void nativeGrpcProbesOnTheGrpcPort(Rendering r) {
        for (String component : COMPONENTS) {
            Container c = container(r.manifests(), component);
            int grpc = Workloads.GRPC_PORT.get(component);
            for (Probe p : List.of(c.getStartupProbe(), c.getReadinessProbe(), c.getLivenessProbe())) {
                assertNotNull(p, component + " has startup, readiness and liveness probes");
                assertNotNull(p.getGrpc(), component + ": native gRPC probe");
                assertEquals(grpc, p.getGrpc().getPort(), component + " probes the gRPC port");
                if (p == c.getLivenessProbe()) {
                    // Alive while still loading models: liveness asks a status that is SERVING from start to drain.
                    assertEquals("liveness", p.getGrpc().getService(), component + " liveness service");
                } else {
                    assertTrue(p.getGrpc().getService() == null || p.getGrpc().getService().isEmpty(),
                            component + " startup and readiness probe the server's overall health");
                }
                assertNull(p.getHttpGet(), component);
                assertNull(p.getExec(), component);
            }
            assertEquals(grpc, Workloads.port(c, "grpc"), component + " grpc port");
            assertEquals(Workloads.METRICS_PORT.get(component), Workloads.port(c, "metrics"), component);
        }
    }

    @ParameterizedTest
    @EnumSource(Rendering.class)
    void startupProbeCoversModelLoadAndLivenessOnlyAfterwards(Rendering r) {
        Map<String, Integer> minimumStartupSeconds = Map.of(
                "registry", 120, "trainer", 180, "inference", r.gpu() ? 600 : 300);
        for (String component : COMPONENTS) {
            Container c = container(r.manifests(), component);
            Probe startup = c.getStartupProbe();
            int budget = startup.getPeriodSeconds() * startup.getFailureThreshold();
            assertEquals(minimumStartupSeconds.get(component), budget, component + " startup budget (s)");
            Probe live = c.getLivenessProbe();
            assertTrue(budget > live.getPeriodSeconds() * live.getFailureThreshold(),
                    component + ": startup allows longer than liveness");
            assertEquals(1, startup.getSuccessThreshold());
            assertEquals(2, c.getReadinessProbe().getFailureThreshold(), component + " leaves rotation within 10 s");
        }
    }

    @ParameterizedTest
    @EnumSource(Rendering.class)
    void terminationGraceOutlastsPreStopAndDrain(Rendering r) {
        for (String component : COMPONENTS) {
            Deployment d = deployment(r.manifests(), component);
            int grace = d.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds().intValue();
            int preStop = Workloads.preStopSleep(container(d));
            assertEquals(5, preStop, component + " sleeps before SIGTERM so endpoints update");
            assertTrue(grace > preStop + Workloads.DRAIN_SECONDS,
                    component + ": grace " + grace + " s > preStop " + preStop + " s + drain 20 s");
        }
    }

    @ParameterizedTest
    @EnumSource(Rendering.class)
    void locksDownEveryPodAndContainer(Rendering r) {
        for (String component : COMPONENTS) {
            PodSpec pod = deployment(r.manifests(), component).getSpec().getTemplate().getSpec();
            PodSecurityContext psc = pod.getSecurityContext();
            SecurityContext sc = container(r.manifests(), component).getSecurityContext();
            assertAll(component,
                    () -> assertEquals(Boolean.TRUE, psc.getRunAsNonRoot()),
                    () -> assertTrue(psc.getRunAsUser() > 0, "non-zero uid"),
                    () -> assertTrue(psc.getRunAsGroup() > 0, "non-zero gid"),
                    () -> assertEquals("RuntimeDefault", psc.getSeccompProfile().getType()),
                    () -> assertEquals(Boolean.TRUE, sc.getRunAsNonRoot()),
                    () -> assertTrue(sc.getRunAsUser() > 0),
                    () -> assertEquals(Boolean.FALSE, sc.getAllowPrivilegeEscalation()),
                    () -> assertEquals(Boolean.FALSE, sc.getPrivileged()),
                    () -> assertEquals(Boolean.TRUE, sc.getReadOnlyRootFilesystem()),
                    () -> assertEquals(List.of("ALL"), sc.getCapabilities().getDrop()),
                    () -> assertTrue(sc.getCapabilities().getAdd().isEmpty(), "no capability added"),
                    () -> assertEquals(Boolean.FALSE, pod.getEnableServiceLinks(),
                            "no service-link env (CYTOLABEL_REGISTRY_PORT=tcp://... would shadow flags)"),
                    () -> assertFalse(Boolean.TRUE.equals(pod.getHostNetwork())));
        }
    }

    @ParameterizedTest
    @EnumSource(Rendering.class)
    void requestsEqualLimits(Rendering r) {
        for (String component : COMPONENTS) {
            var res = container(r.manifests(), component).getResources();
            assertEquals(res.getLimits(), res.getRequests(), component + " requests = limits");
            assertTrue(res.getLimits().containsKey("cpu") && res.getLimits().containsKey("memory"),
                    component + " sets cpu and memory: " + res.getLimits());
        }
    }

    @ParameterizedTest
    @EnumSource(Rendering.class)
    void writesOnlyToTmpAndItsDataVolume(Rendering r) {
        Map<String, String> dataClaims = Map.of("registry", "/var/lib/cytolabel/registry",
                "trainer", "/var/lib/cytolabel/trainer");
        for (String component : COMPONENTS) {
            Deployment d = deployment(r.manifests(), component);
            Map<String, Volume> volumes = new java.util.HashMap<>();
            d.getSpec().getTemplate().getSpec().getVolumes().forEach(v -> volumes.put(v.getName(), v));
            Map<String, String> mounts = new java.util.HashMap<>();
            for (VolumeMount m : container(d).getVolumeMounts()) {
                mounts.put(m.getMountPath(), m.getName());
            }
            assertNotNull(volumes.get(mounts.get("/tmp")).getEmptyDir(), component + ": /tmp is an emptyDir");
            assertNotNull(volumes.get(mounts.get("/tmp")).getEmptyDir().getSizeLimit(), component + " bounds /tmp");
            String dataPath = dataClaims.get(component);
            if (dataPath == null) {
                assertEquals(1, mounts.size(), component + " mounts only /tmp: " + mounts);
                continue;
            }
            String claim = volumes.get(mounts.get(dataPath)).getPersistentVolumeClaim().getClaimName();
            assertEquals(Workloads.name(component), claim, component + " data volume");
            assertNotNull(r.manifests().one(PersistentVolumeClaim.class, claim));
            assertEquals("Recreate", d.getSpec().getStrategy().getType(), component + ": one writer at a time");
            assertEquals(1, d.getSpec().getReplicas(), component);
            assertEquals(dataPath, Workloads.flags(container(d).getArgs()).get("data-dir"), component + " --data-dir");
        }
    }

    @ParameterizedTest
    @EnumSource(Rendering.class)
    void flagsMatchThePortsAndPointAtTheRegistry(Rendering r) {
        for (String component : COMPONENTS) {
            Container c = container(r.manifests(), component);
            Map<String, String> flags = Workloads.flags(c.getArgs());
            assertEquals(String.valueOf(Workloads.GRPC_PORT.get(component)), flags.get("port"), component);
            assertEquals(String.valueOf(Workloads.METRICS_PORT.get(component)), flags.get("metrics-port"), component);
            assertEquals("0.0.0.0", flags.get("host"), component);
            if (!component.equals("registry")) {
                assertEquals(Workloads.REGISTRY_TARGET, flags.get("registry"), component + " --registry");
            }
            assertTrue(c.getImage().startsWith("ghcr.io/cytolabel/cytolabel-" + component + ":" + Chart.APP_VERSION),
                    c.getImage());
            assertTrue(Workloads.env(c).get("JAVA_TOOL_OPTIONS").getValue().contains("MaxRAMPercentage"), component);
        }
        Map<String, String> trainer = Workloads.flags(container(r.manifests(), "trainer").getArgs());
        Map<String, String> expected = new java.util.HashMap<>(Map.of("host", "0.0.0.0", "port", "50052",
                "metrics-port", "9092", "registry", Workloads.REGISTRY_TARGET, "data-dir", "/var/lib/cytolabel/trainer",
                "concurrent-jobs", "1", "max-upload-bytes", "8589934592"));
        if (r.jobs()) {
            expected.put("runner", "kubernetes");
            expected.put("job-config", "/etc/cytolabel/jobs/job.properties");
        }
        assertEquals(expected, trainer);
    }
}
