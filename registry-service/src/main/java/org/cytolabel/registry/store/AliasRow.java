package org.cytolabel.registry.store;

/** An alias of a model and the version it points at. */
public record AliasRow(String name, String alias, int version) {
}
