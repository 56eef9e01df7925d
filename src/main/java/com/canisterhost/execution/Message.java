package com.canisterhost.execution;

import com.dylibso.chicory.runtime.GlobalInstance;
import com.canisterhost.state.LogEntry;
import com.canisterhost.state.Mailbox;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** The message one execution handles: its argument, caller, time, and the response it builds. */
final class Message {

    enum Response {
        NONE,
        REPLIED,
        REJECTED
    }

    final String canisterId;
    final EntryPoint entryPoint;
    final byte[] arg;
    final byte[] caller;
    final long timeNanos;
    final ByteArrayOutputStream replyBuffer = new ByteArrayOutputStream();
    Response response = Response.NONE;
    byte[] reply;
    String rejectMessage;
    /** Instructions executed, set when the execution ends. */
    long instructions;
    /** The instrumentation's counter of instructions left; System API calls charge it too. */
    GlobalInstance counter;
    /** The instruction limit the counter started from. */
    long instructionLimit;
    /** The execution the message runs in: stable memory and the canister's system state. */
    Execution execution;
    /** A call the canister is building with call_new, and what it has so far. */
    boolean callUnderConstruction;
    String callCallee;
    String callMethod;
    long[] callCallbacks; // reply fun, reply env, reject fun, reject env
    Long callCleanupFun;
    Long callCleanupEnv;
    final ByteArrayOutputStream callData = new ByteArrayOutputStream();
    /** The calls performed so far, in order (discarded with everything else if the execution traps). */
    final List<Mailbox.Request> performed = new ArrayList<>();
    /** For a callback: the table function and its env. */
    long callbackFun;
    long callbackEnv;
    /** For a reject callback: the reject code and message it reads. */
    int rejectCode;
    String rejectMessageIn = "";
    /** Whether the call context was answered by an earlier execution (a callback then may not answer it). */
    boolean contextAnswered;
    /** A callback of a composite query: not replicated, and nothing it does persists. */
    boolean composite;
    /** Cycles the call carries (a request from another canister), and how many of them the callee accepted. */
    java.math.BigInteger cyclesAvailable = java.math.BigInteger.ZERO;
    java.math.BigInteger cyclesAccepted = java.math.BigInteger.ZERO;
    /** For a callback: the cycles the callee did not accept, back on the balance. */
    java.math.BigInteger cyclesRefunded = java.math.BigInteger.ZERO;
    /** Whether the call under construction has a cleanup callback ({@code call_on_cleanup}: at most once). */
    boolean callCleanupSet;
    /** Whether the call under construction is best-effort ({@code call_with_best_effort_response}: at most once). */
    boolean callBestEffort;
    long callTimeoutSeconds;
    /** What {@code msg_deadline} answers: a best-effort call's deadline (ns since the epoch), else 0. */
    long deadline;
    /** Cycles moved onto the call under construction (returned to the balance if it is not performed). */
    java.math.BigInteger callCycles = java.math.BigInteger.ZERO;
    /** The method an ingress message targets, for {@code canister_inspect_message}; null otherwise. */
    String methodName;
    /** Whether {@code canister_inspect_message} accepted the message. */
    boolean accepted;
    /** What {@code canister_version} answers: the state version, or the next one during an install. */
    long canisterVersion;
    /**
     * The canister's calls awaiting their response when the execution began (its callbacks, estimated at the first
     * {@code call_perform} and counted exactly before a call is refused), and how many may be: a call past that
     * is not performed ({@code call_perform} 2).
     */
    java.util.function.LongSupplier outstandingCalls = () -> 0;
    java.util.function.LongSupplier countOutstandingCalls = () -> 0;
    boolean outstandingCounted;
    long outstandingBefore = -1;
    long maxOutstandingCalls = Long.MAX_VALUE;
    /** What {@code canister_status} answers, read when called: 1 running, 2 stopping, 3 stopped. */
    java.util.function.IntSupplier canisterStatus = () -> 1;
    /** The canister's environment variables as of the start of the execution. */
    Environment environment = Environment.EMPTY;
    /** Lines the canister printed with {@code debug_print}, kept for its log if the execution is replicated. */
    final List<LogEntry> prints = new ArrayList<>();
    /** Why the execution trapped, null if it ran to completion. */
    Throwable failure;

    Message(String canisterId, EntryPoint entryPoint, byte[] arg, byte[] caller, long timeNanos) {
        this.canisterId = canisterId;
        this.entryPoint = entryPoint;
        this.arg = arg;
        this.caller = caller;
        this.timeNanos = timeNanos;
    }
}
