package org.cytolabel.registry.store;

import java.sql.SQLException;
import java.util.Map;

/**
 * What differs between the SQL databases the metadata store runs on: column types in the schema,
 * row-lock clauses, and which failures are worth retrying. Everything else is shared SQL.
 */
enum Dialect {
    /**
     * SQLite: every write transaction starts with BEGIN IMMEDIATE (the connection's transaction
     * mode), so writers are serialised by the database lock and need no row locks.
     */
    SQLITE(Map.of("{key}", "TEXT", "{int64}", "INTEGER", "{bytes}", "BLOB"), "", ""),

    /**
     * PostgreSQL at READ COMMITTED: writes lock the rows they depend on ({@code FOR UPDATE},
     * {@code FOR KEY SHARE}) and optimistic checks are conditional statements whose row counts
     * decide; deadlocks and serialization failures roll back and are retried. Keys collate as
     * "C" so listings sort like SQLite's (bytewise), whatever the database locale.
     */
    POSTGRES(Map.of("{key}", "TEXT COLLATE \"C\"", "{int64}", "BIGINT", "{bytes}", "BYTEA"),
            " FOR UPDATE", " FOR KEY SHARE");

    private static final int SQLITE_BUSY = 5;
    private static final int SQLITE_LOCKED = 6;

    private final Map<String, String> types;
    private final String forUpdate;
    private final String forKeyShare;

    Dialect(Map<String, String> types, String forUpdate, String forKeyShare) {
        this.types = types;
        this.forUpdate = forUpdate;
        this.forKeyShare = forKeyShare;
    }

    /** Replaces the type placeholders of a migration ({key}, {int64}, {bytes}) with this database's types. */
    String render(String sql) {
        String out = sql;
        for (Map.Entry<String, String> t : types.entrySet()) {
            out = out.replace(t.getKey(), t.getValue());
        }
        return out;
    }

    /** Suffix of a SELECT that is followed by a change of the rows read. */
    String forUpdate() {
        return forUpdate;
    }

    /** Suffix of a SELECT of a row that must not be deleted (or its key changed) before commit. */
    String forKeyShare() {
        return forKeyShare;
    }

    /** A failure after which the transaction was rolled back by the database and may simply run again. */
    boolean retriable(SQLException e) {
        return switch (this) {
            case SQLITE -> false; // the busy timeout already waited
            case POSTGRES -> "40001".equals(e.getSQLState()) || "40P01".equals(e.getSQLState());
        };
    }

    /** A failure that says the database is busy or out of reach right now, not that the request is wrong. */
    boolean unavailable(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return switch (this) {
            case SQLITE -> (e.getErrorCode() & 0xff) == SQLITE_BUSY || (e.getErrorCode() & 0xff) == SQLITE_LOCKED;
            case POSTGRES -> state.startsWith("08") || state.startsWith("57P") || state.equals("53300")
                    || state.equals("40001") || state.equals("40P01") || state.equals("55P03");
        };
    }
}
