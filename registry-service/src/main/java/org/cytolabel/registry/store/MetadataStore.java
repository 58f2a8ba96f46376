package org.cytolabel.registry.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;
import org.cytolabel.proto.model.v1.ModelCard;

/**
 * Versions, cards and aliases. Every mutation runs in one transaction; errors a caller can hit
 * (unknown version, lost optimistic alias move) are {@link org.cytolabel.core.error.CytoLabelException}s.
 */
public interface MetadataStore extends AutoCloseable {

    /**
     * Stores a new version of {@code card.getName()} and returns the card as stored, with the next
     * version number of that name assigned (1, 2, 3, ...; numbers of deleted versions are not reused).
     */
    ModelCard insert(ModelCard card, Instant createdAt);

    /** The stored card (without aliases), if that version exists. */
    Optional<ModelCard> card(String name, int version);

    /** The highest existing version of a model. */
    OptionalInt latest(String name);

    OptionalInt aliasTarget(String name, String alias);

    /** Versions of one model, or of all models when {@code nameOrEmpty} is empty; by name, then version. */
    List<VersionSummary> versions(String nameOrEmpty);

    /** Aliases of one model, or of all models when {@code nameOrEmpty} is empty; by name, then alias. */
    List<AliasRow> aliases(String nameOrEmpty);

    /** Names with at least one version, sorted. */
    List<String> names();

    /**
     * Points {@code alias} at {@code version} if the optimistic check holds: {@code expectedVersion}
     * &gt; 0 must equal the current target, -1 requires that the alias does not exist, 0 skips the
     * check. Returns the previous target (0 when the alias is new).
     */
    int moveAlias(String name, String alias, int version, int expectedVersion);

    /** Deletes a version and the aliases that point at it. */
    DeletedVersion delete(String name, int version);

    /**
     * For error messages: the versions and aliases of {@code name}, or the known model names when
     * there is no such model.
     */
    String describe(String name);

    /** Whether any version references the artifact with this sha256. */
    boolean references(String sha256);

    /** The sha256 of every artifact some version references. */
    Set<String> referencedBlobs();

    /**
     * Runs {@code work} holding the lock that orders changes to blob files (moving a published
     * artifact into place, deleting one, collecting orphans) against the metadata that references
     * them, across every registry process that shares this store. The default runs {@code work}
     * directly: enough for a store only one process uses (SQLite in its data directory), where the
     * registry's own lock orders them.
     */
    default <T> T withBlobLock(Supplier<T> work) {
        return work.get();
    }

    @Override
    void close();
}
