package org.cytolabel.inference.testing;

import io.grpc.ManagedChannel;
import java.nio.file.Path;
import org.cytolabel.inference.server.InferenceConfig;
import org.cytolabel.inference.server.InferenceServer;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.registry.client.RegistryClient;
import org.cytolabel.registry.server.RegistryConfig;
import org.cytolabel.registry.server.RegistryServer;
import org.cytolabel.service.Transport;

/**
 * A real registry (temp dir) and inference server on 127.0.0.1 with ephemeral ports, the PBMC
 * centroid model published as {@value #MODEL}, and a channel to the inference server.
 */
public final class Serving implements AutoCloseable {
    public static final String MODEL = "pbmc-centroid";

    public final RegistryServer registry;
    public final InferenceServer inference;
    public final ManagedChannel channel;
    public final ModelCard published;
    public final PbmcCentroidModel pbmc;

    private Serving(RegistryServer registry, InferenceServer inference, ManagedChannel channel, ModelCard published,
            PbmcCentroidModel pbmc) {
        this.registry = registry;
        this.inference = inference;
        this.channel = channel;
        this.published = published;
        this.pbmc = pbmc;
    }

    public static Serving start(Path dataDir) {
        return start(dataDir, c -> c);
    }

    /** As {@link #start(Path)}, with the inference configuration changed by {@code tweak}. */
    public static Serving start(Path dataDir, java.util.function.UnaryOperator<InferenceConfig> tweak) {
        PbmcCentroidModel pbmc = PbmcCentroidModel.get();
        RegistryServer registry = RegistryServer.start(new RegistryConfig("127.0.0.1", 0, dataDir, -1));
        String target = "127.0.0.1:" + registry.port();
        ModelCard published;
        try (RegistryClient client = RegistryClient.connect(target)) {
            published = client.publish(RegistryClient.withDigest(pbmc.card(MODEL), pbmc.onnx), pbmc.onnx);
        }
        InferenceServer inference = InferenceServer.start(tweak.apply(new InferenceConfig("127.0.0.1", 0, target, 0, false, 1)));
        return new Serving(registry, inference, Transport.channel("127.0.0.1:" + inference.port()), published, pbmc);
    }

    public AnnotateClient client() {
        return new AnnotateClient(channel);
    }

    @Override
    public void close() {
        Transport.close(channel);
        inference.close();
        registry.close();
    }
}
