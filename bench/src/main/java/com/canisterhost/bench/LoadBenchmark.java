package com.canisterhost.bench;

import static com.canisterhost.bench.ServiceSetUp.env;
import static com.canisterhost.bench.ServiceSetUp.rank;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Load test of a running canister-host against the PostgreSQL it runs on, in one run (started by
 * {@code bench/load.sh}, which builds the service, creates a fresh database, starts the service on it and writes the
 * table this prints into bench/RESULTS.md).
 *
 * <ol>
 *   <li>Ceiling: {@code pgbench -n -c CLIENTS -j 2}, one transaction = one upsert of a 4 KiB {@code bytea} row into a
 *       table shaped like {@code memory_pages}, keys random among {@code CANISTERS} rows (the rows the service's
 *       updates touch: one heap page per counter canister). Run in three parts that alternate with two parts of
 *       the service's update phase, so that drifting machine load hits both sides alike.
 *   <li>Durable updates: CLIENTS closed-loop clients, each calling {@code update/inc} on a canister picked at random
 *       among CANISTERS counter canisters, back to back.
 *   <li>Queries: CLIENTS clients calling {@code query/get} (random canister) against CLIENTS clients calling
 *       {@code GET /actuator/info} (a trivial endpoint of the same application that touches no database), in
 *       alternating rounds (ABBA).
 *   <li>Isolation: one client calling {@code update/inc} back to back on its own counter canister, first alone
 *       (idle), then while two other clients keep two canisters spinning at their instruction limit
 *       ({@code loop_forever} of counter.wasm, back to back, each call ending in 422 instruction-limit-exceeded).
 * </ol>
 *
 * <p>After start-up, the service gets an unmeasured minute of updates and queries: on two busy cores its JIT was
 * still compiling (at 0.4 cores) 40 s into a run. Every phase then has a short unmeasured warm-up of its own.
 * Latency is every request's round trip ({@code System.nanoTime} around one request on a {@link DriverConnection},
 * a blocking keep-alive connection per client thread: the JDK's {@code java.net.http.HttpClient} used a third of
 * the machine at this load, Apache HttpClient 5's classic client 0.07 ms of CPU per update call), percentiles
 * nearest-rank. Requests count when they start and finish
 * inside the measured window. CPU time of the service, PostgreSQL (postmaster and all its children, including
 * backends that exited), this driver and pgbench is read from /proc around each phase, with the machine's total,
 * so the remainder is what
 * other processes on the machine used meanwhile.
 *
 * <p>Settings come from environment variables (defaults in brackets): LOAD_BASE_URL (required), LOAD_DB
 * [canister_load], LOAD_PG_HOST [127.0.0.1], LOAD_PG_PORT [5432], LOAD_PG_USER [postgres], LOAD_SERVICE_PID,
 * LOAD_CLIENTS [16], LOAD_CANISTERS [64], LOAD_JIT_WARMUP_SECS [60], LOAD_WARMUP_SECS [5], LOAD_PGBENCH_SECS [30, in three parts],
 * LOAD_UPDATE_SECS [30], LOAD_QUERY_SECS [20 per endpoint, in two rounds], LOAD_ISOLATION_SECS [20 idle + 20
 * loaded], LOAD_COUNTER_WASM [src/test/resources/canisters/counter.wasm], LOAD_OUT [markdown output file].
 */
public final class LoadBenchmark {

    private static final Pattern INSTRUCTIONS = Pattern.compile("\"instructions\"\\s*:\\s*(\\d+)");
    private static final Pattern TPS = Pattern.compile(
            "tps = ([0-9.]+) \\((?:without initial connection time|excluding connections establishing)\\)");

