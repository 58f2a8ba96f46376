package org.cytolabel.registry.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
import org.postgresql.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MetadataStore} in PostgreSQL (plain JDBC, a small connection pool). Tables live in the
 * connection's current schema: {@code ?currentSchema=name} in the URL selects (and, when missing,
 * creates) one, so several registries or test runs can share a database.
 *
 * <p>Several registry processes may share one database and one blob volume. Migrations run under
 * a transaction-scoped advisory lock, and {@link #withBlobLock} holds a session advisory lock (per
 * schema) so that blob-file changes (commit of a publish, delete, startup garbage collection) are
 * ordered against the metadata across all of them; a process that dies loses its session and
 * with it the lock.
 */
public final class PostgresMetadataStore extends JdbcMetadataStore {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresMetadataStore.class);
    /** First key of the advisory locks ("cl" + 1 or 2); the second is the hash of the schema name. */
    private static final int MIGRATION_LOCK = 0x636c0001;
    private static final int BLOB_LOCK = 0x636c0002;
    private static final String SCHEMA_KEY = "hashtext(COALESCE(current_schema(), ''))";
    private static final Pattern SIMPLE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern SECRET_PARAM = Pattern.compile("(?i)(password|sslpassword)=[^&]*");
    public static final int DEFAULT_POOL_SIZE = 8;

    private final ConnectionPool pool;

    private PostgresMetadataStore(ConnectionPool pool, String where) {
        super(Dialect.POSTGRES, where);
        this.pool = pool;
    }

    /**
     * Connects to {@code jdbc:postgresql://host:port/db[?currentSchema=s&...]} as {@code user}
     * (empty: from the URL) with {@code password} (empty: none or from the URL), then creates the
     * schema when the URL names a missing one and migrates it.
     */
    public static PostgresMetadataStore open(String url, String user, String password) {
        String where = redact(url);
        Driver driver = new Driver();
        if (!driver.acceptsURL(url)) {
            throw CytoLabelException.invalid("the metadata URL must look like jdbc:postgresql://host:5432/database,"
                    + " got " + where);
        }
        Properties props = new Properties();
        props.setProperty("ApplicationName", "cytolabel-registry");
        props.setProperty("connectTimeout", "10");
        props.setProperty("socketTimeout", "120");
        props.setProperty("tcpKeepAlive", "true");
        if (!user.isEmpty()) {
            props.setProperty("user", user);
        }
        if (!password.isEmpty()) {
            props.setProperty("password", password);
        }
        ConnectionPool pool = new ConnectionPool(() -> {
            Connection c = driver.connect(url, props);
            if (c == null) {
                throw new SQLException("the PostgreSQL driver does not accept " + where, "08001");
            }
            return c;
        }, DEFAULT_POOL_SIZE, where);
        PostgresMetadataStore store = new PostgresMetadataStore(pool, where);
        try {
            String schema = store.run(c -> ensureSchema(c, url));
            int found = store.run(c -> Schema.migrate(c, Dialect.POSTGRES,
                    "SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK + ", " + SCHEMA_KEY + ")"));
            LOG.info("registry metadata in PostgreSQL {} schema {} (schema version {}, found {})", where, schema,
                    Schema.latest(), found);
            return store;
        } catch (RuntimeException e) {
            store.close();
            if (e instanceof CytoLabelException ce && ce.kind() == ErrorKind.UNAVAILABLE) {
                throw new CytoLabelException(ErrorKind.UNAVAILABLE, "cannot reach the registry database " + where
                        + (user.isEmpty() ? "" : " as " + user) + " (" + rootMessage(e) + "); check --metadata-url,"
                        + " that PostgreSQL is up and reachable, and the user and password", e);
            }
            throw new IllegalStateException("cannot open the registry database " + where
                    + (user.isEmpty() ? "" : " as " + user) + ": " + rootMessage(e)
                    + "; check --metadata-url, --metadata-user and the password (file)", e);
        }
    }

    /**
     * Runs {@code work} holding this schema's blob lock, shared by every registry process on the
     * database. Needs one pooled connection for the lock besides the ones {@code work} uses.
     */
    @Override
    public <T> T withBlobLock(Supplier<T> work) {
        Connection c;
        try {
            c = pool.borrow();
        } catch (SQLException e) {
            throw failure(e);
        }
        boolean locked = false;
        try {
            execute(c, "SELECT pg_advisory_lock(" + BLOB_LOCK + ", " + SCHEMA_KEY + ")");
            locked = true;
            return work.get();
        } catch (SQLException e) {
            throw failure(e);
        } finally {
            boolean broken = false;
            if (locked) {
                try {
                    execute(c, "SELECT pg_advisory_unlock(" + BLOB_LOCK + ", " + SCHEMA_KEY + ")");
                } catch (SQLException e) {
                    // closing the session releases the lock
                    broken = true;
                    LOG.warn("could not release the blob lock on {} (closing the connection): {}", where(), e.toString());
                }
            }
            pool.release(c, broken);
        }
    }

    @Override
    Connection connect() throws SQLException {
        return pool.borrow();
    }

    @Override
    void release(Connection c, boolean broken) {
        pool.release(c, broken);
    }

    @Override
    public void close() {
        pool.close();
    }

    /** Creates the schema {@code currentSchema} names when it is missing; returns the current schema. */
    private static String ensureSchema(Connection c, String url) throws SQLException {
        String current = c.getSchema();
        if (current != null) {
            return current;
        }
        Properties parsed = Driver.parseURL(url, null);
        String wanted = parsed == null ? null : parsed.getProperty("currentSchema");
        if (wanted == null || !SIMPLE_NAME.matcher(wanted.trim()).matches()) {
            throw new SQLException("the connection has no current schema (search_path " + searchPath(c)
                    + "); create the schema, or name one with ?currentSchema=name (lower-case letters, digits, _)"
                    + " in the metadata URL to have it created", "3F000");
        }
        String name = wanted.trim();
        // under the migration lock: two registries starting at once would otherwise race to create it
        c.setAutoCommit(false);
        try {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(" + MIGRATION_LOCK
                    + ", hashtext(?))")) {
                ps.setString(1, name);
                ps.executeQuery().close();
            }
            execute(c, "CREATE SCHEMA IF NOT EXISTS " + name);
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
        LOG.info("schema {} for the registry metadata is ready", name);
        return c.getSchema();
    }

    private static String searchPath(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SHOW search_path"); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : "";
        }
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** The URL with any password parameter masked, for messages and logs. */
    static String redact(String url) {
        return SECRET_PARAM.matcher(url).replaceAll("$1=***");
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
