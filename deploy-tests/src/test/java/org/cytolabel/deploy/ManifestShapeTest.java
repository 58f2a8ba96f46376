package org.cytolabel.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every document is a typed object with no unrecognised field, labelled app.kubernetes.io/*. */
class ManifestShapeTest {
    private static final Map<String, Integer> KINDS = Map.of("Deployment", 3, "Service", 4, "ServiceAccount", 3,
            "PersistentVolumeClaim", 2, "HorizontalPodAutoscaler", 1, "PodDisruptionBudget", 1, "NetworkPolicy", 3,
            "ServiceMonitor", 1);
    /** With trainer.runner=kubernetes: the trainer's Role and binding, the Jobs' account and template. */
    private static final Map<String, Integer> JOB_KINDS = Map.of("ServiceAccount", 4, "Role", 1, "RoleBinding", 1,
            "ConfigMap", 1);
    private static final Set<String> COMPONENTS = Set.of("registry", "trainer", "inference", "training-job",
            "metrics");

    @ParameterizedTest
    @EnumSource(Rendering.class)
    void everyDocumentIsTypedWithNoUnknownField(Rendering r) {
        Manifests m = r.manifests();
        assertEquals(List.of(), m.untyped(), "kinds without a typed model");
        assertEquals(List.of(), m.unknownFields(), "fields the Kubernetes models do not know (typos)");
        Map<String, Integer> kinds = new TreeMap<>();
        m.all().forEach(o -> kinds.merge(o.getKind(), 1, Integer::sum));
        Map<String, Integer> expected = new TreeMap<>(KINDS);
        if (r.jobs()) {
            expected.putAll(JOB_KINDS);
        }
        assertEquals(expected, kinds);
    }

    @ParameterizedTest
    @EnumSource(Rendering.class)
    void everyObjectAndPodCarriesTheRecommendedLabels(Rendering r) {
        for (HasMetadata o : r.manifests().all()) {
            String what = o.getKind() + "/" + o.getMetadata().getName();
            assertRecommended(what, o.getMetadata().getLabels());
            if (o instanceof Namespaced) {
                assertEquals(Chart.NAMESPACE, o.getMetadata().getNamespace(), what + " names its namespace");
            }
            if (o instanceof Deployment d) {
                Map<String, String> pod = d.getSpec().getTemplate().getMetadata().getLabels();
                assertRecommended(what + " pods", pod);
                assertTrue(pod.entrySet().containsAll(d.getSpec().getSelector().getMatchLabels().entrySet()),
                        what + " selector matches its pods");
                assertFalse(d.getSpec().getSelector().getMatchLabels().containsKey("app.kubernetes.io/version"),
                        what + ": the selector must survive upgrades");
            }
        }
    }

    private static void assertRecommended(String what, Map<String, String> labels) {
        assertEquals("cytolabel", labels.get("app.kubernetes.io/name"), what);
        assertEquals(Chart.RELEASE, labels.get("app.kubernetes.io/instance"), what);
        assertEquals(Chart.APP_VERSION, labels.get("app.kubernetes.io/version"), what);
        assertEquals("cytolabel", labels.get("app.kubernetes.io/part-of"), what);
        assertEquals("Helm", labels.get("app.kubernetes.io/managed-by"), what);
        assertTrue(COMPONENTS.contains(labels.get("app.kubernetes.io/component")), what + " component");
    }
}
