package com.canisterhost.execution;

import com.canisterhost.database.DatabaseFailures;
import com.canisterhost.module.DeterminismProfile;
import com.canisterhost.module.ModuleService;
import com.canisterhost.module.ValidatedModule;
import com.canisterhost.state.CallRecord;
import com.canisterhost.state.CommittedState;
import com.canisterhost.state.LogEntry;
import com.canisterhost.state.LogStore;
import com.canisterhost.state.StateChange;
import com.canisterhost.state.StateStore;
import java.util.ArrayList;
import java.util.List;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The steps every kind of message shares, whatever runs it (an update, a query, a request or a callback, a system
 * task, an install): finding the canister in memory, building the message its code runs on, running that code under
 * the wall-clock backstop, committing what it changed, and logging why a replicated execution failed.
 */
final class ExecutionSteps {

    private final SystemApi systemApi;
    private final StateStore stateStore;
    private final ModuleService modules;
    private final TransactionTemplate transactions;
    private final ExecutionProperties properties;
    private final LiveCanisters live;
    private final LogStore logs;
    private final CanisterActivity activity;
    private final WorkerPool workers;
    private final Deadlines deadlines;
    private final ExecutionMetrics metrics;

    ExecutionSteps(SystemApi systemApi, StateStore stateStore, ModuleService modules, TransactionTemplate transactions,
            ExecutionProperties properties, LiveCanisters live, LogStore logs, CanisterActivity activity,
            WorkerPool workers, Deadlines deadlines, ExecutionMetrics metrics) {
        this.systemApi = systemApi;
        this.stateStore = stateStore;
        this.modules = modules;
        this.transactions = transactions;
        this.properties = properties;
        this.live = live;
        this.logs = logs;
        this.activity = activity;
        this.workers = workers;
        this.deadlines = deadlines;
        this.metrics = metrics;
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

    LiveCanister.Runtime runtime(ValidatedModule module) {
        return new LiveCanister.Runtime(systemApi, modules.machineFactory(module), properties);
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
        runWatched(execution, message, method, Long.MAX_VALUE);
    }

    /** {@link #runWatched}, with at most {@code maxInstructions} (below the message kind's own limit). */
    void runWatched(Execution execution, Message message, String method, long maxInstructions) {
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
            execution.run(message, method, Math.min(maxInstructions, instructionLimit(message.entryPoint)));
        } finally {
            synchronized (guard) {
                running[0] = false;
            }
            alarm.cancel();
            Thread.interrupted(); // an alarm that fired must not leak into the next task on this worker
        }
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

    /** Commits an execution's changes with its call record, then publishes them as the committed state. */
    long commit(LiveCanister canister, Execution execution, CallRecord record) {
        StateChange change = execution.changes(false, false, null);
        long newVersion;
        workers.releaseSlot(); // the commit mostly waits for PostgreSQL: let another canister execute meanwhile
        try {
            newVersion = stateStore.commit(canister.id, canister.version(), change, record);
        } catch (RuntimeException e) {
            throw failed(e, List.of(canister));
        }
        publish(canister, execution, change, newVersion);
        return newVersion;
    }

    /**
     * A commit that failed: unless nothing reached PostgreSQL, its canisters are read again on next use (another
     * node may have committed first). If nothing reached it, the committed state in memory is still each
     * canister's, and queries go on being served from it while PostgreSQL is unreachable.
     */
    private RuntimeException failed(RuntimeException e, List<LiveCanister> canisters) {
        if (!DatabaseFailures.notApplied(e)) {
            canisters.forEach(canister -> live.remove(canister.id));
        }
        return e;
    }

    /** Makes a committed execution's state its canister's, and keeps its instance for the next update. */
    private void publish(LiveCanister canister, Execution execution, StateChange change, long version) {
        metrics.persisted(change);
        LiveCanister.Committed published = execution.result(change, version);
        canister.publish(published);
        canister.keep(execution, published);
        live.put(canister);
    }

    /** One canister's part of {@link #commitTogether}: its execution, and how many executions it stands for. */
    record Part(LiveCanister canister, Execution execution, CallRecord record, int steps) {}

    /**
     * Commits the executions of different canisters all or none (a fused call and its response), then publishes
     * each as its canister's committed state; returns their new versions, in order.
     */
    long[] commitTogether(List<Part> parts) {
        List<StateChange> changes = parts.stream().map(p -> p.execution().changes(false, false, null)).toList();
        List<StateStore.Part> written = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            Part part = parts.get(i);
            written.add(new StateStore.Part(part.canister().id, part.canister().version(), changes.get(i),
                    part.record(), part.steps()));
        }
        long[] versions;
        workers.releaseSlot(); // as for a commit of one
        try {
            versions = stateStore.commitTogether(written);
        } catch (RuntimeException e) {
            throw failed(e, parts.stream().map(Part::canister).toList());
        }
        for (int i = 0; i < parts.size(); i++) {
            publish(parts.get(i).canister(), parts.get(i).execution(), changes.get(i), versions[i]);
        }
        return versions;
    }

    /** Keeps what a failed replicated execution printed, and why it failed, in the canister's log. */
    void logFailure(String canisterId, List<LogEntry> prints, CallOutcome.Rejected failure, long time) {
        transactions.executeWithoutResult(status -> logs.append(canisterId, failureLog(prints, failure, time)));
    }

    /** What a failed execution printed, then the trap's own entry. */
    static List<LogEntry> failureLog(List<LogEntry> prints, CallOutcome.Rejected failure, long time) {
        List<LogEntry> entries = new ArrayList<>(prints);
        entries.add(LogEntry.trap(time, failure.message()));
        return entries;
    }
}
