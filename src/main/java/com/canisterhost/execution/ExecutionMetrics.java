package com.canisterhost.execution;

import com.canisterhost.state.CanisterMemory;
import com.canisterhost.state.StateChange;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What the executor reports to Micrometer (served at {@code /actuator/prometheus}): executions by kind and outcome
 * with their latency (queueing included), instructions, queue depth, running executions, live canisters and bytes
 * of memory pages persisted.
 */
final class ExecutionMetrics {

    private final MeterRegistry registry;
    private final Counter persistedBytes;
    // meters by kind and outcome, looked up once: building and registering them on every execution showed in profiles
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, DistributionSummary> instructions = new ConcurrentHashMap<>();

    ExecutionMetrics(MeterRegistry registry, WorkerPool workers, LiveCanisters live) {
        this.registry = registry;
        Gauge.builder("canister.queue.depth", workers, WorkerPool::queued)
                .description("executions waiting for a worker").register(registry);
        Gauge.builder("canister.executions.running", workers, WorkerPool::running)
                .description("executions running now").register(registry);
        Gauge.builder("canister.live", live, LiveCanisters::size)
                .description("canisters held in memory").register(registry);
        this.persistedBytes = Counter.builder("canister.persisted.bytes")
                .description("bytes of heap and stable memory pages written to PostgreSQL").baseUnit("bytes")
                .register(registry);
    }

    /**
     * Runs {@code call} and reports how it ended and how long it took (an update is reported by
     * {@link Executor#submitUpdate} itself: it is answered asynchronously).
     */
    CallOutcome measured(String kind, Supplier<CallOutcome> call) {
        long started = System.nanoTime();
        CallOutcome outcome = null;
        try {
            outcome = call.get();
            return outcome;
        } finally {
            // null from a timer or heartbeat: nothing was due; a query that failed outside the canister: an error
            if (outcome != null || kind.equals("query")) {
                executed(kind, outcome, System.nanoTime() - started);
            }
        }
    }

    /** One execution that ended with {@code outcome} (null: it failed outside the canister) after {@code nanos}. */
    void executed(String kind, CallOutcome outcome, long nanos) {
        String result = outcome == null ? "error" : outcome instanceof CallOutcome.Replied ? "replied"
                : ((CallOutcome.Rejected) outcome).kind().name().toLowerCase(Locale.ROOT).replace('_', '-');
        timers.computeIfAbsent(kind + '/' + result, key -> Timer.builder("canister.executions")
                        .description("executions by kind and outcome, queueing included")
                        .tag("kind", kind).tag("outcome", result)
                        .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
        if (outcome != null) {
            instructions.computeIfAbsent(kind, key -> DistributionSummary.builder("canister.instructions")
                            .description("instructions per execution").tag("kind", kind).register(registry))
                    .record(outcome.instructions());
        }
    }

    /** The heap and stable memory pages a commit wrote. */
    void persisted(StateChange change) {
        persistedBytes.increment((long) (change.dirtyPages().size() + change.stableDirty().size())
                * CanisterMemory.PAGE_SIZE);
    }
}
