package com.canisterhost.execution;

import com.canisterhost.module.Metering;
import com.canisterhost.module.ValidatedModule;
import com.canisterhost.state.CanisterMemory;
import com.canisterhost.state.StateChange;
import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.GlobalInstance;
import com.dylibso.chicory.runtime.ImportMemory;
import com.dylibso.chicory.runtime.ImportTable;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.TableInstance;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.types.MemoryImport;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.Table;
import com.dylibso.chicory.wasm.types.TableImport;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One or more entry points run on one instance over a copy-on-write view of a canister's committed state (install
 * runs the start function and {@code canister_init} on the same execution). Dropping it is the rollback; its
 * changes are the pages it dirtied and the globals it changed.
 */
final class Execution {

    private static final int REF_NULL = -1; // Chicory's null reference in tables

    private final LiveCanister canister;
    private final LiveCanister.Committed base;
    private final CanisterMemory memory;
    private final CanisterMemory stable;
    private byte[] certifiedData;
    private long globalTimer;
    private boolean timerChanged;
    private BigInteger cycles;
    private final Instance instance;

    Execution(LiveCanister canister, LiveCanister.Committed base) {
        this.canister = canister;
        this.base = base;
        ValidatedModule module = canister.module;
        MemoryLimits declared = declaredMemory(module);
        int heapCap = canister.runtime.limits().maxHeapPages();
        this.memory = declared == null ? null : base.heap() == null ? CanisterMemory.fresh(declared, heapCap)
                : CanisterMemory.of(base.heap(), declared, heapCap);
        Instance.Builder builder = Instance.builder(module.module())
                .withImportValues(imports())
                .withMachineFactory(canister.runtime.machines());
        if (memory != null) {
            builder.withMemoryFactory(limits -> memory);
        }
        this.stable = CanisterMemory.of(base.stable(), new MemoryLimits(0, canister.runtime.limits().maxStablePages()),
                canister.runtime.limits().maxStablePages());
        this.certifiedData = base.certifiedData();
        this.globalTimer = base.globalTimer();
        this.cycles = base.cycles();
        this.instance = builder.build();
        base.globals().forEach((index, value) -> {
            GlobalInstance global = instance.global(index);
            global.setValueLow(value[0]);
            global.setValueHigh(value[1]);
        });
    }

    /**
     * Runs one entry point and returns the message with its response, or with the {@link Message#failure} that
     * trapped it (after which the execution is only good for dropping).
     */
    Message run(Message message, String method, long instructionLimit) {
        EntryPoint entryPoint = message.entryPoint;
        message.execution = this;
        Metering metering = canister.module.metering();
        int maxCallDepth = canister.runtime.limits().maxCallDepth();
        message.counter = instance.global(metering.counterGlobal());
        message.counter.setValue(instructionLimit);
        message.instructionLimit = instructionLimit;
        instance.global(metering.depthGlobal()).setValue(0);
        instance.global(metering.depthLimitGlobal()).setValue(maxCallDepth);
        SystemApi systemApi = canister.runtime.systemApi();
        systemApi.serve(message);
        try {
            if (entryPoint == EntryPoint.START) {
                instance.getMachine().call(canister.module.startFunction().orElseThrow(), new long[0]);
            } else {
                instance.export(entryPoint.exportName(method)).apply();
            }
        } catch (RuntimeException | StackOverflowError failure) {
            message.failure = failure;
        } finally {
            systemApi.serve(null);
        }
        if (message.failure == null) {
            SystemFunctions.discardCall(message); // a call still under construction is never performed
        }
        long left = message.counter.getValue();
        message.instructions = left < 0 ? instructionLimit : instructionLimit - left;
        if (message.failure != null && !(message.failure instanceof CanisterTrap) && !isInterrupt(message.failure)) {
            // The instrumentation traps with `unreachable`: its globals say whether one of its limits was hit.
            if (left < 0) {
                message.failure = new CanisterTrap(RejectKind.INSTRUCTION_LIMIT, "the message exceeded its limit of "
                        + instructionLimit + " instructions");
            } else if (instance.global(metering.depthGlobal()).getValue() > maxCallDepth) {
                message.failure = new CanisterTrap(RejectKind.TRAPPED, "canister trapped: call stack depth exceeded "
                        + "the limit of " + maxCallDepth + " nested calls");
            }
        }
        return message;
    }

