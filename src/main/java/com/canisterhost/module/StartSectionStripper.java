package com.canisterhost.module;

import java.io.ByteArrayOutputStream;
import java.util.OptionalInt;

/**
 * Removes the start section from a module's bytes. As on the IC, the host runs the start function itself, once, when
 * it creates a canister's state (install, reinstall, upgrade); re-creating an instance from persisted state must not
 * run it again. Malformed section headers are left for the parser to report.
 */
final class StartSectionStripper {

    private static final int START_SECTION = 8;

    record Stripped(byte[] bytes, OptionalInt startFunction) {}

    private StartSectionStripper() {}

    static Stripped strip(byte[] wasm) {
        int pos = 8;
        while (pos < wasm.length) {
            int sectionStart = pos;
            int id = wasm[pos++] & 0xff;
            long[] size = readU32(wasm, pos);
            if (size == null) {
                break;
            }
            int payload = (int) size[1];
            long end = payload + size[0];
            if (end > wasm.length) {
                break;
            }
            if (id == START_SECTION) {
                long[] function = readU32(wasm, payload);
                if (function == null) {
                    break;
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream(wasm.length);
                out.write(wasm, 0, sectionStart);
                out.write(wasm, (int) end, wasm.length - (int) end);
                return new Stripped(out.toByteArray(), OptionalInt.of((int) function[0]));
            }
            pos = (int) end;
        }
        return new Stripped(wasm, OptionalInt.empty());
    }

    /** Reads an unsigned LEB128 u32; returns {value, position after it} or null if malformed. */
    private static long[] readU32(byte[] bytes, int pos) {
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
}
