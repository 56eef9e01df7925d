package com.canisterhost.canister;

import com.canisterhost.execution.CallOutcome;
import com.canisterhost.execution.CanisterActivity;
import com.canisterhost.execution.Executor;
import com.canisterhost.execution.InstallMode;
import com.canisterhost.execution.WasmMemoryPersistence;
import com.canisterhost.module.DeterminismProfile;
import com.canisterhost.module.ModuleService;
import com.canisterhost.module.ValidatedModule;
import com.canisterhost.principal.CanisterId;
import com.canisterhost.state.CanisterRows;
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


    private final CanisterRepository canisters;
    private final CanisterRows rows;
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
    /** How long a stop waits for the calls in flight (the IC gives up after 5 minutes too). */
    private final Duration stopTimeout;
    private final EnvironmentVariables environment;
    /** With several nodes: a new canister's lease goes to the least loaded one. */
    private final com.canisterhost.state.CanisterOwnership ownership;

    CanisterManagement(CanisterRepository canisters, CanisterRows rows, ModuleService modules, Executor executor,
            SnapshotStore snapshots, @Value("${canister.state.max-snapshots:10}") int maxSnapshots,
            @Value("${canister.initial-cycles:3000000000000}") java.math.BigInteger initialCycles,
            CanisterActivity activity, LogStore logs, TransactionTemplate transactions, StateStore stateStore,
            @Value("${canister.stop-timeout:5m}") Duration stopTimeout, EnvironmentVariables environment,
            com.canisterhost.state.CanisterOwnership ownership) {
        this.ownership = ownership;
        this.stopTimeout = stopTimeout;
        this.environment = environment;
        this.stateStore = stateStore;
        this.canisters = canisters;
        this.rows = rows;
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
            rows.finishStopping();
            canisters.stoppedIds().forEach(id -> activity.status(id, CanisterActivity.STOPPED));
        });
    }

    @Transactional
    public CanisterStatus create(byte[] caller) {
        String id = CanisterId.fromIndex(canisters.nextIndex()).toText();
        rows.insert(id, List.of(new CanisterId(caller).toText()), initialCycles, clock.instant());
        ownership.place(id);
        return status(find(id));
    }

    /**
     * Creates a canister on a canister's behalf (the management canister's {@code create_canister}): the
     * controllers and the cycles come from the call. {@code alongside} runs in the same transaction, with the new
     * canister's id, so that the canister exists if and only if the call that created it is answered.
     */
    public <T> T create(List<String> controllers, java.math.BigInteger cycles,
            java.util.function.Function<String, T> alongside) {
        return transactions.execute(tx -> {
            String id = CanisterId.fromIndex(canisters.nextIndex()).toText();
            rows.insert(id, controllers, cycles, clock.instant());
            // with several nodes its lease is this node's: the management canister installs and calls it here
            ownership.local(id);
            return alongside.apply(id);
        });
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
     * it per {@code mode}; an upgrade keeps or replaces the heap per {@code persistence} (null: replaces it, which
     * a canister built for enhanced orthogonal persistence refuses, as the IC does). On success returns the new status;
     * a trap in the start function, {@code canister_init}, {@code canister_pre_upgrade} or
     * {@code canister_post_upgrade} returns the rejection and leaves the canister as it was.
     */
    public InstallResult install(String id, InstallMode mode, WasmMemoryPersistence persistence, byte[] upload,
            byte[] arg, byte[] caller, DeterminismProfile profile) {
        return install(id, mode, persistence, upload, arg, caller, profile, null);
    }

    /**
     * {@link #install}, committing {@code outbox} with the installed state if it succeeds: the management
     * canister's answer to the canister that called {@code install_code}.
     */
    public InstallResult install(String id, InstallMode mode, WasmMemoryPersistence persistence, byte[] upload,
            byte[] arg, byte[] caller, DeterminismProfile profile, com.canisterhost.state.Mailbox.Outbox outbox) {
        CanisterEntity canister = find(id);
        // early, before the costly validation; decided again on the canister's lane, where nothing can interleave
        requireMode(mode, !canister.isEmpty(), canister.id());
        ValidatedModule module = modules.prepare(upload, profile != null ? profile : modules.defaultProfile());
        if (persistence == WasmMemoryPersistence.KEEP && !module.usesEnhancedOrthogonalPersistence()) {
            throw new InvalidInstallOptionException("wasm_memory_persistence=keep needs a new module that supports "
                    + "enhanced orthogonal persistence (custom section '"
                    + ValidatedModule.ENHANCED_ORTHOGONAL_PERSISTENCE + "'); this one does not");
        }
        CallOutcome outcome = executor.install(canister.id(), mode, persistence, module, arg, caller, current -> {
            requireMode(mode, current.present(), canister.id());
            if (mode == InstallMode.UPGRADE && persistence == null && current.enhancedOrthogonalPersistence()) {
                throw new CanisterStateException(CanisterStateException.Conflict.MEMORY_PERSISTENCE_REQUIRED,
                        "canister " + canister.id() + " uses enhanced orthogonal persistence: an upgrade must say "
                                + "wasm_memory_persistence=keep to keep its heap (or replace, to start it over)");
            }
        }, outbox);
        readmit(canister.id());
        return new InstallResult(outcome, status(id));
    }

    private static void requireMode(InstallMode mode, boolean installed, String id) {
        if (mode == InstallMode.INSTALL && installed) {
            throw new CanisterStateException(CanisterStateException.Conflict.ALREADY_INSTALLED, "canister " + id
                    + " already has a module; use mode=reinstall or mode=upgrade to replace it");
        }
        if (mode == InstallMode.UPGRADE && !installed) {
            throw new CanisterStateException(CanisterStateException.Conflict.EMPTY,
                    "canister " + id + " has no module to upgrade; use mode=install");
        }
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
     * calls it had admitted have finished; answers then. If they have not finished within the stop timeout, or a
     * start comes in meanwhile, the stop fails and the canister stays as it then is (stopping, or running).
     */
    public CanisterStatus stop(String id) {
        String canisterId = find(id).id();
        boolean marked = activity.changeStatus(canisterId, () ->
                transactions.execute(tx -> rows.markStopping(canisterId)) == 1 ? CanisterActivity.STOPPING : 0);
        if (marked) {
            readmit(canisterId);
        } else if ("stopped".equals(find(id).status())) {
            return status(canisterId);
        }
        long deadline = System.nanoTime() + stopTimeout.toNanos();
        boolean idle;
        try {
            idle = activity.awaitIdle(canisterId, stopTimeout) && contextsClosed(canisterId, deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while canister " + id + " was stopping", e);
        }
        if (!idle) {
            throw new CanisterStateException(CanisterStateException.Conflict.STOP_TIMEOUT, "canister " + canisterId
                    + " still has calls in flight after " + stopTimeout.toMillis() + " ms; it stays stopping (stop "
                    + "it again to wait on, or start it)");
        }
        boolean stopped = changeStatus(canisterId, "stopping", "stopped", CanisterActivity.STOPPED);
        if (!stopped && !"stopped".equals(find(id).status())) { // not a concurrent stop that finished first
            throw new CanisterStateException(CanisterStateException.Conflict.STOP_CANCELLED,
                    "canister " + canisterId + " was started while it was stopping");
        }
        return status(canisterId);
    }

    /**
     * Waits until the canister has no open call context (as on the IC, a stopping canister goes on running the
     * callbacks of the calls it made, and stops once it owes no answer and awaits no response); false at the
     * deadline.
     */
    private boolean contextsClosed(String canisterId, long deadline) throws InterruptedException {
        while (stateStore.mailbox().hasOpenContexts(canisterId)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /** Starts a stopped (or stopping) canister; a stop waiting for its calls then fails. */
    public CanisterStatus start(String id) {
        String canisterId = find(id).id();
        changeStatus(canisterId, null, "running", CanisterActivity.RUNNING);
        return status(canisterId);
    }

    /**
     * A status change (from {@code from}, or for a start from anything but running) is a new state version, so it
     * happens between executions and live copies reload; false if the status was not what it must be.
     */
    private boolean changeStatus(String canisterId, String from, String to, int activityStatus) {
        return executor.exclusive(canisterId, true, () -> activity.changeStatus(canisterId, () -> {
            int changed = transactions.execute(tx -> from == null ? rows.start(canisterId)
                    : rows.changeStatus(canisterId, from, to));
            if (changed == 0) {
                return 0;
            }
            readmit(canisterId);
            return activityStatus;
        }));
    }

    /** What the canister printed and why its replicated executions failed, oldest first. */
    public List<LogEntry.Stored> logs(String id) {
        return logs.list(find(id).id());
    }

    /**
     * Deletes a stopped canister with its state; its id is never minted again. Decided in SQL on the canister's
     * lane, so a start or an install racing it either comes first (and the delete is refused) or finds it gone.
     */
    public void delete(String id) {
        delete(id, () -> null);
    }

    /** {@link #delete(String)}, running {@code alongside} in the transaction that deletes; returns what it gave. */
    public <T> T delete(String id, java.util.function.Supplier<T> alongside) {
        String canisterId = find(id).id();
        java.util.concurrent.atomic.AtomicReference<T> result = new java.util.concurrent.atomic.AtomicReference<>();
        int deleted = executor.exclusive(canisterId, true, () -> transactions.execute(tx -> {
            int gone = rows.deleteStopped(canisterId);
            if (gone == 1) {
                result.set(alongside.get());
            }
            return gone;
        }));
        if (deleted == 0) {
            throw new CanisterStateException(CanisterStateException.Conflict.NOT_STOPPED,
                    "canister " + canisterId + " is " + find(id).status() + "; stop it before deleting it");
        }
        readmit(canisterId);
        executor.evict(canisterId);
        activity.forget(canisterId);
        return result.get();
    }

    private CanisterStatus status(CanisterEntity canister) {
        long[] calls = stateStore.mailbox().inFlight(canister.id());
        return environment.addTo(canister.toStatus(canisters.persistedBytes(canister.id())))
                .withCalls(new CanisterStatus.Calls(calls[0], calls[1], calls[2]));
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
    public CanisterStatus loadSnapshot(String id, long snapshotId) {
        CanisterEntity canister = find(id);
        snapshot(canister, snapshotId);
        executor.exclusive(canister.id(), true, () -> snapshots.load(canister.id(), snapshotId));
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
