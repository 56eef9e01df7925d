package com.canisterhost.api;

import com.canisterhost.call.Calls;
import com.canisterhost.call.TrackedCall;
import com.canisterhost.execution.CallOutcome;
import com.canisterhost.identity.Caller;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Tracked update calls: {@code GET /v1/calls/{callId}}. */
@RestController
@RequestMapping("/v1/calls")
class CallController {

    private final Calls calls;

    CallController(Calls calls) {
        this.calls = calls;
    }

    /** A tracked call as the API shows it; outcome members are null while it is pending. */
    record CallView(UUID callId, String canisterId, String method, String status, String reply, Integer rejectCode,
            String errorCode, String rejectMessage, Long instructions, Long stateVersion, Instant createdAt,
            Instant completedAt) {}

    @GetMapping("/{callId}")
    CallView call(@PathVariable String callId, Caller caller) {
        UUID id;
        try {
            id = UUID.fromString(callId);
        } catch (IllegalArgumentException e) {
            throw new CallNotFoundException("no call " + callId);
        }
        return view(calls.find(id, caller).orElseThrow(() -> new CallNotFoundException("no call " + callId
                + " (or it completed longer ago than the retention period)")));
    }

    static CallView view(TrackedCall call) {
        CallOutcome outcome = call.outcome();
        String reply = outcome instanceof CallOutcome.Replied replied
                ? Base64.getEncoder().encodeToString(replied.reply()) : null;
        CallOutcome.Rejected rejected = outcome instanceof CallOutcome.Rejected r ? r : null;
        return new CallView(call.callId(), call.canisterId(), call.method(), call.status(), reply,
                rejected == null ? null : rejected.kind().rejectCode(),
                rejected == null ? null : rejected.kind().errorCode(),
                rejected == null ? null : rejected.message(),
                outcome == null ? null : outcome.instructions(), outcome == null ? null : outcome.stateVersion(),
                call.createdAt(), call.completedAt());
    }
}
