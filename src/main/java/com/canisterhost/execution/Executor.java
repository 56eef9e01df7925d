package com.canisterhost.execution;

import com.canisterhost.module.DeterminismProfile;
import com.canisterhost.module.ModuleService;
import com.canisterhost.module.ValidatedModule;
import com.canisterhost.state.CallRecord;
import com.canisterhost.state.CommittedHeap;
import com.canisterhost.state.CommittedState;
import com.canisterhost.state.StateChange;
import com.canisterhost.state.StateStore;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 */
@Service
public class Executor implements DisposableBean {

    private final SystemApi systemApi;
    private final StateStore stateStore;
    private final ModuleService modules;
    private final TransactionTemplate transactions;
    private final ExecutionProperties properties;
    private final LiveCanisters live;
    private final Map<String, Object> canisterLocks = new ConcurrentHashMap<>();
    private final ThreadPoolExecutor workers;
    private final ScheduledExecutorService watchdog;

    Executor(SystemApi systemApi, StateStore stateStore, ModuleService modules, TransactionTemplate transactions,
            ExecutionProperties properties) {
        this.systemApi = systemApi;
        this.stateStore = stateStore;
        this.modules = modules;
        this.transactions = transactions;
        this.properties = properties;
        this.live = new LiveCanisters(properties.liveMemoryBudget().toBytes());
        AtomicInteger counter = new AtomicInteger();
        long stack = properties.workerStackSize().toBytes();
        this.workers = new ThreadPoolExecutor(properties.workerCount(), properties.workerCount(), 0,
                TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(properties.queueCapacity()),
                task -> new Thread(null, task, "canister-worker-" + counter.incrementAndGet(), stack));
        this.watchdog = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "canister-watchdog");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Installs {@code module} per {@code mode}; nothing changes unless the whole install succeeds. */
    public CallOutcome install(String canisterId, InstallMode mode, ValidatedModule module, byte[] arg,
            byte[] caller) {
        return onWorker(canisterId, true, () -> {
            LiveCanister old = mode == InstallMode.UPGRADE ? liveCanister(canisterId) : null;
            CommittedState current = old == null ? stateStore.load(canisterId) : null;
            long version = old != null ? old.version() : current.version();
            long lastTime = old != null ? old.lastTime() : current.lastTime();
            long time = Math.max(lastTime + 1, System.currentTimeMillis() * 1_000_000L);
            long[] installInstructions = {0};
            CommittedHeap stable = old != null ? old.committed().stable() : CommittedHeap.empty();
            Map<Integer, byte[]> preUpgradeStable = Map.of();
            if (old != null && old.module.exports("canister_pre_upgrade")) {
                // pre_upgrade runs on the old code: its stable memory goes on to the new code, its heap does not
                Execution preUpgrade = old.begin();
                CallOutcome failed = runOrFail(preUpgrade, EntryPoint.PRE_UPGRADE, new byte[0], caller, time,
                        version, installInstructions);
                if (failed != null) {
                    return failed;
                }
                preUpgradeStable = preUpgrade.stable().dirtyPages();
                stable = preUpgrade.stable().toCommitted();
            }
            // an upgrade keeps stable memory; install and reinstall start without
            LiveCanister fresh = LiveCanister.fresh(canisterId, module, runtime(module), version, stable, time);
            Execution execution = fresh.begin();
            CallOutcome failed = null;
            if (module.startFunction().isPresent()) {
                failed = runOrFail(execution, EntryPoint.START, new byte[0], caller, time, version,
                        installInstructions);
            }
            EntryPoint init = mode == InstallMode.UPGRADE ? EntryPoint.POST_UPGRADE : EntryPoint.INIT;
            if (failed == null && module.exports(init.exportName(null))) {
                failed = runOrFail(execution, init, arg, caller, time, version, installInstructions);
            }
            if (failed != null) {
                return failed;
            }
            StateChange change = execution.changes(true, mode != InstallMode.UPGRADE, module.hash())
                    .afterStableChanges(preUpgradeStable);
            CallRecord record = new CallRecord(mode.name().toLowerCase(), null, caller, new byte[0], null, null,
                    installInstructions[0], time);
            long newVersion = transactions.execute(status -> {
                modules.store(module);
                return stateStore.commit(canisterId, version, change, record);
            });
            fresh.publish(execution.result(change, newVersion));
            live.put(fresh);
            return new CallOutcome.Replied(new byte[0], installInstructions[0], newVersion);
        });
    }

