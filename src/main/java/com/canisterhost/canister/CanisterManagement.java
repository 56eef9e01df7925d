package com.canisterhost.canister;

import com.canisterhost.execution.CallOutcome;
import com.canisterhost.execution.CanisterActivity;
import com.canisterhost.execution.Executor;
import com.canisterhost.execution.InstallMode;
import com.canisterhost.module.DeterminismProfile;
import com.canisterhost.module.ModuleService;
import com.canisterhost.module.ValidatedModule;
import com.canisterhost.principal.CanisterId;
import com.canisterhost.state.LogEntry;
import com.canisterhost.state.LogStore;
import com.canisterhost.state.Snapshot;
import com.canisterhost.state.SnapshotStore;
import com.canisterhost.state.StateStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.event.ApplicationStartedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

/** Creates, installs, calls, stops, starts and deletes canisters. */
@Service
public class CanisterManagement {

    /** The anonymous principal ({@code 2vxsx-fae}): every caller until identities exist. */
    public static final byte[] ANONYMOUS = {0x04};

    /** Calls end within the wall-clock limit; a stop waits at most this long for them. */
    private static final Duration STOP_DRAIN_LIMIT = Duration.ofMinutes(5);

    private final CanisterRepository canisters;
    private final ModuleService modules;
    private final Executor executor;
    private final SnapshotStore snapshots;
    private final int maxSnapshots;
    private final java.math.BigInteger initialCycles;
    private final CanisterActivity activity;
    /**
     * Whether each canister is installed and running, as of its last change through this service: every call
     * needs it, and reading the registry row costs more than running a small update. A change bumps the
     * generation before forgetting the entry, so a read that raced with it is not remembered.
     */
    private final java.util.Map<String, Admission> admissions = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong admissionGeneration =
            new java.util.concurrent.atomic.AtomicLong();
    private final StateStore stateStore;
    private final LogStore logs;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final EnvironmentVariables environment;

    CanisterManagement(CanisterRepository canisters, ModuleService modules, Executor executor,
            SnapshotStore snapshots, @Value("${canister.state.max-snapshots:10}") int maxSnapshots,
            @Value("${canister.initial-cycles:3000000000000}") java.math.BigInteger initialCycles,
            CanisterActivity activity, LogStore logs, TransactionTemplate transactions, StateStore stateStore,
            EnvironmentVariables environment) {
        this.environment = environment;
        this.stateStore = stateStore;
        this.canisters = canisters;
        this.modules = modules;
        this.executor = executor;
        this.snapshots = snapshots;
        this.maxSnapshots = maxSnapshots;
        this.initialCycles = initialCycles;
        this.activity = activity;
        this.logs = logs;
        this.transactions = transactions;
        this.clock = Clock.systemUTC();
    }

    /** A stop that a shutdown interrupted is complete now: nothing is in flight after a restart. */
    @EventListener(ApplicationStartedEvent.class)
    void recoverStatuses() {
        transactions.executeWithoutResult(status -> {
            canisters.finishStopping();
            canisters.stoppedIds().forEach(id -> activity.status(id, CanisterActivity.STOPPED));
        });
    }

    @Transactional
    public CanisterStatus create(byte[] caller) {
        CanisterId id = CanisterId.fromIndex(canisters.nextIndex());
        CanisterEntity canister = new CanisterEntity(id.toText(), new CanisterId(caller).toText(), initialCycles,
                clock.instant());
        return status(canisters.saveAndFlush(canister));
    }

    @Transactional(readOnly = true)
    public List<CanisterStatus> list() {
        return canisters.findAllInCreationOrder().stream().map(this::status).toList();
    }

    @Transactional(readOnly = true)
    public CanisterStatus status(String id) {
        return status(find(id));
    }

    /**
     * Validates {@code upload} (raw or gzip Wasm) under {@code profile} (null: the service's default) and installs
     * it per {@code mode}. On success returns the new status;
     * a trap in the start function, {@code canister_init}, {@code canister_pre_upgrade} or
     * {@code canister_post_upgrade} returns the rejection and leaves the canister as it was.
     */
    public InstallResult install(String id, InstallMode mode, byte[] upload, byte[] arg, byte[] caller,
            DeterminismProfile profile) {
        CanisterEntity canister = find(id);
        if (mode == InstallMode.INSTALL && !canister.isEmpty()) {
            throw new CanisterStateException(CanisterStateException.Conflict.ALREADY_INSTALLED, "canister " + id
                    + " already has a module; use mode=reinstall or mode=upgrade to replace it");
        }
        if (mode == InstallMode.UPGRADE && canister.isEmpty()) {
            throw new CanisterStateException(CanisterStateException.Conflict.EMPTY,
                    "canister " + id + " has no module to upgrade; use mode=install");
        }
        ValidatedModule module = modules.prepare(upload, profile != null ? profile : modules.defaultProfile());
        CallOutcome outcome = executor.install(canister.id(), mode, module, arg, caller);
        readmit(canister.id());
        return new InstallResult(outcome, status(id));
    }

