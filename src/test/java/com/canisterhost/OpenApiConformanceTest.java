package com.canisterhost;

import static com.canisterhost.support.CanisterFixtures.u64;
import static com.canisterhost.support.CanisterFixtures.wasm;
import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.canisterhost.support.EndToEndTest;
import com.canisterhost.support.Http.Response;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Real requests to the running service, each checked against {@code openapi.yaml} by Atlassian's
 * swagger-request-validator: the request must be one the contract allows, and the response (status, headers, content
 * type, body) must be one it documents.
 */
class OpenApiConformanceTest extends EndToEndTest {

    private final OpenApiInteractionValidator validator = OpenApiInteractionValidator
            .createForSpecificationUrl(Path.of("openapi.yaml").toAbsolutePath().toUri().toString())
            .build();
    private final List<String> failures = new ArrayList<>();
    private int checked;
    private static final byte[] NO_BODY = null;

    @Test
    void everyEndpointAndErrorKindMatchesTheContract() throws Exception {
        check("GET", "/actuator/health", null, NO_BODY, 200);
        String id = check("POST", "/v1/canisters", null, NO_BODY, 201).json().get("id").asText();
        check("GET", "/v1/canisters", null, NO_BODY, 200);
        check("GET", "/v1/canisters/" + id, null, NO_BODY, 200);
        check("GET", "/v1/canisters/aaaaa-aa", null, NO_BODY, 404);
        check("POST", "/v1/canisters/" + id + "/query/get", "application/json", "{}", 409);

        check("PUT", "/v1/canisters/" + id + "/module", "application/wasm", wasm("garbage"), 400);
        check("PUT", "/v1/canisters/" + id + "/module", "application/wasm", wasm("init_trap"), 422);
        check("PUT", "/v1/canisters/" + id + "/module?mode=install&arg=" + HexFormat.of().formatHex(u64(1)),
                "application/wasm", wasm("counter"), 200);
        check("PUT", "/v1/canisters/" + id + "/module", "application/wasm", wasm("counter"), 409);
        String boundary = "conformance";
        ByteArrayOutputStream multipart = new ByteArrayOutputStream();
        multipart.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"mode\"\r\n\r\nreinstall\r\n--"
                + boundary + "\r\nContent-Disposition: form-data; name=\"module\"; filename=\"c.wasm\"\r\n"
                + "Content-Type: application/wasm\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        multipart.write(wasm("counter"));
        multipart.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        check("PUT", "/v1/canisters/" + id + "/module", "multipart/form-data; boundary=" + boundary,
                multipart.toByteArray(), 200);

        String base = "/v1/canisters/" + id;
        String arg = "{\"arg\":\"" + Base64.getEncoder().encodeToString(u64(2)) + "\"}";
        check("POST", base + "/update/add", "application/json", arg, 200);
        check("POST", base + "/update/inc", "application/octet-stream", new byte[0], 200,
                "Accept", "application/octet-stream");
        check("POST", base + "/query/get", "application/json", "{}", 200);
        check("POST", base + "/query/echo_q", "application/octet-stream", new byte[] {1, 2, 3}, 200,
                "Accept", "application/octet-stream");
        check("POST", base + "/update/inc_then_trap", "application/json", "{}", 422);
        check("POST", base + "/update/inc_no_reply", "application/octet-stream", new byte[0], 422,
                "Accept", "application/octet-stream");
        check("POST", base + "/update/reject", "application/json", "{}", 422);
        check("POST", base + "/update/missing", "application/json", "{}", 404);
        check("POST", base + "/update/echo", "application/octet-stream", new byte[2 * 1024 * 1024 + 1], 413);
        check("POST", base + "/update/echo", "application/json", "{\"arg\":\"%%%\"}", 400);

        long snapshot = check("POST", base + "/snapshots", null, NO_BODY, 201).json().get("id").asLong();
        check("GET", base + "/snapshots", null, NO_BODY, 200);
        check("POST", base + "/snapshots/" + snapshot + "/load", null, NO_BODY, 200);
        check("DELETE", base + "/snapshots/" + snapshot, null, NO_BODY, 204);
        check("POST", base + "/snapshots/" + snapshot + "/load", null, NO_BODY, 404);

        check("GET", base + "/logs", null, NO_BODY, 200);
        check("GET", base + "/candid", null, NO_BODY, 404);
        check("GET", base + "/openapi.json", null, NO_BODY, 404);
        check("PUT", base + "/candid", "text/plain", "service : { inc : () -> (nat64) qurey }", 400);
        check("PUT", base + "/candid", "text/plain", "service : { inc : () -> (nat64) }", 204);
        check("GET", base + "/candid", null, NO_BODY, 200);
        check("DELETE", base + "/candid", null, NO_BODY, 204);
        check("DELETE", base + "/candid", null, NO_BODY, 404);
        check("PUT", base + "/candid", "text/plain", "service : { inc : () -> (nat64); add : (nat64) -> (nat64); "
                + "get : () -> (nat64) query }", 204);
        check("POST", base + "/update/inc", "text/x-candid", "()", 200);
        check("GET", base + "/openapi.json", null, NO_BODY, 200);
        assertThat(check("POST", base + "/update/inc", "application/json", "{\"args\": []}", 200).json()
                .get("warning").asText()).contains("not Candid"); // the counter replies 8 raw bytes
        check("POST", base + "/update/add", "application/json", "{\"args\": [\"x\"]}", 400);
        check("POST", base + "/update/add", "text/x-candid", "(-2)", 400);
        check("POST", base + "/query/get", "text/x-candid", "()", 200, "Accept", "text/x-candid");
        check("POST", base + "/update/inc", "application/json", "{}", 200, "Idempotency-Key", "conformance-1");
        check("POST", base + "/update/add", "application/json", arg, 409, "Idempotency-Key", "conformance-1");
        String call = check("POST", base + "/update/inc", "application/json", "{}", 202, "Prefer", "respond-async")
                .headers().firstValue("Location").orElseThrow();
        check("GET", call, null, NO_BODY, 200);
        check("GET", "/v1/calls/00000000-0000-0000-0000-000000000000", null, NO_BODY, 404);
        String system = check("POST", "/v1/canisters", null, NO_BODY, 201).json().get("id").asText();
        check("PUT", "/v1/canisters/" + system + "/module", "application/wasm", wasm("system"), 200);
        check("POST", "/v1/canisters/" + system + "/update/print", "application/json", "{}", 200);
        check("POST", "/v1/canisters/" + system + "/update/refused", "application/json", "{}", 403);
        check("DELETE", "/v1/canisters/" + system + "/module", null, NO_BODY, 200);
        assertThat(check("GET", "/v1/canisters/" + system + "/logs", null, NO_BODY, 200).json().get("logs"))
                .isNotEmpty();
        Response key = check("POST", "/v1/keys", "application/json", "{\"name\":\"conformance\"}", 201);
        String keyPrincipal = key.json().get("principal").asText();
        String bearer = "Bearer " + key.json().get("key").asText();
        check("GET", "/v1/keys", null, NO_BODY, 200);
        check("GET", "/v1/nodes", null, NO_BODY, 200);
        check("POST", base + "/move", "application/json", "{\"node\":\"elsewhere\"}", 409);
        check("PUT", base + "/controllers", "application/json",
                "{\"controllers\":[\"2vxsx-fae\",\"" + keyPrincipal + "\"]}", 200);
        check("PUT", base + "/controllers", "application/json", "{\"controllers\":[\"not-a-principal\"]}", 400);
        check("PATCH", base + "/settings", "application/json", "{\"logVisibility\":\"public\"}", 200);
        check("PATCH", base + "/settings", "application/json",
                "{\"environmentVariables\":[{\"name\":\"NETWORK\",\"value\":\"local\"}]}", 200);
        check("PATCH", base + "/settings", "application/json", "{\"environmentVariables\":[{\"name\":\"A\","
                + "\"value\":\"1\"},{\"name\":\"A\",\"value\":\"2\"}]}", 400);
        String keyed = check("POST", "/v1/canisters", null, NO_BODY, 201, "Authorization", bearer).json().get("id")
                .asText();
        check("POST", "/v1/canisters/" + keyed + "/stop", null, NO_BODY, 403);
        check("GET", base, null, NO_BODY, 401, "Authorization", "Bearer unknown-key");
        check("DELETE", "/v1/keys/" + keyPrincipal, null, NO_BODY, 204);
        check("DELETE", "/v1/keys/aaaaa-aa", null, NO_BODY, 404);

        check("DELETE", base, null, NO_BODY, 409);
        check("POST", base + "/stop", null, NO_BODY, 200);
        check("POST", base + "/update/inc", "application/json", "{}", 409);
        check("POST", base + "/start", null, NO_BODY, 200);
        check("POST", base + "/stop", null, NO_BODY, 200);
        check("DELETE", base, null, NO_BODY, 204);

        assertThat(failures).as("responses that do not match openapi.yaml").isEmpty();
        assertThat(checked).isEqualTo(72);
    }