    /** Runs an update method; query methods called this way run with query semantics (nothing persists). */
    public CallOutcome update(String canisterId, String method, byte[] arg, byte[] caller) {
        return onWorker(canisterId, true, () -> {
            LiveCanister canister = liveCanister(canisterId);
            if (!canister.module.updateMethods().contains(method)) {
                return query(canister, method, arg, caller);
            }
            long time = canister.nextTime();
            Execution execution = canister.begin();
            long version = canister.version();
            Message message = runWatched(execution, EntryPoint.UPDATE, method, arg, caller, time);
            if (message.failure != null) {
                return trapped(message, version); // dropping the execution is the rollback
            }
            if (message.response == Message.Response.NONE) {
                return didNotReply(message, version);
            }
            StateChange change = execution.changes(false, false, null);
            boolean replied = message.response == Message.Response.REPLIED;
            CallRecord record = new CallRecord("update", method, caller, replied ? message.reply : null,
                    replied ? null : RejectKind.CANISTER_REJECT.rejectCode(), message.rejectMessage,
                    message.instructions, time);
            long newVersion;
            try {
                newVersion = stateStore.commit(canisterId, version, change, record);
            } catch (RuntimeException e) {
                live.remove(canisterId); // e.g. another node committed first: reload on next use
                throw e;
            }
            canister.publish(execution.result(change, newVersion));
            live.put(canister);
            return replied
                    ? new CallOutcome.Replied(message.reply, message.instructions, newVersion)
                    : new CallOutcome.Rejected(RejectKind.CANISTER_REJECT, message.rejectMessage,
                            message.instructions, newVersion);
        });
    }

    /**
     * Runs a query method against the last committed state; whatever it writes is discarded. Queries take no
     * canister lock: they run concurrently with each other and with an update of the same canister.
     */
    public CallOutcome query(String canisterId, String method, byte[] arg, byte[] caller) {
        return onWorker(canisterId, false, () -> query(liveCanister(canisterId), method, arg, caller));
    }

