package com.canisterhost;

import static com.canisterhost.support.CanisterFixtures.wasm;
import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.support.EndToEndTest;
import com.canisterhost.support.Http.Response;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Real Motoko canisters (moc 3.9.7, src/test/resources/motoko) run unmodified under the canonical-nan profile:
 * they instantiate only because every one of their 42 ic0 imports exists, and their runtime traps on the next
 * call if query state is not rolled back. Arguments and replies are Candid.
 */
class MotokoTest extends EndToEndTest {

    private static final String NO_ARGS = "4449444c0000";

    private static byte[] motoko(String name) {
        return wasm("motoko", name);
    }

    private String install(String name) {
        return installMotoko("motoko", name);
    }

    private String call(String kind, String id, String method, String candidHex) {
        Response response = http.call(kind, id, method, HexFormat.of().parseHex(candidHex));
        assertThat(response.status()).as("%s %s: %s", kind, method, response).isEqualTo(200);
        return HexFormat.of().formatHex(response.body());
    }

    @Test
    void counterCountsAndItsStableVarSurvivesAnUpgrade() {
        String id = install("counter");
        assertThat(call("update", id, "inc", NO_ARGS)).isEqualTo("4449444c00017d01");
        assertThat(call("update", id, "inc", NO_ARGS)).isEqualTo("4449444c00017d02");
        for (int i = 0; i < 25; i++) {
            assertThat(call("query", id, "get", NO_ARGS)).as("query %d", i).isEqualTo("4449444c00017d02");
        }
        assertThat(call("update", id, "add", "4449444c00017d05")).isEqualTo("4449444c00017d07");

        Response upgraded = http.install(id, motoko("counter"), "mode=upgrade&profile=canonical-nan&arg=" + NO_ARGS);
        assertThat(upgraded.status()).as("%s", upgraded).isEqualTo(200);
        assertThat(upgraded.json().get("stableMemorySize").asLong()).isPositive();
        assertThat(call("query", id, "get", NO_ARGS)).as("stable var after upgrade").isEqualTo("4449444c00017d07");
        assertThat(call("update", id, "inc", NO_ARGS)).isEqualTo("4449444c00017d08");
    }

    @Test
    void textRecordsAndHashMapWork() {
        String text = install("text");
        assertThat(call("query", text, "greet", "4449444c00017105576f726c64"))
                .isEqualTo("4449444c0001710d48656c6c6f2c20576f726c6421"); // "Hello, World!"

        String map = install("map");
        call("update", map, "put", "4449444c0002717d016101"); // put("a", 1)
        assertThat(call("query", map, "get", "4449444c0001710161")).isEqualTo("4449444c016e7d01000101"); // ?1
        // Debug.print in the committed update is in the canister's log
        assertThat(http.get("/v1/canisters/" + map + "/logs").json().get("logs").findValuesAsText("content"))
                .containsExactly("put a");

        String records = install("records");
        call("update", records, "add", "4449444c016c02bfe9a7027dcbe4fdc7047101001e05416c696365");
        assertThat(call("query", records, "oldest", NO_ARGS))
                .isEqualTo("4449444c026e016c02bfe9a7027dcbe4fdc704710100011e05416c696365");
    }

    @Test
    void aTrapIsA422AndTheCanisterKeepsWorking() {
        String id = install("trap");
        Response boom = http.update(id, "boom", HexFormat.of().parseHex(NO_ARGS));
        assertThat(boom.status()).isEqualTo(422);
        assertThat(boom.json().get("rejectCode").asInt()).isEqualTo(5);
        assertThat(boom.json().get("detail").asText()).contains("boom from motoko");
        Response divide = http.update(id, "divide", HexFormat.of().parseHex("4449444c00027d7d0a00"));
        assertThat(divide.status()).isEqualTo(422);
        assertThat(call("query", id, "ok", NO_ARGS)).isEqualTo("4449444c000171026f6b");
        // both failed updates left their trap message in the log
        assertThat(http.get("/v1/canisters/" + id + "/logs").json().get("logs").findValuesAsText("kind"))
                .containsExactly("trap", "trap");
        assertThat(http.get("/v1/canisters/" + id + "/logs").json().get("logs").get(0).get("content").asText())
                .contains("boom from motoko");
    }
}
