package org.cytolabel.deploy;

import static org.cytolabel.deploy.Workloads.deployment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Inference scaling: HPA on queue time with a CPU fallback, PDB, both Services, the ServiceMonitor. */
class ScalingTest {
    static final String QUEUE_METRIC = "cytolabel_inference_chunk_queue_seconds_avg";

    @ParameterizedTest
    @EnumSource(Rendering.class)
    void hpaFollowsQueueTimeWithCpuFallback(Rendering r) {
        Manifests m = r.manifests();
        HorizontalPodAutoscaler hpa = m.one(HorizontalPodAutoscaler.class, "cytolabel-inference");
        assertEquals("Deployment", hpa.getSpec().getScaleTargetRef().getKind());
        assertEquals("cytolabel-inference", hpa.getSpec().getScaleTargetRef().getName());
        assertEquals(r.gpu() ? 1 : 2, hpa.getSpec().getMinReplicas());
        assertEquals(r.gpu() ? 4 : 10, hpa.getSpec().getMaxReplicas());
        List<MetricSpec> metrics = hpa.getSpec().getMetrics();
        assertEquals(List.of("Pods", "Resource"), metrics.stream().map(MetricSpec::getType).toList());
        var pods = metrics.get(0).getPods();
        assertEquals(QUEUE_METRIC, pods.getMetric().getName());
        assertEquals("AverageValue", pods.getTarget().getType());
        assertEquals(new Quantity("50m"), pods.getTarget().getAverageValue(), "50 ms mean queue wait per pod");
        var cpu = metrics.get(1).getResource();
        assertEquals("cpu", cpu.getName());
        assertEquals("Utilization", cpu.getTarget().getType());
        assertEquals(70, cpu.getTarget().getAverageUtilization());
        assertEquals(300, hpa.getSpec().getBehavior().getScaleDown().getStabilizationWindowSeconds());
        assertNull(deployment(m, "inference").getSpec().getReplicas(), "the HPA owns the replica count");
    }

    @Test
    void adapterRuleServesTheHpaMetricFromTheServiceTimer() throws Exception {
        Map<String, Object> values = Chart.readYaml(Chart.root().resolve("helm/prometheus-adapter-values.yaml"));
        @SuppressWarnings("unchecked")
        Map<String, Object> rule = ((List<Map<String, Object>>) ((Map<String, Object>) values.get("rules"))
                .get("custom")).get(0);
        @SuppressWarnings("unchecked")
        Map<String, Object> name = (Map<String, Object>) rule.get("name");
        assertEquals(QUEUE_METRIC, name.get("as"), "the adapter serves the metric the HPA asks for");
        assertTrue(((String) rule.get("seriesQuery")).startsWith("cytolabel_inference_chunk_queue_seconds_count{"));
        String query = (String) rule.get("metricsQuery");
        assertTrue(query.contains("rate(cytolabel_inference_chunk_queue_seconds_sum{<<.LabelMatchers>>}"), query);
        assertTrue(query.contains("rate(cytolabel_inference_chunk_queue_seconds_count{<<.LabelMatchers>>}"), query);
        // Micrometer's Prometheus naming of the inference service's timer: dots to _, seconds, _sum/_count.
        Path meters = Chart.root().resolve("inference-service/src/main/java/org/cytolabel/inference/annotate/"
                + "AnnotationMetrics.java");
        assertTrue(Files.readString(meters).contains("Timer.builder(\"cytolabel.inference.chunk.queue\")"),
                "the inference service still records the timer the rule reads");
    }

    @ParameterizedTest
    @EnumSource(Rendering.class)
    void pdbKeepsInferenceServingThroughDrains(Rendering r) {
        Manifests m = r.manifests();
        assertEquals(1, m.ofType(PodDisruptionBudget.class).size(), "a PDB for inference only");
        PodDisruptionBudget pdb = m.one(PodDisruptionBudget.class, "cytolabel-inference");
        assertEquals(new IntOrString(1), pdb.getSpec().getMaxUnavailable());
        assertNull(pdb.getSpec().getMinAvailable());
        assertEquals(deployment(m, "inference").getSpec().getSelector().getMatchLabels(),
                pdb.getSpec().getSelector().getMatchLabels());
        var rolling = deployment(m, "inference").getSpec().getStrategy().getRollingUpdate();
        assertEquals(new IntOrString(0), rolling.getMaxUnavailable(), "rollouts add before they remove");
    }

    @ParameterizedTest
    @EnumSource(Rendering.class)
    void headlessServiceForRoundRobinAndClusterIpServices(Rendering r) {
        Manifests m = r.manifests();
        assertEquals(4, m.ofType(Service.class).size());
        Service headless = m.one(Service.class, "cytolabel-inference-headless");
        assertEquals("None", headless.getSpec().getClusterIP(), "DNS returns every ready pod");
        assertEquals(List.of("grpc"), headless.getSpec().getPorts().stream().map(ServicePort::getName).toList());
        for (String component : Workloads.COMPONENTS) {
            Service svc = m.one(Service.class, Workloads.name(component));
            assertEquals("ClusterIP", svc.getSpec().getType());
            assertNull(svc.getSpec().getClusterIP(), component + " gets a virtual IP");
            assertEquals(List.of("grpc", "metrics"), svc.getSpec().getPorts().stream().map(ServicePort::getName).toList());
        }
        for (Service svc : m.ofType(Service.class)) {
            String component = svc.getSpec().getSelector().get("app.kubernetes.io/component");
            var container = Workloads.container(m, component);
            assertEquals(deployment(m, component).getSpec().getSelector().getMatchLabels(), svc.getSpec().getSelector());
            for (ServicePort p : svc.getSpec().getPorts()) {
                assertEquals(p.getName(), p.getTargetPort().getStrVal(), "targets the named container port");
                assertEquals(p.getPort().intValue(), Workloads.port(container, p.getName()), svc.getMetadata().getName());
                assertEquals("grpc".equals(p.getName()) ? "grpc" : "http", p.getAppProtocol());
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Rendering.class)
    void serviceMonitorScrapesEachServiceOnce(Rendering r) {
        Manifests m = r.manifests();
        ServiceMonitor sm = m.one(ServiceMonitor.class, "cytolabel");
        assertEquals(1, sm.getSpec().getEndpoints().size());
        ServiceMonitor.Endpoint e = sm.getSpec().getEndpoints().get(0);
        assertEquals("metrics", e.getPort());
        assertEquals("/metrics", e.getPath());
        assertEquals(List.of(Chart.NAMESPACE), sm.getSpec().getNamespaceSelector().getMatchNames());
        var selector = sm.getSpec().getSelector();
        List<String> scraped = m.ofType(Service.class).stream()
                .filter(s -> s.getMetadata().getLabels().entrySet().containsAll(selector.getMatchLabels().entrySet()))
                .filter(s -> selector.getMatchExpressions().get(0).getValues()
                        .contains(s.getMetadata().getLabels().get("app.kubernetes.io/component")))
                .filter(s -> s.getSpec().getPorts().stream().anyMatch(p -> p.getName().equals("metrics")))
                .map(s -> s.getMetadata().getName()).sorted().toList();
        assertEquals(List.of("cytolabel-inference", "cytolabel-registry", "cytolabel-trainer"), scraped);
    }
}
