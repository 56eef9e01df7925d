package com.canisterhost.execution;

import com.canisterhost.database.DatabaseFailures;
import com.canisterhost.module.DeterminismProfile;
import com.canisterhost.module.ModuleService;
import com.canisterhost.module.ValidatedModule;
import com.canisterhost.state.CallRecord;
import com.canisterhost.state.CommittedState;
import com.canisterhost.state.LogEntry;
import com.canisterhost.state.LogStore;
import com.canisterhost.state.Mailbox;
import com.canisterhost.state.StateChange;
import com.canisterhost.state.StateStore;
import java.util.ArrayList;
import java.util.List;
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
 */
@Service
public class Executor implements DisposableBean {

    /** The caller of system tasks: the management canister, whose principal is the empty blob. */
    private static final byte[] MANAGEMENT_CANISTER = new byte[0];

    private final SystemApi systemApi;
    private final StateStore stateStore;
    private final ModuleService modules;
    private final TransactionTemplate transactions;
    private final ExecutionProperties properties;
    private final LiveCanisters live;
    private final LogStore logs;
    private final CanisterActivity activity;
    private final WorkerPool workers;
    private final ExecutionMetrics metrics;
    private final Deadlines deadlines;
    private final CallDelivery delivery;
    private final Installer installer;

    Executor(SystemApi systemApi, StateStore stateStore, ModuleService modules, TransactionTemplate transactions,
            ExecutionProperties properties, LogStore logs, CanisterActivity activity, MeterRegistry meters,
            org.springframework.beans.factory.ObjectProvider<ManagementCanister> management) {
        this.logs = logs;
        this.activity = activity;
        this.systemApi = systemApi;
        this.stateStore = stateStore;
        this.modules = modules;
        this.transactions = transactions;
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
        // the management canister manages canisters through this executor: it is looked up when first called
        this.delivery = new CallDelivery(this, workers, stateStore.mailbox(), activity, management::getObject,
                properties.messageSweep().toMillis(), meters);
        this.installer = new Installer(this, stateStore, modules, transactions, live, metrics);
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
        return measured(mode.name().toLowerCase(java.util.Locale.ROOT), () -> onWorker(canisterId, true, () ->
                installer.install(canisterId, mode, persistence, module, arg, caller, precondition, outbox)));
    }

    /** Runs {@code call} and reports how it ended and how long it took. */
    private CallOutcome measured(String kind, java.util.function.Supplier<CallOutcome> call) {
        long started = System.nanoTime();
        CallOutcome outcome = null;
        try {
            outcome = call.get();
            return outcome;
        } finally {
            // null from a timer or heartbeat: nothing was due; a query that failed outside the canister: an error
            if (outcome != null || kind.equals("query")) {
                metrics.executed(kind, outcome, System.nanoTime() - started);
            }
        }
    }

