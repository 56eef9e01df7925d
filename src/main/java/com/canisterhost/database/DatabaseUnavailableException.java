package com.canisterhost.database;

import java.sql.SQLException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/**
 * No connection to PostgreSQL could be had: the database is unreachable (the breaker is open, or connecting failed)
 * or no pooled connection became free in time. It is thrown by {@code DataSource.getConnection()}, before any
 * statement is sent, so whatever request met it applied nothing and may be retried as it is (503, {@code
 * Retry-After}). Callers that wrap it (a transaction manager that could not begin) keep it as a cause; {@link
 * DatabaseFailures#notApplied} finds it there.
 */
public class DatabaseUnavailableException extends CannotGetJdbcConnectionException {

    DatabaseUnavailableException(String message) {
        super(message);
    }

    DatabaseUnavailableException(String message, SQLException cause) {
        super(message, cause);
    }
}
