package com.canisterhost.module;

import com.canisterhost.state.HeapMemory;
import com.canisterhost.state.CommittedHeap;
import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The compute corpus canister (src/test/resources/compute/compute.wasm) in-process, without the service: the
 * module instrumented exactly as the service installs it (strict profile, {@link ModuleValidator} with the IC
 * limits, like {@link Sha256Benchmark}), on Chicory's compiler, with stub ic0 imports that hand over an empty
 * argument and record the reply, on either Chicory's own flat memory ({@code flat}) or the service's copy-on-write
 * heap ({@code heap}, {@link HeapMemory} as in {@link ServiceMeteringBenchmark}). {@code canister_init} runs once
 * (metered) before the queries, as at install.
 *
 * <p>A plain warm timing loop (not JMH): per method, {@code warmup} calls, then {@code runs} timed ones; printed
 * per method as {@code engine=<memory> method=M median_ms=.. mean_ms=.. min_ms=.. instructions=N reply=<hex>}.
 * {@code ComputeBenchmark} runs this in JVMs of its own, one per memory: compiled Wasm run on two memory
 * implementations in one JVM ran up to twice as slow (see {@link Sha256Benchmark}).
 *
 * <p>Usage: {@code java -cp ... com.canisterhost.module.ComputeEngine flat|heap [warmup] [runs] [methods]
 * [wasm] [argument as hex, or -] [profile]}
 */
public final class ComputeEngine {

    private static final long QUERY_LIMIT = 5_000_000_000L; // the service's default per query
    private static final long INSTALL_LIMIT = 20_000_000_000L;
    private static final int MAX_CALL_DEPTH = 10_000;

    private final ValidatedModule metered;
    private final Metering metering;
    private final ImportValues imports;
    private final Function<Instance, com.dylibso.chicory.runtime.Machine> machines;
    private final boolean heap;
    private final ByteArrayOutputStream reply = new ByteArrayOutputStream();
    private final byte[] argument;
    /* The state canister_init left, which every query starts from (as on the service, where a query never keeps
     * anything): the globals, and the heap as a committed HeapMemory snapshot or as flat bytes. */
    private final long[][] initGlobals;
    private final CommittedHeap initHeap;
    private final byte[] initBytes;
    private Instance instance;
    private HeapMemory heapMemory;

    /**
     * The module instrumented as the service installs it under {@code profile}, instantiated on {@code flat}
     * memory (Chicory's ByteArrayMemory) or the service's copy-on-write {@code heap}, and installed: its start
     * function and {@code canister_init} run (metered).
     */
    public ComputeEngine(byte[] wasm, String memory, byte[] argument, DeterminismProfile profile) {
        this.argument = argument;
        this.heap = switch (memory) {
            case "flat" -> false;
            case "heap" -> true;
            default -> throw new IllegalArgumentException("memory: flat or heap, not " + memory);
        };
        metered = new ModuleValidator(name -> true, ModuleProperties.Limits.ic()).validate(wasm, profile);
        metering = metered.metering();
        var module = metered.module();
        List<HostFunction> functions = new ArrayList<>();
        var moduleImports = module.importSection();
        for (int i = 0; i < moduleImports.importCount(); i++) {
            if (moduleImports.getImport(i) instanceof FunctionImport f) {
                FunctionType type = module.typeSection().getType(f.typeIndex());
                functions.add(new HostFunction(f.module(), f.name(), type, host(f.name(), type)));
            }
        }
        imports = ImportValues.builder().withFunctions(new ArrayList<>(functions)).build();
        machines = MachineFactoryCompiler.compile(module);
        Instance.Builder builder = Instance.builder(module).withImportValues(imports).withMachineFactory(machines);
        if (heap) {
            builder.withMemoryFactory(limits -> heapMemory = HeapMemory.fresh(limits, 32_768));
        }
        instance = builder.build();
        metering.start(instance, INSTALL_LIMIT, MAX_CALL_DEPTH);
        // as at install: the module's start function (the validator took it out of the module), then canister_init
        metered.startFunction().ifPresent(start -> instance.getMachine().call(start, new long[0]));
        instance.export("canister_init").apply();
        int globals = module.globalSection().globalCount();
        initGlobals = new long[globals][];
        for (int i = 0; i < globals; i++) {
            initGlobals[i] = new long[] {instance.global(i).getValueLow(), instance.global(i).getValueHigh()};
        }
        if (heap) {
            initHeap = heapMemory.toCommitted();
            heapMemory.rebase(initHeap);
            initBytes = null;
        } else {
            initHeap = null;
            initBytes = instance.memory().readBytes(0, instance.memory().pages() * Memory.PAGE_SIZE);
        }
    }

    /**
     * Sets the canister back to the state {@code canister_init} left (not timed): the heap memory resets its view,
     * as the service's query instances do; flat memory cannot shrink after a query grew it, so it gets a new
     * instance over a copy of the bytes.
     */
    public void prepare() {
        if (heap) {
            heapMemory.reset(initHeap);
        } else {
            int pages = initBytes.length / Memory.PAGE_SIZE;
            instance = Instance.builder(metered.module()).withImportValues(imports).withMachineFactory(machines)
                    .withMemoryFactory(limits -> new ByteArrayMemory(new MemoryLimits(pages, limits.maximumPages())))
                    .build();
            instance.memory().write(0, initBytes);
        }
        for (int i = 0; i < initGlobals.length; i++) {
            instance.global(i).setValueLow(initGlobals[i][0]);
            instance.global(i).setValueHigh(initGlobals[i][1]);
        }
    }

