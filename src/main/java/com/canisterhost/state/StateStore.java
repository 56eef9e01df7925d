package com.canisterhost.state;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Canister Wasm state in PostgreSQL: heap pages (only non-zero ones), mutable globals, and the record of the call
 * that produced each version. Every commit is fenced on the state version the execution started from.
 */
@Repository
public class StateStore {

    private static final short HEAP = 0;
    private static final short STABLE = 1;

    private final JdbcClient jdbc;
    private final LogStore logs;
    private final TransactionTemplate transactions;

    StateStore(JdbcClient jdbc, LogStore logs, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.logs = logs;
        this.transactions = transactions;
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
        boolean alone = !change.replacesState() && !change.replacesStable() && record.logs().isEmpty()
                && record.callId() == null;
        if (alone) {
            // the common update: one statement, so one round trip and no transaction around it
            return commitStatement(canisterId, expectedVersion, change, record);
        }
        return transactions.execute(status -> {
            if (change.replacesState()) {
                jdbc.sql("DELETE FROM memory_pages WHERE canister_id = ? AND kind = ?").params(canisterId, HEAP)
                        .update();
                jdbc.sql("DELETE FROM canister_globals WHERE canister_id = ?").param(canisterId).update();
            }
            if (change.replacesStable()) {
                jdbc.sql("DELETE FROM memory_pages WHERE canister_id = ? AND kind = ?").params(canisterId, STABLE)
                        .update();
            }
            long committed = commitStatement(canisterId, expectedVersion, change, record);
            if (!record.logs().isEmpty()) {
                logs.append(canisterId, record.logs());
            }
            if (record.callId() != null) {
                completeCall(record.callId(), record.reply(), record.reply() != null ? null : "CANISTER_REJECT",
                        record.rejectMessage(), record.instructions(), committed);
            }
            return committed;
        });
    }

    /**
     * The fenced version bump, the changed pages and globals and the call record as one statement: every part
     * reads from {@code bumped}, so a canister that is no longer at {@code expectedVersion} gets none of them.
     */
    private long commitStatement(String canisterId, long expectedVersion, StateChange change, CallRecord record) {
        PageRows pages = new PageRows();
        pages.add(HEAP, change.dirtyPages());
        pages.add(STABLE, change.stableDirty());
        int[] globalIndexes = new int[change.globals().size()];
        long[] globalLow = new long[globalIndexes.length];
        long[] globalHigh = new long[globalIndexes.length];
        int g = 0;
        for (Map.Entry<Integer, long[]> global : change.globals().entrySet()) {
            globalIndexes[g] = global.getKey();
            globalLow[g] = global.getValue()[0];
            globalHigh[g++] = global.getValue()[1];
        }
        List<Long> version = jdbc.sql("""
                        WITH bumped AS (
                            UPDATE canisters SET state_version = state_version + 1, heap_pages = ?, stable_pages = ?,
                                   certified_data = COALESCE(?, certified_data),
                                   global_timer = COALESCE(?, global_timer), last_time = GREATEST(last_time, ?),
                                   cycles = COALESCE(?, cycles),
                                   module_hash = COALESCE(?, module_hash), profile = COALESCE(?, profile),
                                   instructions_total = instructions_total + ?, updated_at = now()
                             WHERE id = ? AND state_version = ?
                            RETURNING id, state_version),
                        written AS (
                            INSERT INTO memory_pages (canister_id, kind, page_index, data)
                            SELECT b.id, p.kind, p.page_index, p.data
                              FROM bumped b, unnest(?::smallint[], ?::integer[], ?::bytea[]) AS p(kind, page_index, data)
                            ON CONFLICT (canister_id, kind, page_index) DO UPDATE SET data = EXCLUDED.data),
                        zeroed AS (
                            DELETE FROM memory_pages m
                             USING bumped b, unnest(?::smallint[], ?::integer[]) AS z(kind, page_index)
                             WHERE m.canister_id = b.id AND m.kind = z.kind AND m.page_index = z.page_index),
                        globals AS (
                            INSERT INTO canister_globals (canister_id, global_index, value_low, value_high)
                            SELECT b.id, v.global_index, v.value_low, v.value_high
                              FROM bumped b, unnest(?::integer[], ?::bigint[], ?::bigint[])
                                   AS v(global_index, value_low, value_high)
                            ON CONFLICT (canister_id, global_index)
                            DO UPDATE SET value_low = EXCLUDED.value_low, value_high = EXCLUDED.value_high),
                        recorded AS (
                            INSERT INTO call_records (canister_id, state_version, kind, method, caller, outcome,
                                                      reply, reject_code, reject_message)
                            SELECT b.id, b.state_version, ?, ?, ?, ?, ?, ?, ? FROM bumped b)
                        SELECT state_version FROM bumped""")
                .params(change.heapPages(), change.stablePages(), change.certifiedData(), change.globalTimer(),
                        record.timeNanos(), change.cycles() == null ? null : new java.math.BigDecimal(change.cycles()),
                        change.moduleHash(), change.profile(), record.instructions(), canisterId, expectedVersion,
                        pages.writtenKinds(), pages.writtenIndexes(), pages.writtenData(),
                        pages.zeroedKinds(), pages.zeroedIndexes(),
                        globalIndexes, globalLow, globalHigh,
                        record.kind(), record.method(), record.caller(),
                        record.reply() != null ? "replied" : "rejected", record.reply(), record.rejectCode(),
                        record.rejectMessage())
                .query(Long.class)
                .list();
        if (version.isEmpty()) {
            throw new StateVersionConflictException(canisterId, expectedVersion);
        }
        return version.get(0);
    }

