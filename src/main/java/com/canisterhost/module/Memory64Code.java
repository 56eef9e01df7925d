package com.canisterhost.module;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The code part of {@link Memory64Lowering}: function bodies with every instruction that takes a 64-bit address, size
 * or index (of a 64-bit memory or table) wrapped in straight-line code that hands the 32-bit instruction an i32:
 *
 * <ul>
 *   <li>an i64 operand {@code x} becomes {@code x < 2^32 ? (i32) x : 0xffffffff} (seven instructions, with a
 *       {@code select}, no branch). Memories here are far below 4 GiB, so 0xffffffff is out of bounds wherever
 *       {@code x} was: the access traps and {@code memory.grow} answers -1, exactly where a 64-bit engine would.
 *       A table index becomes {@code x < 2^31 ? (i32) x : 2^30 - 1}, past every table for the same reason;
 *   <li>a load or store's offset of 2^32 or more becomes 0xffffffff, which always traps, as the original does;
 *   <li>operands above the converted one (a store's value, a bulk operation's other operands) are set aside in
 *       scratch locals, one per type and position, appended to the function's locals;
 *   <li>an i32 result ({@code memory.size}, {@code memory.grow}, {@code table.size}, {@code table.grow}) is
 *       widened back to i64, sign-extended for the grows so that -1 stays -1 (page and element counts are below
 *       2^31).
 * </ul>
 *
 * SIMD and atomics are refused here, with the determinism rules that refuse them in every module.
 */
final class Memory64Code {

    private static final byte[] I32 = {(byte) WasmWriter.TYPE_I32};
    private static final byte[] I64 = {(byte) WasmWriter.TYPE_I64};
    private static final byte[] F32 = {(byte) WasmWriter.TYPE_F32};
    private static final byte[] F64 = {(byte) WasmWriter.TYPE_F64};
    private static final long TWO_TO_32 = 1L << 32;

    private final byte[] wasm;
    private final ModuleShape shape;
    private final int importedFunctions;
    private final List<Integer> functionParams;

    Memory64Code(byte[] wasm, ModuleShape shape, int importedFunctions, List<Integer> functionParams) {
        this.wasm = wasm;
        this.shape = shape;
        this.importedFunctions = importedFunctions;
        this.functionParams = functionParams;
    }

    /**
     * An operand of an instruction, bottom of the stack first: an address, size or index to convert from i64 to i32
     * (of a memory or of a table), or one of a type.
     */
    private record Operand(boolean convert, boolean table, byte[] type) {
        static Operand address(boolean wide) {
            return new Operand(wide, false, I32);
        }

        static Operand index(boolean wide) {
            return new Operand(wide, true, I32);
        }

        static Operand of(byte[] type) {
            return new Operand(false, false, type);
        }
    }

    MappedWriter lower(SectionMap.Section code) {
        WasmReader r = new WasmReader(wasm, code.contentOffset(), code.end());
        MappedWriter out = new MappedWriter();
        out.stand(r.pos());
        int count = r.index();
        if (count != functionParams.size()) {
            throw new WasmReader.Malformed(code.contentOffset(), "function and code section have inconsistent "
                    + "lengths");
        }
        out.out.u32(count);
        for (int i = 0; i < count; i++) {
            int sizeAt = r.pos();
            long size = r.u32();
            int start = r.pos();
            r.skip(size);
            MappedWriter body = body(i, start, r.pos());
            out.stand(sizeAt);
            out.out.u32(body.size());
            out.append(body);
        }
        if (!r.atEnd()) {
            throw new WasmReader.Malformed(r.pos(), "section size mismatch");
        }
        return out;
    }

    /** Scratch locals of one function, appended after its own: one per key, declared in the order first used. */
    private static final class Scratch {
        private final long base;
        private final Map<String, Integer> locals = new HashMap<>();
        private final List<byte[]> types = new ArrayList<>();

        Scratch(long base) {
            this.base = base;
        }

        int local(String key, byte[] type) {
            return locals.computeIfAbsent(key, k -> {
                types.add(type);
                return (int) (base + types.size() - 1);
            });
        }
    }

