package com.canisterhost.identity;

import com.canisterhost.principal.CanisterId;

/**
 * Who sent a request: the anonymous principal, the principal of an API key, or the admin (whose principal is
 * derived from the admin key like any other).
 */
public record Caller(CanisterId principal, Kind kind) {

    /** How the caller authenticated. */
    public enum Kind {
        ANONYMOUS,
        KEY,
        ADMIN
    }

    /** The anonymous principal {@code 2vxsx-fae} (the single byte 0x04). */
    public static final Caller ANONYMOUS = new Caller(new CanisterId(new byte[] {0x04}), Kind.ANONYMOUS);

    public boolean anonymous() {
        return kind == Kind.ANONYMOUS;
    }

    public boolean admin() {
        return kind == Kind.ADMIN;
    }

    /** The principal's bytes, as {@code ic0.msg_caller_copy} hands them to a canister. */
    public byte[] bytes() {
        return principal.bytes();
    }

    public String text() {
        return principal.toText();
    }
}
