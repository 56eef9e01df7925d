package com.canisterhost.state;

import static com.canisterhost.support.CanisterFixtures.wasm;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.canisterhost.support.EndToEndTest;
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
        assertThat(jdbc.sql("SELECT last_call_version || ' ' || last_call_kind || ' ' || last_call_method || ' ' "
                + "|| last_call_outcome || ' ' || encode(last_call_reply, 'hex') FROM canisters WHERE id = ?")
                .param(id).query(String.class).single()).isEqualTo(v2 + " update second replied 0102");
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
}
