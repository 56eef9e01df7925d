package com.canisterhost.execution;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.function.Function;

/**
 * The canisters held in memory, bounded by a budget of heap bytes and evicted least recently used first. Eviction
 * only drops the in-memory copy: committed state is in PostgreSQL and is loaded again on next use.
 */
final class LiveCanisters {

    /** A live canister with its resident bytes as of its last put. */
    private record Held(LiveCanister live, long bytes) {}

    private final long budgetBytes;
    private final LinkedHashMap<String, Held> canisters = new LinkedHashMap<>(16, 0.75f, true);
    // the sum of the held bytes, kept as canisters come and go: summing every live canister on each commit showed up
    // in profiles
    private long totalBytes;

    LiveCanisters(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    /** The live canister, loaded with {@code loader} (outside the lock) if it is not in memory. */
    LiveCanister get(String id, Function<String, LiveCanister> loader) {
        synchronized (this) {
            Held held = canisters.get(id);
            if (held != null) {
                return held.live();
            }
        }
        LiveCanister loaded = loader.apply(id);
        synchronized (this) {
            Held raced = canisters.get(id);
            if (raced != null && raced.live().version() >= loaded.version()) {
                return raced.live();
            }
            add(loaded);
            return loaded;
        }
    }

    /** Makes {@code live} the canister's in-memory copy (after an install or a commit). */
    synchronized void put(LiveCanister live) {
        add(live);
    }

    synchronized void remove(String id) {
        Held held = canisters.remove(id);
        if (held != null) {
            totalBytes -= held.bytes();
        }
    }

    synchronized int size() {
        return canisters.size();
    }

    private void add(LiveCanister live) {
        Held held = new Held(live, live.residentBytes());
        Held before = canisters.put(live.id, held);
        totalBytes += held.bytes() - (before == null ? 0 : before.bytes());
        Iterator<Held> eldest = canisters.values().iterator();
        while (totalBytes > budgetBytes && eldest.hasNext()) {
            Held evicted = eldest.next();
            if (evicted != held) {
                eldest.remove();
                totalBytes -= evicted.bytes();
            }
        }
    }
}
