package org.cytolabel.registry.domain;

import com.google.protobuf.Timestamp;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.proto.model.v1.ModelCard;
import org.cytolabel.proto.model.v1.ModelRef;
import org.cytolabel.registry.domain.RegistryEvent.Kind;
import org.cytolabel.registry.store.AliasRow;
import org.cytolabel.registry.store.BlobStore;
import org.cytolabel.registry.store.BlobWriter;
import org.cytolabel.registry.store.DeletedVersion;
import org.cytolabel.registry.store.MetadataConfig;
import org.cytolabel.registry.store.MetadataStore;
import org.cytolabel.registry.store.VersionSummary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model registry: validated cards and checksummed artifacts, versions, aliases and change
 * events. Mutations (commit of a publish, alias moves, deletes) are serialised by one lock, so
 * events go out in commit order. Blob-file changes additionally run under the metadata store's
 * blob lock ({@link MetadataStore#withBlobLock}), so that a blob is never deleted while a publish
 * commits it, also when several registry processes share one PostgreSQL store and blob volume.
 *
 * <p>A publish is atomic: the verified upload is moved into place first, then its version is
 * recorded in one transaction. A crash between the two leaves a blob no version references;
 * it is invisible (every read goes through the metadata) and removed at the next start.
 */
public final class ModelRegistry implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelRegistry.class);

    /**
     * Test hook for crash tests, never set in production: milliseconds to sleep after a published
     * blob was moved into place and before its version is recorded, so that a test can kill the
     * process exactly at the commit point. Unset or 0: no pause and no effect at all.
     */
    public static final String COMMIT_PAUSE_PROPERTY = "cytolabel.registry.test.commitPauseMillis";
    private static final long COMMIT_PAUSE_MILLIS = Long.getLong(COMMIT_PAUSE_PROPERTY, 0L);

    private final BlobStore blobs;
    private final MetadataStore meta;
    private final ModelEvents events;
    private final Clock clock;
    private final ReentrantLock writes = new ReentrantLock();

    /** Takes ownership of the stores; removes upload leftovers and orphan blobs. */
    public ModelRegistry(BlobStore blobs, MetadataStore meta, ModelEvents events, Clock clock) {
        this.blobs = blobs;
        this.meta = meta;
        this.events = events;
        this.clock = clock;
        if (COMMIT_PAUSE_MILLIS > 0) {
            LOG.warn("test hook {}={}: every publish pauses between storing the blob and recording the version",
                    COMMIT_PAUSE_PROPERTY, COMMIT_PAUSE_MILLIS);
        }
        blobs.removeTempFiles();
        meta.withBlobLock(() -> blobs.collectGarbage(meta.referencedBlobs()));
    }

    /** A registry over {@code dataDir} (created if needed): blobs, {@code registry.db}, upload temp files. */
    public static ModelRegistry open(Path dataDir) {
        return open(dataDir, MetadataConfig.sqlite());
    }

    /** A registry with its blobs (and upload temp files) in {@code dataDir}, its metadata where {@code metadata} says. */
    public static ModelRegistry open(Path dataDir, MetadataConfig metadata) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the registry data directory " + dataDir, e);
        }
        BlobStore blobs = new BlobStore(dataDir);
        MetadataStore meta = metadata.open(dataDir);
        try {
            return new ModelRegistry(blobs, meta, new ModelEvents(ModelEvents.DEFAULT_QUEUE_CAPACITY), Clock.systemUTC());
        } catch (RuntimeException e) {
            meta.close();
            throw e;
        }
    }

    public ModelEvents events() {
        return events;
    }

    /** Publishes {@code onnx} under the card's name; returns the stored card with its version. */
    public ModelCard publish(ModelCard card, InputStream onnx) {
        try (Upload upload = beginPublish(card)) {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = onnx.read(buf)) >= 0) {
                upload.write(buf, 0, n);
            }
            return upload.commit();
        } catch (IOException e) {
            throw new UncheckedIOException("reading the artifact failed; nothing was stored", e);
        }
    }

    /** Validates the card and opens an upload for its bytes. */
    public Upload beginPublish(ModelCard card) {
        ModelCard valid = CardValidator.validate(card);
        return new Upload(this, valid, blobs.writer(valid.getSha256(), valid.getSizeBytes()));
    }

    /** Moves a verified upload into place and records the version, both or neither. */
    ModelCard commit(ModelCard card, BlobWriter verified) {
        Instant now = clock.instant();
        ModelCard toStore = card.hasCreatedAt() ? card : card.toBuilder().setCreatedAt(timestamp(now)).build();
        writes.lock();
        try {
            ModelCard stored = meta.withBlobLock(() -> {
                boolean created = blobs.commit(verified);
                pauseAtCommitPoint();
                ModelCard inserted;
                try {
                    inserted = meta.insert(toStore, now);
                } catch (RuntimeException e) {
                    if (created) {
                        discardUnrecorded(toStore.getSha256(), e);
                    }
                    throw e;
                }
                try {
                    blobs.writeCardJson(inserted);
                } catch (RuntimeException e) {
                    LOG.warn("could not write the card JSON of {}:{} (the database copy is authoritative): {}",
                            inserted.getName(), inserted.getVersion(), e.toString());
                }
                return inserted;
            });
            events.publish(Kind.PUBLISHED, stored.getName(), stored.getVersion(), "", 0);
            LOG.info("published {}:{} ({} bytes, sha256 {})", stored.getName(), stored.getVersion(),
                    stored.getSizeBytes(), stored.getSha256());
            return stored;
        } finally {
            writes.unlock();
        }
    }

    /** The card a reference names (exact version, alias, or latest), with its current aliases. */
    public ModelCard resolve(ModelRef ref) {
        String name = ref.getName();
        CardValidator.requireName(name);
        int version = switch (ref.getSelectorCase()) {
            case VERSION -> {
                CardValidator.requireVersion(ref.getVersion());
                yield ref.getVersion();
            }
            case ALIAS -> meta.aliasTarget(name, ref.getAlias()).orElseThrow(() -> CytoLabelException.notFound(
                    "model " + name + " has no alias '" + ref.getAlias() + "'; " + meta.describe(name)));
            case SELECTOR_NOT_SET -> meta.latest(name).orElseThrow(() -> CytoLabelException.notFound(
                    meta.describe(name) + "; publish a model first"));
        };
        ModelCard card = meta.card(name, version).orElseThrow(() -> CytoLabelException.notFound(
                "model " + name + " has no version " + version + "; " + meta.describe(name)));
        List<String> aliases = new ArrayList<>();
        for (AliasRow a : meta.aliases(name)) {
            if (a.version() == version) {
                aliases.add(a.alias());
            }
        }
        return card.toBuilder().clearAliases().addAllAliases(aliases).build();
    }

    /** The resolved card and a verifying stream of its bytes; close the result. */
    public OpenedModel open(ModelRef ref) {
        ModelCard card = resolve(ref);
        try {
            return new OpenedModel(card, blobs.open(card.getSha256(), card.getSizeBytes()));
        } catch (CytoLabelException e) {
            if (meta.card(card.getName(), card.getVersion()).isEmpty()) {
                throw CytoLabelException.notFound(card.getName() + ":" + card.getVersion()
                        + " was deleted while being opened; " + meta.describe(card.getName()));
            }
            throw e;
        }
    }

    /** Versions of one model, or of all models when {@code nameOrEmpty} is empty. */
    public List<VersionSummary> list(String nameOrEmpty) {
        if (!nameOrEmpty.isEmpty()) {
            CardValidator.requireName(nameOrEmpty);
        }
        return meta.versions(nameOrEmpty);
    }

    /**
     * Points {@code alias} at {@code version}. {@code expectedVersion}: &gt; 0 the alias must point
     * there now, -1 it must not exist, 0 no check; a failed check is FAILED_PRECONDITION.
     * Returns the previous version (0 when the alias is new).
     */
    public int setAlias(String name, String alias, int version, int expectedVersion) {
        CardValidator.requireName(name);
        CardValidator.requireAlias(alias);
        CardValidator.requireVersion(version);
        if (expectedVersion < -1) {
            throw CytoLabelException.invalid("expected_version must be -1 (alias must not exist), 0 (no check)"
                    + " or the version the alias points at now, got " + expectedVersion);
        }
        writes.lock();
        try {
            int previous = meta.moveAlias(name, alias, version, expectedVersion);
            if (previous != version) {
                events.publish(Kind.ALIAS_MOVED, name, version, alias, previous);
            }
            return previous;
        } finally {
            writes.unlock();
        }
    }

    /** Deletes a version and the aliases pointing at it; returns those aliases. */
    public List<String> deleteVersion(String name, int version) {
        CardValidator.requireName(name);
        CardValidator.requireVersion(version);
        writes.lock();
        try {
            DeletedVersion d = meta.withBlobLock(() -> {
                DeletedVersion deleted = meta.delete(name, version);
                if (!meta.references(deleted.sha256())) {
                    blobs.delete(deleted.sha256());
                }
                return deleted;
            });
            for (String alias : d.removedAliases()) {
                events.publish(Kind.ALIAS_MOVED, name, 0, alias, version);
            }
            events.publish(Kind.DELETED, name, version, "", 0);
            LOG.info("deleted {}:{} (aliases removed: {})", name, version, d.removedAliases());
            return d.removedAliases();
        } finally {
            writes.unlock();
        }
    }

    /**
     * Subscribes to changes of {@code name} (all models when empty). With {@code initialState},
     * first one PUBLISHED per version and one ALIAS_MOVED per alias, then SYNCED, then live events,
     * with nothing missed or repeated in between.
     */
    public ModelEvents.Subscription watch(String name, boolean initialState, ModelEvents.Listener listener) {
        if (!name.isEmpty()) {
            CardValidator.requireName(name);
        }
        writes.lock();
        try {
            List<RegistryEvent> initial = new ArrayList<>();
            if (initialState) {
                long seq = events.sequence();
                for (VersionSummary v : meta.versions(name)) {
                    initial.add(new RegistryEvent(Kind.PUBLISHED, v.name(), v.version(), "", 0, seq, v.createdAt()));
                }
                Instant now = clock.instant();
                for (AliasRow a : meta.aliases(name)) {
                    initial.add(new RegistryEvent(Kind.ALIAS_MOVED, a.name(), a.version(), a.alias(), 0, seq, now));
                }
                initial.add(new RegistryEvent(Kind.SYNCED, name, 0, "", 0, seq, now));
            }
            return events.subscribe(name, initial, listener);
        } finally {
            writes.unlock();
        }
    }

    /** Ends all watches (UNAVAILABLE) and releases the stores. */
    @Override
    public void close() {
        events.close();
        meta.close();
    }

    /**
     * After a failed metadata insert: deletes the blob this publish created, but only when the
     * store confirms that no version references it (a lost connection can hide a commit that
     * happened). When even that cannot be checked the blob stays; the next start collects it if
     * it is an orphan.
     */
    private void discardUnrecorded(String sha256, RuntimeException failure) {
        try {
            if (!meta.references(sha256)) {
                blobs.delete(sha256);
            }
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
            LOG.warn("kept blob {} after a failed publish (whether it was recorded is unknown; the next start"
                    + " removes it if no version references it): {}", sha256, e.toString());
        }
    }

    private static void pauseAtCommitPoint() {
        if (COMMIT_PAUSE_MILLIS <= 0) {
            return;
        }
        LOG.warn("test hook: pausing {} ms at the commit point", COMMIT_PAUSE_MILLIS);
        try {
            Thread.sleep(COMMIT_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Timestamp timestamp(Instant t) {
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }
}
