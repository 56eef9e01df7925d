package com.canisterhost.module;

import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.OpCode;
import java.util.List;

/**
 * Finds loops whose trip count is known at install time, so that the instrumentation can charge the whole loop once
 * before it runs instead of charging (and checking) every iteration. The total is exactly what per-block charging
 * would add up to; a loop that would cross the limit traps before it starts rather than part-way, which nobody can
 * observe (a trap rolls the message back and reports the limit either way).
 *
 * <p>Only two straight-line shapes qualify, with one i32 induction local {@code i} that the loop body writes once,
 * as {@code i = i + S} with a constant {@code 0 < S <= 65536}, and whose value at the loop entry is a constant (an
 * {@code i32.const C; local.set i} earlier in the same straight-line code, or a declared local's zero at function
 * entry):
 *
 * <pre>
 *   A (test at the bottom):  loop  ...  local.get i  i32.const S  i32.add  local.tee i  i32.const N  (ne|lt_u|lt_s)  br_if 0  end
 *   B (test at the top):     loop  ...  local.get i  i32.const N  (eq|ge_u|ge_s)  br_if d>0  ...(i = i + S)...  br 0  end
 * </pre>
 *
 * The bodies hold no other branch, no block, no call and no bulk memory operation: every iteration runs every
 * instruction of the loop (shape B: of the part before the exit test), so the cost is iterations times a constant.
 * Anything else, or a trip count that would need the induction variable to wrap, is left to per-block charging.
 */
final class CountedLoops {

    /** A counted loop: its {@code end} instruction's index and what all its iterations cost together. */
    record Counted(int end, long cost) {}

    private static final int MAX_STEP = 1 << 16;
    private static final long BOUND = 1L << 30; // induction values stay well inside i32 (no wrap, no sign change)

    private enum Exit { EQ, GE_U, GE_S }

    private CountedLoops() {}

    /** The counted loop starting at {@code instructions[loop]} (a {@code loop}), or null. */
    static Counted of(List<AnnotatedInstruction> instructions, int loop, int params, CostTable.Weights weights) {
        AnnotatedInstruction header = instructions.get(loop);
        if (header.operands().length != 1 || header.operand(0) != 0x40) {
            return null; // only loops without parameters or results
        }
        int depth = header.depth();
        int end = -1;
        for (int k = loop + 1; k < instructions.size(); k++) {
            AnnotatedInstruction in = instructions.get(k);
            if (in.depth() != depth) {
                return null;
            }
            if (in.opcode() == OpCode.END) {
                end = k;
                break;
            }
            if (!straight(in.opcode()) && in.opcode() != OpCode.BR_IF && in.opcode() != OpCode.BR) {
                return null;
            }
        }
        if (end < loop + 2) {
            return null;
        }
        AnnotatedInstruction last = instructions.get(end - 1);
        if (last.opcode() == OpCode.BR_IF && last.operand(0) == 0) {
            return bottomTested(instructions, loop, end, params, weights);
        }
        if (last.opcode() == OpCode.BR && last.operand(0) == 0) {
            return topTested(instructions, loop, end, params, weights);
        }
        return null;
    }

    /** Shape A: one block per iteration, the whole body, run until the bottom test fails. */
    private static Counted bottomTested(List<AnnotatedInstruction> ins, int loop, int end, int params,
            CostTable.Weights weights) {
        int at = end - 7;
        if (at <= loop || !increment(ins, at) || ins.get(at + 3).opcode() != OpCode.LOCAL_TEE
                || ins.get(at + 4).opcode() != OpCode.I32_CONST) {
            return null;
        }
        int local = (int) ins.get(at).operand(0);
        Exit exit = switch (ins.get(at + 5).opcode()) {
            case I32_NE -> Exit.EQ;
            case I32_LT_U -> Exit.GE_U;
            case I32_LT_S -> Exit.GE_S;
            default -> null;
        };
        if (exit == null || !onlyBranches(ins, loop, end, end - 1) || writes(ins, loop + 1, end, local) != 1) {
            return null;
        }
        Long start = entryValue(ins, loop, local, params);
        if (start == null) {
            return null;
        }
        long step = (int) ins.get(at + 1).operand(0);
        long limit = (int) ins.get(at + 4).operand(0);
        long iterations = firstExit(start, step, limit, exit, 1);
        return iterations < 0 ? null : total(end, iterations, cost(ins, loop + 1, end, weights), 0, 0);
    }

