package com.canisterhost.bench;

import static com.canisterhost.bench.ServiceSetUp.env;
import static com.canisterhost.bench.ServiceSetUp.rank;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Faults under load, run by {@code bench/faults.sh}: 16 clients make durable updates ({@code update/inc}, each
 * client on a counter canister of its own) against the service running as its own process, which is SIGKILLed and
 * restarted, and then PostgreSQL is stopped for 10 s and started again. Every call is made once (never resent) and
 * its outcome kept: acknowledged (200, with the counter's new value), said not applied (a 503 or 409 whose problem
 * says so), not sent (no connection), or unknown (no answer, a broken connection, or any other answer).
 *
 * <p>Each client knows which of its updates were applied: its counter's value after each acknowledged call tells
 * how many of the calls since the previous one were applied, and only unknown outcomes may have been; the final
 * values, read after a clean restart (so from PostgreSQL), settle the calls after the last acknowledgement. A
 * value that goes back (an acknowledged update lost), more applied than unknown calls (applied twice, or one said
 * not applied was), are reported as violations.
 */
public final class FaultBenchmark {

    /** What a client knows of one call. */
    enum Outcome { ACKNOWLEDGED, NOT_APPLIED, NOT_SENT, UNKNOWN }

    /** One call: when it started and ended (ns), its HTTP status (0 without one), the counter after it (or -1). */
    record Call(long started, long ended, int status, String kind, Outcome outcome, long value) {}

    private final String jar = env("FAULT_JAR", "");
    private final String datasourceUrl = env("FAULT_DATASOURCE_URL", "");
    private final String pgUser = env("FAULT_PG_USER", "postgres");
    private final String pgStop = env("FAULT_PG_STOP", "");
    private final String pgStart = env("FAULT_PG_START", "");
    private final Path workdir = Path.of(env("FAULT_WORKDIR", "target"));
    private final Path out = Path.of(env("FAULT_OUT", "target/fault-results.md"));
    private final String javaOpts = env("FAULT_JAVA_OPTS", "");
    private final int clients = Integer.parseInt(env("FAULT_CLIENTS", "16"));
    private final int warmupSecs = Integer.parseInt(env("FAULT_WARMUP_SECS", "30"));
    private final int outageSecs = Integer.parseInt(env("FAULT_OUTAGE_SECS", "10"));
    private final int timeoutMillis = Integer.parseInt(env("FAULT_TIMEOUT_MS", "5000"));
    private final Path counterWasm = Path.of(env("FAULT_COUNTER_WASM", "src/test/resources/canisters/counter.wasm"));
    private final int port = ServiceSetUp.freePort();
    private final String base = "http://127.0.0.1:" + port;
    private int starts;

    public static void main(String[] args) throws Exception {
        new FaultBenchmark().run();
        System.exit(0); // the clients' threads are done; nothing else may hold the JVM
    }

    private void run() throws Exception {
        Process service = start();
        List<String> canisters = new ArrayList<>();
        try (ServiceSetUp setUp = new ServiceSetUp(base)) {
            byte[] wasm = Files.readAllBytes(counterWasm);
            for (int i = 0; i < clients; i++) {
                canisters.add(setUp.createAndInstall(wasm));
            }
        }
        List<List<Call>> calls = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            List<Call> mine = new ArrayList<>();
            calls.add(mine);
            String path = "/v1/canisters/" + canisters.get(i) + "/update/inc";
            Thread client = new Thread(() -> drive(path, mine, stop), "fault-client-" + i);
            client.start();
            threads.add(client);
        }
        System.out.printf("%d clients on %d counter canisters; warm-up %d s%n", clients, clients, warmupSecs);
        Thread.sleep(warmupSecs * 1000L);

        long killed = System.nanoTime();
        service.destroyForcibly(); // SIGKILL
        service.waitFor();
        System.out.println("service SIGKILLed; restarting");
        long restarting = System.nanoTime();
        service = start();
        long restarted = System.nanoTime();
        Thread.sleep(10_000);

        long pgStopped = System.nanoTime();
        shell(pgStop);
        System.out.printf("PostgreSQL stopped for %d s%n", outageSecs);
        Thread.sleep(outageSecs * 1000L);
        long pgStarting = System.nanoTime();
        shell(pgStart);
        long pgStarted = System.nanoTime();
        System.out.println("PostgreSQL started");
        Thread.sleep(15_000);
        stop.set(true);
        for (Thread thread : threads) {
            thread.join();
        }
        long ended = System.nanoTime();

