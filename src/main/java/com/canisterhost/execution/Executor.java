package com.canisterhost.execution;

import com.canisterhost.module.ModuleService;
import com.canisterhost.module.ValidatedModule;
import com.canisterhost.state.LogStore;
import com.canisterhost.state.Mailbox;
import com.canisterhost.state.StateStore;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs canister code on a bounded pool of worker threads and commits what it changed.
 *
 * <p>Per canister, executions run one at a time (updates in arrival order). An update that replies or rejects commits
 * its state changes and its call record in one transaction, fenced on the state version, before the caller hears
 * the outcome; a trap, a missing or second reply, or the wall-clock backstop rolls the heap and globals back. Queries
 * always roll back.
 *
 * <p>This class puts each execution on its lane and measures it; what runs there is, per kind of message:
 * {@link Installer} (installs, reinstalls, upgrades), {@link UpdateExecution} (ingress updates),
 * {@link QueryExecution} and {@link CompositeQuery} (queries), {@link SystemTaskExecution} (timers, heartbeats),
 * and, delivered by {@link CallDelivery}, {@link RequestExecution} (calls from canisters) and
 * {@link CallbackExecution} (their responses). {@link ExecutionSteps} holds what they share: loading, the
 * wall-clock backstop, commits.
 */
@Service
public class Executor implements DisposableBean {

    private final ExecutionProperties properties;
    private final LiveCanisters live;
    private final WorkerPool workers;
    private final ExecutionMetrics metrics;
    private final Deadlines deadlines;
    private final CallDelivery delivery;
    private final Installer installer;
    private final UpdateExecution updates;
    private final QueryExecution queries;
    private final SystemTaskExecution systemTasks;

    Executor(SystemApi systemApi, StateStore stateStore, ModuleService modules, TransactionTemplate transactions,
            ExecutionProperties properties, LogStore logs, CanisterActivity activity, MeterRegistry meters,
            org.springframework.beans.factory.ObjectProvider<ManagementCanister> management,
            com.canisterhost.state.CanisterOwnership ownership) {
        this.properties = properties;
        this.live = new LiveCanisters(properties.liveMemoryBudget().toBytes());
        // a slice ends up to a fifth late, a wall-clock limit up to 10 ms
        this.deadlines = new Deadlines("canister-watchdog",
                Math.max(1, Math.min(10, properties.timeSlice().toMillis() / 5)));
        this.workers = new WorkerPool(properties.workerCount(), properties.threadCount(), properties.queueCapacity(),
                properties.canisterQueueCapacity(), properties.queryConcurrency(), properties.timeSlice().toMillis(),
                properties.workerStackSize().toBytes(), deadlines,
                new LongExecutionCores(properties.longExecutionCores()));
        this.metrics = new ExecutionMetrics(meters, workers, live);
        // plain objects rather than beans: they share this executor's pool, deadlines and live canisters, and each
        // kind of message has its path in one of them
        ExecutionSteps steps = new ExecutionSteps(systemApi, stateStore, modules, transactions, properties, live,
                logs, activity, workers, deadlines, metrics);
        this.queries = new QueryExecution(steps);
        // the management canister manages canisters through this executor: it is looked up when first called
        this.delivery = new CallDelivery(workers, stateStore.mailbox(),
                new RequestExecution(steps, workers, stateStore.mailbox(), activity, management::getObject),
                new CallbackExecution(steps, stateStore.mailbox()), properties.messageSweep().toMillis(), meters,
                ownership);
        this.updates = new UpdateExecution(steps, queries, delivery, stateStore, transactions, logs,
                new CallFusion(steps, workers, delivery, activity, properties.fusedCallInstructions(), meters,
                        ownership));
        this.systemTasks = new SystemTaskExecution(steps, delivery);
        this.installer = new Installer(steps, stateStore, modules, transactions, live, metrics);
    }

    /**
     * Installs {@code module} per {@code mode}; nothing changes unless the whole install succeeds.
     *
     * @param persistence for an upgrade, what becomes of the heap (null: it starts over, as with {@code REPLACE});
     *     with {@code KEEP} the heap that {@code canister_pre_upgrade} left is kept and the new module's data
     *     segments are written into it
     * @param precondition called on the canister's lane, where no other install, uninstall or call can interleave,
     *     with the module the canister has; it throws to refuse the install
     */
    public CallOutcome install(String canisterId, InstallMode mode, WasmMemoryPersistence persistence,
            ValidatedModule module, byte[] arg, byte[] caller,
            java.util.function.Consumer<CurrentModule> precondition) {
        return install(canisterId, mode, persistence, module, arg, caller, precondition, null);
    }