    static long persistedBytes(StateChange change) {
        return (long) (change.dirtyPages().size() + change.stableDirty().size()) * com.canisterhost.state
                .CanisterMemory.PAGE_SIZE;
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
        return workers.submit(canisterId, true, () -> {
            LiveCanister canister = liveCanister(canisterId);
            if (!canister.module.updateMethods().contains(method)) {
                return CompletableFuture.completedFuture(
                        uncommitted(canisterId, callId, query(canister, method, arg, caller, 0), List.of(), 0));
            }
            CallOutcome refused = inspect(canister, method, arg, caller);
            if (refused != null) {
                return CompletableFuture.completedFuture(uncommitted(canisterId, callId, refused, List.of(), 0));
            }
            long time = canister.nextTime();
            Execution execution = canister.beginUpdate();
            long version = canister.version();
            Message message = message(canisterId, EntryPoint.UPDATE, arg, caller, time, version);
            runWatched(execution, message, method);
            boolean calls = !message.performed.isEmpty();
            if (message.failure != null || (message.response == Message.Response.NONE && !calls)) {
                // dropping the execution is the rollback; what it printed and why it failed go to the log
                CallOutcome.Rejected failed = message.failure != null ? trapped(message, version)
                        : didNotReply(message, version);
                return CompletableFuture.completedFuture(
                        uncommitted(canisterId, callId, failed, message.prints, time));
            }
            boolean answered = message.response != Message.Response.NONE;
            boolean replied = message.response == Message.Response.REPLIED;
            // a call that is not answered yet is answered through its call context, by a later callback
            Mailbox.Outbox outbox = calls ? new Mailbox.Outbox(null, null,
                    Mailbox.Origin.ingress(answered ? null : callId), null, CallDelivery.answer(message),
                    message.performed) : null;
            CallRecord record = new CallRecord("update", method, caller, replied ? message.reply : null,
                    replied || !answered ? null : RejectKind.CANISTER_REJECT.rejectCode(), message.rejectMessage,
                    message.instructions, time, message.prints, answered ? callId : null, outbox);
            long newVersion = commit(canister, execution, record);
            CompletableFuture<CallOutcome> later = null;
            if (outbox != null) {
                Long context = outbox.written() != null ? outbox.written().context() : null;
                if (!answered && context != null) {
                    later = delivery.awaitContext(context); // before any callback can run: this is its lane
                }
                delivery.sent(outbox.written(), null, message.instructions, newVersion);
            }
            if (!answered) {
                return later != null ? later : CompletableFuture.<CallOutcome>failedFuture(
                        new IllegalStateException("the call's context could not be found after its commit"));
            }
            return CompletableFuture.<CallOutcome>completedFuture(replied
                    ? new CallOutcome.Replied(message.reply, message.instructions, newVersion)
                    : new CallOutcome.Rejected(RejectKind.CANISTER_REJECT, message.rejectMessage,
                            message.instructions, newVersion));
        }).thenCompose(outcome -> outcome)
                .whenComplete((outcome, failure) -> metrics.executed("update", outcome, System.nanoTime() - submitted));
    }

    /** Runs {@code canister_inspect_message}, if exported: null if the call is accepted, else the refusal. */
    private CallOutcome inspect(LiveCanister canister, String method, byte[] arg, byte[] caller) {
        if (!canister.module.exports(EntryPoint.INSPECT_MESSAGE.exportName(null))) {
            return null;
        }
        long version = canister.version();
        Message message = message(canister.id, EntryPoint.INSPECT_MESSAGE, arg, caller, canister.nextTime(), version);
        message.methodName = method;
        runWatched(canister.begin(), message, null); // never committed: inspection is not replicated
        if (message.failure != null) {
            return new CallOutcome.Rejected(RejectKind.MESSAGE_REFUSED, "canister_inspect_message trapped: "
                    + trapped(message, version).message(), message.instructions, version);
        }
        if (!message.accepted) {
            return new CallOutcome.Rejected(RejectKind.MESSAGE_REFUSED, "the canister's canister_inspect_message "
                    + "did not accept a call to '" + method + "'", message.instructions, version);
        }
        return null;
    }

    /**
     * Runs {@code canister_global_timer} if the canister's timer is due: the timer is cleared as the task is
     * scheduled, the task commits like an update, and a trap rolls back everything but the clearing.
     *
     * @return the outcome, or null if the timer was not due
     */
    public CallOutcome globalTimer(String canisterId) {
        return measured("timer", () -> onWorker(canisterId, true, () -> {
            LiveCanister canister = liveCanister(canisterId);
            long due = canister.committed().globalTimer();
            long time = canister.nextTime();
            if (due == 0 || due > time) {
                return null;
            }
            return systemTask(canister, EntryPoint.GLOBAL_TIMER, time);
        }));
    }

    /** Runs {@code canister_heartbeat}; null if the canister does not export it. */
    public CallOutcome heartbeat(String canisterId) {
        return measured("heartbeat", () -> onWorker(canisterId, true, () -> {
            LiveCanister canister = liveCanister(canisterId);
            if (!canister.module.exports(EntryPoint.HEARTBEAT.exportName(null))) {
                return null;
            }
            return systemTask(canister, EntryPoint.HEARTBEAT, canister.nextTime());
        }));
    }

