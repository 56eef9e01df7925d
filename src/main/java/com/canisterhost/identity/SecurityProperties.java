package com.canisterhost.identity;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Who may do what.
 *
 * @param adminKey the admin's bearer key ({@code CANISTER_ADMIN_KEY}); blank means open development mode
 * @param anonymousCalls whether anonymous callers may call canister methods when an admin key is set
 */
@ConfigurationProperties("canister.security")
public record SecurityProperties(@DefaultValue("") String adminKey, @DefaultValue("true") boolean anonymousCalls) {

    /** Shorter keys are too easy to guess; longer ones would not fit the bearer syntax {@link ApiKeys} accepts. */
    static final int MIN_ADMIN_KEY_LENGTH = 16;

    /** Fails the start-up on an admin key that could never authenticate, or could be guessed. */
    public SecurityProperties {
        if (adminKey != null && !adminKey.isBlank()
                && (adminKey.length() < MIN_ADMIN_KEY_LENGTH || !ApiKeys.wellFormed(adminKey))) {
            throw new IllegalArgumentException("canister.security.admin-key (CANISTER_ADMIN_KEY) must be "
                    + MIN_ADMIN_KEY_LENGTH + " to 256 characters of A-Z a-z 0-9 - _ . ~ + / =, e.g. "
                    + "$(openssl rand -base64 32)");
        }
    }

    /** With an admin key, management needs a key; without one the service is in open development mode. */
    public boolean secured() {
        return adminKey != null && !adminKey.isBlank();
    }
}
