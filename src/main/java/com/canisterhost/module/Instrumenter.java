package com.canisterhost.module;

import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.AnnotatedInstruction;
import com.dylibso.chicory.wasm.types.FunctionBody;
import com.dylibso.chicory.wasm.types.OpCode;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Install-time metering, as the IC does it (docs/design.md, Metering), written by hand because no Java library
 * rewrites Wasm this way. It splices code into the original function bodies at byte level, so everything else in
 * the module keeps its bytes and indices:
 *
 * <ul>
 *   <li>an i64 instruction counter (a new mutable global the host sets to the message's limit) is charged per basic
 *       block with the static weights of {@link CostTable}; re-entrant blocks (function entry, loop headers) also
 *       check it and trap with {@code unreachable} once it is negative; a loop whose trip count is known at
 *       install time ({@link CountedLoops}) is charged and checked once, in full, before it starts, which costs
 *       the same total and keeps checks out of tight fixed-count loops;
 *   <li>bulk memory and table operations are charged one more per byte or element before they run, and a
 *       {@code memory.grow} a fixed amount per page it added, after it ran;
 *   <li>every function counts down the nested calls still allowed (a second global, set by the host, kept in a local
 *       while the function runs and handed on before each call) and traps once none is left, so runaway recursion
 *       is a deterministic trap rather than a JVM stack overflow;
 *   <li>under {@code canonical-nan}, every float result that can be NaN is replaced by the canonical NaN.
 * </ul>
 *
 * The host tells the two traps apart from a canister trap by reading the globals afterwards.
 */
final class Instrumenter {

    /** The instrumented bytes and where the host finds its globals. */
    record Result(byte[] bytes, Metering metering) {}

    private static final Set<OpCode> BLOCK_ENDS = EnumSet.of(OpCode.IF, OpCode.ELSE, OpCode.BR, OpCode.BR_IF,
            OpCode.BR_TABLE, OpCode.END, OpCode.RETURN, OpCode.UNREACHABLE, OpCode.RETURN_CALL,
            OpCode.RETURN_CALL_INDIRECT);
    private static final Set<OpCode> BULK = EnumSet.of(OpCode.MEMORY_FILL, OpCode.MEMORY_COPY, OpCode.MEMORY_INIT,
            OpCode.TABLE_FILL, OpCode.TABLE_COPY, OpCode.TABLE_INIT);
    private static final Set<OpCode> CALLS = EnumSet.of(OpCode.CALL, OpCode.CALL_INDIRECT);
    private static final Set<OpCode> F32_MAY_BE_NAN = EnumSet.of(OpCode.F32_ADD, OpCode.F32_SUB, OpCode.F32_MUL,
            OpCode.F32_DIV, OpCode.F32_SQRT, OpCode.F32_MIN, OpCode.F32_MAX, OpCode.F32_CEIL, OpCode.F32_FLOOR,
            OpCode.F32_TRUNC, OpCode.F32_NEAREST, OpCode.F32_DEMOTE_F64);
    private static final Set<OpCode> F64_MAY_BE_NAN = EnumSet.of(OpCode.F64_ADD, OpCode.F64_SUB, OpCode.F64_MUL,
            OpCode.F64_DIV, OpCode.F64_SQRT, OpCode.F64_MIN, OpCode.F64_MAX, OpCode.F64_CEIL, OpCode.F64_FLOOR,
            OpCode.F64_TRUNC, OpCode.F64_NEAREST, OpCode.F64_PROMOTE_F32);
    private static final int CANONICAL_NAN_F32 = 0x7fc00000;
    private static final long CANONICAL_NAN_F64 = 0x7ff8000000000000L;
    private static final int GLOBAL_SECTION = 6;
    private static final int GLOBAL_RANK = 7; // SectionMap's order position of the global section

    private Instrumenter() {}

    /**
     * Scratch locals appended to each function: i32 and the counter (i64) always, f32 and f64 under canonical-nan,
     * then the calls left (i32).
     */
    private record Scratch(int i32, int counter, int f32, int f64, int callsLeft) {}

    /**
     * Instruments {@code module} (parsed from {@code sections}' bytes); {@code weights} says what its instructions cost
     * (in a lowered wasm64 module, the host's insertions cost nothing).
     */
    static Result instrument(SectionMap sections, WasmModule module, DeterminismProfile profile,
            CostTable.Weights weights) {
        byte[] wasm = sections.bytes();
        int globals = module.globalSection().globalCount();
        int counter = globals;
        int depth = globals + 1;
        boolean canonicalize = profile == DeterminismProfile.CANONICAL_NAN;

        WasmWriter code = new WasmWriter();
        int[][] bodies = sections.functionBodies();
        code.u32(bodies.length);
        for (int i = 0; i < bodies.length; i++) {
            byte[] body = body(wasm, bodies[i], module, i, counter, depth, canonicalize, weights);
            code.u32(body.length).bytes(body);
        }

        WasmWriter global = new WasmWriter();
        var existing = sections.section(GLOBAL_SECTION);
        global.u32(globals + 2);
        existing.ifPresent(s -> {
            long[] count = SectionMap.readU32(wasm, s.contentOffset());
            global.bytes(wasm, (int) count[1], s.end());
        });
        global.op(WasmWriter.TYPE_I64).op(1).i64Const(0).op(WasmWriter.END);
        global.op(WasmWriter.TYPE_I32).op(1).i32Const(0).op(WasmWriter.END);

        WasmWriter out = new WasmWriter().bytes(wasm, 0, 8);
        boolean globalWritten = false;
        for (SectionMap.Section section : sections.sections()) {
            if (!globalWritten && section.id() != SectionMap.CUSTOM
                    && (section.id() == GLOBAL_SECTION || SectionMap.rank(section.id()) > GLOBAL_RANK)) {
                writeSection(out, GLOBAL_SECTION, global);
                globalWritten = true;
                if (section.id() == GLOBAL_SECTION) {
                    continue;
                }
            }
            if (section.id() == SectionMap.CODE) {
                writeSection(out, SectionMap.CODE, code);
            } else {
                out.bytes(wasm, section.headerOffset(), section.end());
            }
        }
        if (!globalWritten) {
            writeSection(out, GLOBAL_SECTION, global);
        }
        return new Result(out.toByteArray(), new Metering(CostTable.VERSION, globals, counter, depth));
    }

    private static void writeSection(WasmWriter out, int id, WasmWriter content) {
        out.op(id).u32(content.size()).bytes(content.toByteArray());
    }

    private static byte[] body(byte[] wasm, int[] span, WasmModule module, int index, int counter, int depth,
            boolean canonicalize, CostTable.Weights weights) {
        FunctionBody function = module.codeSection().getFunctionBody(index);
        List<AnnotatedInstruction> instructions = function.instructions();
        int first = instructions.get(0).address();
        int params = module.functionSection().getFunctionType(index, module.typeSection()).params().size();
        int locals = params + function.localTypes().size();
        Scratch scratch = new Scratch(locals, locals + 1, locals + 2, locals + 3, locals + (canonicalize ? 4 : 2));

        long[] declCount = SectionMap.readU32(wasm, span[0]);
        WasmWriter body = new WasmWriter();
        body.u32(declCount[0] + (canonicalize ? 5 : 3));
        body.bytes(wasm, (int) declCount[1], first);
        body.u32(1).op(WasmWriter.TYPE_I32).u32(1).op(WasmWriter.TYPE_I64);
        if (canonicalize) {
            body.u32(1).op(WasmWriter.TYPE_F32).u32(1).op(WasmWriter.TYPE_F64);
        }
        body.u32(1).op(WasmWriter.TYPE_I32);

        // The counter lives in a local while the function runs (JVM locals are far cheaper than Chicory globals);
        // it is loaded at entry and after calls, and written back before calls, traps and every way out.
        body.op(WasmWriter.GLOBAL_GET, counter).op(WasmWriter.LOCAL_SET, scratch.counter());
        // Likewise the calls still allowed: one global read per function entry and one write per call, instead of
        // a read-modify-write around every call (each global access is a method call in Chicory's compiled code,
        // and it eats into the JIT's inlining budget of the function).
        enterFunction(body, depth, scratch);
        Map<Integer, WasmWriter> charges = new TreeMap<>();
        TreeMap<Integer, WasmWriter> inserts = new TreeMap<>();
        int point = first;
        boolean check = true;
        boolean entry = true;
        long cost = 0;
        int countedEnd = -1; // inside a counted loop (charged in full before it) up to this instruction index
        for (int k = 0; k < instructions.size(); k++) {
            AnnotatedInstruction instruction = instructions.get(k);
            OpCode op = instruction.opcode();
            int at = instruction.address();
            boolean last = k + 1 == instructions.size();
            int next = last ? span[1] : instructions.get(k + 1).address();
            if (BULK.contains(op)) {
                chargeOperand(at(inserts, at), counter, scratch);
            } else if (op == OpCode.MEMORY_GROW) {
                chargeGrown(at(inserts, next), counter, scratch);
            }
            if (CALLS.contains(op)) {
                store(at(inserts, at), counter, scratch);
                at(inserts, at).op(WasmWriter.LOCAL_GET, scratch.callsLeft()).op(WasmWriter.GLOBAL_SET, depth);
                at(inserts, next).op(WasmWriter.GLOBAL_GET, counter).op(WasmWriter.LOCAL_SET, scratch.counter());
            } else if (last || leavesFunction(instruction)) {
                store(at(inserts, at), counter, scratch);
                if (op == OpCode.RETURN_CALL || op == OpCode.RETURN_CALL_INDIRECT) {
                    // the callee replaces this frame: it gets the allowance this function started with
                    at(inserts, at).op(WasmWriter.LOCAL_GET, scratch.callsLeft()).i32Const(1)
                            .op(WasmWriter.I32_ADD).op(WasmWriter.GLOBAL_SET, depth);
                }
            }
            if (canonicalize && F32_MAY_BE_NAN.contains(op)) {
                canonicalize(at(inserts, next), false, scratch);
            } else if (canonicalize && F64_MAY_BE_NAN.contains(op)) {
                canonicalize(at(inserts, next), true, scratch);
            }
            if (k <= countedEnd) {
                if (k == countedEnd) { // the loop's end: what follows is an ordinary block
                    point = next;
                    check = false;
                    cost = 0;
                }
                continue;
            }
            cost += weights.of(instruction);
            boolean loop = op == OpCode.LOOP;
            CountedLoops.Counted counted = loop ? CountedLoops.of(instructions, k, params, weights) : null;
            if (counted != null) {
                // The block before the loop is charged as usual, then the whole loop at once (checked): its trip
                // count is known here, so its blocks need no charge of their own.
                long before = entry ? Math.max(1, cost) : cost;
                if (inserts.subMap(point, true, at, true).isEmpty()) {
                    // nothing between can observe the counter (no call, bulk operation or exit): one charge
                    charge(at(charges, point), counter, before + counted.cost(), true, scratch);
                } else {
                    if (before > 0) {
                        charge(at(charges, point), counter, before, check, scratch);
                    }
                    charge(at(charges, at), counter, counted.cost(), true, scratch);
                }
                entry = false;
                countedEnd = counted.end();
                continue;
            }
            if (loop || BLOCK_ENDS.contains(op)) {
                if (entry || cost > 0) {
                    charge(at(charges, point), counter, entry ? Math.max(1, cost) : cost, check, scratch);
                }
                point = next;
                check = loop;
                entry = false;
                cost = 0;
            }
        }
        if (cost > 0 && point < span[1]) {
            charge(at(charges, point), counter, cost, check, scratch);
        }
        // At one position the block's charge comes first: a call or exit right there must see it.
        inserts.forEach((position, code) -> at(charges, position).bytes(code.toByteArray()));

        int copied = first;
        for (Map.Entry<Integer, WasmWriter> insert : charges.entrySet()) {
            int position = insert.getKey();
            if (position >= span[1]) {
                break; // nothing may follow the function's final end
            }
            body.bytes(wasm, copied, position).bytes(insert.getValue().toByteArray());
            copied = position;
        }
        body.bytes(wasm, copied, span[1]);
        return body.toByteArray();
    }

    /** Whether an instruction may leave the function (the counter must be in its global by then). */
    private static boolean leavesFunction(AnnotatedInstruction instruction) {
        return switch (instruction.opcode()) {
            case RETURN, RETURN_CALL, RETURN_CALL_INDIRECT, UNREACHABLE -> true;
            case BR, BR_IF -> instruction.operand(0) == instruction.depth();
            case BR_TABLE -> java.util.Arrays.stream(instruction.operands()).anyMatch(l -> l == instruction.depth());
            default -> false;
        };
    }

    /** Writes the local counter back to its global. */
    private static void store(WasmWriter w, int counter, Scratch scratch) {
        w.op(WasmWriter.LOCAL_GET, scratch.counter()).op(WasmWriter.GLOBAL_SET, counter);
    }

    private static WasmWriter at(Map<Integer, WasmWriter> inserts, int position) {
        return inserts.computeIfAbsent(position, p -> new WasmWriter());
    }

    /** counter -= cost; with {@code check}, trap when it went negative. */
    private static void charge(WasmWriter w, int counter, long cost, boolean check, Scratch scratch) {
        w.op(WasmWriter.LOCAL_GET, scratch.counter()).i64Const(cost).op(WasmWriter.I64_SUB);
        if (check) {
            w.op(WasmWriter.LOCAL_TEE, scratch.counter());
            trapIfNegative(w, counter, scratch);
        } else {
            w.op(WasmWriter.LOCAL_SET, scratch.counter());
        }
    }

    /** Charges the i32 size operand on top of the stack (bulk operations), leaving it in place. */
    private static void chargeOperand(WasmWriter w, int counter, Scratch scratch) {
        w.op(WasmWriter.LOCAL_SET, scratch.i32())
                .op(WasmWriter.LOCAL_GET, scratch.counter())
                .op(WasmWriter.LOCAL_GET, scratch.i32()).op(WasmWriter.I64_EXTEND_I32_U)
                .op(WasmWriter.I64_SUB)
                .op(WasmWriter.LOCAL_TEE, scratch.counter());
        trapIfNegative(w, counter, scratch);
        w.op(WasmWriter.LOCAL_GET, scratch.i32());
    }

    /**
     * Follows a {@code memory.grow}: charges {@link CostTable#MEMORY_GROW_PER_PAGE} per page it added (nothing when
     * it answered -1, so asking for too much still answers -1 rather than running out of instructions), leaving
     * its result in place. The pages added are the memory's size now minus the old size the grow answered.
     */
    private static void chargeGrown(WasmWriter w, int counter, Scratch scratch) {
        w.op(WasmWriter.LOCAL_TEE, scratch.i32()).i32Const(-1).op(WasmWriter.I32_NE)
                .op(WasmWriter.IF).op(WasmWriter.VOID_BLOCK)
                .op(WasmWriter.LOCAL_GET, scratch.counter())
                .op(WasmWriter.MEMORY_SIZE, 0).op(WasmWriter.LOCAL_GET, scratch.i32()).op(WasmWriter.I32_SUB)
                .op(WasmWriter.I64_EXTEND_I32_U).i64Const(CostTable.MEMORY_GROW_PER_PAGE).op(WasmWriter.I64_MUL)
                .op(WasmWriter.I64_SUB)
                .op(WasmWriter.LOCAL_TEE, scratch.counter());
        trapIfNegative(w, counter, scratch);
        w.op(WasmWriter.END).op(WasmWriter.LOCAL_GET, scratch.i32());
    }

    /** Expects the counter on the stack; if it is negative, stores it and traps. */
    private static void trapIfNegative(WasmWriter w, int counter, Scratch scratch) {
        w.i64Const(0).op(WasmWriter.I64_LT_S).op(WasmWriter.IF).op(WasmWriter.VOID_BLOCK);
        store(w, counter, scratch);
        w.op(WasmWriter.UNREACHABLE).op(WasmWriter.END);
    }

    /**
     * callsLeft = depth global - 1; trap (leaving it negative in the global, which is how the host tells this trap
     * from the canister's own) when it went below zero. The counter needs no store: nothing was charged yet.
     */
    private static void enterFunction(WasmWriter w, int depth, Scratch scratch) {
        w.op(WasmWriter.GLOBAL_GET, depth).i32Const(1).op(WasmWriter.I32_SUB)
                .op(WasmWriter.LOCAL_TEE, scratch.callsLeft()).i32Const(0).op(WasmWriter.I32_LT_S)
                .op(WasmWriter.IF).op(WasmWriter.VOID_BLOCK)
                .op(WasmWriter.LOCAL_GET, scratch.callsLeft()).op(WasmWriter.GLOBAL_SET, depth)
                .op(WasmWriter.UNREACHABLE).op(WasmWriter.END);
    }

    /** Replaces the float on top of the stack by the canonical NaN if it is any NaN. */
    private static void canonicalize(WasmWriter w, boolean f64, Scratch scratch) {
        int local = f64 ? scratch.f64() : scratch.f32();
        w.op(WasmWriter.LOCAL_SET, local);
        if (f64) {
            w.op(WasmWriter.F64_CONST).littleEndian(CANONICAL_NAN_F64, 8);
        } else {
            w.op(WasmWriter.F32_CONST).littleEndian(CANONICAL_NAN_F32, 4);
        }
        w.op(WasmWriter.LOCAL_GET, local).op(WasmWriter.LOCAL_GET, local).op(WasmWriter.LOCAL_GET, local)
                .op(f64 ? WasmWriter.F64_NE : WasmWriter.F32_NE).op(WasmWriter.SELECT);
    }
}
