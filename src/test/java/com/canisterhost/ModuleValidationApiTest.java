package com.canisterhost;

import static com.canisterhost.support.CanisterFixtures.wasm;
import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.support.EndToEndTest;
import com.canisterhost.support.Http.Response;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The validation dry run and the content-addressed module store, end to end. */
class ModuleValidationApiTest extends EndToEndTest {

    @Autowired
    private JdbcClient jdbc;

    private Response validate(byte[] module, String query) {
        return http.send("POST", "/v1/modules/validate" + (query.isEmpty() ? "" : "?" + query), "application/wasm",
                module);
    }

    @Test
    void reportsWhatAValidModuleDeclaresWithoutInstallingIt() {
        long modulesBefore = jdbc.sql("SELECT count(*) FROM modules").query(Long.class).single();
        Response response = validate(wasm("counter"), "");
        assertThat(response.status()).isEqualTo(200);
        JsonNode report = response.json();
        assertThat(report.get("valid").asBoolean()).isTrue();
        assertThat(report.get("profile").asText()).isEqualTo("strict");
        assertThat(report.get("moduleHash").asText()).hasSize(64);
        assertThat(report.get("problem").isNull()).isTrue();
        assertThat(report.at("/exports/updates").toString()).contains("\"inc\"", "\"inc_then_trap\"");
        assertThat(report.at("/exports/queries").toString()).contains("\"get\"", "\"echo_q\"");
        assertThat(report.at("/exports/system").toString()).contains("canister_init");
        assertThat(report.get("imports").toString()).contains("ic0.msg_reply", "ic0.time");
        assertThat(report.at("/memory/initialPages").asInt()).isEqualTo(2);
        assertThat(jdbc.sql("SELECT count(*) FROM modules").query(Long.class).single()).isEqualTo(modulesBefore);
    }

    @Test
    void reportsTheProblemOfARefusedModule() {
        JsonNode report = validate(wasm("wasi_import"), "profile=canonical-nan").json();
        assertThat(report.get("valid").asBoolean()).isFalse();
        assertThat(report.get("profile").asText()).isEqualTo("canonical-nan");
        assertThat(report.at("/problem/kind").asText()).isEqualTo("module-import-forbidden");
        assertThat(report.at("/problem/rule").asText()).isEqualTo("import-module");
        assertThat(report.at("/problem/location/section").asText()).isEqualTo("import");
        assertThat(report.at("/problem/location/name").asText()).isEqualTo("wasi_snapshot_preview1.fd_write");

        Response badProfile = validate(wasm("counter"), "profile=fast");
        assertThat(badProfile.status()).isEqualTo(400);
        assertThat(badProfile.json().get("type").asText()).isEqualTo("urn:canister-host:problem:invalid-request");
    }

    @Test
    void installingTheSameBytesTwiceStoresThemOnce() {
        byte[] module = wasm("counter");
        String hash = validate(module, "").json().get("moduleHash").asText();
        String first = http.createCanister();
        String second = http.createCanister();
        assertThat(http.install(first, module, "").json().get("moduleHash").asText()).isEqualTo(hash);
        assertThat(http.install(second, module, "").json().get("moduleHash").asText()).isEqualTo(hash);
        long stored = jdbc.sql("SELECT count(*) FROM modules WHERE encode(hash, 'hex') = ?").param(hash)
                .query(Long.class).single();
        assertThat(stored).isEqualTo(1);
    }
}
