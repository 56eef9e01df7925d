package com.canisterhost.bench;

import com.canisterhost.CanisterHostApplication;
import com.canisterhost.principal.CanisterId;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Inter-canister round trips against direct ingress updates, in one run: 64 pairs of caller.wat and callee.wat
 * (src/test/resources/calls), 16 client threads. A round trip is an ingress update of a caller that awaits its
 * callee's {@code inc} (three executions and three commits: the caller's message, the callee's, the callback);
 * a direct update is {@code inc} on a callee (one of each). The two kinds alternate in phases of equal length.
 * The service runs in-process on its embedded PostgreSQL (fresh temp directory), over real HTTP.
 *
 * <p>Usage: {@code bench/inter-canister.sh [seconds per phase] [rounds] [clients]
 * [warm-up seconds]} (defaults 10, 2, 16 and 15; the warm-up runs three times per kind).
 */
public final class InterCanisterBenchmark {

    private static final int PAIRS = 64;
    private final int clients;
    private static final Path CORPUS = Path.of("src/test/resources/calls");

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final List<String> callers = new ArrayList<>();
    private final List<String> callees = new ArrayList<>();
    private final List<byte[]> targets = new ArrayList<>();

    private InterCanisterBenchmark(int port, int clients) {
        this.base = "http://127.0.0.1:" + port;
        this.clients = clients;
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 16;
        int warmUp = args.length > 3 ? Integer.parseInt(args[3]) : 15;
        Path data = Files.createTempDirectory("inter-canister-pg");
        ConfigurableApplicationContext context = new SpringApplicationBuilder(CanisterHostApplication.class)
                .properties("canister.embedded-postgres.data-directory=" + data, "logging.level.root=WARN")
                .run("--server.port=0");
        try {
            int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
            new InterCanisterBenchmark(port, clients).run(seconds, rounds, warmUp);
        } finally {
            context.close();
            try (var paths = Files.walk(data)) {
                for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    private void run(int seconds, int rounds, int warmUp) throws Exception {
        byte[] caller = Files.readAllBytes(CORPUS.resolve("caller.wasm"));
        byte[] callee = Files.readAllBytes(CORPUS.resolve("callee.wasm"));
        for (int i = 0; i < PAIRS; i++) {
            callers.add(createAndInstall(caller));
            String id = createAndInstall(callee);
            callees.add(id);
            targets.add(target(id, "inc"));
        }
        // warm-up: long enough for the JIT to settle on both paths (after 3 s each, C2 still took a third to half
        // of the JVM's CPU in the round-trip phases that followed; a JFR recording showed 5-7 s of compilation per
        // 10 s for the first minute)
        for (int i = 0; i < 3; i++) {
            phase(true, warmUp);
            phase(false, warmUp);
        }
        List<Long> chained = new ArrayList<>();
        List<Long> direct = new ArrayList<>();
        long chainedNanos = 0;
        long directNanos = 0;
        long[] directCpu = new long[2];
        long[] chainedCpu = new long[2];
        java.util.Map<String, Long> directRoles = new java.util.TreeMap<>();
        java.util.Map<String, Long> chainedRoles = new java.util.TreeMap<>();
        int errors = 0;
        for (int round = 0; round < rounds; round++) {
            Phase d = phase(false, seconds);
            Phase c = phase(true, seconds);
            direct.addAll(d.latencies);
            chained.addAll(c.latencies);
            directNanos += d.nanos;
            chainedNanos += c.nanos;
            directCpu[0] += d.jvmCpuNanos;
            directCpu[1] += total(d.postgresCpuNanos);
            d.postgresCpuNanos.forEach((role, nanos) -> directRoles.merge(role, nanos, Long::sum));
            chainedCpu[0] += c.jvmCpuNanos;
            chainedCpu[1] += total(c.postgresCpuNanos);
            c.postgresCpuNanos.forEach((role, nanos) -> chainedRoles.merge(role, nanos, Long::sum));
            errors += d.errors + c.errors;
        }
        double directRate = direct.size() * 1e9 / directNanos;
        double chainedRate = chained.size() * 1e9 / chainedNanos;
        double directP50 = percentile(direct, 50);
        double chainedP50 = percentile(chained, 50);
        System.out.printf(Locale.ROOT, "%n%d pairs, %d clients, %d rounds of %d s per kind; %d errors%n%n", PAIRS,
                clients, rounds, seconds, errors);
        System.out.println("| kind | calls/s | p50 ms | p99 ms |");
        System.out.println("| --- | ---: | ---: | ---: |");
        System.out.printf(Locale.ROOT, "| direct ingress update (`inc` on a callee) | %,.0f | %.2f | %.2f |%n",
                directRate, directP50, percentile(direct, 99));
        System.out.printf(Locale.ROOT, "| round trip (a caller awaits its callee's `inc`) | %,.0f | %.2f | %.2f |%n",
                chainedRate, chainedP50, percentile(chained, 99));
        System.out.printf(Locale.ROOT, "%nround trips / direct: throughput %.2f (goal at least 0.33), p50 %.2fx "
                + "(goal at most 2.5x)%n", chainedRate / directRate, chainedP50 / directP50);
        System.out.printf(Locale.ROOT, "CPU per call, microseconds (JVM with its clients / PostgreSQL): direct %.0f / "
                + "%.0f, round trip %.0f / %.0f%n", directCpu[0] / 1e3 / direct.size(), directCpu[1] / 1e3
                / direct.size(), chainedCpu[0] / 1e3 / chained.size(), chainedCpu[1] / 1e3 / chained.size());
        System.out.println("PostgreSQL CPU per call by process, microseconds (direct / round trip):");
        java.util.Set<String> roles = new java.util.TreeSet<>(directRoles.keySet());
        roles.addAll(chainedRoles.keySet());
        for (String role : roles) {
            System.out.printf(Locale.ROOT, "  %s: %.0f / %.0f%n", role, directRoles.getOrDefault(role, 0L) / 1e3
                    / direct.size(), chainedRoles.getOrDefault(role, 0L) / 1e3 / chained.size());
        }
    }

    private record Phase(List<Long> latencies, long nanos, int errors, long jvmCpuNanos,
            java.util.Map<String, Long> postgresCpuNanos) {}

    /** CPU time of this JVM (service and clients), in nanoseconds. */
    private static long jvmCpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /**
     * CPU time of the PostgreSQL processes on this machine by role, in nanoseconds (Linux: utime + stime, 100 Hz
     * ticks; a role from the process title: "backend" for a client's connection, "walwriter", "autovacuum worker",
     * and so on; "ended" is what the server's processes that ended took, as their parent's cutime + cstime).
     */
    private static java.util.Map<String, Long> postgresCpu() {
        java.util.Map<String, Long> byRole = new java.util.TreeMap<>();
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path dir : dirs.filter(d -> d.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                try {
                    String stat = Files.readString(dir.resolve("stat"));
                    int close = stat.lastIndexOf(')');
                    if (!stat.substring(stat.indexOf('(') + 1, close).startsWith("postgres")) {
                        continue;
                    }
                    String[] fields = stat.substring(close + 2).split(" ");
                    String title = new String(Files.readAllBytes(dir.resolve("cmdline")),
                            java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ').trim();
                    String role;
                    if (!title.startsWith("postgres: ")) {
                        role = "postmaster";
                        byRole.merge("ended", (Long.parseLong(fields[13]) + Long.parseLong(fields[14]))
                                * 10_000_000L, Long::sum);
                    } else {
                        title = title.substring("postgres: ".length());
                        role = title.contains("(") ? "backend" : title.replaceAll("\\s+\\S*\\d.*$", "");
                    }
                    byRole.merge(role, (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L,
                            Long::sum);
                } catch (java.io.IOException | RuntimeException gone) {
                    // the process ended meanwhile
                }
            }
        } catch (java.io.IOException noProc) {
            return byRole;
        }
        return byRole;
    }

    private static long total(java.util.Map<String, Long> byRole) {
        return byRole.values().stream().mapToLong(Long::longValue).sum();
    }

    private static java.util.Map<String, Long> minus(java.util.Map<String, Long> after,
            java.util.Map<String, Long> before) {
        java.util.Map<String, Long> delta = new java.util.TreeMap<>(after);
        before.forEach((role, nanos) -> delta.merge(role, -nanos, Long::sum));
        return delta;
    }

    private Phase phase(boolean chained, int seconds) throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<List<Long>> perClient = new ArrayList<>();
        AtomicInteger errors = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        long jvm0 = jvmCpu();
        java.util.Map<String, Long> postgres0 = postgresCpu();
        long started = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            List<Long> latencies = new ArrayList<>();
            perClient.add(latencies);
            int first = c;
            Thread thread = new Thread(() -> {
                int pair = first;
                while (System.nanoTime() < end) {
                    pair = (pair + clients) % PAIRS;
                    long t0 = System.nanoTime();
                    try {
                        HttpResponse<byte[]> response = chained
                                ? post(callers.get(pair), "call", targets.get(pair))
                                : post(callees.get(pair), "inc", new byte[0]);
                        if (response.statusCode() != 200 || (chained && response.body()[0] != 'Y')) {
                            errors.incrementAndGet();
                            continue;
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                        continue;
                    }
                    latencies.add(System.nanoTime() - t0);
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        long nanos = System.nanoTime() - started;
        List<Long> all = new ArrayList<>();
        perClient.forEach(all::addAll);
        return new Phase(all, nanos, errors.get(), jvmCpu() - jvm0, minus(postgresCpu(), postgres0));
    }

    /** A new canister with {@code wasm} installed (through the JDK's client: the service's classpath has no other). */
    private String createAndInstall(byte[] wasm) throws Exception {
        HttpResponse<String> created = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/canisters"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        var id = java.util.regex.Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"").matcher(created.body());
        if (created.statusCode() != 201 || !id.find()) {
            throw new IllegalStateException("create: " + created.statusCode() + " " + created.body());
        }
        HttpResponse<String> installed = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/canisters/"
                        + id.group(1) + "/module")).header("Content-Type", "application/wasm")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(wasm)).build(), HttpResponse.BodyHandlers.ofString());
        if (installed.statusCode() != 200) {
            throw new IllegalStateException("install: " + installed.statusCode() + " " + installed.body());
        }
        return id.group(1);
    }

    private HttpResponse<byte[]> post(String canister, String method, byte[] arg) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/canisters/" + canister + "/update/"
                        + method))
                .header("Content-Type", "application/octet-stream").header("Accept", "application/octet-stream")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(arg)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static double percentile(List<Long> nanos, int p) {
        long[] sorted = nanos.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return sorted.length == 0 ? Double.NaN : sorted[Math.min(sorted.length - 1, sorted.length * p / 100)] / 1e6;
    }

    private static byte[] target(String canister, String method) {
        byte[] principal = CanisterId.parse(canister).bytes();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(principal.length);
        out.writeBytes(principal);
        out.writeBytes(method.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
