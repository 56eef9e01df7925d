package com.canisterhost;

import static com.canisterhost.support.CanisterFixtures.u64;
import static com.canisterhost.support.CanisterFixtures.wasm;
import static com.canisterhost.support.MeteringFixtures.metering;
import static com.canisterhost.support.MeteringFixtures.u32le;
import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.support.Http;
import com.canisterhost.support.Http.Response;
import com.canisterhost.support.TestDatabase;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The same calls give the same replies and the same instruction counts on Chicory's compiler and on its
 * interpreter, and after a restart: nine different canisters (one of them wasm64, lowered to 32-bit addresses),
 * run once per engine against one database.
 */
class EngineDeterminismTest {

    private final TestDatabase.Database database = TestDatabase.create();

    /** One call of the script: which canister, update or query, method, argument. */
    private record Call(String canister, String kind, String method, byte[] arg) {}

    private static final Map<String, byte[]> MODULES = new LinkedHashMap<>();
    private static final Map<String, String> PROFILES = Map.of("float", "canonical-nan", "motoko64",
            "canonical-nan");
    /** Candid's empty argument list, which Motoko canisters expect at init and in calls without arguments. */
    private static final byte[] NO_ARGS = HexFormat.of().parseHex("4449444c0000");
    private static final List<Call> SCRIPT = new ArrayList<>();

    static {
        MODULES.put("counter", wasm("counter"));
        MODULES.put("sha256", metering("sha256"));
        MODULES.put("fib", metering("fib"));
        MODULES.put("bulk", metering("bulk"));
        MODULES.put("loops", metering("loops"));
        MODULES.put("float", metering("float"));
        MODULES.put("counter64", wasm("memory64", "counter64"));
        MODULES.put("motoko64", wasm("motoko64", "counter")); // moc 4.10.0: wasm64 with enhanced orthogonal persistence
        MODULES.put("grow", wasm("grow_to_cap")); // one page at a time to the cap (32,767 pages): 32,766 charged grows
        SCRIPT.add(new Call("counter", "update", "inc", new byte[0]));
        SCRIPT.add(new Call("counter", "update", "add", u64(41)));
        SCRIPT.add(new Call("counter", "update", "echo", new byte[300]));
        SCRIPT.add(new Call("counter", "update", "inc_then_trap", new byte[0]));
        SCRIPT.add(new Call("counter", "update", "inc_no_reply", new byte[0]));
        SCRIPT.add(new Call("counter", "query", "get", new byte[0]));
        SCRIPT.add(new Call("sha256", "update", "run", u32le(2)));
        SCRIPT.add(new Call("sha256", "query", "run_q", new byte[0]));
        SCRIPT.add(new Call("fib", "query", "fib", u32le(16)));
        SCRIPT.add(new Call("fib", "update", "fib_u", u32le(12)));
        SCRIPT.add(new Call("bulk", "update", "fill", u32le(5_000)));
        SCRIPT.add(new Call("bulk", "update", "copy", u32le(3_000)));
        SCRIPT.add(new Call("loops", "update", "count_to", u32le(10_000)));
        SCRIPT.add(new Call("loops", "query", "perf", new byte[0]));
        SCRIPT.add(new Call("loops", "update", "recurse", new byte[0]));
        SCRIPT.add(new Call("float", "query", "nan_bits", new byte[0]));
        SCRIPT.add(new Call("float", "query", "add", ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
                .putDouble(0.1).putDouble(0.2).array()));
        SCRIPT.add(new Call("counter64", "update", "inc", new byte[0]));
        SCRIPT.add(new Call("counter64", "update", "echo", new byte[300]));
        SCRIPT.add(new Call("counter64", "update", "bulk", u64(4_000)));
        SCRIPT.add(new Call("counter64", "update", "grow", u64(1)));
        SCRIPT.add(new Call("counter64", "update", "store_at", u64(1L << 32)));
        SCRIPT.add(new Call("counter64", "update", "stable", new byte[0]));
        SCRIPT.add(new Call("counter64", "update", "call", new byte[0]));
        SCRIPT.add(new Call("motoko64", "update", "inc", NO_ARGS));
        SCRIPT.add(new Call("motoko64", "update", "inc", NO_ARGS));
        SCRIPT.add(new Call("motoko64", "update", "inc_then_trap", NO_ARGS));
        SCRIPT.add(new Call("motoko64", "query", "get", NO_ARGS));
        SCRIPT.add(new Call("grow", "query", "grow", new byte[0]));
        SCRIPT.add(new Call("counter64", "query", "reply_at", ByteBuffer.allocate(16)
                .order(ByteOrder.LITTLE_ENDIAN).putLong(0x10).putLong(17).array()));
    }

