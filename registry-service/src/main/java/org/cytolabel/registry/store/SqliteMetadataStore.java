package org.cytolabel.registry.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * {@link MetadataStore} in one SQLite file (WAL journal), a connection per operation. Write
 * transactions begin with BEGIN IMMEDIATE, so two writers (threads or processes) never interleave
 * inside a transaction; a writer that cannot get the lock within the busy timeout gets UNAVAILABLE.
 */
public final class SqliteMetadataStore extends JdbcMetadataStore {
    private static final Logger LOG = LoggerFactory.getLogger(SqliteMetadataStore.class);

    private final SQLiteDataSource ds;

    private SqliteMetadataStore(SQLiteDataSource ds, String where) {
        super(Dialect.SQLITE, where);
        this.ds = ds;
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
        int found = store.run(c -> Schema.migrate(c, Dialect.SQLITE, ""));
        LOG.info("registry metadata in SQLite {} (schema version {}, found {})", file, Schema.latest(), found);
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

    @Override
    Connection connect() throws SQLException {
        return ds.getConnection();
    }

    @Override
    void release(Connection c, boolean broken) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debug("closing a SQLite connection failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        // connections are per operation; nothing held open
    }
}
