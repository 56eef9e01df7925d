package com.canisterhost.execution;

/** Thrown by a System API function to trap the running canister code. */
final class CanisterTrap extends RuntimeException {

    private final RejectKind kind;

    CanisterTrap(RejectKind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    RejectKind kind() {
        return kind;
    }
}
