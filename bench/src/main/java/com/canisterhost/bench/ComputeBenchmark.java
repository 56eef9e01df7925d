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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The compute corpus (src/test/resources/compute/compute.wasm, one query per memory access pattern) on three
 * engines in one run, per method, as warm wall-clock time of one call (median):
 * <ol>
 *   <li>service: the service in-process (embedded PostgreSQL in a fresh temp directory, as
 *       {@link CandidCallBenchmark} starts it), the module installed through the API under the default
 *       {@code strict} profile, then {@code POST /v1/canisters/{id}/query/{method}} (octet-stream, empty argument)
 *       over real HTTP, one call at a time;</li>
 *   <li>flat: the same instrumented module on Chicory's flat memory, in-process, no service
 *       ({@link ComputeEngine} {@code flat}, in a JVM of its own);</li>
 *   <li>heap: the same, on the service's copy-on-write heap ({@link ComputeEngine} {@code heap}, in a JVM of its
 *       own), which separates the heap's cost from the rest of the service path;</li>
 *   <li>V8: Node's V8 on the plain (uninstrumented) module, bench/v8/compute.mjs.</li>
 * </ol>
 * Timing is a plain warm loop (warm-up calls, then timed ones), not JMH. The replies (8-byte checksums) must agree
 * across all engines and the service's X-Instructions must exceed the in-process count by the same ic0 fees on every method; then a markdown table.
 *
 * <p>Usage: {@code bench/compute.sh [warmup=20] [runs=20] [methods=bytes,words,bulk,chase]}.
 */
public final class ComputeBenchmark {

    private static final Pattern FIELD = Pattern.compile("(\\w+)=(\\S+)");

    public static void main(String[] args) throws Exception {
        int warmup = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        String methods = args.length > 2 ? args[2] : "bytes,words,bulk,chase";
        String wasm = "src/test/resources/compute/compute.wasm";
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("java.class.path");

        Map<String, Map<String, String>> flat = child("flat", List.of(java, "-cp", classpath,
                ComputeEngine.class.getName(), "flat", "" + warmup, "" + runs, methods, wasm), "engine=flat");
        Map<String, Map<String, String>> heap = child("heap", List.of(java, "-cp", classpath,
                ComputeEngine.class.getName(), "heap", "" + warmup, "" + runs, methods, wasm), "engine=heap");
        Map<String, Map<String, String>> v8 = child("v8", List.of("node", "bench/v8/compute.mjs", "" + runs,
                methods, "default", wasm), "v8 compute");
        Map<String, Map<String, String>> service = service(wasm, warmup, runs, methods.split(","));

        System.out.printf(Locale.ROOT, "%ncompute.wasm, %d warm-up + %d timed calls per method and engine, "
                + "median ms per call%n%n", warmup, runs);
        System.out.println("| method | service ms | flat ms | heap ms | V8 ms | service/flat | service/V8 "
                + "| heap/flat | flat/V8 | instructions |");
        System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        List<String> problems = new ArrayList<>();
        java.util.Set<Long> fees = new java.util.TreeSet<>();
        for (String method : methods.split(",")) {
            Map<String, String> s = service.get(method);
            Map<String, String> f = flat.get(method);
            Map<String, String> h = heap.get(method);
            Map<String, String> v = v8.get(method);
            if (s == null || f == null || h == null || v == null) {
                System.out.printf("| %s | %s | %s | %s | %s | | | | | |%n", method, ms(s), ms(f), ms(h), ms(v));
                problems.add(method + ": missing results");
                continue;
            }
            double sm = median(s), fm = median(f), hm = median(h), vm = median(v);
            System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | %.2f× | %.2f× | %.2f× | %.2f× | %,d |%n",
                    method, sm, fm, hm, vm, sm / fm, sm / vm, hm / fm, fm / vm, Long.parseLong(f.get("instructions")));
            for (var other : List.of(Map.entry("flat", f), Map.entry("heap", h), Map.entry("v8", v))) {
                if (!s.get("reply").equals(other.getValue().get("reply"))) {
                    problems.add(method + ": service replied " + s.get("reply") + ", " + other.getKey() + " "
                            + other.getValue().get("reply"));
                }
            }
            for (var other : List.of(f, h)) {
                // the service's ic0 functions charge fees the stubs do not (500 per call + 1 per byte copied)
                fees.add(Long.parseLong(s.get("instructions")) - Long.parseLong(other.get("instructions")));
            }
        }
        System.out.println();
        System.out.println("goals (issue 24): service ≤ 1.3× flat, service ≤ 4× V8");
        if (fees.size() == 1) {
            System.out.println("instructions: the in-process count; the service's X-Instructions is " + fees.iterator().next()
                    + " more on every method (its ic0 functions' fees, which the in-process stubs do not charge)");
        } else {
            problems.add("service minus in-process instructions differ between methods: " + fees);
        }
        if (problems.isEmpty()) {
            System.out.println("replies agree across all engines");
        } else {
            problems.forEach(p -> System.out.println("MISMATCH " + p));
        }
    }

    private static String ms(Map<String, String> r) {
        return r == null ? "—" : r.get("median_ms");
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
    private static String install(HttpClient client, String base, byte[] wasm) throws Exception {
        HttpResponse<String> created = client.send(HttpRequest.newBuilder(URI.create(base + "/v1/canisters"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        Matcher id = ID.matcher(created.body());
        if (created.statusCode() / 100 != 2 || !id.find()) {
            throw new IllegalStateException("create: HTTP " + created.statusCode() + " " + created.body());
        }
        HttpResponse<String> installed = client.send(HttpRequest.newBuilder(
                        URI.create(base + "/v1/canisters/" + id.group(1) + "/module"))
                .timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/wasm")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(wasm)).build(), HttpResponse.BodyHandlers.ofString());
        if (installed.statusCode() / 100 != 2) {
            throw new IllegalStateException("install: HTTP " + installed.statusCode() + " " + installed.body());
        }
        return id.group(1);
    }

    /** The service path: in-process service, real HTTP, one query at a time. */
    private static Map<String, Map<String, String>> service(String wasm, int warmup, int runs, String[] methods)
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
            for (String method : methods) {
                String canister; // one canister per method, as the in-process engines get one instance per method
                long installStart = System.nanoTime();
                try {
                    canister = install(client, base, Files.readAllBytes(Path.of(wasm)));
                } catch (RuntimeException e) {
                    System.out.println("service " + method + ": install failed: " + e.getMessage());
                    continue;
                }
                System.out.printf(Locale.ROOT, "service %s: installed %s (with canister_init) in %.0f ms%n", method,
                        canister, (System.nanoTime() - installStart) / 1e6);
                HttpRequest request = HttpRequest.newBuilder(
                                URI.create(base + "/v1/canisters/" + canister + "/query/" + method))
                        .timeout(Duration.ofSeconds(60))
                        .header("Content-Type", "application/octet-stream")
                        .header("Accept", "application/octet-stream")
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build();
                byte[] first = null;
                long instructions = -1;
                double[] ms = new double[runs];
                boolean failed = false;
                for (int i = 0; i < warmup + runs && !failed; i++) {
                    long start = System.nanoTime();
                    HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                    double took = (System.nanoTime() - start) / 1e6;
                    if (response.statusCode() != 200) {
                        System.out.println("service " + method + ": HTTP " + response.statusCode() + " "
                                + new String(response.body(), StandardCharsets.UTF_8));
                        failed = true;
                        break;
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
                if (failed) {
                    continue;
                }
                String line = ComputeEngine.summary("engine=service", method, ms, instructions, first);
                System.out.println(line);
                results.put(method, fields(line));
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
}
