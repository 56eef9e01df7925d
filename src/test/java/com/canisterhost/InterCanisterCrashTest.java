package com.canisterhost;

import static com.canisterhost.support.CanisterFixtures.callTarget;
import static com.canisterhost.support.CanisterFixtures.u32;
import static com.canisterhost.support.CanisterFixtures.wasm;
import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.support.Http;
import com.canisterhost.support.ServiceProcess;
import com.canisterhost.support.TestDatabase;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SIGKILL while 100 call chains are in flight (an asynchronous ingress update of caller.wat that awaits
 * callee.wat's {@code inc}): after the restart every chain whose first execution committed completes, exactly
 * once, and the others (still queued at the kill) were not applied at all, as for any tracked call. Messages,
 * callbacks and call contexts live in PostgreSQL.
 */
class InterCanisterCrashTest {

    private static final int CHAINS = 100;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void everyChainInFlightAtASigkillCompletesExactlyOnceAfterTheRestart() throws Exception {
        try (ServiceProcess service = new ServiceProcess(TestDatabase.create(),
                Path.of("target", "inter-canister-crash", "child.log"))) {
            Http http = service.start();
            String caller = installed(http, "caller");
            String callee = installed(http, "callee");
            String body = "{\"arg\":\"" + Base64.getEncoder().encodeToString(callTarget(callee, "inc")) + "\"}";
            // submitted from 8 threads at once, so that the kill finds chains at every stage: one caller and one
            // callee run them, one execution at a time each
            List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());
            Http submitting = http;
            var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
            List<java.util.concurrent.Future<?>> submitted = new ArrayList<>();
            for (int i = 0; i < CHAINS; i++) {
                submitted.add(pool.submit(() -> {
                    Http.Response accepted = submitting.send("POST", "/v1/canisters/" + caller + "/update/call",
                            "application/json", body.getBytes(StandardCharsets.UTF_8), "Prefer", "respond-async");
                    assertThat(accepted.status()).as("%s", accepted).isEqualTo(202);
                    calls.add(accepted.headers().firstValue("Location").orElseThrow());
                }));
            }
            for (var future : submitted) {
                future.get();
            }
            pool.shutdown();
            int atKill = u32(http.query(callee, "get", new byte[0]).body());
            service.kill();
            java.time.Instant killed = java.time.Instant.now();

            http = service.start();
            int replied = 0;
            int notApplied = 0;
            Set<Integer> counts = new HashSet<>();
            int afterRestart = 0;
            for (String location : calls) {
                JsonNode call = completed(http, location);
                if (call.get("status").asText().equals("replied")) {
                    if (java.time.Instant.parse(call.get("completedAt").asText()).isAfter(killed)) {
                        afterRestart++; // its first execution committed before the kill, its callback after
                    }
                    byte[] reply = Base64.getDecoder().decode(call.get("reply").asText());
                    assertThat(Arrays.copyOf(reply, 2)).isEqualTo(new byte[] {'Y', 7});
                    assertThat(counts.add(u32(Arrays.copyOfRange(reply, 2, 6)))).as("each inc once").isTrue();
                    replied++;
                } else {
                    assertThat(call.get("rejectCode").asInt()).as("%s", call).isEqualTo(2);
                    assertThat(call.get("rejectMessage").asText()).as("%s", call).contains("not applied");
                    notApplied++;
                }
            }
            int calleeCount = u32(http.query(callee, "get", new byte[0]).body());
            byte[] state = http.query(caller, "state", new byte[0]).body();
            int callbacks = ByteBuffer.wrap(state, 0, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            System.out.printf("inter-canister crash: the callee had run about %d requests at the kill; %d chains "
                    + "replied (%d of them after the restart), %d were not applied%n", atKill, replied, afterRestart,
                    notApplied);
            assertThat(afterRestart).as("chains that were in flight at the kill and completed after the restart")
                    .isPositive();
            assertThat(replied + notApplied).isEqualTo(CHAINS);
            assertThat(calleeCount).as("the callee ran each request exactly once").isEqualTo(replied);
            assertThat(callbacks).as("each reply callback ran exactly once").isEqualTo(replied);
            int completed = replied;
            assertThat(counts).as("the callee's counts, 1 to n").hasSize(completed)
                    .allSatisfy(n -> assertThat(n).isBetween(1, completed));
            assertThat(http.get("/actuator/prometheus").status()).isEqualTo(200);
        }
    }

    private static String installed(Http http, String name) {
        String id = http.createCanister();
        assertThat(http.install(id, wasm("calls", name), "").status()).isEqualTo(200);
        return id;
    }


    private static JsonNode completed(Http http, String location) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            Http.Response call = http.get(location);
            assertThat(call.status()).as("%s", call).isEqualTo(200);
            if (!call.json().get("status").asText().equals("pending")) {
                return call.json();
            }
            assertThat(System.nanoTime()).as("%s completed within 60 s", location).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
