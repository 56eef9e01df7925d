package com.canisterhost.execution;

import com.canisterhost.state.Mailbox;

/**
 * The management canister {@code aaaaa-aa} as canisters call it: creating, installing, configuring, stopping and
 * deleting canisters, moving cycles, and randomness. Implemented where canisters are managed; the message delivery
 * hands it each request sent to {@code aaaaa-aa}, one at a time, in the order they were sent.
 */
public interface ManagementCanister {

    /** Its principal in text form. */
    String ID = "aaaaa-aa";

    /**
     * Handles a request. It must consume the request and answer it in the transaction that makes its effects
     * ({@link ManagementRequest#answer} gives the outbox to write), so that a crash never applies one without the
     * other; a request it throws on stays queued and is delivered again.
     *
     * @return what writing the answer led to (null if its commit's outcome was found out only later)
     */
    Mailbox.Written handle(ManagementRequest request);
}
