package com.canisterhost;

import static com.canisterhost.support.CanisterFixtures.wasm;
import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.support.EndToEndTest;
import com.canisterhost.support.Http.Response;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A canister's Candid interface over REST: read from its module's metadata, or attached by a controller. */
class CandidInterfaceTest extends EndToEndTest {

    private String motoko(String name) {
        String id = http.createCanister();
        Response installed = http.install(id, wasm("motoko", name), "profile=canonical-nan&arg=4449444c0000");
        assertThat(installed.status()).as("%s", installed).isEqualTo(200);
        return id;
    }

    private Response candid(String id) {
        return http.send("GET", "/v1/canisters/" + id + "/candid", null, null);
    }

    private Response attach(String id, String did) {
        return http.send("PUT", "/v1/canisters/" + id + "/candid", "text/plain", did.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aMotokoCanistersInterfaceIsItsModulesCandidService() throws IOException {
        String id = motoko("records");
        Response did = candid(id);
        assertThat(did.status()).as("%s", did).isEqualTo(200);
        assertThat(did.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/plain"));
        assertThat(did.headers().firstValue("Candid-Source")).contains("module");
        // moc wrote the same text to records.did when it built the module
        assertThat(new String(did.body(), StandardCharsets.UTF_8))
                .isEqualTo(Files.readString(Path.of("src/test/resources/motoko/records.did")));

        Response refused = attach(id, "service : {}");
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("type").asText()).isEqualTo("urn:canister-host:problem:candid-in-module");
    }

    @Test
    void theValidationReportListsTheMethodsWithTheirTypes() {
        JsonNode report = http.send("POST", "/v1/modules/validate?profile=canonical-nan", "application/wasm",
                wasm("motoko", "records")).json();
        JsonNode candid = report.get("candid");
        assertThat(candid.get("visibility").asText()).isEqualTo("private");
        assertThat(candid.get("problem").isNull()).isTrue();
        List<String> methods = new ArrayList<>();
        candid.get("methods").forEach(m -> methods.add(m.get("name").asText() + " " + m.get("kind").asText() + " "
                + m.get("type").asText()));
        assertThat(methods).containsExactly("add update (Person) -> (nat)", "adults query () -> (vec Person) query",
                "names query () -> (vec text) query", "oldest query () -> (opt Person) query");

        JsonNode wat = http.send("POST", "/v1/modules/validate", "application/wasm", wasm("counter")).json();
        assertThat(wat.get("candid").isNull()).as("a module without candid:service").isTrue();
    }

    @Test
    void aControllerAttachesAnInterfaceToAModuleWithoutOne() {
        String id = http.createCanister();
        assertThat(http.install(id, wasm("counter"), "").status()).isEqualTo(200);
        Response none = candid(id);
        assertThat(none.status()).isEqualTo(404);
        assertThat(none.json().get("type").asText()).isEqualTo("urn:canister-host:problem:candid-not-found");

        Response bad = attach(id, "service : {\n  inc : () -> (nat64) qurey;\n}");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("type").asText()).isEqualTo("urn:canister-host:problem:invalid-candid");
        assertThat(bad.json().get("line").asInt()).isEqualTo(2);
        assertThat(bad.json().get("column").asInt()).isEqualTo(23);
        assertThat(bad.json().get("detail").asText()).contains("qurey");
        assertThat(candid(id).status()).as("nothing attached by the refused request").isEqualTo(404);

        String did = "service : { inc : () -> (nat64); get : () -> (nat64) query }";
        assertThat(attach(id, did).status()).isEqualTo(204);
        Response attached = candid(id);
        assertThat(attached.status()).isEqualTo(200);
        assertThat(attached.headers().firstValue("Candid-Source")).contains("attached");
        assertThat(new String(attached.body(), StandardCharsets.UTF_8)).isEqualTo(did);

        // it stays across a reinstall of a module without its own
        assertThat(http.install(id, wasm("counter"), "mode=reinstall").status()).isEqualTo(200);
        assertThat(new String(candid(id).body(), StandardCharsets.UTF_8)).isEqualTo(did);

        assertThat(http.send("DELETE", "/v1/canisters/" + id + "/candid", null, null).status()).isEqualTo(204);
        assertThat(candid(id).status()).isEqualTo(404);
        assertThat(http.send("DELETE", "/v1/canisters/" + id + "/candid", null, null).status()).isEqualTo(404);
        assertThat(candid("aaaaa-aa-not-a-principal").status()).isEqualTo(404);
    }
}
