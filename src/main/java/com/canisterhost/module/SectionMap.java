package com.canisterhost.module;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The section layout of a module, read from its bytes before Chicory parses it: so that structural problems name
 * the section and byte offset, the code section's size can be capped before parsing, and the host can rewrite
 * a few things at the byte level (drop the start section, stub function bodies).
 */
final class SectionMap {

    static final int CUSTOM = 0;
    static final int CODE = 10;
    static final int START = 8;
    private static final String[] NAMES = {"custom", "type", "import", "function", "table", "memory", "global",
        "export", "start", "element", "code", "data", "datacount", "tag"};
    // Position of each non-custom section id in the order the binary format requires.
    private static final int[] ORDER = {0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 11, 6};

    /** One section: its id, where its header starts, where its content starts, and the content size. */
    record Section(int id, int headerOffset, int contentOffset, int size) {

        String name() {
            return NAMES[id];
        }

        int end() {
            return contentOffset + size;
        }
    }

    private final byte[] wasm;
    private final List<Section> sections;

    private SectionMap(byte[] wasm, List<Section> sections) {
        this.wasm = wasm;
        this.sections = sections;
    }

    static SectionMap scan(byte[] wasm) {
        if (wasm.length < 4 || wasm[0] != 0 || wasm[1] != 'a' || wasm[2] != 's' || wasm[3] != 'm') {
            throw malformed("bad-magic", ModuleLocation.at(0), "not a WebAssembly module (no \\0asm magic)");
        }
        if (wasm.length < 8 || wasm[4] != 1 || wasm[5] != 0 || wasm[6] != 0 || wasm[7] != 0) {
            throw malformed("bad-version", ModuleLocation.at(4), "unsupported binary version (only version 1)");
        }
        List<Section> sections = new ArrayList<>();
        int pos = 8;
        int lastRank = 0;
        while (pos < wasm.length) {
            int header = pos;
            int id = wasm[pos++] & 0xff;
            if (id >= NAMES.length) {
                throw malformed("section-content", ModuleLocation.at(header), "unknown section id " + id);
            }
            long[] size = readU32(wasm, pos);
            if (size == null) {
                throw malformed("section-bounds", new ModuleLocation(NAMES[id], null, null, header),
                        "section size is not a valid LEB128 u32");
            }
            int content = (int) size[1];
            Section section = new Section(id, header, content, (int) size[0]);
            if ((long) content + size[0] > wasm.length) {
                throw malformed("section-bounds", location(section), "section of " + size[0]
                        + " bytes runs past the end of the module (" + (wasm.length - content) + " bytes left)");
            }
            if (id != CUSTOM) {
                if (ORDER[id] <= lastRank) {
                    throw malformed("section-order", location(section), "section is out of order or repeated");
                }
                lastRank = ORDER[id];
            }
            sections.add(section);
            pos = section.end();
        }
        return new SectionMap(wasm, sections);
    }

    List<Section> sections() {
        return sections;
    }

    Optional<Section> section(int id) {
        return sections.stream().filter(s -> s.id() == id).findFirst();
    }

    /** The position of a non-custom section id in the required section order. */
    static int rank(int id) {
        return ORDER[id];
    }

    static ModuleLocation location(Section section) {
        return new ModuleLocation(section.name(), null, null, section.contentOffset());
    }

