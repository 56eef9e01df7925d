package com.canisterhost.state;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.PreparedStatement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Canister Wasm state in PostgreSQL: heap pages (only non-zero ones), mutable globals, and the outcome of the latest
 * committed call. Every commit is fenced on the state version the execution started from. Update commits of
 * different canisters that are ready at the same time share one statement ({@link GroupCommit}).
 */
@Repository
public class StateStore {

    static final short HEAP = 0;
    static final short STABLE = 1;
    /**
     * Pages a commit may write to go with others (group commit). A larger one is written alone, on a connection of
     * its own, so that it does not hold back the small commits queued behind its batch.
     */
    static final int MAX_GROUPED_PAGES = 16;
    /** How long a commit whose outcome is unknown is tried again before it is reported unknown. */
    static final long RESOLVE_NANOS = 1_000_000_000L;

    private final CallCompletion callCompletion;
    private final JdbcClient jdbc;
    /** For the commit statement: bound directly, without JdbcClient's per-parameter type lookups. */
    private final JdbcTemplate jdbcTemplate;
    private final LogStore logs;
    private final TransactionTemplate transactions;
    /** Commit statement texts by shape, built once each (at most 216). */
    private final Map<CommitStatement.Shape, String> commitSql = new ConcurrentHashMap<>();
    /** Batch commit statement texts by shape (at most 16). */
    private final Map<BatchCommitStatement.Shape, String> batchSql = new ConcurrentHashMap<>();
    /** Null when every commit is written alone. */
    private final GroupCommit groupCommit;
    private final DistributionSummary batchSizes;
    private final Mailbox mailbox;
    private final ModuleChanges moduleChanges;

    StateStore(JdbcClient jdbc, JdbcTemplate jdbcTemplate, LogStore logs, TransactionTemplate transactions,
            StateProperties properties, MeterRegistry meters, ModuleChanges moduleChanges,
            CallCompletion callCompletion) {
        this.moduleChanges = moduleChanges;
        this.callCompletion = callCompletion;
        this.jdbc = jdbc;
        this.jdbcTemplate = jdbcTemplate;
        this.logs = logs;
        this.transactions = transactions;
        this.groupCommit = properties.commitLanes() > 0
                ? new GroupCommit(properties.commitLanes(), properties.maxCommitBatch(), this::write)
                : null;
        this.batchSizes = DistributionSummary.builder("canister.commit.batch.size")
                .description("Update commits written to PostgreSQL together (group commit)")
                .register(meters);
        this.mailbox = new Mailbox(jdbc, transactions, this);
    }

    /** Inter-canister messages, callbacks and call contexts (written with commits whose record has an outbox). */
    public Mailbox mailbox() {
        return mailbox;
    }

    @Transactional(readOnly = true)
    public CommittedState load(String canisterId) {
        record Row(long version, byte[] moduleHash, String profile, int heapPages, int stablePages,
                byte[] certifiedData, long globalTimer, long lastTime, java.math.BigInteger cycles) {}
        Row row = jdbc.sql("""
                        SELECT state_version, module_hash, profile, heap_pages, stable_pages, certified_data,
                               global_timer, last_time, cycles FROM canisters WHERE id = ?""")
                .param(canisterId)
                .query((rs, n) -> new Row(rs.getLong(1), rs.getBytes(2), rs.getString(3), rs.getInt(4),
                        rs.getInt(5), rs.getBytes(6), rs.getLong(7), rs.getLong(8),
                        rs.getBigDecimal(9).toBigIntegerExact()))
                .single();
        Map<Integer, byte[]> pages = new HashMap<>();
        Map<Integer, byte[]> stable = new HashMap<>();
        jdbc.sql("SELECT kind, page_index, data FROM memory_pages WHERE canister_id = ?")
                .param(canisterId)
                .query(rs -> {
                    (rs.getShort(1) == HEAP ? pages : stable).put(rs.getInt(2), rs.getBytes(3));
                });
        Map<Integer, long[]> globals = new HashMap<>();
        jdbc.sql("SELECT global_index, value_low, value_high FROM canister_globals WHERE canister_id = ?")
                .param(canisterId)
                .query(rs -> {
                    globals.put(rs.getInt(1), new long[] {rs.getLong(2), rs.getLong(3)});
                });
        return new CommittedState(row.version(), row.moduleHash(), row.profile(), row.heapPages(), pages, globals,
                row.stablePages(), stable, row.certifiedData(), row.globalTimer(), row.lastTime(), row.cycles());
    }

