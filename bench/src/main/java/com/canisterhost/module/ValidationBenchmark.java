package com.canisterhost.module;

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
 * Warm validation time of a real Motoko module (about 200 KB): everything an install does before instantiating
 * (section scan, Chicory parse and type-check, caps, imports, exports, determinism scan), against a bare Chicory
 * parse of the same bytes as the baseline. Run from the repository root: {@code bench/run.sh ValidationBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ValidationBenchmark {

    @Param({"src/test/resources/motoko/counter.wasm", "src/test/resources/motoko/big.wasm"})
    public String module;

    private byte[] wasm;
    private ModuleValidator validator;

    @Setup
    public void load() throws IOException {
        wasm = Files.readAllBytes(Path.of(module));
        // Treat every System API function as implemented, so validation runs to the end on a Motoko module.
        validator = new ModuleValidator(name -> true, ModuleProperties.Limits.ic());
    }

    @Benchmark
    public ValidatedModule validate() {
        return validator.validate(wasm, DeterminismProfile.CANONICAL_NAN);
    }

    @Benchmark
    public Object chicoryParseOnly() {
        return com.dylibso.chicory.wasm.Parser.parse(wasm);
    }
}
