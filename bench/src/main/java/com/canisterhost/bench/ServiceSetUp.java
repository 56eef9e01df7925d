package com.canisterhost.bench;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.support.ClassicRequestBuilder;

/**
 * The benchmarks' set-up requests (creating and installing canisters, one at a time) through Apache's client; the
 * measured requests go through {@link DriverConnection}.
 */
final class ServiceSetUp implements Closeable {

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

    private final String base;
    private final CloseableHttpClient client = HttpClients.custom().disableAutomaticRetries().build();

    ServiceSetUp(String base) {
        this.base = base;
    }

    /** A new canister with {@code wasm} installed: its id. */
    String createAndInstall(byte[] wasm) throws IOException {
        String created = send(ClassicRequestBuilder.post(base + "/v1/canisters").build(), "create");
        Matcher id = ID.matcher(created);
        if (!id.find()) {
            throw new IllegalStateException("no id in " + created);
        }
        send(ClassicRequestBuilder.put(base + "/v1/canisters/" + id.group(1) + "/module")
                .setEntity(wasm, ContentType.create("application/wasm"))
                .build(), "install");
        return id.group(1);
    }

    /** A set-up request, which must succeed: its body. */
    String send(ClassicHttpRequest request, String what) throws IOException {
        return client.execute(request, response -> {
            String body = response.getEntity() == null ? "" : EntityUtils.toString(response.getEntity());
            if (response.getCode() / 100 != 2) {
                throw new IllegalStateException(what + ": HTTP " + response.getCode() + " " + body);
            }
            return body;
        });
    }

    @Override
    public void close() throws IOException {
        client.close();
    }

    static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }

    /** The index of the {@code p}th percentile among {@code n} sorted values. */
    static int rank(int n, int p) {
        return Math.max(0, Math.min(n - 1, (int) Math.ceil(p / 100.0 * n) - 1));
    }

    /** A port nothing listens on now. */
    static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Starts a service process ({@code command}), its output to {@code log} and its pid to {@code pidFile} (for the
     * script's clean-up), and waits up to 3 minutes until {@code base}'s health endpoint answers.
     */
    static Process startService(List<String> command, java.nio.file.Path log, java.nio.file.Path pidFile,
            java.net.URI base) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        java.nio.file.Files.writeString(pidFile, process.pid() + "\n");
        long deadline = System.nanoTime() + 180_000_000_000L;
        DriverConnection probe = new DriverConnection(base, 2_000);
        while (true) {
            try {
                if (probe.exchangeOnce("GET", "/actuator/health", false).status() == 200) {
                    probe.close();
                    return process;
                }
            } catch (IOException e) {
                // not yet
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("the service did not start; see " + log);
            }
            Thread.sleep(50);
        }
    }

    /**
     * Starts {@code jar} as node {@code node} of a cluster on the database at {@code datasourceUrl}, listening on
     * {@code port}; its log and pid go to {@code workdir} ({@code <node><suffix>.log}, {@code <node>.pid}).
     */
    static Process startClusterNode(String jar, String javaOpts, int port, String datasourceUrl, String pgUser,
            String node, java.nio.file.Path workdir, String suffix) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("java"));
        if (!javaOpts.isBlank()) {
            command.addAll(List.of(javaOpts.trim().split("\\s+")));
        }
        command.addAll(List.of("-jar", jar, "--server.port=" + port, "--logging.level.root=WARN",
                "--spring.datasource.url=" + datasourceUrl, "--spring.datasource.username=" + pgUser,
                "--spring.datasource.password=", "--canister.cluster.enabled=true", "--canister.cluster.node-id=" + node));
        return startService(command, workdir.resolve(node + suffix + ".log"), workdir.resolve(node + ".pid"),
                java.net.URI.create("http://127.0.0.1:" + port));
    }
}
