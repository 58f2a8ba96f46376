package org.cytolabel.cli.demo;

import io.grpc.ManagedChannel;
import java.nio.file.Path;
import org.cytolabel.inference.server.InferenceConfig;
import org.cytolabel.inference.server.InferenceServer;
import org.cytolabel.registry.server.RegistryConfig;
import org.cytolabel.registry.server.RegistryServer;
import org.cytolabel.service.Transport;
import org.cytolabel.trainer.server.TrainerConfig;
import org.cytolabel.trainer.server.TrainerServer;

/**
 * The three services in one JVM on loopback ports (free ports picked by the OS), talking to each
 * other over real gRPC sockets, with channels for a client. Closed in reverse order.
 */
public final class LocalCluster implements AutoCloseable {
    private static final String HOST = "127.0.0.1";
    private final RegistryServer registry;
    private final TrainerServer trainer;
    private final InferenceServer inference;
    private final ManagedChannel trainerChannel;
    private final ManagedChannel inferenceChannel;

    private LocalCluster(RegistryServer registry, TrainerServer trainer, InferenceServer inference) {
        this.registry = registry;
        this.trainer = trainer;
        this.inference = inference;
        this.trainerChannel = Transport.channel(HOST + ":" + trainer.port());
        this.inferenceChannel = Transport.channel(HOST + ":" + inference.port());
    }

    public static LocalCluster start(Path workDir) {
        RegistryServer registry = RegistryServer.start(new RegistryConfig(HOST, 0, workDir.resolve("registry"), -1));
        String registryTarget = HOST + ":" + registry.port();
        TrainerServer trainer = null;
        try {
            trainer = TrainerServer.start(new TrainerConfig(HOST, 0, registryTarget, workDir.resolve("trainer"), -1, 1,
                    8L << 30));
            InferenceServer inference = InferenceServer.start(new InferenceConfig(HOST, 0, registryTarget, -1, false,
                    Runtime.getRuntime().availableProcessors()));
            return new LocalCluster(registry, trainer, inference);
        } catch (RuntimeException e) {
            if (trainer != null) {
                trainer.close();
            }
            registry.close();
            throw e;
        }
    }

    public ManagedChannel trainerChannel() {
        return trainerChannel;
    }

    public ManagedChannel inferenceChannel() {
        return inferenceChannel;
    }

    public String registryTarget() {
        return HOST + ":" + registry.port();
    }

    public String trainerTarget() {
        return HOST + ":" + trainer.port();
    }

    public String inferenceTarget() {
        return HOST + ":" + inference.port();
    }

    @Override
    public void close() {
        Transport.close(trainerChannel);
        Transport.close(inferenceChannel);
        inference.close();
        trainer.close();
        registry.close();
    }
}
