package com.canisterhost.execution;

import com.canisterhost.state.CallRecord;
import com.canisterhost.state.LogEntry;
import com.canisterhost.state.LogStore;
import com.canisterhost.state.Mailbox;
import com.canisterhost.state.StateStore;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * An ingress update call, on the canister's lane ({@link Executor#submitUpdate} puts it there): the canister's
 * {@code canister_inspect_message} first, if exported, then the method. A reply or a reject commits the state changes
 * and the call record in one transaction; a trap or a missing reply rolls back. A call that made calls and has not
 * answered yet is answered later, by a callback, through its call context.
 */
final class UpdateExecution {

    private final ExecutionSteps steps;
    private final QueryExecution queries;
    private final CallDelivery delivery;
    private final StateStore stateStore;
    private final TransactionTemplate transactions;
    private final LogStore logs;
    private final CallFusion fusion;

    UpdateExecution(ExecutionSteps steps, QueryExecution queries, CallDelivery delivery, StateStore stateStore,
            TransactionTemplate transactions, LogStore logs, CallFusion fusion) {
        this.fusion = fusion;
        this.steps = steps;
        this.queries = queries;
        this.delivery = delivery;
        this.stateStore = stateStore;
        this.transactions = transactions;
        this.logs = logs;
    }

    /**
     * See {@link Executor#submitUpdate}; runs on the canister's lane. The future is complete unless the call made
     * calls before answering: then it completes when a callback answers the call's context.
     */
    CompletableFuture<CallOutcome> run(String canisterId, String method, byte[] arg, byte[] caller, UUID callId) {
        LiveCanister canister = steps.liveCanister(canisterId);
        if (!canister.module.updateMethods().contains(method)) {
            return CompletableFuture.completedFuture(
                    uncommitted(canisterId, callId, queries.run(canister, method, arg, caller, 0), List.of(), 0));
        }
        CallOutcome refused = inspect(canister, method, arg, caller);
        if (refused != null) {
            return CompletableFuture.completedFuture(uncommitted(canisterId, callId, refused, List.of(), 0));
        }
        return execute(canister, method, arg, caller, callId, true);
    }

    /** The method on the canister's lane, after inspection; {@code fuse}: its one call may run fused with it. */
    private CompletableFuture<CallOutcome> execute(LiveCanister canister, String method, byte[] arg, byte[] caller,
            UUID callId, boolean fuse) {
        String canisterId = canister.id;
        long time = canister.nextTime();
        Execution execution = canister.beginUpdate();
        long version = canister.version();
        Message message = steps.message(canisterId, EntryPoint.UPDATE, arg, caller, time, version);
        steps.runWatched(execution, message, method);
        boolean calls = !message.performed.isEmpty();
        if (message.failure != null || (message.response == Message.Response.NONE && !calls)) {
            // dropping the execution is the rollback; what it printed and why it failed go to the log
            CallOutcome.Rejected failed = message.failure != null ? MessageOutcomes.trapped(message, version)
                    : MessageOutcomes.didNotReply(message, version);
            return CompletableFuture.completedFuture(
                    uncommitted(canisterId, callId, failed, message.prints, time));
        }
        if (fuse && callId == null) {
            CallFusion.Outcome fused = fusion.tryFuse(canister, execution, message, method, version);
            if (fused == CallFusion.Outcome.RUN_AGAIN) {
                return execute(steps.liveCanister(canisterId), method, arg, caller, callId, false);
            } else if (fused != null) {
                return fused.outcome();
            }
        }
        boolean answered = message.response != Message.Response.NONE;
        boolean replied = message.response == Message.Response.REPLIED;
        // a call that is not answered yet is answered through its call context, by a later callback
        Mailbox.Outbox outbox = calls ? new Mailbox.Outbox(null, null,
                Mailbox.Origin.ingress(answered ? null : callId), null, MessageOutcomes.answer(message),
                message.performed) : null;
        CallRecord record = new CallRecord("update", method, caller, replied ? message.reply : null,
                replied || !answered ? null : RejectKind.CANISTER_REJECT.rejectCode(), message.rejectMessage,
                message.instructions, time, message.prints, answered ? callId : null, outbox);
        return delivery.outcome(message, outbox, steps.commit(canister, execution, record));
    }

    /** Runs {@code canister_inspect_message}, if exported: null if the call is accepted, else the refusal. */
    private CallOutcome inspect(LiveCanister canister, String method, byte[] arg, byte[] caller) {
        if (!canister.module.exports(EntryPoint.INSPECT_MESSAGE.exportName(null))) {
            return null;
        }
        long version = canister.version();
        Message message = steps.message(canister.id, EntryPoint.INSPECT_MESSAGE, arg, caller, canister.nextTime(),
                version);
        message.methodName = method;
        steps.runWatched(canister.begin(), message, null); // never committed: inspection is not replicated
        if (message.failure != null) {
            return new CallOutcome.Rejected(RejectKind.MESSAGE_REFUSED, "canister_inspect_message trapped: "
                    + MessageOutcomes.trapped(message, version).message(), message.instructions, version);
        }
        if (!message.accepted) {
            return new CallOutcome.Rejected(RejectKind.MESSAGE_REFUSED, "the canister's canister_inspect_message "
                    + "did not accept a call to '" + method + "'", message.instructions, version);
        }
        return null;
    }

    /**
     * The outcome of an update call that commits nothing (refused, ran as a query, trapped, did not reply): a
     * failed replicated execution's log entries and, for a tracked call, its outcome are written together, in
     * the execution (a commit records a tracked call's outcome in its own transaction).
     *
     * @param time the execution's time, for the trap's log entry; 0 if nothing replicated ran (nothing is logged)
     */
    private CallOutcome uncommitted(String canisterId, UUID callId, CallOutcome outcome, List<LogEntry> prints,
            long time) {
        boolean logged = time != 0 && outcome instanceof CallOutcome.Rejected;
        if (!logged && callId == null) {
            return outcome;
        }
        transactions.executeWithoutResult(status -> {
            if (logged) {
                logs.append(canisterId, ExecutionSteps.failureLog(prints, (CallOutcome.Rejected) outcome, time));
            }
            if (callId != null) {
                stateStore.completeCall(callId, outcome instanceof CallOutcome.Replied replied ? replied.reply() : null,
                        outcome instanceof CallOutcome.Rejected rejected ? rejected.kind().name() : null,
                        outcome instanceof CallOutcome.Rejected rejected ? rejected.message() : null,
                        outcome.instructions(), outcome.stateVersion());
            }
        });
        return outcome;
    }
}
