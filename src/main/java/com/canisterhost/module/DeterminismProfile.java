package com.canisterhost.module;

import java.util.Locale;

/** Which non-deterministic Wasm features a module may use. SIMD, threads and atomics are never allowed. */
public enum DeterminismProfile {
    /** No floating point at all: no float instructions, types, locals or globals. */
    STRICT,
    /** Scalar floats allowed (their NaNs are made canonical); needed by real Motoko canisters. */
    CANONICAL_NAN;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses {@code strict} or {@code canonical-nan}. */
    public static DeterminismProfile parse(String text) {
        for (DeterminismProfile profile : values()) {
            if (profile.label().equalsIgnoreCase(text.trim())) {
                return profile;
            }
        }
        throw new IllegalArgumentException("profile must be strict or canonical-nan, not '" + text + "'");
    }
}
