package org.cytolabel.service.security;

import java.util.Locale;
import java.util.Optional;

/** What a bearer token may do: {@code read} calls, or {@code write} (mutating) calls, which implies read. */
public enum Role {
    READ,
    WRITE;

    /** Whether a token with this role may make a call that needs {@code needed}. */
    public boolean allows(Role needed) {
        return this == WRITE || needed == READ;
    }

    /** {@code read} or {@code write}, any case; empty for anything else. */
    static Optional<Role> parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "read" -> Optional.of(READ);
            case "write" -> Optional.of(WRITE);
            default -> Optional.empty();
        };
    }
}
