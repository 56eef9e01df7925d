package com.canisterhost;

import static com.canisterhost.support.CanisterFixtures.u32;
import static com.canisterhost.support.CanisterFixtures.u64;
import static com.canisterhost.support.CanisterFixtures.wasm;
import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.support.EndToEndTest;
import com.canisterhost.support.Http.Response;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Creating, installing, stopping and deleting canisters, and rejecting bad modules, end to end. */
class CanisterLifecycleTest extends EndToEndTest {

    @Test
    void createMintsSequentialIcStyleIdsAndReportsStatus() {
        Response created = http.post("/v1/canisters");
        assertThat(created.status()).isEqualTo(201);
        JsonNode body = created.json();
        String id = body.get("id").asText();
        assertThat(id).matches("[a-z2-7]{5}(-[a-z2-7]{5})*-[a-z2-7]{1,5}").endsWith("-cai");
        assertThat(created.headers().firstValue("Location")).hasValue("/v1/canisters/" + id);
        assertThat(body.get("status").asText()).isEqualTo("running");
        assertThat(body.get("moduleHash").isNull()).isTrue();
        assertThat(body.get("stateVersion").asLong()).isZero();
        assertThat(body.get("controllers").get(0).asText()).isEqualTo("2vxsx-fae");

        String next = http.createCanister();
        assertThat(next).isNotEqualTo(id);
        assertThat(http.get("/v1/canisters").json().get("canisters").findValuesAsText("id")).contains(id, next);
        assertThat(http.get("/v1/canisters/" + id).json().get("id").asText()).isEqualTo(id);
    }

    @Test
    void installReportsModuleHashAndRunsInitWithItsArgument() throws Exception {
        String id = http.createCanister();
        byte[] module = wasm("counter");
        Response installed = http.install(id, module, "arg=" + HexFormat.of().formatHex(u64(40)));
        assertThat(installed.status()).as("%s", installed).isEqualTo(200);
        String hash = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(module));
        assertThat(installed.json().get("moduleHash").asText()).isEqualTo(hash);
        assertThat(installed.json().get("stateVersion").asLong()).isEqualTo(1);
        assertThat(installed.json().get("memorySize").asLong()).isEqualTo(2 * 65536L);
        assertThat(u64(http.update(id, "inc", new byte[0]).body())).isEqualTo(41);

