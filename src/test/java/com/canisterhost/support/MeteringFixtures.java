package com.canisterhost.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The canisters under src/test/resources/metering. */
public final class MeteringFixtures {

    private MeteringFixtures() {}

    public static byte[] metering(String name) {
        try (InputStream in = MeteringFixtures.class.getResourceAsStream("/metering/" + name + ".wasm")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static byte[] u32le(int value) {
        return new byte[] {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)};
    }
}