    private CallOutcome systemTask(LiveCanister canister, EntryPoint task, long time) {
        long version = canister.version();
        boolean timer = task == EntryPoint.GLOBAL_TIMER;
        Execution execution = canister.beginUpdate();
        if (timer) {
            execution.globalTimer(0);
        }
        Message message = message(canister.id, task, new byte[0], MANAGEMENT_CANISTER, time, version);
        if (canister.module.exports(task.exportName(null))) {
            runWatched(execution, message, null);
        }
        String kind = timer ? "timer" : "heartbeat";
        if (message.failure == null) {
            // calls a task makes are answered to its callbacks; the task's context itself has nobody to answer
            Mailbox.Outbox outbox = message.performed.isEmpty() ? null : new Mailbox.Outbox(null, null,
                    Mailbox.Origin.ingress(null), null, null, message.performed);
            long newVersion = commit(canister, execution, new CallRecord(kind, null, MANAGEMENT_CANISTER,
                    new byte[0], null, null, message.instructions, time, message.prints, null, outbox));
            if (outbox != null) {
                delivery.sent(outbox.written(), null, message.instructions, newVersion);
            }
            return new CallOutcome.Replied(new byte[0], message.instructions, newVersion);
        }
        CallOutcome.Rejected failed = trapped(message, version);
        if (!timer) {
            logFailure(canister.id, message.prints, failed, time);
            return failed;
        }
        Execution cleared = canister.begin(); // everything rolls back except that the timer fired
        cleared.globalTimer(0);
        List<LogEntry> entries = new ArrayList<>(message.prints);
        entries.add(LogEntry.trap(time, failed.message()));
        long newVersion = commit(canister, cleared, new CallRecord(kind, null, MANAGEMENT_CANISTER, null,
                failed.kind().rejectCode(), failed.message(), message.instructions, time, entries));
        return new CallOutcome.Rejected(failed.kind(), failed.message(), failed.instructions(), newVersion);
    }

    /** Commits an execution's changes with its call record, then publishes them as the committed state. */
    long commit(LiveCanister canister, Execution execution, CallRecord record) {
        StateChange change = execution.changes(false, false, null);
        long newVersion;
        workers.releaseSlot(); // the commit mostly waits for PostgreSQL: let another canister execute meanwhile
        try {
            newVersion = stateStore.commit(canister.id, canister.version(), change, record);
        } catch (RuntimeException e) {
            if (!DatabaseFailures.notApplied(e)) {
                live.remove(canister.id); // e.g. another node committed first: reload on next use
            }
            // else nothing reached PostgreSQL: the committed state in memory is still the canister's, and queries
            // go on being served from it while PostgreSQL is unreachable
            throw e;
        }
        metrics.persisted(persistedBytes(change));
        LiveCanister.Committed published = execution.result(change, newVersion);
        canister.publish(published);
        canister.keep(execution, published);
        live.put(canister);
        return newVersion;
    }

    /** Keeps what a failed replicated execution printed, and why it failed, in the canister's log. */
    void logFailure(String canisterId, List<LogEntry> prints, CallOutcome.Rejected failure, long time) {
        transactions.executeWithoutResult(status -> logs.append(canisterId, failureLog(prints, failure, time)));
    }

    private static List<LogEntry> failureLog(List<LogEntry> prints, CallOutcome.Rejected failure, long time) {
        List<LogEntry> entries = new ArrayList<>(prints);
        entries.add(LogEntry.trap(time, failure.message()));
        return entries;
    }

