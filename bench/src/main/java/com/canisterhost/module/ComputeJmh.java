package com.canisterhost.module;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * JMH over {@link ComputeEngine}: one query of a compute corpus canister on Chicory's flat memory or the
 * service's heap, in JMH's own forked JVMs, sampled (the median is what bench/compute.sh compares). Each call
 * starts from the state {@code canister_init} left ({@link ComputeEngine#prepare}, not timed).
 *
 * <p>{@link #main} runs it for {@code memory} ({@code flat} or {@code heap}) and a list of {@code wasm:method}
 * items and prints, per item, the summary line ComputeBenchmark parses ({@link ComputeEngine#summary}), with the
 * instruction count and the reply of one unmeasured call. Usage: {@code ComputeJmh memory forks warmups
 * iterations seconds item...}, an item being {@code path/to/module.wasm:method:argumentHex|-:profile}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class ComputeJmh {

    @Param("flat")
    public String memory;

    @Param("src/test/resources/compute/compute.wasm")
    public String wasm;

    @Param("bytes")
    public String method;

    @Param("-")
    public String argument;

    @Param("strict")
    public String profile;

    private ComputeEngine engine;
    private final long[] instructions = new long[1];

    @Setup(Level.Trial)
    public void install() throws Exception {
        engine = new ComputeEngine(Files.readAllBytes(Path.of(wasm)), memory, hex(argument),
                DeterminismProfile.parse(profile));
    }

    @Setup(Level.Invocation)
    public void prepare() {
        engine.prepare();
    }

    @Benchmark
    public byte[] query() {
        return engine.query(method, instructions);
    }

    private static byte[] hex(String argument) {
        return argument.equals("-") ? new byte[0] : HexFormat.of().parseHex(argument);
    }

    public static void main(String[] args) throws Exception {
        String memory = args[0];
        int forks = Integer.parseInt(args[1]);
        int warmups = Integer.parseInt(args[2]);
        int iterations = Integer.parseInt(args[3]);
        int seconds = Integer.parseInt(args[4]);
        for (int i = 5; i < args.length; i++) {
            String[] item = args[i].split(":");
            String wasm = item[0], method = item[1], argument = item[2], profile = item[3];
            // the count and the reply, from one call outside JMH (they are the same on every call)
            ComputeEngine once = new ComputeEngine(Files.readAllBytes(Path.of(wasm)), memory, hex(argument),
                    DeterminismProfile.parse(profile));
            long[] instructions = new long[1];
            once.prepare();
            byte[] reply = once.query(method, instructions);
            Options options = new OptionsBuilder()
                    .include(ComputeJmh.class.getName() + ".query")
                    .param("memory", memory).param("wasm", wasm).param("method", method)
                    .param("argument", argument).param("profile", profile)
                    .forks(forks).warmupIterations(warmups).measurementIterations(iterations)
                    .warmupTime(TimeValue.seconds(seconds)).measurementTime(TimeValue.seconds(seconds))
                    .build();
            for (RunResult result : new Runner(options).run()) {
                var statistics = result.getPrimaryResult().getStatistics();
                List<Double> samples = new ArrayList<>();
                statistics.getRawData().forEachRemaining(e -> {
                    for (long k = 0; k < e.getValue(); k++) {
                        samples.add(e.getKey());
                    }
                });
                double[] ms = samples.stream().mapToDouble(Double::doubleValue).toArray();
                System.out.println(ComputeEngine.summary("engine=" + memory + " jmh=true", method, ms,
                        instructions[0], reply));
            }
        }
    }
}
