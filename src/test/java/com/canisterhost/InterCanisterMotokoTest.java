package com.canisterhost;

import static com.canisterhost.support.CanisterFixtures.wasm;
import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.principal.CanisterId;
import com.canisterhost.support.EndToEndTest;
import com.canisterhost.support.Http.Response;
import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Motoko actors awaiting each other, built by moc 3.9.7 (wasm32, src/test/resources/motoko) and by moc 4.10.0
 * (wasm64 with enhanced orthogonal persistence, src/test/resources/motoko64), from caller.mo and callee.mo:
 * update then query, two calls in flight, a reject caught with its code, a trap after an await, a composite query
 * summing two queries of the other canister, entropy from the
 * management canister's {@code raw_rand} (Motoko's {@code Random.blob}), and a recurring timer whose job runs
 * (Motoko runs timer jobs as self-calls).
 */
class InterCanisterMotokoTest extends EndToEndTest {

    private static final String NO_ARGS = "4449444c0000";

    private String install(String directory, String name) {
        String id = http.createCanister();
        Response installed = http.install(id, wasm(directory, name), "profile=canonical-nan&arg=" + NO_ARGS);
        assertThat(installed.status()).as("%s", installed).isEqualTo(200);
        return id;
    }

    /** The Candid argument list {@code (principal "<id>")}. */
    private static byte[] principalArg(String id) {
        byte[] principal = CanisterId.parse(id).bytes();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(HexFormat.of().parseHex("4449444c000168")); // no type table, one argument: principal
        out.write(1); // an id, not opaque
        out.write(principal.length);
        out.writeBytes(principal);
        return out.toByteArray();
    }

    /** The Candid value list {@code (text)}, hex, read. */
    private static String text(String hex) {
        assertThat(hex).startsWith("4449444c000171");
        byte[] bytes = HexFormat.of().parseHex(hex.substring(14));
        int length = 0;
        int at = 0;
        int shift = 0;
        while (true) {
            int b = bytes[at++] & 0xff;
            length |= (b & 0x7f) << shift;
            shift += 7;
            if ((b & 0x80) == 0) {
                break;
            }
        }
        assertThat(bytes.length - at).as("the text's length").isEqualTo(length);
        return new String(bytes, at, length, java.nio.charset.StandardCharsets.UTF_8);
    }


    private String update(String id, String method, byte[] arg) {
        Response response = http.update(id, method, arg);
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        return HexFormat.of().formatHex(response.body());
    }

