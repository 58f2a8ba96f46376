package org.cytolabel.registry.domain;

import java.nio.ByteBuffer;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.registry.store.BlobWriter;

/**
 * A publish in progress (push style, for transports that deliver chunks): {@link #write} the bytes,
 * then {@link #commit}. Closing an upload that was not committed discards everything received.
 * Not thread-safe.
 */
public final class Upload implements AutoCloseable {
    private final ModelRegistry registry;
    private final ModelCard card;
    private final BlobWriter writer;

    Upload(ModelRegistry registry, ModelCard card, BlobWriter writer) {
        this.registry = registry;
        this.card = card;
        this.writer = writer;
    }

    /** The validated card (version not yet assigned). */
    public ModelCard card() {
        return card;
    }

    public long received() {
        return writer.written();
    }

    public void write(ByteBuffer bytes) {
        writer.write(bytes);
    }

    public void write(byte[] b, int off, int len) {
        writer.write(b, off, len);
    }

    /** Verifies hash and size, stores blob and metadata atomically, and returns the stored card. */
    public ModelCard commit() {
        try {
            writer.finish();
            return registry.commit(card, writer);
        } finally {
            writer.close();
        }
    }

    @Override
    public void close() {
        writer.close();
    }
}
