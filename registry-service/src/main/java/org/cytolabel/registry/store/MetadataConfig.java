package org.cytolabel.registry.store;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cytolabel.core.error.CytoLabelException;

/**
 * Where the registry keeps versions, cards and aliases: SQLite in the data directory (an empty
 * {@code url}, the default) or PostgreSQL ({@code jdbc:postgresql://host:5432/db}, optionally
 * {@code ?currentSchema=name}). The password comes from {@code passwordFile} (a mounted secret; read
 * when the store opens, trailing line breaks dropped) when set, else from {@code password}.
 * {@link #toString} never shows the password.
 *
 * @param url          empty for SQLite, else a PostgreSQL JDBC URL
 * @param user         database user; empty: from the URL
 * @param passwordFile file holding the password, or null
 * @param password     the password when there is no file; empty: none
 */
public record MetadataConfig(String url, String user, Path passwordFile, String password) {
    /** The name of the SQLite file in the data directory. */
    public static final String SQLITE_FILE = "registry.db";
    private static final MetadataConfig SQLITE = new MetadataConfig("", "", null, "");

    public MetadataConfig {
        url = url == null ? "" : url.trim();
        user = user == null ? "" : user;
        password = password == null ? "" : password;
        if (!url.isEmpty() && !url.startsWith("jdbc:postgresql:")) {
            throw CytoLabelException.invalid("the metadata URL must be a PostgreSQL JDBC URL such as"
                    + " jdbc:postgresql://db:5432/cytolabel, got '" + PostgresMetadataStore.redact(url)
                    + "'; leave it unset to keep the metadata in SQLite in the data directory");
        }
    }

    /** SQLite in the data directory. */
    public static MetadataConfig sqlite() {
        return SQLITE;
    }

    /** PostgreSQL at {@code url}. */
    public static MetadataConfig postgres(String url, String user, String password) {
        if (url == null || url.isBlank()) {
            throw CytoLabelException.invalid("a PostgreSQL metadata store needs a URL such as"
                    + " jdbc:postgresql://db:5432/cytolabel");
        }
        return new MetadataConfig(url, user, null, password);
    }

    public boolean isSqlite() {
        return url.isEmpty();
    }

    /** Opens (creating and migrating as needed) the store this configuration names. */
    public MetadataStore open(Path dataDir) {
        if (isSqlite()) {
            return SqliteMetadataStore.open(dataDir.resolve(SQLITE_FILE));
        }
        return PostgresMetadataStore.open(url, user, resolvePassword());
    }

    /** Where the metadata lives, for logs (no password). */
    public String describe(Path dataDir) {
        return isSqlite() ? "SQLite " + dataDir.resolve(SQLITE_FILE) : "PostgreSQL " + PostgresMetadataStore.redact(url);
    }

    private String resolvePassword() {
        if (passwordFile == null) {
            return password;
        }
        try {
            String s = Files.readString(passwordFile, StandardCharsets.UTF_8);
            int end = s.length();
            while (end > 0 && (s.charAt(end - 1) == '\n' || s.charAt(end - 1) == '\r')) {
                end--;
            }
            return s.substring(0, end);
        } catch (IOException e) {
            throw CytoLabelException.invalid("cannot read the metadata password file " + passwordFile + " ("
                    + e + "); mount the secret there or pass CYTOLABEL_METADATA_PASSWORD", e);
        }
    }

    @Override
    public String toString() {
        return "MetadataConfig[url=" + PostgresMetadataStore.redact(url) + ", user=" + user + ", passwordFile="
                + passwordFile + ", password=" + (password.isEmpty() ? "" : "***") + "]";
    }
}