    @ParameterizedTest
    @ValueSource(strings = {"motoko", "motoko64"})
    void motokoActorsAwaitEachOther(String compiler) throws InterruptedException {
        String caller = install(compiler, "caller");
        String callee = install(compiler, "callee");
        byte[] arg = principalArg(callee);

        double fused = http.metric("canister_calls_fused_total");
        double dropped = http.metric("canister_calls_fused_dropped_total");
        assertThat(update(caller, "incThenGet", arg)).as("(1, 1): the query sees the update")
                .isEqualTo("4449444c00027d7d0101");
        assertThat(http.metric("canister_calls_fused_total")).as("the first await fused, its callback calling on")
                .isEqualTo(fused + 1);
        assertThat(http.metric("canister_calls_fused_dropped_total")).isEqualTo(dropped);
        assertThat(update(caller, "both", arg)).as("2 + 3, two calls at once").isEqualTo("4449444c00017d05");

        String caught = update(caller, "catchReject", arg);
        assertThat(new String(HexFormat.of().parseHex(caught.substring(16)), java.nio.charset.StandardCharsets.UTF_8))
                .as("the reject, caught with its code").isEqualTo("canister_reject: refused by the callee");

        Response trapped = http.update(caller, "trapAfterAwait", arg);
        assertThat(trapped.status()).as("%s", trapped).isEqualTo(422);
        assertThat(trapped.json().get("rejectCode").asInt()).isEqualTo(5);
        Response counts = http.query(caller, "counts", HexFormat.of().parseHex(NO_ARGS));
        String hex = HexFormat.of().formatHex(counts.body());
        assertThat(hex).as("(before, after, ticks) is three nats").startsWith("4449444c00037d7d7d");
        assertThat(hex.substring(18, 22)).as("before the await: committed; after it: rolled back")
                .isEqualTo("0100");
        assertThat(update(callee, "inc", HexFormat.of().parseHex(NO_ARGS))).as("the awaited inc committed")
                .isEqualTo("4449444c00017d05");

        Response sum = http.query(caller, "sumTwice", arg);
        assertThat(sum.status()).as("%s", sum).isEqualTo(200);
        assertThat(HexFormat.of().formatHex(sum.body())).as("a composite query: get() + get() = 5 + 5")
                .isEqualTo("4449444c00017d0a");

        assertThat(update(caller, "entropy", HexFormat.of().parseHex(NO_ARGS))).as("raw_rand: 32 bytes")
                .isEqualTo("4449444c00017d20");

        // the recurring timer (every second) runs its job: ticks grows
        long deadline = System.nanoTime() + 20_000_000_000L;
        int ticks = 0;
        while (ticks < 2 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            String now = HexFormat.of().formatHex(http.query(caller, "counts", HexFormat.of().parseHex(NO_ARGS))
                    .body());
            ticks = Integer.parseInt(now.substring(22, 24), 16);
        }
        assertThat(ticks).as("timer jobs that ran").isGreaterThanOrEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"motoko", "motoko64"})
    void anActorClassCreatesItsChildThroughTheManagementCanister(String compiler) {
        String parent = install(compiler, "parent");

        Response spawned = http.update(parent, "spawn", HexFormat.of().parseHex("4449444c00017d05"));
        assertThat(spawned.status()).as("%s", spawned).isEqualTo(200);
        String hex = HexFormat.of().formatHex(spawned.body());
        assertThat(hex).as("(principal, nat)").startsWith("4449444c0002687d01");
        int length = Integer.parseInt(hex.substring(18, 20), 16);
        String child = new CanisterId(HexFormat.of().parseHex(hex.substring(20, 20 + 2 * length))).toText();
        assertThat(hex.substring(20 + 2 * length)).as("the child started at 5 and answered its inc: 6")
                .isEqualTo("06");

        Response listed = http.get("/v1/canisters/" + child);
        assertThat(listed.status()).as("%s", listed).isEqualTo(200);
        assertThat(listed.json().get("controllers").toString()).as("the parent controls its child")
                .isEqualTo("[\"" + parent + "\"]");
        assertThat(listed.json().get("moduleHash").isNull()).as("installed by install_code").isFalse();
        assertThat(listed.json().get("cycles").asText()).as("the cycles the parent attached")
                .isEqualTo("1000000000000");

        assertThat(HexFormat.of().formatHex(http.query(child, "get", HexFormat.of().parseHex(NO_ARGS)).body()))
                .as("the child answers over REST too").isEqualTo("4449444c00017d06");
        assertThat(update(parent, "lastCount", HexFormat.of().parseHex(NO_ARGS))).as("and to its parent")
                .isEqualTo("4449444c00017d06");

        String stranger = http.createCanister();
        String refused = update(parent, "statusOf", principalArg(stranger));
        assertThat(text(refused))
                .as("only controllers may ask").isEqualTo("canister_error: canister " + parent
                        + " is not a controller of canister " + stranger + "; its controllers are [2vxsx-fae]");

        String managed = update(parent, "manage", principalArg(stranger));
        assertThat(text(managed))
                .as("deposit_cycles, canister_status, update_settings, stop_canister, delete_canister")
                .isEqualTo("cycles 1000000001000; hash 32; controllers 2; stopped; after delete destination_invalid");
        assertThat(http.get("/v1/canisters/" + child).status()).as("deleted").isEqualTo(404);
    }
}
