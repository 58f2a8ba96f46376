package org.cytolabel.registry.store;

import com.google.protobuf.InvalidProtocolBufferException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.proto.model.v1.ModelCard;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/** {@link MetadataStore} in one SQLite file (WAL journal), a connection per operation. */
public final class SqliteMetadataStore implements MetadataStore {
    private static final int SQLITE_BUSY = 5;

    private final SQLiteDataSource ds;
    private final String where;

    private SqliteMetadataStore(SQLiteDataSource ds, String where) {
        this.ds = ds;
        this.where = where;
    }

    /** Opens (creating and migrating as needed) the database file. */
    public static SqliteMetadataStore open(Path file) {
        SQLiteConfig cfg = new SQLiteConfig();
        cfg.setJournalMode(SQLiteConfig.JournalMode.WAL);
        cfg.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        cfg.setBusyTimeout(10_000);
        cfg.enforceForeignKeys(true);
        cfg.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
        SQLiteDataSource ds = new SQLiteDataSource(cfg);
        ds.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
        SqliteMetadataStore store = new SqliteMetadataStore(ds, file.toString());
        store.run(c -> Schema.migrate(c));
        return store;
    }

    /** The database's journal mode ("wal"). */
    public String journalMode() {
        return run(c -> {
            try (PreparedStatement ps = c.prepareStatement("PRAGMA journal_mode"); ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "";
            }
        });
    }

    /** The schema version of the open database. */
    public int schemaVersion() {
        return run(Schema::current);
    }

    @Override
    public ModelCard insert(ModelCard card, Instant createdAt) {
        return transaction(c -> {
            String name = card.getName();
            update(c, "INSERT INTO model_names (name, next_version) VALUES (?, 1) ON CONFLICT (name) DO NOTHING", name);
            int version = queryInt(c, "SELECT next_version FROM model_names WHERE name = ?", name).orElseThrow();
            update(c, "UPDATE model_names SET next_version = next_version + 1 WHERE name = ?", name);
            ModelCard stored = card.toBuilder().setVersion(version).clearAliases().build();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO versions (name, version, sha256, size_bytes,"
                    + " model_kind, labels, genes, card, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, name);
                ps.setInt(2, version);
                ps.setString(3, stored.getSha256());
                ps.setLong(4, stored.getSizeBytes());
                ps.setString(5, stored.getModelKind());
                ps.setInt(6, stored.getLabelsCount());
                ps.setInt(7, stored.getGenePanel().getSymbolsCount());
                ps.setBytes(8, stored.toByteArray());
                ps.setString(9, createdAt.toString());
                ps.executeUpdate();
            }
            return stored;
        });
    }

