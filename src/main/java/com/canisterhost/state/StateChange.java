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
        java.math.BigInteger cycles) {

    /**
     * This change on top of earlier, uncommitted stable memory changes (an upgrade's pre_upgrade writes stable
     * memory, then post_upgrade runs on top): pages of both are persisted, this change's win.
     */
    public StateChange afterStableChanges(Map<Integer, byte[]> earlier) {
        if (earlier.isEmpty()) {
            return this;
        }
        Map<Integer, byte[]> merged = new java.util.HashMap<>(earlier);
        merged.putAll(stableDirty);
        return new StateChange(heapPages, dirtyPages, globals, replacesState, moduleHash, profile, stablePages,
                merged, replacesStable, certifiedData, globalTimer, cycles);
    }
}
