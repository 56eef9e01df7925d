package com.canisterhost;

import static com.canisterhost.support.CanisterFixtures.u32;
import static com.canisterhost.support.CanisterFixtures.u64;
import static com.canisterhost.support.CanisterFixtures.wasm;
import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.support.EndToEndTest;
import com.canisterhost.support.Http.Response;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** Update and query semantics of the counter canister, end to end. */
// An instruction limit high enough that the infinite loop below meets the wall-clock backstop first.
@TestPropertySource(properties = "canister.execution.instruction-limits.update=1000000000000000")
class CanisterCallsTest extends EndToEndTest {

    private String id;

    @BeforeEach
    void installCounter() {
        id = http.createCanister();
        assertThat(http.install(id, wasm("counter"), "").status()).isEqualTo(200);
    }

    private long get() {
        Response reply = http.query(id, "get", new byte[0]);
        assertThat(reply.status()).as("%s", reply).isEqualTo(200);
        return u64(reply.body());
    }

    private long getMem() {
        return u64(http.query(id, "get_mem", new byte[0]).body());
    }

    private long version() {
        return http.get("/v1/canisters/" + id).json().get("stateVersion").asLong();
    }

    @Test
    void updatesCountAndQueriesRead() {
        for (int i = 1; i <= 5; i++) {
            Response inc = http.update(id, "inc", new byte[0]);
            assertThat(inc.status()).isEqualTo(200);
            assertThat(u64(inc.body())).isEqualTo(i);
            assertThat(inc.headers().firstValue("X-State-Version")).hasValue(Long.toString(1 + i));
            assertThat(Long.parseLong(inc.headers().firstValue("X-Instructions").orElseThrow())).isPositive();
        }
        Response add = http.update(id, "add", u64(100));
        assertThat(u64(add.body())).isEqualTo(105);
        assertThat(get()).isEqualTo(105);
        assertThat(getMem()).isEqualTo(105);
        assertThat(version()).isEqualTo(7);
    }

    @Test
    void trapAfterWritingRollsBackMemoryAndGlobal() {
        http.update(id, "inc", new byte[0]);
        Response trapped = http.update(id, "inc_then_trap", new byte[0]);
        assertThat(trapped.status()).isEqualTo(422);
        assertThat(trapped.contentType()).startsWith("application/problem+json");
        JsonNode problem = trapped.json();
        assertThat(problem.get("type").asText()).isEqualTo("urn:canister-host:problem:canister-trapped");
        assertThat(problem.get("rejectCode").asInt()).isEqualTo(5);
        assertThat(problem.get("errorCode").asText()).isEqualTo("IC0503");
        assertThat(problem.get("detail").asText()).contains("boom after write");
        assertThat(get()).isEqualTo(1);
        assertThat(getMem()).isEqualTo(1);
        assertThat(version()).isEqualTo(2);
        assertThat(u64(http.update(id, "inc", new byte[0]).body())).isEqualTo(2);
    }

    @Test
    void updateWithoutReplyIsRejectedAndChangesNothing() {
        Response response = http.update(id, "inc_no_reply", new byte[0]);
        assertThat(response.status()).isEqualTo(422);
        assertThat(response.json().get("type").asText()).isEqualTo("urn:canister-host:problem:canister-did-not-reply");
        assertThat(response.json().get("rejectCode").asInt()).isEqualTo(5);
        assertThat(get()).isZero();
        assertThat(getMem()).isZero();
        assertThat(version()).isEqualTo(1);
    }

    @Test
    void secondReplyTrapsAndRollsBack() {
        Response response = http.update(id, "inc_reply_twice", new byte[0]);
        assertThat(response.status()).isEqualTo(422);
        assertThat(response.json().get("rejectCode").asInt()).isEqualTo(5);
        assertThat(response.json().get("detail").asText()).contains("msg_reply");
        assertThat(get()).isZero();
        assertThat(getMem()).isZero();
    }

    @Test
    void queryWritesLeaveNoTrace() {
        http.update(id, "inc", new byte[0]);
        for (int i = 0; i < 3; i++) {
            Response query = http.query(id, "inc_in_query", new byte[0]);
            assertThat(query.status()).isEqualTo(200);
            assertThat(u64(query.body())).isEqualTo(2);
        }
        assertThat(get()).isEqualTo(1);
        assertThat(getMem()).isEqualTo(1);
        assertThat(version()).isEqualTo(2);
        // queries run on instances earlier queries left: after a commit they see the new state, no query's writes
        http.update(id, "inc", new byte[0]);
        assertThat(u64(http.query(id, "inc_in_query", new byte[0]).body())).isEqualTo(3);
        assertThat(u64(http.query(id, "inc_in_query", new byte[0]).body())).isEqualTo(3);
        assertThat(get()).isEqualTo(2);
        assertThat(getMem()).isEqualTo(2);
    }

    @Test
    void canisterRejectIsCode4AndCommits() {
        Response response = http.update(id, "reject", new byte[0]);
        assertThat(response.status()).isEqualTo(422);
        assertThat(response.json().get("type").asText()).isEqualTo("urn:canister-host:problem:canister-rejected");
        assertThat(response.json().get("rejectCode").asInt()).isEqualTo(4);
        assertThat(response.json().get("detail").asText()).isEqualTo("rejected by canister");
        assertThat(version()).isEqualTo(2); // a reject is a response: the update's state is kept, as on the IC
    }

