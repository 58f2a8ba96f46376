package org.cytolabel.registry.domain;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.cytolabel.proto.model.v1.ModelCard;

/**
 * A resolved card and a stream of its ONNX bytes. The stream verifies size and sha256 and throws a
 * DATA_INTEGRITY error at its end when the stored bytes were altered. Close it when done.
 */
public record OpenedModel(ModelCard card, InputStream bytes) implements AutoCloseable {

    @Override
    public void close() {
        try {
            bytes.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
