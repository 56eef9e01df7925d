package com.canisterhost.state;

import static com.canisterhost.support.CanisterFixtures.wasm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.canisterhost.support.EndToEndTest;
import com.canisterhost.support.LosingDataSource;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@link StateStore#commit} against PostgreSQL: the single-statement path (pages, zeroed pages, globals, the call's
 * outcome in one round trip) and the transactional one (with logs), both fenced on the expected version.
 */
class StateStoreTest extends EndToEndTest {

    @Autowired
    StateStore store;

    @Autowired
    JdbcClient jdbc;

    private static byte[] page(int fill) {
        byte[] page = new byte[CanisterMemory.PAGE_SIZE];
        Arrays.fill(page, (byte) fill);
        return page;
    }

    private static StateChange change(Map<Integer, byte[]> heap, Map<Integer, long[]> globals,
            Map<Integer, byte[]> stable) {
        return new StateChange(2, heap, globals, false, null, null, 1, stable, false, null, null,
                BigInteger.valueOf(7));
    }

    private static CallRecord record(String method, List<LogEntry> logs) {
        return new CallRecord("update", method, new byte[] {4}, new byte[] {1, 2}, null, null, 10, 1_000, logs);
    }

    private String installedCounter() {
        String id = http.createCanister();
        assertThat(http.install(id, wasm("counter"), "").status()).isEqualTo(200);
        return id;
    }

    private long version(String id) {
        return jdbc.sql("SELECT state_version FROM canisters WHERE id = ?").param(id).query(Long.class).single();
    }

    private List<Integer> pages(String id, int kind) {
        return jdbc.sql("SELECT page_index FROM memory_pages WHERE canister_id = ? AND kind = ? ORDER BY 1")
                .params(id, kind).query(Integer.class).list();
    }

    @Test
    void oneStatementWritesPagesDeletesZeroedOnesAndRecordsTheCall() {
        String id = installedCounter();
        long before = version(id);

        long v1 = store.commit(id, before, change(Map.of(7, page(1), 8, page(2)), Map.of(0, new long[] {41, 0}),
                Map.of(3, page(9))), record("first", List.of()));
        assertThat(v1).isEqualTo(before + 1);
        assertThat(pages(id, 0)).contains(7, 8);
        assertThat(pages(id, 1)).containsExactly(3);
        assertThat(jdbc.sql("SELECT data FROM memory_pages WHERE canister_id = ? AND kind = 0 AND page_index = 8")
                .param(id).query(byte[].class).single()).isEqualTo(page(2));
        assertThat(jdbc.sql("SELECT value_low FROM canister_globals WHERE canister_id = ? AND global_index = 0")
                .param(id).query(Long.class).single()).isEqualTo(41);

        long v2 = store.commit(id, v1, change(Map.of(7, page(0), 8, page(5)), Map.of(0, new long[] {42, 0}),
                Map.of()), record("second", List.of()));
        assertThat(v2).isEqualTo(v1 + 1);
        assertThat(pages(id, 0)).as("a page written back to zeros is deleted").doesNotContain(7).contains(8);
        assertThat(jdbc.sql("SELECT data FROM memory_pages WHERE canister_id = ? AND kind = 0 AND page_index = 8")
                .param(id).query(byte[].class).single()).isEqualTo(page(5));
        assertThat(pages(id, 1)).as("untouched stable pages stay").containsExactly(3);
        assertThat(jdbc.sql("SELECT value_low FROM canister_globals WHERE canister_id = ? AND global_index = 0")
                .param(id).query(Long.class).single()).isEqualTo(42);
        assertThat(jdbc.sql("SELECT last_call_version || ' ' || last_call_kind || ' ' || last_call_method "
                + "FROM canisters WHERE id = ?").param(id).query(String.class).single())
                .isEqualTo(v2 + " update second");
        assertThat(jdbc.sql("SELECT cycles::text FROM canisters WHERE id = ?").param(id).query(String.class)
                .single()).isEqualTo("7");
    }

