package com.canisterhost.execution;

/** Why an execution did not reply, with the IC reject code and error code a caller sees. */
public enum RejectKind {
    /** The canister exports no such method (for the kind of call made). */
    METHOD_NOT_FOUND(3, "IC0302"),
    /** The canister called {@code msg_reject}. */
    CANISTER_REJECT(4, "IC0406"),
    /** The canister's {@code canister_inspect_message} refused the ingress call (trapped or did not accept). */
    MESSAGE_REFUSED(4, "IC0406"),
    /** A Wasm trap (unreachable, out-of-bounds access, stack exhaustion, ...). */
    TRAPPED(5, "IC0502"),
    /** The canister called {@code ic0.trap}. */
    CALLED_TRAP(5, "IC0503"),
    /** The canister broke a System API rule (a second reply, a call from the wrong context, ...). */
    CONTRACT_VIOLATION(5, "IC0504"),
    /** The message executed more instructions than its limit allows. */
    INSTRUCTION_LIMIT(5, "IC0522"),
    /** The method returned without replying or rejecting. */
    DID_NOT_REPLY(5, "IC0506"),
    /** The wall-clock backstop interrupted the execution. */
    TIMEOUT(5, null),
    /** The service stopped before a tracked call ran: it was not applied, and may be retried (SYS_TRANSIENT). */
    NOT_APPLIED(2, null);

    private final int rejectCode;
    private final String errorCode;

    RejectKind(int rejectCode, String errorCode) {
        this.rejectCode = rejectCode;
        this.errorCode = errorCode;
    }

    public int rejectCode() {
        return rejectCode;
    }

    /** The IC's {@code IC0nnn} code for this failure, or null where the IC has none. */
    public String errorCode() {
        return errorCode;
    }
}
