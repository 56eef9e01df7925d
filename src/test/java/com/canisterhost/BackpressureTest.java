package com.canisterhost;

import static com.canisterhost.support.CanisterFixtures.u64;
import static com.canisterhost.support.CanisterFixtures.wasm;
import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.support.EndToEndTest;
import com.canisterhost.support.Http;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** With one worker and short queues, a full queue answers 503 with Retry-After at once, not after a timeout. */
@TestPropertySource(properties = {"canister.execution.workers=1", "canister.execution.max-threads=1",
    "canister.execution.queue-capacity=3", "canister.execution.canister-queue-capacity=2",
    "canister.execution.wall-clock-limit=60s", "canister.execution.instruction-limits.update=400000000000"})
class BackpressureTest extends EndToEndTest {

    @Test
    void aFullQueueAnswers503AtOnce() throws Exception {
        String id = http.createCanister();
        assertThat(http.install(id, wasm("system"), "").status()).isEqualTo(200);
        // occupies the only worker for a few seconds, then two more wait in the canister's update lane
        CompletableFuture<Http.Response> running =
                CompletableFuture.supplyAsync(() -> new Http(port()).update(id, "spin", u64(5_000_000_000L)));
        Thread.sleep(300);
        CompletableFuture<Http.Response> queued1 =
                CompletableFuture.supplyAsync(() -> new Http(port()).update(id, "put", new byte[] {1}));
        CompletableFuture<Http.Response> queued2 =
                CompletableFuture.supplyAsync(() -> new Http(port()).update(id, "put", new byte[] {2}));
        Thread.sleep(300);

        long started = System.nanoTime();
        Http.Response refused = http.update(id, "put", new byte[] {3});
        long tookMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Retry-After")).contains("1");
        assertThat(refused.json().get("type").asText()).isEqualTo("urn:canister-host:problem:service-unavailable");
        assertThat(refused.json().get("detail").asText()).contains("updates waiting");
        assertThat(tookMillis).as("refused at once, while the worker is still busy").isLessThan(1000);
        assertThat(running).isNotDone();

        // the queued calls were not lost: they run, in order, once the worker is free
        assertThat(running.get().status()).isEqualTo(200);
        assertThat(queued1.get().status()).isEqualTo(200);
        assertThat(queued2.get().status()).isEqualTo(200);
        assertThat(http.query(id, "get", new byte[0]).body()).hasSize(1);
    }
}
