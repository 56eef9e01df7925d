package com.canisterhost.module;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/**
 * The cost of lowering measured the way {@link MeteringOverhead} measures metering, since back-to-back JMH forks of
 * {@link Memory64Benchmark} are only as good as the machine is quiet: in each of several fresh JVMs the 32-bit and
 * the 64-bit twin run alternately, one call each, timed by the running thread's CPU time; each JVM reports its
 * medians, and the ratio quoted is the median over the JVMs of theirs.
 *
 * <p>Usage: {@code java -cp bench/target/benchmarks.jar com.canisterhost.module.Memory64Overhead [rounds=64]
 * [jvms=6] [warmup=200] [runs=200]}
 */
public final class Memory64Overhead {

    private Memory64Overhead() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            return;
        }
        String rounds = args.length > 0 ? args[0] : "64";
        int jvms = args.length > 1 ? Integer.parseInt(args[1]) : 6;
        String warmup = args.length > 2 ? args[2] : "200";
        String runs = args.length > 3 ? args[3] : "200";
        double[] ratios = new double[jvms];
        for (int jvm = 0; jvm < jvms; jvm++) {
            Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), Memory64Overhead.class.getName(), "--child",
                    rounds, warmup, runs).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String last;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()))) {
                last = out.lines().reduce((a, b) -> b).orElseThrow();
            }
            if (child.waitFor() != 0) {
                throw new IllegalStateException("the child JVM failed");
            }
            String[] medians = last.trim().split(" ");
            double narrow = Double.parseDouble(medians[0]);
            double wide = Double.parseDouble(medians[1]);
            ratios[jvm] = wide / narrow;
            System.out.printf(Locale.ROOT, "jvm %d: 32-bit %.3f ms, 64-bit %.3f ms, ratio %.3f%n", jvm + 1, narrow,
                    wide, ratios[jvm]);
        }
        double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "64-bit / 32-bit: %.3f (median of %d JVMs, from %.3f to %.3f)%n",
                median(ratios), jvms, sorted[0], sorted[jvms - 1]);
    }

    private static void child(int rounds, int warmup, int runs) throws Exception {
        Memory64Benchmark[] twins = new Memory64Benchmark[2];
        for (int k = 0; k < 2; k++) {
            twins[k] = new Memory64Benchmark();
            twins[k].module = "src/test/resources/memory64/twin" + (k == 0 ? 32 : 64) + ".wasm";
            twins[k].rounds = rounds;
            twins[k].setUp();
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[][] times = new double[2][runs];
        long sink = 0;
        for (int i = -warmup; i < runs; i++) {
            for (int j = 0; j < 2; j++) {
                int k = (i & 1) == 0 ? j : 1 - j; // which twin goes first alternates too
                long start = threads.getCurrentThreadCpuTime();
                sink += twins[k].work()[0];
                if (i >= 0) {
                    times[k][i] = (threads.getCurrentThreadCpuTime() - start) / 1e6;
                }
            }
        }
        if (sink == 42) {
            System.out.println("#"); // keeps the results observable to the JIT
        }
        System.out.printf(Locale.ROOT, "%.4f %.4f%n", median(times[0]), median(times[1]));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
