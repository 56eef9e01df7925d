package com.canisterhost.bench;

import com.canisterhost.CanisterHostApplication;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Typed calls against raw ones, in one run: the same query of a Motoko canister ({@code getNote} of
 * src/test/resources/motoko/ledger.wasm: a nat in, a variant holding a record of texts and a vec out) sent as
 * binary Candid, as Candid text ({@code text/x-candid} both ways) and as JSON ({@code args} in, {@code values}
 * out), in alternating phases. Reported: the service's CPU per call, that is the process's CPU minus what the
 * client threads and the JDK HTTP client's own threads used, and its ratio to the raw call's (goal: at most 1.25).
 *
 * <p>Usage: {@code bench/candid-calls.sh [seconds per phase] [rounds] [clients]} (defaults 10, 2, 8; a 3 x 10 s
 * warm-up per kind comes first).
 */
public final class CandidCallBenchmark {

    private enum Kind { RAW, CANDID_TEXT, JSON }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final String base;
    private final int clients;
    private String canister;

    private CandidCallBenchmark(int port, int clients) {
        this.base = "http://127.0.0.1:" + port;
        this.clients = clients;
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        Path data = Files.createTempDirectory("candid-calls-pg");
        ConfigurableApplicationContext context = new SpringApplicationBuilder(CanisterHostApplication.class)
                .properties("canister.embedded-postgres.data-directory=" + data, "logging.level.root=WARN")
                .run("--server.port=0");
        try {
            int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
            new CandidCallBenchmark(port, clients).run(seconds, rounds);
        } finally {
            context.close();
            try (var paths = Files.walk(data)) {
                for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    private void run(int seconds, int rounds) throws Exception {
        HttpResponse<String> created = send("POST", "/v1/canisters", null, new byte[0], null);
        var id = java.util.regex.Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"").matcher(created.body());
        if (!id.find()) {
            throw new IllegalStateException("create: " + created.body());
        }
        canister = id.group(1);
        byte[] wasm = Files.readAllBytes(Path.of("src/test/resources/motoko/ledger.wasm"));
        check(send("PUT", "/v1/canisters/" + canister + "/module?profile=canonical-nan&arg=4449444c0000",
                "application/wasm", wasm, null), "install");
        check(send("POST", "/v1/canisters/" + canister + "/update/addNote", "text/x-candid",
                "(\"ada\", \"a first note #bench #candid\")".getBytes(StandardCharsets.UTF_8), "text/x-candid"),
                "addNote");
        for (Kind kind : Kind.values()) { // the three must agree on what the call does
            System.out.println(kind + ": " + new String(call(kind).body(), StandardCharsets.UTF_8));
        }
        for (int i = 0; i < 3; i++) {
            for (Kind kind : Kind.values()) {
                phase(kind, 10);
            }
        }
        long[] calls = new long[Kind.values().length];
        long[] cpu = new long[Kind.values().length];
        for (int round = 0; round < rounds; round++) {
            for (Kind kind : Kind.values()) {
                long[] result = phase(kind, seconds);
                calls[kind.ordinal()] += result[0];
                cpu[kind.ordinal()] += result[1];
            }
        }
        double raw = cpu[0] / 1e3 / calls[0];
        System.out.printf(Locale.ROOT, "%n%d clients, %d rounds of %d s per kind, query getNote of ledger.wasm%n%n",
                clients, rounds, seconds);
        System.out.println("| call | calls/s | service CPU per call, µs | against raw |");
        System.out.println("| --- | ---: | ---: | ---: |");
        for (Kind kind : Kind.values()) {
            double perCall = cpu[kind.ordinal()] / 1e3 / calls[kind.ordinal()];
            System.out.printf(Locale.ROOT, "| %s | %,.0f | %.0f | %.2f |%n", label(kind),
                    calls[kind.ordinal()] / (double) (rounds * seconds), perCall, perCall / raw);
        }
    }

    private static String label(Kind kind) {
        return switch (kind) {
            case RAW -> "binary Candid (`application/octet-stream`)";
            case CANDID_TEXT -> "Candid text (`text/x-candid` in and out)";
            case JSON -> "JSON (`args` in, `values` out)";
        };
    }

    /** Runs one phase; returns the calls made and the service's CPU nanoseconds. */
    private long[] phase(Kind kind, int seconds) throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicInteger done = new AtomicInteger();
        Set<Long> clientThreads = ConcurrentHashMap.newKeySet();
        long process0 = processCpu();
        long http0 = httpClientThreadsCpu();
        List<Thread> workers = new ArrayList<>();
        long[] clientCpu = new long[clients];
        for (int c = 0; c < clients; c++) {
            int index = c;
            Thread worker = new Thread(() -> {
                clientThreads.add(Thread.currentThread().getId());
                long start = threads.getCurrentThreadCpuTime();
                while (System.nanoTime() < end) {
                    try {
                        HttpResponse<byte[]> response = call(kind);
                        if (response.statusCode() == 200) {
                            done.incrementAndGet();
                        }
                    } catch (Exception e) {
                        // counted as not done
                    }
                }
                clientCpu[index] = threads.getCurrentThreadCpuTime() - start;
            });
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        long clientsTotal = 0;
        for (long nanos : clientCpu) {
            clientsTotal += nanos;
        }
        long service = processCpu() - process0 - clientsTotal - (httpClientThreadsCpu() - http0);
        return new long[] {done.get(), service};
    }

    private HttpResponse<byte[]> call(Kind kind) throws Exception {
        String path = "/v1/canisters/" + canister + "/query/getNote";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        switch (kind) {
            case RAW -> request.header("Content-Type", "application/octet-stream")
                    .header("Accept", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(HexFormat.of().parseHex("4449444c00017d00")));
            case CANDID_TEXT -> request.header("Content-Type", "text/x-candid").header("Accept", "text/x-candid")
                    .POST(HttpRequest.BodyPublishers.ofString("(0)"));
            case JSON -> request.header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"args\": [\"0\"]}"));
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private long processCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** CPU of the JDK HTTP client's own threads (its selector manager), which serve the client side only. */
    private long httpClientThreadsCpu() {
        long total = 0;
        for (var info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().startsWith("HttpClient")) {
                long nanos = threads.getThreadCpuTime(info.getThreadId());
                total += Math.max(0, nanos);
            }
        }
        return total;
    }

    private HttpResponse<String> send(String method, String path, String type, byte[] body, String accept)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        if (type != null) {
            request.header("Content-Type", type);
        }
        if (accept != null) {
            request.header("Accept", accept);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void check(HttpResponse<String> response, String what) {
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(what + ": " + response.statusCode() + " " + response.body());
        }
    }
}
