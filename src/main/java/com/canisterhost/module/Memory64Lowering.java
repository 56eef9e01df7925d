package com.canisterhost.module;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Lowers a wasm64 module (a 64-bit memory, 64-bit tables) to an equivalent wasm32 module at byte level, before Chicory
 * (which parses neither) sees it. Written by hand: no Java library rewrites Wasm, and this pass has to leave
 * everything else byte for byte as it was, for the metering that follows.
 *
 * <ul>
 *   <li>64-bit memory and table limits become 32-bit ones; a memory's missing or larger maximum becomes the heap cap
 *       (a table's: the table size cap), so growing past it still fails;
 *   <li>active data and element segments' {@code i64.const} offsets become {@code i32.const}, saturated so that an
 *       offset a 64-bit engine finds out of bounds is out of bounds here too;
 *   <li>in code, every instruction that takes or returns a 64-bit address, size or index gets straight-line code
 *       around it ({@link Memory64Code}); basic blocks stay as they were, and the ranges it inserts are reported so
 *       that metering charges the original instructions only.
 * </ul>
 *
 * A module with neither a 64-bit memory nor a 64-bit table comes back as it is.
 */
final class Memory64Lowering {

    /**
     * What a 64-bit table index of 2^31 or more becomes: larger than any table (a 64-bit table's size is capped
     * below it), and small enough that two of them add up without overflowing an int.
     */
    static final int PAST_EVERY_TABLE = (1 << 30) - 1;
    /** A memory64 memory has at most 2^48 pages (the 64-bit address space). */
    private static final long MAX_PAGES_64 = 1L << 48;
    /** Limits without a maximum: compares (unsigned) larger than every declared one. */
    private static final long NO_MAXIMUM = -1;
    private static final int HAS_MAX = ModuleShape.HAS_MAX;
    private static final int ADDRESS_64 = ModuleShape.ADDRESS_64;
    private static final int TYPE = 1;
    private static final int IMPORT = 2;
    private static final int FUNCTION = 3;
    private static final int TABLE = 4;
    private static final int MEMORY = 5;
    private static final int ELEMENT = 9;
    private static final int DATA = 11;

    /** What became of a module. */
    static final class Result {
        private final byte[] bytes;
        private final boolean memory64;
        private final boolean lowered;
        private final InsertedCode inserted;
        private final int[] loweredAt;
        private final int[] originalAt;
        private final boolean[] exact;

        private Result(byte[] bytes, boolean memory64, boolean lowered, InsertedCode inserted, List<int[]> anchors) {
            this.bytes = bytes;
            this.memory64 = memory64;
            this.lowered = lowered;
            this.inserted = inserted;
            this.loweredAt = anchors.stream().mapToInt(a -> a[0]).toArray();
            this.originalAt = anchors.stream().mapToInt(a -> a[1]).toArray();
            this.exact = new boolean[anchors.size()];
            for (int i = 0; i < exact.length; i++) {
                exact[i] = anchors.get(i)[2] == 1;
            }
        }

        /** The module to parse and run: the lowered one, or the input if it needed no lowering. */
        byte[] bytes() {
            return bytes;
        }

        /** Whether the module's memory is 64-bit, so that the System API's {@code I} is i64. */
        boolean memory64() {
            return memory64;
        }

        /** Whether anything was rewritten (a 64-bit memory or table). */
        boolean lowered() {
            return lowered;
        }

        InsertedCode inserted() {
            return inserted;
        }

        /** Where a byte of the lowered module came from in the input (inserted code: its instruction's start). */
        int original(int offset) {
            int i = Arrays.binarySearch(loweredAt, offset);
            int anchor = i >= 0 ? i : -i - 2;
            if (anchor < 0) {
                return offset;
            }
            return exact[anchor] ? originalAt[anchor] + (offset - loweredAt[anchor]) : originalAt[anchor];
        }

        /** The problem with its byte offset (found in the lowered module) turned into one of the input. */
        InvalidModuleException relocate(InvalidModuleException problem) {
            ModuleLocation where = problem.location();
            if (!lowered || where.offset() == null) {
                return problem;
            }
            return problem.at(new ModuleLocation(where.section(), where.index(), where.name(),
                    original(where.offset())));
        }
    }

    private final byte[] wasm;
    private final SectionMap sections;
    private final ModuleProperties.Limits limits;
    private final ModuleShape shape;
    private final List<Integer> typeParams = new ArrayList<>();
    private final List<Integer> functionParams = new ArrayList<>();
    private int importedFunctions;
    private int importedTables;
    private int importedMemories;

    private Memory64Lowering(SectionMap sections, ModuleProperties.Limits limits, ModuleShape shape) {
        this.wasm = sections.bytes();
        this.sections = sections;
        this.limits = limits;
        this.shape = shape;
    }

    /** Lowers the module if it has a 64-bit memory or table; anything else comes back unchanged. */
    static Result lower(SectionMap sections, ModuleProperties.Limits limits) {
        ModuleShape shape = ModuleShape.of(sections);
        if (shape == null || !shape.any64()) {
            return new Result(sections.bytes(), false, false, InsertedCode.NONE, List.of());
        }
        return new Memory64Lowering(sections, limits, shape).lower();
    }

    private Result lower() {
        MappedWriter module = new MappedWriter();
        module.copy(wasm, 0, 8);
        for (SectionMap.Section section : sections.sections()) {
            try {
                MappedWriter content = switch (section.id()) {
                    case TYPE -> {
                        readTypes(section);
                        yield null;
                    }
                    case IMPORT -> imports(section);
                    case FUNCTION -> {
                        readFunctions(section);
                        yield null;
                    }
                    case TABLE -> tables(section);
                    case MEMORY -> memories(section);
                    case ELEMENT -> elements(section);
                    case SectionMap.CODE -> new Memory64Code(wasm, shape, importedFunctions, functionParams)
                            .lower(section);
                    case DATA -> data(section);
                    default -> null;
                };
                if (content == null) {
                    module.copy(wasm, section.headerOffset(), section.end());
                } else {
                    module.stand(section.headerOffset());
                    module.out.op(section.id()).u32(content.size());
                    module.append(content);
                }
            } catch (WasmReader.Malformed e) {
                throw new InvalidModuleException(InvalidModuleException.Kind.MALFORMED, "section-content",
                        new ModuleLocation(section.name(), null, null, e.offset), "malformed: " + e.getMessage());
            }
        }
        return new Result(module.out.toByteArray(), shape.memory64(0), true, module.inserted(), module.anchors);
    }

    private void readTypes(SectionMap.Section section) {
        WasmReader r = reader(section);
        for (int n = r.index(); n > 0; n--) {
            if (r.u8() != 0x60) {
                throw new WasmReader.Malformed(r.pos() - 1, "only function types are supported");
            }
            int params = r.index();
            for (int i = 0; i < params; i++) {
                r.valType();
            }
            for (int results = r.index(); results > 0; results--) {
                r.valType();
            }
            typeParams.add(params);
        }
    }

    private void readFunctions(SectionMap.Section section) {
        WasmReader r = reader(section);
        for (int n = r.index(); n > 0; n--) {
            int type = r.index();
            if (type >= typeParams.size()) {
                throw new WasmReader.Malformed(r.pos(), "unknown type " + type);
            }
            functionParams.add(typeParams.get(type));
        }
    }

    private MappedWriter imports(SectionMap.Section section) {
        WasmReader r = reader(section);
        MappedWriter out = new MappedWriter();
        int from = r.pos();
        for (int n = r.index(), i = 0; i < n; i++) {
            r.skip(r.u32());
            r.skip(r.u32());
            int kind = r.u8();
            switch (kind) {
                case 0 -> {
                    r.u32();
                    importedFunctions++;
                }
                case 1 -> {
                    r.valType();
                    ModuleLocation where = new ModuleLocation("import", i, null, null);
                    from = tableLimits(r, out, from, shape.table64(importedTables++), where);
                }
                case 2 -> from = memoryLimits(r, out, from, shape.memory64(importedMemories++),
                        new ModuleLocation("import", i, null, null));
                case 3 -> {
                    r.valType();
                    r.u8();
                }
                default -> {
                    r.u8();
                    r.u32();
                }
            }
        }
        out.copy(wasm, from, section.end());
        return out;
    }

    private MappedWriter tables(SectionMap.Section section) {
        WasmReader r = reader(section);
        MappedWriter out = new MappedWriter();
        int from = r.pos();
        for (int n = r.index(), i = 0; i < n; i++) {
            boolean initialized = r.peek() == 0x40;
            if (initialized) {
                r.u8();
                r.u8();
            }
            r.valType();
            ModuleLocation where = new ModuleLocation("table", i, null, null);
            from = tableLimits(r, out, from, shape.table64(importedTables + i), where);
            if (initialized) {
                r.skipConstantExpression();
            }
        }
        out.copy(wasm, from, section.end());
        return out;
    }

    private MappedWriter memories(SectionMap.Section section) {
        WasmReader r = reader(section);
        MappedWriter out = new MappedWriter();
        int from = r.pos();
        for (int n = r.index(), i = 0; i < n; i++) {
            from = memoryLimits(r, out, from, shape.memory64(importedMemories + i),
                    new ModuleLocation("memory", i, null, null));
        }
        out.copy(wasm, from, section.end());
        return out;
    }

    /**
     * Rewrites the memory limits at the reader (copying what comes before them since {@code from}) if they are 64-bit:
     * the same flags without the 64-bit bit, and a maximum (the heap cap when none or a larger one is declared).
     * Returns where copying resumes.
     */
    private int memoryLimits(WasmReader r, MappedWriter out, int from, boolean wide, ModuleLocation where) {
        return limits(r, out, from, wide, Math.min(limits.maxHeapPages(), 65536), (initial, maximum) -> {
            if (Long.compareUnsigned(initial, MAX_PAGES_64) > 0 || Long.compareUnsigned(maximum, MAX_PAGES_64) > 0
                    && maximum != NO_MAXIMUM) {
                throw new InvalidModuleException(InvalidModuleException.Kind.INVALID, "type-check", where,
                        "invalid: a 64-bit memory has at most 2^48 pages");
            }
            if (initial > limits.maxHeapPages()) {
                throw new InvalidModuleException(InvalidModuleException.Kind.LIMIT, "initial-memory", where,
                        "initial memory of " + initial + " pages is over the heap limit of " + limits.maxHeapPages()
                                + " pages");
            }
        });
    }

    /** The same for table limits; the cap of a 64-bit table is the table size limit. */
    private int tableLimits(WasmReader r, MappedWriter out, int from, boolean wide, ModuleLocation where) {
        long cap = Math.min(limits.maxTableSize(), PAST_EVERY_TABLE - 1);
        return limits(r, out, from, wide, cap, (initial, maximum) -> {
            if (Long.compareUnsigned(initial, cap) > 0) {
                throw new InvalidModuleException(InvalidModuleException.Kind.LIMIT, "table-size", where, "table of "
                        + Long.toUnsignedString(initial) + " entries is over the limit of " + cap);
            }
        });
    }

    private int limits(WasmReader r, MappedWriter out, int from, boolean wide, long cap,
            java.util.function.BiConsumer<Long, Long> check) {
        int at = r.pos();
        int flags = r.u8();
        if (!wide) {
            limitsRest(r, flags);
            return from;
        }
        long initial = r.u64();
        long maximum = (flags & HAS_MAX) != 0 ? r.u64() : NO_MAXIMUM;
        check.accept(initial, maximum);
        out.copy(wasm, from, at);
        out.stand(at);
        out.out.op((flags & ~ADDRESS_64) | HAS_MAX).u32(initial)
                .u32(Long.compareUnsigned(maximum, cap) > 0 ? cap : maximum);
        return r.pos();
    }

    private static void limitsRest(WasmReader r, int flags) {
        r.u32();
        if ((flags & HAS_MAX) != 0) {
            r.u32();
        }
    }

    /** Active segments on a 64-bit table get an {@code i32.const} offset (past every table when it was huge). */
    private MappedWriter elements(SectionMap.Section section) {
        WasmReader r = reader(section);
        MappedWriter out = new MappedWriter();
        int from = r.pos();
        for (int n = r.index(), s = 0; s < n; s++) {
            int i = s;
            int flags = r.index();
            if (flags > 7) {
                throw new WasmReader.Malformed(r.pos(), "malformed element segment flags " + flags);
            }
            boolean active = (flags & 1) == 0;
            int table = active && (flags & 2) != 0 ? r.index() : 0;
            if (active) {
                if (shape.table64(table)) {
                    out.copy(wasm, from, r.pos());
                    from = offset(r, out, PAST_EVERY_TABLE, () -> new InvalidModuleException(
                            InvalidModuleException.Kind.INVALID, "element-offset",
                            new ModuleLocation("element", i, null, null), "an active element segment of a 64-bit "
                                    + "table must have a constant offset (a single i64.const)"));
                } else {
                    r.skipConstantExpression();
                }
            }
            boolean expressions = (flags & 4) != 0;
            if ((flags & 3) != 0) {
                if (expressions) {
                    r.valType();
                } else {
                    r.u8(); // element kind
                }
            }
            for (int items = r.index(); items > 0; items--) {
                if (expressions) {
                    r.skipConstantExpression();
                } else {
                    r.u32();
                }
            }
        }
        out.copy(wasm, from, section.end());
        return out;
    }

    /** Active segments on a 64-bit memory get an {@code i32.const} offset (past every heap when it was huge). */
    private MappedWriter data(SectionMap.Section section) {
        WasmReader r = reader(section);
        MappedWriter out = new MappedWriter();
        int from = r.pos();
        for (int n = r.index(), s = 0; s < n; s++) {
            int i = s;
            int flags = r.index();
            if (flags > 2) {
                throw new WasmReader.Malformed(r.pos(), "malformed data segment flags " + flags);
            }
            if (flags != 1) {
                int memory = flags == 2 ? r.index() : 0;
                if (shape.memory64(memory)) {
                    out.copy(wasm, from, r.pos());
                    from = offset(r, out, 0xffffffffL, () -> new InvalidModuleException(
                            InvalidModuleException.Kind.DATA_SEGMENT, "data-offset",
                            new ModuleLocation("data", i, null, null), "active data segments of a 64-bit memory must "
                                    + "have a constant offset (a single i64.const)"));
                } else {
                    r.skipConstantExpression();
                }
            }
            r.skip(r.u32());
        }
        out.copy(wasm, from, section.end());
        return out;
    }

    /**
     * Rewrites the offset expression at the reader, which must be {@code i64.const v; end}, as {@code i32.const}
     * of {@code v}, or of {@code ceiling} when v is larger (then the segment is out of bounds either way: no memory
     * or table here reaches that far). Returns where copying resumes.
     */
    private int offset(WasmReader r, MappedWriter out, long ceiling,
            java.util.function.Supplier<InvalidModuleException> refusal) {
        int at = r.pos();
        if (r.u8() != WasmWriter.I64_CONST) {
            throw refusal.get();
        }
        long value = r.signed(64);
        if (r.u8() != WasmWriter.END) {
            throw refusal.get();
        }
        out.stand(at);
        out.out.i32Const((int) (Long.compareUnsigned(value, ceiling) > 0 ? ceiling : value)).op(WasmWriter.END);
        return r.pos();
    }

    private WasmReader reader(SectionMap.Section section) {
        return new WasmReader(wasm, section.contentOffset(), section.end());
    }
}