    @Override
    public Optional<ModelCard> card(String name, int version) {
        return run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT card FROM versions WHERE name = ? AND version = ?")) {
                ps.setString(1, name);
                ps.setInt(2, version);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(parse(rs.getBytes(1), name, version)) : Optional.empty();
                }
            }
        });
    }

    @Override
    public OptionalInt latest(String name) {
        return run(c -> queryInt(c, "SELECT MAX(version) FROM versions WHERE name = ?", name));
    }

    @Override
    public OptionalInt aliasTarget(String name, String alias) {
        return run(c -> queryInt(c, "SELECT version FROM aliases WHERE name = ? AND alias = ?", name, alias));
    }

    @Override
    public List<VersionSummary> versions(String nameOrEmpty) {
        return run(c -> {
            Map<String, List<String>> aliasesByVersion = new LinkedHashMap<>();
            for (AliasRow a : aliases(c, nameOrEmpty)) {
                aliasesByVersion.computeIfAbsent(a.name() + ":" + a.version(), k -> new ArrayList<>()).add(a.alias());
            }
            String sql = "SELECT name, version, sha256, size_bytes, model_kind, labels, genes, created_at FROM versions"
                    + (nameOrEmpty.isEmpty() ? "" : " WHERE name = ?") + " ORDER BY name, version";
            List<VersionSummary> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                if (!nameOrEmpty.isEmpty()) {
                    ps.setString(1, nameOrEmpty);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String n = rs.getString(1);
                        int v = rs.getInt(2);
                        out.add(new VersionSummary(n, v, rs.getString(3), rs.getLong(4), rs.getString(5), rs.getInt(6),
                                rs.getInt(7), Instant.parse(rs.getString(8)),
                                aliasesByVersion.getOrDefault(n + ":" + v, List.of())));
                    }
                }
            }
            return out;
        });
    }

    @Override
    public List<AliasRow> aliases(String nameOrEmpty) {
        return run(c -> aliases(c, nameOrEmpty));
    }

    @Override
    public List<String> names() {
        return run(c -> {
            List<String> out = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT name FROM versions ORDER BY name");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    @Override
    public int moveAlias(String name, String alias, int version, int expectedVersion) {
        return transaction(c -> {
            if (queryInt(c, "SELECT version FROM versions WHERE name = ? AND version = ?", name, version).isEmpty()) {
                throw CytoLabelException.notFound("cannot point alias '" + alias + "' at " + name + ":" + version
                        + " because that version does not exist; " + describe(c, name));
            }
            OptionalInt current = queryInt(c, "SELECT version FROM aliases WHERE name = ? AND alias = ?", name, alias);
            String now = Instant.now().toString();
            if (expectedVersion == -1 && current.isPresent()) {
                throw CytoLabelException.precondition("alias " + name + "@" + alias + " already exists (points at version "
                        + current.getAsInt() + "); pass expected_version " + current.getAsInt() + " to move it");
            }
            if (expectedVersion > 0 && (current.isEmpty() || current.getAsInt() != expectedVersion)) {
                throw CytoLabelException.precondition("alias " + name + "@" + alias + " points at "
                        + (current.isEmpty() ? "nothing (it does not exist)" : "version " + current.getAsInt())
                        + ", not the expected version " + expectedVersion
                        + "; someone else moved it: re-read it and retry with the current version");
            }
            update(c, "INSERT INTO aliases (name, alias, version, updated_at) VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at",
                    name, alias, version, now);
            return current.orElse(0);
        });
    }

    @Override
    public DeletedVersion delete(String name, int version) {
        return transaction(c -> {
            String sha;
            try (PreparedStatement ps = c.prepareStatement("SELECT sha256 FROM versions WHERE name = ? AND version = ?")) {
                ps.setString(1, name);
                ps.setInt(2, version);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw CytoLabelException.notFound("cannot delete " + name + ":" + version
                                + " because it does not exist; " + describe(c, name));
                    }
                    sha = rs.getString(1);
                }
            }
            List<String> removed = new ArrayList<>();
            for (AliasRow a : aliases(c, name)) {
                if (a.version() == version) {
                    removed.add(a.alias());
                }
            }
            update(c, "DELETE FROM aliases WHERE name = ? AND version = ?", name, version);
            update(c, "DELETE FROM versions WHERE name = ? AND version = ?", name, version);
            return new DeletedVersion(name, version, sha, removed);
        });
    }

    @Override
    public boolean references(String sha256) {
        return run(c -> queryInt(c, "SELECT 1 FROM versions WHERE sha256 = ? LIMIT 1", sha256).isPresent());
    }

    @Override
    public Set<String> referencedBlobs() {
        return run(c -> {
            Set<String> out = new HashSet<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT sha256 FROM versions");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        });
    }

    @Override
    public String describe(String name) {
        return run(c -> describe(c, name));
    }

    @Override
    public void close() {
        // connections are per operation; nothing held open
    }

    private String describe(Connection c, String name) throws SQLException {
        List<String> versions = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT version FROM versions WHERE name = ? ORDER BY version")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    versions.add(Integer.toString(rs.getInt(1)));
                }
            }
        }
        if (versions.isEmpty()) {
            List<String> names = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT name FROM versions ORDER BY name LIMIT 50");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return "there is no model named '" + name + "'; "
                    + (names.isEmpty() ? "the registry is empty" : "models: " + String.join(", ", names));
        }
        List<String> aliases = new ArrayList<>();
        for (AliasRow a : aliases(c, name)) {
            aliases.add(a.alias() + " -> " + a.version());
        }
        return "versions of '" + name + "': " + String.join(", ", versions) + "; aliases: "
                + (aliases.isEmpty() ? "none" : String.join(", ", aliases));
    }

    private static List<AliasRow> aliases(Connection c, String nameOrEmpty) throws SQLException {
        String sql = "SELECT name, alias, version FROM aliases" + (nameOrEmpty.isEmpty() ? "" : " WHERE name = ?")
                + " ORDER BY name, alias";
        List<AliasRow> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (!nameOrEmpty.isEmpty()) {
                ps.setString(1, nameOrEmpty);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new AliasRow(rs.getString(1), rs.getString(2), rs.getInt(3)));
                }
            }
        }
        return out;
    }

    private static ModelCard parse(byte[] bytes, String name, int version) {
        try {
            return ModelCard.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new CytoLabelException(ErrorKind.DATA_INTEGRITY, "the stored card of " + name + ":" + version
                    + " cannot be parsed; delete the version and publish it again", e);
        }
    }

    private static OptionalInt queryInt(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = bind(c.prepareStatement(sql), args); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return OptionalInt.empty();
            }
            int v = rs.getInt(1);
            return rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(v);
        }
    }

    private static void update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = bind(c.prepareStatement(sql), args)) {
            ps.executeUpdate();
        }
    }

    private static PreparedStatement bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
        return ps;
    }

    @FunctionalInterface
    private interface SqlWork<T> {
        T apply(Connection c) throws SQLException;
    }

    private <T> T run(SqlWork<T> work) {
        try (Connection c = ds.getConnection()) {
            return work.apply(c);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private <T> T transaction(SqlWork<T> work) {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.apply(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private RuntimeException failure(SQLException e) {
        if ((e.getErrorCode() & 0xff) == SQLITE_BUSY) {
            return new CytoLabelException(ErrorKind.UNAVAILABLE, "the registry database is busy; retry in a moment", e);
        }
        return new IllegalStateException("registry database " + where + " failed: " + e.getMessage(), e);
    }
}
