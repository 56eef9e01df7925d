package com.canisterhost.bench;

import java.io.Closeable;
import java.io.IOException;
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
}
