package com.canisterhost.state;

/** The canister's state version moved since the execution started, so its result must not be committed. */
public class StateVersionConflictException extends RuntimeException {

    StateVersionConflictException(String canisterId, long expected) {
        super("canister " + canisterId + " is no longer at state version " + expected);
    }
}
