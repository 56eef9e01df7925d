package com.canisterhost.candid;

/** Candid's type opcodes (negative: a primitive, or the kind of a type table entry). */
final class Opcodes {

    static final int OPT = -18;
    static final int VEC = -19;
    static final int RECORD = -20;
    static final int VARIANT = -21;
    static final int FUNC = -22;
    static final int SERVICE = -23;

    private Opcodes() {}

    static int of(CandidType.Primitive p) {
        return switch (p) {
            case NULL -> -1;
            case BOOL -> -2;
            case NAT -> -3;
            case INT -> -4;
            case NAT8 -> -5;
            case NAT16 -> -6;
            case NAT32 -> -7;
            case NAT64 -> -8;
            case INT8 -> -9;
            case INT16 -> -10;
            case INT32 -> -11;
            case INT64 -> -12;
            case FLOAT32 -> -13;
            case FLOAT64 -> -14;
            case TEXT -> -15;
            case RESERVED -> -16;
            case EMPTY -> -17;
            case PRINCIPAL -> -24;
        };
    }

    /** The primitive with this opcode, or null. */
    static CandidType.Primitive primitive(long opcode) {
        for (CandidType.Primitive p : CandidType.Primitive.values()) {
            if (of(p) == opcode) {
                return p;
            }
        }
        return null;
    }

    /** The width of a fixed-size integer type. */
    static int bits(CandidType.Primitive p) {
        return switch (p) {
            case NAT8, INT8 -> 8;
            case NAT16, INT16 -> 16;
            case NAT32, INT32 -> 32;
            case NAT64, INT64 -> 64;
            default -> throw new IllegalArgumentException(p + " has no fixed width");
        };
    }
}
