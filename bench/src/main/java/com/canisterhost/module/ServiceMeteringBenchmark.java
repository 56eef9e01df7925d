package com.canisterhost.module;

import com.canisterhost.state.HeapMemory;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;

/**
 * The sha256 canister as the service runs it: on the service's copy-on-write heap ({@link HeapMemory}, 4 KiB
 * pages) instead of Chicory's flat memory. After the first call every page is the view's own, so this measures the
 * page lookup on each access, not the copying. The service only ever uses this memory.
 */
public class ServiceMeteringBenchmark extends Sha256Benchmark {

    @Override
    Function<MemoryLimits, Memory> memory() {
        return limits -> HeapMemory.fresh(limits, 32_768);
    }

    /** Instrumented, as the service runs canisters. */
    @Benchmark
    public long[] serviceConfiguration() {
        return runInstrumented();
    }

    /** The same heap without instrumentation: the engine's own speed in the service's setting. */
    @Benchmark
    public long[] serviceHeapUninstrumented() {
        return runUninstrumented();
    }
}
