package org.cytolabel.registry.store;

import com.google.protobuf.InvalidProtocolBufferException;
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
import java.util.concurrent.ThreadLocalRandom;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.cytolabel.proto.model.v1.ModelCard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link MetadataStore} in SQL shared by SQLite and PostgreSQL. Every mutation is one
 * transaction whose correctness does not depend on any lock in this process:
 * <ul>
 *   <li>version numbers come from one upsert of the per-name counter ({@code model_names}), which
 *       only grows, so numbers are never handed out twice nor reused after a delete;</li>
 *   <li>an optimistic alias move is a conditional statement ({@code INSERT ... ON CONFLICT DO
 *       NOTHING} when the alias must not exist, {@code UPDATE ... WHERE version = expected} when it
 *       must point somewhere) whose row count decides: of two moves from the same expected version
 *       exactly one changes a row, the other gets FAILED_PRECONDITION;</li>
 *   <li>rows a transaction depends on are locked in one order (version row, then aliases) with the
 *       dialect's lock clauses; failures the database rolled back (deadlock, serialization) are
 *       retried a few times.</li>
 * </ul>
 */
public abstract sealed class JdbcMetadataStore implements MetadataStore
        permits SqliteMetadataStore, PostgresMetadataStore {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcMetadataStore.class);
    private static final int MAX_ATTEMPTS = 5;

    private final Dialect dialect;
    private final String where;

    JdbcMetadataStore(Dialect dialect, String where) {
        this.dialect = dialect;
        this.where = where;
    }

    /** A connection in auto-commit mode. */
    abstract Connection connect() throws SQLException;

    /** Gives back a connection from {@link #connect}; {@code broken} when it failed at the connection level. */
    abstract void release(Connection c, boolean broken);

    /** The schema version of the open database. */
    public int schemaVersion() {
        return run(Schema::current);
    }

    @Override
    public ModelCard insert(ModelCard card, Instant createdAt) {
        return transaction(c -> {
            String name = card.getName();
            // the counter holds the next number to hand out; the upsert takes it and moves it on
            int version = queryInt(c, "INSERT INTO model_names (name, next_version) VALUES (?, 2)"
                    + " ON CONFLICT (name) DO UPDATE SET next_version = model_names.next_version + 1"
                    + " RETURNING next_version - 1", name).orElseThrow();
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
            // the target must exist and stay until commit (a concurrent delete of it waits for us)
            if (queryInt(c, "SELECT version FROM versions WHERE name = ? AND version = ?" + dialect.forKeyShare(),
                    name, version).isEmpty()) {
                throw CytoLabelException.notFound("cannot point alias '" + alias + "' at " + name + ":" + version
                        + " because that version does not exist; " + describe(c, name));
            }
            String now = Instant.now().toString();
            if (expectedVersion == -1) {
                int created = update(c, "INSERT INTO aliases (name, alias, version, updated_at) VALUES (?, ?, ?, ?)"
                        + " ON CONFLICT (name, alias) DO NOTHING", name, alias, version, now);
                if (created == 0) {
                    OptionalInt current = queryInt(c, "SELECT version FROM aliases WHERE name = ? AND alias = ?",
                            name, alias);
                    String at = current.isPresent() ? Integer.toString(current.getAsInt()) : "?";
                    throw CytoLabelException.precondition("alias " + name + "@" + alias + " already exists (points at"
                            + " version " + at + "); pass expected_version " + at + " to move it");
                }
                return 0;
            }
            if (expectedVersion > 0) {
                int moved = update(c, "UPDATE aliases SET version = ?, updated_at = ? WHERE name = ? AND alias = ?"
                        + " AND version = ?", version, now, name, alias, expectedVersion);
                if (moved == 0) {
                    OptionalInt current = queryInt(c, "SELECT version FROM aliases WHERE name = ? AND alias = ?",
                            name, alias);
                    throw CytoLabelException.precondition("alias " + name + "@" + alias + " points at "
                            + (current.isEmpty() ? "nothing (it does not exist)" : "version " + current.getAsInt())
                            + ", not the expected version " + expectedVersion
                            + "; someone else moved it: re-read it and retry with the current version");
                }
                return expectedVersion;
            }
            OptionalInt current = queryInt(c, "SELECT version FROM aliases WHERE name = ? AND alias = ?"
                    + dialect.forUpdate(), name, alias);
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
            try (PreparedStatement ps = c.prepareStatement("SELECT sha256 FROM versions WHERE name = ? AND version = ?"
                    + dialect.forUpdate())) {
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

    static OptionalInt queryInt(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = bind(c.prepareStatement(sql), args); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return OptionalInt.empty();
            }
            int v = rs.getInt(1);
            return rs.wasNull() ? OptionalInt.empty() : OptionalInt.of(v);
        }
    }

    static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = bind(c.prepareStatement(sql), args)) {
            return ps.executeUpdate();
        }
    }

    private static PreparedStatement bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
        return ps;
    }

    @FunctionalInterface
    interface SqlWork<T> {
        T apply(Connection c) throws SQLException;
    }

    /** Runs {@code work} in auto-commit mode. */
    <T> T run(SqlWork<T> work) {
        Connection c = acquire();
        boolean broken = false;
        try {
            return work.apply(c);
        } catch (SQLException e) {
            broken = connectionLost(e);
            throw failure(e);
        } finally {
            release(c, broken);
        }
    }

    /**
     * Runs {@code work} in one transaction: committed when it returns, rolled back when it throws.
     * Runs it again (up to {@value #MAX_ATTEMPTS} times, with a short random back-off) when the
     * database rolled it back for a deadlock or serialization failure; never after a failed commit
     * whose outcome is unknown.
     */
    <T> T transaction(SqlWork<T> work) {
        for (int attempt = 1; ; attempt++) {
            SQLException retry;
            Connection c = acquire();
            boolean broken = false;
            try {
                c.setAutoCommit(false);
                T result;
                try {
                    result = work.apply(c);
                } catch (SQLException | RuntimeException e) {
                    rollback(c, e);
                    throw e;
                }
                c.commit();
                return result;
            } catch (SQLException e) {
                broken = connectionLost(e);
                if (!dialect.retriable(e) || attempt == MAX_ATTEMPTS) {
                    throw failure(e);
                }
                retry = e;
            } finally {
                release(c, broken);
            }
            LOG.debug("retrying a transaction on {} (attempt {}): {}", where, attempt + 1, retry.toString());
            sleep(ThreadLocalRandom.current().nextLong(5, 20L << attempt));
        }
    }

    private Connection acquire() {
        try {
            return connect();
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private static void rollback(Connection c, Exception cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    private static boolean connectionLost(SQLException e) {
        return e.getSQLState() != null && e.getSQLState().startsWith("08");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CytoLabelException(ErrorKind.UNAVAILABLE, "interrupted while retrying a registry database write", e);
        }
    }

    RuntimeException failure(SQLException e) {
        if (dialect.unavailable(e)) {
            LOG.warn("registry database {} is busy or unreachable: {}", where, e.toString());
            return new CytoLabelException(ErrorKind.UNAVAILABLE, "the registry database is busy or unreachable;"
                    + " retry in a moment (the operators have the details in the log)", e);
        }
        return new IllegalStateException("registry database " + where + " failed: " + e.getMessage(), e);
    }

    String where() {
        return where;
    }
}
