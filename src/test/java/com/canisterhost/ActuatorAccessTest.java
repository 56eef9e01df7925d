package com.canisterhost;

import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.support.EndToEndTest;
import com.canisterhost.support.Http.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * With an admin key, the actuator is the admin's but for the health probes, over real HTTP (AuthorizationMatrixTest
 * has each endpoint for each kind of caller): unknown keys are 401, and paths that only normalise to a probe's path
 * get no exemption.
 */
@TestPropertySource(properties = "canister.security.admin-key=" + ActuatorAccessTest.ADMIN_KEY)
class ActuatorAccessTest extends EndToEndTest {

    /** The matrix's key: the same configuration, so the same (cached) running service. */
    static final String ADMIN_KEY = AuthorizationMatrixTest.ADMIN_KEY;

    @Test
    void anUnknownKeyIs401AsProblemJson() {
        Response response = http.send("GET", "/actuator/prometheus", null, null, "Authorization", "Bearer "
                + "unknown-key-0123456789");
        assertThat(response.status()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer");
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("type").asText()).isEqualTo("urn:canister-host:problem:unauthenticated");
        assertThat(http.send("GET", "/actuator/prometheus", null, null, "Authorization", "Basic eDp5").status())
                .isEqualTo(401);
        Response admin = http.send("GET", "/actuator/prometheus", null, null, "Authorization", "Bearer " + ADMIN_KEY);
        assertThat(admin.status()).isEqualTo(200);
        assertThat(new String(admin.body(), StandardCharsets.UTF_8)).contains("canister_commit_batch_size");
    }

    @Test
    void onlyTheProbesPlainPathsArePublic() throws IOException {
        assertThat(raw("/actuator/health/readiness")).startsWith("HTTP/1.1 200");
        for (String path : new String[] {"/actuator/prometheus", "/actuator/health/../prometheus",
            "/actuator//prometheus", "/actuator;x=y/prometheus", "/actuator/prometheus;x=y", "/actuator/%70rometheus",
            "/actuator/health/", "/actuator/health/db", "/actuator/health;x=y", "/actuator/./health", "/actuator/",
            "/x/../actuator/info"}) {
            String answer = raw(path);
            assertThat(answer).as(path).doesNotStartWith("HTTP/1.1 200").doesNotContain("canister_");
        }
        assertThat(raw("/actuator/health/../prometheus")).startsWith("HTTP/1.1 401");
        assertThat(raw("/actuator/%70rometheus")).startsWith("HTTP/1.1 401");
    }

    /** One anonymous GET as sent, without a client's normalisation of the path: the status line and body. */
    private String raw(String path) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
