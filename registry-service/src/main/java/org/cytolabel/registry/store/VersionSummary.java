package org.cytolabel.registry.store;

import java.time.Instant;
import java.util.List;

/** One stored model version as listed: identity, artifact digest, a few card facts and its aliases. */
public record VersionSummary(String name, int version, String sha256, long sizeBytes, String modelKind,
        int labels, int genes, Instant createdAt, List<String> aliases) {

    public VersionSummary {
        aliases = List.copyOf(aliases);
    }
}
