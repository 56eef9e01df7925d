package com.canisterhost;

import static com.canisterhost.support.CanisterFixtures.u32;
import static com.canisterhost.support.CanisterFixtures.u64;
import static com.canisterhost.support.CanisterFixtures.wasm;
import static com.canisterhost.support.MeteringFixtures.metering;
import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.support.EndToEndTest;
import com.canisterhost.support.Http;
import com.canisterhost.support.Http.Response;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/** Snapshots, queries during updates, persisted bytes and group commit, end to end. */
@TestPropertySource(properties = {
    "canister.execution.wall-clock-limit=4s",
    "canister.execution.instruction-limits.update=1000000000000000",
    "canister.state.max-snapshots=2"
})
class StateTest extends EndToEndTest {

    @Autowired
    JdbcClient jdbc;

    private String counter() {
        String id = http.createCanister();
        assertThat(http.install(id, wasm("counter"), "").status()).isEqualTo(200);
        return id;
    }

    @Test
    void loadingASnapshotRestoresExactlyItsHeapAndGlobals() {
        String id = counter();
        http.update(id, "add", u64(5));
        Response taken = http.post("/v1/canisters/" + id + "/snapshots");
        assertThat(taken.status()).as("%s", taken).isEqualTo(201);
        JsonNode snapshot = taken.json();
        assertThat(snapshot.get("stateVersion").asLong()).isEqualTo(2);
        assertThat(snapshot.get("size").asLong()).isPositive();

        http.update(id, "add", u64(100));
        http.update(id, "grow", new byte[0]);
        assertThat(u64(http.query(id, "get", new byte[0]).body())).isEqualTo(105);

        Response loaded = http.post("/v1/canisters/" + id + "/snapshots/" + snapshot.get("id").asLong() + "/load");
        assertThat(loaded.status()).as("%s", loaded).isEqualTo(200);
        assertThat(loaded.json().get("stateVersion").asLong()).isEqualTo(5);
        assertThat(loaded.json().get("memorySize").asLong()).as("the heap shrinks back").isEqualTo(2 * 65536L);
        assertThat(u64(http.query(id, "get", new byte[0]).body())).as("global").isEqualTo(5);
        assertThat(u64(http.query(id, "get_mem", new byte[0]).body())).as("heap").isEqualTo(5);
        assertThat(u64(http.update(id, "inc", new byte[0]).body())).isEqualTo(6);

        assertThat(http.get("/v1/canisters/" + id + "/snapshots").json().get("snapshots")).hasSize(1);
        assertThat(http.post("/v1/canisters/" + id + "/snapshots").status()).isEqualTo(201);
        Response overLimit = http.post("/v1/canisters/" + id + "/snapshots");
        assertThat(overLimit.status()).isEqualTo(409);
        assertThat(overLimit.json().get("type").asText())
                .isEqualTo("urn:canister-host:problem:snapshot-limit-reached");
        assertThat(http.send("DELETE", "/v1/canisters/" + id + "/snapshots/" + snapshot.get("id").asLong(), null,
                null).status()).isEqualTo(204);
        Response missing = http.post("/v1/canisters/" + id + "/snapshots/" + snapshot.get("id").asLong() + "/load");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("type").asText()).isEqualTo("urn:canister-host:problem:snapshot-not-found");
    }

    @Test
    void aQueryDuringALongUpdateAnswersAtOnceWithTheCommittedValue() throws Exception {
        String id = http.createCanister();
        assertThat(http.install(id, metering("loops"), "").status()).isEqualTo(200);
        // spin writes 1 to memory[0], then runs until the 4 s wall-clock backstop stops it
        CompletableFuture<Response> update = CompletableFuture.supplyAsync(() -> http.update(id, "spin",
                new byte[0]));
        Thread.sleep(500);
        long started = System.nanoTime();
        Response query = http.query(id, "get", new byte[0]);
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertThat(query.status()).isEqualTo(200);
        assertThat(u32(query.body())).as("the update's write is not visible").isZero();
        assertThat(millis).as("the query did not wait for the update").isLessThan(1_000);
        assertThat(update.isDone()).isFalse();
        assertThat(update.get().status()).isEqualTo(422);
    }

    @Test
    void statusReportsTheBytesPersistedWithoutZeroPages() {
        String id = counter();
        long persisted = http.get("/v1/canisters/" + id).json().get("persistedBytes").asLong();
        // the counter's two 64 KiB pages hold data in only a few 4 KiB pages
        assertThat(persisted).isPositive().isLessThan(2 * 65536L).isEqualTo(persisted / 4096 * 4096);
        http.update(id, "echo", new byte[20_000]); // writes zeros over untouched pages: nothing new is stored
        assertThat(http.get("/v1/canisters/" + id).json().get("persistedBytes").asLong())
                .isLessThanOrEqualTo(persisted + 4096);
    }


    @Test
    void concurrentUpdatesOfManyCanistersAreCommittedTogetherAndEachCountsExactly() throws Exception {
        int canisters = 8;
        int clients = 16;
        int callsPerClient = 30;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < canisters; i++) {
            ids.add(counter());
        }
        Map<String, Long> versions = new HashMap<>();
        ids.forEach(id -> versions.put(id, http.get("/v1/canisters/" + id).json().get("stateVersion").asLong()));
        double batchesBefore = http.metric("canister_commit_batch_size_count");
        double groupedBefore = http.metric("canister_commit_batch_size_sum");

        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<Integer>> replied = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            String id = ids.get(c % canisters);
            replied.add(pool.submit(() -> {
                Http client = new Http(port());
                int ok = 0;
                for (int i = 0; i < callsPerClient; i++) {
                    ok += client.update(id, "inc", new byte[0]).status() == 200 ? 1 : 0;
                }
                return ok;
            }));
        }
        for (Future<Integer> ok : replied) {
            assertThat(ok.get(60, TimeUnit.SECONDS)).isEqualTo(callsPerClient);
        }
        pool.shutdown();

        long each = (long) clients / canisters * callsPerClient;
        for (String id : ids) {
            assertThat(u64(http.query(id, "get", new byte[0]).body())).isEqualTo(each);
            assertThat(http.get("/v1/canisters/" + id).json().get("stateVersion").asLong())
                    .isEqualTo(versions.get(id) + each);
            byte[] page = jdbc.sql("SELECT data FROM memory_pages WHERE canister_id = ? AND kind = 0 AND "
                    + "page_index = 0").param(id).query(byte[].class).single();
            assertThat(u64(java.util.Arrays.copyOf(page, 8))).as("the persisted count").isEqualTo(each);
            assertThat(jdbc.sql("SELECT value_low FROM canister_globals WHERE canister_id = ?").param(id)
                    .query(Long.class).single()).as("the persisted global").isEqualTo(each);
        }
        double grouped = http.metric("canister_commit_batch_size_sum") - groupedBefore;
        double batches = http.metric("canister_commit_batch_size_count") - batchesBefore;
        assertThat(grouped).as("every update went through group commit").isEqualTo(canisters * each);
        assertThat(batches).as("some went to PostgreSQL together").isLessThan(grouped);
    }
}
