package com.canisterhost;

import static com.canisterhost.support.CanisterFixtures.wasm;
import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.support.EndToEndTest;
import com.canisterhost.support.Http.Response;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * Module preparation is bounded: one permit here, held by a dry run while it reads its upload, so a second dry run
 * and an install's validation are refused at once with 503; and a dry run's upload is capped on its own.
 */
@TestPropertySource(properties = {"canister.module.max-concurrent-preparations=1",
    "canister.module.max-validation-size=64KB"})
class ModulePreparationLimitsTest extends EndToEndTest {

    @Test
    void preparationsOverThePermitsAre503AtOnce() throws Exception {
        String id = http.createCanister();
        byte[] module = wasm("counter");
        Socket slow = null;
        Response refused = null;
        // the slow upload may reach the service after the probe, and be the one refused: then again, waiting longer
        for (int attempt = 1; attempt <= 10 && refused == null; attempt++) {
            if (slow != null) {
                slow.close();
            }
            slow = startSlowUpload(module);
            Thread.sleep(100L * attempt);
            Response probe = validate(module);
            if (probe.status() == 503) {
                refused = probe;
            } else {
                assertThat(probe.status()).as("%s", probe).isEqualTo(200);
            }
        }
        try (Socket held = slow) {
            assertThat(refused).as("a dry run refused while the slow one holds the permit").isNotNull();
            assertThat(refused.headers().firstValue("Retry-After")).contains("1");
            assertThat(refused.json().get("type").asText()).isEqualTo("urn:canister-host:problem:service-unavailable");
            assertThat(refused.json().get("detail").asText()).contains("busy");
            Response install = http.install(id, module, "");
            assertThat(install.status()).as("an install's validation shares the permits: %s", install).isEqualTo(503);
            assertThat(install.headers().firstValue("Retry-After")).contains("1");

            OutputStream out = held.getOutputStream();
            out.write(module, 8, module.length - 8);
            out.flush();
            String statusLine = new String(held.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(statusLine).isEqualTo("HTTP/1.1 200");
        }
        assertThat(validate(module).status()).isEqualTo(200);
        assertThat(http.install(id, module, "").status()).isEqualTo(200);
    }

    /** A dry run whose upload stops after 8 bytes: it holds its permit while it waits for the rest. */
    private Socket startSlowUpload(byte[] module) throws java.io.IOException {
        Socket slow = new Socket("127.0.0.1", port());
        slow.setSoTimeout(30_000);
        OutputStream out = slow.getOutputStream();
        out.write(("POST /v1/modules/validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/wasm\r\n"
                + "Content-Length: " + module.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(module, 0, 8);
        out.flush();
        return slow;
    }

    @Test
    void aDryRunsUploadIsCappedOnItsOwn() throws Exception {
        byte[] big = new byte[65 * 1024];
        Response declared = validate(big);
        assertThat(declared.status()).as("%s", declared).isEqualTo(413);
        assertThat(declared.json().get("type").asText()).isEqualTo("urn:canister-host:problem:payload-too-large");

        // without a Content-Length (chunked), the body is cut at the cap + 1 byte
        HttpRequest chunked = HttpRequest.newBuilder(URI.create(http.base() + "/v1/modules/validate"))
                .header("Content-Type", "application/wasm")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> (InputStream) new ByteArrayInputStream(big)))
                .build();
        HttpResponse<String> streamed = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                .send(chunked, HttpResponse.BodyHandlers.ofString());
        assertThat(streamed.statusCode()).as(streamed.body()).isEqualTo(413);

        // installs keep the upload cap (100 MB): the same bytes are merely not a module
        assertThat(http.install(http.createCanister(), big, "").status()).isEqualTo(400);
    }

    private Response validate(byte[] module) {
        return http.send("POST", "/v1/modules/validate", "application/wasm", module);
    }
}
