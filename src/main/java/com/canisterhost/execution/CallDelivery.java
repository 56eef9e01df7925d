package com.canisterhost.execution;

import com.canisterhost.state.Mailbox;
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
 * Delivers inter-canister messages: a request runs the callee's method ({@link RequestExecution}), a response the
 * caller's reply or reject callback, and its cleanup if that traps ({@link CallbackExecution}). Each delivery is one
 * execution on the target's lane that consumes the oldest message waiting for it, so messages between two canisters
 * keep their order, and no execution ever waits for another canister (A calling B calling A is no deadlock). A
 * message is consumed by the commit of the execution that handled it; the messages it produced go out with that
 * commit (the {@link Mailbox}). What could not be queued, and what a restart finds, the sweep delivers.
 */
final class CallDelivery implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CallDelivery.class);

    private final WorkerPool workers;
    private final Mailbox mailbox;
    private final RequestExecution requests;
    private final CallbackExecution callbacks;
    /** Messages go only to the canisters this node executes; their holders' sweeps deliver the others. */
    private final com.canisterhost.state.CanisterOwnership ownership;
    /** Canisters with a delivery queued on their lane (at most one at a time: it takes the oldest message). */
    private final Set<String> scheduled = ConcurrentHashMap.newKeySet();
    /** Ingress calls answered after their first execution, by call context. */
    private final Map<Long, CompletableFuture<CallOutcome>> waiting = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper;
    private final Inboxes inboxes = new Inboxes();
    /** Contexts of waiting ingress calls that the last sweep did not find. */
    private final Set<Long> missing = ConcurrentHashMap.newKeySet();

    /** Calls awaiting their callback and messages waiting for delivery, over all canisters, as of the last sweep. */
    private final java.util.concurrent.atomic.AtomicLongArray totals =
            new java.util.concurrent.atomic.AtomicLongArray(2);

    CallDelivery(WorkerPool workers, Mailbox mailbox, RequestExecution requests, CallbackExecution callbacks,
            long sweepMillis, io.micrometer.core.instrument.MeterRegistry meters,
            com.canisterhost.state.CanisterOwnership ownership) {
        this.ownership = ownership;
        io.micrometer.core.instrument.Gauge.builder("canister.calls.outstanding", totals, t -> t.get(0))
                .description("Calls between canisters whose callback has not run yet (as of the last message sweep)")
                .register(meters);
        io.micrometer.core.instrument.Gauge.builder("canister.messages.queued", totals, t -> t.get(1))
                .description("Requests and responses between canisters waiting for delivery (as of the last sweep)")
                .register(meters);
        this.workers = workers;
        this.mailbox = mailbox;
        this.requests = requests;
        this.callbacks = callbacks;
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

    /**
     * An ingress call's outcome once the execution that ran {@code message} committed as {@code version}: now if it
     * answered, else when a later callback answers its call context ({@code outbox}, null if it made no call). On
     * the canister's lane, before any callback of it can run.
     */
    CompletableFuture<CallOutcome> outcome(Message message, Mailbox.Outbox outbox, long version) {
        boolean answered = message.response != Message.Response.NONE;
        CompletableFuture<CallOutcome> later = null;
        if (outbox != null) {
            Long context = outbox.written() != null ? outbox.written().context() : null;
            if (!answered && context != null) {
                later = awaitContext(context);
            }
            sent(outbox.written(), null, message.instructions, version);
        }
        if (!answered) {
            return later != null ? later : CompletableFuture.failedFuture(
                    new IllegalStateException("the call's context could not be found after its commit"));
        }
        return CompletableFuture.completedFuture(message.response == Message.Response.REPLIED
                ? new CallOutcome.Replied(message.reply, message.instructions, version)
                : new CallOutcome.Rejected(RejectKind.CANISTER_REJECT, message.rejectMessage, message.instructions,
                        version));
    }

    /** After a commit (or a mailbox write of its own): delivers what it sent and answers a waiting ingress call. */
    void sent(Mailbox.Written written, Long context, long instructions, long stateVersion) {
        if (written == null) { // the commit's outcome was resolved after a lost connection: let the sweep deliver
            inboxes.distrustAll();
            sweeper.execute(this::sweep);
            return;
        }
        inboxes.sent(written, this::delivers);
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

    /**
     * Whether no message waits for {@code target} and no delivery is queued for it, so that a request may run on its
     * lane now without overtaking one; on the target's lane.
     */
    boolean idle(String target) {
        return !scheduled.contains(target) && inboxes.empty(target, mailbox::hasMessages);
    }

    /** Whether this node delivers {@code target}'s messages: the management canister's, and its own canisters'. */
    private boolean delivers(String target) {
        return target.equals(ManagementCanister.ID) || ownership.local(target);
    }

    /** Forgets what this node knows of the canister's messages (it moved here, or was deleted). */
    void forget(String canisterId) {
        inboxes.forget(canisterId);
    }

    /** Queues a delivery on the canister's lane unless one is queued; a full queue leaves it to the sweep. */
    void schedule(String target) {
        if (!delivers(target)) {
            return;
        }
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
        // a request runs the callee's method, a response the caller's callback; what either wrote goes out here
        Delivered delivered = message.request() ? requests.run(message) : callbacks.run(message);
        sent(delivered.written(), delivered.context(), delivered.instructions(), delivered.stateVersion());
        return next.get().more();
    }

    /** What handling one message wrote, and the call context it may have answered: what {@link #sent} takes. */
    record Delivered(Mailbox.Written written, Long context, long instructions, long stateVersion) {}

    @Override
    public void close() {
        sweeper.shutdownNow();
        waiting.values().forEach(waiter -> waiter.completeExceptionally(
                new IllegalStateException("the service stopped before the call was answered")));
    }
}
