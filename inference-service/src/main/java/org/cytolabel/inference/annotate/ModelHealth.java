package org.cytolabel.inference.annotate;

/** Where per-model load state is reported (gRPC health service names are model references). */
@FunctionalInterface
public interface ModelHealth {
    /** {@code ref} ("name", "name@alias" or "name:version") is {@code serving} now, or not. */
    void set(String ref, boolean serving);

    static ModelHealth none() {
        return (ref, serving) -> { };
    }
}