    /** Shape B: the header part runs once more than the rest (the last time it leaves at the exit test). */
    private static Counted topTested(List<AnnotatedInstruction> ins, int loop, int end, int params,
            CostTable.Weights weights) {
        int exitAt = -1;
        for (int k = loop + 1; k < end - 1; k++) {
            if (ins.get(k).opcode() == OpCode.BR_IF) {
                if (exitAt >= 0 || ins.get(k).operand(0) == 0) {
                    return null;
                }
                exitAt = k;
            } else if (ins.get(k).opcode() == OpCode.BR) {
                return null;
            }
        }
        if (exitAt < loop + 4 || ins.get(exitAt - 3).opcode() != OpCode.LOCAL_GET
                || ins.get(exitAt - 2).opcode() != OpCode.I32_CONST) {
            return null;
        }
        Exit exit = switch (ins.get(exitAt - 1).opcode()) {
            case I32_EQ -> Exit.EQ;
            case I32_GE_U -> Exit.GE_U;
            case I32_GE_S -> Exit.GE_S;
            default -> null;
        };
        int local = (int) ins.get(exitAt - 3).operand(0);
        if (exit == null || writes(ins, loop + 1, exitAt, local) != 0 || writes(ins, exitAt, end, local) != 1) {
            return null;
        }
        int at = -1;
        for (int k = exitAt + 1; k + 3 < end; k++) {
            OpCode op = ins.get(k + 3).opcode();
            if ((op == OpCode.LOCAL_SET || op == OpCode.LOCAL_TEE) && ins.get(k + 3).operand(0) == local) {
                at = k;
                break;
            }
        }
        if (at < 0 || !increment(ins, at)) {
            return null;
        }
        Long start = entryValue(ins, loop, local, params);
        if (start == null) {
            return null;
        }
        long step = (int) ins.get(at + 1).operand(0);
        long limit = (int) ins.get(exitAt - 2).operand(0);
        long headers = firstExit(start, step, limit, exit, 0);
        if (headers < 0) {
            return null;
        }
        headers += 1; // iterations 0..n: the header part runs n + 1 times, the rest n times
        return total(end, headers, cost(ins, loop + 1, exitAt + 1, weights), headers - 1,
                cost(ins, exitAt + 1, end, weights));
    }

    /** {@code local.get i; i32.const S; i32.add; local.(set|tee) i} at {@code at}, with {@code 0 < S <= 65536}. */
    private static boolean increment(List<AnnotatedInstruction> ins, int at) {
        AnnotatedInstruction get = ins.get(at);
        AnnotatedInstruction constant = ins.get(at + 1);
        AnnotatedInstruction set = ins.get(at + 3);
        return get.opcode() == OpCode.LOCAL_GET && constant.opcode() == OpCode.I32_CONST
                && ins.get(at + 2).opcode() == OpCode.I32_ADD
                && (set.opcode() == OpCode.LOCAL_SET || set.opcode() == OpCode.LOCAL_TEE)
                && set.operand(0) == get.operand(0)
                && (int) constant.operand(0) > 0 && (int) constant.operand(0) <= MAX_STEP;
    }

    /** Whether the only branch in {@code (loop, end)} is the one at {@code branch}. */
    private static boolean onlyBranches(List<AnnotatedInstruction> ins, int loop, int end, int branch) {
        for (int k = loop + 1; k < end; k++) {
            if (k != branch && !straight(ins.get(k).opcode())) {
                return false;
            }
        }
        return true;
    }

