package com.canisterhost.bench;

import static com.canisterhost.bench.ServiceSetUp.env;
import static com.canisterhost.bench.ServiceSetUp.rank;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntUnaryOperator;

/**
 * Two nodes against one on the same machine and database, run by {@code bench/cluster.sh load}: 64 counter
 * canisters (placed over two nodes by lease count), 16 closed-loop clients of {@code update/inc}, each on 4 of them
 * in turn. Phases, after a warm-up: every update sent to the node holding its canister ("right node"), then to the
 * other one, which forwards it ("wrong node"), twice in turn; then the second node stops (its canisters pass to the
 * first) and the first serves them all alone ("one node"), twice. Reported per phase: updates per second, p50 and
 * p99 latency, and the service JVMs' CPU per update.
 */
public final class ClusterLoadBenchmark {

    private final String jar = env("CLUSTER_JAR", "");
    private final String datasourceUrl = env("CLUSTER_DATASOURCE_URL", "");
    private final String pgUser = env("CLUSTER_PG_USER", "postgres");
    private final Path workdir = Path.of(env("CLUSTER_WORKDIR", "target"));
    private final Path out = Path.of(env("CLUSTER_OUT", "target/cluster-load-results.md"));
    private final String javaOpts = env("CLUSTER_JAVA_OPTS", "-Xmx1g");
    private final int clients = Integer.parseInt(env("CLUSTER_CLIENTS", "16"));
    private final int canisterCount = Integer.parseInt(env("CLUSTER_CANISTERS", "64"));
    private final int warmupSecs = Integer.parseInt(env("CLUSTER_WARMUP_SECS", "60"));
    private final int phaseSecs = Integer.parseInt(env("CLUSTER_PHASE_SECS", "10"));
    private final Path counterWasm = Path.of(env("CLUSTER_COUNTER_WASM",
            "src/test/resources/canisters/counter.wasm"));
    private final int[] ports = {ServiceSetUp.freePort(), ServiceSetUp.freePort()};
    private final Process[] nodes = new Process[2];

    /** One phase's figures. */
    record Phase(String name, long calls, double seconds, long p50, long p99, long errors, double cpuMicros) {}

    public static void main(String[] args) throws Exception {
        new ClusterLoadBenchmark().run();
        System.exit(0);
    }

    private String base(int node) {
        return "http://127.0.0.1:" + ports[node];
    }

    private void run() throws Exception {
        nodes[0] = start(0);
        nodes[1] = start(1);
        List<String> canisters = new ArrayList<>();
        int[] holder = new int[canisterCount];
        try (ServiceSetUp setUp = new ServiceSetUp(base(0))) {
            byte[] wasm = Files.readAllBytes(counterWasm);
            for (int i = 0; i < canisterCount; i++) {
                canisters.add(setUp.createAndInstall(wasm));
            }
        }
        DriverConnection probe = new DriverConnection(URI.create(base(0)), 30_000);
        for (int i = 0; i < canisterCount; i++) {
            DriverConnection.Response reply = probe.exchange("POST", path(canisters.get(i)), true);
            holder[i] = "node-2".equals(reply.node()) ? 1 : 0;
        }
        probe.close();
        System.out.printf("%d canisters: %d on node-1, %d on node-2; warm-up %d s%n", canisterCount,
                java.util.Arrays.stream(holder).filter(h -> h == 0).count(),
                java.util.Arrays.stream(holder).filter(h -> h == 1).count(), warmupSecs);
        phase("warm-up", canisters, i -> (i / 2) % 2, warmupSecs); // right and wrong nodes alike
        List<Phase> phases = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            phases.add(phase("two nodes, each update to its canister's node", canisters, i -> holder[i], phaseSecs));
            phases.add(phase("two nodes, each update to the other node (forwarded)", canisters, i -> 1 - holder[i],
                    phaseSecs));
        }
        nodes[1].destroy(); // a graceful stop: its leases go at once
        nodes[1].waitFor(60, TimeUnit.SECONDS);
        nodes[1] = null;
        phase("warm-up of one node", canisters, i -> 0, 5);
        for (int round = 0; round < 2; round++) {
            phases.add(phase("one node, every update", canisters, i -> 0, phaseSecs));
        }
        nodes[0].destroy();
        nodes[0].waitFor(60, TimeUnit.SECONDS);

