package com.canisterhost;

import static com.canisterhost.support.CanisterFixtures.u32;
import static com.canisterhost.support.CanisterFixtures.u64;
import static com.canisterhost.support.CanisterFixtures.wasm;
import static com.canisterhost.support.MeteringFixtures.metering;
import static com.canisterhost.support.MeteringFixtures.u32le;
import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.support.EndToEndTest;
import com.canisterhost.support.Http.Response;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** Deterministic instruction metering, call-depth and heap limits, end to end on the compiled engine. */
@TestPropertySource(properties = {
    "canister.execution.instruction-limits.update=2000000000",
    "canister.execution.instruction-limits.query=50000000",
    "canister.execution.max-call-depth=1000",
    "canister.execution.max-heap-pages=64",
    "canister.execution.wall-clock-limit=60s"
})
class MeteringTest extends EndToEndTest {

    private String install(byte[] module, String query) {
        String id = http.createCanister();
        Response installed = http.install(id, module, query);
        assertThat(installed.status()).as("%s", installed).isEqualTo(200);
        return id;
    }

    private static long instructions(Response response) {
        return Long.parseLong(response.headers().firstValue("X-Instructions").orElseThrow());
    }

    @Test
    void anInfiniteLoopStopsAtTheLimitWithStateUnchangedWhileOtherCanistersAreServed() throws Exception {
        String spinning = install(metering("loops"), "");
        String other = install(wasm("counter"), "");
        CompletableFuture<Response> spin = CompletableFuture.supplyAsync(() -> http.update(spinning, "spin",
                new byte[0]));
        for (int i = 1; i <= 5; i++) {
            Response served = http.update(other, "inc", new byte[0]);
            assertThat(served.status()).isEqualTo(200);
            assertThat(u64(served.body())).isEqualTo(i);
        }
        Response stopped = spin.get();
        assertThat(stopped.status()).as("%s", stopped).isEqualTo(422);
        assertThat(stopped.json().get("type").asText())
                .isEqualTo("urn:canister-host:problem:instruction-limit-exceeded");
        assertThat(stopped.json().get("rejectCode").asInt()).isEqualTo(5);
        assertThat(stopped.json().get("errorCode").asText()).isEqualTo("IC0522");
        assertThat(stopped.json().get("instructions").asLong()).isEqualTo(2_000_000_000L);
        assertThat(u32(http.query(spinning, "get", new byte[0]).body())).as("memory rolled back").isZero();

        Response spinQuery = http.query(spinning, "spin_q", new byte[0]);
        assertThat(spinQuery.json().get("type").asText())
                .isEqualTo("urn:canister-host:problem:instruction-limit-exceeded");
        assertThat(spinQuery.json().get("instructions").asLong()).isEqualTo(50_000_000L);
    }

    @Test
    void unboundedRecursionIsADeterministicTrap() {
        String id = install(metering("loops"), "");
        Response first = http.update(id, "recurse", new byte[0]);
        Response second = http.update(id, "recurse", new byte[0]);
        assertThat(first.status()).isEqualTo(422);
        assertThat(first.json().get("type").asText()).isEqualTo("urn:canister-host:problem:canister-trapped");
        assertThat(first.json().get("detail").asText()).contains("call stack depth exceeded the limit of 1000");
        assertThat(second.json().get("instructions").asLong()).isEqualTo(first.json().get("instructions").asLong())
                .isPositive();
        assertThat(u32(http.query(id, "get", new byte[0]).body())).isZero();
    }

    @Test
    void memoryGrowStopsAtTheHeapCapWithMinusOne() {
        String id = install(metering("loops"), "");
        Response grown = http.update(id, "grow", new byte[0]);
        assertThat(grown.status()).as("%s", grown).isEqualTo(200);
        long initial = 1;
        assertThat(u32(grown.body())).isEqualTo((int) (64 - initial));
        assertThat(http.get("/v1/canisters/" + id).json().get("memorySize").asLong()).isEqualTo(64 * 65536L);
        assertThat(u32(http.update(id, "grow", new byte[0]).body())).as("already at the cap").isZero();
    }

    @Test
    void memoryGrowIsChargedPerPageItAdds() {
        String id = install(wasm("grow_to_cap"), "");
        Response grown = http.query(id, "grow", new byte[0]);
        assertThat(grown.status()).as("%s", grown).isEqualTo(200);
        assertThat(u32(grown.body())).as("pages reached: the cap").isEqualTo(64);
        long charged = instructions(grown);
        // 63 grows added a page each (1,000 apiece on top of their 300), the 64th answered -1 and added nothing
        assertThat(charged).isBetween(63 * 1_300L, 63 * 1_300L + 300 + 64 * 50L);
        assertThat(instructions(http.query(id, "grow", new byte[0]))).isEqualTo(charged);
    }