    /**
     * The outcome of an update call that commits nothing (refused, ran as a query, trapped, did not reply): a
     * failed replicated execution's log entries and, for a tracked call, its outcome are written together, in
     * the execution (a commit records a tracked call's outcome in its own transaction).
     *
     * @param time the execution's time, for the trap's log entry; 0 if nothing replicated ran (nothing is logged)
     */
    private CallOutcome uncommitted(String canisterId, UUID callId, CallOutcome outcome, List<LogEntry> prints,
            long time) {
        boolean logged = time != 0 && outcome instanceof CallOutcome.Rejected;
        if (!logged && callId == null) {
            return outcome;
        }
        transactions.executeWithoutResult(status -> {
            if (logged) {
                logs.append(canisterId, failureLog(prints, (CallOutcome.Rejected) outcome, time));
            }
            if (callId != null) {
                stateStore.completeCall(callId, outcome instanceof CallOutcome.Replied replied ? replied.reply() : null,
                        outcome instanceof CallOutcome.Rejected rejected ? rejected.kind().name() : null,
                        outcome instanceof CallOutcome.Rejected rejected ? rejected.message() : null,
                        outcome.instructions(), outcome.stateVersion());
            }
        });
        return outcome;
    }

    /**
     * Runs a query method against the last committed state; whatever it writes is discarded. Queries take no
     * canister lock: they run concurrently with each other and with an update of the same canister.
     */
    public CallOutcome query(String canisterId, String method, byte[] arg, byte[] caller) {
        return measured("query", () -> onWorker(canisterId, false,
                () -> query(liveCanister(canisterId), method, arg, caller, 0)));
    }

