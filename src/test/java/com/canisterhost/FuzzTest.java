package com.canisterhost;

import static com.canisterhost.support.CanisterFixtures.wasm;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.canisterhost.support.EndToEndTest;
import com.canisterhost.support.Http;
import com.canisterhost.support.Http.Response;
import com.canisterhost.support.MalformedRequests;
import com.canisterhost.support.WasmMutator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.test.context.TestPropertySource;

/**
 * Fuzzing over real HTTP: 10,000+ mutated real modules (validation, and a few hundred installs) and 10,000+ malformed
 * requests, from a fixed seed. No answer may be a 5xx or leak internals (stack frames, class names, paths), no
 * unhandled exception may reach the log, and the service must be healthy and working afterwards. Its threads may all
 * validate at once: a permit each, so that none is refused as busy (503), which would hide a real 5xx among them.
 */
@TestPropertySource(properties = "canister.module.max-concurrent-preparations=" + FuzzTest.THREADS)
class FuzzTest extends EndToEndTest {

    private static final long SEED = 0x8_2026L;
    private static final int MODULES = 10_000;
    private static final int MOTOKO_MODULES = 200;
    private static final int INSTALLS = 300;
    private static final int REQUESTS = 10_000;
    private static final int RAW_REQUESTS = 600;
    static final int THREADS = 4;
    /** What no error answer may contain: stack frames, exception class names, package names, file paths. */
    private static final List<String> LEAKS = List.of("\tat ", ".java:", "Exception", "java.lang", "org.spring",
            "com.canisterhost", "tools.jackson", "com.dylibso", "/work/", "/home/", "/root/", "/tmp/");

    private Http fuzzer; // HTTP/1.1 only: malformed requests must reach the server as written
    private final Queue<String> failures = new ConcurrentLinkedQueue<>();
    private final Queue<String> logged = new ConcurrentLinkedQueue<>();
    private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    private AppenderBase<ILoggingEvent> appender;
    private volatile String slowest = "none";
    private volatile long slowestNanos;

    @BeforeEach
    void watchLog() {
        fuzzer = new Http(port(), HttpClient.Version.HTTP_1_1);
        appender = new AppenderBase<>() {
            @Override
            protected void append(ILoggingEvent event) {
                if (event.getLevel().isGreaterOrEqual(Level.ERROR)
                        || event.getLevel().isGreaterOrEqual(Level.WARN) && event.getThrowableProxy() != null) {
                    logged.add(event.getLevel() + " " + event.getLoggerName() + ": " + event.getFormattedMessage()
                            + (event.getThrowableProxy() == null ? "" : " / " + event.getThrowableProxy()
                                    .getClassName() + ": " + event.getThrowableProxy().getMessage()));
                }
            }
        };
        appender.start();
        root().addAppender(appender);
    }

    @AfterEach
    void stopWatching() {
        root().detachAppender(appender);
    }

    @Test
    void mutatedModulesAndMalformedRequestsNeverBreakTheService() throws Exception {
        http.createCanister(); // the first id is a well-known one the fuzzer tries: give it a decoy
        String canister = http.createCanister();
        assertThat(http.install(canister, wasm("counter"), "").status()).isEqualTo(200);
        String stopped = http.createCanister();
        assertThat(http.install(stopped, wasm("counter"), "").status()).isEqualTo(200);
        assertThat(http.post("/v1/canisters/" + stopped + "/stop").status()).isEqualTo(200);

        List<byte[]> small = seeds();
        List<byte[]> motoko = List.of(resource("/motoko/counter.wasm"), resource("/motoko/trap.wasm"));
        long started = System.nanoTime();

        // 1. mutated modules, validated (the install path's validation, without installing)
        IntFunction<Integer> validate = i -> {
            WasmMutator mutator = new WasmMutator(new Random(SEED + i));
            byte[] seed = i < MODULES ? small.get(i % small.size()) : motoko.get(i % motoko.size());
            WasmMutator.Mutant mutant = mutator.mutate(seed);
            return send("POST", "/v1/modules/validate?profile=" + (i % 3 == 0 ? "canonical-nan" : "strict"),
                    "application/wasm", mutant.bytes(), new String[0], "module " + i + " (" + mutant.how() + ")");
        };
        int modules = run(MODULES, 1, validate);
        long afterSmall = System.nanoTime();
        modules += run(MOTOKO_MODULES, 1, i -> validate.apply(MODULES + i));
        long afterModules = System.nanoTime();

        // 2. a few hundred installs of mutants of small canisters, into canisters of their own
        List<String> targets = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            targets.add(http.createCanister());
        }
        int installs = run(INSTALLS, 2, i -> {
            WasmMutator.Mutant mutant = new WasmMutator(new Random(SEED * 31 + i)).mutate(
                    i % 2 == 0 ? wasm("counter") : wasm("whoami"));
            return send("PUT", "/v1/canisters/" + targets.get(i % targets.size()) + "/module?mode=reinstall",
                    "application/wasm", mutant.bytes(), new String[0], "install " + i + " (" + mutant.how() + ")");
        });
        long afterInstalls = System.nanoTime();

