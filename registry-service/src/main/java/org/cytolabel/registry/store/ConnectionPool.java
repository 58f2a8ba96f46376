package org.cytolabel.registry.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small bounded pool of database connections: at most {@code max} open at once, idle ones
 * reused (checked with {@link Connection#isValid} when they sat idle for a while), broken ones
 * closed. Callers {@link #borrow} and {@link #release} explicitly; the store does both in one place.
 */
final class ConnectionPool implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionPool.class);
    private static final long VALIDATE_AFTER_IDLE_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long BORROW_TIMEOUT_SECONDS = 30;

    /** Opens a new connection. */
    @FunctionalInterface
    interface Connector {
        Connection connect() throws SQLException;
    }

    private record Idle(Connection connection, long since) {
    }

    private final Connector connector;
    private final Semaphore permits;
    private final Deque<Idle> idle = new ArrayDeque<>();
    private final String where;
    private boolean closed;

    ConnectionPool(Connector connector, int max, String where) {
        if (max < 2) {
            throw new IllegalArgumentException("the pool needs at least 2 connections (one may hold a lock), got " + max);
        }
        this.connector = connector;
        this.permits = new Semaphore(max, true);
        this.where = where;
    }

    /** A connection in auto-commit mode; give it back with {@link #release}. */
    Connection borrow() throws SQLException {
        try {
            if (!permits.tryAcquire(BORROW_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new SQLTransientConnectionException("no connection to " + where + " became free within "
                        + BORROW_TIMEOUT_SECONDS + " s", "08001");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLTransientConnectionException("interrupted while waiting for a connection to " + where, "08001", e);
        }
        try {
            while (true) {
                Idle next = poll();
                if (next == null) {
                    return connector.connect();
                }
                if (System.nanoTime() - next.since() < VALIDATE_AFTER_IDLE_NANOS || next.connection().isValid(5)) {
                    return next.connection();
                }
                closeQuietly(next.connection());
            }
        } catch (SQLException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    /** Returns a borrowed connection; a broken one (or one left in a transaction that cannot end) is closed. */
    void release(Connection c, boolean broken) {
        try {
            boolean keep = !broken && !c.isClosed();
            if (keep && !c.getAutoCommit()) {
                c.rollback();
                c.setAutoCommit(true);
            }
            synchronized (this) {
                if (keep && !closed) {
                    idle.push(new Idle(c, System.nanoTime()));
                    return;
                }
            }
            closeQuietly(c);
        } catch (SQLException e) {
            closeQuietly(c);
        } finally {
            permits.release();
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            for (Idle i : idle) {
                closeQuietly(i.connection());
            }
            idle.clear();
        }
    }

    private synchronized Idle poll() throws SQLException {
        if (closed) {
            throw new SQLTransientConnectionException("the connection pool of " + where + " is closed", "08003");
        }
        return idle.poll();
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debug("closing a database connection failed: {}", e.toString());
        }
    }
}