    /** A custom section's name, or null if it is malformed (the parser reports that). */
    String customName(Section section) {
        long[] length = readU32(wasm, section.contentOffset());
        if (length == null || length[1] + length[0] > section.end()) {
            return null;
        }
        return new String(wasm, (int) length[1], (int) length[0], java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Where a custom section's content starts, after its name. */
    int customContentOffset(Section section) {
        long[] length = readU32(wasm, section.contentOffset());
        return length == null ? section.contentOffset() : (int) (length[1] + length[0]);
    }

    /** The start function's index, if the module has a start section. */
    OptionalInt startFunction() {
        return section(START).map(s -> readU32(wasm, s.contentOffset()))
                .map(v -> v == null ? OptionalInt.empty() : OptionalInt.of((int) v[0]))
                .orElse(OptionalInt.empty());
    }

    /**
     * The module's bytes with the start section turned into an (empty-named) custom section of the same size, so
     * the runtime never runs it on its own and every byte offset stays the same.
     */
    byte[] withStartNeutralized() {
        Optional<Section> start = section(START);
        if (start.isEmpty()) {
            return wasm;
        }
        byte[] copy = wasm.clone();
        Section section = start.get();
        copy[section.headerOffset()] = CUSTOM;
        copy[section.contentOffset()] = (byte) (section.size() - 1); // name length; the size is 1..5 bytes
        for (int i = 1; i < section.size(); i++) {
            copy[section.contentOffset() + i] = '_';
        }
        return copy;
    }

    /** Each function body's {start, end}: from its local declarations to its last byte, by defined-function index. */
    int[][] functionBodies() {
        int[] starts = functionBodyOffsets();
        int[][] bodies = new int[starts.length][];
        for (int i = 0; i < starts.length; i++) {
            int sizeStart = i == 0 ? (int) readU32(wasm, section(CODE).orElseThrow().contentOffset())[1] : bodies[i - 1][1];
            long[] size = readU32(wasm, sizeStart);
            bodies[i] = new int[] {starts[i], (int) (size[1] + size[0])};
        }
        return bodies;
    }

    byte[] bytes() {
        return wasm;
    }

    /** Offsets of each function body in the code section (at its local declarations), by defined-function index. */
    int[] functionBodyOffsets() {
        Optional<Section> code = section(CODE);
        if (code.isEmpty()) {
            return new int[0];
        }
        long[] count = readU32(wasm, code.get().contentOffset());
        int end = code.get().contentOffset() + code.get().size();
        // a body takes at least one byte: a count beyond the section's bytes is a lie, not an allocation size
        int[] offsets = new int[count == null ? 0 : (int) Math.min(count[0], Math.max(0, end - count[1]))];
        int pos = count == null ? 0 : (int) count[1];
        for (int i = 0; i < offsets.length; i++) {
            long[] size = readU32(wasm, pos);
            if (size == null || size[1] + size[0] > end) {
                return java.util.Arrays.copyOf(offsets, i);
            }
            offsets[i] = (int) size[1];
            pos = (int) (size[1] + size[0]);
        }
        return offsets;
    }

    /**
     * The module with the bodies of defined functions {@code [from, to)} replaced by {@code unreachable}, which
     * type-checks for any signature: used to find which function a validation error is in.
     */
    byte[] withStubbedBodies(int from, int to) {
        Section code = section(CODE).orElseThrow();
        ByteArrayOutputStream body = new ByteArrayOutputStream(code.size());
        long[] count = readU32(wasm, code.contentOffset());
        int sectionEnd = code.contentOffset() + code.size();
        if (count == null || count[0] > sectionEnd - count[1]) {
            return wasm.clone(); // not framed well enough to stub: the caller finds it still invalid
        }
        writeU32(body, count[0]);
        int pos = (int) count[1];
        for (int i = 0; i < count[0]; i++) {
            long[] size = readU32(wasm, pos);
            if (size == null || size[1] + size[0] > sectionEnd) {
                return wasm.clone();
            }
            int end = (int) (size[1] + size[0]);
            if (i >= from && i < to) {
                body.write(new byte[] {3, 0, 0x00, 0x0b}, 0, 4); // size 3: no locals, unreachable, end
            } else {
                body.write(wasm, pos, end - pos);
            }
            pos = end;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(wasm.length);
        out.write(wasm, 0, code.headerOffset());
        out.write(CODE);
        writeU32(out, body.size());
        out.writeBytes(body.toByteArray());
        out.write(wasm, code.end(), wasm.length - code.end());
        return out.toByteArray();
    }

    private static InvalidModuleException malformed(String rule, ModuleLocation location, String message) {
        return new InvalidModuleException(InvalidModuleException.Kind.MALFORMED, rule, location, message);
    }

    /** Reads an unsigned LEB128 u32; returns {value, position after it}, or null if malformed. */
    static long[] readU32(byte[] bytes, int pos) {
        long value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (pos >= bytes.length) {
                return null;
            }
            int b = bytes[pos++] & 0xff;
            value |= (long) (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return value > 0xffffffffL ? null : new long[] {value, pos};
            }
        }
        return null;
    }

    private static void writeU32(ByteArrayOutputStream out, long value) {
        do {
            int b = (int) (value & 0x7f);
            value >>>= 7;
            out.write(value != 0 ? b | 0x80 : b);
        } while (value != 0);
    }
}