        // 3. malformed requests through an HTTP client, and some that only a raw socket can send
        int requests = run(REQUESTS, 3, i -> {
            MalformedRequests.Fuzzed request = new MalformedRequests(new Random(SEED * 17 + i), canister, stopped)
                    .next();
            return send(request.method(), request.path(), request.contentType(), request.body(), request.headers(),
                    "request " + i + " " + request);
        });
        long afterRequests = System.nanoTime();
        int raw = run(RAW_REQUESTS, 3, i -> rawRequest(new Random(SEED * 13 + i), canister, i));
        long finished = System.nanoTime();

        System.out.printf("fuzz: %d module mutants in %.1f s (%d Motoko ones: %.1f s), %d installs in %.1f s, %d malformed requests in %.1f s, "
                + "%d raw requests in %.1f s; statuses %s; slowest %s%n", modules, (afterModules - started) / 1e9,
                MOTOKO_MODULES, (afterModules - afterSmall) / 1e9,
                installs, (afterInstalls - afterModules) / 1e9, requests, (afterRequests - afterInstalls) / 1e9, raw,
                (finished - afterRequests) / 1e9, statuses, slowest);

        assertThat(modules).isGreaterThanOrEqualTo(10_000);
        assertThat(requests + raw).isGreaterThanOrEqualTo(10_000);
        assertThat(failures).as("5xx answers, leaks and transport failures").isEmpty();
        assertThat(logged).as("errors and exceptions in the service log").isEmpty();
        assertThat(statuses.keySet()).allMatch(status -> status < 500);

