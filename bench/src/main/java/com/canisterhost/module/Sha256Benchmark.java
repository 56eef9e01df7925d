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
 * sha256 over 1 MiB, {@code rounds} times (src/test/resources/metering/sha256.c), on Chicory's compiler, with and
 * without the install-time instrumentation, on the memory a subclass chooses. Each subclass runs in JVMs of its own:
 * compiled Wasm run on two memory implementations in one JVM ran up to twice as slow in some JVMs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(1)
public abstract class Sha256Benchmark {

    @Param("8")
    public int rounds;

    @Param("src/test/resources/metering/sha256.wasm")
    public String module;

    private Instance instrumentedInstance;
    private ExportFunction instrumented;
    private ExportFunction uninstrumented;
    private Metering metering;

    /** The memory instances run on; null for Chicory's own. */
    abstract Function<MemoryLimits, Memory> memory();

    @Setup
    public void setUp() throws IOException {
        byte[] wasm = Files.readAllBytes(Path.of(module));
        uninstrumented = instantiate(Parser.parse(wasm)).export("bench_run");
        ValidatedModule metered = new ModuleValidator(name -> true, ModuleProperties.Limits.ic())
                .validate(wasm, DeterminismProfile.STRICT);
        metering = metered.metering();
        instrumentedInstance = instantiate(metered.module());
        instrumented = instrumentedInstance.export("bench_run");
    }

    /** One metered call: a full counter, no call made yet. */
    long[] runInstrumented() {
        metering.start(instrumentedInstance, Long.MAX_VALUE, 10_000);
        return instrumented.apply(rounds);
    }

    long[] runUninstrumented() {
        return uninstrumented.apply(rounds);
    }

    /** An instance with stub imports on Chicory's compiler. */
    private Instance instantiate(WasmModule wasm) {
        List<HostFunction> stubs = new ArrayList<>();
        var imports = wasm.importSection();
        for (int i = 0; i < imports.importCount(); i++) {
            if (imports.getImport(i) instanceof FunctionImport f) {
                FunctionType type = wasm.typeSection().getType(f.typeIndex());
                long[] result = new long[type.returns().size()];
                stubs.add(new HostFunction(f.module(), f.name(), type, (instance, args) -> result));
            }
        }
        Instance.Builder builder = Instance.builder(wasm)
                .withImportValues(ImportValues.builder().withFunctions(new ArrayList<>(stubs)).build())
                .withMachineFactory(MachineFactoryCompiler.compile(wasm));
        Function<MemoryLimits, Memory> memory = memory();
        if (memory != null) {
            builder.withMemoryFactory(memory);
        }
        return builder.build();
    }
}
