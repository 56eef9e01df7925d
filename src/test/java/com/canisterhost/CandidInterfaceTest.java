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
        return installMotoko("motoko", name);
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

    private Response candidCall(String kind, String id, String method, String args) {
        return http.send("POST", "/v1/canisters/" + id + "/" + kind + "/" + method, "text/x-candid",
                args.getBytes(StandardCharsets.UTF_8), "Accept", "text/x-candid");
    }

    private static String text(Response response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    @Test
    void aMotokoCanisterIsCalledInCandidTextAndAnswersInIt() {
        String id = motoko("records");
        Response added = candidCall("update", id, "add", "(record { name = \"Ada\"; age = 36 })");
        assertThat(added.status()).as("%s", added).isEqualTo(200);
        assertThat(added.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("text/x-candid"));
        assertThat(text(added)).isEqualTo("(1 : nat)");
        assertThat(text(candidCall("update", id, "add", "record { age = 12; name = \"Bo\" }"))).isEqualTo("(2 : nat)");
        // the reply's field names come back from the interface (the wire carries their hashes only)
        assertThat(text(candidCall("query", id, "adults", "()")))
                .isEqualTo("(vec { record { age = 36 : nat; name = \"Ada\" } })");
        assertThat(text(candidCall("query", id, "oldest", "()")))
                .isEqualTo("(opt record { age = 36 : nat; name = \"Ada\" })");

        // a binary call may still ask for its reply as Candid text, and a Candid-text call for JSON
        Response raw = http.send("POST", "/v1/canisters/" + id + "/query/names", "application/octet-stream",
                java.util.HexFormat.of().parseHex("4449444c0000"), "Accept", "text/x-candid");
        assertThat(text(raw)).isEqualTo("(vec { \"Ada\"; \"Bo\" })");
        Response json = http.send("POST", "/v1/canisters/" + id + "/query/names", "text/x-candid",
                "()".getBytes(StandardCharsets.UTF_8));
        assertThat(json.json().get("status").asText()).isEqualTo("replied");
    }

    @Test
    void candidTextThatDoesNotFitTheInterfaceIs400WithWhere() {
        String id = motoko("records");
        Response wrongType = candidCall("update", id, "add", "(record { name = \"Ada\"; age = -3 })");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.json().get("type").asText()).isEqualTo("urn:canister-host:problem:candid-type-mismatch");
        assertThat(wrongType.json().get("path").asText()).isEqualTo("argument 1.age");
        assertThat(wrongType.json().get("detail").asText()).contains("expected nat");

        Response missing = candidCall("update", id, "add", "(record { age = 3 })");
        assertThat(missing.json().get("path").asText()).isEqualTo("argument 1.name");

        Response unparsable = candidCall("update", id, "add", "(record { name = \"Ada\" age = 3 })");
        assertThat(unparsable.status()).isEqualTo(400);
        assertThat(unparsable.json().get("type").asText()).isEqualTo("urn:canister-host:problem:invalid-candid");
        assertThat(unparsable.json().get("column").asInt()).isEqualTo(24);

        Response unknown = candidCall("update", id, "remove", "()");
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("detail").asText()).contains("no method remove");

        // nothing ran: the state is as before
        assertThat(text(candidCall("query", id, "names", "()"))).isEqualTo("(vec {})");

        String wat = http.createCanister();
        assertThat(http.install(wat, wasm("counter"), "").status()).isEqualTo(200);
        Response untyped = candidCall("update", wat, "inc", "()");
        assertThat(untyped.status()).isEqualTo(400);
        assertThat(untyped.json().get("detail").asText()).contains("has no Candid interface");
        // a reply that is not Candid (the counter answers 8 raw bytes) comes back raw, with a warning
        Response rawReply = http.send("POST", "/v1/canisters/" + wat + "/update/inc", "application/octet-stream",
                new byte[0], "Accept", "text/x-candid");
        assertThat(rawReply.status()).isEqualTo(200);
        assertThat(rawReply.headers().firstValue("Content-Type")).contains("application/octet-stream");
        assertThat(rawReply.headers().firstValue("Candid-Warning")).hasValueSatisfying(w -> assertThat(w)
                .contains("not Candid"));
        assertThat(rawReply.body()).hasSize(8);
    }

    @Test
    void aMotokoCanisterIsCalledWithJsonArgumentsAndItsReplyCarriesValues() {
        String id = motoko("records");
        Response added = http.send("POST", "/v1/canisters/" + id + "/update/add", "application/json",
                "{\"args\": [{\"name\": \"Ada\", \"age\": \"36\"}]}".getBytes(StandardCharsets.UTF_8));
        assertThat(added.status()).as("%s", added).isEqualTo(200);
        assertThat(added.json().get("values").toString()).isEqualTo("[\"1\"]");
        assertThat(added.json().get("reply").asText()).isEqualTo("RElETAABfQE="); // the raw reply stays
        Response oldest = http.send("POST", "/v1/canisters/" + id + "/query/oldest", "application/json",
                "{\"args\": []}".getBytes(StandardCharsets.UTF_8));
        assertThat(oldest.json().get("values").toString()).isEqualTo("[[{\"age\":\"36\",\"name\":\"Ada\"}]]");

        Response wrong = http.send("POST", "/v1/canisters/" + id + "/update/add", "application/json",
                "{\"args\": [{\"name\": \"Ada\", \"age\": true}]}".getBytes(StandardCharsets.UTF_8));
        assertThat(wrong.status()).isEqualTo(400);
        assertThat(wrong.json().get("path").asText()).isEqualTo("argument 1.age");
        // {"arg": base64} works as before, without values
        Response untyped = http.send("POST", "/v1/canisters/" + id + "/query/names", "application/json",
                "{\"arg\": \"RElETAAA\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(untyped.json().has("values")).isFalse();
        assertThat(untyped.json().get("reply").asText()).isNotEmpty();
    }

    /** Typed calls use the interface of the module installed now, not one remembered from before. */
    @Test
    void aNewModuleBringsItsInterfaceToTypedCalls() {
        String id = http.createCanister();
        assertThat(http.install(id, wasm("counter"), "").status()).isEqualTo(200);
        assertThat(attach(id, "service : { add : (text) -> () }").status()).isEqualTo(204);
        assertThat(candidCall("update", id, "add", "(record { name = \"Ada\"; age = 1 })").json().get("detail")
                .asText()).contains("expected text");

        Response reinstalled = http.install(id, wasm("motoko", "records"),
                "mode=reinstall&profile=canonical-nan&arg=4449444c0000");
        assertThat(reinstalled.status()).as("%s", reinstalled).isEqualTo(200);
        assertThat(text(candidCall("update", id, "add", "(record { name = \"Ada\"; age = 1 })")))
                .isEqualTo("(1 : nat)");

        assertThat(http.install(id, wasm("counter"), "mode=reinstall").status()).isEqualTo(200);
        assertThat(candidCall("update", id, "add", "(\"x\")").status()).as("the attached one again").isNotEqualTo(400);
    }
}
