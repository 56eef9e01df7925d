package com.canisterhost.execution;

import com.canisterhost.module.Metering;
import com.canisterhost.module.ValidatedModule;
import com.canisterhost.state.CommittedState;
import com.canisterhost.state.StateChange;
import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.GlobalInstance;
import com.dylibso.chicory.runtime.ImportMemory;
import com.dylibso.chicory.runtime.ImportTable;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.TableInstance;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.Global;
import com.dylibso.chicory.wasm.types.MemoryImport;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.Table;
import com.dylibso.chicory.wasm.types.TableImport;
import com.dylibso.chicory.wasm.types.MutabilityType;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A canister held in memory: a Chicory instance whose heap and mutable globals equal the last committed state between
 * executions, plus a copy of that committed state to diff against (what to persist) and to restore from (rollback).
 *
 * <p>Diffing and restoring walk the whole heap; page-granular dirty tracking replaces this later (see the README).
 * Only the worker holding the canister's lock (see {@link Executor}) touches a live canister.
 */
final class LiveCanister {

    private static final int PAGE_SIZE = Memory.PAGE_SIZE;
    private static final int REF_NULL = -1; // Chicory's null reference in tables

    final String id;
    final ValidatedModule module;
    private final ImportValues imports;
    private Instance instance;
    private byte[][] committedPages;
    private Map<Integer, long[]> committedGlobals;
    private long version;
    private Message current;

    private final Function<Instance, Machine> machines;
    private final ExecutionProperties limits;

    private LiveCanister(String id, ValidatedModule module, Runtime runtime) {
        this.id = id;
        this.module = module;
        this.imports = runtime.systemApi().imports(() -> current);
        this.machines = runtime.machines();
        this.limits = runtime.limits();
    }

    /** What a live canister runs with: the System API, the module's machine factory, the execution limits. */
    record Runtime(SystemApi systemApi, Function<Instance, Machine> machines, ExecutionProperties limits) {}

    /** A fresh instance of {@code module} (data segments applied, start function not yet run). */
    static LiveCanister fresh(String id, ValidatedModule module, Runtime runtime, long version) {
        LiveCanister canister = new LiveCanister(id, module, runtime);
        canister.instance = canister.newInstance();
        canister.committedPages = new byte[0][];
        canister.committedGlobals = Map.of();
        canister.version = version;
        return canister;
    }

    /** The canister as last committed. */
    static LiveCanister restore(String id, ValidatedModule module, Runtime runtime, CommittedState state) {
        LiveCanister canister = new LiveCanister(id, module, runtime);
        canister.committedPages = new byte[state.heapPages()][];
        state.pages().forEach((index, data) -> canister.committedPages[index] = data);
        canister.committedGlobals = new HashMap<>(state.globals());
        canister.version = state.version();
        canister.rebuild();
        return canister;
    }

    long version() {
        return version;
    }

    /**
     * Runs one entry point and returns the message with its response, or with the {@link Message#failure} that
     * trapped it; a trapped execution leaves the instance dirty (call {@link #rollback()}).
     */
    Message run(EntryPoint entryPoint, String method, byte[] arg, byte[] caller, long timeNanos,
            long instructionLimit) {
        Message message = new Message(id, entryPoint, arg, caller, timeNanos);
        Metering metering = module.metering();
        message.counter = instance.global(metering.counterGlobal());
        message.counter.setValue(instructionLimit);
        message.instructionLimit = instructionLimit;
        instance.global(metering.depthGlobal()).setValue(0);
        instance.global(metering.depthLimitGlobal()).setValue(limits.maxCallDepth());
        current = message;
        try {
            if (entryPoint == EntryPoint.START) {
                instance.getMachine().call(module.startFunction().orElseThrow(), new long[0]);
            } else {
                ExportFunction function = instance.export(entryPoint.exportName(method));
                function.apply();
            }
        } catch (RuntimeException | StackOverflowError failure) {
            message.failure = failure;
        } finally {
            current = null;
        }
        long left = message.counter.getValue();
        message.instructions = left < 0 ? instructionLimit : instructionLimit - left;
        if (message.failure != null && !(message.failure instanceof CanisterTrap)) {
            // The instrumentation traps with `unreachable`: the globals say whether it was one of its limits.
            if (left < 0) {
                message.failure = new CanisterTrap(RejectKind.INSTRUCTION_LIMIT, "the message exceeded its limit of "
                        + instructionLimit + " instructions");
            } else if (instance.global(metering.depthGlobal()).getValue() > limits.maxCallDepth()) {
                message.failure = new CanisterTrap(RejectKind.TRAPPED, "canister trapped: call stack depth exceeded "
                        + "the limit of " + limits.maxCallDepth() + " nested calls");
            }
        }
        return message;
    }

