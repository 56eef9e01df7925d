package com.canisterhost.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A small real-HTTP client for end-to-end tests. */
public final class Http {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client;
    private final String base;

    public Http(int port) {
        this(port, HttpClient.Version.HTTP_2);
    }

    /** A client that speaks {@code version} (HTTP/2 is offered by upgrade and falls back to HTTP/1.1). */
    public Http(int port, HttpClient.Version version) {
        this.base = "http://127.0.0.1:" + port;
        this.client = HttpClient.newBuilder().version(version).connectTimeout(Duration.ofSeconds(5)).build();
    }

    public String base() {
        return base;
    }

    /** A response with its body as bytes, and as JSON when it is JSON. */
    public record Response(int status, java.net.http.HttpHeaders headers, byte[] body) {

        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + new String(body), e);
            }
        }

        public String contentType() {
            return headers.firstValue("Content-Type").orElse("");
        }

        @Override
        public String toString() {
            return status + " " + new String(body);
        }
    }

    public Response send(String method, String path, String contentType, byte[] body, String... headers) {
        try {
            return exchange(Duration.ofSeconds(60), method, path, contentType, body, headers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** One request that must answer within {@code timeout}; I/O failures are the caller's to judge. */
    public Response exchange(Duration timeout, String method, String path, String contentType, byte[] body,
            String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(timeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Response(response.statusCode(), response.headers(), response.body());
    }

    public Response get(String path) {
        return send("GET", path, null, null);
    }

    /** The value of an unlabelled metric in the service's Prometheus scrape. */
    public double metric(String name) {
        String scrape = new String(get("/actuator/prometheus").body(), java.nio.charset.StandardCharsets.UTF_8);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + java.util.regex.Pattern.quote(name)
                + " (\\S+)$").matcher(scrape);
        if (!m.find()) {
            throw new AssertionError("no metric " + name + " in the scrape");
        }
        return Double.parseDouble(m.group(1));
    }

    public Response post(String path) {
        return send("POST", path, null, null);
    }

    public String createCanister() {
        Response created = post("/v1/canisters");
        if (created.status() != 201) {
            throw new IllegalStateException("create failed: " + created);
        }
        return created.json().get("id").asText();
    }

    public Response install(String id, byte[] module, String query) {
        return send("PUT", "/v1/canisters/" + id + "/module" + (query.isEmpty() ? "" : "?" + query),
                "application/wasm", module);
    }

    /** A call with a raw argument, asking for the raw reply. */
    public Response call(String kind, String id, String method, byte[] arg) {
        return send("POST", "/v1/canisters/" + id + "/" + kind + "/" + method, "application/octet-stream", arg,
                "Accept", "application/octet-stream");
    }

    public Response update(String id, String method, byte[] arg) {
        return call("update", id, method, arg);
    }

    public Response query(String id, String method, byte[] arg) {
        return call("query", id, method, arg);
    }
}
