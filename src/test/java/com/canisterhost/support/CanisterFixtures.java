package com.canisterhost.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The committed test canisters under {@code src/test/resources/canisters}. */
public final class CanisterFixtures {

    private CanisterFixtures() {}

    public static byte[] wasm(String name) {
        return wasm("canisters", name);
    }

    /** {@code src/test/resources/<directory>/<name>.wasm}, e.g. a Motoko canister of {@code motoko64}. */
    public static byte[] wasm(String directory, String name) {
        try (InputStream in = CanisterFixtures.class.getResourceAsStream("/" + directory + "/" + name + ".wasm")) {
            if (in == null) {
                throw new IllegalArgumentException("no test canister " + directory + "/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The argument of calls/caller.wat's updates: the callee's principal (length-prefixed), then the method name.
     */
    public static byte[] callTarget(String canister, String method) {
        byte[] principal = com.canisterhost.principal.CanisterId.parse(canister).bytes();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(principal.length);
        out.writeBytes(principal);
        out.writeBytes(method.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
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

    /**
     * The environment variables ic0_all's {@code env} replies from {@code offset} on: a count, then sized names and
     * values, in the canister's index order.
     */
    public static Map<String, String> environment(byte[] reply, int offset) {
        ByteBuffer b = ByteBuffer.wrap(reply, offset, reply.length - offset).order(ByteOrder.LITTLE_ENDIAN);
        Map<String, String> variables = new LinkedHashMap<>();
        for (int count = b.getInt(); count > 0; count--) {
            String name = text(b);
            variables.put(name, text(b));
        }
        if (b.hasRemaining()) {
            throw new IllegalArgumentException(b.remaining() + " bytes after the environment");
        }
        return variables;
    }

    private static String text(ByteBuffer b) {
        byte[] bytes = new byte[b.getInt()];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
