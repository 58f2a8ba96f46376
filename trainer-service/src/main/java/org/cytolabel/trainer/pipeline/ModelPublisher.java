package org.cytolabel.trainer.pipeline;

import org.cytolabel.proto.model.v1.ModelCard;

/** Where finished models go: the registry, in production. */
public interface ModelPublisher {
    /** Stores the artifact; returns the stored card with its version. */
    ModelCard publish(ModelCard card, byte[] onnx);

    /** Points {@code name@alias} at {@code version}; returns the previous version or 0. */
    int setAlias(String name, String alias, int version);
}
