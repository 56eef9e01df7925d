package com.canisterhost.principal;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.CRC32;

/**
 * A canister id: an IC principal minted from a counter, written in the IC textual form
 * ({@code Grouped(Base32(CRC32(bytes) . bytes))}, lower case, a dash every five characters).
 */
public record CanisterId(byte[] bytes) {

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
    private static final int MAX_PRINCIPAL_BYTES = 29;

    public CanisterId {
        if (bytes.length > MAX_PRINCIPAL_BYTES) {
            throw new IllegalArgumentException("a principal has at most 29 bytes");
        }
        bytes = bytes.clone();
    }

    /** The IC's {@code CanisterId::from_u64}: the 8-byte big-endian index, then 0x01 and the opaque tag 0x01. */
    public static CanisterId fromIndex(long index) {
        return new CanisterId(ByteBuffer.allocate(10).putLong(index).put((byte) 1).put((byte) 1).array());
    }

    /** Parses the textual form, rejecting bad base32, a wrong checksum or wrong dash grouping. */
    public static CanisterId parse(String text) {
        String compact = text.toLowerCase(Locale.ROOT).replace("-", "");
        byte[] decoded = base32Decode(compact);
        if (decoded.length < 4) {
            throw new IllegalArgumentException("'" + text + "' is too short to be a principal");
        }
        if (decoded.length - 4 > MAX_PRINCIPAL_BYTES) {
            throw new IllegalArgumentException("'" + text + "' is too long to be a principal");
        }
        CanisterId id = new CanisterId(Arrays.copyOfRange(decoded, 4, decoded.length));
        if (!id.toText().equals(text.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("'" + text + "' is not a valid principal (checksum or grouping)");
        }
        return id;
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public String toText() {
        CRC32 crc = new CRC32();
        crc.update(bytes);
        byte[] withCrc = ByteBuffer.allocate(4 + bytes.length).putInt((int) crc.getValue()).put(bytes).array();
        String encoded = base32Encode(withCrc);
        StringBuilder grouped = new StringBuilder();
        for (int i = 0; i < encoded.length(); i += 5) {
            if (i > 0) {
                grouped.append('-');
            }
            grouped.append(encoded, i, Math.min(i + 5, encoded.length()));
        }
        return grouped.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CanisterId that && Arrays.equals(bytes, that.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return toText();
    }

    private static String base32Encode(byte[] data) {
        StringBuilder out = new StringBuilder((data.length * 8 + 4) / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : data) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(ALPHABET.charAt((buffer >> (bits - 5)) & 31));
                bits -= 5;
            }
        }
        if (bits > 0) {
            out.append(ALPHABET.charAt((buffer << (5 - bits)) & 31));
        }
        return out.toString();
    }

    private static byte[] base32Decode(String text) {
        ByteBuffer out = ByteBuffer.allocate(text.length() * 5 / 8);
        int buffer = 0;
        int bits = 0;
        for (int i = 0; i < text.length(); i++) {
            int value = ALPHABET.indexOf(text.charAt(i));
            if (value < 0) {
                throw new IllegalArgumentException("'" + text + "' is not base32");
            }
            buffer = (buffer << 5) | value;
            bits += 5;
            if (bits >= 8) {
                out.put((byte) (buffer >> (bits - 8)));
                bits -= 8;
            }
        }
        return Arrays.copyOf(out.array(), out.position());
    }
}