        Response again = http.install(id, module, "");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("type").asText()).isEqualTo("urn:canister-host:problem:module-already-installed");
    }

    @Test
    void initTrapInstallsNothing() {
        String id = http.createCanister();
        Response failed = http.install(id, wasm("init_trap"), "");
        assertThat(failed.status()).isEqualTo(422);
        assertThat(failed.json().get("rejectCode").asInt()).isEqualTo(5);
        assertThat(failed.json().get("detail").asText()).contains("init failed on purpose");
        JsonNode status = http.get("/v1/canisters/" + id).json();
        assertThat(status.get("moduleHash").isNull()).isTrue();
        assertThat(status.get("stateVersion").asLong()).isZero();
        Response call = http.query(id, "get", new byte[0]);
        assertThat(call.status()).isEqualTo(409);
        assertThat(call.json().get("type").asText()).isEqualTo("urn:canister-host:problem:canister-empty");

        Response badInitArg = http.install(id, wasm("counter"), "arg=0102");
        assertThat(badInitArg.status()).isEqualTo(422);
        assertThat(http.install(id, wasm("counter"), "").status()).isEqualTo(200);
    }

    @Test
    void startFunctionRunsOnceAtInstall() {
        String id = http.createCanister();
        assertThat(http.install(id, wasm("start_fn"), "").status()).isEqualTo(200);
        assertThat(u32(http.query(id, "get16", new byte[0]).body())).isEqualTo(7);
        assertThat(http.update(id, "set16", new byte[] {9, 0, 0, 0}).status()).isEqualTo(200);
        assertThat(u32(http.query(id, "get16", new byte[0]).body())).isEqualTo(9);
        // A failed update forces a fresh instance from the committed state: the start function must not re-run.
        assertThat(http.update(id, "set16", new byte[] {1}).status()).isEqualTo(422);
        assertThat(u32(http.query(id, "get16", new byte[0]).body())).isEqualTo(9);
    }

    @Test
    void reinstallAndUpgradeReplaceTheHeap() {
        String id = http.createCanister();
        http.install(id, wasm("counter"), "");
        http.update(id, "inc", new byte[0]);
        Response reinstall = http.install(id, wasm("counter"), "mode=reinstall&arg=" + HexFormat.of().formatHex(u64(7)));
        assertThat(reinstall.status()).isEqualTo(200);
        assertThat(u64(http.query(id, "get", new byte[0]).body())).isEqualTo(7);
        Response upgrade = http.install(id, wasm("counter"), "mode=upgrade");
        assertThat(upgrade.status()).isEqualTo(200);
        assertThat(upgrade.json().get("stateVersion").asLong()).isEqualTo(4);
        assertThat(u64(http.query(id, "get", new byte[0]).body())).as("heap and globals are fresh").isZero();

        String empty = http.createCanister();
        Response upgradeEmpty = http.install(empty, wasm("counter"), "mode=upgrade");
        assertThat(upgradeEmpty.status()).isEqualTo(409);
        assertThat(upgradeEmpty.json().get("type").asText()).isEqualTo("urn:canister-host:problem:canister-empty");
        Response badMode = http.install(empty, wasm("counter"), "mode=sideways");
        assertThat(badMode.status()).isEqualTo(400);
    }

    @Test
    void gzipAndMultipartUploadsInstall() throws Exception {
        ByteArrayOutputStream gzip = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gzip)) {
            out.write(wasm("counter"));
        }
        String gz = http.createCanister();
        // gzip is detected by its magic bytes, whatever the Content-Type says
        Response gzipped = http.send("PUT", "/v1/canisters/" + gz + "/module", "application/octet-stream",
                gzip.toByteArray());
        assertThat(gzipped.status()).as("%s", gzipped).isEqualTo(200);
        assertThat(u64(http.update(gz, "inc", new byte[0]).body())).isEqualTo(1);

        String multi = http.createCanister();
        String boundary = "----canister-host-test";
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"module\"; filename=\"counter.wasm\"\r\n"
                + "Content-Type: application/wasm\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(wasm("counter"));
        body.write(("\r\n--" + boundary + "\r\nContent-Disposition: form-data; name=\"arg\"\r\n\r\n"
                + HexFormat.of().formatHex(u64(5)) + "\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        Response multipart = http.send("PUT", "/v1/canisters/" + multi + "/module",
                "multipart/form-data; boundary=" + boundary, body.toByteArray());
        assertThat(multipart.status()).as("%s", multipart).isEqualTo(200);
        assertThat(u64(http.query(multi, "get", new byte[0]).body())).isEqualTo(5);
    }

    @ParameterizedTest
    @CsvSource({
        "garbage, module-malformed, bad-magic, must start with",
        "truncated, module-malformed, section-bounds, runs past the end of the module",
        "wasi_import, module-import-forbidden, import-module, wasi_snapshot_preview1.fd_write",
        "bad_signature, module-import-forbidden, import-signature, ic0.msg_reply has type (i32) -> ()"
    })
    void badModulesAreRejectedWithTheReason(String module, String type, String rule, String reason) {
        String id = http.createCanister();
        Response response = http.install(id, wasm(module), "");
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.contentType()).startsWith("application/problem+json");
        assertThat(response.json().get("type").asText()).isEqualTo("urn:canister-host:problem:" + type);
        assertThat(response.json().get("rule").asText()).isEqualTo(rule);
        assertThat(response.json().get("detail").asText()).contains(reason);
        assertThat(http.get("/v1/canisters/" + id).json().get("moduleHash").isNull()).isTrue();
    }

    @Test
    void stoppedCanistersRefuseCallsAndOnlyStoppedOnesCanBeDeleted() {
        String id = http.createCanister();
        http.install(id, wasm("counter"), "");
        Response notStopped = http.send("DELETE", "/v1/canisters/" + id, null, null);
        assertThat(notStopped.status()).isEqualTo(409);
        assertThat(notStopped.json().get("type").asText()).isEqualTo("urn:canister-host:problem:canister-not-stopped");

        assertThat(http.post("/v1/canisters/" + id + "/stop").json().get("status").asText()).isEqualTo("stopped");
        Response refused = http.update(id, "inc", new byte[0]);
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().get("type").asText()).isEqualTo("urn:canister-host:problem:canister-stopped");

        assertThat(http.post("/v1/canisters/" + id + "/start").json().get("status").asText()).isEqualTo("running");
        assertThat(http.update(id, "inc", new byte[0]).status()).isEqualTo(200);

        http.post("/v1/canisters/" + id + "/stop");
        assertThat(http.send("DELETE", "/v1/canisters/" + id, null, null).status()).isEqualTo(204);
        Response gone = http.get("/v1/canisters/" + id);
        assertThat(gone.status()).isEqualTo(404);
        assertThat(gone.json().get("type").asText()).isEqualTo("urn:canister-host:problem:canister-not-found");
        assertThat(http.createCanister()).as("ids are never reused").isNotEqualTo(id);
    }

    /**
     * A start while a stop waits for the calls in flight wins, and the stop fails, as on the IC. (The stop used to
     * mark the canister stopped once its calls were done, over the start.) The start waits on the canister's lane
     * behind the two spinning calls, so it lands before the stop can finish whatever the machine's speed.
     */
    @Test
    void aStartWhileAStopWaitsCancelsTheStop() throws Exception {
        String id = http.createCanister();
        http.install(id, wasm("counter"), "");
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newCachedThreadPool();
        try {
            java.util.List<java.util.concurrent.Future<Response>> spinning = new java.util.ArrayList<>();
            for (int i = 0; i < 2; i++) { // each spins to its instruction limit, about a second
                spinning.add(clients.submit(() -> http.update(id, "loop_forever", new byte[0])));
            }
            awaitInFlight();
            java.util.concurrent.Future<Response> stop = clients.submit(() -> http.post("/v1/canisters/" + id
                    + "/stop"));
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!http.get("/v1/canisters/" + id).json().get("status").asText().equals("stopping")) {
                assertThat(System.nanoTime()).as("stopping within 5 s").isLessThan(deadline);
                Thread.sleep(5);
            }
            Response started = http.post("/v1/canisters/" + id + "/start");
            assertThat(started.json().get("status").asText()).isEqualTo("running");
            Response cancelled = stop.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(cancelled.status()).as("%s", cancelled).isEqualTo(409);
            assertThat(cancelled.json().get("type").asText()).isEqualTo("urn:canister-host:problem:stop-cancelled");
            for (var call : spinning) {
                assertThat(call.get(60, java.util.concurrent.TimeUnit.SECONDS).status()).isEqualTo(422);
            }
            assertThat(http.get("/v1/canisters/" + id).json().get("status").asText()).as("the start stands")
                    .isEqualTo("running");
            assertThat(http.update(id, "inc", new byte[0]).status()).isEqualTo(200);
        } finally {
            clients.shutdownNow();
        }
    }

    /** Waits until an execution runs (nothing else in this class runs one meanwhile). */
    private void awaitInFlight() throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!new String(http.get("/actuator/prometheus").body())
                .matches("(?s).*\\ncanister_executions_running [1-9].*")) {
            assertThat(System.nanoTime()).as("a call running within 5 s").isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    /**
     * Enhanced orthogonal persistence: a canister whose module carries {@code icp:private
     * enhanced-orthogonal-persistence} keeps its heap across an upgrade with {@code wasm_memory_persistence=keep}
     * (the new module's data segments written into it, its globals starting over, across a reload from
     * PostgreSQL), refuses an upgrade that omits the option, replaces the heap with {@code replace}; keep needs a
     * new module with the section; reinstall starts empty and takes no option.
     */
    @Test
    void anUpgradeKeepsTheHeapOfACanisterBuiltForEnhancedPersistenceOnlyWhenAskedTo() {
        String id = http.createCanister();
        assertThat(http.install(id, wasm("persistent_v1"), "").status()).isEqualTo(200);
        assertThat(http.update(id, "put", "kept across upgrades".getBytes()).status()).isEqualTo(200);
        assertThat(u32(http.query(id, "calls", new byte[0]).body())).isEqualTo(1);
        JsonNode before = http.get("/v1/canisters/" + id).json();

        Response omitted = http.install(id, wasm("persistent_v2"), "mode=upgrade");
        assertThat(omitted.status()).as("%s", omitted).isEqualTo(409);
        assertThat(omitted.json().get("type").asText())
                .isEqualTo("urn:canister-host:problem:wasm-memory-persistence-required");
        assertThat(omitted.json().get("detail").asText()).contains("wasm_memory_persistence=keep");
        JsonNode unchanged = http.get("/v1/canisters/" + id).json();
        assertThat(unchanged.get("stateVersion")).isEqualTo(before.get("stateVersion"));
        assertThat(unchanged.get("moduleHash")).isEqualTo(before.get("moduleHash"));
        assertThat(new String(http.query(id, "get", new byte[0]).body())).isEqualTo("kept across upgrades");

        Response notPersistent = http.install(id, wasm("counter"), "mode=upgrade&wasm_memory_persistence=keep");
        assertThat(notPersistent.status()).as("%s", notPersistent).isEqualTo(400);
        assertThat(notPersistent.json().get("type").asText())
                .isEqualTo("urn:canister-host:problem:wasm-memory-persistence-invalid");
        assertThat(http.install(id, wasm("persistent_v2"), "mode=reinstall&wasm_memory_persistence=keep").status())
                .isEqualTo(400);
        assertThat(http.install(id, wasm("persistent_v2"), "mode=upgrade&wasm_memory_persistence=forever")
                .status()).isEqualTo(400);

        Response kept = http.install(id, wasm("persistent_v2"), "mode=upgrade&wasm_memory_persistence=keep");
        assertThat(kept.status()).as("%s", kept).isEqualTo(200);
        assertThat(new String(http.query(id, "get", new byte[0]).body())).isEqualTo("kept across upgrades");
        assertThat(new String(http.query(id, "version", new byte[0]).body()))
                .as("the new module's data segment, written into the kept heap").isEqualTo("version2");
        assertThat(u32(http.query(id, "calls", new byte[0]).body())).as("globals start over").isZero();
        // read back from PostgreSQL: a stop and start reloads the canister
        http.post("/v1/canisters/" + id + "/stop");
        http.post("/v1/canisters/" + id + "/start");
        assertThat(new String(http.query(id, "get", new byte[0]).body())).isEqualTo("kept across upgrades");
        assertThat(new String(http.query(id, "marker", new byte[0]).body())).isEqualTo("version2");

        assertThat(http.install(id, wasm("persistent_v1"), "mode=upgrade&wasm_memory_persistence=replace")
                .status()).isEqualTo(200);
        assertThat(http.query(id, "get", new byte[0]).body()).as("replace starts the heap over").isEmpty();
        assertThat(http.update(id, "put", "again".getBytes()).status()).isEqualTo(200);
        assertThat(http.install(id, wasm("persistent_v1"), "mode=reinstall").status()).isEqualTo(200);
        assertThat(http.query(id, "get", new byte[0]).body()).as("reinstall starts empty").isEmpty();
    }

    @Test
    void errorsAreProblemDocumentsWithoutInternals() {
        Response unknownPath = http.get("/v1/nothing-here");
        assertThat(unknownPath.status()).isEqualTo(404);
        assertThat(unknownPath.json().get("type").asText()).isEqualTo("urn:canister-host:problem:not-found");
        Response badId = http.get("/v1/canisters/not-a-principal");
        assertThat(badId.status()).isEqualTo(404);
        Response wrongMethod = http.send("DELETE", "/v1/canisters", null, null);
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.json().get("type").asText()).isEqualTo("urn:canister-host:problem:method-not-allowed");
        String id = http.createCanister();
        http.install(id, wasm("counter"), "");
        Response wrongType = http.send("POST", "/v1/canisters/" + id + "/update/inc", "text/plain", "x".getBytes());
        assertThat(wrongType.status()).isEqualTo(415);
        Response badJson = http.send("POST", "/v1/canisters/" + id + "/update/inc", "application/json",
                "{not json".getBytes());
        assertThat(badJson.status()).isEqualTo(400);
        for (Response response : java.util.List.of(unknownPath, badId, wrongMethod, wrongType, badJson)) {
            assertThat(response.contentType()).startsWith("application/problem+json");
            assertThat(new String(response.body())).doesNotContain("Exception", "com.canisterhost", "at org.");
        }
    }
}
