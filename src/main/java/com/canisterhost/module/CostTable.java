package com.canisterhost.module;

import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.OpCode;
import java.util.EnumMap;
import java.util.Map;

/**
 * Deterministic instruction weights, after the IC's {@code instruction_to_cost} (see docs/design.md, Metering).
 * Every instrumented module records the {@link #VERSION} it was metered with; bump it whenever a weight changes, or
 * where the instrumentation charges and checks, so stored instrumented modules are rebuilt rather than silently billed
 * or stopped differently.
 *
 * <p>Version 2: loops with a trip count known at install time are charged once before they run ({@link
 * CountedLoops}). The totals are those of version 1; only a message that would cross its limit inside such a loop
 * now stops before the loop (with the limit reported, as before) instead of part-way through it.
 *
 * <p>Version 3: the call depth is counted down per function entered rather than up per call instruction, with one
 * global fewer. The totals are those of version 2; calls to imported (host) functions no longer count as nesting.
 *
 * <p>Version 4: a {@code memory.grow} costs {@link #MEMORY_GROW_PER_PAGE} per page it added, on top of its weight.
 */
final class CostTable {

    static final int VERSION = 4;

    /**
     * What each 64 KiB page a {@code memory.grow} adds costs. The IC bills memory in cycles for storage rather than
     * in instructions; this host prices growth so that it is metered at all: growing to the 2 GiB cap costs about
     * 33 M instructions, under 1 % of an update's budget, and a Motoko canister's usual growth a few thousand.
     */
    static final long MEMORY_GROW_PER_PAGE = 1_000;

    /** What bulk memory and table operations cost on top of one instruction per byte or element. */
    static final int BULK_BASE = 100;

    private static final Map<OpCode, Integer> WEIGHTS = new EnumMap<>(OpCode.class);
    private static final Map<OpCode, Integer> WEIGHTS_64 = new EnumMap<>(OpCode.class);

    static {
        for (OpCode op : OpCode.values()) {
            WEIGHTS.put(op, weigh(op));
            // as on the IC, a load or store costs 2 in a module with a 64-bit memory
            WEIGHTS_64.put(op, op.name().matches("[IF](32|64)_(LOAD|STORE).*") ? 2 : weigh(op));
        }
    }

    private CostTable() {}

    /**
     * What the instructions of one module cost: the canister's own at their weight in its memory's width, and what
     * the host inserted (lowering a wasm64 module, {@link Memory64Lowering}) nothing.
     */
    record Weights(InsertedCode inserted, boolean memory64) {

        static final Weights WASM32 = new Weights(InsertedCode.NONE, false);

        long of(AnnotatedInstruction instruction) {
            if (inserted.contains(instruction.address())) {
                return 0;
            }
            return (memory64 ? WEIGHTS_64 : WEIGHTS).get(instruction.opcode());
        }
    }

    private static int weigh(OpCode op) {
        String name = op.name();
        switch (op) {
            case BLOCK, LOOP, ELSE, END:
                return 0;
            case IF, BR, BR_IF, BR_TABLE, GLOBAL_GET, GLOBAL_SET:
                return 2;
            case CALL:
                return 5;
            case CALL_INDIRECT:
                return 10;
            case RETURN_CALL:
                return 3;
            case RETURN_CALL_INDIRECT:
                return 60;
            case MEMORY_GROW, TABLE_GROW, DATA_DROP, ELEM_DROP:
                return 300;
            case MEMORY_SIZE:
                return 20;
            case TABLE_SIZE:
                return 100;
            case TABLE_GET, TABLE_SET, REF_IS_NULL:
                return 5;
            case REF_FUNC:
                return 130;
            case MEMORY_FILL, MEMORY_COPY, MEMORY_INIT, TABLE_FILL, TABLE_COPY, TABLE_INIT:
                return BULK_BASE;
            case F32_DIV:
                return 3;
            case F64_DIV:
                return 5;
            case F32_COPYSIGN:
                return 2;
            case F64_COPYSIGN:
                return 3;
            case F32_SQRT:
                return 5;
            case F64_SQRT:
                return 8;
            default:
                break;
        }
        if (name.matches("I(32|64)_(DIV|REM)_[SU]")) {
            return 10;
        }
        if (name.matches("F(32|64)_(ADD|SUB|MUL|CEIL|FLOOR|TRUNC|NEAREST)")) {
            return 2;
        }
        if (name.matches("F(32|64)_(MIN|MAX)")) {
            return 18;
        }
        if (name.matches("F(32|64)_(EQ|NE|LT|GT|LE|GE)")) {
            return 3;
        }
        if (name.matches("F(32|64)_CONVERT_I(32|64)_S")) {
            return 3;
        }
        if (name.matches("F(32|64)_CONVERT_I(32|64)_U")) {
            return 16;
        }
        if (name.matches("I(32|64)_TRUNC_(SAT_)?F(32|64)_[SU]")) {
            return 20;
        }
        return 1;
    }
}
