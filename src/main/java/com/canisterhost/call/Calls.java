package com.canisterhost.call;

import com.canisterhost.canister.CanisterAccess;
import com.canisterhost.canister.CanisterManagement;
import com.canisterhost.execution.CallOutcome;
import com.canisterhost.execution.Executor;
import com.canisterhost.identity.Caller;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;

/**
 * Update calls that are tracked: made with an {@code Idempotency-Key} (run at most once per canister, caller and
 * key; a retry gets the first outcome, a concurrent duplicate waits for it) or answered asynchronously (queued, then
 * looked up by call id). The execution records the outcome: a commit in its own transaction, any other outcome when
 * the execution ends, whether or not a client is still waiting for it.
 *
 * <p>A call's row says "not applied" only when that is certain: the call was refused before it was queued, or its
 * execution ended without its commit completing the row. A row pending after its execution ended (the database was
 * unreachable when its outcome was to be recorded) is settled the next time someone asks for it.
 */
@Service
public class Calls {

    private static final Logger log = LoggerFactory.getLogger(Calls.class);
    private static final long PURGE_EVERY_NANOS = 60_000_000_000L;

    private final CanisterManagement canisters;
    private final CanisterAccess access;
    private final CallJournal journal;
    private final CallProperties properties;
    /**
     * Tracked calls whose execution this node is running, by call id; each completes once the call's outcome is
     * recorded (or could not be). A pending row without an entry here has no execution left on this node.
     */
    private final Map<UUID, CompletableFuture<Void>> running = new ConcurrentHashMap<>();
    private final AtomicLong lastPurge = new AtomicLong(System.nanoTime());

