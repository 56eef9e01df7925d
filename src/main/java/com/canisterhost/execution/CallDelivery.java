package com.canisterhost.execution;

import com.canisterhost.principal.CanisterId;
import com.canisterhost.state.CallRecord;
import com.canisterhost.state.Mailbox;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers inter-canister messages: a request runs the callee's method, a response the caller's reply or reject
 * callback (and its cleanup if that traps). Each delivery is one execution on the target's lane that consumes the
 * oldest message waiting for it, so messages between two canisters keep their order, and no execution ever waits
 * for another canister (A calling B calling A is no deadlock). A message is consumed by the commit of the
 * execution that handled it; the messages it produced go out with that commit (the {@link Mailbox}). What could
 * not be queued, and what a restart finds, the sweep delivers.
 */
final class CallDelivery implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CallDelivery.class);
    /** SYS_TRANSIENT and DESTINATION_INVALID, as the interface spec numbers them. */
    private static final int SYS_TRANSIENT = 2;
    private static final int DESTINATION_INVALID = 3;

    private final Executor executor;
    private final WorkerPool workers;
    private final Mailbox mailbox;
    private final CanisterActivity activity;
    /** Canisters with a delivery queued on their lane (at most one at a time: it takes the oldest message). */
    private final Set<String> scheduled = ConcurrentHashMap.newKeySet();
    /** Ingress calls answered after their first execution, by call context. */
    private final Map<Long, CompletableFuture<CallOutcome>> waiting = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper;
    private final java.util.function.Supplier<ManagementCanister> management;
    private final Inboxes inboxes = new Inboxes();
    /** Contexts of waiting ingress calls that the last sweep did not find. */
    private final Set<Long> missing = ConcurrentHashMap.newKeySet();

    /** Calls awaiting their callback and messages waiting for delivery, over all canisters, as of the last sweep. */
    private final java.util.concurrent.atomic.AtomicLongArray totals =
            new java.util.concurrent.atomic.AtomicLongArray(2);

    CallDelivery(Executor executor, WorkerPool workers, Mailbox mailbox, CanisterActivity activity,
            java.util.function.Supplier<ManagementCanister> management, long sweepMillis,
            io.micrometer.core.instrument.MeterRegistry meters) {
        this.management = management;
        io.micrometer.core.instrument.Gauge.builder("canister.calls.outstanding", totals, t -> t.get(0))
                .description("Calls between canisters whose callback has not run yet (as of the last message sweep)")
                .register(meters);
        io.micrometer.core.instrument.Gauge.builder("canister.messages.queued", totals, t -> t.get(1))
                .description("Requests and responses between canisters waiting for delivery (as of the last sweep)")
                .register(meters);
        this.executor = executor;
        this.workers = workers;
        this.mailbox = mailbox;
        this.activity = activity;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "canister-message-sweep");
            thread.setDaemon(true);
            return thread;
        });
        sweeper.scheduleWithFixedDelay(this::sweep, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
    }

    /** The future an ingress call's HTTP request waits on until its context is answered. */
    CompletableFuture<CallOutcome> awaitContext(long context) {
        return waiting.computeIfAbsent(context, c -> new CompletableFuture<>());
    }

    /** After a commit (or a mailbox write of its own): delivers what it sent and answers a waiting ingress call. */
    void sent(Mailbox.Written written, Long context, long instructions, long stateVersion) {
        if (written == null) { // the commit's outcome was resolved after a lost connection: let the sweep deliver
            inboxes.distrustAll();
            sweeper.execute(this::sweep);
            return;
        }
        inboxes.sent(written);
        written.targets().forEach(this::schedule);
        if (written.ingressAnswer() != null && context != null) {
            CompletableFuture<CallOutcome> waiter = waiting.remove(context);
            if (waiter != null) {
                Mailbox.Response answer = written.ingressAnswer();
                waiter.complete(answer.reply() != null
                        ? new CallOutcome.Replied(answer.reply(), instructions, stateVersion)
                        : new CallOutcome.Rejected(answer.rejectKind() != null ? RejectKind.valueOf(answer.rejectKind())
                                : RejectKind.CANISTER_REJECT, answer.rejectMessage(), instructions, stateVersion));
            }
        }
    }

    /** Queues a delivery on the canister's lane unless one is queued; a full queue leaves it to the sweep. */
    void schedule(String target) {
        if (!scheduled.add(target)) {
            return;
        }
        try {
            workers.submit(target, true, () -> {
                scheduled.remove(target); // from here on, a message sent to it queues another delivery
                if (deliverNext(target)) {
                    schedule(target); // the next one waits already: behind whatever else is queued by now
                }
                return null;
            }).whenComplete((done, failure) -> {
                if (failure != null) {
                    scheduled.remove(target);
                    log.warn("Delivering a message to {} failed; the sweep retries: {}", target, failure.toString());
                }
            });
        } catch (RuntimeException full) {
            scheduled.remove(target);
        }
    }

    private void sweep() {
        try {
            for (String target : mailbox.expire(System.currentTimeMillis() * 1_000_000L)) {
                inboxes.unread(target);
                schedule(target);
            }
            for (String target : mailbox.pendingTargets()) {
                inboxes.unread(target);
                schedule(target);
            }
            settleAbandoned();
            long[] now = mailbox.totals();
            totals.set(0, now[0]); // read by the metrics registry's threads
            totals.set(1, now[1]);
        } catch (RuntimeException e) {
            log.debug("Message sweep failed: {}", e.toString());
        }
    }

    /**
     * An ingress call whose context is gone without an answer reaching it in memory: the canister was reinstalled
     * or uninstalled meanwhile (the context's origin was rejected in that commit). Missing in two sweeps in a row,
     * so that a context closed by a commit whose answer is on its way to the waiter is not taken for one.
     */
    private void settleAbandoned() {
        Set<Long> contexts = Set.copyOf(waiting.keySet());
        Set<Long> open = mailbox.openContexts(contexts);
        for (Long context : contexts) {
            if (open.contains(context)) {
                missing.remove(context);
            } else if (!missing.add(context)) {
                missing.remove(context);
                CompletableFuture<CallOutcome> waiter = waiting.remove(context);
                if (waiter != null) {
                    waiter.complete(new CallOutcome.Rejected(RejectKind.CANISTER_REJECT, "the canister was "
                            + "reinstalled or uninstalled before it answered the call", 0, 0));
                }
            }
        }
    }

    /** Handles the oldest message waiting for {@code target}; whether another one waited behind it. */
    private boolean deliverNext(String target) {
        var next = inboxes.next(target, mailbox::next);
        if (next.isEmpty()) {
            return false;
        }
        Mailbox.Pending message = next.get().message();
        if (message == null) { // none now, but one came in meanwhile: the next delivery takes it
            return true;
        }
        if (message.request()) {
            request(message);
        } else {
            response(message);
        }
        return next.get().more();
    }

    private void request(Mailbox.Pending request) {
        String target = request.target();
        Mailbox.Origin origin = Mailbox.Origin.call(request.sender(), request.callbackId());
        if (target.equals(ManagementCanister.ID)) {
            workers.releaseSlot(); // it mostly waits: on PostgreSQL, and on the lanes of the canisters it manages
            sent(management.get().handle(new ManagementRequest(request.id(), request.sender(), request.callbackId(),
                    request.method(), request.payload() != null ? request.payload() : new byte[0],
                    request.cycles())), null, 0, 0);
            return;
        }
        LiveCanister callee = executor.canisterIfInstalled(target);
        if (callee == null) {
            answerAlone(request, origin, Mailbox.Response.rejected(DESTINATION_INVALID, null,
                    "canister " + target + " does not exist or has no module"), 0, 0);
            return;
        }
        int status = activity.status(target);
        if (status != 1) {
            answerAlone(request, origin, Mailbox.Response.rejected(SYS_TRANSIENT, null, "canister " + target
                    + " is " + (status == 2 ? "stopping" : "stopped")), 0, callee.version());
            return;
        }
        String method = request.method();
        boolean update = callee.module.updateMethods().contains(method);
        boolean query = callee.module.queryMethods().contains(method);
        if (!update && !query) {
            answerAlone(request, origin, Mailbox.Response.rejected(DESTINATION_INVALID, null,
                    "canister " + target + " has no update or query method '" + method + "'"), 0, callee.version());
            return;
        }
        long time = callee.nextTime();
        long version = callee.version();
        Execution execution = update ? callee.beginUpdate() : callee.beginQuery();
        byte[] caller = CanisterId.parse(request.sender()).bytes();
        Message message = executor.message(target, update ? EntryPoint.UPDATE : EntryPoint.QUERY,
                request.payload() != null ? request.payload() : new byte[0], caller, time, version);
        message.cyclesAvailable = request.cycles();
        message.deadline = request.deadline();
        executor.runWatched(execution, message, method);
        if (message.failure != null) {
            CallOutcome.Rejected trapped = Executor.trapped(message, version);
            if (update) {
                executor.logFailure(target, message.prints, trapped, time);
            }
            answerAlone(request, origin, Mailbox.Response.rejected(Mailbox.CANISTER_ERROR, null, trapped.message()),
                    message.instructions, version);
            return;
        }
        Mailbox.Response answer = answer(message);
        if (!update || (answer == null && message.performed.isEmpty())) {
            // a query method commits nothing; an update that neither answered nor called is rolled back
            answerAlone(request, origin, answer != null ? answer : Mailbox.Response.rejected(Mailbox.CANISTER_ERROR,
                    null, "canister did not reply to the call"), message.instructions, version);
            return;
        }
        Mailbox.Outbox outbox = new Mailbox.Outbox(request.id(), null, origin, null, answer, message.performed,
                request.cycles().subtract(message.cyclesAccepted));
        long committed = executor.commit(callee, execution, record("call", method, caller, message, time, outbox));
        sent(outbox.written(), null, message.instructions, committed);
    }

    private void response(Mailbox.Pending response) {
        String target = response.target();
        var callback = java.util.Optional.ofNullable(response.callback());
        LiveCanister canister = callback.isPresent() ? executor.canisterIfInstalled(target) : null;
        Long context = callback.map(Mailbox.Callback::context).orElse(null);
        Mailbox.Outbox consumeOnly = new Mailbox.Outbox(response.id(), context, null,
                callback.map(Mailbox.Callback::id).orElse(null), null, List.of());
        if (canister == null) { // the canister was reinstalled, uninstalled or deleted since it made the call
            sent(mailbox.writeAlone(target, consumeOnly, 0, 0), context, 0, 0);
            return;
        }
        Mailbox.Callback cb = callback.get();
        boolean replied = response.rejectCode() == null;
        long time = canister.nextTime();
        long version = canister.version();
        byte[] sender = CanisterId.parse(response.sender()).bytes();
        Execution execution = canister.beginUpdate();
        // the cycles the callee did not accept are back on the balance before the callback runs, trap or not
        java.math.BigInteger refund = response.cycles();
        execution.cycles(execution.cycles().add(refund));
        Message message = executor.callback(target, response.rejectCode(), response.rejectMessage(),
                response.payload(), replied ? cb.replyFun() : cb.rejectFun(), replied ? cb.replyEnv() : cb.rejectEnv(),
                cb.contextAnswered(), sender, time, version);
        message.cyclesRefunded = refund;
        executor.runWatched(execution, message, null);
        if (message.failure == null) {
            Mailbox.Outbox outbox = new Mailbox.Outbox(response.id(), cb.context(), null, cb.id(), answer(message),
                    message.performed);
            long committed = executor.commit(canister, execution, record("callback", null, sender, message, time,
                    outbox));
            sent(outbox.written(), cb.context(), message.instructions, committed);
            return;
        }
        // the callback trapped: its changes are gone; the cleanup callback, if any, runs on the state before it
        CallOutcome.Rejected trapped = Executor.trapped(message, version);
        executor.logFailure(target, message.prints, trapped, time);
        if (cb.cleanupFun() != null) {
            Execution cleanupExecution = canister.begin();
            cleanupExecution.cycles(cleanupExecution.cycles().add(refund));
            Message cleanup = executor.message(target, EntryPoint.CLEANUP, new byte[0], sender, time, version);
            cleanup.callbackFun = cb.cleanupFun();
            cleanup.callbackEnv = cb.cleanupEnv();
            executor.runWatched(cleanupExecution, cleanup, null);
            if (cleanup.failure == null) {
                long committed = executor.commit(canister, cleanupExecution, record("cleanup", null, sender, cleanup,
                        time, consumeOnly));
                sent(consumeOnly.written(), cb.context(), cleanup.instructions, committed);
                return;
            }
            executor.logFailure(target, cleanup.prints, Executor.trapped(cleanup, version), time);
        }
        if (refund.signum() > 0) { // nothing else of it stays, but the refund does
            Execution refunded = canister.begin();
            refunded.cycles(refunded.cycles().add(refund));
            long committed = executor.commit(canister, refunded, new CallRecord("callback", null, sender, null, null,
                    null, message.instructions, time, List.of(), null, consumeOnly)); // its prints are logged already
            sent(consumeOnly.written(), cb.context(), message.instructions, committed);
            return;
        }
        sent(mailbox.writeAlone(target, consumeOnly, version, message.instructions), cb.context(),
                message.instructions, version);
    }

    /** Consumes a request and answers it, with no state committed: all the cycles it carried go back. */
    private void answerAlone(Mailbox.Pending request, Mailbox.Origin origin, Mailbox.Response answer,
            long instructions, long version) {
        Mailbox.Outbox outbox = new Mailbox.Outbox(request.id(), null, origin, null, answer, List.of(),
                request.cycles());
        sent(mailbox.writeAlone(request.target(), outbox, version, instructions), null, instructions, version);
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

    private static CallRecord record(String kind, String method, byte[] caller, Message message, long time,
            Mailbox.Outbox outbox) {
        boolean replied = message.response == Message.Response.REPLIED;
        boolean rejected = message.response == Message.Response.REJECTED;
        return new CallRecord(kind, method, caller, replied ? message.reply : null,
                rejected ? RejectKind.CANISTER_REJECT.rejectCode() : null, rejected ? message.rejectMessage : null,
                message.instructions, time, message.prints, null, outbox);
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        waiting.values().forEach(waiter -> waiter.completeExceptionally(
                new IllegalStateException("the service stopped before the call was answered")));
    }
}
