package com.canisterhost.module;

/**
 * Reads Wasm binary encodings (bytes, LEB128 numbers, value types, the immediates of instructions) from a byte range,
 * for the byte-level passes that run before Chicory parses a module. Anything malformed or past the range's end throws
 * {@link Malformed}.
 */
final class WasmReader {

    /** The bytes do not encode what the reader was asked for; {@code offset} is where it noticed. */
    static final class Malformed extends RuntimeException {
        final int offset;

        Malformed(int offset, String message) {
            super(message);
            this.offset = offset;
        }
    }

    private final byte[] bytes;
    private final int end;
    private int pos;

    WasmReader(byte[] bytes, int from, int end) {
        this.bytes = bytes;
        this.pos = from;
        this.end = end;
    }

    int pos() {
        return pos;
    }

    boolean atEnd() {
        return pos >= end;
    }

    int u8() {
        if (pos >= end) {
            throw new Malformed(pos, "unexpected end");
        }
        return bytes[pos++] & 0xff;
    }

    int peek() {
        if (pos >= end) {
            throw new Malformed(pos, "unexpected end");
        }
        return bytes[pos] & 0xff;
    }

    void skip(long n) {
        if (n < 0 || n > end - pos) {
            throw new Malformed(pos, "unexpected end");
        }
        pos += (int) n;
    }

    /** An unsigned LEB128 u32. */
    long u32() {
        int at = pos;
        long value = leb(5, false);
        if (value >>> 32 != 0) {
            throw new Malformed(at, "integer too large");
        }
        return value;
    }

    /** A u32 that is a count or an index: it must fit an {@code int}. */
    int index() {
        int at = pos;
        long value = u32();
        if (value > Integer.MAX_VALUE) {
            throw new Malformed(at, "integer too large");
        }
        return (int) value;
    }

    /** An unsigned LEB128 u64, as the bits of a long. */
    long u64() {
        return leb(10, false);
    }

    /** A signed LEB128 number of up to {@code bits} bits (32, 33 or 64). */
    long signed(int bits) {
        return leb((bits + 6) / 7, true);
    }

    private long leb(int maxBytes, boolean signed) {
        long value = 0;
        int shift = 0;
        for (int i = 0; i < maxBytes; i++) {
            int b = u8();
            value |= (long) (b & 0x7f) << shift;
            shift += 7;
            if ((b & 0x80) == 0) {
                if (signed && shift < 64 && (b & 0x40) != 0) {
                    value |= -1L << shift;
                }
                return value;
            }
        }
        throw new Malformed(pos, "integer representation too long");
    }

    /** Skips a constant expression up to and including its {@code end}. */
    void skipConstantExpression() {
        while (true) {
            int op = u8();
            if (op == WasmWriter.END) {
                return;
            }
            skipImmediates(op);
        }
    }

    /** Skips the immediates of the instruction whose opcode was just read (SIMD and atomics excepted). */
    void skipImmediates(int op) {
        switch (op) {
            case 0x02, 0x03, 0x04, 0x06 -> blockType();
            case 0x07, 0x08, 0x09, 0x0c, 0x0d, 0x10, 0x12, 0x14, 0x15, 0x18, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25,
                    0x26, 0x3f, 0x40, 0xd2, 0xd4, 0xd6 -> u32();
            case 0x0e -> {
                for (long n = u32(); n >= 0; n--) {
                    u32();
                }
            }
            case 0x11, 0x13 -> {
                u32();
                u32();
            }
            case 0x1c -> {
                for (long n = u32(); n > 0; n--) {
                    valType();
                }
            }
            case 0x1f -> {
                blockType();
                for (long n = u32(); n > 0; n--) {
                    int kind = u8();
                    if (kind < 2) {
                        u32();
                    }
                    u32();
                }
            }
            case 0x41 -> signed(32);
            case 0x42 -> signed(64);
            case 0x43 -> skip(4);
            case 0x44 -> skip(8);
            case 0xd0 -> signed(33);
            case 0xfc -> {
                long sub = u32();
                if (sub == 8 || sub == 10 || sub == 12 || sub == 14) {
                    u32();
                    u32();
                } else if (sub == 9 || sub == 11 || sub == 13 || sub == 15 || sub == 16 || sub == 17) {
                    u32();
                } else if (sub > 7) {
                    throw new Malformed(pos, "unknown instruction 0xfc " + sub);
                }
            }
            default -> {
                if (op >= 0x28 && op <= 0x3e) {
                    long align = u32();
                    if ((align & 0x40) != 0) {
                        u32();
                    }
                    u64();
                } else if (!(op <= 0x01 || op == 0x05 || op == 0x0a || op == 0x0b || op == 0x0f || op == 0x19
                        || op == 0x1a || op == 0x1b || (op >= 0x45 && op <= 0xc4) || op == 0xd1 || op == 0xd3
                        || op == 0xd5)) {
                    throw new Malformed(pos - 1, "unknown instruction 0x" + Integer.toHexString(op));
                }
            }
        }
    }

    /** The empty type, a value type or a type index: an s33, except reference types with a heap type after them. */
    private void blockType() {
        int b = peek();
        if (b == 0x63 || b == 0x64) {
            valType();
        } else {
            signed(33);
        }
    }

    /** A value type's bytes: one byte, or a reference type with its heap type. */
    byte[] valType() {
        int start = pos;
        int type = u8();
        if (type == 0x63 || type == 0x64) {
            signed(33);
        }
        return java.util.Arrays.copyOfRange(bytes, start, pos);
    }
}