    private MappedWriter body(int function, int start, int end) {
        WasmReader r = new WasmReader(wasm, start, end);
        long declared = functionParams.get(function);
        for (int groups = r.index(); groups > 0; groups--) {
            declared += r.u32();
            r.valType();
        }
        int expression = r.pos();
        Scratch scratch = new Scratch(declared);
        MappedWriter code = new MappedWriter();
        new Lowering(function, r, code, scratch).run();
        MappedWriter body = new MappedWriter();
        if (scratch.types.isEmpty()) {
            body.copy(wasm, start, expression);
        } else {
            WasmReader locals = new WasmReader(wasm, start, end);
            long groups = locals.u32();
            body.stand(start);
            body.out.u32(groups + scratch.types.size());
            body.copy(wasm, locals.pos(), expression);
            for (byte[] type : scratch.types) {
                body.out.u32(1).bytes(type);
            }
        }
        body.append(code);
        return body;
    }

    /** One function body's instructions, copied in runs, with the lowered ones rewritten. */
    private final class Lowering {
        private final int function;
        private final WasmReader r;
        private final MappedWriter out;
        private final Scratch scratch;
        private int copied;
        private int at;

        Lowering(int function, WasmReader r, MappedWriter out, Scratch scratch) {
            this.function = function;
            this.r = r;
            this.out = out;
            this.scratch = scratch;
            this.copied = r.pos();
        }

        void run() {
            while (!r.atEnd()) {
                at = r.pos();
                int op = r.u8();
                if (op >= 0x28 && op <= 0x3e) {
                    memoryAccess(op);
                } else if (op == 0x3f || op == 0x40) {
                    int memory = r.index();
                    if (shape.memory64(memory)) {
                        begin(op == 0x40 ? new Operand[] {Operand.address(true)} : new Operand[0]);
                        instruction();
                        widen(op == 0x40);
                    }
                } else if (op == 0x11 || op == 0x13) {
                    r.u32();
                    int table = r.index();
                    if (shape.table64(table)) {
                        begin(Operand.index(true));
                        instruction();
                        done();
                    }
                } else if (op == 0x25 || op == 0x26) {
                    int table = r.index();
                    if (shape.table64(table)) {
                        begin(op == 0x25 ? new Operand[] {Operand.index(true)}
                                : new Operand[] {Operand.index(true), Operand.of(tableType(table))});
                        instruction();
                        done();
                    }
                } else if (op == 0xfc) {
                    bulk();
                } else if (op == 0xfd || op == 0xfe) {
                    boolean simd = op == 0xfd;
                    throw new InvalidModuleException(InvalidModuleException.Kind.NONDETERMINISTIC,
                            simd ? "simd" : "threads-atomic",
                            new ModuleLocation("code", importedFunctions + function, null, at),
                            (simd ? "a SIMD instruction uses SIMD" : "an atomic instruction uses atomics")
                                    + ", which no profile allows");
                } else {
                    r.skipImmediates(op);
                }
            }
            out.copy(wasm, copied, r.pos());
        }

        private void memoryAccess(int op) {
            long align = r.u32();
            int memory = (align & 0x40) != 0 ? r.index() : 0;
            int offsetAt = r.pos();
            boolean wide = shape.memory64(memory);
            long offset = wide ? r.u64() : r.u32();
            if (!wide) {
                return;
            }
            boolean store = op >= 0x36;
            begin(store ? new Operand[] {Operand.address(true), Operand.of(storedType(op))}
                    : new Operand[] {Operand.address(true)});
            out.stand(at);
            out.out.op(op).bytes(wasm, at + 1, offsetAt);
            out.out.u32(Long.compareUnsigned(offset, TWO_TO_32) < 0 ? offset : 0xffffffffL);
            done();
        }

