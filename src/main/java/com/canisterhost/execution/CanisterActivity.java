package com.canisterhost.execution;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Which canisters are running, stopping or stopped, and how many calls each has in flight: stopping a canister
 * waits here until the calls it admitted have finished, and {@code ic0.canister_status} reads the status here.
 */
@Component
public class CanisterActivity {

    public static final int RUNNING = 1;
    public static final int STOPPING = 2;
    public static final int STOPPED = 3;

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    private static final class Entry {
        int inFlight;
        volatile int status = RUNNING;
        /** Held while a status change is written, apart from the entry's own lock that calls take. */
        final Object changes = new Object();
    }

    /** Counts a call in; pair with {@link #leave}. Count in before checking the status, so a stop cannot miss it. */
    public void enter(String canisterId) {
        Entry entry = entry(canisterId);
        synchronized (entry) {
            entry.inFlight++;
        }
    }

    public void leave(String canisterId) {
        Entry entry = entry(canisterId);
        synchronized (entry) {
            entry.inFlight--;
            entry.notifyAll();
        }
    }

    public void status(String canisterId, int status) {
        entry(canisterId).status = status;
    }

    /**
     * Runs a status change ({@code change} returns the new status, or 0 if it changed nothing) and records it, one
     * change of the canister at a time, so that two changes racing each other cannot leave this view behind the
     * database's; returns whether it changed.
     */
    public boolean changeStatus(String canisterId, java.util.function.IntSupplier change) {
        Entry entry = entry(canisterId);
        synchronized (entry.changes) {
            int status = change.getAsInt();
            if (status != 0) {
                entry.status = status;
            }
            return status != 0;
        }
    }

    public boolean running(String canisterId) {
        return status(canisterId) == RUNNING;
    }

    int status(String canisterId) {
        Entry entry = entries.get(canisterId);
        return entry == null ? RUNNING : entry.status;
    }

    /** Waits until no call of the canister is in flight; false if {@code timeout} passed first. */
    public boolean awaitIdle(String canisterId, Duration timeout) throws InterruptedException {
        Entry entry = entry(canisterId);
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (entry) {
            while (entry.inFlight > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                entry.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    /** Forgets a deleted canister. */
    public void forget(String canisterId) {
        entries.remove(canisterId);
    }

    private Entry entry(String canisterId) {
        return entries.computeIfAbsent(canisterId, id -> new Entry());
    }
}
