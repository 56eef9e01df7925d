package com.canisterhost.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The committed test canisters under {@code src/test/resources/canisters}. */
public final class CanisterFixtures {

    private CanisterFixtures() {}

    public static byte[] wasm(String name) {
        try (InputStream in = CanisterFixtures.class.getResourceAsStream("/canisters/" + name + ".wasm")) {
            if (in == null) {
                throw new IllegalArgumentException("no test canister " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] u64(long value) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
    }

    public static long u64(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    public static int u32(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }
}
