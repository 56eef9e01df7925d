package com.canisterhost.state;

/**
 * A commit was sent to PostgreSQL but its result never came back, and PostgreSQL could not be asked afterwards
 * whether it landed: the change may or may not be applied. Never reported as "not applied".
 */
public class CommitOutcomeUnknownException extends RuntimeException {

    CommitOutcomeUnknownException(String canisterId, long expected, Throwable cause) {
        super("the commit of canister " + canisterId + " on top of state version " + expected
                + " was sent, but PostgreSQL became unreachable before it answered; it may or may not be applied",
                cause);
    }
}