    long baseVersion() {
        return base.version();
    }

    /** Stable memory as this execution sees it (copy-on-write like the heap). */
    CanisterMemory stable() {
        return stable;
    }

    String canisterId() {
        return canister.id;
    }

    void certifiedData(byte[] data) {
        certifiedData = data;
    }

    BigInteger cycles() {
        return cycles;
    }

    /** Sets the cycles balance (burning, or cycles moved onto a call and back). */
    void cycles(BigInteger balance) {
        cycles = balance;
    }

    /** Sets the global timer and returns the previous one. */
    long globalTimer(long timestamp) {
        long previous = globalTimer;
        globalTimer = timestamp;
        timerChanged = true;
        return previous;
    }

    /** The dirty pages and changed globals of this execution, compared with the state it started from. */
    StateChange changes(boolean replacesState, boolean replacesStable, byte[] moduleHash) {
        Map<Integer, long[]> globals = new HashMap<>();
        for (int i = 0; i < canister.module.metering().stateGlobals(); i++) {
            GlobalInstance global = instance.global(i);
            if (global.getMutabilityType() != com.dylibso.chicory.wasm.types.MutabilityType.Var) {
                continue;
            }
            long[] value = {global.getValueLow(), global.getValueHigh()};
            if (replacesState || !Arrays.equals(value, base.globals().get(i))) {
                globals.put(i, value);
            }
        }
        return new StateChange(memory == null ? 0 : memory.pages(),
                memory == null ? Map.of() : memory.dirtyPages(), globals, replacesState, moduleHash,
                moduleHash == null ? null : canister.module.profile().label(), stable.pages(), stable.dirtyPages(),
                replacesStable, certifiedData,
                timerChanged || replacesState ? globalTimer : null,
                cycles.equals(base.cycles()) ? null : cycles);
    }

    /** This execution's state, to publish as the canister's committed state once it is durable. */
    LiveCanister.Committed result(StateChange change, long newVersion) {
        Map<Integer, long[]> globals = change.replacesState() ? new HashMap<>() : new HashMap<>(base.globals());
        globals.putAll(change.globals());
        return new LiveCanister.Committed(memory == null ? com.canisterhost.state.CommittedHeap.empty()
                : memory.toCommitted(), globals, newVersion, stable.toCommitted(), certifiedData, globalTimer, cycles);
    }

    /** Whether a failure is the wall-clock backstop's interrupt rather than the canister's own trap. */
    static boolean isInterrupt(Throwable failure) {
        return failure instanceof ChicoryInterruptedException
                || (failure instanceof ChicoryException && failure.getCause() instanceof InterruptedException);
    }

    private static MemoryLimits declaredMemory(ValidatedModule module) {
        var defined = module.module().memorySection().filter(m -> m.memoryCount() > 0);
        if (defined.isPresent()) {
            return defined.get().getMemory(0).limits();
        }
        var imports = module.module().importSection();
        for (int i = 0; i < imports.importCount(); i++) {
            if (imports.getImport(i) instanceof MemoryImport m) {
                return m.limits();
            }
        }
        return null;
    }

    /** The System API bound to this execution, plus env.memory and env.table if the module imports them. */
    private ImportValues imports() {
        var declared = canister.module.module().importSection();
        ImportValues.Builder builder = ImportValues.builder()
                .addFunction(canister.hostFunctions);
        for (int i = 0; i < declared.importCount(); i++) {
            if (declared.getImport(i) instanceof MemoryImport) {
                builder.addMemory(new ImportMemory("env", "memory", memory));
            } else if (declared.getImport(i) instanceof TableImport table) {
                builder.addTable(new ImportTable("env", "table",
                        new TableInstance(new Table(table.entryType(), table.limits()), REF_NULL)));
            }
        }
        return builder.build();
    }
}
