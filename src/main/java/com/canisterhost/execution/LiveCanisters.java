package com.canisterhost.execution;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The canisters held in memory, bounded by a budget of heap bytes and evicted least recently used first. Eviction
 * only drops the in-memory copy: committed state is in PostgreSQL and is loaded again on next use.
 */
final class LiveCanisters {

    private final long budgetBytes;
    private final LinkedHashMap<String, LiveCanister> canisters = new LinkedHashMap<>(16, 0.75f, true);
    // each canister's resident bytes as of its last put, and their sum: kept as it changes, since summing every
    // live canister on each commit showed up in profiles
    private final Map<String, Long> accounted = new HashMap<>();
    private long totalBytes;

    LiveCanisters(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    /** The live canister, loaded with {@code loader} (outside the lock) if it is not in memory. */
    LiveCanister get(String id, Function<String, LiveCanister> loader) {
        synchronized (this) {
            LiveCanister live = canisters.get(id);
            if (live != null) {
                return live;
            }
        }
        LiveCanister loaded = loader.apply(id);
        synchronized (this) {
            LiveCanister raced = canisters.get(id);
            if (raced != null && raced.version() >= loaded.version()) {
                return raced;
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
        canisters.remove(id);
        forget(id);
    }

    synchronized int size() {
        return canisters.size();
    }

    private void add(LiveCanister live) {
        canisters.put(live.id, live);
        long bytes = live.residentBytes();
        Long before = accounted.put(live.id, bytes);
        totalBytes += bytes - (before == null ? 0 : before);
        Iterator<Map.Entry<String, LiveCanister>> eldest = canisters.entrySet().iterator();
        while (totalBytes > budgetBytes && eldest.hasNext()) {
            String id = eldest.next().getKey();
            if (!id.equals(live.id)) {
                eldest.remove();
                forget(id);
            }
        }
    }

    private void forget(String id) {
        Long bytes = accounted.remove(id);
        if (bytes != null) {
            totalBytes -= bytes;
        }
    }
}
