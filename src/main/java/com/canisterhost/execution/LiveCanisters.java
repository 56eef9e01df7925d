package com.canisterhost.execution;

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
            canisters.put(id, loaded);
            evictOverBudget(id);
            return loaded;
        }
    }

    /** Makes {@code live} the canister's in-memory copy (after an install or a commit). */
    synchronized void put(LiveCanister live) {
        canisters.put(live.id, live);
        evictOverBudget(live.id);
    }

    synchronized void remove(String id) {
        canisters.remove(id);
    }

    synchronized int size() {
        return canisters.size();
    }

    private void evictOverBudget(String keep) {
        long total = 0;
        for (LiveCanister live : canisters.values()) {
            total += live.residentBytes();
        }
        Iterator<Map.Entry<String, LiveCanister>> eldest = canisters.entrySet().iterator();
        while (total > budgetBytes && eldest.hasNext()) {
            Map.Entry<String, LiveCanister> entry = eldest.next();
            if (!entry.getKey().equals(keep)) {
                total -= entry.getValue().residentBytes();
                eldest.remove();
            }
        }
    }
}