    Calls(CanisterManagement canisters, CanisterAccess access, CallJournal journal, CallProperties properties) {
        this.canisters = canisters;
        this.access = access;
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

    /**
     * With several nodes: this node took the canister over from one that stopped or died; the tracked calls it left
     * pending that await no call of theirs are marked not applied.
     */
    public int abandonPending(String canisterId) {
        return journal.abandonPending(canisterId);
    }

    /** An update call, at most once per {@code caller} and {@code key} (null: an ordinary call). */
    public CallOutcome update(String id, String method, byte[] arg, byte[] caller, String key) {
        if (key == null) {
            return canisters.update(id, method, arg, caller);
        }
        String canisterId = canisters.canonicalId(id);
        byte[] argHash = sha256(arg);
        long deadline = System.nanoTime() + properties.maxWait().toNanos();
        while (true) {
            Optional<TrackedCall> existing = journal.findByKey(canisterId, caller, key);
            if (existing.isPresent()) {
                TrackedCall call = sameRequest(existing.get(), method, argHash);
                if (call.completed() && !call.notApplied()) {
                    return call.outcome();
                }
                if (call.completed()) {
                    journal.delete(call.callId()); // never applied: this retry runs it
                } else {
                    awaitEnd(call, deadline);
                }
                continue;
            }
            UUID callId = UUID.randomUUID();
            CompletableFuture<CallOutcome> execution = start(callId, canisterId, caller, key, method, arg, argHash);
            if (execution == null) {
                continue; // claimed by a concurrent duplicate between the lookup and now
            }
            Executor.await(execution); // what made it fail (refused, not applied, outcome unknown) is the answer
            awaitRecorded(callId);
            // answer from the journal: exactly what every retry will get
            return journal.find(callId).map(TrackedCall::outcome).orElseThrow();
        }
    }

    /**
     * Queues an update call and returns its tracked record at once (pending, or under a key the caller used
     * before, that call). Whatever refuses the call now (unknown or stopped canister, full queue) is thrown now.
     */
    public TrackedCall submit(String id, String method, byte[] arg, byte[] caller, String key) {
        String canisterId = canisters.canonicalId(id);
        byte[] argHash = sha256(arg);
        while (true) {
            if (key != null) {
                Optional<TrackedCall> existing = journal.findByKey(canisterId, caller, key);
                if (existing.isPresent() && !settled(existing.get()).notApplied()) {
                    return sameRequest(existing.get(), method, argHash);
                }
                existing.ifPresent(call -> journal.delete(call.callId()));
            }
            UUID callId = UUID.randomUUID();
            if (start(callId, canisterId, caller, key, method, arg, argHash) != null) {
                return journal.find(callId).orElseThrow();
            }
        }
    }

    /**
     * A tracked call, for its caller or the admin (anyone else is refused as {@link CanisterAccess} refuses
     * management). A call left pending by an execution that has ended is settled first.
     */
    public Optional<TrackedCall> find(UUID callId, Caller reader) {
        Optional<TrackedCall> call = journal.find(callId);
        call.ifPresent(found -> access.requireCallOwner(found.caller(), reader));
        return call.map(this::settled);
    }

    /**
     * Records the call as pending (claiming its key) and queues its execution; null if a call of the caller
     * already holds the key. A call refused before it was queued leaves no row.
     */
    private CompletableFuture<CallOutcome> start(UUID callId, String canisterId, byte[] caller, String key,
            String method, byte[] arg, byte[] argHash) {
        CompletableFuture<Void> recorded = new CompletableFuture<>();
        running.put(callId, recorded); // before the row exists, so a pending row is never taken for an orphan
        boolean queued = false;
        try {
            if (!journal.insertPending(callId, canisterId, caller, key, method, argHash)) {
                return null;
            }
            purgeNowAndThen();
            CompletableFuture<CallOutcome> execution;
            try {
                execution = canisters.submitUpdate(canisterId, method, arg, caller, callId);
            } catch (RuntimeException e) {
                journal.delete(callId); // it was never queued (refused, queue full, ...): a retry may run it
                throw e;
            }
            queued = true;
            execution.whenComplete((outcome, failure) -> {
                try {
                    if (failure != null) { // an outcome was recorded by the execution itself
                        markNotApplied(callId, failure);
                    }
                } finally {
                    running.remove(callId, recorded);
                    recorded.complete(null);
                }
            });
            return execution;
        } finally {
            if (!queued) {
                running.remove(callId, recorded);
                recorded.complete(null);
            }
        }
    }

    /**
     * An execution that failed (its canister went away, its commit was refused or its outcome is unknown) is over:
     * unless its commit completed the row, the call was not applied. If the database refuses even that, the row
     * stays pending and is settled when next asked for.
     */
    private void markNotApplied(UUID callId, Throwable failure) {
        try {
            journal.markNotAppliedIfPending(callId, "the call failed before it could be applied: "
                    + rootMessage(failure));
        } catch (RuntimeException e) {
            log.warn("Could not record that call {} was not applied ({}); it is settled when next asked for",
                    callId, e.getMessage());
        }
    }

    /** The call, settled first if it is pending with no execution of it left on this node. */
    private TrackedCall settled(TrackedCall call) {
        if (call.completed() || running.containsKey(call.callId())) {
            return call;
        }
        journal.markNotAppliedIfPending(call.callId(), "the call's execution ended before its outcome was "
                + "recorded; it was not applied");
        return journal.find(call.callId()).orElse(call);
    }

    private static TrackedCall sameRequest(TrackedCall call, String method, byte[] argHash) {
        if (!call.method().equals(method) || !Arrays.equals(call.argSha256(), argHash)) {
            throw new CallConflictException("Idempotency-Key '" + call.idempotencyKey() + "' was used for a call to '"
                    + call.method() + "' with another argument or method; use a new key for a new request");
        }
        return call;
    }

    /** Waits for a pending call of the same caller and key to end; settles it if nothing runs it any more. */
    private void awaitEnd(TrackedCall call, long deadline) {
        CompletableFuture<Void> recorded = running.get(call.callId());
        if (recorded == null) {
            settled(call);
            return;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new CallConflictException("a call with Idempotency-Key '" + call.idempotencyKey()
                    + "' is still running; retry later");
        }
        try {
            recorded.get(left, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // the loop answers 409 once the deadline has passed
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a duplicate call", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e); // never completed exceptionally
        }
    }

    /** Waits until the outcome of this node's execution of a call is recorded (its completion stage ran). */
    private void awaitRecorded(UUID callId) {
        CompletableFuture<Void> recorded = running.get(callId);
        if (recorded != null) {
            recorded.join();
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

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
