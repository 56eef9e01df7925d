package com.canisterhost.module;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes a rewritten module ({@link Memory64Lowering}) and remembers where each part came from in the input, and
 * which ranges were inserted. Parts built separately (a section's content before its size is known) are appended
 * with their records.
 */
final class MappedWriter {
    final WasmWriter out = new WasmWriter();
    /** {lowered offset, original offset, 1 if the bytes from there on correspond one to one, else 0}. */
    final List<int[]> anchors = new ArrayList<>();
    private final List<int[]> inserted = new ArrayList<>();

    int size() {
        return out.size();
    }

    /** Copies input bytes {@code [from, to)}. */
    void copy(byte[] wasm, int from, int to) {
        if (to > from) {
            anchors.add(new int[] {size(), from, 1});
            out.bytes(wasm, from, to);
        }
    }

    /** What is written next stands for the input's bytes at {@code original}. */
    void stand(int original) {
        anchors.add(new int[] {size(), original, 0});
    }

    /** What was written since {@code start} was inserted code. */
    void inserted(int start) {
        if (size() > start) {
            inserted.add(new int[] {start, size()});
        }
    }

    void append(MappedWriter part) {
        int base = size();
        for (int[] a : part.anchors) {
            anchors.add(new int[] {a[0] + base, a[1], a[2]});
        }
        for (int[] range : part.inserted) {
            inserted.add(new int[] {range[0] + base, range[1] + base});
        }
        out.bytes(part.out.toByteArray());
    }

    InsertedCode inserted() {
        return new InsertedCode(inserted.stream().mapToInt(r -> r[0]).toArray(),
                inserted.stream().mapToInt(r -> r[1]).toArray());
    }
}
