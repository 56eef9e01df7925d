package com.canisterhost.execution;

import com.canisterhost.module.ValidatedModule;
import com.canisterhost.state.CommittedHeap;
import com.canisterhost.state.CommittedState;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import java.math.BigInteger;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A canister held in memory: its module and its last committed state (heap, mutable globals, version), published
 * as one immutable snapshot. Every execution gets its own instance over a copy-on-write view of that snapshot
 * ({@link Execution}), so queries run concurrently with each other and with an update, and see only committed
 * state; rolling back is dropping the execution, committing publishes its heap as the next snapshot.
 */
final class LiveCanister {

    /** The committed state executions start from. */
    record Committed(CommittedHeap heap, Map<Integer, long[]> globals, long version, CommittedHeap stable,
            byte[] certifiedData, long globalTimer, BigInteger cycles) {}

    /** What a live canister runs with: the System API, the module's machine factory, the execution limits. */
    record Runtime(SystemApi systemApi, Function<Instance, Machine> machines, ExecutionProperties limits) {}

    final String id;
    final ValidatedModule module;
    final Runtime runtime;
    /** The System API functions the module imports, in import order, for every instance of it. */
    final com.dylibso.chicory.runtime.HostFunction[] hostFunctions;
    /** Whether the module imports an {@code env_var_*} function: only then do its executions look its variables up. */
    final boolean readsEnvironment;
    private volatile Committed committed;
    /** Whether a committed update's instance may run the next update ({@link Execution#instancesAreReusable}). */
    private final boolean reusesInstances;
    /** The instance the last committed update left, if no update has taken it since. */
    private final java.util.concurrent.atomic.AtomicReference<Execution.Reusable> spare =
            new java.util.concurrent.atomic.AtomicReference<>();
    private final java.util.concurrent.atomic.AtomicLong lastTime;
    /** Instances that ran a query to its end, for the next queries: at most {@link #QUERY_SPARES}. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Execution.Reusable> querySpares =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicInteger querySpareCount =
            new java.util.concurrent.atomic.AtomicInteger();
    private static final int QUERY_SPARES = 4;

    private LiveCanister(String id, ValidatedModule module, Runtime runtime, Committed committed, long lastTime) {
        this.lastTime = new java.util.concurrent.atomic.AtomicLong(lastTime);
        this.id = id;
        this.module = module;
        this.runtime = runtime;
        this.hostFunctions = runtime.systemApi().functionsFor(module.module(), module.memory64());
        this.readsEnvironment = java.util.Arrays.stream(hostFunctions).anyMatch(f -> f.name().startsWith("env_var_"));
        this.committed = committed;
        this.reusesInstances = Execution.instancesAreReusable(module.module());
    }

    /**
     * A canister about to get {@code module} freshly installed on top of state version {@code version}, keeping
     * {@code stable} memory (an upgrade) or starting with none, and keeping {@code keptHeap} (an upgrade that keeps
     * the Wasm memory) or, if null, starting with the module's initial heap.
     */
    static LiveCanister fresh(String id, ValidatedModule module, Runtime runtime, long version, CommittedHeap stable,
            long lastTime, BigInteger cycles, CommittedHeap keptHeap) {
        return new LiveCanister(id, module, runtime, new Committed(keptHeap, Map.of(), version, stable, new byte[0], 0,
                cycles), lastTime);
    }

    /** The canister as last committed in PostgreSQL. */
    static LiveCanister restore(String id, ValidatedModule module, Runtime runtime, CommittedState state) {
        return new LiveCanister(id, module, runtime, new Committed(CommittedHeap.of(state.heapPages(),
                state.pages()), new HashMap<>(state.globals()), state.version(),
                CommittedHeap.of(state.stablePages(), state.stable()), state.certifiedData(), state.globalTimer(),
                state.cycles()),
                state.lastTime());
    }

    /** The time for the next message: the wall clock, but always after every time this canister saw before. */
    long nextTime() {
        long now = System.currentTimeMillis() * 1_000_000L;
        return lastTime.updateAndGet(last -> Math.max(last + 1, now));
    }

    long lastTime() {
        return lastTime.get();
    }

    Committed committed() {
        return committed;
    }

    long version() {
        return committed.version();
    }

    /** Bytes of heap this canister holds in memory: its committed pages, and the heaps of its kept instances. */
    long residentBytes() {
        Committed now = committed;
        long bytes = (now.heap() == null ? 0 : now.heap().residentBytes()) + now.stable().residentBytes();
        Execution.Reusable update = spare.get();
        if (update != null && update.memory() != null) {
            bytes += update.memory().residentBytes();
        }
        for (Execution.Reusable query : querySpares) {
            bytes += query.memory() == null ? 0 : query.memory().residentBytes();
        }
        return bytes;
    }

    /** An execution over the committed state (or, for a fresh install, over the module's initial state). */
    Execution begin() {
        return new Execution(this, committed);
    }

    /**
     * The execution of a fresh install ({@link #fresh}): the module's data segments are written into its heap, a
     * new one or the kept one.
     */
    Execution beginInstall() {
        return new Execution(this, committed, null, true);
    }

    /**
     * An execution for the update lane (one at a time per canister): on the instance the last committed update
     * left, if that update's state is still the committed one, else on a new instance.
     */
    Execution beginUpdate() {
        Committed now = committed;
        Execution.Reusable reused = spare.getAndSet(null);
        return new Execution(this, now, reused != null && reused.state() == now ? reused : null);
    }

    /**
     * An execution for a query over the committed state: on an instance an earlier query of this canister left,
     * with its memory and globals set back to the committed state, else on a new instance.
     */
    Execution beginQuery() {
        Committed now = committed;
        Execution.Reusable spare = querySpares.poll(); // always empty unless reusesInstances
        if (spare == null) {
            return new Execution(this, now);
        }
        querySpareCount.decrementAndGet();
        return new Execution(this, now, spare.resetTo(now));
    }

    /** Keeps the instance of a query that ran to its end (trapped ones are dropped) for the next query. */
    void keepForQueries(Execution query) {
        if (!reusesInstances) {
            return;
        }
        if (querySpareCount.incrementAndGet() > QUERY_SPARES) {
            querySpareCount.decrementAndGet(); // enough kept already
            return;
        }
        querySpares.add(query.reusableForQueries());
    }

    /** Keeps a committed execution's instance for the next update; {@code published} is its committed result. */
    void keep(Execution execution, Committed published) {
        if (reusesInstances) {
            spare.set(execution.reusable(published));
        }
    }

    /** Makes an execution's result the committed state; called once it is durable in PostgreSQL. */
    void publish(Committed next) {
        committed = next;
    }
}