    /**
     * Writes the change and the call record atomically as the version after {@code expectedVersion}; joins the
     * caller's transaction if there is one.
     *
     * @return the new state version
     * @throws StateVersionConflictException if the canister is no longer at {@code expectedVersion}
     */
    public long commit(String canisterId, long expectedVersion, StateChange change, CallRecord record) {
        if (change.moduleHash() != null) {
            try {
                return commitAny(canisterId, expectedVersion, change, record);
            } finally {
                moduleChanges.changed(canisterId);
            }
        }
        return commitAny(canisterId, expectedVersion, change, record);
    }

    private long commitAny(String canisterId, long expectedVersion, StateChange change, CallRecord record) {
        // an update's commit goes with other canisters' commits that are ready at the same time, unless it replaces
        // state, completes a tracked call, writes many pages, or must join the caller's transaction; one that sent
        // or consumed inter-canister messages goes too, its outbox written in the batch's transaction
        boolean groupable = !change.replacesState() && !change.replacesStable() && record.callId() == null
                && change.dirtyPages().size() + change.stableDirty().size() <= MAX_GROUPED_PAGES;
        if (groupCommit != null && groupable && !TransactionSynchronizationManager.isActualTransactionActive()) {
            return groupCommit.commit(new GroupCommit.Pending(canisterId, expectedVersion, change, record));
        }
        return commitAlone(canisterId, expectedVersion, change, record, false);
    }

    /** Whether a commit builds on the current state (no heap or stable memory replaced) and completes no call. */
    private static boolean plainUpdate(StateChange change, CallRecord record) {
        return !change.replacesState() && !change.replacesStable() && record.callId() == null
                && record.outbox() == null;
    }