    @Test
    void manyRowsGoInAsArraysWithTheSameEffect() {
        String id = installedCounter();
        long before = version(id);
        Map<Integer, byte[]> heap = new java.util.HashMap<>();
        Map<Integer, long[]> globals = new java.util.HashMap<>();
        for (int i = 0; i <= CommitStatement.MAX_ROWS; i++) {
            heap.put(100 + i, page(i + 1));
            globals.put(i, new long[] {1000 + i, i});
        }
        long v1 = store.commit(id, before, change(heap, globals, Map.of()), record("many", List.of()));
        assertThat(pages(id, 0)).containsSequence(100, 101, 102, 103, 104);
        assertThat(jdbc.sql("SELECT data FROM memory_pages WHERE canister_id = ? AND kind = 0 AND page_index = 104")
                .param(id).query(byte[].class).single()).isEqualTo(page(5));
        assertThat(jdbc.sql("SELECT value_low + value_high FROM canister_globals WHERE canister_id = ? ORDER BY "
                + "global_index").param(id).query(Long.class).list()).containsExactly(1000L, 1002L, 1004L, 1006L,
                1008L);

        Map<Integer, byte[]> zeroed = new java.util.HashMap<>();
        heap.keySet().forEach(index -> zeroed.put(index, page(0)));
        store.commit(id, v1, change(zeroed, Map.of(), Map.of()), record("zeroed", List.of()));
        assertThat(pages(id, 0)).doesNotContain(100, 101, 102, 103, 104);
    }

    @Test
    void aStaleVersionWritesNothingOnEitherPath() {
        String id = installedCounter();
        long current = version(id);
        long logsBefore = jdbc.sql("SELECT count(*) FROM canister_logs WHERE canister_id = ?").param(id)
                .query(Long.class).single();
        List<Integer> pagesBefore = pages(id, 0);

        assertThatThrownBy(() -> store.commit(id, current - 1, change(Map.of(900, page(3)),
                Map.of(0, new long[] {99, 0}), Map.of(5, page(3))), record("stale", List.of())))
                .isInstanceOf(StateVersionConflictException.class);
        assertThatThrownBy(() -> store.commit(id, current - 1, change(Map.of(901, page(3)), Map.of(), Map.of()),
                record("stale-logged", List.of(LogEntry.print(1_000, "hello")))))
                .isInstanceOf(StateVersionConflictException.class);

        assertThat(version(id)).isEqualTo(current);
        assertThat(pages(id, 0)).isEqualTo(pagesBefore);
        assertThat(pages(id, 1)).isEmpty();
        assertThat(jdbc.sql("SELECT last_call_kind FROM canisters WHERE id = ?").param(id).query(String.class)
                .single()).as("the last call is still the install").isEqualTo("install");
        assertThat(jdbc.sql("SELECT count(*) FROM canister_logs WHERE canister_id = ?").param(id)
                .query(Long.class).single()).as("the log append rolled back").isEqualTo(logsBefore);

        long next = store.commit(id, current, change(Map.of(901, page(4)), Map.of(), Map.of()),
                record("logged", List.of(LogEntry.print(1_000, "hello"))));
        assertThat(next).isEqualTo(current + 1);
        assertThat(pages(id, 0)).contains(901);
        assertThat(jdbc.sql("SELECT count(*) FROM canister_logs WHERE canister_id = ?").param(id)
                .query(Long.class).single()).isEqualTo(logsBefore + 1);
    }

    private static GroupCommit.Pending pending(String id, long expected, StateChange change, CallRecord record) {
        return new GroupCommit.Pending(id, expected, change, record);
    }

    private String lastCall(String id) {
        return jdbc.sql("SELECT last_call_version || ' ' || last_call_kind || ' ' || coalesce(last_call_method, '-') "
                + "|| ' ' || cycles || ' ' || encode(certified_data, 'hex') || ' ' || instructions_total "
                + "FROM canisters WHERE id = ?").param(id).query(String.class).single();
    }

