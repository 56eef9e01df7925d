package com.canisterhost;

import static com.canisterhost.support.CanisterFixtures.callTarget;
import static com.canisterhost.support.CanisterFixtures.u32;
import static com.canisterhost.support.CanisterFixtures.wasm;
import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.principal.CanisterId;
import com.canisterhost.support.EndToEndTest;
import com.canisterhost.support.Http.Response;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Canisters calling canisters over the service's real HTTP path (src/test/resources/calls): the ingress call is
 * answered from a later execution, the caller's callback; rejects arrive with the spec's codes; a callback that
 * traps loses its changes, its cleanup's are kept, and the context that nobody answered ends in CANISTER_ERROR.
 */
class InterCanisterCallTest extends EndToEndTest {

    private String caller;
    private String callee;

    @BeforeEach
    void canisters() {
        caller = installed("calls", "caller");
        callee = installed("calls", "callee");
    }



    private byte[] state() {
        Response state = http.query(caller, "state", new byte[0]);
        assertThat(state.status()).as("%s", state).isEqualTo(200);
        return state.body();
    }

    private static int at(byte[] bytes, int offset) {
        return ByteBuffer.wrap(bytes, offset, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    @Test
    void anUpdateAwaitsAnotherCanistersUpdateAndQuery() {
        Response inc = http.update(caller, "call", callTarget(callee, "inc"));
        assertThat(inc.status()).as("%s", inc).isEqualTo(200);
        assertThat(Arrays.copyOf(inc.body(), 2)).as("replied from the reply callback, env 7")
                .isEqualTo(new byte[] {'Y', 7});
        assertThat(u32(Arrays.copyOfRange(inc.body(), 2, 6))).as("the callee's counter").isEqualTo(1);
        assertThat(u32(http.query(callee, "get", new byte[0]).body())).as("the callee committed").isEqualTo(1);

        Response get = http.update(caller, "call", callTarget(callee, "get"));
        assertThat(u32(Arrays.copyOfRange(get.body(), 2, 6))).as("a query method, called by a canister").isEqualTo(1);

        Response echo = http.update(caller, "call", callTarget(callee, "echo"));
        byte[] principal = CanisterId.parse(caller).bytes();
        assertThat(Arrays.copyOfRange(echo.body(), 2, echo.body().length)).as("the callee sees the caller")
                .isEqualTo(new byte[] {(byte) principal.length, 'h', 'i'});

        byte[] state = state();
        assertThat(at(state, 0)).as("three reply callbacks committed").isEqualTo(3);
        assertThat(at(state, 4)).as("the first execution committed too").isEqualTo(1);
    }

    @Test
    void twoCallsInFlightAtOnce() {
        Response two = http.update(caller, "two", callTarget(callee, "inc"));
        assertThat(two.status()).as("%s", two).isEqualTo(200);
        assertThat(u32(two.body())).as("1 + 2, replied by the second callback").isEqualTo(3);
        assertThat(at(state(), 16)).as("nothing outstanding").isZero();
    }

    @Test
    void rejectsArriveWithTheirCodes() {
        Response refused = http.update(caller, "call", callTarget(callee, "refuse"));
        assertThat(new String(refused.body(), StandardCharsets.UTF_8)).isEqualTo("N\u0008\u0004refused: hi");

        Response trapped = http.update(caller, "call", callTarget(callee, "boom"));
        assertThat(Arrays.copyOf(trapped.body(), 3)).as("CANISTER_ERROR").isEqualTo(new byte[] {'N', 8, 5});
        assertThat(new String(trapped.body(), 3, trapped.body().length - 3, StandardCharsets.UTF_8)).contains("boom");
        assertThat(u32(http.query(callee, "get", new byte[0]).body())).as("the callee's trap rolled back").isZero();

        Response silent = http.update(caller, "call", callTarget(callee, "silent"));
        assertThat(Arrays.copyOf(silent.body(), 3)).isEqualTo(new byte[] {'N', 8, 5});
        assertThat(new String(silent.body(), 3, silent.body().length - 3, StandardCharsets.UTF_8))
                .contains("did not reply");

        Response noMethod = http.update(caller, "call", callTarget(callee, "nope"));
        assertThat(Arrays.copyOf(noMethod.body(), 3)).as("DESTINATION_INVALID").isEqualTo(new byte[] {'N', 8, 3});

        String empty = http.createCanister();
        Response noModule = http.update(caller, "call", callTarget(empty, "inc"));
        assertThat(Arrays.copyOf(noModule.body(), 3)).as("an empty canister").isEqualTo(new byte[] {'N', 8, 3});

        Response unknown = http.update(caller, "call", callTarget(CanisterId.fromIndex(999_999).toText(), "inc"));
        assertThat(Arrays.copyOf(unknown.body(), 3)).as("no such canister").isEqualTo(new byte[] {'N', 8, 3});
    }

    @Test
    void theManagementCanisterRejectsWhatItCannotTake() {
        Response badArgument = http.update(caller, "call", callTarget("aaaaa-aa", "canister_status"));
        assertThat(new String(badArgument.body(), StandardCharsets.UTF_8)).as("'hi' is no Candid: CANISTER_ERROR")
                .startsWith("N\u0008\u0005the argument is not valid Candid");

        Response noMethod = http.update(caller, "call", callTarget("aaaaa-aa", "no_such_method"));
        assertThat(Arrays.copyOf(noMethod.body(), 3)).as("DESTINATION_INVALID").isEqualTo(new byte[] {'N', 8, 3});
    }

    @Test
    void aTrapInTheCallbackRollsItBackRunsCleanupAndTheCallerGetsCanisterError() {
        Response response = http.update(caller, "call_then_trap", callTarget(callee, "inc"));
        assertThat(response.status()).as("%s", response).isEqualTo(422);
        assertThat(response.json().get("rejectCode").asInt()).isEqualTo(5);
        assertThat(response.json().get("detail").asText()).contains("did not reply");
        byte[] state = state();
        assertThat(at(state, 0)).as("the callback's change is gone").isZero();
        assertThat(at(state, 4)).as("the state from before the call is kept").isEqualTo(1);
        assertThat(at(state, 8)).as("cleanup ran and committed").isEqualTo(1);
        assertThat(u32(http.query(callee, "get", new byte[0]).body())).as("the callee's update stands").isEqualTo(1);
    }

    @Test
    void cyclesTravelWithTheCallAndWhatIsNotAcceptedComesBack() {
        java.math.BigInteger callerBefore = cycles(caller);
        java.math.BigInteger calleeBefore = cycles(callee);
        Response half = http.update(caller, "call_cycles", callTarget(callee, "take_half"));
        assertThat(half.status()).as("%s", half).isEqualTo(200);
        assertThat(u128(half.body(), 0)).as("refunded").isEqualTo(500_000);
        assertThat(u128(half.body(), 16)).as("available to the callee").isEqualTo(1_000_000);
        assertThat(u128(half.body(), 32)).as("accepted by the callee").isEqualTo(500_000);
        assertThat(cycles(caller)).isEqualTo(callerBefore.subtract(java.math.BigInteger.valueOf(500_000)));
        assertThat(cycles(callee)).isEqualTo(calleeBefore.add(java.math.BigInteger.valueOf(500_000)));

        Response nowhere = http.update(caller, "call_cycles", callTarget(callee, "nope"));
        assertThat(u128(nowhere.body(), 0)).as("a reject brings all of them back").isEqualTo(1_000_000);
        Response trapped = http.update(caller, "call_cycles", callTarget(callee, "boom"));
        assertThat(u128(trapped.body(), 0)).as("so does a trap").isEqualTo(1_000_000);
        assertThat(cycles(caller)).isEqualTo(callerBefore.subtract(java.math.BigInteger.valueOf(500_000)));
        assertThat(cycles(callee)).isEqualTo(calleeBefore.add(java.math.BigInteger.valueOf(500_000)));
    }

    private java.math.BigInteger cycles(String canister) {
        return new java.math.BigInteger(http.get("/v1/canisters/" + canister).json().get("cycles").asText());
    }

    private static long u128(byte[] bytes, int offset) {
        assertThat(ByteBuffer.wrap(bytes, offset + 8, 8).order(ByteOrder.LITTLE_ENDIAN).getLong()).isZero();
        return ByteBuffer.wrap(bytes, offset, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @Test
    void reinstallingTheCallerRejectsTheCallsItWasStillAwaiting() throws Exception {
        // the callee spins until the wall-clock backstop (3 s here): the caller's context is open meanwhile
        String spinning = http.createCanister();
        assertThat(http.install(spinning, com.canisterhost.support.MeteringFixtures.metering("loops"), "").status())
                .isEqualTo(200);
        var pending = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                http.update(caller, "call", callTarget(spinning, "spin")));
        Thread.sleep(500);
        assertThat(http.install(caller, wasm("calls", "caller"), "mode=reinstall").status()).isEqualTo(200);
        Response abandoned = pending.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(abandoned.status()).as("%s", abandoned).isEqualTo(422);
        assertThat(abandoned.json().get("rejectCode").asInt()).isEqualTo(4);
        assertThat(abandoned.json().get("detail").asText()).contains("reinstalled");
        // the callee's answer, when it comes, finds no callback: the new code's state stays as installed
        Thread.sleep(3_500);
        assertThat(at(state(), 0)).isZero();
        assertThat(at(state(), 4)).isZero();
    }

    @Test
    void aCallAfterTheReplyRunsItsCallbackLater() throws InterruptedException {
        Response early = http.update(caller, "reply_then_call", callTarget(callee, "inc"));
        assertThat(new String(early.body(), StandardCharsets.UTF_8)).isEqualTo("early");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (at(state(), 0) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(at(state(), 0)).as("the reply callback ran").isEqualTo(1);
        assertThat(u32(http.query(callee, "get", new byte[0]).body())).isEqualTo(1);
    }
}
