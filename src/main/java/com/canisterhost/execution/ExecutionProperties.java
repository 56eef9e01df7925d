package com.canisterhost.execution;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How canister code runs.
 *
 * @param workers executions that run at once (0: one per core)
 * @param maxThreads worker threads in all: an execution past {@code timeSlice} frees its slot for another thread,
 *     up to this many (0: four per worker)
 * @param timeSlice how long an execution holds a worker slot before it runs on alongside the others
 * @param longExecutionCores cores that executions past {@code timeSlice} share, so that the rest stay free for
 *     short calls (Linux, through {@code taskset}; at most all cores but one; 0: none reserved)
 * @param queueCapacity executions waiting for a worker before calls are refused with 503
 * @param canisterQueueCapacity updates (and, separately, queries) one canister may have waiting before 503
 * @param queriesPerCanister queries of one canister that run at once (0: as many as workers)
 * @param workerStackSize stack of each worker thread; Chicory's interpreter recurses on the Java stack
 * @param wallClockLimit non-deterministic safety net: an execution running longer is interrupted
 * @param maxReplySize cap on a reply ({@code msg_reply_data_append} traps past it)
 * @param instructionLimits instructions one message may execute, per kind of message
 * @param maxCallDepth nested Wasm calls past which a message traps (deterministically)
 * @param maxHeapPages the heap may grow to this many 64 KiB pages; {@code memory.grow} past it returns -1
 * @param maxStablePages stable memory may grow to this many 64 KiB pages (Chicory memories stop at 2 GiB)
 * @param liveMemoryBudget heap bytes of the canisters kept in memory; past it the least recently used are evicted
 * @param maxLogEntrySize a {@code debug_print} or trap message is truncated to this many bytes in the log
 * @param maxLogEntries log entries kept per canister; older ones are dropped first
 * @param timerTick how often due global timers are looked for
 * @param heartbeatInterval how often {@code canister_heartbeat} runs on canisters exporting it; 0 (default): never
 * @param messageSweep how often inter-canister messages that wait for a delivery (after a restart, or when a
 *     canister's queue was full) are looked for
 * @param maxOutstandingCalls calls of one canister that may await their response at once; past it
 *     {@code call_perform} answers 2 (not performed), as the IC does when a canister's output queue is full
 * @param fusedCallInstructions an ingress update's one call to an idle canister and its callback run at once and
 *     commit with it as one ({@link CallFusion}) if each takes at most this many instructions; 0: never
 */
@ConfigurationProperties("canister.execution")
public record ExecutionProperties(
        @DefaultValue("0") int workers,
        @DefaultValue("0") int maxThreads,
        @DefaultValue("50ms") Duration timeSlice,
        @DefaultValue("1") int longExecutionCores,
        @DefaultValue("1000") int queueCapacity,
        @DefaultValue("100") int canisterQueueCapacity,
        @DefaultValue("0") int queriesPerCanister,
        @DefaultValue("512MB") DataSize workerStackSize,
        @DefaultValue("30s") Duration wallClockLimit,
        @DefaultValue("2MB") DataSize maxReplySize,
        @DefaultValue InstructionLimits instructionLimits,
        @DefaultValue("10000") int maxCallDepth,
        @DefaultValue("32768") int maxHeapPages,
        @DefaultValue("1GB") DataSize liveMemoryBudget,
        @DefaultValue("32768") int maxStablePages,
        @DefaultValue("16KB") DataSize maxLogEntrySize,
        @DefaultValue("1000") int maxLogEntries,
        @DefaultValue("100ms") Duration timerTick,
        @DefaultValue("0s") Duration heartbeatInterval,
        @DefaultValue("1s") Duration messageSweep,
        @DefaultValue("500") int maxOutstandingCalls,
        @DefaultValue("20000000") long fusedCallInstructions) {

    /** Instruction limits per message kind (the IC's, without deterministic time slicing). */
    public record InstructionLimits(
            @DefaultValue("5000000000") long update,
            @DefaultValue("5000000000") long query,
            @DefaultValue("20000000000") long install,
            @DefaultValue("200000000") long inspectMessage) {}

    int workerCount() {
        return workers > 0 ? workers : Runtime.getRuntime().availableProcessors();
    }

    int threadCount() {
        return maxThreads > 0 ? Math.max(maxThreads, workerCount()) : 4 * workerCount();
    }

    int queryConcurrency() {
        return queriesPerCanister > 0 ? queriesPerCanister : workerCount();
    }
}
