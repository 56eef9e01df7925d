package com.canisterhost.bench;

import com.canisterhost.CanisterHostApplication;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What one committed update that dirties one 4 KiB page costs on a canister with a 64 MiB heap, against the same
 * update on a 64 KiB heap: per-update latency over real HTTP, and PostgreSQL WAL bytes per update.
 *
 * <p>Starts the service in-process on a random port with its embedded PostgreSQL in a fresh temporary directory
 * (deleted at the end), installs {@code src/test/resources/state/bigheap.wasm} and {@code smallheap.wasm} (paths
 * relative to the working directory, the repository root), fills every 4 KiB page of both heaps with
 * {@code fill_all}, then runs
 * {@value #WARMUP} warm-up and {@value #MEASURED} measured {@code touch} updates per canister. The measured ones run
 * in blocks of {@value #BLOCK}, alternating between the canisters (and which goes first), so that machine noise hits
 * both alike; the WAL position is read around each block, so the WAL is still per canister. Anything else writing
 * WAL meanwhile (autovacuum, a checkpoint) is counted too.
 *
 * <p>WAL is measured with {@code pg_current_wal_insert_lsn()}, and also reported with {@code pg_current_wal_lsn()}:
 * the embedded PostgreSQL runs with {@code synchronous_commit=off}, so a commit returns before its WAL is written
 * and the write position lags by up to the WAL writer's delay; over a block of a few updates it can put bytes into
 * the wrong block. The insert position counts exactly what each block generated.
 *
 * <p>Run with {@code bench/heap-persistence.sh}. Plain {@code main}, no JMH: each sample is a whole HTTP round trip
 * including a PostgreSQL commit, milliseconds long.
 */
public final class HeapPersistenceBenchmark {

    static final int WARMUP = 20;
    static final int MEASURED = 100;
    static final int BLOCK = 10;
    private static final int BIG_PAGES = 16384;
    private static final int SMALL_PAGES = 16;
    private static final Path STATE = Path.of("src/test/resources/state");
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final DataSource dataSource;

    private HeapPersistenceBenchmark(int port, DataSource dataSource) {
        this.base = "http://127.0.0.1:" + port;
        this.dataSource = dataSource;
    }

    /** One canister under test and what was measured on it. */
    private static final class Subject {
        final String name;
        final String id;
        final int pages;
        final Map<Integer, Long> expected = new HashMap<>(); // counter value per page, as the canister should hold it
        final List<Long> latenciesNanos = new ArrayList<>();
        long walBytes; // by insert position
        long walWriteBytes; // by write position (pg_current_wal_lsn)
        int updates;
        int next; // the i of the next touch: p = i % pages

        Subject(String name, String id, int pages) {
            this.name = name;
            this.id = id;
            this.pages = pages;
        }
    }

    public static void main(String[] args) throws Exception {
        for (String file : List.of("bigheap.wasm", "smallheap.wasm")) {
            if (!Files.isRegularFile(STATE.resolve(file))) {
                throw new IllegalStateException(STATE.resolve(file).toAbsolutePath() + " not found: run from the "
                        + "repository root (bench/heap-persistence.sh does), after scripts/build-state-canisters.sh");
            }
        }
        Path dataDirectory = Files.createTempDirectory("heap-persistence-pg");
        System.out.println("embedded PostgreSQL data directory: " + dataDirectory);
        ConfigurableApplicationContext context = new SpringApplicationBuilder(CanisterHostApplication.class)
                .properties("server.port=0",
                        "canister.embedded-postgres.data-directory=" + dataDirectory,
                        "logging.level.root=WARN")
                .run(args);
        try {
            int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
            new HeapPersistenceBenchmark(port, context.getBean(DataSource.class)).run();
        } finally {
            context.close(); // stops the embedded PostgreSQL too
            deleteRecursively(dataDirectory);
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (var paths = Files.walk(directory)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private void run() throws IOException, SQLException {
        System.out.println("PostgreSQL: " + sqlString("SELECT version()"));
        System.out.println("  full_page_writes=" + sqlString("SHOW full_page_writes") + " wal_level="
                + sqlString("SHOW wal_level") + " checkpoint_timeout=" + sqlString("SHOW checkpoint_timeout")
                + " max_wal_size=" + sqlString("SHOW max_wal_size") + " synchronous_commit="
                + sqlString("SHOW synchronous_commit") + " fsync=" + sqlString("SHOW fsync"));

        Subject big = new Subject("bigheap (64 MiB + 64 KiB)", create(), BIG_PAGES);
        Subject small = new Subject("smallheap (64 KiB)", create(), SMALL_PAGES);
        for (Subject s : List.of(big, small)) {
            String wasm = s == big ? "bigheap.wasm" : "smallheap.wasm";
            Response installed = send("PUT", "/v1/canisters/" + s.id + "/module", "application/wasm",
                    Files.readAllBytes(STATE.resolve(wasm)));
            expect(installed, 200, 201, "install " + wasm + " on " + s.id);
            System.out.printf("installed %-15s on %s: %s%n", wasm, s.id, installed.text());
        }
        for (Subject s : List.of(big, small)) {
            Lsn before = lsn();
            long start = System.nanoTime();
            Response filled = update(s.id, "fill_all", new byte[0]);
            long nanos = System.nanoTime() - start;
            expect(filled, 200, "fill_all on " + s.name);
            System.out.printf("fill_all %-27s %9.1f ms, WAL %,d bytes, stored heap pages: %s%n", s.name,
                    nanos / 1e6, walBetween(before.insert(), lsn().insert()), storedPages(s.id));
        }

        for (int i = 0; i < WARMUP; i++) {
            for (Subject s : List.of(big, small)) {
                touch(s, false);
            }
        }
        for (int block = 0; block < MEASURED / BLOCK; block++) {
            List<Subject> order = block % 2 == 0 ? List.of(big, small) : List.of(small, big);
            for (Subject s : order) {
                Lsn before = lsn();
                for (int i = 0; i < BLOCK; i++) {
                    touch(s, true);
                }
                Lsn after = lsn();
                s.walBytes += walBetween(before.insert(), after.insert());
                s.walWriteBytes += walBetween(before.write(), after.write());
                s.updates += BLOCK;
            }
        }
        for (Subject s : List.of(big, small)) { // every page's counter, as read back by a query
            for (Map.Entry<Integer, Long> page : s.expected.entrySet()) {
                Response peek = send("POST", "/v1/canisters/" + s.id + "/query/peek", "application/octet-stream",
                        u32(page.getKey()), "Accept", "application/octet-stream");
                expect(peek, 200, "peek " + page.getKey() + " on " + s.name);
                if (readU32(peek.body) != page.getValue()) {
                    throw new IllegalStateException(s.name + " page " + page.getKey() + " holds " + readU32(peek.body)
                            + ", expected " + page.getValue());
                }
            }
        }

        System.out.println();
        System.out.printf("%d measured touch updates per canister (after %d warm-up), in %d interleaved blocks of %d;"
                + " each changes one 4 KiB page%n", MEASURED, WARMUP, MEASURED / BLOCK, BLOCK);
        System.out.printf("%-27s %8s %8s %8s %8s %8s %13s %13s%n", "canister", "p50 ms", "mean ms", "p99 ms",
                "min ms", "max ms", "WAL B/update", "(write pos.)");
        for (Subject s : List.of(big, small)) {
            double[] ms = millis(s);
            System.out.printf(Locale.ROOT, "%-27s %8.3f %8.3f %8.3f %8.3f %8.3f %,13.0f %,13.0f%n", s.name,
                    percentile(ms, 50), mean(ms), percentile(ms, 99), ms[0], ms[ms.length - 1],
                    (double) s.walBytes / s.updates, (double) s.walWriteBytes / s.updates);
        }
        System.out.println("(p50 and p99 are nearest-rank; WAL B/update by pg_current_wal_insert_lsn(), in brackets by "
                + "pg_current_wal_lsn())");
        double bigWal = (double) big.walBytes / big.updates;
        double[] bigMs = millis(big);
        double[] smallMs = millis(small);
        double p50Ratio = percentile(bigMs, 50) / percentile(smallMs, 50);
        double meanRatio = mean(bigMs) / mean(smallMs);
        System.out.println();
        System.out.printf(Locale.ROOT, "WAL bytes per update, 64 MiB canister: %,.0f (goal <= 65,536): %s%n", bigWal,
                bigWal <= 65536 ? "met" : "MISSED");
        System.out.printf(Locale.ROOT, "latency big/small, p50:  %.3f (goal <= 1.5): %s%n", p50Ratio,
                p50Ratio <= 1.5 ? "met" : "MISSED");
        System.out.printf(Locale.ROOT, "latency big/small, mean: %.3f (goal <= 1.5): %s%n", meanRatio,
                meanRatio <= 1.5 ? "met" : "MISSED");
        System.out.println();
        Response status = send("GET", "/v1/canisters/" + big.id, null, null);
        expect(status, 200, "status of " + big.id);
        System.out.println("status of the 64 MiB canister: " + status.text());
        System.out.println("stored heap pages: big " + storedPages(big.id) + "; small " + storedPages(small.id));
    }

    /** One touch on the subject's next page; checks the reply is the page's new counter value. */
    private void touch(Subject s, boolean measured) {
        int page = s.next++ % s.pages;
        long start = System.nanoTime();
        Response reply = update(s.id, "touch", u32(page));
        long nanos = System.nanoTime() - start;
        expect(reply, 200, "touch " + page + " on " + s.name);
        long value = s.expected.merge(page, 1L, Long::sum);
        if (readU32(reply.body) != value) {
            throw new IllegalStateException("touch " + page + " on " + s.name + " replied " + readU32(reply.body)
                    + ", expected " + value);
        }
        if (measured) {
            s.latenciesNanos.add(nanos);
        }
    }

    // --- HTTP ---------------------------------------------------------------------------------------------------

    private record Response(int status, byte[] body, String contentType) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private Response send(String method, String path, String contentType, byte[] body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofMinutes(5))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(response.statusCode(), response.body(),
                    response.headers().firstValue("Content-Type").orElse(""));
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private Response update(String id, String method, byte[] arg) {
        return send("POST", "/v1/canisters/" + id + "/update/" + method, "application/octet-stream", arg,
                "Accept", "application/octet-stream");
    }

    private String create() {
        Response created = send("POST", "/v1/canisters", null, null);
        expect(created, 201, "create a canister");
        Matcher id = ID.matcher(created.text());
        if (!id.find()) {
            throw new IllegalStateException("no id in " + created.text());
        }
        return id.group(1);
    }

    /** Fails with the exact response unless its status is one of {@code ok}. */
    private static void expect(Response response, int ok, String what) {
        expect(response, ok, ok, what);
    }

    private static void expect(Response response, int ok, int alsoOk, String what) {
        if (response.status() != ok && response.status() != alsoOk) {
            throw new IllegalStateException(what + " failed: HTTP " + response.status() + " "
                    + response.contentType() + "\n" + response.text());
        }
    }

    private static byte[] u32(int value) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array();
    }

    private static long readU32(byte[] bytes) {
        if (bytes.length != 4) {
            throw new IllegalStateException("expected a 4-byte reply, got " + bytes.length + " bytes");
        }
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
    }

    // --- PostgreSQL ---------------------------------------------------------------------------------------------

    /** The WAL insert and write positions. */
    private record Lsn(String insert, String write) {}

    private Lsn lsn() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT pg_current_wal_insert_lsn()::text, pg_current_wal_lsn()::text")) {
            rs.next();
            return new Lsn(rs.getString(1), rs.getString(2));
        }
    }

    private long walBetween(String before, String after) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT pg_wal_lsn_diff(?::pg_lsn, ?::pg_lsn)::bigint")) {
            s.setString(1, after);
            s.setString(2, before);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Rows and bytes (as stored, after compression) of a canister's heap pages. */
    private String storedPages(String canisterId) throws SQLException {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT count(*), coalesce(sum(pg_column_size(data)), 0) "
                        + "FROM memory_pages WHERE canister_id = ? AND kind = 0")) {
            s.setString(1, canisterId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return String.format(Locale.ROOT, "%,d rows, %,d bytes stored", rs.getLong(1), rs.getLong(2));
            }
        }
    }

    private String sqlString(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    // --- statistics ---------------------------------------------------------------------------------------------

    private static double[] millis(Subject s) {
        return s.latenciesNanos.stream().mapToDouble(n -> n / 1e6).sorted().toArray();
    }

    /** Nearest-rank percentile of sorted values. */
    private static double percentile(double[] sorted, double p) {
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }

    private static double mean(double[] values) {
        return Arrays.stream(values).average().orElse(Double.NaN);
    }
}
