package com.canisterhost;

import static com.canisterhost.support.CanisterFixtures.u32;
import static com.canisterhost.support.CanisterFixtures.u64;
import static com.canisterhost.support.CanisterFixtures.wasm;
import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.support.Http;
import com.canisterhost.support.TestDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Committed state survives a full restart of the application against the same database. */
class RestartTest {

    private final TestDatabase.Database database = TestDatabase.create();

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(CanisterHostApplication.class)
                .properties("server.port=0", "spring.datasource.url=" + database.url(),
                        "spring.datasource.username=" + database.username(),
                        "spring.datasource.password=" + (database.password() == null ? "" : database.password()))
                .run();
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
}
