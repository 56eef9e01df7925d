package com.canisterhost.state;

import java.util.Map;

/**
 * A canister's last committed Wasm state.
 *
 * @param version the state version it was committed as
 * @param moduleHash the installed module, null if the canister is empty
 * @param profile the determinism profile the module was installed under, null if empty
 * @param heapPages heap size in 64 KiB pages
 * @param pages the heap pages that are not all zero, by page index
 * @param globals mutable global values by global index ({low, high})
 * @param stablePages stable memory size in 64 KiB pages
 * @param stable the stable memory pages (4 KiB) that are not all zero
 * @param certifiedData what the canister last passed to {@code certified_data_set}
 * @param globalTimer the time the global timer is set to, 0 if none
 * @param lastTime the latest {@code ic0.time} a committed execution saw
 * @param cycles the cycles balance
 */
public record CommittedState(
        long version, byte[] moduleHash, String profile, int heapPages, Map<Integer, byte[]> pages, Map<Integer, long[]> globals,
        int stablePages, Map<Integer, byte[]> stable, byte[] certifiedData, long globalTimer,
        long lastTime, java.math.BigInteger cycles) {}
