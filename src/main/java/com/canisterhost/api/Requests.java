package com.canisterhost.api;

import com.canisterhost.module.DeterminismProfile;

/** Parsing of request parameters shared by controllers. */
final class Requests {

    private Requests() {}

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
}
