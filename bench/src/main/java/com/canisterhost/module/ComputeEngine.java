package com.canisterhost.module;

import com.canisterhost.state.CanisterMemory;
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
 * heap ({@code heap}, {@link CanisterMemory} as in {@link ServiceMeteringBenchmark}). {@code canister_init} runs once
 * (metered) before the queries, as at install.
 *
 * <p>A plain warm timing loop (not JMH): per method, {@code warmup} calls, then {@code runs} timed ones; printed
 * per method as {@code engine=<memory> method=M median_ms=.. mean_ms=.. min_ms=.. instructions=N reply=<hex>}.
 * {@code ComputeBenchmark} runs this in JVMs of its own, one per memory: compiled Wasm run on two memory
 * implementations in one JVM ran up to twice as slow (see {@link Sha256Benchmark}).
 *
 * <p>Usage: {@code java -cp ... com.canisterhost.module.ComputeEngine flat|heap [warmup] [runs] [methods]
 * [wasm]}
 */
public final class ComputeEngine {

    private static final long QUERY_LIMIT = 5_000_000_000L; // the service's default per query
    private static final long INSTALL_LIMIT = 20_000_000_000L;
    private static final int MAX_CALL_DEPTH = 10_000;

    private final Instance instance;
    private final Metering metering;
    private final ByteArrayOutputStream reply = new ByteArrayOutputStream();

    ComputeEngine(byte[] wasm, Function<MemoryLimits, Memory> memory) {
        ValidatedModule metered = new ModuleValidator(name -> true, ModuleProperties.Limits.ic())
                .validate(wasm, DeterminismProfile.STRICT);
        metering = metered.metering();
        var module = metered.module();
        List<HostFunction> functions = new ArrayList<>();
        var imports = module.importSection();
        for (int i = 0; i < imports.importCount(); i++) {
            if (imports.getImport(i) instanceof FunctionImport f) {
                FunctionType type = module.typeSection().getType(f.typeIndex());
                functions.add(new HostFunction(f.module(), f.name(), type, host(f.name(), type)));
            }
        }
        Instance.Builder builder = Instance.builder(module)
                .withImportValues(ImportValues.builder().withFunctions(new ArrayList<>(functions)).build())
                .withMachineFactory(MachineFactoryCompiler.compile(module));
        if (memory != null) {
            builder.withMemoryFactory(memory);
        }
        instance = builder.build();
        metering.start(instance, INSTALL_LIMIT, MAX_CALL_DEPTH);
        instance.export("canister_init").apply();
    }

    /** The stub: empty argument, reply recorded, traps thrown. */
    private com.dylibso.chicory.runtime.WasmFunctionHandle host(String name, FunctionType type) {
        long[] none = new long[type.returns().size()];
        return switch (name) {
            case "msg_arg_data_size" -> (inst, args) -> new long[] {0};
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

    /** One metered query: its reply, and the instructions it used in {@code instructions[0]}. */
    byte[] query(String method, long[] instructions) {
        reply.reset();
        ExportFunction export = instance.export("canister_query " + method);
        metering.start(instance, QUERY_LIMIT, MAX_CALL_DEPTH);
        export.apply();
        instructions[0] = QUERY_LIMIT - instance.global(metering.counterGlobal()).getValue();
        return reply.toByteArray();
    }

    public static void main(String[] args) throws Exception {
        String engine = args.length > 0 ? args[0] : "flat";
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        int runs = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        String[] methods = (args.length > 3 ? args[3] : "bytes,words,bulk,chase").split(",");
        Path wasm = Path.of(args.length > 4 ? args[4] : "src/test/resources/compute/compute.wasm");
        Function<MemoryLimits, Memory> memory = switch (engine) {
            case "flat" -> null;
            case "heap" -> limits -> CanisterMemory.fresh(limits, 32_768);
            default -> throw new IllegalArgumentException("engine: flat or heap, not " + engine);
        };
        byte[] bytes = Files.readAllBytes(wasm);
        for (String method : methods) {
            // one instance per method (as V8 gets), so one method's heap writes do not carry over
            ComputeEngine canister = new ComputeEngine(bytes, memory);
            long[] instructions = new long[1];
            byte[] first = null;
            for (int i = 0; i < warmup; i++) {
                byte[] r = canister.query(method, instructions);
                first = check(method, first, r);
            }
            double[] ms = new double[runs];
            for (int i = 0; i < runs; i++) {
                long start = System.nanoTime();
                byte[] r = canister.query(method, instructions);
                ms[i] = (System.nanoTime() - start) / 1e6;
                first = check(method, first, r);
            }
            System.out.println(summary("engine=" + engine, method, ms, instructions[0], first));
        }
    }

    private static byte[] check(String method, byte[] first, byte[] reply) {
        if (first != null && !Arrays.equals(first, reply)) {
            throw new IllegalStateException(method + ": reply changed between calls");
        }
        return reply;
    }

    /** The summary line ComputeBenchmark parses. */
    public static String summary(String engine, String method, double[] ms, long instructions, byte[] reply) {
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        double mean = Arrays.stream(ms).average().orElse(Double.NaN);
        return String.format(Locale.ROOT, "%s method=%s runs=%d median_ms=%.3f mean_ms=%.3f min_ms=%.3f "
                + "instructions=%d reply=%s", engine, method, n, median, mean, sorted[0], instructions,
                HexFormat.of().formatHex(reply));
    }
}