        // healthy, and still doing its job
        assertThat(http.get("/actuator/health").json().get("status").asText()).isEqualTo("UP");
        assertThat(http.update(canister, "inc", new byte[0]).status()).isEqualTo(200);
        String fresh = http.createCanister();
        assertThat(http.install(fresh, wasm("counter"), "").status()).isEqualTo(200);
        assertThat(http.query(fresh, "get", new byte[0]).status()).isEqualTo(200);
    }

    /** Runs {@code count} requests on {@code THREADS} threads; returns how many completed. */
    private int run(int count, int phase, IntFunction<Integer> request) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        AtomicInteger done = new AtomicInteger();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    for (int i = thread; i < count; i += THREADS) {
                        int status = request.apply(i);
                        statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                        done.incrementAndGet();
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        return done.get();
    }

    private int send(String method, String path, String contentType, byte[] body, String[] headers, String what) {
        try {
            long start = System.nanoTime();
            Response response = fuzzer.exchange(Duration.ofSeconds(30), method, path, contentType, body, headers);
            long took = System.nanoTime() - start;
            if (took > slowestNanos) {
                slowestNanos = took;
                slowest = String.format("%.2f s: %s", took / 1e9, abbreviate(what));
            }
            check(response.status(), new String(response.body(), StandardCharsets.ISO_8859_1), what);
            if (response.status() >= 400 && response.body().length > 0
                    && !response.contentType().startsWith("application/problem+json")) {
                failures.add(what + " -> " + response.status() + " is not problem+json: "
                        + response.headers().firstValue("Content-Type").orElse("no Content-Type"));
            }
            return response.status();
        } catch (IOException e) {
            // a server may close the connection on a request it refuses outright (e.g. huge headers)
            if (what.contains("huge headers")) {
                return 0;
            }
            failures.add(what + " -> " + e);
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void check(int status, String body, String what) {
        if (status >= 500) {
            failures.add(what + " -> " + status + " " + abbreviate(body));
        } else if ((status >= 400 || status == 0) && LEAKS.stream().anyMatch(body::contains)) {
            failures.add(what + " -> leaks: " + status + " " + abbreviate(body));
        }
    }

    /** Requests an HTTP client refuses to send: raw bytes in the request line and headers, broken framing. */
    private int rawRequest(Random random, String canister, int i) {
        String target = switch (random.nextInt(8)) {
            case 6 -> "/v1/canisters/" + canister + "/query/%" + (random.nextBoolean() ? "zz" : "");
            case 7 -> "/v1/canisters/%g0/stop";
            case 0 -> "/v1/canisters/" + canister + "/query/\u00ff\u00fe";
            case 1 -> "/v1/canisters/" + canister + "/update/a b";
            case 2 -> "/v1/canisters/\u0000";
            case 3 -> "*";
            case 4 -> "http://evil.example/v1/canisters";
            default -> "/v1/canisters/" + canister + "/query/get?x=\u0001";
        };
        String method = new String[] {"GET", "POST", "G\u00c9T", "BREW", "POST"}[random.nextInt(5)];
        String version = new String[] {"HTTP/1.1", "HTTP/1.1", "HTTP/9.9", "HTTP/1.1x", ""}[random.nextInt(5)];
        StringBuilder head = new StringBuilder(method + " " + target + (version.isEmpty() ? "" : " " + version)
                + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
        String body = "";
        switch (random.nextInt(6)) {
            case 0 -> head.append("Content-Length: -5\r\n");
            case 1 -> head.append("Transfer-Encoding: chunked\r\n");
            case 2 -> head.append("Content-Length: 1\r\nContent-Length: 2\r\n");
            case 3 -> head.append("X-Bad\u0001Header: x\r\nNoColonHere\r\n");
            case 4 -> head.append("Content-Type: application/json\r\nContent-Length: 2\r\n");
            default -> head.append(" folded: continuation\r\n");
        }
        if (head.indexOf("chunked") >= 0) {
            body = "zz\r\nnot hex\r\n0\r\n\r\n";
        } else if (head.indexOf("Content-Length: 2\r\n") >= 0) {
            body = "{}";
        }
        head.append("\r\n").append(body);
        String what = "raw request " + i + ": " + head.toString().replace("\r\n", " | ");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port()), 5000);
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream response = new ByteArrayOutputStream();
            in.transferTo(response);
            String text = response.toString(StandardCharsets.ISO_8859_1);
            if (!text.startsWith("HTTP/1.1 ")) {
                check(0, text, what); // no answer, or an HTTP/0.9 one (no status line): only look for leaks
                return 0;
            }
            int status = Integer.parseInt(text.substring(9, 12));
            check(status, text, what);
            return status;
        } catch (IOException | RuntimeException e) {
            if (e instanceof java.net.SocketException) {
                return 0; // reset by the server
            }
            failures.add(what + " -> " + e);
            return -1;
        }
    }

    private static List<byte[]> seeds() throws IOException {
        List<byte[]> seeds = new ArrayList<>();
        for (String name : new String[] {"counter", "whoami", "init_trap", "start_fn", "bad_signature", "unknown_ic0",
            "wasi_import"}) {
            seeds.add(wasm(name));
        }
        for (String name : new String[] {"/metering/fib.wasm", "/metering/loops.wasm", "/metering/bulk.wasm",
            "/metering/float.wasm", "/metering/sha256.wasm", "/state/smallheap.wasm"}) {
            seeds.add(resource(name));
        }
        try (var files = Files.list(Path.of("src/test/resources/validation/accepted"))) {
            files.filter(f -> f.toString().endsWith(".wasm")).sorted().forEach(f -> {
                try {
                    byte[] bytes = Files.readAllBytes(f);
                    if (bytes.length < 64 * 1024) {
                        seeds.add(bytes);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
        return seeds;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = FuzzTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    private static String abbreviate(String text) {
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