    /** Forgets the in-memory copy of a canister (after it was deleted). */
    public void evict(String canisterId) {
        live.remove(canisterId);
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

    /** A query a composite query calls: on this thread, at {@code depth} below the ingress query. */
    CallOutcome subQuery(String canisterId, String method, byte[] arg, byte[] caller, int depth) {
        LiveCanister callee = canisterIfInstalled(canisterId);
        if (callee == null) {
            return new CallOutcome.Rejected(RejectKind.METHOD_NOT_FOUND, "canister " + canisterId
                    + " does not exist or has no module", 0, 0);
        }
        if (!callee.module.queryMethods().contains(method) && !callee.module.compositeQueryMethods().contains(method)) {
            return new CallOutcome.Rejected(RejectKind.METHOD_NOT_FOUND, "canister " + canisterId
                    + " has no query method '" + method + "' (a composite query calls only queries)", 0, 0);
        }
        if (depth > CompositeQuery.MAX_DEPTH) {
            return new CallOutcome.Rejected(RejectKind.TRAPPED, "composite queries nested deeper than "
                    + CompositeQuery.MAX_DEPTH, 0, 0);
        }
        return query(callee, method, arg, caller, depth);
    }

    private CallOutcome query(LiveCanister canister, String method, byte[] arg, byte[] caller, int depth) {
        EntryPoint entryPoint = canister.module.queryMethods().contains(method) ? EntryPoint.QUERY
                : canister.module.compositeQueryMethods().contains(method) ? EntryPoint.COMPOSITE_QUERY : null;
        if (entryPoint == null) {
            return new CallOutcome.Rejected(RejectKind.METHOD_NOT_FOUND,
                    "canister has no " + (canister.module.updateMethods().contains(method) ? "query" : "update or query")
                            + " method '" + method + "'", 0, canister.version());
        }
        long time = canister.nextTime();
        Execution execution = canister.beginQuery();
        long version = execution.baseVersion();
        Message message = message(canister.id, entryPoint, arg, caller, time, version);
        runWatched(execution, message, method);
        if (message.failure != null) {
            return trapped(message, version);
        }
        if (message.response == Message.Response.NONE && !message.performed.isEmpty()) {
            return CompositeQuery.resume(this, canister, execution, message, version, depth);
        }
        canister.keepForQueries(execution);
        return switch (message.response) {
            case REPLIED -> new CallOutcome.Replied(message.reply, message.instructions, version);
            case REJECTED -> new CallOutcome.Rejected(RejectKind.CANISTER_REJECT, message.rejectMessage,
                    message.instructions, version);
            case NONE -> didNotReply(message, version);
        };
    }

    Message message(String canisterId, EntryPoint entryPoint, byte[] arg, byte[] caller, long time,
            long canisterVersion) {
        Message message = new Message(canisterId, entryPoint, arg, caller, time);
        message.canisterVersion = canisterVersion;
        message.canisterStatus = () -> activity.status(canisterId);
        message.maxOutstandingCalls = properties.maxOutstandingCalls();
        message.outstandingCalls = () -> stateStore.mailbox().estimateOutstandingCalls(canisterId,
                message.maxOutstandingCalls);
        message.countOutstandingCalls = () -> stateStore.mailbox().recountOutstandingCalls(canisterId);
        return message;
    }

    /**
     * A callback of a call the canister made: the reply callback, with the reply as its argument, or, if
     * {@code rejectCode} is not null, the reject callback, with the reject it reads; {@code fun} and {@code env}
     * name the table function to run.
     */
    Message callback(String canisterId, Integer rejectCode, String rejectMessage, byte[] reply, long fun, long env,
            boolean contextAnswered, byte[] caller, long time, long canisterVersion) {
        boolean replied = rejectCode == null;
        Message message = message(canisterId, replied ? EntryPoint.REPLY_CALLBACK : EntryPoint.REJECT_CALLBACK,
                replied && reply != null ? reply : new byte[0], caller, time, canisterVersion);
        message.callbackFun = fun;
        message.callbackEnv = env;
        if (!replied) {
            message.rejectCode = rejectCode;
            message.rejectMessageIn = rejectMessage != null ? rejectMessage : "";
        }
        message.contextAnswered = contextAnswered;
        return message;
    }

    /** Runs canister code with the wall-clock backstop armed: past the limit the worker is interrupted. */
    void runWatched(Execution execution, Message message, String method) {
        Thread worker = Thread.currentThread();
        Object guard = new Object();
        boolean[] running = {true};
        var alarm = deadlines.arm(properties.wallClockLimit().toMillis(), () -> {
            synchronized (guard) {
                if (running[0]) {
                    worker.interrupt();
                }
            }
        });
        try {
            execution.run(message, method, instructionLimit(message.entryPoint));
        } finally {
            synchronized (guard) {
                running[0] = false;
            }
            alarm.cancel();
            Thread.interrupted(); // an alarm that fired must not leak into the next task on this worker
        }
    }

    static CallOutcome.Rejected trapped(Message message, long version) {
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

    LiveCanister.Runtime runtime(ValidatedModule module) {
        return new LiveCanister.Runtime(systemApi, modules.machineFactory(module), properties);
    }

    private long instructionLimit(EntryPoint entryPoint) {
        var limits = properties.instructionLimits();
        return switch (entryPoint) {
            case UPDATE, HEARTBEAT, GLOBAL_TIMER, REPLY_CALLBACK, REJECT_CALLBACK, CLEANUP -> limits.update();
            case QUERY, COMPOSITE_QUERY -> limits.query();
            case INSPECT_MESSAGE -> limits.inspectMessage();
            case START, INIT, PRE_UPGRADE, POST_UPGRADE -> limits.install();
        };
    }

    private static CallOutcome.Rejected didNotReply(Message message, long version) {
        return new CallOutcome.Rejected(RejectKind.DID_NOT_REPLY,
                "canister did not reply to the call", message.instructions, version);
    }

    /** The canister in memory, loaded if need be; null if it does not exist or has no module. */
    LiveCanister canisterIfInstalled(String canisterId) {
        try {
            return liveCanister(canisterId);
        } catch (CanisterEmptyException | org.springframework.dao.EmptyResultDataAccessException missing) {
            return null;
        }
    }

    LiveCanister liveCanister(String canisterId) {
        return live.get(canisterId, id -> {
            CommittedState state = stateStore.load(id);
            if (state.moduleHash() == null) {
                throw new CanisterEmptyException(id);
            }
            ValidatedModule module = modules.load(state.moduleHash(), DeterminismProfile.parse(state.profile()));
            return LiveCanister.restore(id, module, runtime(module), state);
        });
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
