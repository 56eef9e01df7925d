package com.canisterhost;

import static com.canisterhost.support.CanisterFixtures.u64;
import static com.canisterhost.support.CanisterFixtures.wasm;
import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.call.Calls;
import com.canisterhost.support.EndToEndTest;
import com.canisterhost.support.Http;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Idempotent update calls (Idempotency-Key) and asynchronous ones (Prefer: respond-async), end to end. */
class CallHandlingTest extends EndToEndTest {

    @Autowired
    Calls calls;

    private String id;

    @BeforeEach
    void install() {
        id = http.createCanister();
        assertThat(http.install(id, wasm("counter"), "").status()).isEqualTo(200);
    }

    private Http.Response keyed(Http client, String method, String key) {
        return client.send("POST", "/v1/canisters/" + id + "/update/" + method, "application/json", "{}".getBytes(),
                "Idempotency-Key", key);
    }

    @Test
    void twentyConcurrentRetriesWithOneKeyApplyTheUpdateExactlyOnce() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(20);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Http.Response>> responses = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            responses.add(clients.submit(() -> {
                start.await();
                return keyed(new Http(port()), "inc", "retry-me");
            }));
        }
        start.countDown();
        List<String> bodies = new ArrayList<>();
        for (Future<Http.Response> response : responses) {
            assertThat(response.get().status()).isEqualTo(200);
            bodies.add(new String(response.get().body()));
        }
        clients.shutdown();
        assertThat(bodies).as("every retry gets the first outcome, unchanged").containsOnly(bodies.get(0));
        assertThat(u64(http.query(id, "get", new byte[0]).body())).as("applied once").isEqualTo(1);
        assertThat(http.get("/v1/canisters/" + id).json().get("stateVersion").asLong()).isEqualTo(2);

        // a later retry still gets it; a new key runs again
        assertThat(new String(keyed(http, "inc", "retry-me").body())).isEqualTo(bodies.get(0));
        assertThat(keyed(http, "inc", "another").status()).isEqualTo(200);
        assertThat(u64(http.query(id, "get", new byte[0]).body())).isEqualTo(2);
    }

    @Test
    void aFailedKeyedCallIsAnsweredTheSameOnRetryAndAReusedKeyIsAConflict() {
        Http.Response trapped = keyed(http, "inc_then_trap", "k1");
        assertThat(trapped.status()).isEqualTo(422);
        Http.Response again = keyed(http, "inc_then_trap", "k1");
        assertThat(again.status()).isEqualTo(422);
        assertThat(again.body()).isEqualTo(trapped.body());

        Http.Response reused = keyed(http, "inc", "k1");
        assertThat(reused.status()).isEqualTo(409);
        assertThat(reused.json().get("type").asText()).isEqualTo("urn:canister-host:problem:idempotency-conflict");
        assertThat(u64(http.query(id, "get", new byte[0]).body())).isZero();

        Http.Response badKey = keyed(http, "inc", "has space");
        assertThat(badKey.status()).isEqualTo(400);
    }

    /**
     * A keyed call whose waiting request gives up (here: its thread is interrupted) while the call is queued still
     * runs, once: a retry under the key waits for that same call and gets its outcome. (The journal row used to be
     * deleted when the wait failed, so the retry ran the update a second time.)
     */
    @Test
    void aKeyedCallWhoseWaitFailsStillRunsOnceAndItsRetryGetsItsOutcome() throws Exception {
        ExecutorService clients = Executors.newCachedThreadPool();
        try {
            // calls spinning to their instruction limit hold the canister's lane meanwhile: three, one after the
            // other, since one alone took less than 0.4 s once the JIT had compiled the engine late in a full run
            List<Future<Http.Response>> spinning = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                spinning.add(clients.submit(() -> http.update(id, "loop_forever", new byte[0])));
            }
            Thread.sleep(200);
            Thread waiter = new Thread(() -> {
                try {
                    calls.update(id, "inc", new byte[0], new byte[] {4}, "given-up");
                } catch (RuntimeException expected) {
                    // interrupted while waiting
                }
            });
            waiter.start();
            Thread.sleep(200); // it has claimed the key and queued the call behind the spinning one
            waiter.interrupt();
            waiter.join(10_000);
            assertThat(spinning.stream().allMatch(Future::isDone)).as("the call was still queued when its waiter "
                    + "gave up").isFalse();

            Http.Response retried = keyed(http, "inc", "given-up");
            assertThat(retried.status()).as("%s", retried).isEqualTo(200);
            assertThat(u64(Base64.getDecoder().decode(retried.json().get("reply").asText()))).isEqualTo(1);
            assertThat(u64(http.query(id, "get", new byte[0]).body())).as("applied once").isEqualTo(1);
            for (Future<Http.Response> spun : spinning) {
                assertThat(spun.get().status()).isEqualTo(422);
            }
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void anAsyncUpdateAnswers202AndItsOutcomeIsFoundAtItsLocation() throws Exception {
        Http.Response accepted = http.send("POST", "/v1/canisters/" + id + "/update/inc", "application/json",
                "{}".getBytes(), "Prefer", "respond-async");
        assertThat(accepted.status()).isEqualTo(202);
        String location = accepted.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("/v1/calls/");
        assertThat(accepted.json().get("callId").asText()).isEqualTo(location.substring("/v1/calls/".length()));

        JsonNode done = awaitCompleted(location);
        assertThat(done.get("status").asText()).isEqualTo("replied");
        assertThat(u64(Base64.getDecoder().decode(done.get("reply").asText()))).isEqualTo(1);
        assertThat(done.get("stateVersion").asLong()).isEqualTo(2);

        Http.Response trapping = http.send("POST", "/v1/canisters/" + id + "/update/inc_then_trap", "application/json",
                "{}".getBytes(), "Prefer", "respond-async", "Idempotency-Key", "async-trap");
        JsonNode rejected = awaitCompleted(trapping.headers().firstValue("Location").orElseThrow());
        assertThat(rejected.get("status").asText()).isEqualTo("rejected");
        assertThat(rejected.get("rejectCode").asInt()).isEqualTo(5);
        assertThat(rejected.get("rejectMessage").asText()).contains("trap");
        // the same key asynchronously again: the same call, not a new one
        Http.Response retried = http.send("POST", "/v1/canisters/" + id + "/update/inc_then_trap",
                "application/json", "{}".getBytes(), "Prefer", "respond-async", "Idempotency-Key", "async-trap");
        assertThat(retried.headers().firstValue("Location")).isEqualTo(trapping.headers().firstValue("Location"));

        assertThat(http.get("/v1/calls/00000000-0000-0000-0000-000000000000").status()).isEqualTo(404);
        assertThat(http.get("/v1/calls/not-a-uuid").json().get("type").asText())
                .isEqualTo("urn:canister-host:problem:call-not-found");
    }

    @Test
    void prometheusReportsExecutionsQueuesAndPersistedBytes() {
        assertThat(http.update(id, "inc", new byte[0]).status()).isEqualTo(200);
        assertThat(http.update(id, "inc_then_trap", new byte[0]).status()).isEqualTo(422);
        assertThat(http.query(id, "get", new byte[0]).status()).isEqualTo(200);
        Http.Response scrape = http.get("/actuator/prometheus");
        assertThat(scrape.status()).isEqualTo(200);
        String metrics = new String(scrape.body());
        assertThat(metrics)
                .containsPattern("canister_executions_seconds_count\\{[^}]*kind=\"update\",outcome=\"replied\"[^}]*} [1-9]")
                .containsPattern("canister_executions_seconds_count\\{[^}]*kind=\"update\",outcome=\"called-trap\"")
                .containsPattern("canister_executions_seconds_count\\{[^}]*kind=\"query\",outcome=\"replied\"")
                .containsPattern("canister_executions_seconds_bucket\\{")
                .containsPattern("canister_instructions_count\\{kind=\"install\"")
                .contains("canister_queue_depth ", "canister_executions_running ", "canister_live ")
                .containsPattern("canister_persisted_bytes_total [1-9]")
                .containsPattern("canister_commit_batch_size_count [1-9]");
        // calls are timed by canister_executions alone; every other request by Spring's HTTP observation
        assertThat(metrics)
                .containsPattern("http_server_requests_seconds_count\\{[^}]*method=\"POST\"[^}]*uri=\"/v1/canisters\"")
                .doesNotContain("/update/{method}", "/query/{method}");
    }

    private JsonNode awaitCompleted(String location) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            Http.Response call = http.get(location);
            assertThat(call.status()).isEqualTo(200);
            if (!call.json().get("status").asText().equals("pending")) {
                return call.json();
            }
            assertThat(System.nanoTime()).as("completed within 20 s").isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
