package com.canisterhost.bench;

import com.canisterhost.CanisterHostApplication;
import com.canisterhost.module.ComputeEngine;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import com.canisterhost.module.ComputeJmh;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The compute corpus ({@link #CORPUS}: compute.wasm, one query per memory access pattern, and the Motoko
 * workload.wasm) on four engines in one run, per method, as warm wall-clock time of one call (median):
 * <ol>
 *   <li>service: the service (embedded PostgreSQL in a fresh temp directory, as
 *       {@link CandidCallBenchmark} starts it), each module installed through the API under its profile, then
 *       {@code POST /v1/canisters/{id}/query/{method}} (octet-stream) over real HTTP, one call at a time, after
 *       at least {@code warmup} unmeasured calls and 10 s; in two JVMs of its own (this class with
 *       {@code --service-child}), their samples pooled;</li>
 *   <li>flat: the same instrumented module on Chicory's flat memory, in-process, no service, under JMH
 *       ({@link ComputeJmh} over {@link ComputeEngine}, forked JVMs, sampled);</li>
 *   <li>heap: the same on the service's copy-on-write heap, which separates the heap's cost from the rest of the
 *       service path;</li>
 *   <li>V8: Node's V8 on the plain (uninstrumented) module, lowered to 32-bit first if it is wasm64,
 *       bench/v8/compute.mjs.</li>
 * </ol>
 * Every call on every engine starts from the state {@code canister_init} left, as a query does on the service.
 * The replies must agree across all engines; then a markdown table.
 *
 * <p>Usage: {@code bench/compute.sh [warmup=20] [runs=20] [methods=all|m1,m2] [engines=service,flat,heap,v8]}.
 */
public final class ComputeBenchmark {

    private static final Pattern FIELD = Pattern.compile("(\\w+)=(\\S+)");

    /** A corpus canister: its module, its queries, their argument (hex, or "-" for none) and its profile. */
    record Canister(String wasm, List<String> methods, String argument, String profile, boolean integer) {}

    static final List<Canister> CORPUS = List.of(
            new Canister("src/test/resources/compute/compute.wasm", List.of("bytes", "words", "bulk", "chase"), "-",
                    "strict", true),
            // Motoko's runtime has floats, so the workload installs under canonical-nan; it takes Candid "()"
            new Canister("src/test/resources/compute/workload.wasm", List.of("textmap"), "4449444c0000",
                    "canonical-nan", false));

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals(SERVICE_CHILD)) { // one service JVM: warmup runs methods
            service(corpus(Set.of(args[3].split(","))), Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            System.exit(0); // the embedded PostgreSQL's threads would otherwise keep the JVM up a while
        }
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Set<String> only = args.length > 2 && !args[2].equals("all") ? Set.of(args[2].split(",")) : null;
        Set<String> engines = Set.of((args.length > 3 ? args[3] : "service,flat,heap,v8").split(","));
        String javaCommand = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("java.class.path");
        List<Canister> corpus = corpus(only);
        List<String> items = new ArrayList<>();
        corpus.forEach(c -> c.methods().forEach(m -> items.add(c.wasm() + ":" + m + ":" + c.argument() + ":"
                + c.profile())));

        Map<String, Map<String, String>> flat = new LinkedHashMap<>(), heap = new LinkedHashMap<>();
        for (String memory : List.of("flat", "heap")) {
            if (engines.contains(memory)) {
                List<String> command = new ArrayList<>(List.of(javaCommand, "-cp", classpath, ComputeJmh.class.getName(),
                        memory, "" + JMH_FORKS, "" + JMH_WARMUPS, "" + JMH_ITERATIONS, "" + JMH_SECONDS));
                command.addAll(items);
                (memory.equals("flat") ? flat : heap).putAll(child(memory + " (JMH)", command, "engine=" + memory));
            }
        }
        Map<String, Map<String, String>> v8 = new LinkedHashMap<>();
        if (engines.contains("v8")) {
            Path scratch = Files.createTempDirectory("compute-v8");
            for (Canister c : corpus) {
                // Node 20 runs no memory64: a wasm64 module runs lowered (by the host's lowering, not metered)
                Path lowered = scratch.resolve(Path.of(c.wasm()).getFileName());
                ComputeEngine.lowerForV8(Path.of(c.wasm()), lowered);
                v8.putAll(child("v8", List.of("node", "bench/v8/compute.mjs", "" + runs,
                        String.join(",", c.methods()), c.argument(), lowered.toString()), "v8 compute"));
            }
        }
        Map<String, Map<String, String>> service = new LinkedHashMap<>();
        if (engines.contains("service")) {
            // each fork a service JVM of its own, its samples pooled: one JVM's JIT alone varied by up to 30 %
            List<Map<String, Map<String, String>>> forks = new ArrayList<>();
            String methodList = String.join(",", corpus.stream().flatMap(c -> c.methods().stream()).toList());
            for (int fork = 1; fork <= SERVICE_FORKS; fork++) {
                forks.add(child("service (JVM " + fork + " of " + SERVICE_FORKS + ")", List.of(javaCommand, "-cp",
                        classpath, ComputeBenchmark.class.getName(), SERVICE_CHILD, "" + warmup, "" + runs,
                        methodList), "engine=service"));
            }
            service.putAll(pooled(forks));
        }

        System.out.printf(Locale.ROOT, "%nservice: %d JVMs, each at least %d warm-up calls and %d s, then %d timed calls "
                + "per method, pooled; V8: 3 warm-up and %d timed calls; median ms per call; "
                + "flat and heap: JMH, %d forks x %d x %d s sampled after %d x %d s warm-up, median%n%n", SERVICE_FORKS,
                warmup, SERVICE_WARMUP_SECONDS, runs, runs,
                JMH_FORKS, JMH_ITERATIONS, JMH_SECONDS, JMH_WARMUPS, JMH_SECONDS);
        System.out.println("| method | service ms | flat ms (JMH) | heap ms (JMH) | V8 ms | service/flat | service/V8 "
                + "| heap/flat | flat/V8 | instructions |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        List<String> problems = new ArrayList<>();
        Set<Long> fees = new TreeSet<>();
        for (Canister c : corpus) {
            for (String method : c.methods()) {
                Map<String, String> s = service.get(method), f = flat.get(method), h = heap.get(method),
                        v = v8.get(method);
                String label = c.integer() ? method : method + " (Motoko)";
                System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n", label,
                        ms(s), ms(f), ms(h), ms(v), ratio(s, f), ratio(s, v), ratio(h, f), ratio(f, v),
                        f != null ? String.format(Locale.ROOT, "%,d", Long.parseLong(f.get("instructions"))) : "—");
                List<Map<String, String>> present = new ArrayList<>();
                for (var r : java.util.Arrays.asList(s, f, h, v)) {
                    if (r != null) {
                        present.add(r);
                    }
                }
                if (present.size() < engines.size()) {
                    problems.add(method + ": missing results");
                }
                for (var r : present) {
                    if (!r.get("reply").equals(present.get(0).get("reply"))) {
                        problems.add(method + ": " + r.get("engine") + " replied " + r.get("reply") + ", "
                                + present.get(0).get("engine") + " " + present.get(0).get("reply"));
                    }
                }
                for (var other : java.util.Arrays.asList(f, h)) {
                    if (s != null && other != null) {
                        // the service's ic0 functions charge fees the stubs do not: 500 per call + 1 per byte copied
                        fees.add(Long.parseLong(s.get("instructions")) - Long.parseLong(other.get("instructions")));
                    }
                }
            }
        }
        System.out.println();
        System.out.println("goals (issue 24): service ≤ 1.3× flat on every canister, service ≤ 4× V8 on the integer "
                + "ones (all but Motoko, whose runtime uses floats)");
        if (!fees.isEmpty()) {
            System.out.println("instructions: the in-process count; the service's X-Instructions is more by "
                    + fees + " (its ic0 functions' fees, which the in-process stubs do not charge: they depend on "
                    + "the bytes copied, so on the argument and reply sizes)");
        }
        if (problems.isEmpty()) {
            System.out.println("replies agree across all engines");
        } else {
            problems.forEach(p -> System.out.println("MISMATCH " + p));
        }
    }

    private static final int JMH_FORKS = 2, JMH_WARMUPS = 4, JMH_ITERATIONS = 5, JMH_SECONDS = 1;
    private static final int SERVICE_FORKS = 2;
    private static final String SERVICE_CHILD = "--service-child";

    /** The corpus, with only the methods {@code only} names (null: all). */
    private static List<Canister> corpus(Set<String> only) {
        List<Canister> corpus = new ArrayList<>();
        for (Canister c : CORPUS) {
            List<String> methods = c.methods().stream().filter(m -> only == null || only.contains(m)).toList();
            if (!methods.isEmpty()) {
                corpus.add(new Canister(c.wasm(), methods, c.argument(), c.profile(), c.integer()));
            }
        }
        return corpus;
    }

    /** Per method, the forks' samples in one summary (median of them all); a reply that differs between forks drops it. */
    private static Map<String, Map<String, String>> pooled(List<Map<String, Map<String, String>>> forks) {
        Map<String, Map<String, String>> pooled = new LinkedHashMap<>();
        for (String method : forks.get(0).keySet()) {
            List<Double> samples = new ArrayList<>();
            Map<String, String> first = forks.get(0).get(method);
            boolean agree = true;
            for (var fork : forks) {
                Map<String, String> r = fork.get(method);
                if (r == null || !r.get("reply").equals(first.get("reply"))
                        || !r.get("instructions").equals(first.get("instructions"))) {
                    agree = false;
                    break;
                }
                for (String t : r.get("samples").split(",")) {
                    samples.add(Double.parseDouble(t));
                }
            }
            if (!agree) {
                System.out.println("service " + method + ": forks disagree (or one failed); left out");
                continue;
            }
            String line = ComputeEngine.summary("engine=service forks=" + forks.size(), method,
                    samples.stream().mapToDouble(Double::doubleValue).toArray(),
                    Long.parseLong(first.get("instructions")), java.util.HexFormat.of().parseHex(first.get("reply")));
            pooled.put(method, fields(line));
        }
        return pooled;
    }
    private static final int SERVICE_WARMUP_SECONDS = 10;

    private static String ratio(Map<String, String> a, Map<String, String> b) {
        return a == null || b == null ? "—" : String.format(Locale.ROOT, "%.2f×", median(a) / median(b));
    }

    private static String ms(Map<String, String> r) {
        return r == null ? "—" : String.format(Locale.ROOT, "%.1f", median(r));
    }

    private static double median(Map<String, String> r) {
        return Double.parseDouble(r.get("median_ms"));
    }

    /** Runs a child process, echoing its output; the summary lines starting with {@code prefix}, by method. */
    private static Map<String, Map<String, String>> child(String name, List<String> command, String prefix)
            throws Exception {
        System.out.println("== " + name + ": " + String.join(" ", command.subList(0, Math.min(2, command.size())))
                + " ...");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Map<String, Map<String, String>> results = new LinkedHashMap<>();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith(prefix)) {
                    System.out.println(line);
                    Map<String, String> fields = fields(line);
                    fields.putIfAbsent("engine", name);
                    results.put(fields.get("method"), fields);
                } else if (!line.contains(" run ") && !line.contains(" warmup ")) {
                    System.out.println("  " + line);
                }
            }
        }
        int rc = process.waitFor();
        if (rc != 0) {
            System.out.println("== " + name + " exited with " + rc);
        }
        return results;
    }

    private static Map<String, String> fields(String line) {
        Map<String, String> fields = new LinkedHashMap<>();
        Matcher m = FIELD.matcher(line);
        while (m.find()) {
            fields.put(m.group(1), m.group(2));
        }
        return fields;
    }

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

    /**
     * Creates a canister and installs {@code wasm} under the default profile (strict), through the JDK's client:
     * the service's runtime classpath, which this class runs on, has no Apache client for {@link ServiceSetUp}.
     */
    private static String install(HttpClient client, String base, byte[] wasm, String profile) throws Exception {
        HttpResponse<String> created = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/canisters"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        Matcher id = ID.matcher(created.body());
        if (created.statusCode() / 100 != 2 || !id.find()) {
            throw new IllegalStateException("create: HTTP " + created.statusCode() + " " + created.body());
        }
        HttpResponse<String> installed = client.send(HttpRequest.newBuilder(
                        URI.create(base + "/v1/canisters/" + id.group(1) + "/module?profile=" + profile))
                .timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/wasm")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(wasm)).build(), HttpResponse.BodyHandlers.ofString());
        if (installed.statusCode() / 100 != 2) {
            throw new IllegalStateException("install: HTTP " + installed.statusCode() + " " + installed.body());
        }
        return id.group(1);
    }

    /** The service path: in-process service, real HTTP, one query at a time. */
    private static Map<String, Map<String, String>> service(List<Canister> corpus, int warmup, int runs)
            throws Exception {
        System.out.println("== service: starting in-process (embedded PostgreSQL) ...");
        Path data = Files.createTempDirectory("compute-pg");
        Map<String, Map<String, String>> results = new LinkedHashMap<>();
        ConfigurableApplicationContext context = new SpringApplicationBuilder(CanisterHostApplication.class)
                .properties("canister.embedded-postgres.data-directory=" + data, "logging.level.root=WARN")
                .run("--server.port=0");
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String base = "http://127.0.0.1:" + context.getEnvironment().getProperty("local.server.port");
            for (Canister c : corpus) {
                byte[] argument = c.argument().equals("-") ? new byte[0]
                        : java.util.HexFormat.of().parseHex(c.argument());
                for (String method : c.methods()) {
                    Map<String, String> result = serviceMethod(client, base, c, argument, method, warmup, runs);
                    if (result != null) {
                        results.put(method, result);
                    }
                }
            }
        } finally {
            context.close();
            try (var paths = Files.walk(data)) {
                for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(path);
                }
            }
        }
        return results;
    }

    /** One canister per method (as the in-process engines get one instance per method), then the timed queries. */
    private static Map<String, String> serviceMethod(HttpClient client, String base, Canister c, byte[] argument,
            String method, int warmup, int runs) throws Exception {
        String canister;
        long installStart = System.nanoTime();
        try {
            canister = install(client, base, Files.readAllBytes(Path.of(c.wasm())), c.profile());
        } catch (RuntimeException e) {
            System.out.println("service " + method + ": install failed: " + e.getMessage());
            return null;
        }
        System.out.printf(Locale.ROOT, "service %s: installed %s (with canister_init) in %.0f ms%n", method,
                canister, (System.nanoTime() - installStart) / 1e6);
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/v1/canisters/" + canister + "/query/" + method))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/octet-stream")
                .header("Accept", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(argument))
                .build();
        byte[] first = null;
        long instructions = -1;
        double[] ms = new double[runs];
        // warm-up: at least `warmup` calls and SERVICE_WARMUP_SECONDS, for the JIT of a whole service (JMH's
        // in-process forks warm up for 4 s on a JVM that runs nothing else)
        long warmUntil = System.nanoTime() + SERVICE_WARMUP_SECONDS * 1_000_000_000L;
        for (int i = 0; i < warmup + runs; i++) {
            if (i == warmup - 1 && System.nanoTime() < warmUntil) {
                i--; // one more warm-up call
            }
            long start = System.nanoTime();
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            double took = (System.nanoTime() - start) / 1e6;
            if (response.statusCode() != 200) {
                System.out.println("service " + method + ": HTTP " + response.statusCode() + " "
                        + new String(response.body(), StandardCharsets.UTF_8));
                return null;
            }
            if (first != null && !java.util.Arrays.equals(first, response.body())) {
                System.out.println("service " + method + ": reply changed between calls");
            }
            first = response.body();
            instructions = Long.parseLong(response.headers().firstValue("X-Instructions").orElse("-1"));
            if (i >= warmup) {
                ms[i - warmup] = took;
            }
        }
        System.out.println("service " + method + " ms in call order: " + java.util.Arrays.stream(ms)
                .mapToObj(t -> String.format(Locale.ROOT, "%.1f", t)).collect(Collectors.joining(" ")));
        String line = ComputeEngine.summary("engine=service", method, ms, instructions, first);
        System.out.println(line);
        return fields(line);
    }
}
