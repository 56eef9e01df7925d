package com.canisterhost;

import static com.canisterhost.support.CanisterFixtures.u64;
import static com.canisterhost.support.CanisterFixtures.wasm;
import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.support.EndToEndTest;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** With a heartbeat interval configured, canister_heartbeat runs and commits; only on running canisters. */
@TestPropertySource(properties = "canister.execution.heartbeat-interval=50ms")
class HeartbeatTest extends EndToEndTest {

    @Test
    void heartbeatsRunOnRunningCanistersThatExportThem() throws InterruptedException {
        String beating = http.createCanister();
        assertThat(http.install(beating, wasm("system"), "").status()).isEqualTo(200);
        String plain = http.createCanister();
        assertThat(http.install(plain, wasm("counter"), "").status()).isEqualTo(200);

        long deadline = System.nanoTime() + 20_000_000_000L;
        while (heartbeats(beating) < 3) {
            assertThat(System.nanoTime()).as("three heartbeats within 20 s").isLessThan(deadline);
            Thread.sleep(20);
        }
        assertThat(u64(http.query(beating, "heartbeat_replicated", new byte[0]).body()))
                .as("in_replicated_execution in canister_heartbeat").isEqualTo(1);
        // each heartbeat commits like an update; a canister without canister_heartbeat is left alone
        assertThat(version(beating)).isGreaterThanOrEqualTo(1 + 3);
        assertThat(version(plain)).isEqualTo(1);

        assertThat(http.post("/v1/canisters/" + beating + "/stop").json().get("status").asText())
                .isEqualTo("stopped");
        long stoppedAt = version(beating);
        Thread.sleep(400);
        assertThat(version(beating)).as("no heartbeat while stopped").isEqualTo(stoppedAt);

        assertThat(http.post("/v1/canisters/" + beating + "/start").status()).isEqualTo(200);
        long started = heartbeats(beating);
        while (heartbeats(beating) <= started) {
            assertThat(System.nanoTime()).as("heartbeats resume after start").isLessThan(deadline + 10_000_000_000L);
            Thread.sleep(20);
        }
    }

    private long heartbeats(String id) {
        return u64(http.query(id, "heartbeats", new byte[0]).body());
    }

    private long version(String id) {
        return http.get("/v1/canisters/" + id).json().get("stateVersion").asLong();
    }
}
