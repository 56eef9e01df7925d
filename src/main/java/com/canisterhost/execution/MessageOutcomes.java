package com.canisterhost.execution;

import com.canisterhost.state.CallRecord;
import com.canisterhost.state.Mailbox;

/**
 * What a message says once the canister's code ran on it: the outcome a failure gives the caller, the answer its
 * call context gets, the call record its commit writes. Shared by every kind of message, so that a trap reads the
 * same whichever path ran it.
 */
final class MessageOutcomes {

    private MessageOutcomes() {}

    /** The rejection for a message whose execution failed ({@code message.failure} is set). */
    static CallOutcome.Rejected trapped(Message message, long version) {
        Throwable failure = message.failure;
        long instructions = message.instructions;
        if (Execution.isInterrupt(failure)) {
            return new CallOutcome.Rejected(RejectKind.TIMEOUT,
                    "the execution ran past the wall-clock limit and was stopped", instructions, version);
        }
        Throwable cause = failure;
        while (cause != null && !(cause instanceof CanisterTrap)) {
            cause = cause.getCause();
        }
        if (cause instanceof CanisterTrap trap) {
            return new CallOutcome.Rejected(trap.kind(), trap.getMessage(), instructions, version);
        }
        String reason = failure instanceof StackOverflowError ? "call stack exhausted" : failure.getMessage();
        return new CallOutcome.Rejected(RejectKind.TRAPPED, "canister trapped: " + reason, instructions, version);
    }

    static CallOutcome.Rejected didNotReply(Message message, long version) {
        return new CallOutcome.Rejected(RejectKind.DID_NOT_REPLY,
                "canister did not reply to the call", message.instructions, version);
    }

    /** The answer an execution gave its call context, or null. */
    static Mailbox.Response answer(Message message) {
        return switch (message.response) {
            case REPLIED -> Mailbox.Response.replied(message.reply);
            case REJECTED -> Mailbox.Response.rejected(RejectKind.CANISTER_REJECT.rejectCode(),
                    RejectKind.CANISTER_REJECT.name(), message.rejectMessage);
            case NONE -> null;
        };
    }

    /** The call record of an inter-canister request or callback that commits. */
    static CallRecord record(String kind, String method, byte[] caller, Message message, long time,
            Mailbox.Outbox outbox) {
        boolean replied = message.response == Message.Response.REPLIED;
        boolean rejected = message.response == Message.Response.REJECTED;
        return new CallRecord(kind, method, caller, replied ? message.reply : null,
                rejected ? RejectKind.CANISTER_REJECT.rejectCode() : null, rejected ? message.rejectMessage : null,
                message.instructions, time, message.prints, null, outbox);
    }
}
