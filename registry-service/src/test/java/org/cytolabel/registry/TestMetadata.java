package org.cytolabel.registry;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.cytolabel.registry.store.MetadataConfig;

/**
 * The metadata store a registry test runs against: {@code sqlite} (in the test's data directory)
 * or {@code postgres}, a fresh schema in the database that {@code CYTOLABEL_TEST_POSTGRES_URL},
 * {@code _USER} and {@code _PASSWORD} name ({@code source .ci/postgres.sh} starts one and sets
 * them). Without them the PostgreSQL variants are skipped. Closing drops the schema.
 */
public final class TestMetadata implements AutoCloseable {
    public static final String URL_ENV = "CYTOLABEL_TEST_POSTGRES_URL";
    public static final String USER_ENV = "CYTOLABEL_TEST_POSTGRES_USER";
    public static final String PASSWORD_ENV = "CYTOLABEL_TEST_POSTGRES_PASSWORD";
    public static final String SKIP_MESSAGE = URL_ENV + " is not set, so the PostgreSQL variant is skipped;"
            + " run `source .ci/postgres.sh` first to test against a real PostgreSQL";

    private final String kind;
    private final MetadataConfig config;
    private final String schema;

    private TestMetadata(String kind, MetadataConfig config, String schema) {
        this.kind = kind;
        this.config = config;
        this.schema = schema;
    }

    /** Whether the PostgreSQL test database is configured. */
    public static boolean postgresAvailable() {
        String url = System.getenv(URL_ENV);
        return url != null && !url.isBlank();
    }

    /** Skips the calling test (with a clear message) when there is no PostgreSQL to test against. */
    public static void assumePostgres() {
        assumeTrue(postgresAvailable(), SKIP_MESSAGE);
    }

    /** {@code kind} "sqlite" or "postgres" (skips the test when PostgreSQL is not configured). */
    public static TestMetadata of(String kind, String label) {
        return switch (kind) {
            case "sqlite" -> new TestMetadata(kind, MetadataConfig.sqlite(), null);
            case "postgres" -> postgres(label);
            default -> throw new IllegalArgumentException("store kind " + kind);
        };
    }

    /** A fresh, uniquely named schema (created by the store when it first opens). */
    public static TestMetadata postgres(String label) {
        assumePostgres();
        String safe = label.replaceAll("[^A-Za-z0-9]", "_");
        String schema = ("t_" + safe.substring(0, Math.min(safe.length(), 40)) + "_"
                + Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36)).toLowerCase(Locale.ROOT);
        String url = System.getenv(URL_ENV);
        url += (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        return new TestMetadata("postgres", MetadataConfig.postgres(url, env(USER_ENV), env(PASSWORD_ENV)), schema);
    }

    public String kind() {
        return kind;
    }

    public MetadataConfig config() {
        return config;
    }

    /** The PostgreSQL schema, or null for SQLite. */
    public String schema() {
        return schema;
    }

    @Override
    public void close() throws SQLException {
        if (schema == null) {
            return;
        }
        try (Connection c = DriverManager.getConnection(System.getenv(URL_ENV), env(USER_ENV), env(PASSWORD_ENV));
                Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    @Override
    public String toString() {
        return kind;
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null ? "" : v;
    }
}