    @Test
    void aBatchWritesEachCanistersPagesGlobalsAndOutcomeInOneStatement() {
        String a = installedCounter();
        String b = installedCounter();
        String c = installedCounter();
        long va = version(a);
        long vb = version(b);
        long vc = version(c);
        long instructionsB = jdbc.sql("SELECT instructions_total FROM canisters WHERE id = ?").param(b)
                .query(Long.class).single();
        store.commit(a, va, change(Map.of(700, page(1)), Map.of(), Map.of()), record("seed", List.of()));
        va++;

        var replied = pending(a, va, change(Map.of(700, page(0), 701, page(6)), Map.of(0, new long[] {11, 0}),
                Map.of(2, page(8))), record("inc", List.of()));
        var rejected = pending(b, vb, new StateChange(3, Map.of(702, page(7)), Map.of(), false, null, null, 0,
                Map.of(), false, new byte[] {9, 9}, null, null), new CallRecord("heartbeat", null, new byte[] {4},
                null, 4, "no", 5, 2_000, List.of()));
        var globalsOnly = pending(c, vc, change(Map.of(), Map.of(0, new long[] {-5, 3}, 1, new long[] {6, 0}),
                Map.of()), record("set", List.of()));
        store.write(List.of(replied, rejected, globalsOnly));

        assertThat(Arrays.asList(replied.failure(), rejected.failure(), globalsOnly.failure())).containsOnlyNulls();
        assertThat(List.of(replied.version(), rejected.version(), globalsOnly.version()))
                .containsExactly(va + 1, vb + 1, vc + 1);
        assertThat(List.of(version(a), version(b), version(c))).containsExactly(va + 1, vb + 1, vc + 1);
        assertThat(pages(a, 0)).as("zeroed page deleted, written one stored").doesNotContain(700).contains(701);
        assertThat(pages(a, 1)).containsExactly(2);
        assertThat(jdbc.sql("SELECT data FROM memory_pages WHERE canister_id = ? AND kind = 0 AND page_index = 701")
                .param(a).query(byte[].class).single()).isEqualTo(page(6));
        assertThat(pages(b, 0)).contains(702).doesNotContain(701);
        assertThat(pages(c, 0)).doesNotContain(700, 701, 702);
        assertThat(jdbc.sql("SELECT canister_id || ':' || global_index || '=' || value_low || '/' || value_high "
                + "FROM canister_globals WHERE canister_id IN (?, ?, ?) ORDER BY 1").params(a, b, c)
                .query(String.class).list()).contains(a + ":0=11/0", c + ":0=-5/3", c + ":1=6/0")
                .noneMatch(g -> g.startsWith(b + ":0=11"));
        assertThat(lastCall(a)).isEqualTo((va + 1) + " update inc 7 " + certified(a) + " " + instructions(a));
        assertThat(lastCall(b)).as("nulls stay null; unchanged cycles and certified data stay")
                .startsWith((vb + 1) + " heartbeat - ").contains(" 0909 " + (instructionsB + 5));
        assertThat(jdbc.sql("SELECT heap_pages FROM canisters WHERE id = ?").param(b).query(Integer.class)
                .single()).isEqualTo(3);
    }

    private String certified(String id) {
        return jdbc.sql("SELECT encode(certified_data, 'hex') FROM canisters WHERE id = ?").param(id)
                .query(String.class).single();
    }

    private long instructions(String id) {
        return jdbc.sql("SELECT instructions_total FROM canisters WHERE id = ?").param(id).query(Long.class)
                .single();
    }

    @Test
    void aStaleCommitInABatchFailsAloneAndWritesNothing() {
        String a = installedCounter();
        String b = installedCounter();
        long va = version(a);
        long vb = version(b);

        var stale = pending(a, va - 1, change(Map.of(800, page(2)), Map.of(0, new long[] {77, 0}), Map.of()),
                record("stale", List.of()));
        var current = pending(b, vb, change(Map.of(800, page(3)), Map.of(0, new long[] {78, 0}), Map.of()),
                record("current", List.of()));
        store.write(List.of(stale, current));

        assertThat(stale.failure()).isInstanceOf(StateVersionConflictException.class);
        assertThat(current.failure()).isNull();
        assertThat(version(a)).isEqualTo(va);
        assertThat(pages(a, 0)).doesNotContain(800);
        assertThat(jdbc.sql("SELECT count(*) FROM canister_globals WHERE canister_id = ? AND value_low = 77")
                .param(a).query(Long.class).single()).isZero();
        assertThat(version(b)).isEqualTo(vb + 1);
        assertThat(pages(b, 0)).contains(800);
    }

