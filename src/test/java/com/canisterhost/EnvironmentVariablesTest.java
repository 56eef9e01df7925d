package com.canisterhost;

import static com.canisterhost.support.CanisterFixtures.environment;
import static com.canisterhost.support.CanisterFixtures.u32;
import static com.canisterhost.support.CanisterFixtures.u64;
import static com.canisterhost.support.CanisterFixtures.wasm;
import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.support.EndToEndTest;
import com.canisterhost.support.Http.Response;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * Environment variables end to end: set with {@code PATCH /v1/canisters/{id}/settings}, shown in the status, read by
 * canisters/ic0_all.wat through {@code ic0.env_var_*}, changed without a restart (also while the canister is held in
 * memory), checked against the IC's limits. RestartTest has them survive a restart.
 */
// the spinning query runs for about a second on an idle machine: room for a loaded one
@TestPropertySource(properties = "canister.execution.wall-clock-limit=30s")
class EnvironmentVariablesTest extends EndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INVALID = "urn:canister-host:problem:invalid-request";
    private static final String TRAPPED = "urn:canister-host:problem:canister-trapped";

    private String id;

    @BeforeEach
    void install() {
        id = http.createCanister();
        assertThat(http.install(id, wasm("ic0_all"), "").status()).isEqualTo(200);
    }

    @Test
    void theCanisterReadsWhatTheSettingsSetAndEachChangeWithoutARestart() {
        assertThat(status().get("environmentVariables")).isEmpty();
        assertThat(env()).isEmpty();

        Map<String, String> first = new LinkedHashMap<>();
        first.put("NETWORK", "local");
        first.put("émoji", "☃");
        first.put("API_URL", "https://example.org/v1");
        Response set = patch(variables(first));
        assertThat(set.status()).as("%s", set).isEqualTo(200);
        // in the order the canister indexes them: by the bytes of their UTF-8 names ("é" is 0xC3 0xA9)
        Map<String, String> sorted = new LinkedHashMap<>();
        sorted.put("API_URL", "https://example.org/v1");
        sorted.put("NETWORK", "local");
        sorted.put("émoji", "☃");
        assertThat(shown(set.json())).containsExactlyEntriesOf(sorted);
        assertThat(shown(status())).containsExactlyEntriesOf(sorted);
        for (JsonNode listed : http.get("/v1/canisters").json().get("canisters")) {
            if (listed.get("id").asText().equals(id)) {
                assertThat(shown(listed)).containsExactlyEntriesOf(sorted);
            }
        }
        assertThat(env()).containsExactlyEntriesOf(sorted);
        assertThat(environment(ok(http.update(id, "env_u", new byte[0])), 0)).containsExactlyEntriesOf(sorted);
        assertThat(lookup("NETWORK")).isEqualTo("local");
        assertThat(lookup("émoji")).isEqualTo("☃");
        assertThat(lookup("network")).isNull();
        assertThat(lookup("")).isNull();

        // every execution reads them, canister_init included (with none, name_size(0) would trap)
        assertThat(http.install(id, wasm("ic0_all"), "mode=reinstall&arg="
                + HexFormat.of().formatHex(bytes("env_var_name_size"))).status()).isEqualTo(200);

        // the canister is held in memory (it just ran): the next executions see the change at once
        assertThat(patch("{\"environmentVariables\": [{\"name\": \"NETWORK\", \"value\": \"ic\"}]}").status())
                .isEqualTo(200);
        assertThat(env()).containsExactlyEntriesOf(Map.of("NETWORK", "ic"));
        assertThat(environment(ok(http.update(id, "env_u", new byte[0])), 0)).containsExactlyEntriesOf(
                Map.of("NETWORK", "ic"));

        // other settings leave them as they are, and so do upgrades and reinstalls (they are settings, not state)
        assertThat(shown(patch("{\"logVisibility\": \"public\"}").json())).containsExactlyEntriesOf(
                Map.of("NETWORK", "ic"));
        assertThat(http.install(id, wasm("ic0_all"), "mode=upgrade").status()).isEqualTo(200);
        assertThat(http.install(id, wasm("ic0_all"), "mode=reinstall").status()).isEqualTo(200);
        assertThat(env()).containsExactlyEntriesOf(Map.of("NETWORK", "ic"));

        // an empty list clears them; any text is a name or a value, U+0000 and empty strings included
        assertThat(patch("{\"environmentVariables\": []}").json().get("environmentVariables")).isEmpty();
        assertThat(env()).isEmpty();
        assertThat(patch("{\"environmentVariables\": [{\"name\": \"\", \"value\": \"a\\u0000b\"}, "
                + "{\"name\": \"EMPTY\", \"value\": \"\"}]}").status()).isEqualTo(200);
        assertThat(env()).containsExactly(Map.entry("", "a\u0000b"), Map.entry("EMPTY", ""));
    }

    @Test
    void theSystemApiTrapsOnBadIndexesNamesAndRanges() {
        assertContextFreeTrap(probe("env_var_name_size"),
                "ic0.env_var_name_size: index 0 is out of range: the canister has 0 environment variables");
        assertContextFreeTrap(probe("env_var_value_size"),
                "ic0.env_var_value_size: the canister has no environment variable 'HOME'");
        assertThat(patch(variables(Map.of("A", "1", "BB", "22"))).status()).isEqualTo(200);

        assertThat(slice(0, 1, 1, 1, "")).isEqualTo(bytes("B"));
        assertThat(slice(0, 0, 0, 0, "")).isEmpty();
        assertThat(slice(1, 0, 1, 1, "BB")).isEqualTo(bytes("2"));
        assertThat(u32(ok(http.query(id, "env_slice", sliceArg(2, 0, 0, 0, "BB"))))).isEqualTo(2);
        assertContextFreeTrap(http.query(id, "env_slice", sliceArg(0, 2, 0, 0, "")),
                "ic0.env_var_name_copy: index 2 is out of range: the canister has 2 environment variables");
        assertContextFreeTrap(http.query(id, "env_slice", sliceArg(0, -1, 0, 0, "")),
                "ic0.env_var_name_copy: index 4294967295 is out of range: the canister has 2 environment variables");
        assertContextFreeTrap(http.query(id, "env_slice", sliceArg(0, 1, 1, 2, "")),
                "ic0.env_var_name_copy: range 1+2 is outside the 2-byte source");
        assertContextFreeTrap(http.query(id, "env_slice", sliceArg(1, 0, 2, 1, "BB")),
                "ic0.env_var_value_copy: range 2+1 is outside the 2-byte source");
        assertContextFreeTrap(http.query(id, "env_slice", sliceArg(1, 0, 0, 1, "C")),
                "ic0.env_var_value_copy: the canister has no environment variable 'C'");
        assertContextFreeTrap(http.query(id, "env_slice", sliceArg(2, 0, 0, 0, "b")),
                "ic0.env_var_value_size: the canister has no environment variable 'b'");
        assertContextFreeTrap(http.query(id, "env_lookup", new byte[] {'A', (byte) 0xFF}),
                "ic0.env_var_name_exists: the variable name is not valid UTF-8");
        assertContextFreeTrap(http.query(id, "env_slice", sliceArg(2, 0, 0, 0, new byte[] {(byte) 0xC3})),
                "ic0.env_var_value_size: the variable name is not valid UTF-8");
        assertThat(lookup("x".repeat(128))).isNull();
        assertContextFreeTrap(http.query(id, "env_lookup", bytes("x".repeat(129))),
                "ic0.env_var_name_exists: a variable name is at most 128 bytes, not 129");
        assertThat(u64(ok(probe("env_var_count")))).isEqualTo(2);
    }

    @Test
    void settingsAreCheckedAgainstTheIcLimitsAndABadRequestChangesNothing() {
        Map<String, String> most = new LinkedHashMap<>();
        for (int i = 0; i < 20; i++) {
            most.put(String.format("%02d", i) + "n".repeat(126), "v".repeat(128));
        }
        assertThat(patch(variables(most)).status()).as("20 variables of 128-byte names and values").isEqualTo(200);
        assertThat(env()).containsExactlyEntriesOf(most);

        Map<String, String> tooMany = new LinkedHashMap<>(most);
        tooMany.put("one more", "");
        assertInvalid(patch(variables(tooMany)), "at most 20 environment variables, not 21");
        assertInvalid(patch(variables(Map.of("n".repeat(129), "v"))),
                "an environment variable name is at most 128 bytes of UTF-8, not 129");
        assertInvalid(patch(variables(Map.of("€".repeat(43), "v"))),
                "an environment variable name is at most 128 bytes of UTF-8, not 129");
        assertInvalid(patch(variables(Map.of("N", "€".repeat(43)))),
                "the value of environment variable 'N' is at most 128 bytes of UTF-8, not 129");
        assertInvalid(patch("{\"environmentVariables\": [{\"name\": \"A\", \"value\": \"1\"}, "
                + "{\"name\": \"A\", \"value\": \"2\"}]}"), "environment variable 'A' is given twice");
        assertInvalid(patch("{\"environmentVariables\": [{\"name\": \"A\"}]}"),
                "an environment variable is {\"name\": <text>, \"value\": <text>}");
        assertInvalid(patch("{\"environmentVariables\": [null]}"),
                "an environment variable is {\"name\": <text>, \"value\": <text>}");
        assertInvalid(patch("{\"environmentVariables\": [{\"name\": \"\\ud800\", \"value\": \"1\"}]}"),
                "an environment variable name is not well-formed Unicode text (a lone surrogate)");
        for (String malformed : List.of("{\"A\": \"1\"}", "\"A=1\"", "[1]", "[[\"A\", \"1\"]]",
                "[{\"name\": [], \"value\": \"1\"}]")) {
            Response refused = patch("{\"environmentVariables\": " + malformed + "}");
            assertThat(refused.status()).as(malformed).isEqualTo(400);
            assertThat(refused.json().get("type").asText()).isEqualTo(INVALID);
        }
        // a request that fails changes none of the settings it names
        assertInvalid(patch("{\"logVisibility\": \"public\", \"controllers\": [], \"environmentVariables\": "
                + "[{\"name\": \"A\", \"value\": \"1\"}, {\"name\": \"A\", \"value\": \"1\"}]}"),
                "environment variable 'A' is given twice");
        JsonNode unchanged = status();
        assertThat(unchanged.get("logVisibility").asText()).isEqualTo("controllers");
        assertThat(unchanged.get("controllers")).hasSize(1);
        assertThat(shown(unchanged)).containsExactlyEntriesOf(most);
        assertThat(env()).containsExactlyEntriesOf(most);
    }

    /** Concurrent changes of one canister's variables are applied one after the other, never mixed or lost. */
    @Test
    void concurrentChangesOfOneCanisterAreSerialised() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(6);
        try {
            List<CompletableFuture<Response>> changes = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                Map<String, String> set = Map.of("A", "a" + i, "B", "b" + i, "C" + i, "c");
                changes.add(CompletableFuture.supplyAsync(() -> patch(variables(set)), threads));
            }
            for (CompletableFuture<Response> change : changes) {
                assertThat(change.get().status()).as("%s", change.get()).isEqualTo(200);
            }
        } finally {
            threads.shutdown();
        }
        Map<String, String> last = env();
        assertThat(last).hasSize(3);
        String i = last.get("A").substring(1);
        assertThat(last).containsEntry("B", "b" + i).containsEntry("C" + i, "c");
        assertThat(shown(status())).containsExactlyEntriesOf(last);
    }

    /**
     * An execution sees the variables as of its start, to its end: a query spins while the variables change, then
     * reads them. Whether it started before the change is judged by its {@code ic0.time}, fixed when it started; the
     * test needs one execution that started before the change began and answered after it had answered.
     */
    @Test
    void anExecutionKeepsTheVariablesItStartedWith() throws Exception {
        assertThat(patch(variables(Map.of("V", "old"))).status()).isEqualTo(200);
        int overlapped = 0;
        for (int attempt = 0; attempt < 5 && overlapped == 0; attempt++) {
            String before = attempt % 2 == 0 ? "old" : "new";
            String after = attempt % 2 == 0 ? "new" : "old";
            long spins = 60_000_000L << Math.min(attempt, 2); // longer, so a fast machine still overlaps the change
            CompletableFuture<Spin> spinning = CompletableFuture.supplyAsync(() -> {
                Response spun = http.query(id, "env_spin", u64(spins));
                return new Spin(spun, nanosNow());
            });
            Thread.sleep(100);
            long changing = nanosNow();
            assertThat(patch(variables(Map.of("V", after))).status()).isEqualTo(200);
            long changed = nanosNow();
            Spin spin = spinning.get();
            byte[] reply = ok(spin.response());
            long started = u64(reply);
            String seen = environment(reply, 8).get("V");
            if (started < changing) {
                assertThat(seen).as("started before the change").isEqualTo(before);
                overlapped += spin.answered() > changed ? 1 : 0;
            } else if (started > changed) {
                assertThat(seen).as("started after the change").isEqualTo(after);
            }
            assertThat(env().get("V")).as("the next execution").isEqualTo(after);
        }
        assertThat(overlapped).as("an execution that ran while the variables changed").isPositive();
    }

    private record Spin(Response response, long answered) {}

    private static long nanosNow() {
        return System.currentTimeMillis() * 1_000_000L;
    }

    // ---------------------------------------------------------------------------------------------------------

    private Response patch(String json) {
        return http.send("PATCH", "/v1/canisters/" + id + "/settings", "application/json",
                json.getBytes(StandardCharsets.UTF_8));
    }

    private static String variables(Map<String, String> variables) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("environmentVariables");
        variables.forEach((name, value) -> list.addObject().put("name", name).put("value", value));
        return body.toString();
    }

    private JsonNode status() {
        return http.get("/v1/canisters/" + id).json();
    }

    private static Map<String, String> shown(JsonNode status) {
        Map<String, String> variables = new LinkedHashMap<>();
        status.get("environmentVariables").forEach(v -> variables.put(v.get("name").asText(), v.get("value").asText()));
        return variables;
    }

    private Map<String, String> env() {
        return environment(ok(http.query(id, "env", new byte[0])), 0);
    }

    /** The value env_lookup finds for {@code name}, or null if env_var_name_exists says there is none. */
    private String lookup(String name) {
        byte[] reply = ok(http.query(id, "env_lookup", bytes(name)));
        if (u32(reply) == 0) {
            assertThat(reply).hasSize(4);
            return null;
        }
        assertThat(u32(reply)).isEqualTo(1);
        return new String(reply, 8, reply.length - 8, StandardCharsets.UTF_8);
    }

    private byte[] slice(int which, int index, int offset, int size, String name) {
        return ok(http.query(id, "env_slice", sliceArg(which, index, offset, size, bytes(name))));
    }

    private static byte[] sliceArg(int which, int index, int offset, int size, String name) {
        return sliceArg(which, index, offset, size, bytes(name));
    }

    private static byte[] sliceArg(int which, int index, int offset, int size, byte[] name) {
        return ByteBuffer.allocate(13 + name.length).order(ByteOrder.LITTLE_ENDIAN)
                .put((byte) which).putInt(index).putInt(offset).putInt(size).put(name).array();
    }

    private Response probe(String function) {
        return http.update(id, "probe", bytes(function));
    }

    private static void assertInvalid(Response response, String detail) {
        assertThat(response.status()).as("%s", response).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("type").asText()).isEqualTo(INVALID);
        assertThat(response.json().get("detail").asText()).isEqualTo(detail);
    }

    private static void assertContextFreeTrap(Response response, String detail) {
        assertThat(response.status()).as("%s", response).isEqualTo(422);
        assertThat(response.json().get("type").asText()).isEqualTo(TRAPPED);
        assertThat(response.json().get("errorCode").asText()).isEqualTo("IC0504");
        assertThat(response.json().get("detail").asText()).isEqualTo(detail);
    }

    private static byte[] ok(Response response) {
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        return response.body();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
