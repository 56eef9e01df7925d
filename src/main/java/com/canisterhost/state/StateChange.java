package com.canisterhost.state;

import java.util.Map;

/**
 * What a successful execution changed.
 *
 * @param heapPages the heap size after it, in 64 KiB pages
 * @param dirtyPages the pages whose content changed, by index (an all-zero page is deleted, not stored)
 * @param globals the mutable globals whose value changed ({low, high})
 * @param replacesState true when a new module replaces the whole state (install, reinstall, upgrade)
 * @param moduleHash the module the state now belongs to, or null if unchanged
 * @param profile the determinism profile of that module, or null if unchanged
 * @param stablePages the stable memory size after it, in 64 KiB pages
 * @param stableDirty the stable memory pages (4 KiB) whose content changed
 * @param replacesStable true when stable memory starts over (install, reinstall; not upgrade)
 * @param certifiedData the new certified data, or null if unchanged
 * @param globalTimer the new global timer, or null if unchanged
 * @param cycles the new cycles balance, or null if unchanged
 * @param keepsHeap with {@code replacesState}: the heap is kept (an upgrade that keeps the Wasm memory), only the
 *     globals and the rest start over
 */
public record StateChange(
        int heapPages,
        Map<Integer, byte[]> dirtyPages,
        Map<Integer, long[]> globals,
        boolean replacesState,
        byte[] moduleHash,
        String profile,
        int stablePages,
        Map<Integer, byte[]> stableDirty,
        boolean replacesStable,
        byte[] certifiedData,
        Long globalTimer,
        java.math.BigInteger cycles,
        boolean keepsHeap) {

    /** A change that keeps no heap it replaces (every change but an upgrade that keeps the Wasm memory). */
    public StateChange(int heapPages, Map<Integer, byte[]> dirtyPages, Map<Integer, long[]> globals,
            boolean replacesState, byte[] moduleHash, String profile, int stablePages, Map<Integer, byte[]> stableDirty,
            boolean replacesStable, byte[] certifiedData, Long globalTimer, java.math.BigInteger cycles) {
        this(heapPages, dirtyPages, globals, replacesState, moduleHash, profile, stablePages, stableDirty,
                replacesStable, certifiedData, globalTimer, cycles, false);
    }

    /**
     * This change on top of earlier, uncommitted heap and stable memory changes (an upgrade's pre_upgrade writes
     * stable memory, and the heap if it is kept, then post_upgrade runs on top): pages of both are persisted, this
     * change's win.
     */
    public StateChange afterEarlierChanges(Map<Integer, byte[]> earlierHeap, Map<Integer, byte[]> earlierStable) {
        if (earlierHeap.isEmpty() && earlierStable.isEmpty()) {
            return this;
        }
        return new StateChange(heapPages, merged(earlierHeap, dirtyPages), globals, replacesState, moduleHash, profile,
                stablePages, merged(earlierStable, stableDirty), replacesStable, certifiedData, globalTimer, cycles,
                keepsHeap);
    }

    private static Map<Integer, byte[]> merged(Map<Integer, byte[]> earlier, Map<Integer, byte[]> later) {
        if (earlier.isEmpty()) {
            return later;
        }
        Map<Integer, byte[]> merged = new java.util.HashMap<>(earlier);
        merged.putAll(later);
        return merged;
    }
}
