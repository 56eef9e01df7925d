package com.canisterhost.execution;

import com.canisterhost.module.Metering;
import com.canisterhost.module.ValidatedModule;
import com.canisterhost.state.CanisterMemory;
import com.canisterhost.state.HeapMemory;
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
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.OpCode;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One or more entry points run on one instance over a copy-on-write view of a canister's committed state (install
 * runs the start function and {@code canister_init} on the same execution). Dropping it is the rollback; its
 * changes are the pages it dirtied and the globals it changed.
 */
final class Execution {

    private static final int REF_NULL = -1; // Chicory's null reference in tables

    private final LiveCanister canister;
    private final LiveCanister.Committed base;
    private final HeapMemory memory;
    private final CanisterMemory stable;
    private byte[] certifiedData;
    private long globalTimer;
    private boolean timerChanged;
    private BigInteger cycles;
    private final Instance instance;

    /**
     * The instance a committed update leaves, over the state it committed ({@link LiveCanister#keep}), or one a
     * query left, over no state ({@code state} null) until the next query resets it. Building a Chicory instance
     * per execution was about a tenth of the service's CPU per update in a profile.
     */
    record Reusable(LiveCanister.Committed state, Instance instance, HeapMemory memory) {

        /** This instance over {@code state}, its memory set back to it (globals are set by the execution). */
        Reusable resetTo(LiveCanister.Committed state) {
            if (memory != null) {
                memory.reset(state.heap());
            }
            return new Reusable(state, instance, memory);
        }
    }

    /** Opcodes that change an instance beyond its memory and globals: such a module gets a new one each time. */
    private static final Set<OpCode> INSTANCE_STATE = EnumSet.of(OpCode.TABLE_SET, OpCode.TABLE_GROW,
            OpCode.TABLE_FILL, OpCode.TABLE_COPY, OpCode.TABLE_INIT, OpCode.ELEM_DROP, OpCode.DATA_DROP);

    Execution(LiveCanister canister, LiveCanister.Committed base) {
        this(canister, base, null, false);
    }

    Execution(LiveCanister canister, LiveCanister.Committed base, Reusable reused) {
        this(canister, base, reused, false);
    }

    /**
     * An execution over {@code base}; on {@code reused}'s instance if given, which must hold exactly {@code base}.
     * For an {@code install}, the module's data segments are written into the heap (a new one, or {@code base}'s
     * kept heap).
     */
    Execution(LiveCanister canister, LiveCanister.Committed base, Reusable reused, boolean install) {
        this.canister = canister;
        this.base = base;
        ValidatedModule module = canister.module;
        if (reused != null) {
            this.memory = reused.memory();
            this.instance = reused.instance();
        } else {
            MemoryLimits declared = declaredMemory(module);
            int heapCap = canister.runtime.limits().maxHeapPages();
            this.memory = declared == null ? null : base.heap() == null ? HeapMemory.fresh(declared, heapCap)
                    : install ? HeapMemory.keeping(base.heap(), declared, heapCap)
                    : HeapMemory.of(base.heap(), declared, heapCap);
            Instance.Builder builder = Instance.builder(module.module())
                    .withImportValues(imports())
                    .withMachineFactory(canister.runtime.machines());
            if (memory != null) {
                builder.withMemoryFactory(limits -> memory);
            }
            this.instance = builder.build();
        }
        this.stable = CanisterMemory.of(base.stable(), new MemoryLimits(0, canister.runtime.limits().maxStablePages()),
                canister.runtime.limits().maxStablePages());
        this.certifiedData = base.certifiedData();
        this.globalTimer = base.globalTimer();
        this.cycles = base.cycles();
        base.globals().forEach((index, value) -> {
            GlobalInstance global = instance.global(index);
            global.setValueLow(value[0]);
            global.setValueHigh(value[1]);
        });
    }

    /**
     * Whether the instances of {@code module} hold nothing between messages but memory and globals, so that one
     * can run the next update. Tables and dropped segments start over with every message, as on the IC.
     */
    static boolean instancesAreReusable(WasmModule module) {
        var code = module.codeSection();
        for (int i = 0; i < code.functionBodyCount(); i++) {
            for (var instruction : code.getFunctionBody(i).instructions()) {
                if (INSTANCE_STATE.contains(instruction.opcode())) {
                    return false;
                }
            }
        }
        return true;
    }

    /** This execution's instance for the next update, once {@code published} (its result) is committed. */
    Reusable reusable(LiveCanister.Committed published) {
        if (memory != null) {
            memory.rebase(published.heap());
        }
        return new Reusable(published, instance, memory);
    }

    /**
     * This query's instance for a later query, which sets it to the state of its own time ({@link Reusable#resetTo}).
     * Its memory keeps the heap it ran on, so that the next query rewrites only the pages that differ: a kept
     * instance holds up to one older committed heap's replaced pages alive until then.
     */
    Reusable reusableForQueries() {
        return new Reusable(null, instance, memory);
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
        metering.start(instance, instructionLimit, maxCallDepth);
        message.counter = instance.global(metering.counterGlobal());
        message.instructionLimit = instructionLimit;
        SystemApi systemApi = canister.runtime.systemApi();
        message.environment = systemApi.environmentOf(canister); // fixed for the execution, as on the IC
        systemApi.serve(message);
        try {
            if (entryPoint == EntryPoint.START) {
                instance.getMachine().call(canister.module.startFunction().orElseThrow(), new long[0]);
            } else if (entryPoint.callback()) {
                instance.getMachine().call(callbackFunction(message), new long[] {message.callbackEnv});
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
            } else if (metering.depthExceeded(instance)) {
                message.failure = new CanisterTrap(RejectKind.TRAPPED, "canister trapped: call stack depth exceeded "
                        + "the limit of " + maxCallDepth + " nested calls");
            }
        }
        return message;
    }

    /**
     * The function a callback names: its index in table 0, which must hold a function of type {@code [I] -> []}
     * ({@code I} the module's pointer width); anything else traps, as on the IC.
     */
    private int callbackFunction(Message message) {
        long index = message.callbackFun;
        if (instance.tableCount() == 0 || index < 0 || index >= instance.table(0).size()) {
            throw new CanisterTrap(RejectKind.CONTRACT_VIOLATION, "the callback's function index " + index
                    + " is not in the canister's table");
        }
        int function = instance.table(0).ref((int) index);
        var type = function < 0 ? null : instance.type(instance.functionType(function));
        var width = canister.module.memory64() ? com.dylibso.chicory.wasm.types.ValType.I64
                : com.dylibso.chicory.wasm.types.ValType.I32;
        if (type == null || type.params().size() != 1 || !type.params().get(0).equals(width)
                || !type.returns().isEmpty()) {
            throw new CanisterTrap(RejectKind.CONTRACT_VIOLATION, "the callback at table index " + index
                    + " is not a function of type [" + width + "] -> []");
        }
        return function;
    }

    long baseVersion() {
        return base.version();
    }

    /** Stable memory as this execution sees it (copy-on-write like the heap). */
    CanisterMemory stable() {
        return stable;
    }

    /** The heap this execution runs on; null for a module without memory. */
    HeapMemory heap() {
        return memory;
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
        return changes(replacesState, replacesStable, moduleHash, false);
    }

    /** What this execution changed; {@code keepsHeap}: an install over a kept heap writes only its dirty pages. */
    StateChange changes(boolean replacesState, boolean replacesStable, byte[] moduleHash, boolean keepsHeap) {
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
                cycles.equals(base.cycles()) ? null : cycles, keepsHeap);
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