    private final String base = requiredEnv("LOAD_BASE_URL");
    private final String db = env("LOAD_DB", "canister_load");
    private final String pgHost = env("LOAD_PG_HOST", "127.0.0.1");
    private final String pgPort = env("LOAD_PG_PORT", "5432");
    private final String pgUser = env("LOAD_PG_USER", "postgres");
    private final long servicePid = Long.parseLong(env("LOAD_SERVICE_PID", "0"));
    private final int clients = Integer.parseInt(env("LOAD_CLIENTS", "16"));
    private final int canisterCount = Integer.parseInt(env("LOAD_CANISTERS", "64"));
    private final int warmupSecs = Integer.parseInt(env("LOAD_WARMUP_SECS", "5"));
    private final int jitWarmupSecs = Integer.parseInt(env("LOAD_JIT_WARMUP_SECS", "60"));
    private final int pgbenchSecs = Integer.parseInt(env("LOAD_PGBENCH_SECS", "30"));
    private final int updateSecs = Integer.parseInt(env("LOAD_UPDATE_SECS", "30"));
    private final int querySecs = Integer.parseInt(env("LOAD_QUERY_SECS", "20"));
    private final int isolationSecs = Integer.parseInt(env("LOAD_ISOLATION_SECS", "20"));
    private final Path counterWasm = Path.of(env("LOAD_COUNTER_WASM", "src/test/resources/canisters/counter.wasm"));
    private final Path out = Path.of(env("LOAD_OUT", "target/load-results.md"));

    /** The measured requests' connections: one per client thread (see {@link DriverConnection}). */
    private final ThreadLocal<DriverConnection> connections =
            ThreadLocal.withInitial(() -> new DriverConnection(java.net.URI.create(base)));

    private final ServiceSetUp setUp = new ServiceSetUp(base);
    private final Cpu cpu;
    private final Map<String, String> cpuRows = new LinkedHashMap<>();

    private LoadBenchmark() {
        this.cpu = new Cpu(servicePid, postmasterPid(), db);
    }

    public static void main(String[] args) throws Exception {
        new LoadBenchmark().run();
    }

