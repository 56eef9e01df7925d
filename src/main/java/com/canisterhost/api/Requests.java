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
}
