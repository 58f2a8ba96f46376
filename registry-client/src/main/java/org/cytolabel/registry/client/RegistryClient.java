package org.cytolabel.registry.client;

import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.proto.model.v1.ModelRef;
import org.cytolabel.proto.registry.v1.DeleteVersionRequest;
import org.cytolabel.proto.registry.v1.ListModelsRequest;
import org.cytolabel.proto.registry.v1.ModelEvent;
import org.cytolabel.proto.registry.v1.ModelRegistryGrpc;
import org.cytolabel.proto.registry.v1.ModelVersionSummary;
import org.cytolabel.proto.registry.v1.ResolveAliasRequest;
import org.cytolabel.proto.registry.v1.SetAliasRequest;
import org.cytolabel.proto.registry.v1.WatchModelsRequest;
import org.cytolabel.service.StatusMapping;
import org.cytolabel.service.Transport;

/**
 * Client of registry.v1.ModelRegistry. Failed calls throw {@link CytoLabelException} with the
 * server's message ({@link StatusMapping#fromStatus}); fetched bytes are verified against the card.
 */
public final class RegistryClient implements AutoCloseable {
    /** Bytes per upload and download chunk. */
    public static final int CHUNK_BYTES = 1 << 20;
    private static final long UNARY_TIMEOUT_SECONDS = 30;

    private final ManagedChannel owned;
    private final ModelRegistryGrpc.ModelRegistryBlockingStub blocking;
    private final ModelRegistryGrpc.ModelRegistryStub async;

    /** A client over {@code channel}, which the caller keeps owning (and closes). */
    public RegistryClient(Channel channel) {
        this(channel, null);
    }

    private RegistryClient(Channel channel, ManagedChannel owned) {
        this.owned = owned;
        this.blocking = ModelRegistryGrpc.newBlockingStub(channel);
        this.async = ModelRegistryGrpc.newStub(channel);
    }

    /** A client with its own channel to {@code target} ({@code host:port} or {@code dns:///name:port}). */
    public static RegistryClient connect(String target) {
        ManagedChannel channel = Transport.channel(target);
        return new RegistryClient(channel, channel);
    }

    /** Parses {@code name}, {@code name@alias} or {@code name:3}. */
    public static ModelRef parseRef(String text) {
        return ModelRefs.parse(text);
    }

    /** The card with {@code sha256} and {@code size_bytes} set from {@code onnx}. */
    public static ModelCard withDigest(ModelCard card, byte[] onnx) {
        return card.toBuilder().setSha256(Digests.sha256Hex(onnx)).setSizeBytes(onnx.length).build();
    }

    /**
     * Publishes {@code onnx} under the card (whose sha256 and size_bytes must describe exactly these
     * bytes: see {@link #withDigest}); returns the stored card with its assigned version.
     */
    public ModelCard publish(ModelCard card, byte[] onnx) {
        if (card.getSha256().isEmpty() || card.getSizeBytes() <= 0) {
            throw CytoLabelException.invalid("the card has no sha256 or size_bytes; call"
                    + " RegistryClient.withDigest(card, onnx) before publishing");
        }
        return new Uploader(async).publish(card, onnx, CHUNK_BYTES);
    }

    /** The card and bytes a reference names; DATA_INTEGRITY when the bytes do not match the card. */
    public FetchedModel fetch(ModelRef ref) {
        ByteArrayOutputStream[] buffer = new ByteArrayOutputStream[1];
        ModelCard card = new Downloader(blocking).download(ref, CHUNK_BYTES, c -> {
            if (c.getSizeBytes() > Integer.MAX_VALUE - 16) {
                throw new CytoLabelException(ErrorKind.RESOURCE_EXHAUSTED, ModelRefs.format(ref) + " is "
                        + c.getSizeBytes() + " bytes, too large to fetch into memory; use fetchTo(ref, path)");
            }
            buffer[0] = new ByteArrayOutputStream((int) c.getSizeBytes());
            return buffer[0];
        });
        return new FetchedModel(card, buffer[0].toByteArray());
    }

    /**
     * Downloads the model into {@code file} (replaced atomically, only once the bytes are verified)
     * and returns its card.
     */
    public ModelCard fetchTo(ModelRef ref, Path file) {
        Path dir = file.toAbsolutePath().getParent();
        Path temp;
        try {
            Files.createDirectories(dir);
            temp = Files.createTempFile(dir, file.getFileName().toString(), ".part");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a download file in " + dir, e);
        }
        try {
            ModelCard card = new Downloader(blocking).download(ref, CHUNK_BYTES, c -> Files.newOutputStream(temp));
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return card;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the model to " + file, e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // best effort: a leftover .part file is harmless
            }
        }
    }

    /** The card a reference names (exact version, alias, or latest), with its aliases. */
    public ModelCard resolve(ModelRef ref) {
        return unary(() -> unaryStub().resolveAlias(ResolveAliasRequest.newBuilder().setRef(ref).build()).getCard());
    }

    /**
     * Points {@code alias} at {@code version}; {@code expectedVersion} &gt; 0: only if it points there
     * now, -1: only if it does not exist, 0: no check. Returns the previous version (0 if new).
     */
    public int setAlias(String name, String alias, int version, int expectedVersion) {
        return unary(() -> unaryStub().setAlias(SetAliasRequest.newBuilder().setName(name).setAlias(alias)
                .setVersion(version).setExpectedVersion(expectedVersion).build()).getPreviousVersion());
    }

    /** Versions of {@code name}, or of all models when it is empty. */
    public List<ModelVersionSummary> list(String name) {
        return unary(() -> unaryStub().listModels(ListModelsRequest.newBuilder().setName(name).build())
                .getVersionsList());
    }

    /** Deletes a version; returns the aliases that pointed at it and were removed. */
    public List<String> deleteVersion(String name, int version) {
        return unary(() -> unaryStub().deleteVersion(DeleteVersionRequest.newBuilder().setName(name)
                .setVersion(version).build()).getRemovedAliasesList());
    }

    /**
     * Follows changes of {@code name} (all models when empty). {@code onEvent} runs on a gRPC thread,
     * one event at a time; {@code onError} gets a {@link CytoLabelException} when the stream fails or
     * the server ends it. Close the result to stop watching (no error is reported then).
     */
    public AutoCloseable watch(String name, boolean initialState, Consumer<ModelEvent> onEvent,
            Consumer<Throwable> onError) {
        return Watch.start(async, WatchModelsRequest.newBuilder().setName(name).setSendInitialState(initialState)
                .build(), onEvent, onError);
    }

    @Override
    public void close() {
        if (owned != null) {
            Transport.close(owned);
        }
    }

    private ModelRegistryGrpc.ModelRegistryBlockingStub unaryStub() {
        return blocking.withDeadlineAfter(UNARY_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    private static <T> T unary(Supplier<T> call) {
        try {
            return call.get();
        } catch (StatusRuntimeException e) {
            throw StatusMapping.fromStatus(e);
        }
    }
}
