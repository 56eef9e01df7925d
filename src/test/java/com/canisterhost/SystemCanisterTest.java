package com.canisterhost;

import static com.canisterhost.support.CanisterFixtures.u64;
import static com.canisterhost.support.CanisterFixtures.wasm;
import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.support.EndToEndTest;
import com.canisterhost.support.Http;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * The system canister (canisters/system.wat): stable memory across upgrades, canister_inspect_message, the global
 * timer, logs, and stopping with calls in flight.
 */
@TestPropertySource(properties = {"canister.execution.wall-clock-limit=60s",
    "canister.execution.instruction-limits.update=400000000000", "canister.execution.max-log-entries=5"})
class SystemCanisterTest extends EndToEndTest {

    private String id;

    @BeforeEach
    void install() {
        id = http.createCanister();
        assertThat(http.install(id, wasm("system"), "").status()).isEqualTo(200);
    }

    @Test
    void stableMemorySurvivesAnUpgradeButNotAReinstall() {
        byte[] data = "kept across upgrades".getBytes(StandardCharsets.UTF_8);
        assertThat(http.update(id, "put", data).status()).isEqualTo(200);
        assertThat(http.query(id, "get", new byte[0]).body()).isEqualTo(data);

        assertThat(http.install(id, wasm("system"), "mode=upgrade").status()).isEqualTo(200);
        assertThat(http.query(id, "get", new byte[0]).body()).isEqualTo(data);
        assertThat(http.get("/v1/canisters/" + id).json().get("stableMemorySize").asLong()).isEqualTo(65536);

        assertThat(http.install(id, wasm("system"), "mode=reinstall").status()).isEqualTo(200);
        assertThat(http.query(id, "get", new byte[0]).body()).isEmpty();

        // uninstall: the canister stays, empty, with a new version; a fresh install starts from nothing
        assertThat(http.update(id, "put", data).status()).isEqualTo(200);
        long before = version();
        Http.Response uninstalled = http.send("DELETE", "/v1/canisters/" + id + "/module", null, null);
        assertThat(uninstalled.status()).isEqualTo(200);
        assertThat(uninstalled.json().get("moduleHash").isNull()).isTrue();
        assertThat(uninstalled.json().get("stableMemorySize").asLong()).isZero();
        assertThat(uninstalled.json().get("stateVersion").asLong()).isEqualTo(before + 1);
        Http.Response empty = http.query(id, "get", new byte[0]);
        assertThat(empty.status()).isEqualTo(409);
        assertThat(empty.json().get("type").asText()).isEqualTo("urn:canister-host:problem:canister-empty");
        assertThat(http.install(id, wasm("system"), "").status()).isEqualTo(200);
        assertThat(http.query(id, "get", new byte[0]).body()).isEmpty();
    }

    @Test
    void inspectMessageDecidesWhichUpdateCallsRun() {
        Http.Response refused = http.update(id, "refused", new byte[0]);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("type").asText()).isEqualTo("urn:canister-host:problem:message-refused");
        assertThat(refused.json().get("rejectCode").asInt()).isEqualTo(4);
        assertThat(refused.json().get("detail").asText()).contains("did not accept a call to 'refused'");
        // the method never ran: its write is nowhere, and no state version was used
        assertThat(u64(http.query(id, "timers", new byte[0]).body())).isZero();
        assertThat(version()).isEqualTo(1);

        Http.Response trapped = http.update(id, "xplode", new byte[0]);
        assertThat(trapped.status()).isEqualTo(403);
        assertThat(trapped.json().get("detail").asText()).contains("canister_inspect_message trapped")
                .contains("inspect trapped");

