package org.cytolabel.registry.domain;

import java.time.Instant;

/**
 * A change in the registry. {@code sequence} increases by one per live event; replayed initial
 * state carries the sequence current at the snapshot. ALIAS_MOVED with {@code version == 0} means
 * the alias was removed (its version was deleted).
 */
public record RegistryEvent(Kind kind, String name, int version, String alias, int previousVersion, long sequence,
        Instant at) {

    public enum Kind {
        PUBLISHED,
        ALIAS_MOVED,
        DELETED,
        /** End of the initial state replay of a watch. */
        SYNCED
    }

    public RegistryEvent {
        alias = alias == null ? "" : alias;
    }
}