    private ConfigurableApplicationContext start(String engine) {
        // server.port as an argument: default properties lose to application.yml's 8080, which may be taken
        return new SpringApplicationBuilder(CanisterHostApplication.class)
                .properties("canister.module.engine=" + engine,
                        "canister.execution.max-call-depth=500",
                        "spring.datasource.url=" + database.url(),
                        "spring.datasource.username=" + database.username(),
                        "spring.datasource.password=" + (database.password() == null ? "" : database.password()))
                .run("--server.port=0");
    }

    private static Http client(ConfigurableApplicationContext context) {
        return new Http(Integer.parseInt(context.getEnvironment().getProperty("local.server.port")));
    }

    /** Installs every canister and runs the script; returns the ids and one line per call. */
    private static List<String> run(Http http, Map<String, String> ids) {
        MODULES.forEach((name, module) -> {
            String id = http.createCanister();
            String profile = PROFILES.getOrDefault(name, "strict");
            String arg = name.startsWith("motoko") ? "&arg=" + HexFormat.of().formatHex(NO_ARGS) : "";
            assertThat(http.install(id, module, "profile=" + profile + arg).status()).isEqualTo(200);
            ids.put(name, id);
        });
        List<String> outcomes = new ArrayList<>();
        for (Call call : SCRIPT) {
            outcomes.add(describe(call, http.call(call.kind(), ids.get(call.canister()), call.method(), call.arg())));
        }
        for (Map.Entry<String, String> canister : ids.entrySet()) {
            outcomes.add(canister.getKey() + " status: stateVersion="
                    + http.get("/v1/canisters/" + canister.getValue()).json().get("stateVersion").asLong()
                    + " instructionsTotal="
                    + http.get("/v1/canisters/" + canister.getValue()).json().get("instructionsTotal").asLong());
        }
        return outcomes;
    }

    private static String describe(Call call, Response response) {
        String what = call.canister() + "." + call.method() + " -> " + response.status() + " ";
        if (response.status() == 200) {
            return what + HexFormat.of().formatHex(response.body()) + " instructions="
                    + response.headers().firstValue("X-Instructions").orElseThrow();
        }
        return what + response.json().get("type").asText() + " instructions="
                + response.json().get("instructions").asLong();
    }

    private static List<String> queries(Http http, Map<String, String> ids) {
        List<String> outcomes = new ArrayList<>();
        outcomes.add(describe(SCRIPT.get(5), http.query(ids.get("counter"), "get", new byte[0])));
        outcomes.add(describe(SCRIPT.get(7), http.query(ids.get("sha256"), "run_q", new byte[0])));
        outcomes.add(describe(SCRIPT.get(13), http.query(ids.get("loops"), "perf", new byte[0])));
        outcomes.add(describe(SCRIPT.get(SCRIPT.size() - 1), http.query(ids.get("counter64"), "reply_at",
                SCRIPT.get(SCRIPT.size() - 1).arg())));
        outcomes.add(describe(new Call("counter64", "query", "get", new byte[0]),
                http.query(ids.get("counter64"), "get", new byte[0])));
        outcomes.add(describe(new Call("motoko64", "query", "get", NO_ARGS),
                http.query(ids.get("motoko64"), "get", NO_ARGS)));
        Response grown = http.query(ids.get("grow"), "grow", new byte[0]);
        assertThat(grown.status()).as("growing to the cap ends with -1, long before the wall-clock backstop")
                .isEqualTo(200);
        assertThat(ByteBuffer.wrap(grown.body()).order(ByteOrder.LITTLE_ENDIAN).getInt()).isEqualTo(32_767);
        outcomes.add(describe(new Call("grow", "query", "grow", new byte[0]), grown));
        return outcomes;
    }

    @Test
    void sameRepliesAndInstructionCountsOnBothEnginesAndAfterARestart() {
        Map<String, String> compiledIds = new LinkedHashMap<>();
        List<String> compiled;
        List<String> compiledQueries;
        try (ConfigurableApplicationContext context = start("compiler")) {
            Http http = client(context);
            compiled = run(http, compiledIds);
            compiledQueries = queries(http, compiledIds);
        }
        try (ConfigurableApplicationContext context = start("interpreter")) {
            Http http = client(context);
            assertThat(queries(http, compiledIds)).as("restored after a restart, on the other engine")
                    .isEqualTo(compiledQueries);
            List<String> interpreted = run(http, new LinkedHashMap<>());
            assertThat(interpreted).isEqualTo(compiled);
        }
        assertThat(compiled).anyMatch(line -> line.contains("instruction") && line.contains("recurse -> 422"))
                .anyMatch(line -> line.startsWith("sha256.run -> 200 c972db343e662cf7541120546a140ee36daa5d8"))
                .anyMatch(line -> line.startsWith("counter64.store_at -> 422"))
                .anyMatch(line -> line.startsWith("counter64.bulk -> 200 e02e000000000000")); // 3 x 4000
    }
}
