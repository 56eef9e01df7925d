package com.canisterhost.execution;

import com.canisterhost.state.Mailbox;
import java.math.BigInteger;

/**
 * A request a canister sent to the management canister.
 *
 * @param message the id of the request message, consumed by the answer
 * @param caller the calling canister, in text form
 * @param method the management method
 * @param arg its Candid arguments
 * @param cycles the cycles the call carried
 */
public record ManagementRequest(long message, String caller, long callback, String method, byte[] arg,
        BigInteger cycles) {

    /** The outbox that consumes the request and answers it; what it carried beyond {@code accepted} goes back. */
    public Mailbox.Outbox answer(Mailbox.Response answer, BigInteger accepted) {
        return Mailbox.Outbox.answering(ManagementCanister.ID, message, Mailbox.Origin.call(caller, callback),
                answer, cycles.subtract(accepted));
    }
}