        StringBuilder report = new StringBuilder(String.format("%d counter canisters, %d closed-loop clients of "
                + "`update/inc` (each on %d canisters in turn), %d s per phase after %d s of warm-up.%n%n",
                canisterCount, clients, canisterCount / clients, phaseSecs, warmupSecs));
        report.append("| phase | updates/s | p50 ms | p99 ms | errors | service CPU per update µs |\n");
        report.append("| --- | ---: | ---: | ---: | ---: | ---: |\n");
        for (Phase p : phases) {
            report.append(String.format("| %s | %,.0f | %.2f | %.2f | %d | %.0f |%n", p.name(), p.calls() / p.seconds(),
                    p.p50() / 1e6, p.p99() / 1e6, p.errors(), p.cpuMicros()));
        }
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report.toString());
        System.out.println();
        System.out.println(report);
    }

    private static String path(String canister) {
        return "/v1/canisters/" + canister + "/update/inc";
    }

    /** {@code seconds} of updates, canister i sent to node {@code route(i)}. */
    private Phase phase(String name, List<String> canisters, IntUnaryOperator route, int seconds) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        List<long[]> latencies = new ArrayList<>();
        long[] errors = new long[clients];
        List<Thread> threads = new ArrayList<>();
        long cpuBefore = cpu();
        long started = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            int client = c;
            long[] mine = new long[200_000];
            latencies.add(mine);
            Thread thread = new Thread(() -> {
                DriverConnection[] connections = {new DriverConnection(URI.create(base(0)), 30_000),
                    new DriverConnection(URI.create(base(1)), 30_000)};
                int n = 0;
                for (int k = 0; !stop.get(); k++) {
                    int canister = client + (k % (canisters.size() / clients)) * clients;
                    long sent = System.nanoTime();
                    try {
                        if (connections[route.applyAsInt(canister)].exchange("POST", path(canisters.get(canister)),
                                true).status() != 200) {
                            errors[client]++;
                        }
                    } catch (IOException e) {
                        errors[client]++;
                    }
                    if (n < mine.length - 1) {
                        mine[++n] = System.nanoTime() - sent;
                    }
                }
                mine[0] = n;
                for (DriverConnection connection : connections) {
                    connection.close();
                }
            }, "cluster-load-" + c);
            thread.start();
            threads.add(thread);
        }
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        for (Thread thread : threads) {
            thread.join();
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        long cpu = cpu() - cpuBefore;
        List<Long> all = new ArrayList<>();
        for (long[] mine : latencies) {
            for (int i = 1; i <= mine[0]; i++) {
                all.add(mine[i]);
            }
        }
        long[] sorted = all.stream().mapToLong(Long::longValue).sorted().toArray();
        long failed = java.util.Arrays.stream(errors).sum();
        Phase phase = new Phase(name, sorted.length, elapsed, sorted[rank(sorted.length, 50)],
                sorted[rank(sorted.length, 99)], failed, cpu / 1e3 / Math.max(1, sorted.length));
        System.out.printf("%s: %,.0f updates/s, p50 %.2f ms%n", name, sorted.length / elapsed, phase.p50() / 1e6);
        return phase;
    }

    /** CPU time of the running nodes so far, in ns. */
    private long cpu() {
        long total = 0;
        for (Process node : nodes) {
            if (node != null) {
                total += node.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
            }
        }
        return total;
    }

    private Process start(int node) throws Exception {
        return ServiceSetUp.startClusterNode(jar, javaOpts, ports[node], datasourceUrl, pgUser, "node-" + (node + 1),
                workdir, "");
    }
}
