package com.canisterhost.bench;

import static com.canisterhost.bench.ServiceSetUp.env;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A node's death under load, run by {@code bench/cluster.sh faults}: three service nodes on one database
 * ({@code canister.cluster.enabled}), 16 clients making durable updates ({@code update/inc}, each on a counter
 * canister of its own) through all three (client i starts on node i mod 3, and moves to the next node when its
 * node refuses connections, as a load balancer would), then a SIGKILL of the third node. Every call is made once and
 * its outcome kept ({@link FaultBenchmark#classify}); the counters settle which were applied
 * ({@link FaultBenchmark#verify}). Reported: updates lost or applied twice (both must be 0), how long the dead
 * node's canisters took to answer again, and the answers during the takeover by status and problem type.
 */
public final class ClusterFaultBenchmark {

    private final String jar = env("CLUSTER_JAR", "");
    private final String datasourceUrl = env("CLUSTER_DATASOURCE_URL", "");
    private final String pgUser = env("CLUSTER_PG_USER", "postgres");
    private final Path workdir = Path.of(env("CLUSTER_WORKDIR", "target"));
    private final Path out = Path.of(env("CLUSTER_OUT", "target/cluster-fault-results.md"));
    private final String javaOpts = env("CLUSTER_JAVA_OPTS", "-Xmx1g");
    private final int clients = Integer.parseInt(env("CLUSTER_CLIENTS", "16"));
    private final int warmupSecs = Integer.parseInt(env("CLUSTER_WARMUP_SECS", "30"));
    private final int afterSecs = Integer.parseInt(env("CLUSTER_AFTER_SECS", "20"));
    private final int timeoutMillis = Integer.parseInt(env("CLUSTER_TIMEOUT_MS", "5000"));
    private final Path counterWasm = Path.of(env("CLUSTER_COUNTER_WASM",
            "src/test/resources/canisters/counter.wasm"));
    private final int nodes = 3;
    private final int[] ports = new int[nodes];
    private final Process[] processes = new Process[nodes];
    private final AtomicBoolean[] dead = new AtomicBoolean[nodes];

    public static void main(String[] args) throws Exception {
        new ClusterFaultBenchmark().run();
        System.exit(0);
    }

    private String base(int node) {
        return "http://127.0.0.1:" + ports[node];
    }

    private void run() throws Exception {
        for (int n = 0; n < nodes; n++) {
            ports[n] = ServiceSetUp.freePort();
            dead[n] = new AtomicBoolean();
        }
        for (int n = 0; n < nodes; n++) {
            processes[n] = start(n, "");
        }
        List<String> canisters = new ArrayList<>();
        try (ServiceSetUp setUp = new ServiceSetUp(base(0))) {
            byte[] wasm = Files.readAllBytes(counterWasm);
            for (int i = 0; i < clients; i++) {
                canisters.add(setUp.createAndInstall(wasm)); // placed on the node with the fewest leases
            }
        }
        List<List<FaultBenchmark.Call>> calls = new ArrayList<>();
        Map<Integer, String> servedBy = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            List<FaultBenchmark.Call> mine = new ArrayList<>();
            calls.add(mine);
            int client = i;
            String path = "/v1/canisters/" + canisters.get(i) + "/update/inc";
            Thread thread = new Thread(() -> drive(client, path, mine, servedBy, stop), "cluster-client-" + i);
            thread.start();
            threads.add(thread);
        }
        System.out.printf("%d nodes, %d clients on %d counter canisters; warm-up %d s%n", nodes, clients, clients,
                warmupSecs);
        Thread.sleep(warmupSecs * 1000L);
        int victim = nodes - 1;
        List<Integer> orphans = new ArrayList<>();
        servedBy.forEach((client, node) -> {
            if (node.equals(nodeId(victim))) {
                orphans.add(client);
            }
        });
        long killed = System.nanoTime();
        dead[victim].set(true);
        processes[victim].destroyForcibly(); // SIGKILL
        processes[victim].waitFor();
        System.out.printf("node %s SIGKILLed; it held the canisters of %d clients%n", nodeId(victim), orphans.size());
        Thread.sleep(afterSecs * 1000L);
        stop.set(true);
        for (Thread thread : threads) {
            thread.join();
        }
        long ended = System.nanoTime();

        // the final values from PostgreSQL: the live nodes stop cleanly, one starts alone
        for (int n = 0; n < victim; n++) {
            processes[n].destroy();
            processes[n].waitFor(60, TimeUnit.SECONDS);
        }
        processes[0] = start(0, "-final");
        long[] finals = new long[clients];
        DriverConnection reader = new DriverConnection(URI.create(base(0)), 30_000);
        for (int i = 0; i < clients; i++) {
            DriverConnection.Response reply = reader.exchangeOnce("POST", "/v1/canisters/" + canisters.get(i)
                    + "/query/get", true);
            if (reply.status() != 200) {
                throw new IllegalStateException("final query of " + canisters.get(i) + ": HTTP " + reply.status());
            }
            finals[i] = FaultBenchmark.counter(reply.body());
        }
        reader.close();
        processes[0].destroy();
        processes[0].waitFor(60, TimeUnit.SECONDS);

        List<Long> back = new ArrayList<>();
        for (int client : orphans) {
            for (FaultBenchmark.Call call : calls.get(client)) {
                if (call.started() >= killed && call.outcome() == FaultBenchmark.Outcome.ACKNOWLEDGED) {
                    back.add(call.ended() - killed);
                    break;
                }
            }
        }
        long[] sorted = back.stream().mapToLong(Long::longValue).sorted().toArray();
        long takeover = sorted.length == 0 ? 0 : sorted[sorted.length - 1];
        StringBuilder report = new StringBuilder();
        report.append(String.format("%d nodes on one database, %d clients, one counter canister each, `update/inc` "
                + "in closed loops through all nodes (client timeout %d ms); warm-up %d s, SIGKILL of node %s (it "
                + "held %d of the canisters), %d s more.%n%n", nodes, clients, timeoutMillis, warmupSecs,
                nodeId(victim), orphans.size(), afterSecs));
        report.append("| window (calls by when they started) | calls | answers | p50 ms | p99 ms | max ms |\n");
        report.append("| --- | ---: | --- | ---: | ---: | ---: |\n");
        report.append(FaultBenchmark.window("before the SIGKILL (last 10 s)", calls, killed - 10_000_000_000L,
                killed));
        report.append(FaultBenchmark.window("SIGKILL until the dead node's canisters answered again", calls, killed,
                killed + takeover));
        report.append(FaultBenchmark.window("after that", calls, killed + takeover, ended));
        report.append(String.format("%nThe dead node's canisters answered again after %s (median %s, of %d).%n",
                sorted.length == 0 ? "never" : String.format("%.2f s", takeover / 1e9),
                sorted.length == 0 ? "-" : String.format("%.2f s", sorted[sorted.length / 2] / 1e9), orphans.size()));
        report.append(FaultBenchmark.verify(calls, finals));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report.toString());
        System.out.println();
        System.out.println(report);
    }

    private static String nodeId(int node) {
        return "node-" + (node + 1);
    }

    /** One client: updates in a closed loop through its node, each made once; a refused connection moves it on. */
    private void drive(int client, String path, List<FaultBenchmark.Call> calls, Map<Integer, String> servedBy,
            AtomicBoolean stop) {
        int node = client % nodes;
        DriverConnection connection = new DriverConnection(URI.create(base(node)), timeoutMillis);
        while (!stop.get()) {
            long started = System.nanoTime();
            FaultBenchmark.Call call;
            try {
                DriverConnection.Response reply = connection.exchangeOnce("POST", path, true);
                call = FaultBenchmark.classify(started, reply);
                if (reply.status() == 200 && reply.node() != null) {
                    servedBy.put(client, reply.node());
                }
            } catch (DriverConnection.NotSent e) {
                call = new FaultBenchmark.Call(started, System.nanoTime(), 0, "not sent (node down; client moves on)",
                        FaultBenchmark.Outcome.NOT_SENT, -1);
                connection.close();
                do {
                    node = (node + 1) % nodes;
                } while (dead[node].get() && !stop.get());
                connection = new DriverConnection(URI.create(base(node)), timeoutMillis);
            } catch (IOException e) {
                String kind = e instanceof java.net.SocketTimeoutException ? "no answer in time" : "connection broken";
                call = new FaultBenchmark.Call(started, System.nanoTime(), 0, kind, FaultBenchmark.Outcome.UNKNOWN, -1);
            }
            calls.add(call);
            if (call.status() == 503) {
                pause(); // Retry-After says 1 s; a tenth of it keeps the takeover time sharp
            }
        }
        connection.close();
    }

    /** Starts node {@code node} and waits until it answers. */
    private Process start(int node, String suffix) throws Exception {
        return ServiceSetUp.startClusterNode(jar, javaOpts, ports[node], datasourceUrl, pgUser, nodeId(node), workdir,
                suffix);
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
