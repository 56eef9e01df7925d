package com.canisterhost.call;

import com.canisterhost.execution.CallOutcome;
import com.canisterhost.execution.RejectKind;
import com.canisterhost.state.CallCompletion;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Tracked calls in PostgreSQL, the one writer of the {@code calls} table. The commit of a call's execution completes
 * its row through {@link CallCompletion}, in the commit's own transaction.
 */
@Repository
class CallJournal implements CallCompletion {

    /**
     * A pending call whose first execution committed while calls it made were outstanding is applied: its answer
     * comes with a later commit, through its call context (state.Mailbox), so it is never marked not applied.
     */
    private static final String NOT_AWAITING_CALLS =
            "NOT EXISTS (SELECT 1 FROM call_contexts c WHERE c.ingress_call_id = calls.call_id)";

    private static final String COLUMNS = "call_id, canister_id, caller, idempotency_key, method, arg_sha256, status, "
            + "reply, reject_kind, reject_message, instructions, state_version, created_at, completed_at";
    /**
     * How long marking a call not applied waits for the row lock of a commit still in flight (see
     * {@link #markNotAppliedIfPending}); past it the outcome stays unknown for now, and the row pending.
     */
    private static final String LOCK_TIMEOUT = "SET LOCAL lock_timeout = '2s'";

    private final JdbcClient jdbc;

    CallJournal(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    @Transactional
    public void complete(UUID callId, byte[] reply, String rejectKind, String rejectMessage, long instructions,
            long stateVersion) {
        jdbc.sql("""
                        UPDATE calls SET status = ?, reply = ?, reject_kind = ?, reject_message = ?, instructions = ?,
                               state_version = ?, completed_at = now()
                         WHERE call_id = ? AND status = 'pending'""")
                .params(reply != null ? "replied" : "rejected", reply, rejectKind, rejectMessage, instructions,
                        stateVersion, callId)
                .update();
    }

    /**
     * Records a call as pending, claiming its key if it has one; false if the caller already has a call under this
     * key on the canister.
     */
    @Transactional
    public boolean insertPending(UUID callId, String canisterId, byte[] caller, String key, String method,
            byte[] argSha256) {
        return jdbc.sql("""
                        INSERT INTO calls (call_id, canister_id, caller, idempotency_key, method, arg_sha256, status)
                        VALUES (?, ?, ?, ?, ?, ?, 'pending')
                        ON CONFLICT (canister_id, caller, idempotency_key) DO NOTHING""")
                .params(callId, canisterId, caller, key, method, argSha256)
                .update() == 1;
    }

    /**
     * Marks a call whose execution has ended as not applied, unless its commit recorded an outcome. Only for calls
     * no execution is running any more: a commit completes the call's row in its own transaction, so a row still
     * pending then never committed, and a commit in flight holds the row's lock until it ends, which this waits for.
     */
    @Transactional
    public void markNotAppliedIfPending(UUID callId, String reason) {
        jdbc.sql(LOCK_TIMEOUT).update();
        jdbc.sql("""
                        UPDATE calls SET status = 'rejected', reject_kind = 'NOT_APPLIED', reject_message = ?,
                               instructions = 0, completed_at = now()
                         WHERE call_id = ? AND status = 'pending'\s""" + "AND " + NOT_AWAITING_CALLS)
                .params(reason, callId)
                .update();
    }

    @Transactional
    public void delete(UUID callId) {
        jdbc.sql("DELETE FROM calls WHERE call_id = ?").param(callId).update();
    }

    @Transactional(readOnly = true)
    public Optional<TrackedCall> find(UUID callId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM calls WHERE call_id = ?").param(callId)
                .query(CallJournal::row).optional();
    }

    /** The caller's call under {@code key} (or one from before calls had callers: see migration V24). */
    @Transactional(readOnly = true)
    public Optional<TrackedCall> findByKey(String canisterId, byte[] caller, String key) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM calls"
                        + " WHERE canister_id = ? AND idempotency_key = ? AND (caller = ? OR caller IS NULL)"
                        + " ORDER BY caller NULLS LAST LIMIT 1")
                .params(canisterId, key, caller)
                .query(CallJournal::row).optional();
    }

    /**
     * After a restart nothing is running: a pending call never committed (its commit would have completed it),
     * unless it awaits calls it made. It is marked not applied, which its key may then run again. With several
     * nodes, only the calls of canisters no live node holds: the others are their holders' (and are settled
     * like this when another node takes a canister over, {@link #abandonPending(String)}).
     */
    @Transactional
    public int abandonPending() {
        return jdbc.sql("""
                        UPDATE calls SET status = 'rejected', reject_kind = 'NOT_APPLIED',
                               reject_message = 'the service stopped before the call ran; it was not applied',
                               instructions = 0, completed_at = now()
                         WHERE status = 'pending'
                           AND NOT EXISTS (SELECT 1 FROM canister_leases l
                                            WHERE l.canister_id = calls.canister_id AND l.expires_at >= now())
                           AND\s""" + NOT_AWAITING_CALLS)
                .update();
    }

    /**
     * A canister this node has just taken over from a node that stopped or died: its pending calls that await no
     * call of theirs never committed there, and are marked not applied.
     */
    @Transactional
    public int abandonPending(String canisterId) {
        return jdbc.sql("""
                        UPDATE calls SET status = 'rejected', reject_kind = 'NOT_APPLIED',
                               reject_message = 'the node executing the canister stopped before the call ran; it was '
                                   || 'not applied',
                               instructions = 0, completed_at = now()
                         WHERE canister_id = ? AND status = 'pending'
                           AND\s""" + NOT_AWAITING_CALLS)
                .param(canisterId)
                .update();
    }

    /** Forgets calls completed longer ago than {@code retention}. */
    @Transactional
    public int purge(Duration retention) {
        return jdbc.sql("DELETE FROM calls WHERE completed_at < now() - make_interval(secs => ?)")
                .param((double) retention.toSeconds())
                .update();
    }

    private static TrackedCall row(ResultSet rs, int n) throws SQLException {
        String status = rs.getString("status");
        long instructions = rs.getLong("instructions");
        long version = rs.getLong("state_version");
        CallOutcome outcome = switch (status) {
            case "replied" -> new CallOutcome.Replied(rs.getBytes("reply"), instructions, version);
            case "rejected" -> new CallOutcome.Rejected(RejectKind.valueOf(rs.getString("reject_kind")),
                    rs.getString("reject_message"), instructions, version);
            default -> null;
        };
        Timestamp completed = rs.getTimestamp("completed_at");
        return new TrackedCall(rs.getObject("call_id", UUID.class), rs.getString("canister_id"),
                rs.getBytes("caller"), rs.getString("idempotency_key"), rs.getString("method"), rs.getBytes("arg_sha256"), status, outcome,
                rs.getTimestamp("created_at").toInstant(), completed == null ? null : completed.toInstant());
    }
}
