package com.canisterhost.call;

import com.canisterhost.execution.CallOutcome;
import com.canisterhost.execution.RejectKind;
import java.time.Instant;
import java.util.UUID;

/**
 * An update call made with an {@code Idempotency-Key} or answered asynchronously, as stored.
 *
 * @param caller principal bytes of the caller, null for calls recorded before calls had callers (admin only)
 * @param status {@code pending}, {@code replied} or {@code rejected}
 * @param outcome the outcome once the call completed, null while pending
 */
public record TrackedCall(UUID callId, String canisterId, byte[] caller, String idempotencyKey, String method,
        byte[] argSha256, String status, CallOutcome outcome, Instant createdAt, Instant completedAt) {

    public boolean completed() {
        return outcome != null;
    }

    /** Whether the call is known not to have been applied (it may then run again under its key). */
    boolean notApplied() {
        return outcome instanceof CallOutcome.Rejected rejected && rejected.kind() == RejectKind.NOT_APPLIED;
    }
}