    /** What the executions since the last commit changed, compared with the committed state. */
    StateChange changes(boolean replacesState, byte[] moduleHash) {
        Memory memory = instance.memory();
        int pages = memory == null ? 0 : memory.pages();
        Map<Integer, byte[]> dirty = new HashMap<>();
        for (int i = 0; i < pages; i++) {
            byte[] now = memory.readBytes(i * PAGE_SIZE, PAGE_SIZE);
            byte[] before = i < committedPages.length ? committedPages[i] : null;
            boolean changed = before == null ? !isZero(now) : !Arrays.equals(before, now);
            if (changed || (replacesState && !isZero(now))) {
                dirty.put(i, now);
            }
        }
        Map<Integer, long[]> globals = new HashMap<>();
        Global[] declared = module.module().globalSection().globals();
        for (int i = 0; i < module.metering().stateGlobals(); i++) {
            if (declared[i].mutabilityType() == MutabilityType.Var) {
                GlobalInstance global = instance.global(i);
                long[] value = {global.getValueLow(), global.getValueHigh()};
                if (replacesState || !Arrays.equals(value, committedGlobals.get(i))) {
                    globals.put(i, value);
                }
            }
        }
        return new StateChange(pages, dirty, globals, replacesState, moduleHash,
                moduleHash == null ? null : module.profile().label());
    }

    /** The changes were committed as {@code newVersion}: they become the state to diff against and restore. */
    void committed(StateChange change, long newVersion) {
        byte[][] pages = change.replacesState() ? new byte[change.heapPages()][]
                : Arrays.copyOf(committedPages, change.heapPages());
        change.dirtyPages().forEach((index, data) -> pages[index] = isZero(data) ? null : data);
        committedPages = pages;
        Map<Integer, long[]> globals = change.replacesState() ? new HashMap<>() : new HashMap<>(committedGlobals);
        globals.putAll(change.globals());
        committedGlobals = globals;
        version = newVersion;
    }

    /** Puts heap and globals back to the committed state. */
    void rollback() {
        Memory memory = instance.memory();
        if (memory != null && memory.pages() != committedPages.length) {
            rebuild(); // the heap grew: a fresh instance is the only way to shrink it
            return;
        }
        StateChange dirty = changes(false, null);
        dirty.dirtyPages().keySet().forEach(index -> writePage(memory, index));
        restoreGlobals();
    }

    private void rebuild() {
        instance = newInstance();
        Memory memory = instance.memory();
        if (memory != null) {
            int missing = committedPages.length - memory.pages();
            if (missing > 0 && memory.grow(missing) < 0) {
                throw new IllegalStateException("cannot restore a heap of " + committedPages.length + " pages");
            }
            for (int i = 0; i < committedPages.length; i++) {
                writePage(memory, i);
            }
        }
        restoreGlobals();
    }

    private void writePage(Memory memory, int index) {
        byte[] data = committedPages[index];
        if (data == null) {
            memory.fill((byte) 0, index * PAGE_SIZE, (index + 1) * PAGE_SIZE);
        } else {
            memory.write(index * PAGE_SIZE, data);
        }
    }

    private void restoreGlobals() {
        committedGlobals.forEach((index, value) -> {
            GlobalInstance global = instance.global(index);
            global.setValueLow(value[0]);
            global.setValueHigh(value[1]);
        });
    }

    private Instance newInstance() {
        Instance.Builder builder = Instance.builder(module.module())
                .withImportValues(withImportedMemoryAndTable())
                .withMachineFactory(machines);
        module.module().memorySection().filter(m -> m.memoryCount() > 0)
                .ifPresent(m -> builder.withMemoryLimits(capped(m.getMemory(0).limits())));
        return builder.build();
    }

    /** The module's memory limits with the maximum lowered to the host's heap cap: growing past it returns -1. */
    private MemoryLimits capped(MemoryLimits declared) {
        return new MemoryLimits(declared.initialPages(), Math.min(declared.maximumPages(), limits.maxHeapPages()));
    }

    /** A module may import its memory as env.memory and its table as env.table: each instance gets fresh ones. */
    private ImportValues withImportedMemoryAndTable() {
        var declared = module.module().importSection();
        if (declared.count(ExternalType.MEMORY) == 0 && declared.count(ExternalType.TABLE) == 0) {
            return imports;
        }
        ImportValues.Builder builder = ImportValues.builder().withFunctions(java.util.List.of(imports.functions()));
        for (int i = 0; i < declared.importCount(); i++) {
            if (declared.getImport(i) instanceof MemoryImport memory) {
                builder.addMemory(new ImportMemory("env", "memory", new ByteArrayMemory(capped(memory.limits()))));
            } else if (declared.getImport(i) instanceof TableImport table) {
                builder.addTable(new ImportTable("env", "table",
                        new TableInstance(new Table(table.entryType(), table.limits()), REF_NULL)));
            }
        }
        return builder.build();
    }

    private static boolean isZero(byte[] page) {
        for (byte b : page) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether a failure is the watchdog's interrupt rather than the canister's own trap. */
    static boolean isInterrupt(Throwable failure) {
        return failure instanceof ChicoryInterruptedException
                || (failure instanceof ChicoryException && failure.getCause() instanceof InterruptedException);
    }
}
