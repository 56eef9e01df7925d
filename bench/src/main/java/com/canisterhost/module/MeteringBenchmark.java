package com.canisterhost.module;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of metering: sha256 over 1 MiB, {@code rounds} times (src/test/resources/metering/sha256.c), on
 * Chicory's compiler with and without the install-time instrumentation. bench/metering.sh runs this and Node's V8
 * on the same .wasm in one go and prints the ratios.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(1)
public class MeteringBenchmark {

    @Param("8")
    public int rounds;

    @Param("src/test/resources/metering/sha256.wasm")
    public String module;

    private ExportFunction instrumented;
    private ExportFunction uninstrumented;
    private Instance instrumentedInstance;
    private Metering metering;

    @Setup
    public void setUp() throws IOException {
        byte[] wasm = Files.readAllBytes(Path.of(module));
        WasmModule plain = Parser.parse(wasm);
        uninstrumented = instantiate(plain).export("bench_run");

        ValidatedModule metered = new ModuleValidator(name -> true, ModuleProperties.Limits.ic())
                .validate(wasm, DeterminismProfile.STRICT);
        metering = metered.metering();
        instrumentedInstance = instantiate(metered.module());
        instrumented = instrumentedInstance.export("bench_run");
    }

    private static Instance instantiate(WasmModule module) {
        return instantiate(module, null);
    }

    /** An instance with stub imports on Chicory's compiler, on {@code memory} (null: Chicory's own memory). */
    static Instance instantiate(WasmModule module, Function<MemoryLimits, Memory> memory) {
        List<HostFunction> stubs = new ArrayList<>();
        var imports = module.importSection();
        for (int i = 0; i < imports.importCount(); i++) {
            if (imports.getImport(i) instanceof FunctionImport f) {
                FunctionType type = module.typeSection().getType(f.typeIndex());
                long[] result = new long[type.returns().size()];
                stubs.add(new HostFunction(f.module(), f.name(), type, (instance, args) -> result));
            }
        }
        Instance.Builder builder = Instance.builder(module)
                .withImportValues(ImportValues.builder().withFunctions(new ArrayList<>(stubs)).build())
                .withMachineFactory(MachineFactoryCompiler.compile(module));
        if (memory != null) {
            builder.withMemoryFactory(memory);
        }
        return builder.build();
    }

    @Benchmark
    public long[] compiledUninstrumented() {
        return uninstrumented.apply(rounds);
    }

    @Benchmark
    public long[] compiledInstrumented() {
        return run(instrumentedInstance, metering, instrumented, rounds);
    }

    /** One metered call: a full counter, depth 0. */
    static long[] run(Instance instance, Metering metering, ExportFunction function, int rounds) {
        instance.global(metering.counterGlobal()).setValue(Long.MAX_VALUE);
        instance.global(metering.depthGlobal()).setValue(0);
        instance.global(metering.depthLimitGlobal()).setValue(10_000);
        return function.apply(rounds);
    }
}
