package com.canisterhost;

import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.support.EndToEndTest;
import com.canisterhost.support.Http.Response;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.test.context.TestPropertySource;

/**
 * The corpus of src/test/resources/validation: every rejected module is refused over HTTP with the problem type,
 * rule and location its manifest row names, and its accepted counterpart installs. The service runs with small
 * caps so the limit cases stay tiny modules.
 */
@TestPropertySource(properties = {
    "canister.module.limits.max-functions=8",
    "canister.module.limits.max-globals=4",
    "canister.module.limits.max-exported-methods=4",
    "canister.module.limits.max-exported-name-bytes=64",
    "canister.module.limits.max-function-instructions=64",
    "canister.module.limits.max-code-section-size=2048B",
    "canister.module.limits.max-heap-pages=16",
    "canister.module.limits.max-table-size=16",
    "canister.module.limits.max-custom-sections=3",
    "canister.module.limits.max-custom-section-bytes=256B"
})
class ValidationCorpusTest extends EndToEndTest {

    record Row(String file, String type, String rule, String profile, String section, String index, String name,
            String offset) {

        @Override
        public String toString() {
            return type + " " + rule + " (" + file + ", " + profile + ")";
        }
    }

    static List<Row> rows() {
        try (InputStream in = ValidationCorpusTest.class.getResourceAsStream("/validation/corpus.tsv")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().skip(1)
                    .filter(line -> !line.isBlank())
                    .map(line -> line.split("\t", -1))
                    .map(c -> new Row(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Stream<Row> rejected() {
        return rows().stream().filter(row -> !row.type().equals("accepted"));
    }

    static Stream<Row> acceptedAsIs() {
        return rows().stream().filter(row -> row.type().equals("accepted"));
    }

    static Stream<String> counterparts() {
        return rows().stream().filter(row -> row.type().startsWith("module-")).map(Row::file).distinct();
    }

    private static byte[] module(String directory, String file) {
        try (InputStream in = ValidationCorpusTest.class.getResourceAsStream(
                "/validation/" + directory + "/" + file + ".wasm")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theCorpusCoversEveryRuleWithAtLeast25Modules() {
        assertThat(counterparts()).hasSizeGreaterThanOrEqualTo(25);
        assertThat(rejected().map(Row::type).distinct()).contains("module-malformed", "module-invalid",
                "module-nondeterministic", "module-import-forbidden", "module-export-invalid",
                "module-limit-exceeded", "module-custom-section-invalid", "module-data-segment-invalid");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void rejectedModuleNamesTheRuleAndWhereItIsBroken(Row row) {
        String id = http.createCanister();
        Response response = http.install(id, module("rejected", row.file()), "profile=" + row.profile());
        assertThat(response.status()).as("%s", response).isEqualTo(400);
        JsonNode problem = response.json();
        String type = row.type().equals("rejected-also") ? rows().stream()
                .filter(r -> r.file().equals(row.file()) && r.type().startsWith("module-")).findFirst().orElseThrow()
                .type() : row.type();
        assertThat(problem.get("type").asText()).isEqualTo("urn:canister-host:problem:" + type);
        assertThat(problem.get("rule").asText()).isEqualTo(row.rule());
        JsonNode location = problem.get("location");
        assertThat(text(location, "section")).as("section in %s", problem).isEqualTo(row.section());
        assertThat(text(location, "index")).as("index in %s", problem).isEqualTo(row.index());
        assertThat(text(location, "name")).as("name in %s", problem).isEqualTo(row.name());
        if (!row.offset().equals("-")) {
            assertThat(text(location, "offset")).as("offset in %s", problem).isEqualTo(row.offset());
        }
        assertThat(problem.get("detail").asText()).isNotBlank();
        assertThat(http.get("/v1/canisters/" + id).json().get("moduleHash").isNull()).isTrue();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("counterparts")
    void acceptedCounterpartInstallsAndAnswers(String file) {
        String id = http.createCanister();
        Response response = http.install(id, module("accepted", file), "");
        assertThat(response.status()).as("%s", response).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acceptedAsIs")
    void floatModulesInstallUnderCanonicalNan(Row row) {
        String id = http.createCanister();
        Response response = http.install(id, module("rejected", row.file()), "profile=" + row.profile());
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        assertThat(response.json().get("profile").asText()).isEqualTo(row.profile());
    }

    private static String text(JsonNode location, String member) {
        JsonNode value = location == null ? null : location.get(member);
        return value == null || value.isNull() ? "-" : value.asText();
    }
}
