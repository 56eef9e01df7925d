package com.canisterhost.state;

import java.util.UUID;

/**
 * Completes a tracked ingress call with its outcome, inside the transaction of the commit that produced it, so the
 * call's row and the state it answers for are written together. The {@code calls} table belongs to the
 * {@code call} package, which implements this; {@link StateStore} only says when.
 */
public interface CallCompletion {

    /**
     * Records the outcome of a call that is still pending (joining the caller's transaction).
     *
     * @param reply the reply, or null if the call was rejected with {@code rejectKind} and {@code rejectMessage}
     */
    void complete(UUID callId, byte[] reply, String rejectKind, String rejectMessage, long instructions,
            long stateVersion);
}
