package com.canisterhost.database;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * The service's connection pool behind a circuit breaker: every database access gets its connection here. When a
 * connection cannot be had because PostgreSQL is unreachable, the breaker opens, and until it closes every request
 * for a connection fails at once with {@link DatabaseUnavailableException} instead of waiting out the pool's
 * connection timeout; a background probe tries for a connection every {@code probeInterval} and closes the breaker
 * when it gets a valid one. A pool that is merely exhausted (no connection free within the timeout while
 * PostgreSQL answers) fails that one request the same way but leaves the breaker closed.
 */
final class BreakerDataSource extends DelegatingDataSource implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BreakerDataSource.class);

    private static final String UNREACHABLE = "PostgreSQL is unreachable; nothing was applied, retry later";

    private final long probeIntervalMillis;
    private final ScheduledExecutorService prober;
    private volatile boolean open;
    private long openedAt;

    BreakerDataSource(DataSource pool, Duration probeInterval) {
        super(pool);
        this.probeIntervalMillis = Math.max(1, probeInterval.toMillis());
        this.prober = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "database-probe");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public Connection getConnection() throws SQLException {
        return connect(() -> super.getConnection());
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return connect(() -> super.getConnection(username, password));
    }

    private interface Connect {
        Connection get() throws SQLException;
    }

    private Connection connect(Connect pool) {
        if (open) {
            throw new DatabaseUnavailableException(UNREACHABLE);
        }
        try {
            return pool.get();
        } catch (SQLException e) {
            throw failed(e);
        }
    }

    /** Whether the breaker is closed: connections are asked of the pool. */
    boolean available() {
        return !open;
    }

    private DatabaseUnavailableException failed(SQLException e) {
        // the pool's timeout carries the last failure to connect as its cause; without one, PostgreSQL answers and
        // every connection was simply busy
        if (e instanceof SQLTransientConnectionException && e.getCause() == null) {
            return new DatabaseUnavailableException("no database connection became free in time; nothing was "
                    + "applied, retry later", e);
        }
        open(e);
        return new DatabaseUnavailableException(UNREACHABLE, e);
    }

    private synchronized void open(SQLException cause) {
        if (open) {
            return;
        }
        open = true;
        openedAt = System.nanoTime();
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        log.warn("PostgreSQL is unreachable ({}): failing database work at once, probing every {} ms", root.toString(),
                probeIntervalMillis);
        scheduleProbe();
    }

    private void scheduleProbe() {
        try {
            prober.schedule(this::probe, probeIntervalMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing: nobody needs connections any more
        }
    }

    private void probe() {
        try (Connection connection = getTargetDataSource().getConnection()) {
            if (connection.isValid(1)) {
                synchronized (this) {
                    open = false;
                    log.info("PostgreSQL is reachable again after {} ms", (System.nanoTime() - openedAt) / 1_000_000);
                }
                return;
            }
        } catch (SQLException | RuntimeException e) {
            // still unreachable
        }
        scheduleProbe();
    }

    /** Stops probing and closes the pool (the pool's own destroy method is no longer seen once it is wrapped). */
    @Override
    public void close() throws Exception {
        prober.shutdownNow();
        if (getTargetDataSource() instanceof AutoCloseable pool) {
            pool.close();
        }
    }
}
