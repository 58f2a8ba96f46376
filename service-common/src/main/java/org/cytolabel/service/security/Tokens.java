package org.cytolabel.service.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The bearer tokens a server accepts, each with its {@link Role}. Only SHA-256 hashes are kept, and
 * a lookup compares the presented token's hash with every entry in constant time
 * ({@link MessageDigest#isEqual}), so neither timing nor a heap dump gives a token away.
 *
 * <p>Text format (a mounted secret): one {@code <role> <token>} per line, role {@code read} or
 * {@code write}; blank lines and lines starting with {@code #} are ignored. Tokens are at least
 * {@value #MIN_TOKEN_CHARS} characters ({@code openssl rand -hex 32} makes a good one).
 */
public final class Tokens {
    static final int MIN_TOKEN_CHARS = 16;

    private record Entry(byte[] hash, Role role) {
    }

    private final List<Entry> entries;

    private Tokens(List<Entry> entries) {
        this.entries = entries;
    }

    /**
     * Parses the token file format; {@code source} names the file in messages.
     *
     * @throws IllegalArgumentException naming the line (never quoting a token) when a line is malformed
     */
    public static Tokens parse(String text, String source) {
        List<Entry> entries = new ArrayList<>();
        String[] lines = text.split("\\R", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = source + " line " + (i + 1);
            String[] fields = line.split("\\s+");
            if (fields.length != 2) {
                throw new IllegalArgumentException(where + ": expected '<role> <token>' (two fields), found "
                        + fields.length);
            }
            Role role = Role.parse(fields[0]).orElseThrow(() -> new IllegalArgumentException(
                    where + ": role must be 'read' or 'write'"));
            if (fields[1].length() < MIN_TOKEN_CHARS) {
                throw new IllegalArgumentException(where + ": token shorter than " + MIN_TOKEN_CHARS
                        + " characters; make one with 'openssl rand -hex 32'");
            }
            byte[] hash = sha256(fields[1]);
            for (Entry e : entries) {
                if (MessageDigest.isEqual(e.hash(), hash)) {
                    throw new IllegalArgumentException(where + ": the same token is listed twice");
                }
            }
            entries.add(new Entry(hash, role));
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException(source + " lists no tokens; add lines '<role> <token>' "
                    + "(role read or write)");
        }
        return new Tokens(List.copyOf(entries));
    }

    /** The role of {@code token}, or empty when it is not one of these tokens. */
    public Optional<Role> roleOf(String token) {
        byte[] hash = sha256(token);
        Role found = null;
        for (Entry e : entries) { // no early exit: the time taken does not depend on which entry matched
            if (MessageDigest.isEqual(e.hash(), hash)) {
                found = e.role();
            }
        }
        return Optional.ofNullable(found);
    }

    public int count(Role role) {
        return (int) entries.stream().filter(e -> e.role() == role).count();
    }

    @Override
    public String toString() {
        return "Tokens[" + count(Role.READ) + " read, " + count(Role.WRITE) + " write]";
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
