package com.canisterhost;

import static com.canisterhost.support.CanisterFixtures.environment;
import static com.canisterhost.support.CanisterFixtures.u32;
import static com.canisterhost.support.CanisterFixtures.u64;
import static com.canisterhost.support.CanisterFixtures.wasm;
import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.support.Http;
import com.canisterhost.support.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Committed state survives a full restart of the application against the same database. */
class RestartTest {

    private final TestDatabase.Database database = TestDatabase.create();

    private ConfigurableApplicationContext start(String... properties) {
        return new SpringApplicationBuilder(CanisterHostApplication.class)
                .properties(properties)
                .properties("spring.datasource.url=" + database.url(),
                        "spring.datasource.username=" + database.username(),
                        "spring.datasource.password=" + (database.password() == null ? "" : database.password()))
                .run("--server.port=0"); // an argument: a default property loses to application.yml's 8080
    }

    private static Http client(ConfigurableApplicationContext context) {
        return new Http(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));
    }

    @Test
    void countersStartFunctionsAndVersionsSurviveARestart() {
        String counter;
        String started;
        long time;
        try (ConfigurableApplicationContext first = start()) {
            Http http = client(first);
            counter = http.createCanister();
            http.install(counter, wasm("counter"), "");
            for (int i = 0; i < 3; i++) {
                http.update(counter, "inc", new byte[0]);
            }
            http.update(counter, "inc_then_trap", new byte[0]);
            started = http.createCanister();
            http.install(started, wasm("start_fn"), "");
            http.update(started, "set16", new byte[] {42, 0, 0, 0});
            time = u64(http.query(counter, "time", new byte[0]).body());
        }
        try (ConfigurableApplicationContext second = start()) {
            Http http = client(second);
            assertThat(u64(http.query(counter, "get", new byte[0]).body())).isEqualTo(3);
            assertThat(u64(http.query(counter, "get_mem", new byte[0]).body())).isEqualTo(3);
            assertThat(http.get("/v1/canisters/" + counter).json().get("stateVersion").asLong()).isEqualTo(4);
            assertThat(u64(http.update(counter, "inc", new byte[0]).body())).isEqualTo(4);
            assertThat(u32(http.query(started, "get16", new byte[0]).body()))
                    .as("the start function ran at install only, not when the canister was restored")
                    .isEqualTo(42);
            assertThat(u64(http.query(counter, "time", new byte[0]).body())).isGreaterThan(time);
            assertThat(http.createCanister()).isNotIn(counter, started);
        }
    }

    @Test
    void environmentVariablesSurviveARestart() {
        String id;
        String variables = "{\"environmentVariables\": [{\"name\": \"NETWORK\", \"value\": \"local\"}, "
                + "{\"name\": \"KEY\", \"value\": \"€\"}]}";
        try (ConfigurableApplicationContext first = start()) {
            Http http = client(first);
            id = http.createCanister();
            http.install(id, wasm("ic0_all"), "");
            assertThat(http.send("PATCH", "/v1/canisters/" + id + "/settings", "application/json",
                    variables.getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
        }
        try (ConfigurableApplicationContext second = start()) {
            Http http = client(second);
            assertThat(environment(http.query(id, "env", new byte[0]).body(), 0))
                    .containsExactly(Map.entry("KEY", "€"), Map.entry("NETWORK", "local"));
            assertThat(http.get("/v1/canisters/" + id).json().get("environmentVariables")).hasSize(2);
        }
    }

    @Test
    void aShutdownFinishesAndCommitsTheCallsInFlightAndQueued() throws Exception {
        String id;
        long version;
        CompletableFuture<Http.Response> inFlight;
        CompletableFuture<Http.Response> queuedAsync;
        try (ConfigurableApplicationContext first = start("canister.execution.instruction-limits.update=400000000000",
                "canister.execution.wall-clock-limit=60s")) {
            Http http = client(first);
            id = http.createCanister();
            http.install(id, wasm("system"), "");
            version = http.get("/v1/canisters/" + id).json().get("stateVersion").asLong();
            inFlight = CompletableFuture.supplyAsync(() -> client(first).update(id, "spin", u64(4_000_000_000L)));
            Thread.sleep(300);
            assertThat(inFlight).as("still running when the shutdown begins").isNotDone();
            // an async call queued behind it: accepted before the shutdown, so it must run too
            Http.Response accepted = http.send("POST", "/v1/canisters/" + id + "/update/put", "application/json",
                    "{\"arg\":\"AQID\"}".getBytes(), "Prefer", "respond-async");
            assertThat(accepted.status()).isEqualTo(202);
            queuedAsync = CompletableFuture.completedFuture(accepted);
        } // close(): graceful shutdown
        Http.Response answered = inFlight.get();
        assertThat(answered.status()).as("the call in flight was answered, not cut off").isEqualTo(200);
        try (ConfigurableApplicationContext second = start()) {
            Http http = client(second);
            // both calls committed before the service exited: the spin and the queued put
            assertThat(http.get("/v1/canisters/" + id).json().get("stateVersion").asLong()).isEqualTo(version + 2);
            assertThat(http.query(id, "get", new byte[0]).body()).containsExactly(1, 2, 3);
            String call = queuedAsync.get().headers().firstValue("Location").orElseThrow();
            assertThat(http.get(call).json().get("status").asText()).isEqualTo("replied");
        }
    }
}
