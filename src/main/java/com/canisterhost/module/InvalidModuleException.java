package com.canisterhost.module;

/** The uploaded bytes are not a module this host will install; the message says what to fix. */
public class InvalidModuleException extends RuntimeException {

    private final String reason;

    InvalidModuleException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    InvalidModuleException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** A short stable word for the rule that failed: {@code malformed}, {@code invalid}, {@code import}, {@code export}. */
    public String reason() {
        return reason;
    }
}
