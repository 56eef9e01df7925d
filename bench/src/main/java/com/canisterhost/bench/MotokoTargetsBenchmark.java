package com.canisterhost.bench;

import com.canisterhost.CanisterHostApplication;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The same Motoko workload built for the two targets, side by side in one run: {@code motoko64/bench32/bench.wasm}
 * (moc 3.9.7: wasm32, classic persistence) and {@code motoko64/bench.wasm} (moc 4.10.0: wasm64, enhanced orthogonal
 * persistence, lowered to a 32-bit memory at install). Per build: install time, and instructions and wall time per
 * call of an update ({@code insert(n)}: n inserts into a hash table, then a sum over all of it) and a query
 * ({@code sum()}).
 *
 * <p>Starts the service in-process on a random port, with its embedded PostgreSQL in a fresh temporary directory
 * (deleted at the end), and talks to it over real HTTP. Every measurement alternates the two builds, and which goes
 * first, so that machine noise and JIT warm-up hit both alike; installs are reinstalls of a canister each. Plain
 * {@code main}, no JMH: each sample is an HTTP round trip of milliseconds (an update's includes its commit).
 *
 * <p>Run with {@code bench/motoko-targets.sh [rounds] [inserts per call]} (defaults 40 and 2000).
 */
public final class MotokoTargetsBenchmark {

    private static final Path CORPUS = Path.of("src/test/resources/motoko64");
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern PERSISTED = Pattern.compile("(?m)^canister_persisted_bytes_total (\\S+)$");
    private static final int INSTALL_ROUNDS = 8;
    private static final int WARMUP_ROUNDS = 30;

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    private MotokoTargetsBenchmark(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** One build under test and what was measured on it. */
    private record Build(String name, byte[] module, String id, Samples install, Samples update, Samples query) {}

    /** Wall times (ns) and instruction counts of one kind of request. */
    private static final class Samples {
        final List<Long> nanos = new ArrayList<>();
        final List<Long> instructions = new ArrayList<>();
        final List<Long> persistedBytes = new ArrayList<>();

        long medianNanos() {
            return median(nanos);
        }

        long medianInstructions() {
            return median(instructions);
        }

        long medianPersistedBytes() {
            return median(persistedBytes);
        }

        private static long median(List<Long> values) {
            if (values.isEmpty()) {
                return 0;
            }
            long[] sorted = values.stream().mapToLong(Long::longValue).sorted().toArray();
            return sorted[sorted.length / 2];
        }
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        int inserts = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        for (String file : List.of("bench.wasm", "bench32/bench.wasm")) {
            if (!Files.isRegularFile(CORPUS.resolve(file))) {
                throw new IllegalStateException(CORPUS.resolve(file).toAbsolutePath() + " not found: run from the "
                        + "repository root (bench/motoko-targets.sh does)");
            }
        }
        Path dataDirectory = Files.createTempDirectory("motoko-targets-pg");
        ConfigurableApplicationContext context = new SpringApplicationBuilder(CanisterHostApplication.class)
                .properties("canister.embedded-postgres.data-directory=" + dataDirectory,
                        "logging.level.root=WARN")
                .run("--server.port=0"); // an argument: a default property loses to application.yml's 8080
        try {
            int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
            new MotokoTargetsBenchmark(port).run(rounds, inserts);
        } finally {
            context.close();
            try (var paths = Files.walk(dataDirectory)) {
                for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    private void run(int rounds, int inserts) throws IOException, InterruptedException {
        List<Build> builds = List.of(build("moc 3.9.7, wasm32", "bench32/bench.wasm"),
                build("moc 4.10.0, wasm64", "bench.wasm"));
        for (Build b : builds) {
            expect(200, send("PUT", "/v1/canisters/" + b.id() + "/module?profile=canonical-nan", "application/wasm",
                    b.module()), "install " + b.name());
        }
        for (int round = 0; round < INSTALL_ROUNDS; round++) {
            for (Build b : ordered(builds, round)) {
                long started = System.nanoTime();
                expect(200, send("PUT", "/v1/canisters/" + b.id() + "/module?mode=reinstall&profile=canonical-nan",
                        "application/wasm", b.module()), "reinstall " + b.name());
                b.install().nanos.add(System.nanoTime() - started);
            }
        }
        byte[] insertArg = candidNat(inserts);
        for (int round = 0; round < WARMUP_ROUNDS + rounds; round++) {
            boolean measured = round >= WARMUP_ROUNDS;
            for (Build b : ordered(builds, round)) {
                call(b, "update/insert", insertArg, measured ? b.update() : null);
                call(b, "query/sum", candidNat(-1), measured ? b.query() : null);
            }
            if (round == WARMUP_ROUNDS - 1) {
                for (Build b : builds) { // measured rounds start from an empty table on both
                    call(b, "update/clear", candidNat(-1), null);
                }
            }
        }
        report(builds, rounds, inserts);
    }

    private Build build(String name, String file) throws IOException, InterruptedException {
        HttpResponse<byte[]> created = send("POST", "/v1/canisters", null, null);
        expect(201, created, "create");
        Matcher id = ID.matcher(new String(created.body()));
        if (!id.find()) {
            throw new IllegalStateException("no id in " + new String(created.body()));
        }
        return new Build(name, Files.readAllBytes(CORPUS.resolve(file)), id.group(1), new Samples(), new Samples(),
                new Samples());
    }

    private void call(Build b, String path, byte[] arg, Samples into) throws IOException, InterruptedException {
        double persistedBefore = into != null ? persisted() : 0;
        long started = System.nanoTime();
        HttpResponse<byte[]> response = send("POST", "/v1/canisters/" + b.id() + "/" + path,
                "application/octet-stream", arg, "Accept", "application/octet-stream");
        long nanos = System.nanoTime() - started;
        expect(200, response, path + " on " + b.name());
        if (into != null) {
            into.nanos.add(nanos);
            into.instructions.add(Long.parseLong(response.headers().firstValue("X-Instructions").orElseThrow()));
            into.persistedBytes.add((long) (persisted() - persistedBefore));
        }
    }

    /** Heap and stable memory bytes the service has written to PostgreSQL so far (its dirty pages). */
    private double persisted() throws IOException, InterruptedException {
        Matcher m = PERSISTED.matcher(new String(send("GET", "/actuator/prometheus", null, null).body()));
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static List<Build> ordered(List<Build> builds, int round) {
        return round % 2 == 0 ? builds : List.of(builds.get(1), builds.get(0));
    }

    private void report(List<Build> builds, int rounds, int inserts) {
        Build b32 = builds.get(0);
        Build b64 = builds.get(1);
        System.out.printf(Locale.ROOT, "%d measured rounds after %d warm-up rounds; insert(%d) per update; %d "
                + "reinstalls each%n%n", rounds, WARMUP_ROUNDS, inserts, INSTALL_ROUNDS);
        System.out.println("| measurement (median) | " + b32.name() + " | " + b64.name() + " | 64-bit / 32-bit |");
        System.out.println("| --- | ---: | ---: | ---: |");
        row("install (reinstall) time, ms", b32.install().medianNanos() / 1e6, b64.install().medianNanos() / 1e6);
        row("`insert` update: instructions", b32.update().medianInstructions(), b64.update().medianInstructions());
        row("`insert` update: time per call, ms", b32.update().medianNanos() / 1e6,
                b64.update().medianNanos() / 1e6);
        row("`insert` update: heap bytes persisted", b32.update().medianPersistedBytes(),
                b64.update().medianPersistedBytes());
        row("`sum` query: instructions", b32.query().medianInstructions(), b64.query().medianInstructions());
        row("`sum` query: time per call, ms", b32.query().medianNanos() / 1e6, b64.query().medianNanos() / 1e6);
        System.out.printf(Locale.ROOT, "%nmodule sizes: %d and %d bytes%n", b32.module().length, b64.module().length);
    }

    private static void row(String what, double a, double b) {
        boolean integral = a == Math.rint(a) && b == Math.rint(b) && a > 1000;
        System.out.printf(Locale.ROOT, integral ? "| %s | %,.0f | %,.0f | %.2f× |%n" : "| %s | %.2f | %.2f | %.2f× |%n",
                what, a, b, b / a);
    }

    /** A Candid argument list: {@code (n : nat)}, or {@code ()} for a negative n. */
    private static byte[] candidNat(long n) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {'D', 'I', 'D', 'L', 0});
        if (n < 0) {
            out.write(0);
            return out.toByteArray();
        }
        out.write(1);
        out.write(0x7d);
        long v = n;
        do {
            int b = (int) (v & 0x7f);
            v >>>= 7;
            out.write(v != 0 ? b | 0x80 : b);
        } while (v != 0);
        return out.toByteArray();
    }

    private HttpResponse<byte[]> send(String method, String path, String contentType, byte[] body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void expect(int status, HttpResponse<byte[]> response, String what) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(what + ": " + response.statusCode() + " " + new String(response.body()));
        }
    }
}
