package com.canisterhost;

import static com.canisterhost.support.CanisterFixtures.callTarget;
import static com.canisterhost.support.CanisterFixtures.u32;
import static com.canisterhost.support.CanisterFixtures.wasm;
import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.support.EndToEndTest;
import com.canisterhost.support.Http.Response;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fused round trips over HTTP (src/test/resources/calls): an ingress update's one call to an idle canister and its
 * callback run at once and commit as one, leaving the states, versions and logs that three commits would have left
 * and nothing in flight; whatever cannot be fused (a callee that traps or runs long, a callback that traps) runs
 * again on the durable path, exactly once.
 */
class FusedCallTest extends EndToEndTest {

    private String caller;
    private String callee;

    @BeforeEach
    void canisters() {
        caller = installed("calls", "caller");
        callee = installed("calls", "callee");
    }


    private long version(String id) {
        return http.get("/v1/canisters/" + id).json().get("stateVersion").asLong();
    }

    private String inFlight(String id) {
        return http.get("/v1/canisters/" + id).json().get("calls").toString();
    }


    private int callerState(int offset) {
        byte[] state = http.query(caller, "state", new byte[0]).body();
        return ByteBuffer.wrap(state, offset, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private long traps(String id, String text) {
        return http.get("/v1/canisters/" + id + "/logs").json().get("logs").findValuesAsText("content").stream()
                .filter(line -> line.contains(text)).count();
    }

    @Test
    void aRoundTripCommitsOnceLeavingWhatItsThreeExecutionsWouldHave() {
        long callerBefore = version(caller);
        long calleeBefore = version(callee);
        double fused = http.metric("canister_calls_fused_total");

        Response inc = http.update(caller, "call", callTarget(callee, "inc"));

        assertThat(inc.status()).as("%s", inc).isEqualTo(200);
        assertThat(Arrays.copyOf(inc.body(), 2)).as("from the reply callback, env 7").isEqualTo(new byte[] {'Y', 7});
        assertThat(u32(Arrays.copyOfRange(inc.body(), 2, 6))).as("the callee's counter").isEqualTo(1);
        assertThat(http.metric("canister_calls_fused_total")).isEqualTo(fused + 1);
        assertThat(inc.headers().firstValue("X-State-Version")).as("the first execution and the callback")
                .hasValue(Long.toString(callerBefore + 2));
        assertThat(version(caller)).isEqualTo(callerBefore + 2);
        assertThat(version(callee)).as("the callee's update").isEqualTo(calleeBefore + 1);
        assertThat(callerState(0)).as("the reply callback committed").isEqualTo(1);
        assertThat(callerState(4)).as("the first execution committed").isEqualTo(1);
        assertThat(u32(http.query(callee, "get", new byte[0]).body())).as("the callee committed").isEqualTo(1);
        assertThat(inFlight(caller)).isEqualTo("{\"openContexts\":0,\"outstandingCalls\":0,\"queuedMessages\":0}");
        assertThat(inFlight(callee)).isEqualTo("{\"openContexts\":0,\"outstandingCalls\":0,\"queuedMessages\":0}");

        Response get = http.update(caller, "call", callTarget(callee, "get"));
        assertThat(u32(Arrays.copyOfRange(get.body(), 2, 6))).as("a query method, fused too").isEqualTo(1);
        assertThat(http.metric("canister_calls_fused_total")).isEqualTo(fused + 2);
        assertThat(version(callee)).as("a query commits nothing").isEqualTo(calleeBefore + 1);
    }

    @Test
    void aCalleeThatTrapsRunsAgainAsAMessageAndItsRejectArrivesOnce() {
        long callerBefore = version(caller);
        double fused = http.metric("canister_calls_fused_total");
        double dropped = http.metric("canister_calls_fused_dropped_total");

        Response trapped = http.update(caller, "call", callTarget(callee, "boom"));

        assertThat(Arrays.copyOf(trapped.body(), 3)).as("CANISTER_ERROR").isEqualTo(new byte[] {'N', 8, 5});
        assertThat(http.metric("canister_calls_fused_dropped_total")).isEqualTo(dropped + 1);
        assertThat(http.metric("canister_calls_fused_total")).isEqualTo(fused);
        assertThat(u32(http.query(callee, "get", new byte[0]).body())).as("the trap rolled back").isZero();
        assertThat(traps(callee, "boom")).as("the trap of the message, not of the dropped attempt").isEqualTo(1);
        assertThat(version(caller)).as("the first execution and the reject callback").isEqualTo(callerBefore + 2);
    }

    @Test
    void aCalleePastTheFusedInstructionsRunsAgainAsAMessageOnce() {
        long calleeBefore = version(callee);
        double dropped = http.metric("canister_calls_fused_dropped_total");

        Response spun = http.update(caller, "call", callTarget(callee, "spin"));

        assertThat(spun.status()).as("%s", spun).isEqualTo(200);
        assertThat(u32(Arrays.copyOfRange(spun.body(), 2, 6))).as("counted once").isEqualTo(1);
        assertThat(http.metric("canister_calls_fused_dropped_total")).isEqualTo(dropped + 1);
        assertThat(version(callee)).isEqualTo(calleeBefore + 1);
    }

    @Test
    void aCallbackThatTrapsRunsTheCallersMessageAgainWithoutFusion() {
        double dropped = http.metric("canister_calls_fused_dropped_total");

        Response response = http.update(caller, "call_then_trap", callTarget(callee, "inc"));

        assertThat(response.status()).as("%s", response).isEqualTo(422);
        assertThat(response.json().get("rejectCode").asInt()).isEqualTo(5);
        assertThat(http.metric("canister_calls_fused_dropped_total")).isEqualTo(dropped + 1);
        assertThat(callerState(0)).as("the callback's change is gone").isZero();
        assertThat(callerState(4)).as("the state from before the call is kept").isEqualTo(1);
        assertThat(callerState(8)).as("cleanup ran and committed").isEqualTo(1);
        assertThat(u32(http.query(callee, "get", new byte[0]).body())).as("the callee's update ran once")
                .isEqualTo(1);
    }
}
