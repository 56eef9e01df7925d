package com.canisterhost.module;

import java.util.ArrayList;
import java.util.List;

/**
 * The address width of each memory and table of a module, by index (imports first), each table's element type, and
 * the first memory as declared (null if none), read from its bytes: whether {@link Memory64Lowering} has anything to
 * do, and what the validation report says of the memory.
 */
record ModuleShape(List<Boolean> memories, List<Boolean> tables, List<byte[]> tableTypes, DeclaredMemory memory) {

    static final int HAS_MAX = 0x01;
    static final int ADDRESS_64 = 0x04;
    private static final int IMPORT = 2;
    private static final int TABLE = 4;
    private static final int MEMORY = 5;

    /** A memory as declared: pages, the maximum (null if none), whether imported, whether 64-bit. */
    record DeclaredMemory(long initialPages, Long maximumPages, boolean imported, boolean memory64) {}

    boolean any64() {
        return memories.contains(true) || tables.contains(true);
    }

    boolean memory64(int index) {
        return index < memories.size() && memories.get(index);
    }

    boolean table64(int index) {
        return index < tables.size() && tables.get(index);
    }

    /** Whether the module's memory is 64-bit (for a stored module that was lowered before). */
    static boolean isMemory64(byte[] wasm) {
        ModuleShape shape = of(SectionMap.scan(wasm));
        return shape != null && shape.memory64(0);
    }

    /**
     * The widths of memories and tables, or null if the sections declaring them do not even parse: then the module is
     * left to Chicory, whose error names the problem.
     */
    static ModuleShape of(SectionMap sections) {
        byte[] wasm = sections.bytes();
        List<Boolean> memories = new ArrayList<>();
        List<Boolean> tables = new ArrayList<>();
        List<byte[]> tableTypes = new ArrayList<>();
        List<DeclaredMemory> declared = new ArrayList<>();
        try {
            for (SectionMap.Section section : sections.sections()) {
                WasmReader r = new WasmReader(wasm, section.contentOffset(), section.end());
                if (section.id() == IMPORT) {
                    for (int n = r.index(); n > 0; n--) {
                        r.skip(r.u32());
                        r.skip(r.u32());
                        int kind = r.u8();
                        switch (kind) {
                            case 0 -> r.u32();
                            case 1 -> {
                                tableTypes.add(r.valType());
                                tables.add(limits(r, true).memory64());
                            }
                            case 2 -> declared.add(limits(r, true));
                            case 3 -> {
                                r.valType();
                                r.u8();
                            }
                            case 4 -> {
                                r.u8();
                                r.u32();
                            }
                            default -> throw new WasmReader.Malformed(r.pos(), "import kind");
                        }
                    }
                } else if (section.id() == TABLE) {
                    for (int n = r.index(); n > 0; n--) {
                        boolean initialized = r.peek() == 0x40;
                        if (initialized) {
                            r.u8();
                            r.u8();
                        }
                        tableTypes.add(r.valType());
                        tables.add(limits(r, false).memory64());
                        if (initialized) {
                            r.skipConstantExpression();
                        }
                    }
                } else if (section.id() == MEMORY) {
                    for (int n = r.index(); n > 0; n--) {
                        declared.add(limits(r, false));
                    }
                }
            }
        } catch (WasmReader.Malformed e) {
            return null;
        }
        declared.forEach(memory -> memories.add(memory.memory64()));
        return new ModuleShape(memories, tables, tableTypes, declared.isEmpty() ? null : declared.get(0));
    }

    /** Reads memory or table limits, 32-bit or 64-bit. */
    private static DeclaredMemory limits(WasmReader r, boolean imported) {
        int flags = r.u8();
        boolean wide = (flags & ADDRESS_64) != 0;
        long initial = wide ? r.u64() : r.u32();
        Long maximum = (flags & HAS_MAX) == 0 ? null : wide ? r.u64() : r.u32();
        return new DeclaredMemory(initial, maximum, imported, wide);
    }
}
