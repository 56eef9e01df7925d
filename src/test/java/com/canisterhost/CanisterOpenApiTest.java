package com.canisterhost;

import static com.canisterhost.support.CanisterFixtures.wasm;
import static org.assertj.core.api.Assertions.assertThat;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;
import com.canisterhost.support.EndToEndTest;
import com.canisterhost.support.Http.Response;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Each canister's OpenAPI document, made from its Candid interface, describes the calls the service takes. */
class CanisterOpenApiTest extends EndToEndTest {

    private String motoko(String name) {
        return installMotoko("motoko", name);
    }

    @Test
    void theDocumentHasAnOperationPerMethodAndASchemaPerType() {
        String id = motoko("ledger");
        Response response = http.send("GET", "/v1/canisters/" + id + "/openapi.json", null, null);
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        JsonNode doc = response.json();
        assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
        JsonNode paths = doc.get("paths");
        assertThat(paths.has("/v1/canisters/" + id + "/update/deposit")).isTrue();
        assertThat(paths.has("/v1/canisters/" + id + "/query/getNote")).isTrue();
        JsonNode deposit = paths.get("/v1/canisters/" + id + "/update/deposit").get("post");
        JsonNode args = deposit.at("/requestBody/content/application~1json/schema/properties/args");
        assertThat(args.get("prefixItems").get(0).get("type").asText()).isEqualTo("string"); // text
        assertThat(args.get("prefixItems").get(1).get("pattern").asText()).isEqualTo("^[0-9]+$"); // nat
        JsonNode schemas = doc.at("/components/schemas");
        // Result_2 = variant { err : Error; ok : Note }: alternatives by $ref to the named types
        assertThat(schemas.at("/Result_2/oneOf/0/properties/ok/$ref").asText()).isEqualTo("#/components/schemas/Note");
        assertThat(schemas.at("/Result_2/oneOf/1/properties/err/$ref").asText())
                .isEqualTo("#/components/schemas/Error");
        assertThat(schemas.at("/Note/required").toString()).contains("\"tags\"");
        assertThat(schemas.at("/Note/properties/tags/items/type").asText()).isEqualTo("string");

        // a canister without an interface has no document
        String wat = http.createCanister();
        assertThat(http.install(wat, wasm("counter"), "").status()).isEqualTo(200);
        assertThat(http.send("GET", "/v1/canisters/" + wat + "/openapi.json", null, null).status()).isEqualTo(404);
    }

    @Test
    void realCallsMatchTheCanistersDocument() {
        String id = motoko("ledger");
        String doc = new String(http.send("GET", "/v1/canisters/" + id + "/openapi.json", null, null).body(),
                StandardCharsets.UTF_8);
        OpenApiInteractionValidator validator = OpenApiInteractionValidator.createForInlineApiSpecification(doc)
                .build();
        String[][] calls = {
            {"update/deposit", "{\"args\": [\"ada\", \"100\"]}"},
            {"query/balance", "{\"args\": [\"ada\"]}"},
            {"update/addNote", "{\"args\": [\"first\", \"hello #a #b\"]}"},
            {"query/getNote", "{\"args\": [\"0\"]}"},
            {"query/getNote", "{\"args\": [\"7\"]}"},
            {"query/stats", "{\"args\": []}"},
        };
        for (String[] call : calls) {
            String path = "/v1/canisters/" + id + "/" + call[0];
            Response response = http.send("POST", path, "application/json", call[1].getBytes(StandardCharsets.UTF_8));
            assertThat(response.status()).as("%s %s", path, response).isEqualTo(200);
            assertThat(response.json().has("values")).as("%s", response).isTrue();
            ValidationReport report = validator.validate(
                    new SimpleRequest.Builder(Request.Method.POST, path).withContentType("application/json")
                            .withBody(call[1]).build(),
                    SimpleResponse.Builder.status(200).withContentType("application/json")
                            .withBody(new String(response.body(), StandardCharsets.UTF_8)).build());
            assertThat(report.getMessages()).as("%s -> %s", path, response).isEmpty();
        }
        // a request the document refuses is one the service refuses too (the validator reads JSON Schema draft 4,
        // which knows no prefixItems: the positions' own types it does not check)
        String bad = "{\"arg\": 5}";
        ValidationReport refused = validator.validateRequest(new SimpleRequest.Builder(Request.Method.POST,
                "/v1/canisters/" + id + "/update/deposit").withContentType("application/json").withBody(bad).build());
        assertThat(refused.hasErrors()).isTrue();
        assertThat(http.send("POST", "/v1/canisters/" + id + "/update/deposit", "application/json",
                bad.getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(400);
    }
}
