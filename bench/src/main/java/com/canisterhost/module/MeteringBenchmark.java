package com.canisterhost.module;

import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;

/**
 * The cost of metering on Chicory's own flat memory. bench/metering.sh runs this, {@link ServiceMeteringBenchmark}
 * and Node's V8 on the same .wasm in one go and prints the ratios.
 */
public class MeteringBenchmark extends Sha256Benchmark {

    @Override
    Function<MemoryLimits, Memory> memory() {
        return null;
    }

    @Benchmark
    public long[] compiledUninstrumented() {
        return runUninstrumented();
    }

    @Benchmark
    public long[] compiledInstrumented() {
        return runInstrumented();
    }
}
