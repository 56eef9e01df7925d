package com.canisterhost.execution;

import com.canisterhost.principal.CanisterId;
import com.canisterhost.state.CallRecord;
import com.canisterhost.state.LogEntry;
import com.canisterhost.state.Mailbox;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A fused round trip: an ingress update that made exactly one call, to an idle canister of this node, has that
 * request and then its own reply or reject callback run at once, in memory, one after the other, and all three
 * executions commit as one (both canisters' states in one transaction, with no message, callback or call context
 * written, since none of them outlives it). Each execution still sees what it would have seen had each committed
 * alone: the callee's committed state, the caller's state after its first execution, the caller's version one
 * higher in the callback, and the caller's version moves by two. Nothing is visible before the commit (queries
 * see the committed states, the ingress caller waits), so no one can tell the difference except by speed: a
 * round trip costs one commit instead of three, plus the writes and reads of the transactional outbox.
 *
 * <p>It is only tried where it cannot change an outcome: the callee's update lane is idle (no message waits for
 * it, nothing is queued), the call carries no cycles, and the ingress call is not tracked. Both executions run
 * with at most {@code canister.execution.fused-call-instructions}, so that the caller's lane, held throughout, and
 * the callee's are held for a short time only. Anything else (the callee traps, makes calls, does not answer or
 * runs past that limit) drops the callee's execution, and the caller's first execution commits as usual, its
 * call delivered as a message; if the callback traps, runs past the limit or neither answers nor calls, the
 * caller's message is run again from its committed state without fusion. A callback that calls on (the next
 * {@code await}) commits with the fused executions, its calls going out as messages, as an ingress execution's
 * would. Dropped executions leave nothing behind: nothing of them
 * was committed or seen.
 */
final class CallFusion {

    /** What {@link #tryFuse} did: the ingress call's outcome, now or (if its callback called on) later. */
    record Outcome(CompletableFuture<CallOutcome> outcome) {

        /** The caller's execution was spent on a callback that could not be fused: run the message again. */
        static final Outcome RUN_AGAIN = new Outcome(null);
    }

    private final ExecutionSteps steps;
    private final WorkerPool workers;
    private final CallDelivery delivery;
    private final CanisterActivity activity;
    private final long maxInstructions;
    private final com.canisterhost.state.CanisterOwnership ownership;
    private final Counter fused;
    private final Counter declined;

    CallFusion(ExecutionSteps steps, WorkerPool workers, CallDelivery delivery, CanisterActivity activity,
            long maxInstructions, MeterRegistry meters, com.canisterhost.state.CanisterOwnership ownership) {
        this.ownership = ownership;
        this.steps = steps;
        this.workers = workers;
        this.delivery = delivery;
        this.activity = activity;
        this.maxInstructions = maxInstructions;
        this.fused = Counter.builder("canister.calls.fused")
                .description("Calls between canisters run with their response in memory and committed as one")
                .register(meters);
        this.declined = Counter.builder("canister.calls.fused.dropped")
                .description("Fused calls that ran but were dropped: the callee or the callback could not be fused")
                .register(meters);
    }

    /**
     * Tries to run {@code message}'s one call and its callback now, on the caller's lane. Returns null if it did
     * not (the caller's {@code execution} is untouched: commit it as usual), {@link Outcome#RUN_AGAIN} if the
     * callback spoiled the execution, else the ingress call's outcome, committed.
     *
     * @param version the caller's committed version the execution started from
     */
    Outcome tryFuse(LiveCanister caller, Execution execution, Message message, String method, long version) {
        if (maxInstructions <= 0 || message.performed.size() != 1 || message.response != Message.Response.NONE) {
            return null;
        }
        Mailbox.Request call = message.performed.get(0);
        String target = call.target();
        if (target.equals(caller.id) || target.equals(ManagementCanister.ID) || call.cycles().signum() != 0
                || !ownership.local(target) || !workers.tryTakeLane(target)) {
            return null;
        }
        try {
            LiveCanister callee = steps.canisterIfInstalled(target);
            if (callee == null || activity.status(target) != 1 || !delivery.idle(target)) {
                return null;
            }
            boolean update = callee.module.updateMethods().contains(call.method());
            if (!update && !callee.module.queryMethods().contains(call.method())) {
                return null;
            }
            long calleeTime = callee.nextTime();
            Execution calleeExecution = update ? callee.beginUpdate() : callee.beginQuery();
            byte[] callerBytes = CanisterId.parse(caller.id).bytes();
            Message request = steps.message(target, update ? EntryPoint.UPDATE : EntryPoint.QUERY, call.arg(),
                    callerBytes, calleeTime, callee.version());
            request.deadline = call.deadline();
            steps.runWatched(calleeExecution, request, call.method(), maxInstructions);
            Mailbox.Response answer = request.failure == null && request.performed.isEmpty()
                    ? MessageOutcomes.answer(request) : null;
            if (answer == null) {
                declined.increment();
                return null; // the request goes out with the caller's commit and runs again as a message
            }
            Message callback = steps.callback(caller.id, answer.reply() != null ? null : answer.rejectCode(),
                    answer.rejectMessage(), answer.reply(), answer.reply() != null ? call.replyFun() : call.rejectFun(),
                    answer.reply() != null ? call.replyEnv() : call.rejectEnv(), false,
                    CanisterId.parse(target).bytes(), caller.nextTime(), version + 1);
            steps.runWatched(execution, callback, null, maxInstructions);
            boolean calls = !callback.performed.isEmpty();
            if (callback.failure != null || (callback.response == Message.Response.NONE && !calls)) {
                declined.increment();
                return Outcome.RUN_AGAIN;
            }
            // a callback that calls on (the next await) opens the ingress call's context with those calls, as an
            // ingress execution that made calls does: they go out as messages with the commit
            Mailbox.Outbox outbox = calls ? new Mailbox.Outbox(null, null, Mailbox.Origin.ingress(null), null,
                    MessageOutcomes.answer(callback), callback.performed) : null;
            List<ExecutionSteps.Part> parts = new ArrayList<>();
            parts.add(new ExecutionSteps.Part(caller, execution, callerRecord(method, message, callback, outbox), 2));
            if (update) {
                parts.add(new ExecutionSteps.Part(callee, calleeExecution, MessageOutcomes.record("call",
                        call.method(), callerBytes, request, calleeTime, null), 1));
            }
            long committed = steps.commitTogether(parts)[0];
            fused.increment();
            return new Outcome(delivery.outcome(callback, outbox, committed));
        } finally {
            workers.releaseLane(target);
        }
    }

    /**
     * The caller's record: the ingress call as its callback answered it (if it did), with what both executions did
     * and the calls the callback made.
     */
    private static CallRecord callerRecord(String method, Message first, Message callback, Mailbox.Outbox outbox) {
        boolean replied = callback.response == Message.Response.REPLIED;
        boolean rejected = callback.response == Message.Response.REJECTED;
        List<LogEntry> prints = new ArrayList<>(first.prints);
        prints.addAll(callback.prints);
        return new CallRecord("update", method, first.caller, replied ? callback.reply : null,
                rejected ? RejectKind.CANISTER_REJECT.rejectCode() : null, rejected ? callback.rejectMessage : null,
                first.instructions + callback.instructions, callback.timeNanos, prints, null, outbox);
    }
}
