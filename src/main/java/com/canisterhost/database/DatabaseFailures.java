package com.canisterhost.database;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/** What a failure says about the database: unreachable before anything was sent, or lost while in use. */
public final class DatabaseFailures {

    private DatabaseFailures() {}

    /**
     * Whether {@code failure} (or a cause) is a {@link DatabaseUnavailableException}: no connection was obtained, so
     * no statement was sent and nothing of the request was applied.
     */
    public static boolean notApplied(Throwable failure) {
        return find(failure, DatabaseUnavailableException.class) != null;
    }

    /**
     * Whether {@code failure} (or a cause) says the database could not be reached or its connection broke: a
     * connection that could not be had, a connection failure (SQLSTATE class 08) or a server shutting down
     * (57P01 to 57P03). A statement that met it may or may not have been applied.
     */
    public static boolean unreachable(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof CannotGetJdbcConnectionException || cause instanceof SQLTransientConnectionException
                    || cause instanceof SQLNonTransientConnectionException
                    || cause instanceof SQLException sql && connectionState(sql.getSQLState())) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    private static boolean connectionState(String state) {
        return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
                || state.equals("57P03"));
    }

    private static <T extends Throwable> T find(Throwable failure, Class<T> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return null;
    }
}