    private void run() throws Exception {
        String startedAt = java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).withNano(0).toString()
                .replace('T', ' ');
        String loadAverage = String.join(" ", Arrays.copyOf(
                Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+"), 3));
        System.out.printf("PostgreSQL: %s%n", psql("SELECT version()"));
        String syncCommit = psql("SHOW synchronous_commit");
        String fsync = psql("SHOW fsync");
        String walSync = psql("SHOW wal_sync_method");
        String commitDelay = psql("SHOW commit_delay");
        System.out.printf("synchronous_commit=%s fsync=%s wal_sync_method=%s commit_delay=%s%n", syncCommit, fsync,
                walSync, commitDelay);

        // --- setup ------------------------------------------------------------------------------------------
        byte[] wasm = Files.readAllBytes(counterWasm);
        List<String> counters = new ArrayList<>();
        for (int i = 0; i < canisterCount; i++) {
            counters.add(setUp.createAndInstall(wasm));
        }
        String victim = setUp.createAndInstall(wasm);
        List<String> spinners = List.of(setUp.createAndInstall(wasm), setUp.createAndInstall(wasm));
        System.out.printf("created %d counter canisters (+1 isolation victim, 2 spinners)%n", canisterCount);

        psql("DROP TABLE IF EXISTS pgbench_pages");
        psql("CREATE TABLE pgbench_pages (canister_id text NOT NULL, kind smallint NOT NULL, page_index integer NOT NULL,"
                + " data bytea NOT NULL, PRIMARY KEY (canister_id, kind, page_index))");
        psql("INSERT INTO pgbench_pages SELECT 'c' || k, 0, 0, decode(repeat('00', 4096), 'hex')"
                + " FROM generate_series(1, " + canisterCount + ") AS k");
        Path pgbenchDir = Files.createTempDirectory("load-pgbench");
        Path script = pgbenchDir.resolve("upsert.sql");
        // Like a counter canister's heap page: 4 KiB, mostly zeros, the first 8 bytes changed by every update.
        Files.writeString(script, String.format(Locale.ROOT, """
                \\set k random(1, %d)
                \\set v random(1, 1000000000)
                INSERT INTO pgbench_pages (canister_id, kind, page_index, data) VALUES ('c' || :k, 0, 0, \
                overlay(decode(repeat('00', 4096), 'hex') placing int8send(:v) from 1)) \
                ON CONFLICT (canister_id, kind, page_index) DO UPDATE SET data = EXCLUDED.data;
                """, canisterCount));

        // --- the service's JIT: on 2 busy cores it keeps compiling for about a minute after start-up ----------
        closedLoop("JIT warm-up, updates and queries", clients, jitWarmupSecs, 0,
                c -> c % 2 == 0 ? () -> post("/v1/canisters/" + counters.get(rnd(counters.size())) + "/update/inc")
                        : () -> post("/v1/canisters/" + counters.get(rnd(counters.size())) + "/query/get"), 200);

        // --- ceiling and durable updates, alternating: pgbench, updates, pgbench, updates, pgbench -----------
        pgbench(script, pgbenchDir.resolve("warmup"), Math.max(1, warmupSecs), false);
        List<Pgbench> ceilings = new ArrayList<>();
        List<Phase> updateParts = new ArrayList<>();
        for (int part = 0; part < 3; part++) {
            ceilings.add(measuredPgbench(script, pgbenchDir.resolve("p" + part), share(pgbenchSecs, 3, part),
                    "pgbench, part " + (part + 1) + " of 3"));
            if (part < 2) {
                Phase updatePart = closedLoop("updates inc, part " + (part + 1) + " of 2", clients, warmupSecs,
                        share(updateSecs, 2, part),
                        c -> () -> post("/v1/canisters/" + counters.get(rnd(counters.size())) + "/update/inc"), 200);
                updateParts.add(updatePart);
            }
        }
        Phase updates = Phase.merge("updates inc", updateParts.get(0), updateParts.get(1));
        long pgTx = ceilings.stream().mapToLong(Pgbench::transactions).sum();
        double ceilingTps = pgTx / ceilings.stream().mapToDouble(c -> c.transactions / c.tps).sum();
        long[] pgLatencies = ceilings.stream().map(Pgbench::latenciesMicros).reduce(new long[0],
                LoadBenchmark::concat);
        Arrays.sort(pgLatencies);
        deleteRecursively(pgbenchDir);
        psql("DROP TABLE pgbench_pages");

        // --- queries vs trivial endpoint, ABBA -------------------------------------------------------------
        IntFunction<Call> query = c -> () -> post("/v1/canisters/" + counters.get(rnd(counters.size())) + "/query/get");
        IntFunction<Call> info = c -> () -> get("/actuator/info");
        closedLoop("warm-up query get", clients, warmupSecs, 0, query, 200);
        closedLoop("warm-up actuator/info", clients, warmupSecs, 0, info, 200);
        int round = Math.max(1, querySecs / 2);
        Phase q1 = closedLoop("query get, round 1", clients, 0, round, query, 200);
        Phase i1 = closedLoop("actuator/info, round 1", clients, 0, round, info, 200);
        Phase i2 = closedLoop("actuator/info, round 2", clients, 0, round, info, 200);
        Phase q2 = closedLoop("query get, round 2", clients, 0, round, query, 200);
        Phase queries = Phase.merge("query get", q1, q2);
        Phase infos = Phase.merge("actuator/info", i1, i2);

        // --- isolation ---------------------------------------------------------------------------------------
        Phase idle = closedLoop("isolation, idle", 1, warmupSecs, isolationSecs,
                c -> () -> post("/v1/canisters/" + victim + "/update/inc"), 200);
        AtomicBoolean spinning = new AtomicBoolean(true);
        List<long[]> spins = new ArrayList<>(); // {nanos, status, instructions}
        List<Thread> spinnerThreads = new ArrayList<>();
        for (String spinner : spinners) {
            Thread t = new Thread(() -> {
                while (spinning.get()) {
                    long start = System.nanoTime();
                    Reply r = post("/v1/canisters/" + spinner + "/update/loop_forever");
                    long nanos = System.nanoTime() - start;
                    long instructions = r.instructions;
                    synchronized (spins) {
                        spins.add(new long[] {nanos, r.status, instructions});
                    }
                }
            }, "spinner-" + spinner);
            t.start();
            spinnerThreads.add(t);
        }
        Thread.sleep(500); // both spinning calls are in flight
        Phase loaded = closedLoop("isolation, 2 canisters spinning", 1, 0, isolationSecs,
                c -> () -> post("/v1/canisters/" + victim + "/update/inc"), 200);
        spinning.set(false);
        System.out.println("waiting for the spinning calls in flight to end");
        for (Thread t : spinnerThreads) {
            t.join();
        }
        String spinSummary = spinSummary(spins);
        System.out.println(spinSummary);

        // --- report ----------------------------------------------------------------------------------------
        double updateRatio = updates.throughput() / ceilingTps;
        double queryRatio = queries.throughput() / infos.throughput();
        double isolationRatio = loaded.percentile(99) / idle.percentile(99);
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "Run of %s UTC at commit `%s`, on %d cores (load average when it "
                + "started: %s). ", startedAt, env("LOAD_GIT_REV", "?"), Runtime.getRuntime().availableProcessors(),
                loadAverage));
        md.append(String.format(Locale.ROOT, "PostgreSQL %s on 127.0.0.1, `synchronous_commit=%s`, `fsync=%s`, "
                + "`wal_sync_method=%s`; %d clients, %d counter canisters; warm-up %d s of updates and queries after start-up (the JIT "
                + "compiles for about a minute), then %d s per phase; measured: pgbench "
                + "%d s (in three parts, alternating with two parts of the update phase), updates %d s, queries %d s "
                + "per endpoint (ABBA), "
                + "isolation %d s idle + %d s loaded.%n%n", psql("SHOW server_version"), syncCommit, fsync, walSync,
                clients, canisterCount, jitWarmupSecs, warmupSecs, pgbenchSecs, updateSecs, 2 * round, isolationSecs, isolationSecs));
        md.append("| measurement | throughput /s | p50 ms | p99 ms | ratio | goal |\n");
        md.append("| --- | ---: | ---: | ---: | --- | --- |\n");
        md.append(row("PostgreSQL ceiling: `pgbench`, one 4 KiB upsert per transaction", ceilingTps,
                pgLatencies[rank(pgLatencies.length, 50)] / 1e3, pgLatencies[rank(pgLatencies.length, 99)] / 1e3,
                "parts: " + ceilings.stream().map(c -> String.format(Locale.ROOT, "%.0f", c.tps))
                        .collect(java.util.stream.Collectors.joining(" / ")) + " tps", ""));
        md.append(row("durable updates `update/inc`", updates.throughput(), updates.percentile(50),
                updates.percentile(99), pct(updateRatio) + " of pgbench (parts: " + updateParts.stream()
                        .map(u -> String.format(Locale.ROOT, "%.0f", u.throughput()))
                        .collect(java.util.stream.Collectors.joining(" / ")) + " /s)",
                goal(updateRatio >= 0.5, "≥ 50 %")));
        md.append(row("trivial endpoint `GET /actuator/info`", infos.throughput(), infos.percentile(50),
                infos.percentile(99), "", ""));
        md.append(row("queries `query/get`", queries.throughput(), queries.percentile(50), queries.percentile(99),
                pct(queryRatio) + " of `/actuator/info`", goal(queryRatio >= 0.6, "≥ 60 %")));
        md.append(row("isolation: 1 client `update/inc` on its own canister, idle", idle.throughput(),
                idle.percentile(50), idle.percentile(99), "", ""));
        md.append(row("same, while 2 other canisters spin at their instruction limit", loaded.throughput(),
                loaded.percentile(50), loaded.percentile(99),
                String.format(Locale.ROOT, "p99 %.1f× idle", isolationRatio), goal(isolationRatio <= 10, "≤ 10×")));
        md.append("\nErrors (unexpected statuses): ");
        md.append(String.join(", ", Stream.of(updates, infos, queries, idle, loaded)
                .map(p -> p.name + " " + p.errors).toList()));
        md.append(".\nSpinning calls: ").append(spinSummary).append("\n");
        md.append("\nCPU, in cores busy on average over each measured phase (the machine has ")
                .append(Runtime.getRuntime().availableProcessors())
                .append("; PostgreSQL: the postmaster, its auxiliary processes and the backends of the load database only, not "
                        + "other databases on the same server; \"other\": every other process on the machine), and "
                        + "PostgreSQL WAL (whole server) per request:\n\n");
        md.append("| phase | service | PostgreSQL | load driver | pgbench (and psql) | other | idle | WAL bytes per request |\n");
        md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        for (int part = 1; part <= 3; part++) {
            md.append(cpuRows.get("pgbench, part " + part + " of 3"));
            if (part < 3) {
                md.append(cpuRows.get("updates inc, part " + part + " of 2"));
            }
        }
        md.append(cpuRows.get("actuator/info, round 1")).append(cpuRows.get("query get, round 1"));
        md.append(cpuRows.get("isolation, idle")).append(cpuRows.get("isolation, 2 canisters spinning"));
        System.out.println();
        System.out.println(md);
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, md.toString());
    }

    // --- closed-loop load -------------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Call {
        Reply call();
    }

    private record Reply(int status, long instructions, String body) {}

    /** Results of one measured phase. */
    private static final class Phase {
        final String name;
        final long[] latenciesNanos; // sorted; of every successful request started in the measured window
        final long completed; // successful requests started and finished in the measured window
        final double seconds;
        final long errors;

        Phase(String name, long[] latenciesNanos, long completed, double seconds, long errors) {
            this.name = name;
            this.latenciesNanos = latenciesNanos;
            Arrays.sort(this.latenciesNanos);
            this.completed = completed;
            this.seconds = seconds;
            this.errors = errors;
        }

        static Phase merge(String name, Phase a, Phase b) {
            return new Phase(name, concat(a.latenciesNanos, b.latenciesNanos), a.completed + b.completed,
                    a.seconds + b.seconds, a.errors + b.errors);
        }

        double throughput() {
            return completed / seconds;
        }

        double percentile(int p) {
            return latenciesNanos.length == 0 ? Double.NaN : latenciesNanos[rank(latenciesNanos.length, p)] / 1e6;
        }
    }

    /**
     * {@code threads} clients calling back to back for {@code warmup} + {@code measured} seconds; a request counts
     * (latency recorded) if it started and finished in the measured window.
     */
    private Phase closedLoop(String name, int threads, int warmup, int measured, IntFunction<Call> calls,
            int expectedStatus) throws InterruptedException, IOException {
        long start = System.nanoTime();
        long measureStart = start + warmup * 1_000_000_000L;
        long measureEnd = measureStart + measured * 1_000_000_000L;
        long[][] latencies = new long[threads][];
        int[] counts = new int[threads];
        long[] errors = new long[threads];
        long[] completed = new long[threads];
        String[] firstError = new String[threads];
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int client = t;
            Call call = calls.apply(client);
            Thread thread = new Thread(() -> {
                long[] mine = new long[1 << 14];
                int n = 0;
                while (true) {
                    long begin = System.nanoTime();
                    if (begin >= measureEnd) {
                        break;
                    }
                    Reply reply = call.call();
                    long end = System.nanoTime();
                    boolean inWindow = begin >= measureStart; // and so before measureEnd
                    if (reply.status != expectedStatus) {
                        if (inWindow) {
                            errors[client]++;
                        }
                        if (firstError[client] == null) {
                            firstError[client] = reply.status + " " + reply.body;
                        }
                    } else if (inWindow) {
                        if (n == mine.length) {
                            mine = Arrays.copyOf(mine, n * 2);
                        }
                        mine[n++] = end - begin;
                        if (end <= measureEnd) {
                            completed[client]++;
                        }
                    }
                }
                latencies[client] = mine;
                counts[client] = n;
                connections.get().close();
                connections.remove();
            }, "client-" + t);
            workers.add(thread);
        }
        Cpu.Sample before = null;
        String lsnBefore = null;
        for (Thread thread : workers) {
            thread.start();
        }
        if (measured > 0) {
            sleepUntil(measureStart);
            before = cpu.sample();
            lsnBefore = psql("SELECT pg_current_wal_insert_lsn()");
        }
        for (Thread thread : workers) {
            thread.join();
        }
        int total = Arrays.stream(counts).sum();
        long[] all = new long[total];
        int at = 0;
        for (int t = 0; t < threads; t++) {
            System.arraycopy(latencies[t], 0, all, at, counts[t]);
            at += counts[t];
        }
        long errorCount = Arrays.stream(errors).sum();
        for (String e : firstError) {
            if (e != null) {
                System.out.printf("  %s: unexpected reply, e.g. HTTP %s%n", name,
                        e.length() > 300 ? e.substring(0, 300) : e);
                break;
            }
        }
        Phase phase = new Phase(name, all, Arrays.stream(completed).sum(), measured, errorCount);
        if (measured > 0) {
            Cpu.Sample after = cpu.sample();
            long wal = walBytes(lsnBefore, psql("SELECT pg_current_wal_insert_lsn()"));
            cpuRows.put(name, cpuRow(name, before, after, wal, total));
            System.out.printf(Locale.ROOT, "%-34s %9.1f /s  p50 %8.3f ms  p99 %8.3f ms  (%d requests, %d errors)%n",
                    name, phase.throughput(), phase.percentile(50), phase.percentile(99), total, errorCount);
        } else {
            System.out.printf("%-34s done%n", name);
        }
        return phase;
    }

    private static int rnd(int bound) {
        return ThreadLocalRandom.current().nextInt(bound);
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait;
        while ((wait = nanoTime - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, wait / 1_000_000));
        }
    }

    // --- pgbench ----------------------------------------------------------------------------------------------

    private record Pgbench(double tps, long transactions, long[] latenciesMicros) {}

    private Pgbench measuredPgbench(Path script, Path logDir, int secs, String name) throws Exception {
        Cpu.Sample before = cpu.sample();
        String lsnBefore = psql("SELECT pg_current_wal_insert_lsn()");
        Pgbench result = pgbench(script, logDir, secs, true);
        Cpu.Sample after = cpu.sample();
        long wal = walBytes(lsnBefore, psql("SELECT pg_current_wal_insert_lsn()"));
        cpuRows.put(name, cpuRow(name, before, after, wal, result.transactions));
        long[] lat = result.latenciesMicros;
        System.out.printf(Locale.ROOT, "%-34s %9.1f tps p50 %8.3f ms  p99 %8.3f ms  (%d transactions)%n", name,
                result.tps, lat[rank(lat.length, 50)] / 1e3, lat[rank(lat.length, 99)] / 1e3, lat.length);
        return result;
    }

    private Pgbench pgbench(Path script, Path logDir, int secs, boolean measured) throws Exception {
        Files.createDirectories(logDir);
        List<String> command = List.of("pgbench", "-h", pgHost, "-p", pgPort, "-U", pgUser, "-n",
                "-c", String.valueOf(clients), "-j", "2", "-T", String.valueOf(secs), "-f", script.toString(),
                "--log", "--log-prefix=" + logDir.resolve("tx"), db);
        String output = exec(command, logDir);
        Matcher tps = TPS.matcher(output);
        if (!measured) {
            return null;
        }
        if (!tps.find()) {
            throw new IllegalStateException("no tps in pgbench output:\n" + output);
        }
        List<Long> lat = new ArrayList<>();
        try (Stream<Path> logs = Files.list(logDir)) {
            for (Path log : logs.filter(p -> p.getFileName().toString().startsWith("tx")).toList()) {
                for (String line : Files.readAllLines(log)) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length >= 3) {
                        lat.add(Long.parseLong(f[2])); // client_id transaction_no time(us) script_no epoch us
                    }
                }
            }
        }
        long[] sorted = lat.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Pgbench(Double.parseDouble(tps.group(1)), sorted.length, sorted);
    }

    // --- HTTP -------------------------------------------------------------------------------------------------

    private Reply post(String path) {
        return send("POST", path, true);
    }

    private Reply get(String path) {
        return send("GET", path, false);
    }

    /** A measured request on this thread's own connection. */
    private Reply send(String method, String path, boolean octetStream) {
        try {
            DriverConnection.Response response = connections.get().exchange(method, path, octetStream);
            String body = response.status() / 100 == 2 ? ""
                    : new String(response.body(), StandardCharsets.UTF_8);
            Matcher inBody = INSTRUCTIONS.matcher(body);
            long instructions = response.instructions() >= 0 ? response.instructions()
                    : inBody.find() ? Long.parseLong(inBody.group(1)) : -1L;
            return new Reply(response.status(), instructions, body);
        } catch (IOException | RuntimeException e) {
            connections.get().close();
            return new Reply(-1, -1, e.toString());
        }
    }

    // --- PostgreSQL and processes ------------------------------------------------------------------------------

    private String psql(String sql) {
        try {
            return exec(List.of("psql", "-h", pgHost, "-p", pgPort, "-U", pgUser, "-d", db, "-X", "-q", "-At",
                    "-v", "ON_ERROR_STOP=1", "-c", sql), null).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private long walBytes(String from, String to) {
        return Long.parseLong(psql("SELECT pg_wal_lsn_diff('" + to + "', '" + from + "')::bigint"));
    }

    private long postmasterPid() {
        // A backend's parent is the postmaster; this psql's backend is gone by the time /proc is read, so ask the
        // server for a process that stays: the postmaster pid is in the data directory's postmaster.pid, but that
        // needs file access; pg_stat_activity's checkpointer is a direct child of the postmaster instead.
        long checkpointer = Long.parseLong(psql(
                "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'"));
        return Cpu.parentOf(checkpointer);
    }

    private static String exec(List<String> command, Path dir) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + output);
        }
        return output;
    }

    /**
     * CPU time from /proc, in clock ticks (USER_HZ = 100 on Linux). The PostgreSQL server is shared with other
     * databases (other people's tests may run on it), so its CPU counts only the postmaster, its auxiliary processes
     * (checkpointer, WAL writer, background writer, launchers: these serve every database) and the backends of our
     * database; backends come and go, so a thread scans them every 100 ms and keeps the last CPU time seen of each
     * (a backend's last < 100 ms before it exits are lost).
     */
    private static final class Cpu {
        record Sample(long nanos, long service, long postgres, long driver, long children, long machineBusy,
                long machineIdle) {}

        private static final Pattern AUXILIARY = Pattern.compile("postgres: (checkpointer|walwriter|background "
                + "writer|autovacuum launcher|logical replication launcher|stats collector|archiver).*");
        private final long servicePid;
        private final long postmasterPid;
        private final String db;
        private final long self = ProcessHandle.current().pid();
        private final Map<Long, Long> postgresTicks = new java.util.HashMap<>(); // pid -> utime + stime, last seen
        private final Map<Long, Boolean> ours = new java.util.HashMap<>();

        Cpu(long servicePid, long postmasterPid, String db) {
            this.servicePid = servicePid;
            this.postmasterPid = postmasterPid;
            this.db = db;
            Thread scanner = new Thread(() -> {
                while (true) {
                    scanPostgres();
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "postgres-cpu-scanner");
            scanner.setDaemon(true);
            scanner.start();
        }

        private synchronized long scanPostgres() {
            try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
                for (Path p : procs.toList()) {
                    String name = p.getFileName().toString();
                    if (name.isEmpty() || !name.chars().allMatch(Character::isDigit)) {
                        continue;
                    }
                    long pid = Long.parseLong(name);
                    long[] s = stat(pid);
                    if (s == null || (pid != postmasterPid && s[4] != postmasterPid)) {
                        continue;
                    }
                    // A pid's title is checked once: a backend serves one database for its life.
                    Boolean mine = ours.computeIfAbsent(pid, this::isOurs);
                    if (mine) {
                        postgresTicks.put(pid, s[0] + s[1]);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return postgresTicks.values().stream().mapToLong(Long::longValue).sum();
        }

        private boolean isOurs(long pid) {
            if (pid == postmasterPid) {
                return true;
            }
            try {
                String title = Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ').trim();
                return AUXILIARY.matcher(title).matches() || title.contains(" " + db + " ")
                        || title.endsWith(" " + db);
            } catch (IOException e) {
                return false;
            }
        }

        Sample sample() {
            long[] me = stat(self);
            long postgres = scanPostgres();
            long[] service = servicePid > 0 ? stat(servicePid) : null;
            long busy = 0;
            long idle = 0;
            try {
                String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
                for (int i = 1; i < f.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
                    long v = Long.parseLong(f[i]);
                    if (i == 4 || i == 5) {
                        idle += v;
                    } else {
                        busy += v;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new Sample(System.nanoTime(), service == null ? 0 : service[0] + service[1], postgres,
                    me[0] + me[1], me[2] + me[3], busy, idle);
        }

        /** {utime, stime, cutime, cstime, ppid} of a process, or null if it is gone. */
        static long[] stat(long pid) {
            try {
                String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
                String[] f = s.substring(s.lastIndexOf(')') + 2).split(" "); // f[0] is field 3 (state)
                return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]),
                        Long.parseLong(f[14]), Long.parseLong(f[1])};
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        static long parentOf(long pid) {
            long[] s = stat(pid);
            if (s == null) {
                throw new IllegalStateException("no /proc/" + pid + "/stat");
            }
            return s[4];
        }
    }

    private String cpuRow(String name, Cpu.Sample a, Cpu.Sample b, long walBytes, long requests) {
        double ticks = (b.nanos() - a.nanos()) / 1e9 * 100; // USER_HZ
        double service = (b.service() - a.service()) / ticks;
        double postgres = (b.postgres() - a.postgres()) / ticks;
        double driver = (b.driver() - a.driver()) / ticks;
        double children = (b.children() - a.children()) / ticks;
        double busy = (b.machineBusy() - a.machineBusy()) / ticks;
        double idle = (b.machineIdle() - a.machineIdle()) / ticks;
        double other = Math.max(0, busy - service - postgres - driver - children);
        return String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %s |%n", name, service,
                postgres, driver, children, other, idle,
                requests == 0 ? "" : String.format(Locale.ROOT, "%,.0f", (double) walBytes / requests));
    }

    // --- helpers ----------------------------------------------------------------------------------------------

    /** Part {@code part} of {@code total} seconds split into {@code parts}, the first ones a second longer. */
    private static int share(int total, int parts, int part) {
        return Math.max(1, total / parts + (part < total % parts ? 1 : 0));
    }

    private static long[] concat(long[] a, long[] b) {
        long[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static String row(String what, double throughput, double p50, double p99, String ratio, String goal) {
        return String.format(Locale.ROOT, "| %s | %,.0f | %.2f | %.2f | %s | %s |%n", what, throughput, p50, p99,
                ratio, goal);
    }

    private static String pct(double ratio) {
        return String.format(Locale.ROOT, "%.1f %%", 100 * ratio);
    }

    private static String goal(boolean met, String goal) {
        return goal + ": " + (met ? "met" : "**missed**");
    }

    private static String spinSummary(List<long[]> spins) {
        if (spins.isEmpty()) {
            return "none finished";
        }
        Map<Long, Integer> statuses = new LinkedHashMap<>();
        double seconds = 0;
        long instructions = 0;
        for (long[] s : spins) {
            statuses.merge(s[1], 1, Integer::sum);
            seconds += s[0] / 1e9;
            instructions = Math.max(instructions, s[2]);
        }
        return String.format(Locale.ROOT, "%d calls, HTTP statuses %s, %.2f s each on average (%,d instructions)",
                spins.size(), statuses, seconds / spins.size(), instructions);
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    private static String requiredEnv(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(name + " is not set (run bench/load.sh)");
        }
        return value;
    }
}