    /** A fused call's commits: both canisters in one transaction, each version moved by the executions it stands for. */
    @Test
    void commitsWrittenTogetherMoveEachVersionByItsSteps() {
        String a = installedCounter();
        String b = installedCounter();
        long va = version(a);
        long vb = version(b);

        long[] versions = store.commitTogether(List.of(
                new StateStore.Part(a, va, change(Map.of(840, page(1)), Map.of(), Map.of()),
                        record("caller", List.of(LogEntry.print(1_000, "fused"))), 2),
                new StateStore.Part(b, vb, change(Map.of(840, page(2)), Map.of(), Map.of()), record("callee",
                        List.of()), 1)));

        assertThat(versions).containsExactly(va + 2, vb + 1);
        assertThat(version(a)).isEqualTo(va + 2);
        assertThat(version(b)).isEqualTo(vb + 1);
        assertThat(lastCall(a)).startsWith((va + 2) + " update caller ");
        assertThat(pages(a, 0)).contains(840);
        assertThat(pages(b, 0)).contains(840);
        assertThat(logLines(a)).last().isEqualTo("fused");
    }

    /** If one canister moved on, neither part lands: the fused executions are dropped as one. */
    @Test
    void commitsWrittenTogetherLandAllOrNone() {
        String a = installedCounter();
        String b = installedCounter();
        long va = version(a);
        long vb = version(b);

        assertThatThrownBy(() -> store.commitTogether(List.of(
                new StateStore.Part(a, va, change(Map.of(850, page(1)), Map.of(), Map.of()), record("caller",
                        List.of()), 2),
                new StateStore.Part(b, vb - 1, change(Map.of(850, page(2)), Map.of(), Map.of()), record("callee",
                        List.of()), 1))))
                .isInstanceOf(StateVersionConflictException.class);

        assertThat(version(a)).isEqualTo(va);
        assertThat(pages(a, 0)).doesNotContain(850);
        assertThat(version(b)).isEqualTo(vb);
        assertThat(pages(b, 0)).doesNotContain(850);
    }

    @Test
    void aBatchThatFailsIsWrittenCommitByCommitSoOnlyTheCulpritFails() {
        String a = installedCounter();
        String b = installedCounter();
        var culprit = pending(a, version(a), new StateChange(2, Map.of(810, page(1)), Map.of(), false, null, null, 0,
                Map.of(), false, null, null, BigInteger.valueOf(-1)), record("negative-cycles", List.of()));
        var innocent = pending(b, version(b), change(Map.of(810, page(2)), Map.of(), Map.of()),
                record("ok", List.of()));
        store.write(List.of(culprit, innocent));

        assertThat(culprit.failure()).isInstanceOf(org.springframework.dao.DataIntegrityViolationException.class);
        assertThat(version(a)).isEqualTo(culprit.expectedVersion);
        assertThat(pages(a, 0)).doesNotContain(810);
        assertThat(innocent.failure()).isNull();
        assertThat(innocent.version()).isEqualTo(innocent.expectedVersion + 1);
        assertThat(pages(b, 0)).contains(810);
    }

    private List<String> logLines(String id) {
        return jdbc.sql("SELECT convert_from(content, 'UTF8') FROM canister_logs WHERE canister_id = ? ORDER BY idx")
                .param(id).query(String.class).list();
    }

    @Test
    void aBatchWritesTheLogsOfTheCommitsThatPrintedInItsTransaction() {
        String printed = installedCounter();
        String silent = installedCounter();
        String stale = installedCounter();
        List<String> printedBefore = logLines(printed);

        var printing = pending(printed, version(printed), change(Map.of(820, page(1)), Map.of(), Map.of()),
                record("print", List.of(LogEntry.print(1_000, "one"), LogEntry.print(1_001, "two"))));
        var quiet = pending(silent, version(silent), change(Map.of(820, page(2)), Map.of(), Map.of()),
                record("quiet", List.of()));
        var stalePrinting = pending(stale, version(stale) - 1, change(Map.of(820, page(3)), Map.of(), Map.of()),
                record("stale", List.of(LogEntry.print(1_002, "never"))));
        store.write(List.of(printing, quiet, stalePrinting));

        assertThat(printing.failure()).isNull();
        assertThat(quiet.failure()).isNull();
        assertThat(stalePrinting.failure()).isInstanceOf(StateVersionConflictException.class);
        List<String> expected = new java.util.ArrayList<>(printedBefore);
        expected.addAll(List.of("one", "two"));
        assertThat(logLines(printed)).isEqualTo(expected);
        assertThat(logLines(stale)).doesNotContain("never");
        assertThat(pages(stale, 0)).doesNotContain(820);
        assertThat(pages(silent, 0)).contains(820);
    }