        // the final values from PostgreSQL: a clean stop, a new start, a query per canister
        service.destroy(); // SIGTERM: graceful
        if (!service.waitFor(60, TimeUnit.SECONDS)) {
            service.destroyForcibly();
        }
        service = start();
        long[] finals = new long[clients];
        DriverConnection reader = new DriverConnection(URI.create(base), 30_000);
        for (int i = 0; i < clients; i++) {
            DriverConnection.Response reply = reader.exchangeOnce("POST", "/v1/canisters/" + canisters.get(i)
                    + "/query/get", true);
            if (reply.status() != 200) {
                throw new IllegalStateException("final query of " + canisters.get(i) + ": HTTP " + reply.status());
            }
            finals[i] = counter(reply.body());
        }
        reader.close();
        service.destroy();
        service.waitFor(60, TimeUnit.SECONDS);

        StringBuilder report = new StringBuilder();
        report.append(String.format("%d clients, one counter canister each, `update/inc` in closed loops (client "
                + "timeout %d ms); warm-up %d s, SIGKILL of the service and restart, 10 s, PostgreSQL stopped "
                + "(`pg_ctlcluster … stop`, fast mode) for %d s, 15 s.%n%n", clients, timeoutMillis, warmupSecs,
                outageSecs));
        report.append("| window | calls | answers | p50 ms | p99 ms | max ms |\n");
        report.append("| --- | ---: | --- | ---: | ---: | ---: |\n");
        report.append(window("before the SIGKILL (last 10 s)", calls, killed - 10_000_000_000L, killed));
        report.append(window("SIGKILL until the service answered again", calls, killed, restarted));
        report.append(window("PostgreSQL stopped", calls, pgStopped, pgStarting));
        report.append(window("PostgreSQL started, the 15 s after", calls, pgStarting, ended));
        report.append(String.format("%nService restart after the SIGKILL: %.1f s until its health endpoint answered. "
                + "First acknowledged update after the SIGKILL: %s; every client had one after %s. "
                + "PostgreSQL took %.1f s to start; first acknowledged update after `start` began: %s, every client: "
                + "%s.%n", (restarted - restarting) / 1e9, sinceFirst(calls, killed), sinceAll(calls, killed),
                (pgStarted - pgStarting) / 1e9, sinceFirst(calls, pgStarting), sinceAll(calls, pgStarting)));
        report.append(verify(calls, finals));
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, report.toString());
        System.out.println();
        System.out.println(report);
    }

    /** One client: updates in a closed loop, each made once, its outcome recorded. */
    private void drive(String path, List<Call> calls, AtomicBoolean stop) {
        DriverConnection connection = new DriverConnection(URI.create(base), timeoutMillis);
        while (!stop.get()) {
            long started = System.nanoTime();
            Call call;
            try {
                DriverConnection.Response reply = connection.exchangeOnce("POST", path, true);
                call = classify(started, reply);
            } catch (DriverConnection.NotSent e) {
                call = new Call(started, System.nanoTime(), 0, "not sent (no connection)", Outcome.NOT_SENT, -1);
                pause();
            } catch (IOException e) {
                String kind = e instanceof java.net.SocketTimeoutException ? "no answer in time"
                        : "connection broken";
                call = new Call(started, System.nanoTime(), 0, kind, Outcome.UNKNOWN, -1);
            }
            calls.add(call);
        }
        connection.close();
    }

    static Call classify(long started, DriverConnection.Response reply) {
        long ended = System.nanoTime();
        if (reply.status() == 200) {
            return new Call(started, ended, 200, "200", Outcome.ACKNOWLEDGED, counter(reply.body()));
        }
        String body = new String(reply.body(), StandardCharsets.UTF_8);
        String type = body.replaceFirst("(?s).*\"type\":\"urn:canister-host:problem:([a-z-]+)\".*", "$1");
        String kind = reply.status() + (type.equals(body) ? "" : " " + type);
        // said not applied: refused before anything was sent to PostgreSQL, or fenced out
        boolean notApplied = !body.contains("may or may not") && (body.contains("nothing was applied")
                || type.equals("service-unavailable") || type.equals("call-not-applied")
                || type.equals("state-conflict") || type.equals("canister-moving"));
        return new Call(started, ended, reply.status(), kind, notApplied ? Outcome.NOT_APPLIED : Outcome.UNKNOWN, -1);
    }

    /** Calls that started in [from, to): how they were answered and how fast. */
    static String window(String name, List<List<Call>> calls, long from, long to) {
        Map<String, Integer> kinds = new TreeMap<>();
        List<Long> times = new ArrayList<>();
        for (List<Call> client : calls) {
            for (Call call : client) {
                if (call.started() >= from && call.started() < to) {
                    kinds.merge(call.kind(), 1, Integer::sum);
                    times.add(call.ended() - call.started());
                }
            }
        }
        long[] sorted = times.stream().mapToLong(Long::longValue).sorted().toArray();
        if (sorted.length == 0) {
            return "| " + name + " | 0 | | | | |\n";
        }
        return String.format("| %s | %,d | %s | %.1f | %.1f | %.1f |%n", name, sorted.length, kinds.toString()
                .replaceAll("[{}]", "").replace(", ", "; ").replace("=", ": "), sorted[rank(sorted.length, 50)] / 1e6,
                sorted[rank(sorted.length, 99)] / 1e6, sorted[sorted.length - 1] / 1e6);
    }

    /** From {@code since} to the end of the first acknowledged call that started after it, by any client. */
    private static String sinceFirst(List<List<Call>> calls, long since) {
        long first = Long.MAX_VALUE;
        for (List<Call> client : calls) {
            first = Math.min(first, firstAcknowledged(client, since));
        }
        return seconds(first, since);
    }

    /** From {@code since} until every client had an acknowledged call that started after it. */
    private static String sinceAll(List<List<Call>> calls, long since) {
        long last = 0;
        for (List<Call> client : calls) {
            last = Math.max(last, firstAcknowledged(client, since));
        }
        return seconds(last, since);
    }

    private static long firstAcknowledged(List<Call> client, long since) {
        for (Call call : client) {
            if (call.started() >= since && call.outcome() == Outcome.ACKNOWLEDGED) {
                return call.ended();
            }
        }
        return Long.MAX_VALUE;
    }

    private static String seconds(long at, long since) {
        return at == Long.MAX_VALUE ? "never" : String.format("%.2f s", (at - since) / 1e9);
    }

    /**
     * Checks each client's calls against its counter: between two acknowledgements the counter grows by one plus the
     * calls applied in between, which may only be calls with an unknown outcome; after the last, the final value.
     */
    static String verify(List<List<Call>> calls, long[] finals) {
        Tally tally = new Tally();
        for (int i = 0; i < calls.size(); i++) {
            long previous = 0;
            long unknownSince = 0;
            for (Call call : calls.get(i)) {
                switch (call.outcome()) {
                    case ACKNOWLEDGED -> {
                        tally.acknowledged++;
                        tally.settle(i, call.value() - previous - 1, unknownSince,
                                "acknowledged value " + call.value());
                        previous = call.value();
                        unknownSince = 0;
                    }
                    case UNKNOWN -> {
                        tally.unknown++;
                        unknownSince++;
                    }
                    case NOT_APPLIED -> tally.saidNotApplied++;
                    case NOT_SENT -> tally.notSent++;
                }
            }
            tally.settle(i, finals[i] - previous, unknownSince, "final value " + finals[i]);
        }
        return String.format("%nUpdates acknowledged: %,d; said not applied: %,d; not sent: %,d; outcome unknown: %,d, "
                + "of which found applied: %,d. Acknowledged but lost: %,d; applied twice, or applied though said not "
                + "applied: %,d.%n", tally.acknowledged, tally.saidNotApplied, tally.notSent, tally.unknown,
                tally.unknownApplied, tally.lost, tally.excess)
                + (tally.violations.isEmpty() ? "" : "Violations: " + String.join("; ", tally.violations) + "\n");
    }

    /** What the counters say about all clients' calls. */
    private static final class Tally {
        long acknowledged;
        long saidNotApplied;
        long notSent;
        long unknown;
        long unknownApplied;
        long lost;
        long excess;
        final List<String> violations = new ArrayList<>();

        /** {@code applied} calls were applied among the {@code unknown} ones since the last acknowledgement. */
        void settle(int client, long applied, long unknown, String at) {
            if (applied < 0) {
                lost += -applied;
                violations.add("client " + client + ": " + (-applied) + " acknowledged update(s) lost before " + at);
            } else if (applied > unknown) {
                excess += applied - unknown;
                violations.add("client " + client + ": " + applied + " applied, more than the " + unknown
                        + " call(s) of unknown outcome before " + at);
            }
            unknownApplied += Math.max(0, Math.min(applied, unknown));
        }
    }

    static long counter(byte[] reply) {
        return ByteBuffer.wrap(reply).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** Starts the service on the benchmark's port and waits until it answers. */
    private Process start() throws Exception {
        List<String> command = new ArrayList<>(List.of("java"));
        if (!javaOpts.isBlank()) {
            command.addAll(List.of(javaOpts.trim().split("\\s+")));
        }
        command.addAll(List.of("-jar", jar, "--server.port=" + port, "--logging.level.root=WARN",
                "--spring.datasource.url=" + datasourceUrl, "--spring.datasource.username=" + pgUser,
                "--spring.datasource.password="));
        return ServiceSetUp.startService(command, workdir.resolve("service-" + (++starts) + ".log"),
                workdir.resolve("service.pid"), URI.create(base)); // the pid for faults.sh to clean up
    }

    private static void shell(String command) throws Exception {
        Process process = new ProcessBuilder("sh", "-c", command).inheritIO().start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException("failed: " + command);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(10); // no service listening: do not spin
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

}