    /** The stub: the fixed argument, reply recorded, traps thrown; every other function answers zeros. */
    private com.dylibso.chicory.runtime.WasmFunctionHandle host(String name, FunctionType type) {
        long[] none = new long[type.returns().size()];
        return switch (name) {
            case "msg_arg_data_size" -> (inst, args) -> new long[] {argument.length};
            case "msg_arg_data_copy" -> (inst, args) -> {
                inst.memory().write((int) args[0], argument, (int) args[1], (int) args[2]);
                return null;
            };
            case "msg_reply_data_append" -> (inst, args) -> {
                reply.writeBytes(inst.memory().readBytes((int) args[0], (int) args[1]));
                return null;
            };
            case "trap" -> (inst, args) -> {
                throw new IllegalStateException("trap: " + new String(
                        inst.memory().readBytes((int) args[0], (int) args[1]), StandardCharsets.UTF_8));
            };
            default -> (inst, args) -> none.length == 0 ? null : none;
        };
    }

    /** One metered query ({@link #prepare} first): its reply, and the instructions it used in {@code instructions[0]}. */
    public byte[] query(String method, long[] instructions) {
        reply.reset();
        ExportFunction export = instance.export("canister_query " + method);
        metering.start(instance, QUERY_LIMIT, MAX_CALL_DEPTH);
        export.apply();
        instructions[0] = QUERY_LIMIT - instance.global(metering.counterGlobal()).getValue();
        return reply.toByteArray();
    }

    public static void main(String[] args) throws Exception {
        String engine = args.length > 0 ? args[0] : "flat";
        if (engine.equals("lower")) {
            lowerForV8(Path.of(args[1]), Path.of(args[2]));
            return;
        }
        if (engine.equals("instrumented")) { // the module as the service runs it, for bench/graalwasm.sh
            Files.write(Path.of(args[2]), new ModuleValidator(name -> true, ModuleProperties.Limits.ic())
                    .validate(Files.readAllBytes(Path.of(args[1])), DeterminismProfile.STRICT).instrumented());
            return;
        }
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        String[] methods = (args.length > 3 ? args[3] : "bytes,words,bulk,chase").split(",");
        Path wasm = Path.of(args.length > 4 ? args[4] : "src/test/resources/compute/compute.wasm");
        byte[] argument = HexFormat.of().parseHex(args.length > 5 && !args[5].equals("-") ? args[5] : "");
        DeterminismProfile profile = DeterminismProfile.parse(args.length > 6 ? args[6] : "strict");
        byte[] bytes = Files.readAllBytes(wasm);
        for (String method : methods) {
            // one instance per method (as V8 gets), so one method's JIT profile does not carry over to the next
            ComputeEngine canister = new ComputeEngine(bytes, engine, argument, profile);
            long[] instructions = new long[1];
            byte[] first = null;
            for (int i = 0; i < warmup; i++) {
                canister.prepare();
                first = check(method, first, canister.query(method, instructions));
            }
            double[] ms = new double[runs];
            for (int i = 0; i < runs; i++) {
                canister.prepare();
                long start = System.nanoTime();
                byte[] r = canister.query(method, instructions);
                ms[i] = (System.nanoTime() - start) / 1e6;
                first = check(method, first, r);
            }
            System.out.println(summary("engine=" + engine, method, ms, instructions[0], first));
        }
    }

    /**
     * The module as V8 can run it: a wasm64 module lowered to 32-bit addresses by the host's own lowering (not
     * instrumented; Node 20 runs neither memory64 nor table64), written to {@code out}, with the result type of
     * every imported function in {@code out}.imports for bench/v8/compute.mjs's stubs. A wasm32 module is copied.
     */
    public static void lowerForV8(Path in, Path out) throws java.io.IOException {
        byte[] lowered = Memory64Lowering.lower(SectionMap.scan(Files.readAllBytes(in)), ModuleProperties.Limits.ic())
                .bytes();
        Files.write(out, lowered);
        var module = com.dylibso.chicory.wasm.Parser.parse(lowered);
        StringBuilder types = new StringBuilder();
        var moduleImports = module.importSection();
        for (int i = 0; i < moduleImports.importCount(); i++) {
            if (moduleImports.getImport(i) instanceof FunctionImport f) {
                var returns = module.typeSection().getType(f.typeIndex()).returns();
                types.append(f.name()).append(' ').append(returns.isEmpty() ? "-"
                        : returns.get(0).toString().toLowerCase(Locale.ROOT)).append('\n');
            }
        }
        Files.writeString(Path.of(out + ".imports"), types);
    }

    private static byte[] check(String method, byte[] first, byte[] reply) {
        if (first != null && !Arrays.equals(first, reply)) {
            throw new IllegalStateException(method + ": reply changed between calls");
        }
        return reply;
    }

    /** The summary line ComputeBenchmark parses (with every sample, so that it can pool forks). */
    public static String summary(String engine, String method, double[] ms, long instructions, byte[] reply) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        double mean = Arrays.stream(ms).average().orElse(Double.NaN);
        StringBuilder samples = new StringBuilder();
        for (double t : ms) {
            samples.append(samples.isEmpty() ? "" : ",").append(String.format(Locale.ROOT, "%.3f", t));
        }
        return String.format(Locale.ROOT, "%s method=%s runs=%d median_ms=%.3f mean_ms=%.3f min_ms=%.3f "
                + "instructions=%d reply=%s samples=%s", engine, method, n, median, mean, sorted[0], instructions,
                HexFormat.of().formatHex(reply), samples);
    }
}
