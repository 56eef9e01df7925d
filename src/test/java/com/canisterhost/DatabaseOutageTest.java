package com.canisterhost;

import static com.canisterhost.support.CanisterFixtures.u64;
import static com.canisterhost.support.CanisterFixtures.wasm;
import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.support.EndToEndTest;
import com.canisterhost.support.Http.Response;
import com.canisterhost.support.TcpProxy;
import com.canisterhost.support.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;

/**
 * The service's PostgreSQL made unreachable (a proxy in front of the test database cuts its connections and refuses
 * new ones; the shared test server itself keeps running): writes and management fail fast with 503, queries of
 * canisters in memory go on, readiness goes down, and everything recovers by itself with every acknowledged update
 * kept and none of the refused ones applied.
 */
@TestPropertySource(properties = {"canister.security.admin-key=" + DatabaseOutageTest.ADMIN_KEY,
    "canister.database.probe-interval=100ms"})
class DatabaseOutageTest extends EndToEndTest {

    static final String ADMIN_KEY = "outage-admin-key-0123456789";
    private static TcpProxy proxy;

    /**
     * The service's database, through the proxy. The pool's own URL property: EndToEndTest's registration of
     * {@code spring.datasource.url} comes after this one (superclasses last) and would win; the pool takes
     * {@code spring.datasource.hikari.jdbc-url} over it, with the same server's credentials.
     */
    @DynamicPropertySource
    static void throughProxy(DynamicPropertyRegistry registry) throws IOException {
        TestDatabase.Database database = TestDatabase.create();
        proxy = TcpProxy.forJdbcUrl(database.url());
        registry.add("spring.datasource.hikari.jdbc-url", () -> proxy.proxied(database.url()));
    }

    @AfterAll
    static void closeProxy() {
        proxy.close();
    }

    @Test
    void writesFailFastQueriesGoOnAndEverythingRecovers() throws Exception {
        Response issued = http.send("POST", "/v1/keys", "application/json",
                "{\"name\":\"outage\"}".getBytes(StandardCharsets.UTF_8), "Authorization", "Bearer " + ADMIN_KEY);
        assertThat(issued.status()).as("%s", issued).isEqualTo(201);
        String[] key = {"Authorization", "Bearer " + issued.json().get("key").asText()};
        String counter = create(key);
        assertThat(http.send("PUT", "/v1/canisters/" + counter + "/module", "application/wasm", wasm("counter"), key)
                .status()).isEqualTo(200);
        long installed = http.get("/v1/canisters/" + counter).json().get("stateVersion").asLong();
        long acknowledged = 0;
        for (int i = 0; i < 3; i++) {
            assertThat(u64(inc(counter, key).body())).isEqualTo(++acknowledged);
        }
        String empty = create(key);
        assertThat(count(query(counter, key))).isEqualTo(acknowledged); // the key is known, the canister in memory

        proxy.down();
        Thread.sleep(600); // past the pool's window for handing out connections unchecked: each is checked now

        for (int i = 0; i < 3; i++) {
            unavailableAtOnce("update", () -> inc(counter, key));
        }
        unavailableAtOnce("update with an Idempotency-Key", () -> http.send("POST", "/v1/canisters/" + counter
                + "/update/inc", "application/octet-stream", new byte[0], key[0], key[1], "Idempotency-Key", "k1"));
        unavailableAtOnce("install", () -> http.send("PUT", "/v1/canisters/" + empty + "/module", "application/wasm",
                wasm("counter"), key));
        unavailableAtOnce("create", () -> http.send("POST", "/v1/canisters", null, null, key));
        unavailableAtOnce("stop", () -> http.send("POST", "/v1/canisters/" + counter + "/stop", null, null, key));
        unavailableAtOnce("status", () -> http.get("/v1/canisters/" + counter));

        // queries of a canister in memory go on, with a key that was seen before and anonymously
        assertThat(count(query(counter, key))).as("the refused updates applied nothing").isEqualTo(acknowledged);
        assertThat(count(query(counter, new String[0]))).isEqualTo(acknowledged);
        Response readiness = http.get("/actuator/health/readiness");
        assertThat(readiness.status()).as("%s", readiness).isEqualTo(503);
        assertThat(readiness.json().get("status").asText()).isEqualTo("DOWN");
        assertThat(http.get("/actuator/health/liveness").json().get("status").asText()).isEqualTo("UP");

        proxy.up();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (http.get("/actuator/health/readiness").status() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(http.get("/actuator/health/readiness").json().get("status").asText()).isEqualTo("UP");
        assertThat(u64(inc(counter, key).body())).isEqualTo(++acknowledged);
        assertThat(http.send("PUT", "/v1/canisters/" + empty + "/module", "application/wasm", wasm("counter"), key)
                .status()).isEqualTo(200);
        Response keyed = http.send("POST", "/v1/canisters/" + counter + "/update/inc", "application/octet-stream",
                new byte[0], key[0], key[1], "Idempotency-Key", "k1", "Accept", "application/octet-stream");
        assertThat(keyed.status()).as("%s", keyed).isEqualTo(200);
        assertThat(u64(keyed.body())).as("the keyed call refused in the outage runs now").isEqualTo(++acknowledged);
        // PostgreSQL has exactly the acknowledged updates: one state version each since the install
        assertThat(http.get("/v1/canisters/" + counter).json().get("stateVersion").asLong())
                .isEqualTo(installed + acknowledged);
    }

    private void unavailableAtOnce(String what, Supplier<Response> request) {
        long started = System.nanoTime();
        Response response = request.get();
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(response.status()).as("%s: %s", what, response).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).as(what).contains("1");
        assertThat(response.contentType()).as(what).startsWith("application/problem+json");
        assertThat(response.json().get("type").asText()).as(what)
                .isEqualTo("urn:canister-host:problem:database-unavailable");
        assertThat(took).as("%s answered within a second", what).isLessThan(Duration.ofSeconds(1));
    }

    private String create(String[] key) {
        Response created = http.send("POST", "/v1/canisters", null, null, key);
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        return created.json().get("id").asText();
    }

    private Response inc(String id, String[] key) {
        return http.send("POST", "/v1/canisters/" + id + "/update/inc", "application/octet-stream", new byte[0],
                key[0], key[1], "Accept", "application/octet-stream");
    }

    private Response query(String id, String[] key) {
        String[] headers = new String[key.length + 2];
        System.arraycopy(key, 0, headers, 0, key.length);
        headers[key.length] = "Accept";
        headers[key.length + 1] = "application/octet-stream";
        return http.send("POST", "/v1/canisters/" + id + "/query/get", "application/octet-stream", new byte[0],
                headers);
    }

    private static long count(Response response) {
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        return u64(response.body());
    }
}
