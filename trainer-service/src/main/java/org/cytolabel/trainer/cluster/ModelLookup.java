package org.cytolabel.trainer.cluster;

import org.cytolabel.proto.model.v1.ModelCard;

/**
 * Reads a published model's card from the registry: {@code name:3}, {@code name@alias} or
 * {@code name} (latest). The trainer passes {@code ref -> registry.resolve(RegistryClient.parseRef(ref))}.
 */
@FunctionalInterface
public interface ModelLookup {
    ModelCard resolve(String ref);
}
