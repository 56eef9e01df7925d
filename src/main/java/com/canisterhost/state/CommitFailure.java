package com.canisterhost.state;

import java.sql.SQLException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * What a failed attempt to write a commit says about whether it was applied. Only a failure before anything was
 * sent, or an error PostgreSQL answered for the statement itself, is certain; a connection lost on the way, a
 * failed {@code COMMIT} or anything unforeseen may have been applied, which the commit path then finds out.
 */
enum CommitFailure {

    /** No connection was had: nothing was sent. */
    NOT_SENT,
    /** PostgreSQL refused the statement (bad data, a broken constraint, a rolled-back transaction). */
    REFUSED,
    /** It may have been applied. */
    AMBIGUOUS;

    static CommitFailure of(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof CanisterOwnership.NotOwnerException) {
                return NOT_SENT; // found before any statement was built
            }
            if (cause instanceof CannotGetJdbcConnectionException || cause instanceof CannotCreateTransactionException) {
                return NOT_SENT;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                return ofState(sql.getSQLState());
            }
        }
        return AMBIGUOUS;
    }

    /** By SQLSTATE class (PostgreSQL's error codes, appendix A of its manual). */
    private static CommitFailure ofState(String state) {
        if (state.equals("08001") || state.equals("08004")) { // could not connect, connection rejected
            return NOT_SENT;
        }
        return switch (state.substring(0, 2)) {
            // data exception, integrity constraint, syntax or access rule, check option, transaction rollback
            case "22", "23", "42", "44", "40" -> REFUSED;
            default -> AMBIGUOUS; // 08 connection exception, 57 operator intervention (shutdown), 53, 58, XX ...
        };
    }
}
