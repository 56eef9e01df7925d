package com.canisterhost.execution;

import com.canisterhost.module.ModuleService;
import com.canisterhost.module.ValidatedModule;
import com.canisterhost.state.CallRecord;
import com.canisterhost.state.CommittedHeap;
import com.canisterhost.state.CommittedState;
import com.canisterhost.state.LogEntry;
import com.canisterhost.state.StateChange;
import com.canisterhost.state.StateStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Installs, reinstalls and upgrades, on the canister's lane ({@link Executor#install} puts them there): the old
 * code's {@code canister_pre_upgrade}, the new module's start function and {@code canister_init} or
 * {@code canister_post_upgrade}, then one commit of all of it; nothing changes unless every step succeeds.
 */
final class Installer {

    private final ExecutionSteps steps;
    private final StateStore stateStore;
    private final ModuleService modules;
    private final TransactionTemplate transactions;
    private final LiveCanisters live;
    private final ExecutionMetrics metrics;

    Installer(ExecutionSteps steps, StateStore stateStore, ModuleService modules, TransactionTemplate transactions,
            LiveCanisters live, ExecutionMetrics metrics) {
        this.steps = steps;
        this.stateStore = stateStore;
        this.modules = modules;
        this.transactions = transactions;
        this.live = live;
        this.metrics = metrics;
    }

    /** See {@link Executor#install}; runs on the canister's lane. */
    CallOutcome install(String canisterId, InstallMode mode, WasmMemoryPersistence persistence,
            ValidatedModule module, byte[] arg, byte[] caller,
            java.util.function.Consumer<CurrentModule> precondition, com.canisterhost.state.Mailbox.Outbox outbox) {
        LiveCanister old = null;
        CommittedState current = null;
        if (mode == InstallMode.UPGRADE) {
            try {
                old = steps.liveCanister(canisterId); // its code runs pre_upgrade
            } catch (CanisterEmptyException empty) {
                precondition.accept(new CurrentModule(false, false));
                throw empty;
            }
            precondition.accept(new CurrentModule(true, old.module.usesEnhancedOrthogonalPersistence()));
        } else {
            current = stateStore.load(canisterId);
            precondition.accept(new CurrentModule(current.moduleHash() != null, false));
        }
        boolean keep = old != null && persistence == WasmMemoryPersistence.KEEP;
        long version = old != null ? old.version() : current.version();
        long lastTime = old != null ? old.lastTime() : current.lastTime();
        java.math.BigInteger cycles = old != null ? old.committed().cycles() : current.cycles();
        long time = Math.max(lastTime + 1, System.currentTimeMillis() * 1_000_000L);
        InstallRun run = new InstallRun(canisterId, caller, time, version);
        CommittedHeap stable = old != null ? old.committed().stable() : CommittedHeap.empty();
        CommittedHeap keptHeap = keep ? old.committed().heap() : null;
        Map<Integer, byte[]> preUpgradeStable = Map.of();
        Map<Integer, byte[]> preUpgradeHeap = Map.of();
        java.math.BigInteger afterPreUpgrade = cycles;
        if (old != null && old.module.exports("canister_pre_upgrade")) {
            // pre_upgrade runs on the old code and sees the old version: its stable memory goes on, and its heap
            // too if the heap is kept
            Execution preUpgrade = old.begin();
            CallOutcome failed = run.step(preUpgrade, EntryPoint.PRE_UPGRADE, new byte[0], version);
            if (failed != null) {
                return failed;
            }
            preUpgradeStable = preUpgrade.stable().dirtyPages();
            stable = preUpgrade.stable().toCommitted();
            if (keep && preUpgrade.heap() != null) {
                preUpgradeHeap = preUpgrade.heap().dirtyPages();
                keptHeap = preUpgrade.heap().toCommitted();
            }
            afterPreUpgrade = preUpgrade.cycles(); // cycles it burned stay burned
        }
        // an upgrade keeps stable memory (and the heap, if asked to); install and reinstall start without
        LiveCanister fresh = LiveCanister.fresh(canisterId, module, steps.runtime(module), version, stable, time,
                cycles, keptHeap);
        Execution execution = fresh.beginInstall();
        execution.cycles(afterPreUpgrade);
        CallOutcome failed = null;
        if (module.startFunction().isPresent()) {
            failed = run.step(execution, EntryPoint.START, new byte[0], version + 1);
        }
        EntryPoint init = mode == InstallMode.UPGRADE ? EntryPoint.POST_UPGRADE : EntryPoint.INIT;
        if (failed == null && module.exports(init.exportName(null))) {
            failed = run.step(execution, init, arg, version + 1);
        }
        if (failed != null) {
            return failed;
        }
        StateChange change = execution.changes(true, mode != InstallMode.UPGRADE, module.hash(), keep)
                .afterEarlierChanges(preUpgradeHeap, preUpgradeStable);
        CallRecord record = new CallRecord(mode.name().toLowerCase(), null, caller, new byte[0], null, null,
                run.instructions, time, run.logs, null, outbox);
        // the module first, in a transaction of its own (content-addressed, so storing it twice is harmless):
        // the commit then runs alone, which lets the state store find out the outcome of a commit it lost
        transactions.executeWithoutResult(status -> modules.store(module));
        long newVersion = stateStore.commit(canisterId, version, change, record);
        metrics.persisted(change);
        fresh.publish(execution.result(change, newVersion));
        live.put(fresh);
        return new CallOutcome.Replied(new byte[0], run.instructions, newVersion);
    }

    /** The entry points of one install: their instructions and prints add up; the first failure ends it. */
    private final class InstallRun {
        final String canisterId;
        final byte[] caller;
        final long time;
        final long version;
        long instructions;
        final List<LogEntry> logs = new ArrayList<>();

        InstallRun(String canisterId, byte[] caller, long time, long version) {
            this.canisterId = canisterId;
            this.caller = caller;
            this.time = time;
            this.version = version;
        }

        /** Runs one entry point of the install; returns the failure outcome (logged), or null. */
        CallOutcome step(Execution execution, EntryPoint entryPoint, byte[] arg, long canisterVersion) {
            Message message = steps.message(canisterId, entryPoint, arg, caller, time, canisterVersion);
            steps.runWatched(execution, message, null);
            instructions += message.instructions;
            logs.addAll(message.prints);
            if (message.failure == null) {
                return null;
            }
            CallOutcome.Rejected failed = MessageOutcomes.trapped(message, version);
            steps.logFailure(canisterId, logs, failed, time);
            return failed;
        }
    }
}
