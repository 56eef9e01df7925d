package com.canisterhost.canister;

import com.canisterhost.database.DatabaseFailures;
import com.canisterhost.execution.CanisterActivity;
import com.canisterhost.execution.ExecutionProperties;
import com.canisterhost.execution.Executor;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Fires global timers when they are due and, if configured, heartbeats: each runs on the execution workers like
 * an update of its canister, and only while the canister is running. Polls PostgreSQL, where every committed timer
 * is, so a timer set before a restart still fires after it.
 */
@Component
class SystemTasks implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SystemTasks.class);

    private final CanisterRepository canisters;
    private final JdbcClient jdbc;
    private final Executor executor;
    private final CanisterActivity activity;
    private final ExecutionProperties properties;
    private final com.canisterhost.state.CanisterOwnership ownership;
    private ScheduledExecutorService scheduler;

    SystemTasks(CanisterRepository canisters, JdbcClient jdbc, Executor executor, CanisterActivity activity,
            ExecutionProperties properties, com.canisterhost.state.CanisterOwnership ownership) {
        this.ownership = ownership;
        this.canisters = canisters;
        this.jdbc = jdbc;
        this.executor = executor;
        this.activity = activity;
        this.properties = properties;
    }

    @Override
    public synchronized void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "canister-system-tasks");
            thread.setDaemon(true);
            return thread;
        });
        long tick = properties.timerTick().toMillis();
        scheduler.scheduleWithFixedDelay(this::fireDueTimers, tick, tick, TimeUnit.MILLISECONDS);
        long heartbeat = properties.heartbeatInterval().toMillis();
        if (heartbeat > 0) {
            scheduler.scheduleWithFixedDelay(this::beat, heartbeat, heartbeat, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public synchronized void stop() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            try {
                scheduler.awaitTermination(properties.wallClockLimit().toSeconds() + 5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            scheduler = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return scheduler != null;
    }

    /**
     * Every tick (10 a second by default) under any load, so it is one plain statement on the partial index of
     * armed timers (V23), without the repository's read-only transaction around it.
     */
    void fireDueTimers() {
        run(() -> jdbc.sql("""
                        SELECT id FROM canisters
                         WHERE global_timer > 0 AND global_timer <= ? AND status = 'running'
                           AND module_hash IS NOT NULL""")
                .param(System.currentTimeMillis() * 1_000_000L)
                .query(String.class)
                .list(), executor::globalTimer);
    }

    void beat() {
        run(canisters::runningInstalled, executor::heartbeat);
    }

    private void run(java.util.function.Supplier<List<String>> due, Consumer<String> task) {
        try {
            for (String id : due.get()) {
                activity.enter(id); // counted in flight first, so a stop waits for the task or it sees the stop
                try {
                    if (activity.running(id) && ownership.local(id)) { // another node's: that node runs it
                        task.accept(id);
                    }
                } catch (RuntimeException e) {
                    log.warn("system task of canister {} did not run: {}", id, e.toString());
                } finally {
                    activity.leave(id);
                }
            }
        } catch (RuntimeException e) {
            if (DatabaseFailures.notApplied(e)) {
                log.debug("system tasks skipped a round: PostgreSQL is unreachable"); // the breaker said so once
            } else {
                log.warn("system tasks skipped a round: {}", e.toString());
            }
        }
    }
}
