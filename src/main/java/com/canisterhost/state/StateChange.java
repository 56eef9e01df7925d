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
 */
public record StateChange(
        int heapPages,
        Map<Integer, byte[]> dirtyPages,
        Map<Integer, long[]> globals,
        boolean replacesState,
        byte[] moduleHash,
        String profile) {}
