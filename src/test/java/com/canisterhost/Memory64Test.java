package com.canisterhost;

import static com.canisterhost.support.CanisterFixtures.wasm;
import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.support.EndToEndTest;
import com.canisterhost.support.Http.Response;
import com.dylibso.chicory.wasm.types.OpCode;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * wasm64 canisters over REST (src/test/resources/memory64): a real Motoko canister of moc 4.10.0, which builds every
 * actor as a wasm64 module, and counter64.wat, whose calls exercise the 64-bit System API: i64 pointers and sizes,
 * out of bounds from 2^32 on, opaque callback environments, i64 results, memory.grow up to the heap cap.
 */
class Memory64Test extends EndToEndTest {

    private static final String NO_ARGS = "4449444c0000";
    private static final long TWO_TO_32 = 1L << 32;

    private static byte[] module(String name) {
        return wasm("memory64", name);
    }

    private static byte[] i64s(long... values) {
        ByteBuffer buffer = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long value : values) {
            buffer.putLong(value);
        }
        return buffer.array();
    }

    private static long i64(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private String install(String name, String query) {
        String id = http.createCanister();
        Response installed = http.install(id, module(name), query);
        assertThat(installed.status()).as("%s", installed).isEqualTo(200);
        return id;
    }

    private static void assertTrap(Response response, String... detail) {
        assertThat(response.status()).as("%s", response).isEqualTo(422);
        assertThat(response.json().get("rejectCode").asInt()).isEqualTo(5);
        assertThat(response.json().get("detail").asText()).contains(detail);
    }

    @Test
    void aRealMotokoCanisterOfMoc4RunsItsUpdatesAndQueries() {
        String id = install("moc_counter", "profile=canonical-nan&arg=" + NO_ARGS);
        byte[] none = HexFormat.of().parseHex(NO_ARGS);
        assertThat(HexFormat.of().formatHex(http.update(id, "inc", none).body())).isEqualTo("4449444c00017d01");
        assertThat(HexFormat.of().formatHex(http.update(id, "inc", none).body())).isEqualTo("4449444c00017d02");
        for (int i = 0; i < 5; i++) {
            Response get = http.query(id, "get", none);
            assertThat(get.status()).as("%s", get).isEqualTo(200);
            assertThat(HexFormat.of().formatHex(get.body())).isEqualTo("4449444c00017d02");
        }
        JsonNode status = http.get("/v1/canisters/" + id).json();
        assertThat(status.get("moduleHash").asText()).as("the module as uploaded, not the lowered one")
                .isEqualTo(HexFormat.of().formatHex(sha256(module("moc_counter"))));
    }

    @Test
    void theValidationReportOfAMotokoWasm64ModuleSaysItIs64Bit() {
        Response validated = http.send("POST", "/v1/modules/validate?profile=canonical-nan", "application/wasm",
                module("moc_counter"));
        assertThat(validated.status()).as("%s", validated).isEqualTo(200);
        JsonNode report = validated.json();
        assertThat(report.get("valid").asBoolean()).isTrue();
        assertThat(report.get("memory64").asBoolean()).isTrue();
        assertThat(report.get("imports").toString()).contains("ic0.msg_reply_data_append", "ic0.stable64_write");
        assertThat(report.get("customSections").toString()).contains("icp:private enhanced-orthogonal-persistence");
        Response strict = http.send("POST", "/v1/modules/validate", "application/wasm", module("moc_counter"));
        JsonNode problem = strict.json().get("problem");
        assertThat(problem.get("rule").asText()).isEqualTo("float");
        // "code section, function N ($name), byte 0x...: f64.xyz uses floating point, ..."
        String mnemonic = problem.get("detail").asText().replaceFirst("^.*, byte 0x[0-9a-f]+: (\\S+) uses .*$", "$1");
        int opcode = OpCode.valueOf(mnemonic.toUpperCase(java.util.Locale.ROOT).replace('.', '_')).opcode();
        int offset = problem.get("location").get("offset").asInt();
        assertThat(module("moc_counter")[offset] & 0xff).as("the byte of %s in the upload, at %s", mnemonic, offset)
                .isEqualTo(opcode > 0xff ? opcode >>> 8 : opcode);
    }

    @Test
    void theSystemApiTakesI64PointersAndSizesAndTrapsFromTwoToThe32() throws InterruptedException {
        String id = install("counter64", "");
        assertThat(i64(http.query(id, "marker", new byte[0]).body())).as("the start function ran")
                .isEqualTo(0x5741534d3634L);
        assertThat(i64(http.update(id, "inc", new byte[0]).body())).isEqualTo(1);
        assertThat(i64(http.update(id, "inc", new byte[0]).body())).isEqualTo(2);
        assertThat(i64(http.query(id, "get", new byte[0]).body())).isEqualTo(2);
        byte[] arg = new byte[300];
        java.util.Arrays.fill(arg, (byte) 7);
        assertThat(http.update(id, "echo", arg).body()).isEqualTo(arg);

        assertThat(new String(http.query(id, "reply_at", i64s(0x10, 17)).body(), StandardCharsets.US_ASCII))
                .isEqualTo("hello from wasm64");
        assertTrap(http.query(id, "reply_at", i64s(TWO_TO_32 + 0x10, 17)), "ic0.msg_reply_data_append",
                "out of bounds");
        assertTrap(http.query(id, "reply_at", i64s(0x10, TWO_TO_32 + 1)), "ic0.msg_reply_data_append",
                "out of bounds");
        assertTrap(http.update(id, "caller_far", new byte[0]), "ic0.msg_caller_copy", "out of bounds");
        assertThat(http.update(id, "call", new byte[0]).body()).as("call_perform: performed")
                .isEqualTo(new byte[] {0, 0, 0, 0});
        // the callee does not exist: the reject callback runs, with its env untouched (2^32, an i64 parameter)
        long deadline = System.nanoTime() + 10_000_000_000L;
        byte[] env = http.query(id, "env", new byte[0]).body();
        while (i64(env) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            env = http.query(id, "env", new byte[0]).body();
        }
        assertThat(i64(env)).as("the reject callback's env").isEqualTo(TWO_TO_32);
        assertThat(i64(java.util.Arrays.copyOfRange(env, 8, 16))).as("no reply callback").isZero();
        Response printed = http.update(id, "print", new byte[0]);
        assertThat(printed.status()).as("debug_print never traps, not even past the heap").isEqualTo(200);
        assertThat(http.get("/v1/canisters/" + id + "/logs").json().get("logs").findValuesAsText("content"))
                .contains("hello from wasm64");
        assertThat(new String(http.update(id, "stable", new byte[0]).body(), StandardCharsets.US_ASCII))
                .isEqualTo("hello from wasm64");
        assertTrap(http.update(id, "stable_far", new byte[0]), "ic0.stable64_read", "out of bounds");
    }

    @Test
    void memoryGrowsWithI64PagesUpToTheHeapCapAndAccessesPastItTrap() {
        String id = install("counter64", "");
        assertThat(i64(http.query(id, "size", new byte[0]).body())).isEqualTo(1);
        assertThat(http.update(id, "store_at", i64s(0xffff)).status()).isEqualTo(200);
        assertTrap(http.update(id, "store_at", i64s(0x10000)), "out of bounds memory access");
        assertTrap(http.update(id, "store_at", i64s(TWO_TO_32)), "out of bounds memory access");
        assertThat(i64(http.update(id, "grow", i64s(TWO_TO_32)).body())).as("2^32 pages, not 0").isEqualTo(-1);
        assertThat(i64(http.update(id, "grow", i64s(32_768)).body())).as("past the 2 GiB heap cap").isEqualTo(-1);
        assertThat(i64(http.update(id, "grow", i64s(1)).body())).isEqualTo(1);
        assertThat(i64(http.query(id, "size", new byte[0]).body())).isEqualTo(2);
        assertThat(http.update(id, "store_at", i64s(0x1ffff)).status()).isEqualTo(200);
        assertThat(i64(http.update(id, "bulk", i64s(1000)).body())).isEqualTo(3000);
        assertTrap(http.update(id, "bulk", i64s(TWO_TO_32)), "out of bounds memory access");
        assertThat(http.get("/v1/canisters/" + id).json().get("memorySize").asLong()).isEqualTo(2 * 65536);
    }

    @Test
    void aWasm32ModulesAlwaysI64HeapAddressesOfStableMemoryTrapFromTwoToThe32() {
        String id = install("stable32", "");
        assertTrap(http.update(id, "write_from_far", new byte[0]), "ic0.stable64_write", "out of bounds");
        assertTrap(http.update(id, "read_to_far", new byte[0]), "ic0.stable64_read", "out of bounds");
        assertThat(new String(http.query(id, "head", new byte[0]).body(), StandardCharsets.US_ASCII))
                .as("not written at address 0").isEqualTo("zero");
    }

    @Test
    void aWasm64ModuleImportingTheLegacyApiIsRefused() {
        String id = http.createCanister();
        Response refused = http.install(id, module("refused/legacy_import"), "");
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("type").asText()).isEqualTo("urn:canister-host:problem:module-import-forbidden");
        assertThat(refused.json().get("rule").asText()).isEqualTo("import-wasm32-only");
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
