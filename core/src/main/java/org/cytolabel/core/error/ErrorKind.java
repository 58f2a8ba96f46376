package org.cytolabel.core.error;

/** What went wrong, in words every service maps to a transport status in one place. */
public enum ErrorKind {
    /** The caller sent something malformed or unusable; retrying the same input fails again. */
    INVALID_ARGUMENT,
    /** A named model, version, alias, dataset or job does not exist. */
    NOT_FOUND,
    /** The thing being created exists already. */
    ALREADY_EXISTS,
    /** The system is not in a state to do this (e.g. an optimistic alias move lost). */
    FAILED_PRECONDITION,
    /** Bytes do not match their declared hash or size; nothing was stored. */
    DATA_INTEGRITY,
    /** A size or capacity limit was hit. */
    RESOURCE_EXHAUSTED,
    /** The caller or the system cancelled the work. */
    CANCELLED,
    /** The caller did not prove who it is (no or unknown credentials). */
    UNAUTHENTICATED,
    /** The caller is known but may not do this (e.g. a read-only token on a write). */
    PERMISSION_DENIED,
    /** A dependency (another service) cannot be reached right now; retry later. */
    UNAVAILABLE,
    /** A bug or an unexpected failure on our side. */
    INTERNAL
}