    /** Removes the canister's module and Wasm state (the IC's uninstall_code), between its executions. */
    public CanisterStatus uninstall(String id) {
        CanisterEntity canister = find(id);
        executor.exclusive(canister.id(), true, () -> stateStore.uninstall(canister.id()));
        readmit(canister.id());
        return status(canister.id());
    }

    /** An update call: commits what the method changed if it replied or rejected. */
    public CallOutcome update(String id, String method, byte[] arg, byte[] caller) {
        return Executor.await(submitUpdate(id, method, arg, caller, null));
    }

    /**
     * Queues an update call and returns at once (refusing it now if the canister cannot take it); the call counts
     * as in flight until it completes. {@code callId} names a tracked call whose outcome the commit records.
     */
    public CompletableFuture<CallOutcome> submitUpdate(String id, String method, byte[] arg, byte[] caller,
            UUID callId) {
        String canisterId = canonical(id);
        activity.enter(canisterId);
        try {
            callable(canisterId);
            return executor.submitUpdate(canisterId, method, arg, caller, callId)
                    .whenComplete((outcome, failure) -> activity.leave(canisterId));
        } catch (RuntimeException e) {
            activity.leave(canisterId);
            throw e;
        }
    }

    /** The canonical id of an existing canister. */
    public String canonicalId(String id) {
        return find(id).id();
    }

    /** A query call: sees the last committed state and never persists anything. */
    public CallOutcome query(String id, String method, byte[] arg, byte[] caller) {
        return admitted(id, canisterId -> executor.query(canisterId, method, arg, caller));
    }

    /** Runs a call if the canister is running, counted as in flight so that a stop waits for it. */
    private CallOutcome admitted(String id, java.util.function.Function<String, CallOutcome> call) {
        String canisterId = canonical(id);
        activity.enter(canisterId); // before the status check: a stop that begins after it still waits for us
        try {
            return call.apply(callable(canisterId).id());
        } finally {
            activity.leave(canisterId);
        }
    }

