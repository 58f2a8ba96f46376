package org.cytolabel.registry.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata schema as numbered migrations. {@code schema_version} records which have run;
 * each pending migration runs in its own transaction. Append new migrations, never edit old ones.
 */
final class Schema {
    private static final Logger LOG = LoggerFactory.getLogger(Schema.class);

    static final List<List<String>> MIGRATIONS = List.of(
            // 1: versions, aliases and the per-name version counter
            List.of("""
                    CREATE TABLE model_names (
                      name TEXT PRIMARY KEY,
                      next_version INTEGER NOT NULL
                    )""", """
                    CREATE TABLE versions (
                      name TEXT NOT NULL,
                      version INTEGER NOT NULL,
                      sha256 TEXT NOT NULL,
                      size_bytes INTEGER NOT NULL,
                      model_kind TEXT NOT NULL,
                      labels INTEGER NOT NULL,
                      genes INTEGER NOT NULL,
                      card BLOB NOT NULL,
                      created_at TEXT NOT NULL,
                      PRIMARY KEY (name, version)
                    )""",
                    "CREATE INDEX versions_sha256 ON versions (sha256)", """
                    CREATE TABLE aliases (
                      name TEXT NOT NULL,
                      alias TEXT NOT NULL,
                      version INTEGER NOT NULL,
                      updated_at TEXT NOT NULL,
                      PRIMARY KEY (name, alias),
                      FOREIGN KEY (name, version) REFERENCES versions (name, version) ON DELETE CASCADE
                    )"""));

    private Schema() {
    }

    static int latest() {
        return MIGRATIONS.size();
    }

    /** Brings the database up to the latest schema; returns the version it found. */
    static int migrate(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL)");
        }
        int found = current(c);
        if (found > latest()) {
            throw new IllegalStateException("the registry database has schema version " + found
                    + " but this server knows only up to " + latest() + "; run a newer registry-service");
        }
        for (int v = found + 1; v <= latest(); v++) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                for (String sql : MIGRATIONS.get(v - 1)) {
                    st.execute(sql);
                }
                st.execute("INSERT INTO schema_version (version, applied_at) VALUES (" + v
                        + ", strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))");
                c.commit();
                LOG.info("registry database migrated to schema version {}", v);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
        return found;
    }

    static int current(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }
}
