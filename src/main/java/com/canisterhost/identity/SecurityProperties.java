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

    /** With an admin key, management needs a key; without one the service is in open development mode. */
    public boolean secured() {
        return adminKey != null && !adminKey.isBlank();
    }
}
