package org.cytolabel.inference.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cytolabel.inference.testing.Serving;
import org.cytolabel.registry.client.RegistryClient;
import org.cytolabel.service.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica told to preload a model is not ready (overall health and the model's own health
 * NOT_SERVING) until that model exists, is loaded and warmed; then both turn SERVING.
 */
class ReadinessTest {
    @TempDir
    Path registryDir;

    @Test
    void aReplicaIsReadyOnlyOnceItsDefaultModelsAreLoaded() throws Exception {
        try (Serving serving = Serving.start(registryDir)) {
            String target = "127.0.0.1:" + serving.registry.port();
            String ref = Serving.MODEL + "@default";
            InferenceConfig config = new InferenceConfig("127.0.0.1", 0, target, -1, false, 1).withPreload(List.of(ref));
            try (InferenceServer replica = InferenceServer.start(config)) {
                ManagedChannel channel = Transport.channel("127.0.0.1:" + replica.port());
                try {
                    Thread.sleep(300);
                    assertEquals(ServingStatus.NOT_SERVING, health(channel, ""), "no alias yet: not ready");
                    assertEquals(ServingStatus.NOT_SERVING, health(channel, ref));
                    assertEquals(ServingStatus.SERVING, health(channel, "liveness"), "alive while loading");
                    try (RegistryClient registry = RegistryClient.connect(target)) {
                        registry.setAlias(Serving.MODEL, "default", serving.published.getVersion(), 0);
                    }
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    while (health(channel, "") != ServingStatus.SERVING && System.nanoTime() < deadline) {
                        Thread.sleep(50);
                    }
                    assertEquals(ServingStatus.SERVING, health(channel, ""), "ready after the preload");
                    assertEquals(ServingStatus.SERVING, health(channel, ref), "the model's own health");
                    assertEquals(serving.published.getVersion(), replica.resolver().routedVersion(ref));
                } finally {
                    Transport.close(channel);
                }
            }
        }
    }

    static ServingStatus health(ManagedChannel channel, String service) {
        return HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.newBuilder().setService(service).build())
                .getStatus();
    }
}