    @Test
    void countsAreDeterministicAndGrowWithTheWork() {
        String id = install(metering("loops"), "");
        long small = instructions(http.update(id, "count_to", u32le(1_000)));
        long large = instructions(http.update(id, "count_to", u32le(101_000)));
        assertThat(instructions(http.update(id, "count_to", u32le(1_000)))).isEqualTo(small);
        // each extra iteration of the loop costs the same number of instructions
        assertThat((large - small) % 100_000).isZero();
        assertThat((large - small) / 100_000).isBetween(3L, 20L);

        Response perf = http.query(id, "perf", new byte[0]);
        long counted = u64(perf.body());
        assertThat(counted).isPositive().isLessThanOrEqualTo(instructions(perf));
        assertThat(u64(http.query(id, "perf", new byte[0]).body())).isEqualTo(counted);
    }

    @Test
    void bulkMemoryOperationsCostOnePerByte() {
        String id = install(metering("bulk"), "");
        long small = instructions(http.update(id, "fill", u32le(1_000)));
        long large = instructions(http.update(id, "fill", u32le(101_000)));
        assertThat(large - small).isEqualTo(100_000);
    }

    @Test
    void systemApiCallsAreChargedPerCallAndPerByte() {
        String id = install(wasm("counter"), "");
        long empty = instructions(http.update(id, "echo", new byte[0]));
        long withArg = instructions(http.update(id, "echo", new byte[10_000]));
        // the argument is copied in (msg_arg_data_copy) and out (msg_reply_data_append): 2 per byte,
        // plus the echo's own copy loop; at least the System API part
        assertThat(withArg - empty).isGreaterThanOrEqualTo(20_000);
    }

    /**
     * debug_print costs its fixed 100 plus one per byte it copies out of the heap, like every blob function. It used
     * to cost the 100 alone, whatever it printed (security review #18, item 4). What it does not copy (past the
     * 16 KiB log entry cap, or past the end of the heap) it does not charge.
     */
    @Test
    void debugPrintIsChargedPerByteItCopies() {
        String id = install(wasm("system"), "");
        long none = instructions(http.update(id, "print_n", u32le(0)));
        long thousand = instructions(http.update(id, "print_n", u32le(1_000)));
        long twoThousand = instructions(http.update(id, "print_n", u32le(2_000)));
        assertThat(thousand - none).isEqualTo(1_000);
        assertThat(twoThousand - thousand).isEqualTo(1_000);
        // msg_arg_data_copy 500 + 4 bytes, debug_print 100, msg_reply 500 and the method's own 21; then one per byte
        assertThat(new long[] {none, thousand, twoThousand}).containsExactly(1_125L, 2_125L, 3_125L);
        assertThat(instructions(http.update(id, "print_n", u32le(20_000))) - none).as("cut at the entry cap")
                .isEqualTo(16 * 1024);
    }

    @Test
    void floatResultsThatCanBeNanAreCanonicalUnderCanonicalNan() {
        String id = install(metering("float"), "profile=canonical-nan");
        Response bits = http.query(id, "nan_bits", new byte[0]);
        assertThat(bits.status()).as("%s", bits).isEqualTo(200);
        ByteBuffer reply = ByteBuffer.wrap(bits.body()).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(Long.toHexString(reply.getLong())).isEqualTo("7ff8000000000000"); // 0 / 0
        assertThat(Long.toHexString(reply.getLong())).isEqualTo("7ff8000000000000"); // payload NaN + 1
        assertThat(Integer.toHexString(reply.getInt())).isEqualTo("7fc00000"); // sqrt(-1)
        Response sum = http.query(id, "add", ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                .putDouble(1.5).putDouble(2.25).array());
        assertThat(ByteBuffer.wrap(sum.body()).order(ByteOrder.LITTLE_ENDIAN).getDouble()).isEqualTo(3.75);
    }

    @Test
    void statusReportsTheCumulativeInstructions() {
        String id = install(metering("sha256"), "");
        long afterInstall = http.get("/v1/canisters/" + id).json().get("instructionsTotal").asLong();
        Response run = http.update(id, "run", new byte[0]);
        assertThat(HexFormat.of().formatHex(run.body()))
                .isEqualTo("06b7bbfb7824aa03382051691630eb26de85102d1b08a81e907ec0744cd8a286");
        long total = http.get("/v1/canisters/" + id).json().get("instructionsTotal").asLong();
        assertThat(total - afterInstall).isEqualTo(instructions(run)).isGreaterThan(1_000_000);
        http.query(id, "run_q", new byte[0]);
        assertThat(http.get("/v1/canisters/" + id).json().get("instructionsTotal").asLong())
                .as("queries commit nothing").isEqualTo(total);
    }
}
