package com.canisterhost;

import static com.canisterhost.support.CanisterFixtures.u32;
import static com.canisterhost.support.CanisterFixtures.u64;
import static com.canisterhost.support.CanisterFixtures.wasm;
import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.module.HostFunctionCatalog;
import com.canisterhost.module.SystemApiSignatures;
import com.canisterhost.principal.CanisterId;
import com.canisterhost.support.EndToEndTest;
import com.canisterhost.support.Http;
import com.canisterhost.support.Http.Response;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.ImportSection;
import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * Every {@code ic0} function, called by canisters/ic0_all.wat: what it observes in the contexts where it is allowed,
 * and that it traps, naming itself and the context, everywhere else. A function added to the System API that this
 * canister does not import, or that has no row in {@link #ALLOWED}, fails the first two tests.
 */
// timers due at once fire within 5 ms; more workers than cores, as executions mostly wait for PostgreSQL here
@TestPropertySource(properties = {"canister.execution.timer-tick=5ms", "canister.execution.workers=8"})
class SystemApiTest extends EndToEndTest {

    private static final String TRAPPED = "urn:canister-host:problem:canister-trapped";
    private static final BigInteger INITIAL_CYCLES = new BigInteger("3000000000000");

    /**
     * The contexts this host runs, by their codes in the interface spec (§1.2), with the entry point a trap names
     * (the kind of export, without the method name).
     */
    enum Context {
        U("canister_update"),
        NRQ("canister_query"),
        CQ("canister_composite_query"),
        F("canister_inspect_message"),
        I("canister_init"),
        I_POST("canister_post_upgrade"),
        G("canister_pre_upgrade"),
        S("(start)"),
        T("canister_global_timer");

        final String export;

        Context(String export) {
            this.export = export;
        }

        String code() {
            return switch (this) {
                case I_POST -> "I";
                case S -> "s";
                default -> name();
            };
        }
    }

    private static final String ANY = "I U NRQ CQ F T G";
    private static final String ANY_AND_START = ANY + " s";

    /**
     * Where the interface spec allows each function (its System API table), restricted to
     * the contexts this host runs: no callbacks, no replicated queries. Written out here, independently of the
     * implementation.
     */
    private static final Map<String, String> ALLOWED = new LinkedHashMap<>();

    static {
        allow("I U NRQ CQ F", "msg_arg_data_size", "msg_arg_data_copy");
        allow(ANY, "msg_caller_size", "msg_caller_copy");
        allow("U NRQ CQ F", "msg_caller_info_data_size", "msg_caller_info_data_copy", "msg_caller_info_signer_size",
                "msg_caller_info_signer_copy");
        allow("", "msg_reject_code", "msg_reject_msg_size", "msg_reject_msg_copy", "msg_cycles_refunded128",
                "msg_cycles_refunded");
        allow("U NRQ CQ", "msg_deadline", "msg_reply_data_append", "msg_reply", "msg_reject");
        allow("U", "msg_cycles_available128", "msg_cycles_accept128", "msg_cycles_available", "msg_cycles_accept");
        allow("I G U T", "cycles_burn128", "root_key_size", "root_key_copy", "certified_data_set",
                "global_timer_set");
        allow(ANY, "canister_self_size", "canister_self_copy", "canister_cycle_balance128",
                "canister_liquid_cycle_balance128", "canister_status", "canister_version", "subnet_self_size",
                "subnet_self_copy", "data_certificate_present", "time", "canister_cycle_balance", "env_var_count",
                "env_var_name_size", "env_var_name_copy", "env_var_name_exists", "env_var_value_size",
                "env_var_value_copy");
        allow("F", "msg_method_name_size", "msg_method_name_copy", "accept_message");
        allow("U CQ T", "call_new", "call_on_cleanup", "call_data_append", "call_with_best_effort_response",
                "call_perform");
        allow("U T", "call_cycles_add128", "call_cycles_add");
        allow(ANY_AND_START, "stable64_size", "stable64_grow", "stable64_write", "stable64_read", "stable_size",
                "stable_grow", "stable_write", "stable_read", "performance_counter", "is_controller",
                "in_replicated_execution", "cost_call", "cost_create_canister", "cost_http_request",
                "cost_sign_with_ecdsa", "cost_sign_with_schnorr", "cost_vetkd_derive_key", "debug_print", "trap");
        allow("NRQ CQ", "data_certificate_size", "data_certificate_copy");
    }

    private static void allow(String contexts, String... functions) {
        for (String function : functions) {
            if (ALLOWED.put(function, contexts) != null) {
                throw new IllegalStateException(function + " listed twice");
            }
        }
    }

    @Autowired
    private HostFunctionCatalog catalog;

    private String id;

    @BeforeEach
    void install() {
        id = installed();
    }

    private String installed() {
        String canister = http.createCanister();
        Response installed = http.install(canister, wasm("ic0_all"), "");
        assertThat(installed.status()).as("%s", installed).isEqualTo(200);
        return canister;
    }

    // ---------------------------------------------------------------------------------------------------------
    // coverage

    @Test
    void theCanisterImportsEverySystemApiFunctionWithItsSignature() {
        ImportSection imports = Parser.parse(wasm("ic0_all")).importSection();
        Set<String> imported = new LinkedHashSet<>();
        for (int i = 0; i < imports.importCount(); i++) {
            if (imports.getImport(i) instanceof FunctionImport function) {
                assertThat(function.module()).isEqualTo("ic0");
                imported.add(function.name());
            }
        }
        assertThat(imported).as("ic0 functions that canisters/ic0_all.wat does not call")
                .containsExactlyInAnyOrderElementsOf(SystemApiSignatures.names());
        assertThat(SystemApiSignatures.names()).hasSize(74).allSatisfy(name ->
                assertThat(catalog.provides(name)).as("the host provides ic0.%s", name).isTrue());
        // the spec's contexts are written down for every function, so the matrix below covers each
        assertThat(ALLOWED.keySet()).containsExactlyInAnyOrderElementsOf(SystemApiSignatures.names());
    }

    /**
     * Calls every function from every context: where the spec forbids it, the call traps with IC0504 naming the
     * function and the context; where it allows it, it never traps for the context (it may reply, reject or trap
     * for its own reasons, e.g. data_certificate_size without a certificate).
     */
    @Test
    void everyFunctionIsCalledFromEveryContextAndTrapsWhereTheSpecForbidsIt() throws Exception {
        List<String> mismatches = new ArrayList<>();
        Map<Context, CompletableFuture<List<String>>> runs = new LinkedHashMap<>();
        ExecutorService threads = Executors.newFixedThreadPool(Context.values().length);
        try {
            for (Context context : Context.values()) {
                // every context on a canister of its own, side by side
                String canister = installed();
                runs.put(context, CompletableFuture.supplyAsync(() -> {
                    long started = System.nanoTime();
                    List<String> row = matrixRow(context, canister);
                    System.out.printf("%s: %d ms%n", context, (System.nanoTime() - started) / 1_000_000);
                    return row;
                }, threads));
            }
        } finally {
            threads.shutdown();
        }
        int forbidden = 0;
        for (var run : runs.entrySet()) {
            List<String> row = run.getValue().get();
            mismatches.addAll(row.stream().filter(line -> !line.startsWith("ok ")).toList());
            forbidden += (int) row.stream().filter(line -> line.startsWith("ok forbidden")).count();
        }
        System.out.printf("System API matrix: %d functions x %d contexts, %d forbidden calls trapped%n",
                ALLOWED.size(), Context.values().length, forbidden);
        assertThat(mismatches).as("calls whose outcome does not match the spec's contexts").isEmpty();
    }

    private List<String> matrixRow(Context context, String canister) {
        List<String> lines = new ArrayList<>();
        var client = new Http(port());
        for (var entry : ALLOWED.entrySet()) {
            String function = entry.getKey();
            boolean allowed = Arrays.asList(entry.getValue().split(" ")).contains(context.code());
            String failure = call(client, canister, context, function);
            String expected = "ic0." + function + " cannot be called from " + context.export + " (context "
                    + context.code() + ")";
            boolean contextTrap = failure != null && failure.contains("ic0." + function + " cannot be called from");
            if (allowed && contextTrap) {
                lines.add(context + " " + function + ": allowed by the spec, but trapped: " + failure);
            } else if (!allowed && (failure == null || !failure.contains(expected))) {
                lines.add(context + " " + function + ": forbidden by the spec, expected '" + expected + "', got "
                        + failure);
            } else {
                lines.add("ok " + (allowed ? "allowed " : "forbidden ") + context + " " + function);
            }
        }
        return lines;
    }

    /**
     * Runs the probe of {@code function} in {@code context} on {@code canister}; null if it did not fail, else
     * what the caller (or, for the timer, the log) saw. Failures of forbidden calls are checked to be IC0504.
     */
    private String call(Http client, String canister, Context context, String function) {
        byte[] name = function.getBytes(StandardCharsets.UTF_8);
        String hex = HexFormat.of().formatHex(name);
        Response response = switch (context) {
            case U -> client.update(canister, "probe", name);
            case NRQ -> client.query(canister, "probe_q", name);
            case CQ -> client.query(canister, "probe_cq", name);
            case F -> client.update(canister, "inspect_probe", name);
            case I -> client.install(canister, wasm("ic0_all"), "mode=reinstall&arg=" + hex);
            case I_POST -> client.install(canister, wasm("ic0_all"), "mode=upgrade&arg=" + hex);
            case G, S -> {
                byte slot = (byte) (context == Context.S ? 0 : 1);
                // the next function's probe replaces this one in the slot
                assertThat(client.update(canister, "set_probe", slotted(slot, name)).status()).isEqualTo(200);
                yield client.install(canister, wasm("ic0_all"), "mode=upgrade");
            }
            case T -> null;
        };
        if (context == Context.T) {
            return timerProbe(client, canister, name);
        }
        if (response.status() == 200) {
            return null;
        }
        JsonNode problem = response.json();
        String detail = problem.get("detail").asText();
        if (detail.contains("cannot be called from")) {
            boolean refused = context == Context.F;
            assertThat(response.status()).as("%s %s", context, function).isEqualTo(refused ? 403 : 422);
            assertThat(problem.get("type").asText()).isEqualTo(refused ? "urn:canister-host:problem:message-refused"
                    : TRAPPED);
            if (!refused) {
                assertThat(problem.get("rejectCode").asInt()).isEqualTo(5);
                assertThat(problem.get("errorCode").asText()).isEqualTo("IC0504");
            }
        }
        return response.status() + " " + detail;
    }

    /** Sets the timer's probe, lets the timer fire, and returns the trap it logged, or null. */
    private String timerProbe(Http client, String canister, byte[] name) {
        Response set = client.update(canister, "set_probe", slotted((byte) 2, name)); // arms the timer, due at once
        assertThat(set.status()).isEqualTo(200);
        long version = Long.parseLong(set.headers().firstValue("X-State-Version").orElseThrow());
        await(() -> version(client, canister) > version); // the timer ran, and committed or logged its trap
        String trap = null;
        for (JsonNode entry : logs(client, canister)) {
            if (entry.get("index").asLong() > lastTimerLog && entry.get("kind").asText().equals("trap")) {
                trap = entry.get("content").asText();
            }
            lastTimerLog = Math.max(lastTimerLog, entry.get("index").asLong());
        }
        return trap;
    }

    /** The last log entry of the timer row's canister seen so far (only that row's thread uses it). */
    private long lastTimerLog = -1;

    private static byte[] slotted(byte slot, byte[] name) {
        byte[] arg = new byte[name.length + 1];
        arg[0] = slot;
        System.arraycopy(name, 0, arg, 1, name.length);
        return arg;
    }

    // ---------------------------------------------------------------------------------------------------------
    // forbidden contexts, spelled out

    @Test
    void forbiddenCallsTrapNamingTheFunctionAndTheContext() {
        // msg_reply from canister_init: the install fails and the new canister stays empty
        String empty = http.createCanister();
        Response install = http.install(empty, wasm("ic0_all"), "arg=" + hex("msg_reply"));
        assertContextTrap(install, "ic0.msg_reply cannot be called from canister_init (context I)");
        assertThat(http.get("/v1/canisters/" + empty).json().get("moduleHash").isNull()).isTrue();
        assertThat(http.query(empty, "probe_q", bytes("time")).status()).isNotEqualTo(200);

        assertContextTrap(http.update(id, "probe", bytes("accept_message")),
                "ic0.accept_message cannot be called from canister_update (context U)");
        assertContextTrap(http.update(id, "probe", bytes("msg_method_name_size")),
                "ic0.msg_method_name_size cannot be called from canister_update (context U)");
        assertContextTrap(http.update(id, "probe", bytes("data_certificate_size")),
                "ic0.data_certificate_size cannot be called from canister_update (context U)");
        for (String queryForbidden : List.of("global_timer_set", "certified_data_set", "call_new",
                "msg_cycles_accept128", "root_key_size", "cycles_burn128")) {
            assertContextTrap(http.query(id, "probe_q", bytes(queryForbidden)),
                    "ic0." + queryForbidden + " cannot be called from canister_query (context NRQ)");
        }
        // callbacks never run on this host: their functions trap wherever they are called
        for (String callbackOnly : List.of("msg_reject_code", "msg_reject_msg_size", "msg_reject_msg_copy",
                "msg_cycles_refunded128", "msg_cycles_refunded")) {
            assertContextTrap(http.update(id, "probe", bytes(callbackOnly)),
                    "ic0." + callbackOnly + " cannot be called from canister_update (context U)");
            assertContextTrap(http.query(id, "probe_q", bytes(callbackOnly)),
                    "ic0." + callbackOnly + " cannot be called from canister_query (context NRQ)");
        }

        // time in the start function: the upgrade fails
        assertThat(http.update(id, "set_probe", slotted((byte) 0, bytes("time"))).status()).isEqualTo(200);
        assertContextTrap(http.install(id, wasm("ic0_all"), "mode=upgrade"),
                "ic0.time cannot be called from (start) (context s)");
        // debug_print and trap are allowed there: a print is kept in the install's log, a trap fails it
        assertThat(http.update(id, "set_probe", slotted((byte) 0, bytes("debug_print"))).status()).isEqualTo(200);
        assertThat(http.install(id, wasm("ic0_all"), "mode=upgrade").status()).isEqualTo(200);
        assertThat(logs(http, id)).extracting(e -> e.get("content").asText()).contains("probe print");
        assertThat(http.update(id, "set_probe", slotted((byte) 0, bytes("trap"))).status()).isEqualTo(200);
        Response trapped = http.install(id, wasm("ic0_all"), "mode=upgrade");
        assertThat(trapped.status()).isEqualTo(422);
        assertThat(trapped.json().get("errorCode").asText()).isEqualTo("IC0503");
        assertThat(trapped.json().get("detail").asText()).isEqualTo("canister called ic0.trap: probe trap");
        assertThat(http.update(id, "set_probe", new byte[] {0}).status()).isEqualTo(200);

        // msg_reply in a global timer: the trap is logged
        assertThat(http.update(id, "set_probe", slotted((byte) 2, bytes("msg_reply"))).status()).isEqualTo(200);
        await(() -> logs(http, id).stream().anyMatch(e -> e.get("kind").asText().equals("trap")
                && e.get("content").asText().equals(
                        "ic0.msg_reply cannot be called from canister_global_timer (context T)")));

        // msg_arg_data_size in canister_pre_upgrade (no argument there): the upgrade fails
        assertThat(http.update(id, "set_probe", slotted((byte) 1, bytes("msg_arg_data_size"))).status())
                .isEqualTo(200);
        assertContextTrap(http.install(id, wasm("ic0_all"), "mode=upgrade"),
                "ic0.msg_arg_data_size cannot be called from canister_pre_upgrade (context G)");

        // msg_reply in canister_inspect_message: the message is refused
        Response refused = http.update(id, "inspect_probe", bytes("msg_reply"));
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("detail").asText()).isEqualTo("canister_inspect_message trapped: "
                + "ic0.msg_reply cannot be called from canister_inspect_message (context F)");
    }

    private static void assertContextTrap(Response response, String detail) {
        assertThat(response.status()).as("%s", response).isEqualTo(422);
        assertThat(response.contentType()).startsWith("application/problem+json");
        JsonNode problem = response.json();
        assertThat(problem.get("type").asText()).isEqualTo(TRAPPED);
        assertThat(problem.get("rejectCode").asInt()).isEqualTo(5);
        assertThat(problem.get("errorCode").asText()).isEqualTo("IC0504");
        assertThat(problem.get("detail").asText()).isEqualTo(detail);
    }

    // ---------------------------------------------------------------------------------------------------------
    // what the functions observe

    @Test
    void argumentCallerIdentityStatusAndVersion() {
        assertThat(result(update("msg_arg_data_size"))).isEqualTo("msg_arg_data_size".length());
        assertThat(out(update("msg_arg_data_copy"))).isEqualTo(bytes("msg_arg_data_copy"));
        assertThat(out(query("msg_arg_data_copy"))).isEqualTo(bytes("msg_arg_data_copy"));

        // the caller of an anonymous ingress call is the anonymous principal
        assertThat(result(update("msg_caller_size"))).isEqualTo(1);
        assertThat(out(update("msg_caller_copy"))).containsExactly(0x04);
        assertThat(out(query("msg_caller_copy"))).containsExactly(0x04);
        assertThat(out(compositeQuery("msg_caller_copy"))).containsExactly(0x04);
        for (String none : List.of("msg_caller_info_data_size", "msg_caller_info_signer_size")) {
            assertThat(result(update(none))).isZero();
            assertThat(result(query(none))).isZero();
        }
        assertThat(out(update("msg_caller_info_data_copy"))).isEmpty();
        assertThat(out(update("msg_caller_info_signer_copy"))).isEmpty();
        assertThat(result(update("msg_deadline"))).isZero();
        assertThat(result(query("msg_deadline"))).isZero();

        byte[] self = CanisterId.parse(id).bytes();
        assertThat(result(update("canister_self_size"))).isEqualTo(self.length);
        assertThat(out(update("canister_self_copy"))).isEqualTo(self);
        assertThat(out(query("canister_self_copy"))).isEqualTo(self);
        assertThat(result(query("subnet_self_size"))).isEqualTo(29);
        assertThat(out(update("subnet_self_copy"))).hasSize(29).isEqualTo(out(query("subnet_self_copy")));

        assertThat(result(update("canister_status"))).isEqualTo(1);
        assertThat(result(query("canister_status"))).isEqualTo(1);
        long version = version(http, id);
        assertThat(result(query("canister_version"))).isEqualTo(version);
        assertThat(result(update("canister_version"))).as("an update sees the version it runs on")
                .isEqualTo(version);
        assertThat(result(query("canister_version"))).isEqualTo(version + 1).isEqualTo(version(http, id));


        // no root key: where the spec allows asking, the call traps saying so
        assertContextFreeTrap(update("root_key_size"), "ic0.root_key_size: this host has no root key (it certifies "
                + "nothing)");
        assertContextFreeTrap(update("root_key_copy"), "ic0.root_key_copy: this host has no root key (it certifies "
                + "nothing)");
    }

    /**
     * in_replicated_execution is 1 in every execution whose effects may be committed (updates, install, upgrade,
     * timers; heartbeats in HeartbeatTest) and 0 in queries and canister_inspect_message, which never commit. A
     * query method called through the update endpoint runs as a query here (nothing persists), so it answers 0.
     */
    @Test
    void inReplicatedExecutionIsOneExactlyWhereAnExecutionMayCommit() {
        assertThat(result(update("in_replicated_execution"))).isEqualTo(1);
        assertThat(result(query("in_replicated_execution"))).isZero();
        assertThat(result(compositeQuery("in_replicated_execution"))).isZero();
        assertThat(result(http.update(id, "probe_q", bytes("in_replicated_execution")))).as("query via update")
                .isZero();
        assertThat(result(http.update(id, "probe_cq", bytes("in_replicated_execution"))))
                .as("composite query via update").isZero();
        Response inspected = http.update(id, "inspect_replicated", new byte[0]);
        assertThat(inspected.status()).isEqualTo(403);
        assertThat(inspected.json().get("detail").asText())
                .isEqualTo("canister_inspect_message trapped: canister called ic0.trap: in_replicated_execution: 0");

        assertThat(observed(0).replicated).as("canister_init").isEqualTo(1);
        assertThat(observed(3).replicated).as("(start)").isEqualTo(1);
        assertThat(http.update(id, "set_probe", new byte[] {1}).status()).isEqualTo(200); // stable memory for G
        assertThat(http.install(id, wasm("ic0_all"), "mode=upgrade").status()).isEqualTo(200);
        assertThat(u32(ok(http.query(id, "pre_upgrade_observed", new byte[0])))).as("canister_pre_upgrade")
                .isEqualTo(1);
        assertThat(observed(1).replicated).as("canister_post_upgrade").isEqualTo(1);
        assertThat(observed(3).replicated).as("(start) of the upgrade").isEqualTo(1);
        assertThat(u64(http.update(id, "set_timer", u64(1)).body())).isZero();
        await(() -> u64(http.query(id, "timer_runs", new byte[0]).body()) == 1);
        assertThat(observed(2).replicated).as("canister_global_timer").isEqualTo(1);
    }

    @Test
    void initStartUpgradeAndTimerObserveTheirCallerAndVersion() {
        long installed = version(http, id);
        Observation init = observed(0);
        assertThat(init.runs).isEqualTo(1);
        assertThat(init.caller).containsExactly(0x04); // the installer
        assertThat(init.version).as("canister_init sees the version of the install").isEqualTo(installed);
        assertThat(init.replicated).isEqualTo(1);
        Observation start = observed(3);
        assertThat(start.runs).isEqualTo(1);
        assertThat(start.replicated).isEqualTo(1);

        assertThat(http.install(id, wasm("ic0_all"), "mode=upgrade").status()).isEqualTo(200);
        Observation postUpgrade = observed(1);
        assertThat(postUpgrade.runs).isEqualTo(1);
        assertThat(postUpgrade.caller).containsExactly(0x04);
        assertThat(postUpgrade.version).isEqualTo(installed + 1).isEqualTo(version(http, id));
        assertThat(postUpgrade.replicated).isEqualTo(1);
        assertThat(observed(0).runs).as("the upgrade replaced the heap").isZero();

        // global_timer_set answers the previous timer
        long far = 4_000_000_000_000_000_000L;
        assertThat(u64(http.update(id, "set_timer", u64(far)).body())).isZero();
        assertThat(u64(http.update(id, "set_timer", u64(far + 1)).body())).isEqualTo(far);
        assertThat(http.install(id, wasm("ic0_all"), "mode=upgrade").status()).isEqualTo(200);
        assertThat(u64(http.update(id, "set_timer", u64(far)).body())).as("an upgrade clears the timer").isZero();
        assertThat(u64(http.update(id, "set_timer", u64(0)).body())).isEqualTo(far);
        long beforeTimer = version(http, id);
        assertThat(u64(http.update(id, "set_timer", u64(1)).body())).isZero();
        await(() -> u64(http.query(id, "timer_runs", new byte[0]).body()) == 1);
        Observation timer = observed(2);
        assertThat(timer.runs).isEqualTo(1);
        assertThat(timer.callerSize).as("the caller of a timer is the management canister (empty)").isZero();
        assertThat(timer.version).isEqualTo(beforeTimer + 1);
        assertThat(timer.replicated).isEqualTo(1);
        assertThat(version(http, id)).isEqualTo(beforeTimer + 2);
    }

    @Test
    void timeIncreasesBetweenCallsAndThePerformanceCounterWithinOne() {
        long first = result(update("time"));
        long second = result(query("time"));
        long third = result(update("time"));
        long fourth = result(compositeQuery("time"));
        assertThat(first).isPositive().isLessThan(second);
        assertThat(second).isLessThan(third);
        assertThat(third).isLessThan(fourth);

        byte[] perf = ok(http.update(id, "perf", new byte[0]));
        long before = u64(Arrays.copyOfRange(perf, 0, 8));
        long after = u64(Arrays.copyOfRange(perf, 8, 16));
        long callContext = u64(Arrays.copyOfRange(perf, 16, 24));
        assertThat(before).isPositive();
        assertThat(after).as("10000 loop iterations later").isGreaterThan(before + 10_000);
        assertThat(callContext).isGreaterThan(after);
        assertThat(result(query("performance_counter"))).isPositive();
    }

    @Test
    void cyclesArePerCanisterBurnsPersistAndARejectedCallsCyclesComeBack() {
        assertThat(cycles(id)).isEqualTo(INITIAL_CYCLES);
        byte[] r = ok(http.update(id, "cycles", new byte[0]));
        BigInteger balance = INITIAL_CYCLES;
        assertThat(u128(r, 0)).as("balance").isEqualTo(balance);
        assertThat(u128(r, 16)).as("liquid balance").isEqualTo(balance);
        assertThat(u128(r, 32)).as("burned").isEqualTo(BigInteger.valueOf(1000));
        assertThat(u128(r, 48)).isEqualTo(balance.subtract(BigInteger.valueOf(1000)));
        assertThat(u128(r, 64)).as("5000 on the call").isEqualTo(balance.subtract(BigInteger.valueOf(6000)));
        assertThat(u128(r, 80)).as("1000 more").isEqualTo(balance.subtract(BigInteger.valueOf(7000)));
        assertThat(u64(Arrays.copyOfRange(r, 96, 104))).as("call_perform: performed").isZero();
        assertThat(u128(r, 104)).as("the call's 6000 cycles left with it")
                .isEqualTo(balance.subtract(BigInteger.valueOf(7000)));
        assertThat(u128(r, 120)).as("msg_cycles_available128").isZero();
        assertThat(u128(r, 136)).as("msg_cycles_accept128").isZero();
        assertThat(u64(Arrays.copyOfRange(r, 152, 160))).as("canister_cycle_balance, the call's cycles gone")
                .isEqualTo(balance.longValueExact() - 7000);
        assertThat(u64(Arrays.copyOfRange(r, 160, 168))).as("msg_cycles_available").isZero();
        assertThat(u64(Arrays.copyOfRange(r, 168, 176))).as("msg_cycles_accept").isZero();
        assertThat(r).hasSize(176);
        balance = balance.subtract(BigInteger.valueOf(1000));
        // the management canister rejects the call (only raw_rand is callable): all 6000 come back, though the
        // callback it names traps (this canister has no table)
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!cycles(id).equals(balance) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(cycles(id)).as("the burn was committed, the call's cycles refunded").isEqualTo(balance);
        assertThat(u128(out(query("canister_cycle_balance128")), 0)).isEqualTo(balance);
        assertThat(u128(out(update("canister_liquid_cycle_balance128")), 0)).isEqualTo(balance);
        assertThat(result(query("canister_cycle_balance"))).isEqualTo(balance.longValueExact());
        assertThat(out(update("msg_cycles_available128"))).isEqualTo(new byte[16]);

        // another canister's balance is its own
        assertThat(cycles(installed())).isEqualTo(INITIAL_CYCLES);

        // a trap rolls a burn back
        Response trapped = http.update(id, "burn_and_trap", new byte[0]);
        assertThat(trapped.status()).isEqualTo(422);
        assertThat(trapped.json().get("errorCode").asText()).isEqualTo("IC0503");
        assertThat(cycles(id)).isEqualTo(balance);

        // call_cycles_add128 traps above the balance; below it, the cycles are deducted while the call is built
        Response tooMuch = http.update(id, "add_cycles", u128(balance.add(BigInteger.ONE)));
        assertContextFreeTrap(tooMuch, "ic0.call_cycles_add128: " + balance.add(BigInteger.ONE)
                + " cycles is more than the balance of " + balance);
        byte[] during = ok(http.update(id, "add_cycles", u128(BigInteger.valueOf(500))));
        assertThat(u128(during, 0)).isEqualTo(balance.subtract(BigInteger.valueOf(500)));
        assertThat(cycles(id)).as("the call was not performed: its cycles came back").isEqualTo(balance);
        byte[] nothing = ok(http.update(id, "add_cycles", u128(BigInteger.ZERO)));
        assertThat(u128(nothing, 0)).isEqualTo(balance);

        // cycles_burn128 burns at most the balance
        byte[] burned = ok(http.update(id, "burn", u128(BigInteger.ONE.shiftLeft(100))));
        assertThat(u128(burned, 0)).isEqualTo(balance);
        assertThat(u128(burned, 16)).isZero();
        assertThat(cycles(id)).isZero();
        assertThat(result(update("canister_cycle_balance"))).isZero();
        assertThat(ok(http.update(id, "burn", u128(BigInteger.TEN)))).isEqualTo(new byte[32]);
    }

    @Test
    void stableMemoryBothApisAndOutOfBoundsAccessesTrap() {
        byte[] r = ok(http.update(id, "stable", new byte[0]));
        ByteBuffer b = ByteBuffer.wrap(r).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getLong()).as("stable_size").isZero();
        assertThat(b.getLong()).as("stable_grow(1): old size").isZero();
        assertThat(b.getLong()).as("stable64_size").isEqualTo(1);
        assertThat(bytesAt(b, 5)).as("stable_write, stable64_read").isEqualTo(bytes("hello"));
        assertThat(b.getLong()).as("stable64_grow(2): old size").isEqualTo(1);
        assertThat(bytesAt(b, 5)).as("stable64_write, stable_read").isEqualTo(bytes("world"));
        assertThat(b.getLong()).as("stable_size").isEqualTo(3);
        assertThat(b.getLong()).as("stable_grow past 4 GiB").isEqualTo(-1);
        assertThat(b.getLong()).as("stable64_grow past the limit").isEqualTo(-1);
        assertThat(b.getLong()).as("stable64_size").isEqualTo(3);
        assertThat(b.hasRemaining()).isFalse();
        assertThat(http.get("/v1/canisters/" + id).json().get("stableMemorySize").asLong()).isEqualTo(3 * 65536);
        assertThat(result(query("stable64_size"))).isEqualTo(3);
        assertThat(result(query("stable_size"))).isEqualTo(3);

        String[] functions = {"stable64_read", "stable64_write", "stable_read", "stable_write"};
        for (int i = 0; i < functions.length; i++) {
            Response oob = http.update(id, "stable_oob", new byte[] {(byte) i});
            assertContextFreeTrap(oob, "ic0." + functions[i] + ": stable memory range " + (3 * 65536 - 2)
                    + "+4 is outside the " + 3 * 65536 + "-byte stable memory");
        }
    }

    @Test
    void certificationEnvironmentVariablesCostsAndControllers() {
        assertThat(update("certified_data_set").status()).isEqualTo(200);
        assertThat(result(query("data_certificate_present"))).isZero();
        assertThat(result(update("data_certificate_present"))).isZero();
        assertContextFreeTrap(query("data_certificate_size"),
                "ic0.data_certificate_size: this host has no data certificate (it certifies nothing)");
        assertContextFreeTrap(compositeQuery("data_certificate_copy"),
                "ic0.data_certificate_copy: this host has no data certificate (it certifies nothing)");

        // without environment variables (EnvironmentVariablesTest sets some)
        assertThat(result(update("env_var_count"))).isZero();
        assertThat(result(query("env_var_name_exists"))).isZero();
        for (String byIndex : List.of("env_var_name_size", "env_var_name_copy")) {
            assertContextFreeTrap(update(byIndex), "ic0." + byIndex + ": index 0 is out of range: the canister has 0 "
                    + "environment variables");
        }
        for (String byName : List.of("env_var_value_size", "env_var_value_copy")) {
            assertContextFreeTrap(update(byName), "ic0." + byName + ": the canister has no environment variable 'HOME'");
        }

        List<String> costs = List.of("cost_sign_with_ecdsa", "cost_sign_with_schnorr", "cost_vetkd_derive_key",
                "cost_call", "cost_create_canister", "cost_http_request");
        for (int i = 0; i < costs.size(); i++) {
            assertContextFreeTrap(http.update(id, "cost_dst_oob", new byte[] {(byte) i}), "ic0." + costs.get(i)
                    + ": memory range " + (2 * 65536 - 8) + "+16 is outside the " + 2 * 65536 + "-byte heap");
        }

        assertThat(u32(ok(http.update(id, "is_controller", new byte[] {0x04})))).isEqualTo(1);
        assertThat(result(update("is_controller"))).isEqualTo(1);
        byte[] other = new byte[29];
        other[28] = 0x02;
        assertThat(u32(ok(http.update(id, "is_controller", other)))).isZero();
        Response invalid = http.update(id, "is_controller", new byte[30]);
        assertThat(invalid.status()).isEqualTo(422);
        assertThat(invalid.json().get("errorCode").asText()).isEqualTo("IC0504");
        assertThat(invalid.json().get("detail").asText()).contains("is_controller");
    }

    /**
     * The IC's fees on a 13-node application subnet, worked out here from its published fee table: a call 260 k
     * plus 1 k per byte of method name and argument, plus the reservations for the largest reply (2 MiB at 1 k per
     * byte) and the largest reply callback (5 M plus 40 B instructions at 1 cycle each); an HTTPS outcall
     * (3 M + 13 * 60 k + 400 per request byte + 800 per response byte) on each of 13 nodes; a canister 500 B; a
     * threshold signature or vetKD key 10 B.
     */
    @Test
    void costsAreTheIcFeesOfAThirteenNodeSubnet() {
        assertThat(u128(out(update("cost_call")), 0)).as("cost_call(8, 100)").isEqualTo(new BigInteger("42102520000"));
        assertThat(u128(out(query("cost_create_canister")), 0)).isEqualTo(new BigInteger("500000000000"));
        assertThat(u128(out(compositeQuery("cost_http_request")), 0)).as("cost_http_request(100, 1000)")
                .isEqualTo(new BigInteger("60060000"));
        byte[] none = ok(http.query(id, "costs", new byte[16]));
        assertThat(u128(none, 0)).as("cost_call(0, 0)").isEqualTo(new BigInteger("42102412000"));
        assertThat(u128(none, 16)).as("cost_http_request(0, 0): the published base fee")
                .isEqualTo(new BigInteger("49140000"));
        assertThat(u128(none, 32)).isEqualTo(new BigInteger("500000000000"));
        // sizes are unsigned 64-bit numbers, and the answers 128-bit ones
        byte[] huge = new byte[16];
        Arrays.fill(huge, (byte) 0xFF);
        BigInteger max = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
        byte[] most = ok(http.query(id, "costs", huge));
        assertThat(u128(most, 0)).isEqualTo(new BigInteger("42102412000").add(max.add(max).multiply(
                BigInteger.valueOf(1000))));
        assertThat(u128(most, 16)).isEqualTo(BigInteger.valueOf(3_780_000).add(max.multiply(BigInteger.valueOf(1200)))
                .multiply(BigInteger.valueOf(13)));

        // threshold keys: the IC's key names on each curve it has, 10 B cycles each; 1 for an unknown curve and 2
        // for an unknown name, with the 16 bytes at dst left as they were
        byte[] untouched = new byte[16];
        Arrays.fill(untouched, (byte) 0xAA);
        BigInteger signature = new BigInteger("10000000000");
        int[] curves = {1, 2, 1};
        for (int which = 0; which < 3; which++) {
            for (int curve = 0; curve < curves[which]; curve++) {
                for (String name : List.of("key_1", "test_key_1", "dfx_test_key")) {
                    byte[] priced = keyCost(which, curve, bytes(name));
                    assertThat(u32(priced)).as("%d %d %s", which, curve, name).isZero();
                    assertThat(u128(priced, 4)).isEqualTo(signature);
                }
                for (byte[] unknown : List.of(bytes("key_2"), bytes("KEY_1"), new byte[0], new byte[] {(byte) 0xFF})) {
                    byte[] refused = keyCost(which, curve, unknown);
                    assertThat(u32(refused)).as("%d %d %s", which, curve, HexFormat.of().formatHex(unknown))
                            .isEqualTo(2);
                    assertThat(Arrays.copyOfRange(refused, 4, 20)).isEqualTo(untouched);
                }
            }
            for (int curve : new int[] {curves[which], 7, -1}) {
                for (String name : List.of("key_1", "nope")) {
                    byte[] refused = keyCost(which, curve, bytes(name));
                    assertThat(u32(refused)).as("%d %d %s", which, curve, name).isEqualTo(1);
                    assertThat(Arrays.copyOfRange(refused, 4, 20)).isEqualTo(untouched);
                }
            }
        }
    }

    /** key_cost: which function, the curve and the key name -> the answer (i32) and the 16 bytes at dst. */
    private byte[] keyCost(int which, int curve, byte[] name) {
        ByteBuffer arg = ByteBuffer.allocate(5 + name.length).order(ByteOrder.LITTLE_ENDIAN);
        arg.put((byte) which).putInt(curve).put(name);
        return ok(http.query(id, "key_cost", arg.array()));
    }

    @Test
    void replyingRejectingTrappingAndPrinting() {
        Response replied = update("msg_reply");
        assertThat(replied.status()).isEqualTo(200);
        assertThat(replied.body()).isEmpty();
        Response appended = update("msg_reply_data_append");
        assertThat(appended.status()).isEqualTo(200);
        assertThat(Arrays.copyOfRange(appended.body(), 0, 4)).isEqualTo(bytes("data"));
        assertThat(appended.body()).hasSize(4 + 8);

        Response rejected = update("msg_reject");
        assertThat(rejected.status()).isEqualTo(422);
        assertThat(rejected.json().get("type").asText()).isEqualTo("urn:canister-host:problem:canister-rejected");
        assertThat(rejected.json().get("rejectCode").asInt()).isEqualTo(4);
        assertThat(rejected.json().get("detail").asText()).isEqualTo("probe reject");
        assertThat(query("msg_reject").json().get("rejectCode").asInt()).isEqualTo(4);
        Response rejectedWithData = http.update(id, "data_then_reject", new byte[0]);
        assertThat(rejectedWithData.status()).isEqualTo(422);
        assertThat(rejectedWithData.json().get("detail").asText()).isEqualTo("rejected on purpose");

        assertContextFreeTrap(http.update(id, "double_reply", new byte[0]),
                "ic0.msg_reply: the call was already replied to");

        Response trapped = update("trap");
        assertThat(trapped.status()).isEqualTo(422);
        assertThat(trapped.json().get("type").asText()).isEqualTo(TRAPPED);
        assertThat(trapped.json().get("errorCode").asText()).isEqualTo("IC0503");
        assertThat(trapped.json().get("detail").asText()).isEqualTo("canister called ic0.trap: probe trap");

        assertThat(update("debug_print").status()).isEqualTo(200);
        assertThat(query("debug_print").status()).isEqualTo(200);
        List<JsonNode> logs = logs(http, id);
        assertThat(logs).extracting(e -> e.get("kind").asText() + ":" + e.get("content").asText())
                .containsExactly("trap:ic0.msg_reply: the call was already replied to",
                        "trap:canister called ic0.trap: probe trap", "print:probe print");
    }

    @Test
    void inspectMessageSeesTheMethodNameAndAccepts() {
        Response echoed = http.update(id, "echo_method", new byte[0]);
        assertThat(echoed.status()).isEqualTo(403);
        assertThat(echoed.json().get("detail").asText())
                .isEqualTo("canister_inspect_message trapped: canister called ic0.trap: echo_method");
        Response refused = http.update(id, "refused", new byte[0]);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("detail").asText()).contains("did not accept a call to 'refused'");
        // accept_message called by the probe: accepted once, the method runs
        assertThat(http.update(id, "inspect_probe", bytes("accept_message")).status()).isEqualTo(200);
        for (String allowed : List.of("msg_method_name_size", "msg_method_name_copy", "msg_arg_data_copy",
                "msg_caller_copy", "time", "canister_self_copy")) {
            assertThat(http.update(id, "inspect_probe", bytes(allowed)).status()).as(allowed).isEqualTo(200);
        }
    }

    @Test
    void theCallBuilder() {
        assertThat(u64(ok(http.update(id, "calls", new byte[0])))).as("call_perform: performed").isZero();
        assertContextFreeTrap(http.update(id, "append_after_perform", new byte[0]),
                "ic0.call_data_append: no call under construction (call ic0.call_new first)");
        assertThat(update("call_new").status()).isEqualTo(200);
        assertContextFreeTrap(update("call_perform"),
                "ic0.call_perform: no call under construction (call ic0.call_new first)");
        assertThat(result(compositeQuery("call_new"))).isZero();
        awaitNoOutstandingCalls(id); // the performed call's refund comes with its response, after the reply
        assertThat(cycles(id)).isEqualTo(INITIAL_CYCLES);

        // a call has at most one cleanup callback and is made best-effort at most once; call_new starts afresh
        assertContextFreeTrap(http.update(id, "cleanup_twice", new byte[0]),
                "ic0.call_on_cleanup: the call already has a cleanup callback");
        assertContextFreeTrap(http.update(id, "best_effort_twice", new byte[0]),
                "ic0.call_with_best_effort_response: the call is already a best-effort call");
        assertThat(u64(ok(http.update(id, "two_calls", new byte[0])))).as("the second call performed").isZero();
    }

    // ---------------------------------------------------------------------------------------------------------
    // helpers

    private record Observation(int callerSize, byte[] caller, long version, int replicated, int runs) {}

    private Observation observed(int which) {
        byte[] r = ok(http.query(id, "observed", new byte[] {(byte) which}));
        ByteBuffer b = ByteBuffer.wrap(r).order(ByteOrder.LITTLE_ENDIAN);
        int size = b.getInt(0);
        return new Observation(size, Arrays.copyOfRange(r, 4, 4 + Math.min(size, 32)), b.getLong(40), b.getInt(48),
                b.getInt(52));
    }

    /** A System API trap that is not about the context: IC0504 with this detail. */
    private static void assertContextFreeTrap(Response response, String detail) {
        assertThat(response.status()).as("%s", response).isEqualTo(422);
        assertThat(response.json().get("type").asText()).isEqualTo(TRAPPED);
        assertThat(response.json().get("errorCode").asText()).isEqualTo("IC0504");
        assertThat(response.json().get("detail").asText()).isEqualTo(detail);
    }

    private Response update(String function) {
        return http.update(id, "probe", bytes(function));
    }

    private Response query(String function) {
        return http.query(id, "probe_q", bytes(function));
    }

    private Response compositeQuery(String function) {
        return http.query(id, "probe_cq", bytes(function));
    }

    private static byte[] ok(Response response) {
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        return response.body();
    }

    /** The probe's result: the first 8 bytes of its reply. */
    private static long result(Response response) {
        return u64(Arrays.copyOfRange(ok(response), 0, 8));
    }

    /** What the probe wrote to its output buffer: the reply after the result. */
    private static byte[] out(Response response) {
        byte[] body = ok(response);
        return Arrays.copyOfRange(body, 8, body.length);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String hex(String text) {
        return HexFormat.of().formatHex(bytes(text));
    }

    private static byte[] bytesAt(ByteBuffer buffer, int length) {
        byte[] bytes = new byte[length];
        buffer.get(bytes);
        return bytes;
    }

    private static BigInteger u128(byte[] bytes, int offset) {
        byte[] big = new byte[16];
        for (int i = 0; i < 16; i++) {
            big[i] = bytes[offset + 15 - i];
        }
        return new BigInteger(1, big);
    }

    /** high (i64 LE), low (i64 LE): the argument of burn and add_cycles. */
    private static byte[] u128(BigInteger value) {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(value.shiftRight(64).longValue());
        b.putLong(value.longValue());
        return b.array();
    }

    /** Waits until every call the canister made has had its response (and with it any refund). */
    private void awaitNoOutstandingCalls(String canister) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (http.get("/v1/canisters/" + canister).json().get("calls").get("outstandingCalls").asLong() > 0) {
            assertThat(System.nanoTime()).as("the calls answered within 10 s").isLessThan(deadline);
            Thread.onSpinWait();
        }
    }

    private BigInteger cycles(String canister) {
        return new BigInteger(http.get("/v1/canisters/" + canister).json().get("cycles").asText());
    }

    private static long version(Http client, String canister) {
        return client.get("/v1/canisters/" + canister).json().get("stateVersion").asLong();
    }

    private static List<JsonNode> logs(Http client, String canister) {
        Response response = client.get("/v1/canisters/" + canister + "/logs");
        assertThat(response.status()).isEqualTo(200);
        List<JsonNode> entries = new ArrayList<>();
        response.json().get("logs").forEach(entries::add);
        return entries;
    }

    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within 20 s").isLessThan(deadline);
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