    /** Forgets the in-memory copy of a canister (after it was deleted). */
    public void evict(String canisterId) {
        live.remove(canisterId);
        canisterLocks.remove(canisterId);
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

    private CallOutcome query(LiveCanister canister, String method, byte[] arg, byte[] caller) {
        EntryPoint entryPoint = canister.module.queryMethods().contains(method) ? EntryPoint.QUERY
                : canister.module.compositeQueryMethods().contains(method) ? EntryPoint.COMPOSITE_QUERY : null;
        if (entryPoint == null) {
            return new CallOutcome.Rejected(RejectKind.METHOD_NOT_FOUND,
                    "canister has no " + (canister.module.updateMethods().contains(method) ? "query" : "update or query")
                            + " method '" + method + "'", 0, canister.version());
        }
        long time = canister.nextTime();
        Execution execution = canister.begin();
        long version = execution.baseVersion();
        Message message = runWatched(execution, entryPoint, method, arg, caller, time);
        if (message.failure != null) {
            return trapped(message, version);
        }
        return switch (message.response) {
            case REPLIED -> new CallOutcome.Replied(message.reply, message.instructions, version);
            case REJECTED -> new CallOutcome.Rejected(RejectKind.CANISTER_REJECT, message.rejectMessage,
                    message.instructions, version);
            case NONE -> didNotReply(message, version);
        };
    }

    /** Runs an entry point that must not fail; returns the failure outcome, or null if it succeeded. */
    private CallOutcome runOrFail(Execution execution, EntryPoint entryPoint, byte[] arg, byte[] caller, long time,
            long version, long[] instructions) {
        Message message = runWatched(execution, entryPoint, null, arg, caller, time);
        instructions[0] += message.instructions;
        return message.failure == null ? null : trapped(message, version);
    }

    /** Runs canister code with the wall-clock backstop armed: past the limit the worker is interrupted. */
    private Message runWatched(Execution execution, EntryPoint entryPoint, String method, byte[] arg,
            byte[] caller, long time) {
        Thread worker = Thread.currentThread();
        Object guard = new Object();
        boolean[] running = {true};
        var alarm = watchdog.schedule(() -> {
            synchronized (guard) {
                if (running[0]) {
                    worker.interrupt();
                }
            }
        }, properties.wallClockLimit().toMillis(), TimeUnit.MILLISECONDS);
        try {
            return execution.run(entryPoint, method, arg, caller, time, instructionLimit(entryPoint));
        } finally {
            synchronized (guard) {
                running[0] = false;
            }
            alarm.cancel(false);
            Thread.interrupted(); // an alarm that fired must not leak into the next task on this worker
        }
    }

    private static CallOutcome trapped(Message message, long version) {
        Throwable failure = message.failure;
        long instructions = message.instructions;
        if (Execution.isInterrupt(failure)) {
            return new CallOutcome.Rejected(RejectKind.TIMEOUT,
                    "the execution ran past the wall-clock limit and was stopped", instructions, version);
        }
        Throwable cause = failure;
        while (cause != null && !(cause instanceof CanisterTrap)) {
            cause = cause.getCause();
        }
        if (cause instanceof CanisterTrap trap) {
            return new CallOutcome.Rejected(trap.kind(), trap.getMessage(), instructions, version);
        }
        String reason = failure instanceof StackOverflowError ? "call stack exhausted" : failure.getMessage();
        return new CallOutcome.Rejected(RejectKind.TRAPPED, "canister trapped: " + reason, instructions, version);
    }

    private LiveCanister.Runtime runtime(ValidatedModule module) {
        return new LiveCanister.Runtime(systemApi, modules.machineFactory(module), properties);
    }

    private long instructionLimit(EntryPoint entryPoint) {
        var limits = properties.instructionLimits();
        return switch (entryPoint) {
            case UPDATE -> limits.update();
            case QUERY, COMPOSITE_QUERY -> limits.query();
            case START, INIT, PRE_UPGRADE, POST_UPGRADE -> limits.install();
        };
    }

    private static CallOutcome didNotReply(Message message, long version) {
        return new CallOutcome.Rejected(RejectKind.DID_NOT_REPLY,
                "canister did not reply to the call", message.instructions, version);
    }

    private LiveCanister liveCanister(String canisterId) {
        return live.get(canisterId, id -> {
            CommittedState state = stateStore.load(id);
            if (state.moduleHash() == null) {
                throw new IllegalStateException("canister " + id + " has no module installed");
            }
            ValidatedModule module = modules.load(state.moduleHash(), DeterminismProfile.parse(state.profile()));
            return LiveCanister.restore(id, module, runtime(module), state);
        });
    }

    /** Runs {@code task} on a worker; {@code exclusive} tasks (installs, updates) hold the canister's lock. */
    private <T> T onWorker(String canisterId, boolean exclusive, Callable<T> task) {
        Future<T> future;
        try {
            future = workers.submit(() -> {
                if (!exclusive) {
                    return task.call();
                }
                synchronized (canisterLocks.computeIfAbsent(canisterId, id -> new Object())) {
                    return task.call();
                }
            });
        } catch (RejectedExecutionException e) {
            throw new ExecutorOverloadedException();
        }
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for canister " + canisterId, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Lets running executions finish (graceful shutdown), then stops the workers. */
    @Override
    public void destroy() throws InterruptedException {
        workers.shutdown();
        workers.awaitTermination(properties.wallClockLimit().toSeconds() + 5, TimeUnit.SECONDS);
        watchdog.shutdownNow();
    }
}