    /**
     * Writes one commit on its own. An attempt that may have been applied although it failed (the connection was
     * lost on the way, {@code COMMIT} failed) is written again: the version fence makes that safe, and if the fence
     * then fails because the first attempt did land, that is found on the canister row, so the commit succeeds
     * after all. Only when PostgreSQL cannot be asked within {@link #RESOLVE_NANOS} is the outcome unknown.
     *
     * @param maybeApplied whether an earlier attempt (a batch that failed) may have written this commit
     */
    private long commitAlone(String canisterId, long expectedVersion, StateChange change, CallRecord record,
            boolean maybeApplied) {
        long deadline = System.nanoTime() + RESOLVE_NANOS;
        long pauseMillis = 20;
        while (true) {
            RuntimeException failure;
            try {
                return writeAlone(canisterId, expectedVersion, change, record);
            } catch (RuntimeException e) {
                failure = e;
            }
            CommitFailure kind = failure instanceof StateVersionConflictException ? CommitFailure.REFUSED
                    : CommitFailure.of(failure);
            if (maybeApplied && kind != CommitFailure.NOT_SENT) {
                // the fence turned this attempt away, or PostgreSQL refused it: see whether an earlier one landed
                try {
                    if (committedEarlier(canisterId, expectedVersion, record)) {
                        return expectedVersion + 1;
                    }
                } catch (RuntimeException unreachable) {
                    kind = CommitFailure.AMBIGUOUS;
                }
            }
            if (kind == CommitFailure.REFUSED || (kind == CommitFailure.NOT_SENT && !maybeApplied)) {
                throw failure; // certainly not applied
            }
            maybeApplied = true;
            if (System.nanoTime() + pauseMillis * 1_000_000 > deadline) {
                throw new CommitOutcomeUnknownException(canisterId, expectedVersion, failure);
            }
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CommitOutcomeUnknownException(canisterId, expectedVersion, failure);
            }
            pauseMillis *= 2;
        }
    }

    /**
     * Whether the commit at {@code expectedVersion + 1} is this one: the canister row names the call that produced
     * its latest call version, and an execution's time is unique per canister (strictly increasing).
     */
    private boolean committedEarlier(String canisterId, long expectedVersion, CallRecord record) {
        return jdbc.sql("""
                        SELECT count(*) FROM canisters
                         WHERE id = ? AND last_call_version = ? AND last_time = ? AND last_call_kind = ?
                           AND last_call_method IS NOT DISTINCT FROM ?""")
                .params(canisterId, expectedVersion + 1, record.timeNanos(), record.kind(), record.method())
                .query(Long.class).single() == 1;
    }

    private long writeAlone(String canisterId, long expectedVersion, StateChange change, CallRecord record) {
        if (plainUpdate(change, record) && record.logs().isEmpty()) {
            // the common update: one statement, so one round trip and no transaction around it
            return commitStatement(canisterId, expectedVersion, change, record);
        }
        return transactions.execute(status -> {
            if (change.replacesState()) {
                if (!change.keepsHeap()) {
                    jdbc.sql("DELETE FROM memory_pages WHERE canister_id = ? AND kind = ?").params(canisterId, HEAP)
                            .update();
                }
                jdbc.sql("DELETE FROM canister_globals WHERE canister_id = ?").param(canisterId).update();
            }
            if (change.replacesStable()) {
                jdbc.sql("DELETE FROM memory_pages WHERE canister_id = ? AND kind = ?").params(canisterId, STABLE)
                        .update();
                // an install or reinstall (an upgrade keeps stable memory, and its calls go on)
                mailbox.abandon(canisterId, "was reinstalled", expectedVersion + 1);
            }
            long committed = commitStatement(canisterId, expectedVersion, change, record);
            if (!record.logs().isEmpty()) {
                logs.append(canisterId, record.logs());
            }
            if (record.callId() != null) {
                completeCall(record.callId(), record.reply(), record.reply() != null ? null : "CANISTER_REJECT",
                        record.rejectMessage(), record.instructions(), committed);
            }
            if (record.outbox() != null) {
                record.outbox().written = mailbox.write(canisterId, record.outbox(), committed, record.instructions());
            }
            return committed;
        });
    }

    /** The fenced version bump with the call's outcome and the changed pages and globals, as one statement. */
    private long commitStatement(String canisterId, long expectedVersion, StateChange change, CallRecord record) {
        CommitStatement statement = new CommitStatement(canisterId, expectedVersion, change, record);
        String sql = commitSql.computeIfAbsent(statement.shape(), CommitStatement::sql);
        Long version = jdbcTemplate.query(connection -> {
            PreparedStatement prepared = connection.prepareStatement(sql);
            statement.bind(prepared);
            return prepared;
        }, rows -> rows.next() ? rows.getLong(1) : null);
        if (version == null) {
            throw new StateVersionConflictException(canisterId, expectedVersion);
        }
        return version;
    }

    /**
     * Writes a batch of {@link GroupCommit}: one commit as it would be written alone, more (or one that printed) with
     * one statement for all. If that fails (say, one commit breaks a constraint), each is written alone, so that only
     * the culprit fails; if the batch may have been applied (its connection was lost), writing each alone also finds
     * out which of them it applied.
     */
    void write(List<GroupCommit.Pending> batch) {
        batchSizes.record(batch.size());
        boolean maybeApplied = false;
        if (batch.size() > 1 || !batch.get(0).record.logs().isEmpty()) {
            Set<String> bumped;
            try {
                bumped = writeTogether(batch);
            } catch (RuntimeException e) {
                bumped = null;
                maybeApplied = CommitFailure.of(e) == CommitFailure.AMBIGUOUS;
                for (GroupCommit.Pending p : batch) { // what they led to is what writing them alone leads to
                    if (p.record.outbox() != null) {
                        p.record.outbox().written = null;
                    }
                }
            }
            if (bumped != null) {
                for (GroupCommit.Pending p : batch) {
                    if (bumped.contains(p.canisterId)) {
                        p.committed(p.expectedVersion + 1);
                    } else {
                        p.failed(new StateVersionConflictException(p.canisterId, p.expectedVersion));
                    }
                }
                return;
            }
        }
        for (GroupCommit.Pending p : batch) {
            try {
                p.committed(commitAlone(p.canisterId, p.expectedVersion, p.change, p.record, maybeApplied));
            } catch (RuntimeException e) {
                p.failed(e);
            }
        }
    }

    /**
     * The batch's statement, and the outboxes of the commits it bumped in the same transaction; returns the
     * canisters it bumped (the others were no longer at their version). An outbox that cannot be written (its
     * message was consumed already) fails the whole batch, whose commits are then written alone.
     */
    private Set<String> writeTogether(List<GroupCommit.Pending> batch) {
        if (batch.stream().noneMatch(p -> p.record.outbox() != null)) {
            return writeStatement(batch);
        }
        return transactions.execute(status -> {
            Set<String> bumped = writeStatement(batch);
            for (GroupCommit.Pending p : batch) {
                if (p.record.outbox() != null && bumped.contains(p.canisterId)) {
                    p.record.outbox().written = mailbox.write(p.canisterId, p.record.outbox(),
                            p.expectedVersion + 1, p.record.instructions());
                }
            }
            return bumped;
        });
    }

    private Set<String> writeStatement(List<GroupCommit.Pending> batch) {
        BatchCommitStatement statement = new BatchCommitStatement(logs.maxEntries());
        batch.forEach(p -> statement.add(p.canisterId, p.expectedVersion, p.change, p.record));
        String sql = batchSql.computeIfAbsent(statement.shape(), BatchCommitStatement::sql);
        return jdbcTemplate.query(connection -> {
            PreparedStatement prepared = connection.prepareStatement(sql);
            statement.bind(prepared);
            return prepared;
        }, rows -> {
            Set<String> ids = new HashSet<>();
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
            return ids;
        });
    }

    /**
     * Records the outcome of a tracked call that is still pending (joining the caller's transaction): a commit
     * records it with the state it commits, a call that committed nothing records it alone.
     *
     * @param reply the reply, or null if the call was rejected with {@code rejectKind} and {@code rejectMessage}
     */
    @Transactional
    public void completeCall(java.util.UUID callId, byte[] reply, String rejectKind, String rejectMessage,
            long instructions, long stateVersion) {
        callCompletion.complete(callId, reply, rejectKind, rejectMessage, instructions, stateVersion);
    }

    /**
     * Removes the module and all Wasm state (heap, stable memory, globals, certified data, timer) as a new state
     * version; the canister stays, empty, with its cycles, logs and snapshots.
     */
    @Transactional
    public long uninstall(String canisterId) {
        moduleChanges.changed(canisterId);
        mailbox.abandon(canisterId, "was uninstalled", 0);
        jdbc.sql("DELETE FROM memory_pages WHERE canister_id = ?").param(canisterId).update();
        jdbc.sql("DELETE FROM canister_globals WHERE canister_id = ?").param(canisterId).update();
        return jdbc.sql("""
                        UPDATE canisters SET module_hash = NULL, profile = NULL, heap_pages = 0, stable_pages = 0,
                               certified_data = ''::bytea, global_timer = 0, state_version = state_version + 1,
                               updated_at = now()
                         WHERE id = ? RETURNING state_version""")
                .param(canisterId)
                .query(Long.class)
                .single();
    }

    static boolean isZero(byte[] page) {
        for (byte b : page) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }
}
