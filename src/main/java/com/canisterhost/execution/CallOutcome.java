package com.canisterhost.execution;

/** How an execution ended, as the caller sees it. */
public sealed interface CallOutcome {

    /** Instructions executed (flat count of Wasm instructions, deterministic). */
    long instructions();

    /** The canister's state version after the call (unchanged unless the call committed). */
    long stateVersion();

    record Replied(byte[] reply, long instructions, long stateVersion) implements CallOutcome {}

    record Rejected(RejectKind kind, String message, long instructions, long stateVersion) implements CallOutcome {}
}
