package org.cytolabel.registry.store;

import java.util.List;

/** What a version delete removed: the artifact hash it referenced and the aliases that pointed at it. */
public record DeletedVersion(String name, int version, String sha256, List<String> removedAliases) {

    public DeletedVersion {
        removedAliases = List.copyOf(removedAliases);
    }
}
