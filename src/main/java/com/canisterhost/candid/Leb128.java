package com.canisterhost.candid;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;

/** LEB128, unsigned and signed (Candid's {@code nat}, {@code int}, lengths, ids and type references). */
final class Leb128 {

    private static final BigInteger MASK = BigInteger.valueOf(0x7f);

    private Leb128() {}

    static void unsigned(ByteArrayOutputStream out, long value) {
        do {
            int b = (int) (value & 0x7f);
            value >>>= 7;
            out.write(value != 0 ? b | 0x80 : b);
        } while (value != 0);
    }

    static void unsigned(ByteArrayOutputStream out, BigInteger value) {
        if (value.bitLength() < 64 && value.signum() >= 0) { // the common case, without BigInteger arithmetic
            unsigned(out, value.longValue());
            return;
        }
        do {
            int b = value.and(MASK).intValue();
            value = value.shiftRight(7);
            out.write(value.signum() != 0 ? b | 0x80 : b);
        } while (value.signum() != 0);
    }

    static void signed(ByteArrayOutputStream out, long value) {
        while (true) {
            int b = (int) (value & 0x7f);
            value >>= 7; // arithmetic: keeps the sign
            boolean done = value == 0 && (b & 0x40) == 0 || value == -1 && (b & 0x40) != 0;
            out.write(done ? b : b | 0x80);
            if (done) {
                return;
            }
        }
    }

    static void signed(ByteArrayOutputStream out, BigInteger value) {
        if (value.bitLength() < 64) {
            signed(out, value.longValue());
            return;
        }
        while (true) {
            int b = value.and(MASK).intValue();
            value = value.shiftRight(7); // arithmetic: keeps the sign
            boolean done = value.signum() == 0 && (b & 0x40) == 0 || value.equals(BigInteger.ONE.negate())
                    && (b & 0x40) != 0;
            out.write(done ? b : b | 0x80);
            if (done) {
                return;
            }
        }
    }
}
