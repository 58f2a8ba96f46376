package org.cytolabel.registry.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import org.cytolabel.core.error.CytoLabelException;
import org.cytolabel.core.error.ErrorKind;
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

    private static final long OPEN_PATIENCE_MS = 30_000;

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
        int found = store.migrateWhenFree(file);
        LOG.info("registry metadata in SQLite {} (schema version {}, found {})", file, Schema.latest(), found);
        return store;
    }

    /**
     * Migrates, waiting out other openers: switching a new file to WAL takes an exclusive lock that
     * SQLite does not wait for (no busy handler), so several processes or threads opening the same
     * new file at once see SQLITE_BUSY; each tries again for up to {@value #OPEN_PATIENCE_MS} ms.
     */
    private int migrateWhenFree(Path file) {
        long deadline = System.nanoTime() + OPEN_PATIENCE_MS * 1_000_000L;
        for (int attempt = 1; ; attempt++) {
            try {
                return run(c -> Schema.migrate(c, Dialect.SQLITE, ""));
            } catch (CytoLabelException e) {
                if (e.kind() != ErrorKind.UNAVAILABLE || System.nanoTime() > deadline) {
                    throw e;
                }
                LOG.debug("SQLite file {} busy while opening (attempt {}); trying again", file, attempt);
                try {
                    Thread.sleep(ThreadLocalRandom.current().nextLong(10, 50L * Math.min(attempt, 10)));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
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