    /** How many instructions in {@code [from, to)} write {@code local}. */
    private static int writes(List<AnnotatedInstruction> ins, int from, int to, int local) {
        int n = 0;
        for (int k = from; k < to; k++) {
            OpCode op = ins.get(k).opcode();
            if ((op == OpCode.LOCAL_SET || op == OpCode.LOCAL_TEE) && ins.get(k).operand(0) == local) {
                n++;
            }
        }
        return n;
    }

    /**
     * The constant value of {@code local} when control reaches the loop, found by walking back through code that
     * only falls through into it ({@code block} and {@code if} starts are entered from just before them; a
     * {@code br_if} falls through unchanged); null if it cannot be told.
     */
    private static Long entryValue(List<AnnotatedInstruction> ins, int loop, int local, int params) {
        for (int k = loop - 1; k >= 0; k--) {
            AnnotatedInstruction in = ins.get(k);
            OpCode op = in.opcode();
            if ((op == OpCode.LOCAL_SET || op == OpCode.LOCAL_TEE) && in.operand(0) == local) {
                AnnotatedInstruction value = k > 0 ? ins.get(k - 1) : null;
                return value != null && value.opcode() == OpCode.I32_CONST ? (long) (int) value.operand(0) : null;
            }
            boolean transparent = straight(op) || op == OpCode.BLOCK || op == OpCode.IF || op == OpCode.BR_IF
                    || op == OpCode.CALL || op == OpCode.CALL_INDIRECT;
            if (!transparent) {
                return null;
            }
        }
        return local >= params ? 0L : null; // declared locals start at zero; parameters are unknown
    }

    /**
     * The smallest {@code j >= from} for which {@code start + j * step} meets the exit condition against
     * {@code limit}, or -1 when that is not certain without wrap-around.
     */
    private static long firstExit(long start, long step, long limit, Exit exit, long from) {
        if (step <= 0 || step > MAX_STEP) {
            return -1;
        }
        long first;
        switch (exit) {
            case EQ -> {
                long distance = (limit - start) & 0xffffffffL;
                if (distance >= BOUND || distance % step != 0) {
                    return -1;
                }
                first = distance / step;
                return first >= from ? first : -1;
            }
            case GE_U -> {
                start &= 0xffffffffL;
                limit &= 0xffffffffL;
                if (start >= BOUND || limit > BOUND) {
                    return -1;
                }
            }
            case GE_S -> {
                if (Math.abs(start) > BOUND || Math.abs(limit) > BOUND) {
                    return -1;
                }
            }
            default -> throw new IllegalStateException();
        }
        first = limit <= start ? 0 : (limit - start + step - 1) / step;
        return Math.max(first, from);
    }

    private static Counted total(int end, long times, long cost, long moreTimes, long moreCost) {
        try {
            return new Counted(end, Math.addExact(Math.multiplyExact(times, cost), Math.multiplyExact(moreTimes,
                    moreCost)));
        } catch (ArithmeticException e) {
            return null;
        }
    }

    private static long cost(List<AnnotatedInstruction> ins, int from, int to, CostTable.Weights weights) {
        long cost = 0;
        for (int k = from; k < to; k++) {
            cost += weights.of(ins.get(k));
        }
        return cost;
    }

    /** Whether an instruction just falls through to the next one (or traps): no branch, block, call or bulk op. */
    private static boolean straight(OpCode op) {
        String name = op.name();
        return !(name.startsWith("BR") || name.startsWith("CALL") || name.startsWith("RETURN")
                || name.startsWith("THROW") || name.startsWith("RETHROW") || name.startsWith("TRY")
                || name.startsWith("CATCH") || name.startsWith("DELEGATE")
                || op == OpCode.BLOCK || op == OpCode.LOOP || op == OpCode.IF || op == OpCode.ELSE
                || op == OpCode.END || op == OpCode.UNREACHABLE
                || op == OpCode.MEMORY_FILL || op == OpCode.MEMORY_COPY || op == OpCode.MEMORY_INIT
                || op == OpCode.TABLE_FILL || op == OpCode.TABLE_COPY || op == OpCode.TABLE_INIT);
    }
}
