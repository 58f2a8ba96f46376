package org.cytolabel.deploy;

import static org.cytolabel.deploy.Workloads.COMPONENTS;
import static org.cytolabel.deploy.Workloads.deployment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** RBAC for the trainer's Jobs only, no API tokens elsewhere, and ingress only to gRPC and metrics. */
class AccessTest {

    /** The labels the trainer's Kubernetes runner puts on Job pods (TrainingJobSpec). */
    static final Map<String, String> TRAINING_JOB_POD = Map.of("app.kubernetes.io/name", "cytolabel",
            "app.kubernetes.io/component", "training-job");

    @ParameterizedTest
    @EnumSource(Rendering.class)
    void rbacOnlyForTheTrainerAndOnlyWhenItRunsJobs(Rendering r) {
        Manifests m = r.manifests();
        assertTrue(m.ofType(ClusterRole.class).isEmpty() && m.ofType(ClusterRoleBinding.class).isEmpty(),
                "nothing cluster-wide");
        if (!r.jobs()) {
            assertTrue(m.ofType(Role.class).isEmpty() && m.ofType(RoleBinding.class).isEmpty(),
                    "the in-process runner needs no Kubernetes API");
            return;
        }
        List<Role> roles = m.ofType(Role.class);
        assertEquals(1, roles.size(), "one Role");
        assertEquals("cytolabel-trainer", roles.get(0).getMetadata().getName());
        Set<String> grants = new HashSet<>();
        for (PolicyRule rule : roles.get(0).getRules()) {
            assertTrue(rule.getResourceNames().isEmpty() && rule.getNonResourceURLs().isEmpty(), rule.toString());
            for (String group : rule.getApiGroups()) {
                for (String resource : rule.getResources()) {
                    for (String verb : rule.getVerbs()) {
                        grants.add(group + "/" + resource + ":" + verb);
                    }
                }
            }
        }
        assertEquals(Set.of("batch/jobs:create", "batch/jobs:get", "batch/jobs:list", "batch/jobs:watch",
                "batch/jobs:delete", "/pods:get", "/pods:list", "/pods:watch", "/pods/log:get", "/pods/log:list",
                "/pods/log:watch"), grants);

        List<RoleBinding> bindings = m.ofType(RoleBinding.class);
        assertEquals(1, bindings.size(), "one RoleBinding");
        RoleBinding b = bindings.get(0);
        assertEquals("Role", b.getRoleRef().getKind());
        assertEquals("cytolabel-trainer", b.getRoleRef().getName());
        assertEquals(List.of("ServiceAccount/cytolabel-trainer/cytolabel"),
                b.getSubjects().stream().map(x -> x.getKind() + "/" + x.getName() + "/" + x.getNamespace()).toList());
    }

    @ParameterizedTest
    @EnumSource(Rendering.class)
    void onlyTheJobRunningTrainerMountsAnApiToken(Rendering r) {
        Manifests m = r.manifests();
        Map<String, Boolean> expected = new java.util.HashMap<>(Map.of("cytolabel-registry", false,
                "cytolabel-trainer", r.jobs(), "cytolabel-inference", false));
        if (r.jobs()) {
            expected.put("cytolabel-training-job", false);
        }
        for (ServiceAccount sa : m.ofType(ServiceAccount.class)) {
            assertEquals(expected.get(sa.getMetadata().getName()), sa.getAutomountServiceAccountToken(),
                    sa.getMetadata().getName());
        }
        assertEquals(expected.keySet(), new HashSet<>(m.ofType(ServiceAccount.class).stream()
                .map(sa -> sa.getMetadata().getName()).toList()));
        for (String component : COMPONENTS) {
            var pod = deployment(m, component).getSpec().getTemplate().getSpec();
            assertEquals(Workloads.name(component), pod.getServiceAccountName(), component + " has its own account");
            assertEquals(r.jobs() && component.equals("trainer"), pod.getAutomountServiceAccountToken(), component);
        }
    }

    @ParameterizedTest
    @EnumSource(Rendering.class)
    void networkPoliciesAdmitOnlyGrpcAndMetrics(Rendering r) {
        Manifests m = r.manifests();
        assertEquals(3, m.ofType(NetworkPolicy.class).size());
        for (String component : COMPONENTS) {
            NetworkPolicy np = m.one(NetworkPolicy.class, Workloads.name(component));
            assertEquals(deployment(m, component).getSpec().getSelector().getMatchLabels(),
                    np.getSpec().getPodSelector().getMatchLabels(), component + " policy selects its pods");
            assertEquals(List.of("Ingress"), np.getSpec().getPolicyTypes());
            Set<String> ports = new HashSet<>();
            for (NetworkPolicyIngressRule rule : np.getSpec().getIngress()) {
                assertEquals(1, rule.getPorts().size(), component + ": one port per rule");
                NetworkPolicyPort p = rule.getPorts().get(0);
                assertEquals("TCP", p.getProtocol());
                ports.add(p.getPort().getStrVal());
                // Named ports resolve to the container's ports.
                Workloads.port(Workloads.container(m, component), p.getPort().getStrVal());
            }
            assertEquals(Set.of("grpc", "metrics"), ports, component + " admits gRPC and metrics only");
        }
        for (String component : List.of("trainer", "inference")) {
            NetworkPolicyIngressRule grpc = grpcRule(m.one(NetworkPolicy.class, Workloads.name(component)));
            assertTrue(grpc.getFrom().isEmpty(), component + ": clients may come from anywhere by default");
        }
        List<NetworkPolicyPeer> registryPeers = grpcRule(m.one(NetworkPolicy.class, "cytolabel-registry")).getFrom();
        List<Map<String, String>> selectors = registryPeers.stream()
                .map(p -> p.getPodSelector().getMatchLabels()).toList();
        List<Map<String, String>> expected = new java.util.ArrayList<>(List.of(
                deployment(m, "trainer").getSpec().getSelector().getMatchLabels(),
                deployment(m, "inference").getSpec().getSelector().getMatchLabels()));
        if (r.jobs()) {
            expected.add(TRAINING_JOB_POD);
        }
        expected.add(Map.of("cytolabel.org/registry-client", "true"));
        assertEquals(expected, selectors, "registry: trainer, inference, (training Jobs,) labelled registry clients");
        registryPeers.forEach(p -> assertNull(p.getNamespaceSelector(), "same namespace only"));
    }

    private static NetworkPolicyIngressRule grpcRule(NetworkPolicy np) {
        return np.getSpec().getIngress().stream()
                .filter(rule -> rule.getPorts().get(0).getPort().getStrVal().equals("grpc")).findFirst().orElseThrow();
    }
}
