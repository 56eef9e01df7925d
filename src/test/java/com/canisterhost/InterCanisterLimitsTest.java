package com.canisterhost;

import static com.canisterhost.support.CanisterFixtures.callTarget;
import static com.canisterhost.support.CanisterFixtures.wasm;
import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.state.Mailbox;
import com.canisterhost.state.StateStore;
import com.canisterhost.support.EndToEndTest;
import com.canisterhost.support.Http.Response;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * The bound on outstanding calls ({@code call_perform} answers 2 past it, and caller.wat traps on that), the calls
 * in flight in a canister's status, and a stop that waits for the canister's open call contexts. The sweep is off
 * (an hour), so that a call written straight into the mailbox stays in flight for as long as the test looks.
 */
@TestPropertySource(properties = {"canister.execution.max-outstanding-calls=1",
        "canister.execution.message-sweep=1h", "canister.stop-timeout=1s"})
class InterCanisterLimitsTest extends EndToEndTest {

    @Autowired
    StateStore store;


    private com.fasterxml.jackson.databind.JsonNode calls(String id) {
        return http.get("/v1/canisters/" + id).json().get("calls");
    }

    @Test
    void outstandingCallsAreBoundedShownInTheStatusAndAwaitedByAStop() {
        String caller = installed("calls", "caller");
        String callee = installed("calls", "callee");

        Response two = http.update(caller, "two", callTarget(callee, "inc"));
        assertThat(two.status()).as("the second call_perform answered 2: %s", two).isEqualTo(422);
        assertThat(http.query(callee, "get", new byte[0]).body()).as("neither call went out")
                .containsExactly(0, 0, 0, 0);
        assertThat(http.update(caller, "call", callTarget(callee, "inc")).status()).as("one at a time is allowed")
                .isEqualTo(200);
        assertThat(calls(caller).toString()).isEqualTo("{\"openContexts\":0,\"outstandingCalls\":0,"
                + "\"queuedMessages\":0}");

        // a call the caller made that is still in flight (written as its execution's commit would write it)
        store.mailbox().writeAlone(caller, new Mailbox.Outbox(null, null, Mailbox.Origin.ingress(null), null, null,
                List.of(new Mailbox.Request(callee, "inc", new byte[0], BigInteger.ZERO, 0, 7, 1, 8, null, null, 0))),
                1, 0);
        assertThat(calls(caller).toString()).isEqualTo("{\"openContexts\":1,\"outstandingCalls\":1,"
                + "\"queuedMessages\":0}");
        assertThat(calls(callee).get("queuedMessages").asLong()).isEqualTo(1);
        assertThat(http.update(caller, "call", callTarget(callee, "inc")).status())
                .as("the bound counts the calls of earlier executions").isEqualTo(422);

        Response stop = http.post("/v1/canisters/" + caller + "/stop");
        assertThat(stop.status()).as("a canister stops once its contexts are closed: %s", stop).isEqualTo(409);
        assertThat(stop.json().get("type").asText()).endsWith("stop-timed-out");
        assertThat(http.get("/v1/canisters/" + caller).json().get("status").asText()).isEqualTo("stopping");
    }
}
