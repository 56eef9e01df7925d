package com.canisterhost.execution;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How canister code runs.
 *
 * @param workers execution threads (0: one per core)
 * @param queueCapacity executions waiting for a worker before calls are refused with 503
 * @param workerStackSize stack of each worker thread; Chicory's interpreter recurses on the Java stack
 * @param wallClockLimit non-deterministic safety net: an execution running longer is interrupted
 * @param maxReplySize cap on a reply ({@code msg_reply_data_append} traps past it)
 */
@ConfigurationProperties("canister.execution")
public record ExecutionProperties(
        @DefaultValue("0") int workers,
        @DefaultValue("1000") int queueCapacity,
        @DefaultValue("16MB") DataSize workerStackSize,
        @DefaultValue("30s") Duration wallClockLimit,
        @DefaultValue("2MB") DataSize maxReplySize) {

    int workerCount() {
        return workers > 0 ? workers : Runtime.getRuntime().availableProcessors();
    }
}
