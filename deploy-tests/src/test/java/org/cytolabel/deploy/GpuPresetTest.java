package org.cytolabel.deploy;

import static org.cytolabel.deploy.Workloads.COMPONENTS;
import static org.cytolabel.deploy.Workloads.container;
import static org.cytolabel.deploy.Workloads.deployment;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** values-gpu.yaml puts inference, and only inference, on a GPU; the default render asks for none. */
class GpuPresetTest {
    private static final String GPU = "nvidia.com/gpu";

    @ParameterizedTest
    @EnumSource(value = Rendering.class, names = {"DEFAULT", "PLAIN"})
    void cpuRendersAskForNoGpu(Rendering r) {
        for (String component : COMPONENTS) {
            Container c = container(r.manifests(), component);
            assertFalse(c.getResources().getLimits().containsKey(GPU), component);
            assertFalse(c.getResources().getRequests().containsKey(GPU), component);
            assertFalse(Workloads.flags(c.getArgs()).containsKey("cuda"), component + " runs on CPU");
            assertTrue(deployment(r.manifests(), component).getSpec().getTemplate().getSpec().getNodeSelector()
                    .isEmpty(), component + " schedules anywhere");
        }
    }

    @Test
    void gpuPresetGivesInferenceOneGpuAndCuda() {
        Manifests m = Rendering.GPU.manifests();
        Container c = container(m, "inference");
        assertEquals(new Quantity("1"), c.getResources().getLimits().get(GPU), "one GPU per replica");
        assertEquals(c.getResources().getLimits(), c.getResources().getRequests(), "requests = limits with the GPU");
        assertEquals("true", Workloads.flags(c.getArgs()).get("cuda"), "--cuda");
        assertEquals("ghcr.io/cytolabel/cytolabel-inference:" + Chart.APP_VERSION + "-gpu", c.getImage());

        PodSpec pod = deployment(m, "inference").getSpec().getTemplate().getSpec();
        assertEquals(Map.of("nvidia.com/gpu.present", "true"), pod.getNodeSelector());
        Toleration t = pod.getTolerations().get(0);
        assertEquals(GPU, t.getKey());
        assertEquals("Exists", t.getOperator());
        assertEquals("NoSchedule", t.getEffect());

        for (String component : new String[] {"registry", "trainer"}) {
            Container other = container(m, component);
            assertFalse(other.getResources().getLimits().containsKey(GPU), component + " stays on CPU");
            assertTrue(other.getImage().endsWith(":" + Chart.APP_VERSION), component + " keeps the CPU image");
        }
    }
}
