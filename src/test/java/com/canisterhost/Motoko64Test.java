package com.canisterhost;

import static com.canisterhost.support.CanisterFixtures.wasm;
import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.support.EndToEndTest;
import com.canisterhost.support.Http.Response;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * Canisters from today's Motoko compiler (moc 4.10.0, src/test/resources/motoko64): wasm64 modules with a 64-bit
 * table, the 64-bit ic0 System API and enhanced orthogonal persistence, installed unmodified over REST (lowered to
 * a 32-bit memory at install) under the canonical-nan profile. Arguments and replies are Candid.
 */
@TestPropertySource(properties = "canister.execution.wall-clock-limit=30s") // growing 80 MiB takes seconds on a busy machine
class Motoko64Test extends EndToEndTest {

    private static final String NO_ARGS = "4449444c0000";

    private static byte[] motoko(String name) {
        return wasm("motoko64", name);
    }

    private String install(String name) {
        String id = http.createCanister();
        Response installed = http.install(id, motoko(name), "profile=canonical-nan&arg=" + NO_ARGS);
        assertThat(installed.status()).as("%s", installed).isEqualTo(200);
        return id;
    }

    private Response upgrade(String id, String name, String options) {
        return http.install(id, motoko(name), "mode=upgrade&profile=canonical-nan&arg=" + NO_ARGS + options);
    }

    private String call(String kind, String id, String method, String candidHex) {
        Response response = http.call(kind, id, method, HexFormat.of().parseHex(candidHex));
        assertThat(response.status()).as("%s %s: %s", kind, method, response).isEqualTo(200);
        return HexFormat.of().formatHex(response.body());
    }

    /** Reloads the canister from PostgreSQL: a stop and a start drop its copy in memory. */
    private void reload(String id) {
        assertThat(http.post("/v1/canisters/" + id + "/stop").status()).isEqualTo(200);
        assertThat(http.post("/v1/canisters/" + id + "/start").status()).isEqualTo(200);
    }

    @Test
    void aPersistentCounterCountsRollsBackATrapAndKeepsItsCountAcrossAnUpgrade() {
        String id = install("counter");
        JsonNode status = http.get("/v1/canisters/" + id).json();
        assertThat(status.get("profile").asText()).isEqualTo("canonical-nan");
        assertThat(call("update", id, "inc", NO_ARGS)).isEqualTo("4449444c00017d01");
        assertThat(call("update", id, "inc", NO_ARGS)).isEqualTo("4449444c00017d02");
        for (int i = 0; i < 10; i++) { // the runtime traps on the next call if a query's writes were kept
            assertThat(call("query", id, "get", NO_ARGS)).as("query %d", i).isEqualTo("4449444c00017d02");
        }
        Response trapped = http.update(id, "inc_then_trap", HexFormat.of().parseHex(NO_ARGS));
        assertThat(trapped.status()).as("%s", trapped).isEqualTo(422);
        assertThat(trapped.json().get("rejectCode").asInt()).isEqualTo(5);
        assertThat(trapped.json().get("detail").asText()).contains("count raised to 3, then trapped");
        assertThat(call("query", id, "get", NO_ARGS)).as("rolled back").isEqualTo("4449444c00017d02");

        assertThat(upgrade(id, "counter", "&wasm_memory_persistence=keep").status()).isEqualTo(200);
        assertThat(call("query", id, "get", NO_ARGS)).isEqualTo("4449444c00017d02");
        reload(id);
        assertThat(call("update", id, "inc", NO_ARGS)).isEqualTo("4449444c00017d03");
    }

    @Test
    void aCoreMapStoreKeepsItsEntriesAcrossAnUpgradeWithKeepAndRefusesOneWithout() {
        String id = install("store");
        call("update", id, "put", "4449444c000271710161036f6e65"); // put("a", "one")
        call("update", id, "put", "4449444c0002717101620374776f"); // put("b", "two")
        call("update", id, "put", "4449444c000271710163057468726565"); // put("c", "three")
        assertThat(call("query", id, "size", NO_ARGS)).isEqualTo("4449444c00017d03");
        JsonNode before = http.get("/v1/canisters/" + id).json();

        Response omitted = upgrade(id, "store_v2", "");
        assertThat(omitted.status()).as("%s", omitted).isEqualTo(409);
        assertThat(omitted.json().get("type").asText())
                .isEqualTo("urn:canister-host:problem:wasm-memory-persistence-required");
        assertThat(omitted.json().get("detail").asText()).contains("wasm_memory_persistence");
        JsonNode after = http.get("/v1/canisters/" + id).json();
        assertThat(after.get("moduleHash")).isEqualTo(before.get("moduleHash"));
        assertThat(after.get("stateVersion")).isEqualTo(before.get("stateVersion"));
        assertThat(call("query", id, "size", NO_ARGS)).as("unchanged").isEqualTo("4449444c00017d03");

        Response kept = upgrade(id, "store_v2", "&wasm_memory_persistence=keep");
        assertThat(kept.status()).as("%s", kept).isEqualTo(200);
        assertThat(call("query", id, "version", NO_ARGS)).isEqualTo("4449444c00017d02");
        assertThat(call("query", id, "get", "4449444c0001710161")).isEqualTo("4449444c016e71010001036f6e65");
        assertThat(call("query", id, "keys", NO_ARGS)).isEqualTo("4449444c016d71010003016101620163");
        reload(id);
        assertThat(call("query", id, "size", NO_ARGS)).isEqualTo("4449444c00017d03");
        assertThat(call("query", id, "get", "4449444c0001710163")).isEqualTo("4449444c016e71010001057468726565");
    }

    @Test
    void aHeapGrowsPast64MiBAndIsThereAfterAReload() {
        String id = install("bigheap");
        call("update", id, "grow", "4449444c00017d50"); // grow(80): 80 MiB of blobs kept in the heap
        long heapMiB = nat(call("query", id, "heapMiB", NO_ARGS));
        assertThat(heapMiB).isGreaterThan(64);
        assertThat(http.get("/v1/canisters/" + id).json().get("memorySize").asLong()).isGreaterThan(64L << 20);
        reload(id);
        assertThat(call("query", id, "check", NO_ARGS)).isEqualTo("4449444c00017e01");
        assertThat(nat(call("query", id, "heapMiB", NO_ARGS))).isEqualTo(heapMiB);
    }

    /** A Candid {@code (nat)} reply's value. */
    private static long nat(String hex) {
        assertThat(hex).startsWith("4449444c00017d");
        byte[] bytes = HexFormat.of().parseHex(hex.substring(14));
        long value = 0;
        for (int i = bytes.length - 1; i >= 0; i--) {
            value = (value << 7) | (bytes[i] & 0x7f);
        }
        return value;
    }
}
