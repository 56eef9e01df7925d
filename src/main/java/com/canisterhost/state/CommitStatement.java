package com.canisterhost.state;

import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The SQL of one commit: the fenced version bump, which also records which call committed (its version, kind and
 * method: what a commit whose answer was lost is recognised by), then only the parts the change needs. Every part reads from {@code bumped}, so a canister that is no longer at the
 * expected version gets none of them.
 *
 * <p>The common update dirties a page or two and no global. Up to {@link #MAX_ROWS} rows go in as scalar
 * parameters ({@code VALUES}) and empty parts are left out: measured with 16 clients, the general form (every part
 * present, rows as {@code unnest} of arrays) cost PostgreSQL about 0.32 ms of CPU per commit against 0.24 ms for
 * this one (both still with a call-history insert, since removed). Each {@link Shape}'s text is built once
 * ({@link #sql}), so the JDBC driver finds it in its statement cache without hashing a freshly built string, and
 * each connection keeps them all prepared.
 */
final class CommitStatement {

    /** Rows of one part passed as scalars; more go in as arrays. */
    static final int MAX_ROWS = 4;

    /** A part's row count in a {@link Shape} that stands for "passed as arrays". */
    private static final int ARRAYS = MAX_ROWS + 1;

    /**
     * Which parts a statement has and how their rows are passed: the rows of each part (0 to {@link #MAX_ROWS},
     * or {@link #ARRAYS}). The key of its text ({@link #sql}).
     */
    record Shape(int written, int zeroed, int globals) {}

    private static final String BUMP = """
            WITH bumped AS (
                UPDATE canisters SET state_version = state_version + ?::integer, heap_pages = ?, stable_pages = ?,
                       certified_data = COALESCE(?, certified_data),
                       global_timer = COALESCE(?, global_timer), last_time = GREATEST(last_time, ?),
                       cycles = COALESCE(?, cycles),
                       module_hash = COALESCE(?, module_hash), profile = COALESCE(?, profile),
                       instructions_total = instructions_total + ?, updated_at = now(),
                       last_call_version = state_version + ?::integer, last_call_kind = ?, last_call_method = ?
                 WHERE id = ? AND state_version = ? AND (?::bigint < 0 OR owner_epoch = ?::bigint)
                RETURNING id, state_version)""";

    private static final String[] PAGE_TYPES = {"smallint", "integer", "bytea"};
    private static final String[] ZEROED_TYPES = {"smallint", "integer"};
    private static final String[] GLOBAL_TYPES = {"integer", "bigint", "bigint"};

    private final List<Object> params = new ArrayList<>();
    private final Shape shape;

    /**
     * @param steps how far the version moves: 1, or one per execution when several commit as one (fused calls)
     * @param epoch the owner epoch the commit is fenced on too, or {@link CanisterOwnership#UNFENCED}
     */
    CommitStatement(String canisterId, long expectedVersion, StateChange change, CallRecord record, int steps,
            long epoch) {
        add(steps, change.heapPages(), change.stablePages(), change.certifiedData(), change.globalTimer(),
                record.timeNanos(), change.cycles() == null ? null : new BigDecimal(change.cycles()),
                change.moduleHash(), change.profile(), record.instructions(), steps,
                record.kind(), record.method(), canisterId, expectedVersion, epoch, epoch);
        List<Object[]> written = new ArrayList<>();
        List<Object[]> zeroed = new ArrayList<>();
        pages(StateStore.HEAP, change.dirtyPages(), written, zeroed);
        pages(StateStore.STABLE, change.stableDirty(), written, zeroed);
        List<Object[]> globals = new ArrayList<>();
        change.globals().forEach((index, value) -> globals.add(new Object[] {index, value[0], value[1]}));
        int writtenRows = rows(written); // parameters in the statement's order
        int zeroedRows = rows(zeroed);
        int globalRows = rows(globals);
        shape = new Shape(writtenRows, zeroedRows, globalRows);
    }

    Shape shape() {
        return shape;
    }

    /** Sets the parameters: PostgreSQL infers a null's type from the statement, the rest by their class. */
    void bind(PreparedStatement statement) throws SQLException {
        for (int i = 0; i < params.size(); i++) {
            Object value = params.get(i);
            if (value == null) {
                statement.setNull(i + 1, Types.NULL);
            } else {
                statement.setObject(i + 1, value);
            }
        }
    }

    /** The text of every statement of {@code shape}. */
    static String sql(Shape shape) {
        StringBuilder sql = new StringBuilder(BUMP);
        if (shape.written() > 0) {
            sql.append("""
                    ,
                    written AS (
                        INSERT INTO memory_pages (canister_id, kind, page_index, data)
                        SELECT b.id, p.kind, p.page_index, p.data FROM bumped b, """);
            relation(sql, shape.written(), PAGE_TYPES, "p(kind, page_index, data)");
            sql.append("\n    ON CONFLICT (canister_id, kind, page_index) DO UPDATE SET data = EXCLUDED.data)");
        }
        if (shape.zeroed() > 0) {
            sql.append("""
                    ,
                    zeroed AS (
                        DELETE FROM memory_pages m USING bumped b, """);
            relation(sql, shape.zeroed(), ZEROED_TYPES, "z(kind, page_index)");
            sql.append("\n     WHERE m.canister_id = b.id AND m.kind = z.kind AND m.page_index = z.page_index)");
        }
        if (shape.globals() > 0) {
            sql.append("""
                    ,
                    globals AS (
                        INSERT INTO canister_globals (canister_id, global_index, value_low, value_high)
                        SELECT b.id, v.global_index, v.value_low, v.value_high FROM bumped b, """);
            relation(sql, shape.globals(), GLOBAL_TYPES, "v(global_index, value_low, value_high)");
            sql.append("""

                        ON CONFLICT (canister_id, global_index)
                        DO UPDATE SET value_low = EXCLUDED.value_low, value_high = EXCLUDED.value_high)""");
        }
        return sql.append("\nSELECT state_version FROM bumped").toString();
    }

    private void add(Object... values) {
        java.util.Collections.addAll(params, values); // some are null: SQL NULL
    }

    /** Non-zero pages are written; all-zero pages are deleted, since absent pages read as zeros. */
    private static void pages(short kind, Map<Integer, byte[]> dirty, List<Object[]> written, List<Object[]> zeroed) {
        dirty.forEach((index, data) -> {
            if (StateStore.isZero(data)) {
                zeroed.add(new Object[] {kind, index});
            } else {
                written.add(new Object[] {kind, index, data});
            }
        });
    }

    /** Adds the parameters of a part's rows, as scalars or one array per column; returns its count in the shape. */
    private int rows(List<Object[]> rows) {
        if (rows.size() <= MAX_ROWS) {
            rows.forEach(this::add);
            return rows.size();
        }
        for (int c = 0; c < rows.get(0).length; c++) {
            params.add(column(rows, c, rows.get(0)[c].getClass())); // no nulls among these
        }
        return ARRAYS;
    }

    /** {@code count} rows as a relation named {@code alias}: {@code VALUES} of scalars, or {@code unnest} of arrays. */
    private static void relation(StringBuilder sql, int count, String[] types, String alias) {
        if (count <= MAX_ROWS) {
            sql.append("(VALUES ");
            for (int r = 0; r < count; r++) {
                sql.append(r == 0 ? "(" : ", (");
                for (int c = 0; c < types.length; c++) {
                    sql.append(c == 0 ? "?::" : ", ?::").append(types[c]);
                }
                sql.append(')');
            }
            sql.append(") AS ").append(alias);
            return;
        }
        sql.append("unnest(");
        for (int c = 0; c < types.length; c++) {
            sql.append(c == 0 ? "?::" : ", ?::").append(types[c]).append("[]");
        }
        sql.append(") AS ").append(alias);
    }

    /**
     * Column {@code c} of {@code rows} as an array of {@code type} ({@code Short[]}, {@code Integer[]}, {@code Long[]},
     * {@code String[]}, {@code byte[][]}), which PostgreSQL's driver sends as the matching array type, null elements
     * included.
     */
    static Object[] column(List<Object[]> rows, int c, Class<?> type) {
        Object[] values = (Object[]) java.lang.reflect.Array.newInstance(type, rows.size());
        for (int i = 0; i < values.length; i++) {
            values[i] = rows.get(i)[c];
        }
        return values;
    }
}
