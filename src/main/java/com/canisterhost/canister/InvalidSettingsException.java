package com.canisterhost.canister;

/** Canister settings that cannot be applied: too many controllers, a malformed principal, ... (400). */
public class InvalidSettingsException extends RuntimeException {

    InvalidSettingsException(String message) {
        super(message);
    }
}