    @Test
    void aCommitThatPrintedKeepsOnlyTheNewestEntriesUpToTheCapAlsoAlone() {
        String id = installedCounter();
        long before = jdbc.sql("SELECT log_next_idx FROM canisters WHERE id = ?").param(id).query(Long.class).single();
        List<LogEntry> many = new java.util.ArrayList<>();
        for (int i = 0; i < 1_003; i++) {
            many.add(LogEntry.print(5_000 + i, "line " + i));
        }
        var alone = pending(id, version(id), change(Map.of(), Map.of(), Map.of()), record("flood", many));
        store.write(List.of(alone));

        assertThat(alone.failure()).isNull();
        List<String> lines = logLines(id);
        assertThat(lines).hasSize(1_000).startsWith("line 3").endsWith("line 1002");
        assertThat(jdbc.sql("SELECT min(idx) || '-' || max(idx) FROM canister_logs WHERE canister_id = ?").param(id)
                .query(String.class).single()).isEqualTo((before + 3) + "-" + (before + 1_002));
        assertThat(jdbc.sql("SELECT log_next_idx FROM canisters WHERE id = ?").param(id).query(Long.class).single())
                .isEqualTo(before + 1_003);
    }

    @Autowired
    javax.sql.DataSource dataSource;

    /** A call record at the current time, later than the install's, as an execution's time always is. */
    private static CallRecord recordNow(String method, List<LogEntry> logs) {
        return new CallRecord("update", method, new byte[] {4}, new byte[] {1, 2}, null, null, 10,
                System.currentTimeMillis() * 1_000_000L, logs);
    }

    /** A state store whose connections can lose an answer (see {@link LosingDataSource}). */
    private StateStore storeOver(LosingDataSource losing) {
        return storeOver(losing, CanisterOwnership.SOLE);
    }

    private StateStore storeOver(javax.sql.DataSource losing, CanisterOwnership ownership) {
        JdbcClient client = JdbcClient.create(losing);
        return new StateStore(client, new org.springframework.jdbc.core.JdbcTemplate(losing), new LogStore(client,
                1_000), new org.springframework.transaction.support.TransactionTemplate(
                        new org.springframework.jdbc.datasource.DataSourceTransactionManager(losing)),
                new StateProperties(1, 32), new io.micrometer.core.instrument.simple.SimpleMeterRegistry(),
                new ModuleChanges(), (callId, reply, kind, message, instructions, version) ->
                        completedCalls.add(callId), ownership);
    }

    /** A node of several whose lease of every canister has {@code epoch}. */
    private StateStore storeFencedOn(long epoch) {
        return storeOver(dataSource, new CanisterOwnership() {
            @Override
            public boolean local(String canisterId) {
                return true;
            }

            @Override
            public long fence(String canisterId) {
                return epoch;
            }
        });
    }

    /**
     * A node whose lease another node took over (the canister's owner epoch moved past its own) commits nothing,
     * alone or in a batch, and its commit is certainly not applied.
     */
    @Test
    void aCommitFencedOnAnOldOwnerEpochWritesNothing() {
        String a = installedCounter();
        String b = installedCounter();
        jdbc.sql("UPDATE canisters SET owner_epoch = 4 WHERE id IN (?, ?)").params(a, b).update();
        long va = version(a);
        long vb = version(b);

        assertThatThrownBy(() -> storeFencedOn(3).commit(a, va, change(Map.of(860, page(1)), Map.of(), Map.of()),
                record("stale-owner", List.of()))).isInstanceOf(StateVersionConflictException.class);
        var stale = pending(a, va, change(Map.of(861, page(1)), Map.of(), Map.of()), record("stale", List.of()));
        var other = pending(b, vb, change(Map.of(861, page(2)), Map.of(), Map.of()), record("stale", List.of()));
        storeFencedOn(3).write(List.of(stale, other));
        assertThat(stale.failure()).isInstanceOf(StateVersionConflictException.class);
        assertThat(other.failure()).isInstanceOf(StateVersionConflictException.class);
        assertThat(version(a)).isEqualTo(va);
        assertThat(pages(a, 0)).doesNotContain(860, 861);

        assertThat(storeFencedOn(4).commit(a, va, change(Map.of(862, page(1)), Map.of(), Map.of()),
                record("owner", List.of()))).as("the holder of epoch 4").isEqualTo(va + 1);
        assertThat(pages(a, 0)).contains(862);
    }

