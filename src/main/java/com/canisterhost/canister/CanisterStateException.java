package com.canisterhost.canister;

/** The canister is not in a state that allows the request. */
public class CanisterStateException extends RuntimeException {

    /** What is wrong, each a stable error kind of the API. */
    public enum Conflict {
        EMPTY,
        STOPPED,
        NOT_STOPPED,
        ALREADY_INSTALLED,
        SNAPSHOT_LIMIT,
        /** The calls in flight did not finish within the stop timeout: the canister stays stopping. */
        STOP_TIMEOUT,
        /** A start came in while the stop waited for the calls in flight. */
        STOP_CANCELLED,
        /** An upgrade of a canister that uses enhanced orthogonal persistence without wasm_memory_persistence. */
        MEMORY_PERSISTENCE_REQUIRED,
        /** A Candid interface attached to a canister whose module declares its own. */
        CANDID_IN_MODULE
    }

    private final Conflict conflict;

    CanisterStateException(Conflict conflict, String message) {
        super(message);
        this.conflict = conflict;
    }

    public Conflict conflict() {
        return conflict;
    }
}
