package com.canisterhost.state;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Every write to a {@code canisters} row that is not an execution's commit: creation, status, settings, cycles
 * deposits and attached interfaces. The row carries the state version that every commit fences on, so this package
 * is its one writer; the {@code canister} package reads it (through JPA) and decides when these happen. Each method
 * joins the caller's transaction.
 */
@Repository
public class CanisterRows {

    private final JdbcClient jdbc;

    CanisterRows(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A new, empty, running canister. */
    public void insert(String id, List<String> controllers, BigInteger cycles, Instant createdAt) {
        jdbc.sql("""
                        INSERT INTO canisters (id, status, cycles, controllers, log_visibility, created_at)
                        VALUES (?, 'running', ?, ?::text[], 'controllers', ?)""")
                .params(id, new BigDecimal(cycles), controllers.toArray(String[]::new),
                        java.time.OffsetDateTime.ofInstant(createdAt, java.time.ZoneOffset.UTC))
                .update();
    }

    /**
     * Sets the status {@code to} if it is {@code from}, as a new canister version (ic0.canister_version): call
     * between executions. Returns 0 if the status was not {@code from}.
     */
    public int changeStatus(String id, String from, String to) {
        return jdbc.sql("""
                        UPDATE canisters SET status = ?, state_version = state_version + 1, updated_at = now()
                         WHERE id = ? AND status = ?""")
                .params(to, id, from).update();
    }

    /** Sets a stopping or stopped canister running, as a new canister version; 0 if it was running. */
    public int start(String id) {
        return jdbc.sql("""
                        UPDATE canisters SET status = 'running', state_version = state_version + 1, updated_at = now()
                         WHERE id = ? AND status <> 'running'""")
                .param(id).update();
    }

    /** Marks a canister stopping; no version change, so the calls it is draining still commit. */
    public int markStopping(String id) {
        return jdbc.sql("UPDATE canisters SET status = 'stopping', updated_at = now() WHERE id = ? AND status = 'running'")
                .param(id).update();
    }

    /** Canisters left stopping by a shutdown: nothing of theirs is in flight any more. */
    public int finishStopping() {
        return jdbc.sql("""
                        UPDATE canisters SET status = 'stopped', state_version = state_version + 1, updated_at = now()
                         WHERE status = 'stopping'
                           AND NOT EXISTS (SELECT 1 FROM canister_leases l
                                            WHERE l.canister_id = canisters.id AND l.expires_at >= now())""")
                .update();
    }

    /** Deletes the canister if it is stopped (its state goes with it); 0 if it is not, or is gone. */
    public int deleteStopped(String id) {
        return jdbc.sql("DELETE FROM canisters WHERE id = ? AND status = 'stopped'").param(id).update();
    }

    /**
     * Replaces the controllers and the log visibility where given (null: unchanged), as a new canister version;
     * 0 if there is no such canister.
     */
    public int updateSettings(String id, List<String> controllers, String logVisibility) {
        return jdbc.sql("""
                        UPDATE canisters SET controllers = COALESCE(?::text[], controllers),
                               log_visibility = COALESCE(?, log_visibility),
                               state_version = state_version + 1, updated_at = now()
                         WHERE id = ?""")
                .params(controllers == null ? null : controllers.toArray(String[]::new), logVisibility, id)
                .update();
    }

    /** Adds deposited cycles, as a new canister version; 0 if there is no such canister. */
    public int depositCycles(String id, BigInteger cycles) {
        return jdbc.sql("""
                        UPDATE canisters SET cycles = cycles + ?, state_version = state_version + 1,
                               updated_at = now() WHERE id = ?""")
                .params(new BigDecimal(cycles), id).update();
    }

    /** Attaches a Candid interface (its text), replacing one attached before. */
    public void attachCandid(String id, String did) {
        jdbc.sql("UPDATE canisters SET candid_attached = ? WHERE id = ?").params(did, id).update();
    }

    /** Removes the attached Candid interface; 0 if there was none. */
    public int detachCandid(String id) {
        return jdbc.sql("UPDATE canisters SET candid_attached = NULL WHERE id = ? AND candid_attached IS NOT NULL")
                .param(id).update();
    }
}
