package com.canisterhost.module;

import com.canisterhost.state.CanisterMemory;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.Parser;
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
 * The sha256 canister of {@link MeteringBenchmark} as the service runs it: instrumented, on the service's
 * copy-on-write heap ({@link CanisterMemory}, 4 KiB pages) instead of Chicory's flat memory. After the first call
 * every page is the view's own, so this measures the page lookup on each access, not the copying. Also the
 * uninstrumented module on the same heap, for the metering overhead in that setting.
 *
 * <p>A class of its own so that its JVM never sees Chicory's memory: compiled Wasm run on two memory
 * implementations in one JVM ran up to twice as slow in some JVMs (its memory calls no longer see one type), and
 * the service only ever uses this one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(1)
public class ServiceMeteringBenchmark {

    @Param("8")
    public int rounds;

    @Param("src/test/resources/metering/sha256.wasm")
    public String module;

    private Instance instance;
    private ExportFunction run;
    private Metering metering;
    private ExportFunction plain;

    @Setup
    public void setUp() throws IOException {
        byte[] wasm = Files.readAllBytes(Path.of(module));
        ValidatedModule metered = new ModuleValidator(name -> true, ModuleProperties.Limits.ic())
                .validate(wasm, DeterminismProfile.STRICT);
        metering = metered.metering();
        instance = MeteringBenchmark.instantiate(metered.module(), limits -> CanisterMemory.fresh(limits, 32_768));
        run = instance.export("bench_run");
        plain = MeteringBenchmark.instantiate(Parser.parse(wasm), limits -> CanisterMemory.fresh(limits, 32_768))
                .export("bench_run");
    }

    @Benchmark
    public long[] serviceConfiguration() {
        return MeteringBenchmark.run(instance, metering, run, rounds);
    }

    /** The same heap without instrumentation: the engine's own speed in the service's setting. */
    @Benchmark
    public long[] serviceHeapUninstrumented() {
        return plain.apply(rounds);
    }
}
