package com.canisterhost.state;

import java.time.Instant;

/**
 * A canister snapshot: the committed state it copied.
 *
 * @param id the snapshot id, unique per service
 * @param stateVersion the canister's state version it was taken at
 * @param moduleHash hex sha256 of the module it holds
 * @param size bytes of heap pages it stores
 */
public record Snapshot(long id, Instant takenAt, long stateVersion, String moduleHash, long size) {}
