package org.cytolabel.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the chart promises about the three services, and accessors over their Deployments. */
final class Workloads {
    static final List<String> COMPONENTS = List.of("registry", "trainer", "inference");
    /** gRPC and metrics ports, as the services' mains and the README use them. */
    static final Map<String, Integer> GRPC_PORT = Map.of("registry", 50051, "trainer", 50052, "inference", 50053);
    static final Map<String, Integer> METRICS_PORT = Map.of("registry", 9090, "trainer", 9092, "inference", 9093);
    /** The longest server drain (GrpcServer default and the inference server): health NOT_SERVING, then 20 s. */
    static final int DRAIN_SECONDS = 20;
    static final String REGISTRY_TARGET = "cytolabel-registry.cytolabel.svc:50051";

    private Workloads() {
    }

    static String name(String component) {
        return Chart.RELEASE + "-" + component;
    }

    static Deployment deployment(Manifests m, String component) {
        return m.one(Deployment.class, name(component));
    }

    static Container container(Deployment d) {
        List<Container> cs = d.getSpec().getTemplate().getSpec().getContainers();
        assertEquals(1, cs.size(), d.getMetadata().getName() + " runs one container");
        return cs.get(0);
    }

    static Container container(Manifests m, String component) {
        return container(deployment(m, component));
    }

    /** {@code --k=v}, {@code --k v} and bare {@code --flag} (value "true"), as the three mains accept them. */
    static Map<String, String> flags(List<String> args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--")) {
                throw new AssertionError("stray argument " + a + " in " + args);
            }
            int eq = a.indexOf('=');
            if (eq > 0) {
                out.put(a.substring(2, eq), a.substring(eq + 1));
            } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                out.put(a.substring(2), args.get(++i));
            } else {
                out.put(a.substring(2), "true");
            }
        }
        return out;
    }

    static Map<String, EnvVar> env(Container c) {
        Map<String, EnvVar> out = new LinkedHashMap<>();
        for (EnvVar e : c.getEnv()) {
            if (out.put(e.getName(), e) != null) {
                throw new AssertionError("env " + e.getName() + " set twice in " + c.getName());
            }
        }
        return out;
    }

    static int port(Container c, String name) {
        return c.getPorts().stream().filter(p -> name.equals(p.getName())).map(ContainerPort::getContainerPort)
                .findFirst().orElseThrow(() -> new AssertionError(c.getName() + " has no port named " + name));
    }

    /** Seconds the preStop hook sleeps ({@code sleep N}), 0 when there is none. */
    static int preStopSleep(Container c) {
        if (c.getLifecycle() == null || c.getLifecycle().getPreStop() == null) {
            return 0;
        }
        List<String> cmd = c.getLifecycle().getPreStop().getExec().getCommand();
        assertEquals("sleep", cmd.get(0), "preStop is a sleep");
        return Integer.parseInt(cmd.get(1));
    }
}