        private void bulk() {
            int sub = r.index();
            switch (sub) {
                case 8 -> { // memory.init data memory: (address, i32, i32)
                    r.u32();
                    int memory = r.index();
                    if (shape.memory64(memory)) {
                        begin(Operand.address(true), Operand.of(I32), Operand.of(I32));
                        instruction();
                        done();
                    }
                }
                case 10, 14 -> { // memory.copy / table.copy dst src: (dst address, src address, the narrower size)
                    boolean table = sub == 14;
                    boolean dst = table ? shape.table64(r.index()) : shape.memory64(r.index());
                    boolean src = table ? shape.table64(r.index()) : shape.memory64(r.index());
                    if (dst || src) {
                        begin(new Operand(dst, table, I32), new Operand(src, table, I32),
                                new Operand(dst && src, table, I32));
                        instruction();
                        done();
                    }
                }
                case 11 -> { // memory.fill: (address, i32 value, size)
                    int memory = r.index();
                    if (shape.memory64(memory)) {
                        begin(Operand.address(true), Operand.of(I32), Operand.address(true));
                        instruction();
                        done();
                    }
                }
                case 12 -> { // table.init element table: (address, i32, i32)
                    r.u32();
                    int table = r.index();
                    if (shape.table64(table)) {
                        begin(Operand.index(true), Operand.of(I32), Operand.of(I32));
                        instruction();
                        done();
                    }
                }
                case 15, 16, 17 -> { // table.grow (ref, n) / table.size / table.fill (address, ref, n)
                    int table = r.index();
                    if (shape.table64(table)) {
                        if (sub == 15) {
                            begin(Operand.index(true));
                        } else if (sub == 16) {
                            begin();
                        } else {
                            begin(Operand.index(true), Operand.of(tableType(table)), Operand.index(true));
                        }
                        instruction();
                        widen(sub == 15 ? Boolean.TRUE : sub == 16 ? Boolean.FALSE : null);
                    }
                }
                case 9, 13 -> r.u32();
                default -> {
                    if (sub > 7) {
                        throw new WasmReader.Malformed(at, "unknown instruction 0xfc " + sub);
                    }
                }
            }
        }

        /**
         * Starts a lowered instruction: copies what came before it, then converts the operands (bottom first) that
         * need it, setting aside those above the deepest one to convert.
         */
        private void begin(Operand... operands) {
            out.copy(wasm, copied, at);
            out.stand(at);
            int start = out.size();
            int deepest = -1;
            for (int i = operands.length - 1; i >= 0; i--) {
                if (operands[i].convert()) {
                    deepest = i;
                }
            }
            if (deepest >= 0) {
                int[] aside = new int[operands.length];
                Map<String, Integer> used = new HashMap<>();
                for (int i = operands.length - 1; i > deepest; i--) {
                    if (operands[i].convert()) {
                        saturate(operands[i].table());
                    }
                    String type = HexFormat.of().formatHex(operands[i].type());
                    int ordinal = used.merge(type, 1, Integer::sum);
                    aside[i] = scratch.local(type + "#" + ordinal, operands[i].type());
                    out.out.op(WasmWriter.LOCAL_SET, aside[i]);
                }
                saturate(operands[deepest].table());
                for (int i = deepest + 1; i < operands.length; i++) {
                    out.out.op(WasmWriter.LOCAL_GET, aside[i]);
                }
            }
            out.inserted(start);
        }

        /** Copies the original instruction (its operands are i32 now, its bytes the same). */
        private void instruction() {
            out.copy(wasm, at, r.pos());
        }

        /** After the instruction: widens an i32 result to i64 (sign-extended if {@code signed}), if any. */
        private void widen(Boolean signed) {
            if (signed != null) {
                int start = out.size();
                out.stand(at);
                out.out.op(signed ? WasmWriter.I64_EXTEND_I32_S : WasmWriter.I64_EXTEND_I32_U);
                out.inserted(start);
            }
            done();
        }

        private void done() {
            copied = r.pos();
        }

        /**
         * i64 x on the stack becomes the i32 {@code x < 2^32 ? x : 0xffffffff} for a memory, and
         * {@code x < 2^31 ? x : PAST_EVERY_TABLE} for a table: Chicory's table instructions read their operands as
         * signed ints and miss some out-of-bounds cases with negative ones or with sums that overflow, so no index
         * past a table reaches them as anything but that one positive value.
         */
        private void saturate(boolean table) {
            int t = scratch.local("saturate", I64);
            out.out.op(WasmWriter.LOCAL_TEE, t).op(WasmWriter.I32_WRAP_I64)
                    .i32Const(table ? Memory64Lowering.PAST_EVERY_TABLE : -1)
                    .op(WasmWriter.LOCAL_GET, t).i64Const(table ? 1L << 31 : TWO_TO_32).op(WasmWriter.I64_LT_U)
                    .op(WasmWriter.SELECT);
        }

        private byte[] tableType(int table) {
            return shape.tableTypes().get(table);
        }
    }

    private static byte[] storedType(int op) {
        return switch (op) {
            case 0x36, 0x3a, 0x3b -> I32;
            case 0x38 -> F32;
            case 0x39 -> F64;
            default -> I64;
        };
    }
}