    private Response check(String method, String pathAndQuery, String contentType, String body, int expected,
            String... headers) {
        return check(method, pathAndQuery, contentType, body.getBytes(StandardCharsets.UTF_8), expected, headers);
    }

    private Response check(String method, String pathAndQuery, String contentType, byte[] body, int expected,
            String... headers) {
        Response response = http.send(method, pathAndQuery, contentType, body, headers);
        assertThat(response.status()).as("%s %s -> %s", method, pathAndQuery, response).isEqualTo(expected);

        String path = pathAndQuery.contains("?") ? pathAndQuery.substring(0, pathAndQuery.indexOf('?')) : pathAndQuery;
        SimpleRequest.Builder request = new SimpleRequest.Builder(Request.Method.valueOf(method), path);
        if (pathAndQuery.contains("?")) {
            for (String pair : pathAndQuery.substring(pathAndQuery.indexOf('?') + 1).split("&")) {
                String[] kv = pair.split("=", 2);
                request.withQueryParam(kv[0], kv.length > 1 ? kv[1] : "");
            }
        }
        if (contentType != null) {
            request.withContentType(contentType).withBody(body);
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.withHeader(headers[i], headers[i + 1]);
        }
        SimpleResponse.Builder actual = SimpleResponse.Builder.status(response.status()).withBody(response.body());
        for (Map.Entry<String, List<String>> header : response.headers().map().entrySet()) {
            actual.withHeader(header.getKey(), header.getValue());
        }
        ValidationReport report = expected == 413 || expected == 400 && pathAndQuery.endsWith("/echo")
                // the request itself breaks the contract on purpose (too large, bad base64): check the answer only
                ? validator.validateResponse(path, Request.Method.valueOf(method), actual.build())
                : validator.validate(request.build(), actual.build());
        checked++;
        if (report.hasErrors()) {
            failures.add(method + " " + pathAndQuery + " -> " + response.status() + ": " + report.getMessages());
        }
        return response;
    }
}
