package com.canisterhost.module;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The metering overhead measured so that a busy machine skews it as little as possible, next to the JMH figures of
 * {@link MeteringBenchmark}, on the heap the service runs canisters on ({@link ServiceMeteringBenchmark}). Several
 * fresh JVMs (JIT decisions differ between them, so one JVM is one sample); in
 * each, the instrumented and the uninstrumented variant run alternately, one call each, timed by the CPU time of the
 * running thread, so that a neighbour's load falls on both alike. Each JVM reports its median per variant; the
 * overhead is the median over the JVMs of their ratios.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar com.canisterhost.module.MeteringOverhead [rounds=8] [jvms=6]
 * [warmup=12] [runs=20]}
 */
public final class MeteringOverhead {

    private MeteringOverhead() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            return;
        }
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 8;
        int jvms = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        int warmup = args.length > 2 ? Integer.parseInt(args[2]) : 12;
        int runs = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        List<double[]> samples = new ArrayList<>();
        for (int jvm = 0; jvm < jvms; jvm++) {
            double[] sample = fork(rounds, warmup, runs);
            samples.add(sample);
            System.out.printf(Locale.ROOT, "jvm %d: instrumented %.2f ms, uninstrumented %.2f ms, overhead %+.1f %%%n",
                    jvm + 1, sample[0], sample[1], 100 * (sample[0] / sample[1] - 1));
        }
        double inst = median(samples.stream().mapToDouble(s -> s[0]).toArray());
        double plain = median(samples.stream().mapToDouble(s -> s[1]).toArray());
        double overhead = median(samples.stream().mapToDouble(s -> s[0] / s[1] - 1).toArray());
        double[] overheads = samples.stream().mapToDouble(s -> 100 * (s[0] / s[1] - 1)).sorted().toArray();
        System.out.printf(Locale.ROOT,
                "alternating: instrumented %.2f ms, uninstrumented %.2f ms (medians of %d JVMs, thread CPU time), "
                        + "overhead %+.1f %% (per JVM from %+.1f to %+.1f %%)%n",
                inst, plain, jvms, 100 * overhead, overheads[0], overheads[overheads.length - 1]);
    }

    /** Runs one child JVM and returns its {instrumented, uninstrumented} medians in milliseconds. */
    private static double[] fork(int rounds, int warmup, int runs) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                MeteringOverhead.class.getName(), "--child", "" + rounds, "" + warmup, "" + runs)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        String last = null;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream()))) {
            for (String line; (line = out.readLine()) != null; ) {
                last = line;
            }
        }
        if (process.waitFor() != 0 || last == null) {
            throw new IllegalStateException("the child JVM failed");
        }
        String[] parts = last.trim().split(" ");
        return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1])};
    }

    private static void child(int rounds, int warmup, int runs) throws IOException {
        ServiceMeteringBenchmark bench = new ServiceMeteringBenchmark();
        bench.rounds = rounds;
        bench.module = "src/test/resources/metering/sha256.wasm";
        bench.setUp();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[] inst = new double[runs];
        double[] plain = new double[runs];
        long sink = 0;
        for (int i = -warmup; i < runs; i++) {
            // which variant goes first alternates too, so neither always runs on a freshly collected heap
            boolean instFirst = (i & 1) == 0;
            for (int k = 0; k < 2; k++) {
                boolean instrumented = instFirst == (k == 0);
                long start = threads.getCurrentThreadCpuTime();
                long[] result = instrumented ? bench.serviceConfiguration() : bench.serviceHeapUninstrumented();
                double ms = (threads.getCurrentThreadCpuTime() - start) / 1e6;
                sink += result[0];
                if (i >= 0) {
                    (instrumented ? inst : plain)[i] = ms;
                }
            }
        }
        if (sink == 42) {
            System.out.println("#"); // keeps the results observable to the JIT
        }
        System.out.printf(Locale.ROOT, "%.3f %.3f%n", median(inst), median(plain));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
