package com.canisterhost.state;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
    /** Null when every commit is written alone. */
    private final GroupCommit groupCommit;
    private final CommitWriter writer;
    private final Mailbox mailbox;
    private final ModuleChanges moduleChanges;

    StateStore(JdbcClient jdbc, JdbcTemplate jdbcTemplate, LogStore logs, TransactionTemplate transactions,
            StateProperties properties, MeterRegistry meters, ModuleChanges moduleChanges,
            CallCompletion callCompletion, CanisterOwnership ownership) {
        this.moduleChanges = moduleChanges;
        this.callCompletion = callCompletion;
        this.jdbc = jdbc;
        this.mailbox = new Mailbox(jdbc, transactions, this);
        this.writer = new CommitWriter(jdbc, jdbcTemplate, logs, transactions, mailbox, callCompletion,
                DistributionSummary.builder("canister.commit.batch.size")
                        .description("Update commits written to PostgreSQL together (group commit)")
                        .register(meters), ownership);
        this.groupCommit = properties.commitLanes() > 0
                ? new GroupCommit(properties.commitLanes(), properties.maxCommitBatch(), writer::write)
                : null;
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
        if (groupable(change) && record.callId() == null) {
            return groupCommit.commit(new GroupCommit.Pending(canisterId, expectedVersion, change, record));
        }
        return writer.commitAlone(canisterId, expectedVersion, change, record, false);
    }

    /**
     * One canister's part of a commit of several: its change as of {@code expectedVersion}, moving its version by
     * {@code steps} (one per execution it stands for).
     */
    public record Part(String canisterId, long expectedVersion, StateChange change, CallRecord record, int steps) {}

    /**
     * Commits the parts of different canisters all or none, in one transaction (with other canisters' commits when
     * every part could go with them): executions that ran one after the other in memory, fused into one commit
     * (a call between canisters and its response). The records may carry no tracked call; an outbox is written
     * in the same transaction.
     *
     * @return each part's new version, in order
     * @throws StateVersionConflictException if any canister is no longer at its expected version (nothing is written)
     */
    public long[] commitTogether(List<Part> parts) {
        List<GroupCommit.Pending> unit = parts.stream().map(p -> {
            if (p.record().callId() != null || p.change().moduleHash() != null) {
                throw new IllegalArgumentException("a fused commit tracks no call and installs nothing");
            }
            return new GroupCommit.Pending(p.canisterId(), p.expectedVersion(), p.change(), p.record(), p.steps());
        }).toList();
        if (unit.stream().allMatch(p -> groupable(p.change))) {
            groupCommit.commitUnit(unit);
        } else {
            writer.commitAlone(unit, false);
        }
        long[] versions = new long[unit.size()];
        for (int i = 0; i < versions.length; i++) {
            if (unit.get(i).failure() != null) {
                throw unit.get(i).failure();
            }
            versions[i] = unit.get(i).version();
        }
        return versions;
    }

    /**
     * Whether a commit may go with other canisters' (a tracked call's may not either): group commit is on, it
     * replaces no state, writes few pages, and need not join the caller's transaction.
     */
    private boolean groupable(StateChange change) {
        return groupCommit != null && !change.replacesState() && !change.replacesStable()
                && change.dirtyPages().size() + change.stableDirty().size() <= MAX_GROUPED_PAGES
                && !TransactionSynchronizationManager.isActualTransactionActive();
    }

    /** Writes a batch of group commit (see {@link CommitWriter#write}). */
    void write(List<GroupCommit.Pending> batch) {
        writer.write(batch);
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