    /** Changed pages as the column arrays of one statement: non-zero pages are written, zero pages deleted. */
    private static final class PageRows {
        private final List<Short> writtenKinds = new ArrayList<>();
        private final List<Integer> writtenIndexes = new ArrayList<>();
        private final List<byte[]> writtenData = new ArrayList<>();
        private final List<Short> zeroedKinds = new ArrayList<>();
        private final List<Integer> zeroedIndexes = new ArrayList<>();

        void add(short kind, Map<Integer, byte[]> dirtyPages) {
            dirtyPages.forEach((index, data) -> {
                if (isZero(data)) {
                    zeroedKinds.add(kind);
                    zeroedIndexes.add(index);
                } else {
                    writtenKinds.add(kind);
                    writtenIndexes.add(index);
                    writtenData.add(data);
                }
            });
        }

        short[] writtenKinds() {
            return shorts(writtenKinds);
        }

        int[] writtenIndexes() {
            return writtenIndexes.stream().mapToInt(Integer::intValue).toArray();
        }

        byte[][] writtenData() {
            return writtenData.toArray(new byte[0][]);
        }

        short[] zeroedKinds() {
            return shorts(zeroedKinds);
        }

        int[] zeroedIndexes() {
            return zeroedIndexes.stream().mapToInt(Integer::intValue).toArray();
        }

        private static short[] shorts(List<Short> values) {
            short[] array = new short[values.size()];
            for (int i = 0; i < array.length; i++) {
                array[i] = values.get(i);
            }
            return array;
        }
    }

    /**
     * Forgets all but the newest {@code keep} call records of every canister: they are its history, read by
     * nothing in the service, and would otherwise grow by a row per update for ever.
     *
     * @return how many records were deleted
     */
    public int trimCallHistory(int keep) {
        return jdbc.sql("""
                        DELETE FROM call_records c USING canisters k
                         WHERE c.canister_id = k.id AND c.state_version <= k.state_version - ?""")
                .param(keep)
                .update();
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
        jdbc.sql("""
                        UPDATE calls SET status = ?, reply = ?, reject_kind = ?, reject_message = ?, instructions = ?,
                               state_version = ?, completed_at = now()
                         WHERE call_id = ? AND status = 'pending'""")
                .params(reply != null ? "replied" : "rejected", reply, rejectKind, rejectMessage, instructions,
                        stateVersion, callId)
                .update();
    }

    /**
     * Removes the module and all Wasm state (heap, stable memory, globals, certified data, timer) as a new state
     * version; the canister stays, empty, with its cycles, logs and snapshots.
     */
    @Transactional
    public long uninstall(String canisterId) {
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
