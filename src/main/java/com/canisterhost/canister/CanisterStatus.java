package com.canisterhost.canister;

import java.time.Instant;
import java.util.List;

/**
 * What {@code GET /v1/canisters/{id}} reports.
 *
 * @param moduleHash hex sha256 of the installed module, null if the canister is empty
 * @param profile the determinism profile the module was installed under, null if the canister is empty
 * @param memorySize heap size in bytes
 * @param stableMemorySize stable memory size in bytes
 * @param persistedBytes bytes of memory pages stored in PostgreSQL (all-zero pages are not stored)
 * @param stateVersion incremented by every committed install and update
 * @param instructionsTotal instructions executed by every committed install and update
 * @param cycles the cycles balance, in decimal (a 128-bit number does not fit every JSON reader's numbers)
 * @param controllers the principals that may manage the canister (at most 10)
 * @param logVisibility who may read the canister's logs: {@code controllers} or {@code public}
 * @param environmentVariables the canister's environment variables, in the order {@code ic0.env_var_name_*} index
 *     them
 * @param calls its calls between canisters in flight
 */
public record CanisterStatus(
        String id,
        String status,
        String moduleHash,
        String profile,
        long memorySize,
        long stableMemorySize,
        long persistedBytes,
        long stateVersion,
        long instructionsTotal,
        String cycles,
        List<String> controllers,
        String logVisibility,
        List<EnvironmentVariable> environmentVariables,
        Instant createdAt,
        Instant updatedAt,
        Calls calls) {

    /**
     * Calls between canisters in flight.
     *
     * @param openContexts call contexts not closed: calls it is handling that await calls it made, or that owe
     *     an answer
     * @param outstandingCalls calls it made whose callback has not run yet
     * @param queuedMessages requests and responses waiting to be delivered to it
     */
    public record Calls(long openContexts, long outstandingCalls, long queuedMessages) {
        static final Calls NONE = new Calls(0, 0, 0);
    }

    public CanisterStatus(String id, String status, String moduleHash, String profile, long memorySize,
            long stableMemorySize, long persistedBytes, long stateVersion, long instructionsTotal, String cycles,
            List<String> controllers, String logVisibility, List<EnvironmentVariable> environmentVariables,
            Instant createdAt, Instant updatedAt) {
        this(id, status, moduleHash, profile, memorySize, stableMemorySize, persistedBytes, stateVersion,
                instructionsTotal, cycles, controllers, logVisibility, environmentVariables, createdAt, updatedAt,
                Calls.NONE);
    }

    /** A status without environment variables, until {@link EnvironmentVariables#addTo} adds them. */
    public CanisterStatus(String id, String status, String moduleHash, String profile, long memorySize,
            long stableMemorySize, long persistedBytes, long stateVersion, long instructionsTotal, String cycles,
            List<String> controllers, String logVisibility, Instant createdAt, Instant updatedAt) {
        this(id, status, moduleHash, profile, memorySize, stableMemorySize, persistedBytes, stateVersion,
                instructionsTotal, cycles, controllers, logVisibility, List.of(), createdAt, updatedAt);
    }

    CanisterStatus withEnvironmentVariables(List<EnvironmentVariable> variables) {
        return new CanisterStatus(id, status, moduleHash, profile, memorySize, stableMemorySize, persistedBytes,
                stateVersion, instructionsTotal, cycles, controllers, logVisibility, List.copyOf(variables), createdAt,
                updatedAt, calls);
    }

    CanisterStatus withCalls(Calls inFlight) {
        return new CanisterStatus(id, status, moduleHash, profile, memorySize, stableMemorySize, persistedBytes,
                stateVersion, instructionsTotal, cycles, controllers, logVisibility, environmentVariables, createdAt,
                updatedAt, inFlight);
    }
}
