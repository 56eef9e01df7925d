package com.canisterhost.call;

import com.canisterhost.canister.CanisterManagement;
import com.canisterhost.execution.CallOutcome;
import com.canisterhost.execution.Executor;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * Update calls that are tracked: made with an {@code Idempotency-Key} (run at most once per canister and key; a
 * retry gets the first outcome, a concurrent duplicate waits for it) or answered asynchronously (queued, then
 * looked up by call id). The outcome of a call that commits is written in its commit transaction.
 */
@Service
public class Calls {

    private static final Logger log = LoggerFactory.getLogger(Calls.class);
    private static final long PURGE_EVERY_NANOS = 60_000_000_000L;

    private final CanisterManagement canisters;
    private final CallJournal journal;
    private final CallProperties properties;
    /** Keyed calls running on this node, so that a duplicate waits for the outcome instead of polling. */
    private final Map<String, CompletableFuture<Void>> running = new ConcurrentHashMap<>();
    private final AtomicLong lastPurge = new AtomicLong(System.nanoTime());

    Calls(CanisterManagement canisters, CallJournal journal, CallProperties properties) {
        this.canisters = canisters;
        this.journal = journal;
        this.properties = properties;
    }

    @EventListener(ApplicationStartedEvent.class)
    void abandonInterruptedCalls() {
        int abandoned = journal.abandonPending();
        if (abandoned > 0) {
            log.info("{} tracked calls were interrupted by the last shutdown before they ran", abandoned);
        }
    }

    /** An update call, at most once per {@code key} (null: an ordinary call). */
    public CallOutcome update(String id, String method, byte[] arg, byte[] caller, String key) {
        if (key == null) {
            return canisters.update(id, method, arg, caller);
        }
        String canisterId = canisters.canonicalId(id);
        byte[] argHash = sha256(arg);
        long deadline = System.nanoTime() + properties.maxWait().toNanos();
        while (true) {
            Optional<TrackedCall> existing = journal.findByKey(canisterId, key);
            if (existing.isPresent()) {
                TrackedCall call = sameRequest(existing.get(), method, argHash);
                if (call.completed() && !call.notApplied()) {
                    return call.outcome();
                }
                if (call.completed()) {
                    journal.delete(call.callId()); // never applied: this retry runs it
                    continue;
                }
                awaitDuplicate(canisterId, key, deadline);
                continue;
            }
            CompletableFuture<Void> mine = new CompletableFuture<>();
            if (running.putIfAbsent(slot(canisterId, key), mine) != null) {
                awaitDuplicate(canisterId, key, deadline); // a duplicate on this node claimed it first
                continue;
            }
            try {
                UUID callId = UUID.randomUUID();
                if (!journal.insertPending(callId, canisterId, key, method, argHash)) {
                    continue; // claimed elsewhere between the lookup and now
                }
                purgeNowAndThen();
                CallOutcome outcome;
                try {
                    outcome = Executor.await(canisters.submitUpdate(canisterId, method, arg, caller, callId));
                } catch (RuntimeException e) {
                    journal.delete(callId); // it did not run (refused, queue full, ...): a retry may run it
                    throw e;
                }
                journal.completeIfPending(callId, outcome);
                // answer from the journal: exactly what every retry will get
                return journal.find(callId).map(TrackedCall::outcome).orElse(outcome);
            } finally {
                running.remove(slot(canisterId, key), mine);
                mine.complete(null);
            }
        }
    }

    /**
     * Queues an update call and returns its tracked record at once (pending, or under a key used before, that
     * call). Whatever refuses the call now (unknown or stopped canister, full queue) is thrown now.
     */
    public TrackedCall submit(String id, String method, byte[] arg, byte[] caller, String key) {
        String canisterId = canisters.canonicalId(id);
        byte[] argHash = sha256(arg);
        while (true) {
            if (key != null) {
                Optional<TrackedCall> existing = journal.findByKey(canisterId, key);
                if (existing.isPresent() && !existing.get().notApplied()) {
                    return sameRequest(existing.get(), method, argHash);
                }
                existing.ifPresent(call -> journal.delete(call.callId()));
            }
            UUID callId = UUID.randomUUID();
            if (!journal.insertPending(callId, canisterId, key, method, argHash)) {
                continue;
            }
            purgeNowAndThen();
            CompletableFuture<CallOutcome> outcome;
            try {
                outcome = canisters.submitUpdate(canisterId, method, arg, caller, callId);
            } catch (RuntimeException e) {
                journal.delete(callId);
                throw e;
            }
            outcome.whenComplete((result, failure) -> journal.completeIfPending(callId, result != null ? result
                    : new CallOutcome.Rejected(com.canisterhost.execution.RejectKind.NOT_APPLIED,
                            "the call failed before it could run: " + rootMessage(failure), 0, 0)));
            return journal.find(callId).orElseThrow();
        }
    }

    public Optional<TrackedCall> find(UUID callId) {
        return journal.find(callId);
    }

    private static TrackedCall sameRequest(TrackedCall call, String method, byte[] argHash) {
        if (!call.method().equals(method) || !Arrays.equals(call.argSha256(), argHash)) {
            throw new CallConflictException("Idempotency-Key '" + call.idempotencyKey() + "' was used for a call to '"
                    + call.method() + "' with another argument or method; use a new key for a new request");
        }
        return call;
    }

    private void awaitDuplicate(String canisterId, String key, long deadline) {
        if (System.nanoTime() > deadline) {
            throw new CallConflictException("a call with Idempotency-Key '" + key + "' is still running; retry later");
        }
        CompletableFuture<Void> duplicate = running.get(slot(canisterId, key));
        try {
            if (duplicate != null) {
                duplicate.get(); // completes when the first call has its outcome
            } else {
                Thread.sleep(20); // running on another node, or about to: poll
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a duplicate call", e);
        } catch (ExecutionException e) {
            // the first call's own failure is its caller's to report; re-read the journal
        }
    }

    private void purgeNowAndThen() {
        long last = lastPurge.get();
        if (System.nanoTime() - last > PURGE_EVERY_NANOS && lastPurge.compareAndSet(last, System.nanoTime())) {
            journal.purge(properties.retention());
        }
    }

    private static String rootMessage(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause == null ? "unknown" : cause.getMessage();
    }

    private static String slot(String canisterId, String key) {
        return canisterId + '\n' + key;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
