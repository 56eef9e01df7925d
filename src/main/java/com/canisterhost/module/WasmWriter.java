package com.canisterhost.module;

import java.io.ByteArrayOutputStream;

/** Appends Wasm binary encodings: LEB128 numbers and the few instructions the instrumentation injects. */
final class WasmWriter {

    static final int UNREACHABLE = 0x00;
    static final int IF = 0x04;
    static final int VOID_BLOCK = 0x40;
    static final int END = 0x0b;
    static final int SELECT = 0x1b;
    static final int LOCAL_GET = 0x20;
    static final int LOCAL_SET = 0x21;
    static final int LOCAL_TEE = 0x22;
    static final int GLOBAL_GET = 0x23;
    static final int GLOBAL_SET = 0x24;
    static final int MEMORY_SIZE = 0x3f;
    static final int I32_CONST = 0x41;
    static final int I64_CONST = 0x42;
    static final int F32_CONST = 0x43;
    static final int F64_CONST = 0x44;
    static final int I32_NE = 0x47;
    static final int I32_LT_S = 0x48;
    static final int I64_LT_S = 0x53;
    static final int I64_LT_U = 0x54;
    static final int F32_NE = 0x5c;
    static final int F64_NE = 0x62;
    static final int I32_ADD = 0x6a;
    static final int I32_SUB = 0x6b;
    static final int I64_SUB = 0x7d;
    static final int I64_MUL = 0x7e;
    static final int I32_WRAP_I64 = 0xa7;
    static final int I64_EXTEND_I32_S = 0xac;
    static final int I64_EXTEND_I32_U = 0xad;
    static final int TYPE_I32 = 0x7f;
    static final int TYPE_I64 = 0x7e;
    static final int TYPE_F32 = 0x7d;
    static final int TYPE_F64 = 0x7c;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();

    WasmWriter op(int opcode) {
        out.write(opcode);
        return this;
    }

    WasmWriter op(int opcode, long unsignedImmediate) {
        out.write(opcode);
        return u32(unsignedImmediate);
    }

    WasmWriter i32Const(int value) {
        out.write(I32_CONST);
        return s64(value);
    }

    WasmWriter i64Const(long value) {
        out.write(I64_CONST);
        return s64(value);
    }

    WasmWriter u32(long value) {
        do {
            int b = (int) (value & 0x7f);
            value >>>= 7;
            out.write(value != 0 ? b | 0x80 : b);
        } while (value != 0);
        return this;
    }

    WasmWriter s64(long value) {
        boolean more = true;
        while (more) {
            int b = (int) (value & 0x7f);
            value >>= 7;
            more = !((value == 0 && (b & 0x40) == 0) || (value == -1 && (b & 0x40) != 0));
            out.write(more ? b | 0x80 : b);
        }
        return this;
    }

    WasmWriter bytes(byte[] bytes, int from, int to) {
        out.write(bytes, from, to - from);
        return this;
    }

    WasmWriter bytes(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    WasmWriter littleEndian(long value, int size) {
        for (int i = 0; i < size; i++) {
            out.write((int) (value >>> (8 * i)) & 0xff);
        }
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }
}
