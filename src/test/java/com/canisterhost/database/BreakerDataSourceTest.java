package com.canisterhost.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.canisterhost.support.TcpProxy;
import com.canisterhost.support.TestDatabase;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.transaction.CannotCreateTransactionException;

/** The breaker on a real pool to a real PostgreSQL, made unreachable by a proxy. */
class BreakerDataSourceTest {

    private TestDatabase.Database database;
    private TcpProxy proxy;
    private BreakerDataSource breaker;

    private void open(int size) throws Exception {
        database = TestDatabase.create();
        proxy = TcpProxy.forJdbcUrl(database.url());
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(proxy.proxied(database.url()));
        pool.setUsername(database.username());
        pool.setPassword(database.password());
        pool.setMaximumPoolSize(size);
        pool.setConnectionTimeout(500);
        pool.setValidationTimeout(250);
        breaker = new BreakerDataSource(pool, Duration.ofMillis(100));
    }

    @AfterEach
    void close() throws Exception {
        if (breaker != null) {
            breaker.close();
            proxy.close();
        }
    }

    @Test
    void failsAtOnceWhileUnreachableAndClosesAgainByItself() throws Exception {
        open(2);
        assertThat(selectOne()).isEqualTo(1);
        proxy.down();
        Thread.sleep(600); // past the pool's window in which it hands out a connection without checking it

        assertThatThrownBy(this::selectOne).isInstanceOf(DatabaseUnavailableException.class)
                .hasMessageContaining("unreachable");
        assertThat(breaker.available()).isFalse();
        long started = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            assertThatThrownBy(this::selectOne).isInstanceOf(DatabaseUnavailableException.class);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - started))
                .as("20 requests while open, each refused without waiting for the pool's 500 ms timeout")
                .isLessThan(Duration.ofSeconds(2));

        proxy.up();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!breaker.available() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(breaker.available()).as("closed by the probe, with no request asking").isTrue();
        assertThat(selectOne()).isEqualTo(1);
    }

    @Test
    void anExhaustedPoolFailsTheRequestButLeavesTheBreakerClosed() throws Exception {
        open(1);
        try (Connection held = breaker.getConnection()) {
            assertThatThrownBy(breaker::getConnection).isInstanceOf(DatabaseUnavailableException.class)
                    .hasMessageContaining("no database connection became free");
            assertThat(breaker.available()).isTrue();
        }
        assertThat(selectOne()).isEqualTo(1);
    }

    @Test
    void failuresAreToldApart() {
        DatabaseUnavailableException unavailable = new DatabaseUnavailableException("down");
        assertThat(DatabaseFailures.notApplied(unavailable)).isTrue();
        assertThat(DatabaseFailures.notApplied(new CannotCreateTransactionException("begin", unavailable))).isTrue();
        assertThat(DatabaseFailures.unreachable(unavailable)).isTrue();

        PSQLException lost = new PSQLException("An I/O error occurred", PSQLState.CONNECTION_FAILURE);
        assertThat(DatabaseFailures.notApplied(lost)).as("sent, outcome unknown").isFalse();
        assertThat(DatabaseFailures.unreachable(new RuntimeException(lost))).isTrue();
        assertThat(DatabaseFailures.unreachable(new SQLException("shutting down", "57P01"))).isTrue();

        SQLException duplicate = new SQLException("duplicate key", "23505");
        assertThat(DatabaseFailures.unreachable(new DataIntegrityViolationException("dup", duplicate))).isFalse();
        assertThat(DatabaseFailures.notApplied(duplicate)).isFalse();
    }

    private int selectOne() throws SQLException {
        try (Connection connection = breaker.getConnection(); Statement statement = connection.createStatement();
                var rows = statement.executeQuery("SELECT 1")) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
