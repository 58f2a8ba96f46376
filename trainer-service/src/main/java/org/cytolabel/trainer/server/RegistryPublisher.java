package org.cytolabel.trainer.server;

import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.registry.client.RegistryClient;
import org.cytolabel.trainer.pipeline.ModelPublisher;

/** Publishes finished models to the registry service over gRPC. */
final class RegistryPublisher implements ModelPublisher {
    private final RegistryClient registry;

    RegistryPublisher(RegistryClient registry) {
        this.registry = registry;
    }

    @Override
    public ModelCard publish(ModelCard card, byte[] onnx) {
        return registry.publish(RegistryClient.withDigest(card, onnx), onnx);
    }

    @Override
    public int setAlias(String name, String alias, int version) {
        return registry.setAlias(name, alias, version, 0);
    }
}
