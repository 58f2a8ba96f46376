package org.cytolabel.registry.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata schema as numbered migrations, one list for every database: the statements use
 * placeholders for the few types that differ ({key}, {int64}, {bytes}; see {@link Dialect}).
 * {@code schema_version} records which have run; each pending migration runs in its own
 * transaction, which first takes the database's schema lock so that two registries starting at
 * once on one database migrate it once. Append new migrations, never edit old ones.
 */
final class Schema {
    private static final Logger LOG = LoggerFactory.getLogger(Schema.class);

    static final List<List<String>> MIGRATIONS = List.of(
            // 1: versions, aliases and the per-name version counter
            List.of("""
                    CREATE TABLE model_names (
                      name {key} PRIMARY KEY,
                      next_version INTEGER NOT NULL
                    )""", """
                    CREATE TABLE versions (
                      name {key} NOT NULL,
                      version INTEGER NOT NULL,
                      sha256 TEXT NOT NULL,
                      size_bytes {int64} NOT NULL,
                      model_kind TEXT NOT NULL,
                      labels INTEGER NOT NULL,
                      genes INTEGER NOT NULL,
                      card {bytes} NOT NULL,
                      created_at TEXT NOT NULL,
                      PRIMARY KEY (name, version)
                    )""",
                    "CREATE INDEX versions_sha256 ON versions (sha256)", """
                    CREATE TABLE aliases (
                      name {key} NOT NULL,
                      alias {key} NOT NULL,
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

    /**
     * Brings the database up to the latest schema; returns the version it found. {@code lockSql}
     * (may be empty) runs first in every migration transaction and must block until no other
     * process migrates the same schema.
     */
    static int migrate(Connection c, Dialect dialect, String lockSql) throws SQLException {
        int found = -1;
        while (true) {
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                if (!lockSql.isEmpty()) {
                    st.execute(lockSql);
                }
                st.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, applied_at TEXT NOT NULL)");
                int current = current(c);
                if (found < 0) {
                    found = current;
                }
                if (current > latest()) {
                    throw new IllegalStateException("the registry database has schema version " + current
                            + " but this server knows only up to " + latest() + "; run a newer registry-service");
                }
                if (current == latest()) {
                    c.commit();
                    return found;
                }
                int v = current + 1;
                for (String sql : MIGRATIONS.get(v - 1)) {
                    st.execute(dialect.render(sql));
                }
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO schema_version (version, applied_at) VALUES (?, ?)")) {
                    ps.setInt(1, v);
                    ps.setString(2, Instant.now().toString());
                    ps.executeUpdate();
                }
                c.commit();
                LOG.info("registry database migrated to schema version {}", v);
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    static int current(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
            return rs.next() ? rs.getInt(1) : 0;
        }
    }
}
