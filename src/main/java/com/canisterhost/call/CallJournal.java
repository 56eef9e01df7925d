package com.canisterhost.call;

import com.canisterhost.execution.CallOutcome;
import com.canisterhost.execution.RejectKind;
import com.canisterhost.state.StateStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/** Tracked calls in PostgreSQL. The commit of a call's state completes its row (see StateStore#commit). */
@Repository
class CallJournal {

    private static final String COLUMNS = "call_id, canister_id, idempotency_key, method, arg_sha256, status, reply, "
            + "reject_kind, reject_message, instructions, state_version, created_at, completed_at";

    private final JdbcClient jdbc;
    private final StateStore states;

    CallJournal(JdbcClient jdbc, StateStore states) {
        this.jdbc = jdbc;
        this.states = states;
    }

    /** Claims the key with a pending row; false if the canister already has a call under this key. */
    @Transactional
    public boolean insertPending(UUID callId, String canisterId, String key, String method, byte[] argSha256) {
        return jdbc.sql("""
                        INSERT INTO calls (call_id, canister_id, idempotency_key, method, arg_sha256, status)
                        VALUES (?, ?, ?, ?, ?, 'pending') ON CONFLICT (canister_id, idempotency_key) DO NOTHING""")
                .params(callId, canisterId, key, method, argSha256)
                .update() == 1;
    }

    /** Records the outcome of a call that did not commit (a trap, a refusal, ...); a committed one is kept. */
    @Transactional
    public void completeIfPending(UUID callId, CallOutcome outcome) {
        if (outcome instanceof CallOutcome.Rejected rejected) {
            states.completeCall(callId, null, rejected.kind().name(), rejected.message(), outcome.instructions(),
                    outcome.stateVersion());
        } else {
            states.completeCall(callId, ((CallOutcome.Replied) outcome).reply(), null, null, outcome.instructions(),
                    outcome.stateVersion());
        }
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

    @Transactional(readOnly = true)
    public Optional<TrackedCall> findByKey(String canisterId, String key) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM calls WHERE canister_id = ? AND idempotency_key = ?")
                .params(canisterId, key)
                .query(CallJournal::row).optional();
    }

    /**
     * After a restart nothing is running: a pending call never committed (its commit would have completed it).
     * It is marked not applied, which its key may then run again.
     */
    @Transactional
    public int abandonPending() {
        return jdbc.sql("""
                        UPDATE calls SET status = 'rejected', reject_kind = 'NOT_APPLIED',
                               reject_message = 'the service stopped before the call ran; it was not applied',
                               instructions = 0, completed_at = now()
                         WHERE status = 'pending'""")
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
                rs.getString("idempotency_key"), rs.getString("method"), rs.getBytes("arg_sha256"), status, outcome,
                rs.getTimestamp("created_at").toInstant(), completed == null ? null : completed.toInstant());
    }
}