    @Test
    void unknownMethodIs404WithCode3() {
        Response response = http.update(id, "nope", new byte[0]);
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.json().get("type").asText()).isEqualTo("urn:canister-host:problem:method-not-found");
        assertThat(response.json().get("rejectCode").asInt()).isEqualTo(3);
        assertThat(http.query(id, "inc", new byte[0]).status()).as("an update is not a query").isEqualTo(404);
    }

    @Test
    void queryMethodCalledAsUpdateRunsAsQuery() {
        Response response = http.update(id, "inc_in_query", new byte[0]);
        assertThat(response.status()).isEqualTo(200);
        assertThat(u64(response.body())).isEqualTo(1);
        assertThat(get()).isZero();
    }

    @Test
    void jsonBodiesAndReplies() {
        String arg = Base64.getEncoder().encodeToString(u64(41));
        Response response = http.send("POST", "/v1/canisters/" + id + "/update/add", "application/json",
                ("{\"arg\":\"" + arg + "\"}").getBytes(StandardCharsets.UTF_8));
        assertThat(response.status()).isEqualTo(200);
        JsonNode reply = response.json();
        assertThat(reply.get("status").asText()).isEqualTo("replied");
        assertThat(u64(Base64.getDecoder().decode(reply.get("reply").asText()))).isEqualTo(41);
        assertThat(reply.get("stateVersion").asLong()).isEqualTo(2);
        assertThat(reply.get("instructions").asLong()).isPositive();

        Response noArg = http.send("POST", "/v1/canisters/" + id + "/query/get", "application/json", "{}".getBytes());
        assertThat(u64(Base64.getDecoder().decode(noArg.json().get("reply").asText()))).isEqualTo(41);

        Response bad = http.send("POST", "/v1/canisters/" + id + "/query/get", "application/json",
                "{\"arg\":\"***\"}".getBytes());
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("type").asText()).isEqualTo("urn:canister-host:problem:invalid-request");

        Response empty = http.send("POST", "/v1/canisters/" + id + "/query/get", "application/json", new byte[0]);
        assertThat(u64(Base64.getDecoder().decode(empty.json().get("reply").asText()))).isEqualTo(41);
        for (String unreadable : new String[] {"{\"arg\":", "[1]", "nonsense"}) {
            Response refused = http.send("POST", "/v1/canisters/" + id + "/update/add", "application/json",
                    unreadable.getBytes(StandardCharsets.UTF_8));
            assertThat(refused.status()).as(unreadable).isEqualTo(400);
            assertThat(refused.json().get("detail").asText()).isEqualTo("the body is not the JSON this endpoint takes");
        }
        Response deep = http.send("POST", "/v1/canisters/" + id + "/update/add", "application/json",
                ("{\"args\": " + "[".repeat(40) + "]".repeat(40) + "}").getBytes(StandardCharsets.UTF_8));
        assertThat(deep.status()).isEqualTo(400);
        assertThat(deep.json().get("detail").asText()).contains("nests deeper than 32 levels");
        assertThat(get()).as("nothing refused ran").isEqualTo(41);
    }

    @Test
    void echoesArgumentsExactlyAndSeesTheAnonymousCaller() {
        byte[] arg = new byte[60 * 1024];
        for (int i = 0; i < arg.length; i++) {
            arg[i] = (byte) (i * 31);
        }
        assertThat(http.update(id, "echo", arg).body()).isEqualTo(arg);
        assertThat(http.query(id, "echo_q", new byte[0]).body()).isEmpty();
        assertThat(http.query(id, "caller", new byte[0]).body()).containsExactly(0x04);
    }

    @Test
    void trapOnBadArgumentNamesTheCanisterMessage() {
        Response response = http.update(id, "add", new byte[3]);
        assertThat(response.status()).isEqualTo(422);
        assertThat(response.json().get("detail").asText()).contains("add expects 8 bytes");
    }

    @Test
    void timeIsFixedPerMessageAndIncreases() {
        long first = u64(http.query(id, "time", new byte[0]).body());
        assertThat(first).isGreaterThan(1_700_000_000L * 1_000_000_000L);
        long previous = first;
        for (int i = 0; i < 20; i++) { // faster than the clock's millisecond ticks: still strictly increasing
            long next = u64(http.query(id, "time", new byte[0]).body());
            assertThat(next).isGreaterThan(previous);
            previous = next;
        }
    }

    @Test
    void memoryGrowthPersistsAndRollsBackWithTheHeap() {
        Response grow = http.update(id, "grow", new byte[0]);
        assertThat(u32(grow.body())).isEqualTo(2);
        assertThat(http.get("/v1/canisters/" + id).json().get("memorySize").asLong()).isEqualTo(3 * 65536L);
        assertThat(u32(http.update(id, "grow", new byte[0]).body())).isEqualTo(3);
    }

    @Test
    void argumentOverTheCapIs413() {
        Response response = http.update(id, "echo", new byte[2 * 1024 * 1024 + 1]);
        assertThat(response.status()).isEqualTo(413);
        assertThat(response.json().get("type").asText()).isEqualTo("urn:canister-host:problem:payload-too-large");
    }

    @Test
    void infiniteLoopHitsTheWallClockBackstopAndOthersKeepBeingServed() throws Exception {
        String other = http.createCanister();
        http.install(other, wasm("counter"), "");
        var looping = java.util.concurrent.CompletableFuture.supplyAsync(() -> http.update(id, "loop_forever",
                new byte[0]));
        Thread.sleep(300);
        long started = System.nanoTime();
        assertThat(http.update(other, "inc", new byte[0]).status()).isEqualTo(200);
        assertThat(System.nanoTime() - started).isLessThan(2_000_000_000L);
        Response response = looping.get();
        assertThat(response.status()).isEqualTo(422);
        assertThat(response.json().get("type").asText()).isEqualTo("urn:canister-host:problem:execution-timeout");
        assertThat(response.json().get("rejectCode").asInt()).isEqualTo(5);
        assertThat(get()).isZero();
        assertThat(u64(http.update(id, "inc", new byte[0]).body())).isEqualTo(1);
    }
}
