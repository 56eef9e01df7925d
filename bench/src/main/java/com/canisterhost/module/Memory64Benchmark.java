package com.canisterhost.module;

import com.canisterhost.state.HeapMemory;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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
 * What lowering a wasm64 module costs at run time: the same memory-heavy loop (three loads and stores per eight
 * bytes, over 64 KiB, {@code rounds} times) with 32-bit addresses (src/test/resources/memory64/twin32.wat) and with
 * 64-bit ones (twin64.wat, lowered, every access behind its saturating conversion), instrumented, on Chicory's
 * compiler and the service's heap ({@link HeapMemory}), as the service runs canisters. Each module runs in JVMs
 * of its own. Run from the repository root: {@code bench/run.sh Memory64Benchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(2)
public class Memory64Benchmark {

    @Param({"src/test/resources/memory64/twin32.wasm", "src/test/resources/memory64/twin64.wasm"})
    public String module;

    @Param("64")
    public int rounds;

    private Instance instance;
    private ExportFunction work;
    private Metering metering;

    @Setup
    public void setUp() throws IOException {
        ValidatedModule metered = new ModuleValidator(name -> true, ModuleProperties.Limits.ic())
                .validate(Files.readAllBytes(Path.of(module)), DeterminismProfile.STRICT);
        metering = metered.metering();
        instance = Instance.builder(metered.module())
                .withMachineFactory(MachineFactoryCompiler.compile(metered.module()))
                .withMemoryFactory(limits -> HeapMemory.fresh(limits, 32_768))
                .build();
        work = instance.export("work");
    }

    @Benchmark
    public long[] work() {
        metering.start(instance, Long.MAX_VALUE, 10_000);
        return work.apply(rounds);
    }
}