        assertThat(http.update(id, "put", new byte[] {1}).status()).isEqualTo(200);
        assertThat(version()).isEqualTo(2);
    }

    @Test
    void theGlobalTimerFiresCommitsAndCanReArmItself() {
        Http.Response set = http.update(id, "set_timer", u64(1_000_000)); // 1 ms from now
        assertThat(set.status()).isEqualTo(200);
        assertThat(u64(set.body())).as("no timer was set before").isZero();

        // the timer re-arms itself twice, then stops: three firings, each committed and logged
        await(() -> u64(http.query(id, "timers", new byte[0]).body()) == 3);
        sleep(300);
        assertThat(u64(http.query(id, "timers", new byte[0]).body())).isEqualTo(3);
        assertThat(logs()).filteredOn(e -> e.get("content").asText().equals("timer fired")).hasSize(3)
                .allSatisfy(e -> assertThat(e.get("kind").asText()).isEqualTo("print"));

        // a timer far in the future does not fire; setting one answers the previous (none: it fired)
        assertThat(u64(http.update(id, "set_timer", u64(3_600_000_000_000L)).body())).isZero();
        assertThat(u64(http.update(id, "set_timer", u64(0)).body())).isGreaterThan(0); // disarmed
        sleep(300);
        assertThat(u64(http.query(id, "timers", new byte[0]).body())).isEqualTo(3);
    }

    @Test
    void logsKeepPrintsOfCommittedAndFailedExecutionsButNotTheirState() {
        assertThat(http.update(id, "print", "hello log".getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
        Http.Response trapped = http.update(id, "print_trap", new byte[0]);
        assertThat(trapped.status()).isEqualTo(422);
        assertThat(u64(http.query(id, "timers", new byte[0]).body())).as("the trap rolled back its write").isZero();

        List<JsonNode> logs = logs();
        assertThat(logs).extracting(e -> e.get("kind").asText() + ":" + e.get("content").asText())
                .containsExactly("print:hello log", "print:about to trap", "trap:canister called ic0.trap: boom");
        assertThat(logs).extracting(e -> e.get("index").asLong()).containsExactly(0L, 1L, 2L);
        assertThat(logs.get(0).get("timeNanos").asLong()).isPositive();

        // queries are not replicated: their prints are not kept (print is an update; called as a query it is
        // refused as an unknown query method, so nothing is logged either)
        assertThat(http.query(id, "print", new byte[] {'q'}).status()).isEqualTo(404);
        assertThat(logs()).hasSize(3);
    }

    @Test
    void theLogKeepsTheNewestEntriesUpToItsCap() {
        for (int i = 0; i < 7; i++) {
            assertThat(http.update(id, "print", ("line " + i).getBytes(StandardCharsets.UTF_8)).status())
                    .isEqualTo(200);
        }
        List<JsonNode> logs = logs();
        assertThat(logs).extracting(e -> e.get("index").asLong()).containsExactly(2L, 3L, 4L, 5L, 6L);
        assertThat(logs).extracting(e -> e.get("content").asText())
                .containsExactly("line 2", "line 3", "line 4", "line 5", "line 6");
    }

    @Test
    void stoppingWaitsForCallsInFlightAndRefusesNewOnes() throws Exception {
        long before = version();
        // a call that runs for a while (several seconds here)
        long started = System.nanoTime();
        CompletableFuture<Http.Response> spin =
                CompletableFuture.supplyAsync(() -> new Http(port()).update(id, "spin", u64(6_000_000_000L)));
        sleep(300);
        assertThat(spin).isNotDone();
        CompletableFuture<Http.Response> stop =
                CompletableFuture.supplyAsync(() -> new Http(port()).post("/v1/canisters/" + id + "/stop"));
        await(() -> "stopping".equals(http.get("/v1/canisters/" + id).json().get("status").asText()));
        Http.Response refused = http.update(id, "put", new byte[] {1});
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("type").asText()).isEqualTo("urn:canister-host:problem:canister-stopped");
        assertThat(http.query(id, "get", new byte[0]).status()).isEqualTo(409);

        Http.Response spun = spin.get();
        System.out.printf("spin: %d ms, %s instructions%n", (System.nanoTime() - started) / 1_000_000,
                spun.headers().firstValue("X-Instructions").orElse("?"));
        assertThat(spun.status()).isEqualTo(200);
        assertThat(u64(spun.body())).as("canister_status inside the drained call: stopping").isEqualTo(2);
        Http.Response stopped = stop.get();
        assertThat(stopped.status()).isEqualTo(200);
        assertThat(stopped.json().get("status").asText()).isEqualTo("stopped");
        // the drained call committed (+1), and stopping is a change of canister_version (+1)
        assertThat(stopped.json().get("stateVersion").asLong()).isEqualTo(before + 2);

        assertThat(http.post("/v1/canisters/" + id + "/start").json().get("status").asText()).isEqualTo("running");
        assertThat(u64(http.query(id, "version", new byte[0]).body())).isEqualTo(before + 3);
        assertThat(u64(http.query(id, "status", new byte[0]).body())).isEqualTo(1);
    }

    private List<JsonNode> logs() {
        Http.Response response = http.get("/v1/canisters/" + id + "/logs");
        assertThat(response.status()).isEqualTo(200);
        List<JsonNode> entries = new ArrayList<>();
        response.json().get("logs").forEach(entries::add);
        return entries;
    }

    private long version() {
        return http.get("/v1/canisters/" + id).json().get("stateVersion").asLong();
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within 20 s").isLessThan(deadline);
            sleep(20);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