    /**
     * {@link #install}, committing {@code outbox} with the installed state if it succeeds (the management
     * canister's answer to the canister that asked for it).
     */
    public CallOutcome install(String canisterId, InstallMode mode, WasmMemoryPersistence persistence,
            ValidatedModule module, byte[] arg, byte[] caller,
            java.util.function.Consumer<CurrentModule> precondition, Mailbox.Outbox outbox) {
        return metrics.measured(mode.name().toLowerCase(java.util.Locale.ROOT), () -> onWorker(canisterId, true,
                () -> installer.install(canisterId, mode, persistence, module, arg, caller, precondition, outbox)));
    }

    /**
     * Queues an update call and returns at once; {@code callId}, if not null, names the tracked call whose
     * outcome the commit records (in the same transaction). Query methods called this way run with query
     * semantics (nothing persists). If the canister exports {@code canister_inspect_message}, it decides first
     * whether the call is accepted.
     */
    public CompletableFuture<CallOutcome> submitUpdate(String canisterId, String method, byte[] arg, byte[] caller,
            UUID callId) {
        long submitted = System.nanoTime();
        return workers.submit(canisterId, true, () -> updates.run(canisterId, method, arg, caller, callId))
                .thenCompose(outcome -> outcome)
                .whenComplete((outcome, failure) -> metrics.executed("update", outcome, System.nanoTime() - submitted));
    }

    /**
     * Runs {@code canister_global_timer} if the canister's timer is due: the timer is cleared as the task is
     * scheduled, the task commits like an update, and a trap rolls back everything but the clearing.
     *
     * @return the outcome, or null if the timer was not due
     */
    public CallOutcome globalTimer(String canisterId) {
        return metrics.measured("timer", () -> onWorker(canisterId, true,
                () -> systemTasks.globalTimer(canisterId)));
    }

    /** Runs {@code canister_heartbeat}; null if the canister does not export it. */
    public CallOutcome heartbeat(String canisterId) {
        return metrics.measured("heartbeat", () -> onWorker(canisterId, true,
                () -> systemTasks.heartbeat(canisterId)));
    }

    /**
     * Runs a query method against the last committed state; whatever it writes is discarded. Queries take no
     * canister lock: they run concurrently with each other and with an update of the same canister.
     */
    public CallOutcome query(String canisterId, String method, byte[] arg, byte[] caller) {
        return metrics.measured("query", () -> onWorker(canisterId, false,
                () -> queries.query(canisterId, method, arg, caller)));
    }

    /**
     * Forgets the in-memory copy of a canister and what is known of its messages (after it was deleted, or moved
     * to this node or away from it).
     */
    public void evict(String canisterId) {
        live.remove(canisterId);
        delivery.forget(canisterId);
    }

    /**
     * Runs {@code task} holding the canister's lock, between its updates; if {@code reload}, the canister is
     * read from PostgreSQL again on next use (the task changed its state there).
     */
    public <T> T exclusive(String canisterId, boolean reload, Callable<T> task) {
        return onWorker(canisterId, true, () -> {
            try {
                return task.call();
            } finally {
                if (reload) {
                    live.remove(canisterId);
                }
            }
        });
    }

    /** How many canisters are held in memory. */
    public int liveCanisters() {
        return live.size();
    }

    /** Runs {@code task} on a worker; {@code exclusive} tasks (installs, updates) run one at a time per canister. */
    private <T> T onWorker(String canisterId, boolean exclusive, Callable<T> task) {
        return await(workers.submit(canisterId, exclusive, task));
    }

    /** Waits for a queued execution; what it threw is rethrown as it is. */
    public static <T> T await(CompletableFuture<T> result) {
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for an execution", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Lets running executions finish (graceful shutdown), then stops the workers. */
    @Override
    public void destroy() throws InterruptedException {
        workers.close(properties.wallClockLimit().toMillis() + 5_000);
        delivery.close();
        deadlines.close();
    }
}
