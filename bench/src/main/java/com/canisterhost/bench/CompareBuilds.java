package com.canisterhost.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Compares two builds of the service under the same update load, in paired bursts (started by
 * {@code bench/compare.sh}, which runs both services at once, each on a database of its own). CLIENTS closed-loop
 * clients call {@code update/inc} (or COMPARE_CALL, e.g. {@code query/get}) on 64 counter canisters (or
 * COMPARE_CANISTERS) of one service at a time, for ROUNDS rounds of SECS seconds per service, in ABBA order,
 * after a minute of unmeasured load on each. Per burst it reports updates per
 * second and the CPU per update of that service, of PostgreSQL (all its processes) and of this driver, read from
 * /proc.
 *
 * <p>Single runs of {@code bench/load.sh} move by ±20 % with the machine's speed from minute to minute; bursts a
 * few seconds apart see nearly the same machine, so the median of the per-round ratios B/A shows a change of a few
 * percent that single runs cannot.
 *
 * <p>Arguments: baseA pidA baseB pidB rounds secs (the script passes them).
 */
public final class CompareBuilds {

    private static final int CLIENTS = 16;
    /** 64 unless COMPARE_CANISTERS says otherwise (1: every client on one hot canister). */
    private static final int CANISTERS = Integer.parseInt(System.getenv().getOrDefault("COMPARE_CANISTERS", "64"));
    /** The call each request makes: update/inc unless COMPARE_CALL says otherwise. */
    private static final String CALL = System.getenv().getOrDefault("COMPARE_CALL", "update/inc");
    private static final long TICK_MILLIS = 10; // USER_HZ = 100 on Linux
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

    private record Burst(double rate, double service, double postgres, double driver) {
        double get(int metric) {
            return switch (metric) {
                case 0 -> rate;
                case 1 -> service;
                case 2 -> postgres;
                default -> driver;
            };
        }
    }

    private CompareBuilds() {}

    public static void main(String[] args) throws Exception {
        String[] bases = {args[0], args[2]};
        long[] pids = {Long.parseLong(args[1]), Long.parseLong(args[3])};
        int rounds = Integer.parseInt(args[4]);
        int secs = Integer.parseInt(args[5]);
        byte[] wasm = Files.readAllBytes(Path.of("src/test/resources/canisters/counter.wasm"));
        List<List<String>> canisters = List.of(install(bases[0], wasm), install(bases[1], wasm));
        // a minute of load each for the JIT, as load.sh gives its one service: with two services sharing the
        // cores, 30 s each still left the first rounds twice as slow as the last
        for (int i = 0; i < 12; i++) {
            burst(bases[i % 2], canisters.get(i % 2), 10);
        }
        List<List<Burst>> bursts = List.of(new ArrayList<>(), new ArrayList<>());
        for (int round = 0; round < rounds; round++) {
            for (int side : round % 2 == 0 ? new int[] {0, 1} : new int[] {1, 0}) {
                long service = ticks(pids[side]);
                long postgres = postgresTicks();
                long driver = ticks(ProcessHandle.current().pid());
                long updates = burst(bases[side], canisters.get(side), secs);
                Burst burst = new Burst(updates / (double) secs,
                        (ticks(pids[side]) - service) * TICK_MILLIS / (double) updates,
                        (postgresTicks() - postgres) * TICK_MILLIS / (double) updates,
                        (ticks(ProcessHandle.current().pid()) - driver) * TICK_MILLIS / (double) updates);
                bursts.get(side).add(burst);
                System.out.printf(Locale.ROOT, "round %2d %s: %6.0f updates/s, CPU per update: service %.3f ms, "
                        + "PostgreSQL %.3f ms, driver %.3f ms%n", round + 1, side == 0 ? "A" : "B", burst.rate(),
                        burst.service(), burst.postgres(), burst.driver());
            }
        }
        String[] names = {"updates/s", "service CPU per update (ms)", "PostgreSQL CPU per update (ms)",
            "driver CPU per update (ms)"};
        System.out.printf("%nmedians over %d rounds of %d s; B/A is the median of the per-round ratios%n", rounds,
                secs);
        for (int metric = 0; metric < names.length; metric++) {
            int m = metric;
            double[] ratios = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                ratios[round] = bursts.get(1).get(round).get(m) / bursts.get(0).get(round).get(m);
            }
            System.out.printf(Locale.ROOT, "%-32s A %8.3f  B %8.3f  B/A %.3f (%.3f to %.3f)%n", names[metric],
                    median(bursts.get(0).stream().mapToDouble(b -> b.get(m)).toArray()),
                    median(bursts.get(1).stream().mapToDouble(b -> b.get(m)).toArray()), median(ratios),
                    Arrays.stream(ratios).min().orElseThrow(), Arrays.stream(ratios).max().orElseThrow());
        }
    }

    private static List<String> install(String base, byte[] wasm) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < CANISTERS; i++) {
            String created = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/canisters"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).body();
            Matcher id = ID.matcher(created);
            if (!id.find()) {
                throw new IllegalStateException("no id in " + created);
            }
            HttpResponse<String> installed = http.send(HttpRequest.newBuilder(
                            URI.create(base + "/v1/canisters/" + id.group(1) + "/module"))
                    .header("Content-Type", "application/wasm").PUT(HttpRequest.BodyPublishers.ofByteArray(wasm))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (installed.statusCode() != 200) {
                throw new IllegalStateException("install: " + installed.statusCode() + " " + installed.body());
            }
            ids.add(id.group(1));
        }
        return ids;
    }

    /** CLIENTS clients making CALL on random canisters for {@code secs}; returns the calls done. */
    private static long burst(String base, List<String> canisters, int secs) throws Exception {
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + secs * 1_000_000_000L;
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                running.add(clients.submit(() -> {
                    try (DriverConnection connection = new DriverConnection(URI.create(base))) {
                        while (System.nanoTime() < end) {
                            String id = canisters.get(ThreadLocalRandom.current().nextInt(canisters.size()));
                            int status = connection.exchange("POST", "/v1/canisters/" + id + "/" + CALL, true)
                                    .status();
                            if (status != 200) {
                                throw new IllegalStateException(CALL + " answered " + status);
                            }
                            done.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> client : running) {
                client.get();
            }
        } finally {
            clients.shutdown();
        }
        return done.get();
    }

    /** utime + stime of a process, in clock ticks. */
    private static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (java.io.IOException e) {
            return 0; // the process ended between listing and reading
        }
    }

    /** CPU of every PostgreSQL process now running (both services' backends stay connected throughout). */
    private static long postgresTicks() throws java.io.IOException {
        long sum = 0;
        try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
            for (Path process : processes.toList()) {
                String name = process.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    if (Files.readString(process.resolve("comm")).trim().equals("postgres")) {
                        sum += ticks(Long.parseLong(name));
                    }
                } catch (java.io.IOException e) {
                    // gone meanwhile
                }
            }
        }
        return sum;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
