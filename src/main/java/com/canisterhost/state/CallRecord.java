package com.canisterhost.state;

/**
 * What produced a committed state version, stored with it in the same transaction.
 *
 * @param kind install, reinstall, upgrade or update
 * @param method the method called, null for installs
 * @param caller principal bytes of the caller
 * @param reply the reply bytes, null if the call was rejected
 * @param rejectCode the IC reject code, null if replied
 * @param rejectMessage the reject message, null if replied
 * @param instructions instructions the execution used
 * @param timeNanos the {@code ic0.time} of the execution
 * @param logs what the execution printed, appended to the canister's log with the commit
 * @param callId the tracked call (idempotent or asynchronous) whose outcome this commit completes, or null
 * @param outbox what the execution did to inter-canister messages, written with the commit; null if nothing
 */
public record CallRecord(
        String kind, String method, byte[] caller, byte[] reply, Integer rejectCode, String rejectMessage,
        long instructions,
        long timeNanos,
        java.util.List<LogEntry> logs,
        java.util.UUID callId,
        Mailbox.Outbox outbox) {

    public CallRecord(String kind, String method, byte[] caller, byte[] reply, Integer rejectCode,
            String rejectMessage, long instructions, long timeNanos, java.util.List<LogEntry> logs,
            java.util.UUID callId) {
        this(kind, method, caller, reply, rejectCode, rejectMessage, instructions, timeNanos, logs, callId, null);
    }

    public CallRecord(String kind, String method, byte[] caller, byte[] reply, Integer rejectCode,
            String rejectMessage, long instructions, long timeNanos, java.util.List<LogEntry> logs) {
        this(kind, method, caller, reply, rejectCode, rejectMessage, instructions, timeNanos, logs, null);
    }
}