    /** The tracked calls the stores of {@link #storeOver} completed (the calls table is the call package's). */
    private final List<java.util.UUID> completedCalls = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * A batch that PostgreSQL applied although its answer was lost: writing each commit again finds its fence moved
     * by that very commit, so each succeeds (it used to be reported as a conflict, "not applied, retry", and a client
     * that retried applied it twice).
     */
    @Test
    void aBatchWhoseAnswerWasLostIsFoundAppliedNotReportedAsAConflict() {
        String a = installedCounter();
        String b = installedCounter();
        long va = version(a);
        long vb = version(b);
        LosingDataSource losing = new LosingDataSource(dataSource);
        losing.loseAnswerOfNext(sql -> sql.startsWith("WITH v AS"));
        var first = pending(a, va, change(Map.of(830, page(1)), Map.of(), Map.of()), recordNow("lost-a", List.of()));
        var second = pending(b, vb, change(Map.of(830, page(2)), Map.of(), Map.of()), recordNow("lost-b", List.of()));
        storeOver(losing).write(List.of(first, second));

        assertThat(losing.struck()).isTrue();
        assertThat(first.failure()).isNull();
        assertThat(second.failure()).isNull();
        assertThat(first.version()).isEqualTo(va + 1);
        assertThat(version(a)).as("applied once").isEqualTo(va + 1);
        assertThat(version(b)).isEqualTo(vb + 1);
        assertThat(lastCall(a)).startsWith((va + 1) + " update lost-a ");
        assertThat(pages(b, 0)).contains(830);
    }

    /** A commit lost on its way to PostgreSQL (it never ran) is written again, once. */
    @Test
    void aCommitThatNeverArrivedIsWrittenAgainOnce() {
        String id = installedCounter();
        long before = version(id);
        LosingDataSource losing = new LosingDataSource(dataSource);
        losing.loseNext(sql -> sql.startsWith("WITH bumped AS"));
        long committed = storeOver(losing).commit(id, before, change(Map.of(840, page(4)), Map.of(), Map.of()),
                recordNow("retried", List.of()));

        assertThat(losing.struck()).isTrue();
        assertThat(committed).isEqualTo(before + 1);
        assertThat(version(id)).isEqualTo(before + 1);
        assertThat(pages(id, 0)).contains(840);
    }

    /**
     * A transaction (a tracked call's commit is one) whose COMMIT was applied but not answered is found applied:
     * its log lines are there once.
     */
    @Test
    void aTransactionWhoseCommitAnswerWasLostIsFoundAppliedAndNotWrittenTwice() {
        String id = installedCounter();
        long before = version(id);
        LosingDataSource losing = new LosingDataSource(dataSource);
        losing.loseAnswerOfNextCommit();
        StateStore store = storeOver(losing);
        long now = System.currentTimeMillis() * 1_000_000L;
        CallRecord tracked = new CallRecord("update", "printed", new byte[] {4}, new byte[0], null, null, 10, now,
                List.of(LogEntry.print(now, "exactly once")), java.util.UUID.randomUUID());
        long committed = store.commit(id, before, change(Map.of(850, page(5)), Map.of(), Map.of()), tracked);

        assertThat(losing.struck()).isTrue();
        assertThat(committed).isEqualTo(before + 1);
        assertThat(version(id)).isEqualTo(before + 1);
        assertThat(logLines(id)).containsOnlyOnce("exactly once");
        assertThat(completedCalls).as("the call completed with its commit").containsExactly(tracked.callId());
    }

    /** If PostgreSQL cannot be asked afterwards, the outcome is unknown, never "not applied". */
    @Test
    void aLostAnswerThatCannotBeCheckedIsReportedUnknown() {
        String id = installedCounter();
        long before = version(id);
        LosingDataSource losing = new LosingDataSource(dataSource);
        losing.refuseConnectionsAfterFault();
        losing.loseAnswerOfNext(sql -> sql.startsWith("WITH bumped AS"));
        assertThatThrownBy(() -> storeOver(losing).commit(id, before, change(Map.of(860, page(6)), Map.of(),
                Map.of()), recordNow("unknown", List.of())))
                .isInstanceOf(CommitOutcomeUnknownException.class)
                .hasMessageContaining("may or may not be applied");
        losing.accept();
        assertThat(version(id)).as("it was applied, in fact").isEqualTo(before + 1);
    }
}
