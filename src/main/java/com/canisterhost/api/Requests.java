package com.canisterhost.api;

import com.canisterhost.module.DeterminismProfile;

/** Reading and parsing of request bodies and parameters shared by controllers. */
final class Requests {

    private Requests() {}

    /** The IC's cap on a method name, in UTF-8 bytes (the contract's maxLength). */
    static final int MAX_METHOD_NAME_BYTES = 255;

    /** A method name is 1 to 255 bytes of well-formed UTF-8 without control characters. */
    /** A body as UTF-8 text, strictly: malformed bytes are a 400, not replaced. */
    static String utf8(byte[] body, String what) {
        try {
            return java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(body))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new InvalidRequestException(what + " must be UTF-8");
        }
    }

    static void methodName(String method) {
        int bytes = method.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes == 0 || bytes > MAX_METHOD_NAME_BYTES) {
            throw new InvalidRequestException("a method name has 1 to " + MAX_METHOD_NAME_BYTES
                    + " bytes of UTF-8, not " + bytes);
        }
        for (int i = 0; i < method.length(); i++) {
            char c = method.charAt(i);
            boolean unpaired = Character.isHighSurrogate(c)
                    ? i + 1 >= method.length() || !Character.isLowSurrogate(method.charAt(++i))
                    : Character.isLowSurrogate(c);
            if (unpaired || Character.isISOControl(c) || c == '\uFFFD') {
                throw new InvalidRequestException("a method name must be well-formed UTF-8 without control "
                        + "characters");
            }
        }
    }

    /** The {@code profile} parameter; null when absent (the service's default applies). */
    static DeterminismProfile profile(String profile) {
        if (profile == null || profile.isBlank()) {
            return null;
        }
        try {
            return DeterminismProfile.parse(profile);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage());
        }
    }

    /** The {@code Idempotency-Key} header: 1 to 255 printable ASCII characters, or null if absent. */
    static String idempotencyKey(String header) {
        if (header == null) {
            return null;
        }
        if (header.isEmpty() || header.length() > 255 || !header.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw new InvalidRequestException("Idempotency-Key must be 1 to 255 printable ASCII characters "
                    + "without spaces");
        }
        return header;
    }

    /** Whether a {@code Prefer} header asks for {@code respond-async} (RFC 7240). */
    static boolean prefersAsync(String prefer) {
        if (prefer == null) {
            return false;
        }
        for (String preference : prefer.split(",")) {
            if (preference.trim().split(";")[0].trim().equalsIgnoreCase("respond-async")) {
                return true;
            }
        }
        return false;
    }

    /** The request body, refused with 413 past {@code limit} bytes (by its declared length, or as it is read). */
    static byte[] readLimited(jakarta.servlet.http.HttpServletRequest request, long limit, String what)
            throws java.io.IOException {
        if (request.getContentLengthLong() > limit) {
            throw new PayloadTooLargeException(what + " is " + request.getContentLengthLong()
                    + " bytes; the limit is " + limit + " bytes");
        }
        try (java.io.InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
            if (body.length > limit) {
                throw new PayloadTooLargeException(what + " is over the limit of " + limit + " bytes");
            }
            return body;
        }
    }
}
