package org.cytolabel.registry.client;

import org.cytolabel.proto.model.v1.ModelCard;

/** A model fetched from the registry: its card and ONNX bytes, whose sha256 and size were verified. */
public record FetchedModel(ModelCard card, byte[] onnx) {
}