    /**
     * Stops a canister: it turns {@code stopping} at once (new calls are refused), and {@code stopped} once the
     * calls it had admitted have finished; answers then.
     */
    public CanisterStatus stop(String id) {
        CanisterEntity canister = find(id);
        String canisterId = canister.id();
        if ("running".equals(canister.status())) {
            transactions.executeWithoutResult(tx -> canisters.markStopping(canisterId));
            readmit(canisterId);
            activity.status(canisterId, CanisterActivity.STOPPING);
        }
        if (!"stopped".equals(canister.status())) {
            try {
                activity.awaitIdle(canisterId, STOP_DRAIN_LIMIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while canister " + id + " was stopping", e);
            }
            changeStatus(canisterId, "stopped", CanisterActivity.STOPPED);
        }
        return status(canisterId);
    }

    /** Starts a stopped (or stopping) canister. */
    public CanisterStatus start(String id) {
        CanisterEntity canister = find(id);
        if (!"running".equals(canister.status())) {
            changeStatus(canister.id(), "running", CanisterActivity.RUNNING);
        }
        return status(canister.id());
    }

    /** A status change is a new state version, so it happens between executions and live copies reload. */
    private void changeStatus(String canisterId, String status, int activityStatus) {
        executor.exclusive(canisterId, true, () -> transactions.execute(tx -> canisters.changeStatus(canisterId,
                status)));
        readmit(canisterId);
        activity.status(canisterId, activityStatus);
    }

    /** What the canister printed and why its replicated executions failed, oldest first. */
    public List<LogEntry.Stored> logs(String id) {
        return logs.list(find(id).id());
    }

    /** Deletes a stopped canister with its state; its id is never minted again. */
    @Transactional
    public void delete(String id) {
        CanisterEntity canister = find(id);
        if (!"stopped".equals(canister.status())) {
            throw new CanisterStateException(CanisterStateException.Conflict.NOT_STOPPED,
                    "canister " + id + " is " + canister.status() + "; stop it before deleting it");
        }
        canisters.delete(canister);
        canisters.flush();
        readmit(canister.id());
        org.springframework.transaction.support.TransactionSynchronizationManager.registerSynchronization(
                new org.springframework.transaction.support.TransactionSynchronization() {
                    @Override
                    public void afterCommit() {
                        readmit(canister.id()); // again: a call may have read the row before the delete committed
                    }
                });
        executor.evict(canister.id());
        activity.forget(canister.id());
    }

    private CanisterStatus status(CanisterEntity canister) {
        return environment.addTo(canister.toStatus(canisters.persistedBytes(canister.id())));
    }

    /** Takes a snapshot of the committed state; at most {@code canister.state.max-snapshots} per canister. */
    public Snapshot takeSnapshot(String id) {
        CanisterEntity canister = installed(id);
        return executor.exclusive(canister.id(), false, () -> {
            if (snapshots.count(canister.id()) >= maxSnapshots) {
                throw new CanisterStateException(CanisterStateException.Conflict.SNAPSHOT_LIMIT, "canister " + id
                        + " already has " + maxSnapshots + " snapshots; delete one first");
            }
            return snapshots.take(canister.id());
        });
    }

    public List<Snapshot> snapshots(String id) {
        return snapshots.list(find(id).id());
    }

    /** Restores heap, globals and module from a snapshot, as a new state version. */
    public CanisterStatus loadSnapshot(String id, long snapshotId, byte[] caller) {
        CanisterEntity canister = find(id);
        snapshot(canister, snapshotId);
        executor.exclusive(canister.id(), true, () -> snapshots.load(canister.id(), snapshotId, caller));
        readmit(canister.id());
        return status(id);
    }

    public void deleteSnapshot(String id, long snapshotId) {
        CanisterEntity canister = find(id);
        snapshot(canister, snapshotId);
        snapshots.delete(canister.id(), snapshotId);
    }

    private Snapshot snapshot(CanisterEntity canister, long snapshotId) {
        return snapshots.find(canister.id(), snapshotId).orElseThrow(() -> new SnapshotNotFoundException(
                "canister " + canister.id() + " has no snapshot " + snapshotId));
    }

    private CanisterEntity installed(String id) {
        CanisterEntity canister = find(id);
        requireInstalled(!canister.isEmpty(), id);
        return canister;
    }

    private static void requireInstalled(boolean installed, String id) {
        if (!installed) {
            throw new CanisterStateException(CanisterStateException.Conflict.EMPTY,
                    "canister " + id + " has no module installed");
        }
    }

    /** Whether a call may run now; from memory, since every call asks (see {@link #admissions}). */
    private Admission callable(String id) {
        Admission admission = admissions.get(id);
        if (admission == null) {
            long generation = admissionGeneration.get();
            CanisterEntity canister = find(id);
            admission = new Admission(canister.id(), !canister.isEmpty(), canister.status());
            if (admissionGeneration.get() == generation) {
                admissions.put(admission.id(), admission); // no change began since the read: still current
            }
        }
        requireInstalled(admission.installed(), id);
        if (!"running".equals(admission.status())) {
            throw new CanisterStateException(CanisterStateException.Conflict.STOPPED,
                    "canister " + id + " is " + admission.status() + " and does not accept calls");
        }
        return admission;
    }

    /** What admitting a call needs to know of a canister. */
    private record Admission(String id, boolean installed, String status) {}

    /** Forgets what {@link #callable} remembers of a canister; call after changing its status or module. */
    private void readmit(String id) {
        admissionGeneration.incrementAndGet();
        admissions.remove(id);
    }

    private CanisterEntity find(String id) {
        String canonical = canonical(id);
        return canisters.findById(canonical)
                .orElseThrow(() -> new CanisterNotFoundException("no canister " + canonical));
    }

    /** The id in canonical textual form, without a database read. */
    private static String canonical(String id) {
        try {
            return CanisterId.parse(id).toText();
        } catch (IllegalArgumentException e) {
            throw new CanisterNotFoundException("no canister " + id + ": " + e.getMessage());
        }
    }

    /** The outcome of an install and the canister's status afterwards. */
    public record InstallResult(CallOutcome outcome, CanisterStatus status) {}
}
