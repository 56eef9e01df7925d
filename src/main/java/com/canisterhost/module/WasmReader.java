package com.canisterhost.module;

/**
 * Reads Wasm binary encodings (bytes and LEB128 numbers) from a byte range, for the byte-level passes that run before
 * Chicory parses a module. Anything malformed or past the range's end throws {@link Malformed}.
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
}
