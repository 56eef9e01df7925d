package com.canisterhost;

import static com.canisterhost.support.CanisterFixtures.wasm;
import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.principal.CanisterId;
import com.canisterhost.support.EndToEndTest;
import com.canisterhost.support.Http.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/**
 * Every management endpoint against every kind of caller, with an admin key configured: anonymous (401 for
 * management, calls are open), a key that does not control the canister (403), a controller, and the admin (who may
 * manage every canister). Each cell starts from a canister of its own, prepared by the controller.
 */
@TestPropertySource(properties = "canister.security.admin-key=" + AuthorizationMatrixTest.ADMIN_KEY)
class AuthorizationMatrixTest extends EndToEndTest {

    static final String ADMIN_KEY = "matrix-admin-key-0123456789";

    private enum Who { ANONYMOUS, OTHER, CONTROLLER, ADMIN }

    private final Map<Who, String> keys = new LinkedHashMap<>();
    private final Map<Who, String> principals = new LinkedHashMap<>();

    /** What a cell's request runs against. */
    private record Target(String id, long snapshot, String key) {}

    /** One row: how to prepare the canister, the request, and the status each caller gets. */
    private record Endpoint(String name, Function<String, Target> setup, Request request, int anonymous, int other,
            int controller, int admin) {

        int expected(Who who) {
            return switch (who) {
                case ANONYMOUS -> anonymous;
                case OTHER -> other;
                case CONTROLLER -> controller;
                case ADMIN -> admin;
            };
        }
    }

    @FunctionalInterface
    private interface Request {
        Response send(Target target, String[] auth);
    }

    @BeforeEach
    void keys() {
        keys.put(Who.ANONYMOUS, null);
        keys.put(Who.ADMIN, ADMIN_KEY);
        for (Who who : new Who[] {Who.OTHER, Who.CONTROLLER}) {
            Response issued = http.send("POST", "/v1/keys", "application/json",
                    ("{\"name\":\"" + who + "\"}").getBytes(StandardCharsets.UTF_8), auth(ADMIN_KEY));
            assertThat(issued.status()).as("%s", issued).isEqualTo(201);
            keys.put(who, issued.json().get("key").asText());
            principals.put(who, issued.json().get("principal").asText());
        }
    }

    @Test
    void everyManagementEndpointForEveryCaller() {
        List<Endpoint> endpoints = List.of(
                new Endpoint("create canister", none(), (t, a) -> http.send("POST", "/v1/canisters", null, null, a),
                        401, 201, 201, 201),
                new Endpoint("list canisters", none(), (t, a) -> http.send("GET", "/v1/canisters", null, null, a),
                        200, 200, 200, 200),
                new Endpoint("canister status", this::empty, (t, a) -> get(canister(t), a), 200, 200, 200, 200),
                new Endpoint("install", this::empty, (t, a) -> install(t, "install", a), 401, 403, 200, 200),
                new Endpoint("reinstall", this::installed, (t, a) -> install(t, "reinstall", a), 401, 403, 200, 200),
                new Endpoint("upgrade", this::installed, (t, a) -> install(t, "upgrade", a), 401, 403, 200, 200),
                new Endpoint("stop", this::installed, (t, a) -> post(canister(t) + "/stop", a), 401, 403, 200, 200),
                new Endpoint("start", this::stopped, (t, a) -> post(canister(t) + "/start", a), 401, 403, 200, 200),
                new Endpoint("uninstall", this::installed, (t, a) -> http.send("DELETE", canister(t) + "/module", null,
                        null, a), 401, 403, 200, 200),
                new Endpoint("read logs", this::installed, (t, a) -> get(canister(t) + "/logs", a), 401, 403, 200, 200),
                new Endpoint("delete", this::stopped, (t, a) -> http.send("DELETE", canister(t), null, null, a),
                        401, 403, 204, 204),
                new Endpoint("take snapshot", this::installed, (t, a) -> post(canister(t) + "/snapshots", a),
                        401, 403, 201, 201),
                new Endpoint("list snapshots", this::snapshotted, (t, a) -> get(canister(t) + "/snapshots", a),
                        401, 403, 200, 200),
                new Endpoint("load snapshot", this::snapshotted,
                        (t, a) -> post(canister(t) + "/snapshots/" + t.snapshot() + "/load", a), 401, 403, 200, 200),
                new Endpoint("delete snapshot", this::snapshotted,
                        (t, a) -> http.send("DELETE", canister(t) + "/snapshots/" + t.snapshot(), null, null, a),
                        401, 403, 204, 204),
                new Endpoint("set controllers", this::empty, (t, a) -> http.send("PUT", canister(t) + "/controllers",
                        "application/json", json("{\"controllers\":[\"" + principals.get(Who.CONTROLLER) + "\"]}"), a),
                        401, 403, 200, 200),
                new Endpoint("update settings", this::empty, (t, a) -> http.send("PATCH", canister(t) + "/settings",
                        "application/json", json("{\"logVisibility\":\"public\"}"), a), 401, 403, 200, 200),
                // a Motoko module's candid:service is icp:private: its controllers' and the admin's to read
                new Endpoint("read a private interface", this::motoko, (t, a) -> get(canister(t) + "/candid", a),
                        401, 403, 200, 200),
                new Endpoint("read an attached interface", this::attached, (t, a) -> get(canister(t) + "/candid", a),
                        200, 200, 200, 200),
                new Endpoint("attach an interface", this::installed, (t, a) -> http.send("PUT", canister(t)
                        + "/candid", "text/plain", json(DID), a), 401, 403, 204, 204),
                new Endpoint("remove an attached interface", this::attached, (t, a) -> http.send("DELETE",
                        canister(t) + "/candid", null, null, a), 401, 403, 204, 204),
                new Endpoint("update call", this::installed, (t, a) -> http.send("POST", canister(t)
                        + "/update/whoami", "application/octet-stream", new byte[0], a), 200, 200, 200, 200),
                new Endpoint("query call", this::installed, (t, a) -> http.send("POST", canister(t)
                        + "/query/whoami_q", "application/octet-stream", new byte[0], a), 200, 200, 200, 200),
                new Endpoint("read a call's outcome", this::calledByController, (t, a) -> get("/v1/calls/" + t.key(), a),
                        401, 403, 200, 200),
                new Endpoint("validate module", none(), (t, a) -> http.send("POST", "/v1/modules/validate",
                        "application/wasm", wasm("whoami"), a), 401, 200, 200, 200),
                new Endpoint("actuator health", none(), (t, a) -> get("/actuator/health", a), 200, 200, 200, 200),
                new Endpoint("actuator liveness", none(), (t, a) -> get("/actuator/health/liveness", a),
                        200, 200, 200, 200),
                new Endpoint("actuator readiness", none(), (t, a) -> get("/actuator/health/readiness", a),
                        200, 200, 200, 200),
                new Endpoint("actuator prometheus", none(), (t, a) -> get("/actuator/prometheus", a),
                        401, 403, 403, 200),
                new Endpoint("actuator info", none(), (t, a) -> get("/actuator/info", a), 401, 403, 403, 200),
                // not exposed at all (management.endpoints.web.exposure): the admin learns that, nobody else
                new Endpoint("actuator metrics", none(), (t, a) -> get("/actuator/metrics", a), 401, 403, 403, 404),
                new Endpoint("actuator index", none(), (t, a) -> get("/actuator", a), 401, 403, 403, 200),
                new Endpoint("issue key", none(), (t, a) -> http.send("POST", "/v1/keys", "application/json",
                        json("{}"), a), 401, 403, 403, 201),
                new Endpoint("list keys", none(), (t, a) -> get("/v1/keys", a), 401, 403, 403, 200),
                new Endpoint("revoke key", this::throwawayKey, (t, a) -> http.send("DELETE", "/v1/keys/" + t.key(),
                        null, null, a), 401, 403, 403, 204));

        List<String> wrong = new ArrayList<>();
        int cells = 0;
        for (Endpoint endpoint : endpoints) {
            for (Who who : Who.values()) {
                Target target = endpoint.setup().apply(endpoint.name());
                Response response = endpoint.request().send(target, auth(keys.get(who)));
                cells++;
                if (response.status() != endpoint.expected(who)) {
                    wrong.add(endpoint.name() + " as " + who + ": expected " + endpoint.expected(who) + ", got "
                            + response);
                } else if (response.status() == 401) {
                    assertThat(response.headers().firstValue("WWW-Authenticate")).contains("Bearer");
                    assertThat(response.json().get("type").asText()).isEqualTo("urn:canister-host:problem:unauthenticated");
                } else if (response.status() == 403) {
                    assertThat(response.json().get("type").asText()).isEqualTo("urn:canister-host:problem:forbidden");
                }
            }
        }
        assertThat(wrong).as("cells with the wrong status").isEmpty();
        assertThat(cells).isEqualTo(endpoints.size() * 4);
    }

    @Test
    void theCreatorControlsAndTheCallerIsTheKeysPrincipal() {
        Target target = installed("identity");
        assertThat(http.get(canister(target)).json().get("controllers").get(0).asText())
                .isEqualTo(principals.get(Who.CONTROLLER));
        for (Who who : Who.values()) {
            Response whoami = http.send("POST", canister(target) + "/update/whoami", "application/octet-stream",
                    new byte[0], auth(keys.get(who), "Accept", "application/octet-stream"));
            String expected = who == Who.ANONYMOUS ? "2vxsx-fae" : who == Who.ADMIN ? null : principals.get(who);
            String actual = new CanisterId(whoami.body()).toText();
            if (expected != null) {
                assertThat(actual).as("msg_caller of %s", who).isEqualTo(expected);
            } else {
                assertThat(whoami.body()).hasSize(29).endsWith(0x02);
            }
        }
        assertThat(isController(target, principals.get(Who.CONTROLLER))).isTrue();
        assertThat(isController(target, principals.get(Who.OTHER))).isFalse();
        assertThat(isController(target, "2vxsx-fae")).isFalse();

        // hand the canister over: the other key now controls it, the former controller gets 403
        Response handed = http.send("PUT", canister(target) + "/controllers", "application/json",
                json("{\"controllers\":[\"" + principals.get(Who.OTHER) + "\"]}"), auth(keys.get(Who.CONTROLLER)));
        assertThat(handed.status()).as("%s", handed).isEqualTo(200);
        assertThat(isController(target, principals.get(Who.OTHER))).isTrue();
        assertThat(isController(target, principals.get(Who.CONTROLLER))).isFalse();
        assertThat(post(canister(target) + "/stop", auth(keys.get(Who.CONTROLLER))).status()).isEqualTo(403);
        assertThat(post(canister(target) + "/stop", auth(keys.get(Who.OTHER))).status()).isEqualTo(200);
    }

    @Test
    void controllerListsAreCheckedAndCapped() {
        Target target = empty("caps");
        StringBuilder eleven = new StringBuilder("{\"controllers\":[");
        for (int i = 0; i < 11; i++) {
            eleven.append(i == 0 ? "" : ",").append('"').append(CanisterId.fromIndex(1000 + i).toText()).append('"');
        }
        eleven.append("]}");
        String[] controller = auth(keys.get(Who.CONTROLLER));
        assertThat(http.send("PUT", canister(target) + "/controllers", "application/json", json(eleven.toString()),
                controller).status()).isEqualTo(400);
        assertThat(http.send("PUT", canister(target) + "/controllers", "application/json",
                json("{\"controllers\":[\"not-a-principal\"]}"), controller).status()).isEqualTo(400);
        assertThat(http.send("PATCH", canister(target) + "/settings", "application/json",
                json("{\"logVisibility\":\"everyone\"}"), controller).status()).isEqualTo(400);
        String ten = eleven.toString().replaceFirst("\"[^\"]+\",", "");
        Response set = http.send("PUT", canister(target) + "/controllers", "application/json", json(ten), controller);
        assertThat(set.status()).as("%s", set).isEqualTo(200);
        assertThat(set.json().get("controllers")).hasSize(10);
        // no longer a controller, but the admin still manages it
        assertThat(post(canister(target) + "/stop", controller).status()).isEqualTo(403);
        assertThat(post(canister(target) + "/stop", auth(ADMIN_KEY)).status()).isEqualTo(200);
    }

    @Test
    void unknownRevokedAndMalformedKeysAre401() {
        Target target = installed("keys");
        String other = keys.get(Who.OTHER);
        for (String header : new String[] {"Bearer nope", "Basic dXNlcjpwYXNz", "Bearer", "Bearer " + "x".repeat(300),
            "Bearer ab cd"}) {
            Response response = http.send("GET", canister(target), null, null, "Authorization", header);
            assertThat(response.status()).as("Authorization: %s", header).isEqualTo(401);
        }
        assertThat(http.send("DELETE", "/v1/keys/" + principals.get(Who.OTHER), null, null, auth(ADMIN_KEY)).status())
                .isEqualTo(204);
        assertThat(http.send("POST", canister(target) + "/query/whoami_q", "application/octet-stream", new byte[0],
                auth(other)).status()).isEqualTo(401);
        Response list = get("/v1/keys", auth(ADMIN_KEY));
        assertThat(list.toString()).doesNotContain(other).contains(principals.get(Who.OTHER));
        assertThat(http.send("DELETE", "/v1/keys/aaaaa-aa", null, null, auth(ADMIN_KEY)).status()).isEqualTo(404);
    }

    /** A multipart upload is parsed only for a controller: others are refused before their body is read. */
    @Test
    void aStrangersMultipartUploadIsRefusedBeforeItsBodyIsParsed() {
        Target target = installed("multipart");
        byte[] broken = "--b\r\nContent-Disposition: form-data; name=\"module\"\r\n\r\nnot closed"
                .getBytes(StandardCharsets.UTF_8);
        Map<Who, Integer> expected = Map.of(Who.ANONYMOUS, 401, Who.OTHER, 403, Who.CONTROLLER, 400);
        expected.forEach((who, status) -> {
            Response response = http.send("PUT", canister(target) + "/module", "multipart/form-data; boundary=b",
                    broken, auth(keys.get(who)));
            assertThat(response.status()).as("%s: %s", who, response).isEqualTo(status);
        });
    }

    /** Logs: with the default visibility only controllers and the admin read them; {@code public} opens them. */
    @Test
    void logReadingFollowsTheLogVisibility() {
        Target target = installed("logs");
        Map<Who, Integer> outcomes = new LinkedHashMap<>();
        for (Who who : Who.values()) {
            outcomes.put(who, get(canister(target) + "/logs", auth(keys.get(who))).status());
        }
        assertThat(outcomes).containsExactly(Map.entry(Who.ANONYMOUS, 401), Map.entry(Who.OTHER, 403),
                Map.entry(Who.CONTROLLER, 200), Map.entry(Who.ADMIN, 200));

        Response made = http.send("PATCH", canister(target) + "/settings", "application/json",
                json("{\"logVisibility\":\"public\"}"), auth(keys.get(Who.CONTROLLER)));
        assertThat(made.json().get("logVisibility").asText()).isEqualTo("public");
        for (Who who : Who.values()) {
            assertThat(get(canister(target) + "/logs", auth(keys.get(who))).status()).as("%s", who).isEqualTo(200);
        }
    }

    /**
     * An Idempotency-Key belongs to the principal that sent it: another principal sending the same key, method and
     * argument runs a call of its own, cannot claim the key first, and never hears of the other's call.
     */
    @Test
    void anIdempotencyKeyBelongsToItsCaller() {
        Target target = installed("keys-per-caller");
        String[] victim = auth(keys.get(Who.CONTROLLER), "Idempotency-Key", "shared-key", "Accept",
                "application/octet-stream");
        String[] squatter = auth(keys.get(Who.OTHER), "Idempotency-Key", "shared-key", "Accept",
                "application/octet-stream");
        // the squatter claims the key first, for another method
        Response squatted = http.send("POST", canister(target) + "/update/whoami", "application/octet-stream",
                new byte[0], squatter);
        assertThat(squatted.status()).as("%s", squatted).isEqualTo(200);
        // the victim's call under the same key runs, and runs as the victim
        Response first = http.send("POST", canister(target) + "/update/whoami_count", "application/octet-stream",
                new byte[0], victim);
        assertThat(first.status()).as("%s", first).isEqualTo(200);
        assertThat(first.body()).isEqualTo(whoamiCount(principals.get(Who.CONTROLLER), 1));
        // the same key, method and argument by the other principal: its own call, not the victim's reply
        Response other = http.send("POST", canister(target) + "/update/whoami_count", "application/octet-stream",
                new byte[0], squatter);
        assertThat(other.status()).as("%s", other).isEqualTo(409); // its key is taken by its own whoami call
        assertThat(other.json().get("detail").asText()).contains("'whoami'").doesNotContain("whoami_count'");
        Response otherFresh = http.send("POST", canister(target) + "/update/whoami_count", "application/octet-stream",
                new byte[0], auth(keys.get(Who.OTHER), "Idempotency-Key", "victims-second-key", "Accept",
                        "application/octet-stream"));
        Response victimAgain = http.send("POST", canister(target) + "/update/whoami_count",
                "application/octet-stream", new byte[0], auth(keys.get(Who.CONTROLLER), "Idempotency-Key",
                        "victims-second-key", "Accept", "application/octet-stream"));
        assertThat(otherFresh.body()).as("the other principal's call ran as itself")
                .isEqualTo(whoamiCount(principals.get(Who.OTHER), 2));
        assertThat(victimAgain.body()).as("the victim's call ran too, not answered from the other's")
                .isEqualTo(whoamiCount(principals.get(Who.CONTROLLER), 3));
        // a retry by the victim still gets its own first outcome
        assertThat(http.send("POST", canister(target) + "/update/whoami_count", "application/octet-stream",
                new byte[0], victim).body()).isEqualTo(first.body());
    }

    /** What {@code whoami_count} replies: the caller's principal bytes, then the call count as one byte. */
    private static byte[] whoamiCount(String principal, int count) {
        byte[] caller = CanisterId.parse(principal).bytes();
        byte[] reply = java.util.Arrays.copyOf(caller, caller.length + 1);
        reply[caller.length] = (byte) count;
        return reply;
    }

    private boolean isController(Target target, String principal) {
        Response reply = http.send("POST", canister(target) + "/query/is_controller", "application/octet-stream",
                CanisterId.parse(principal).bytes(), "Accept", "application/octet-stream");
        assertThat(reply.status()).as("%s", reply).isEqualTo(200);
        return reply.body()[0] == 1;
    }

    private Function<String, Target> none() {
        return name -> new Target(null, 0, null);
    }

    private Target empty(String name) {
        Response created = http.send("POST", "/v1/canisters", null, null, auth(keys.get(Who.CONTROLLER)));
        assertThat(created.status()).as("%s", created).isEqualTo(201);
        return new Target(created.json().get("id").asText(), 0, null);
    }

    private Target installed(String name) {
        Target target = empty(name);
        assertThat(install(target, "install", auth(keys.get(Who.CONTROLLER))).status()).isEqualTo(200);
        return target;
    }

    private static final String DID = "service : { whoami : () -> (principal) }";

    private Target motoko(String name) {
        Target target = empty(name);
        Response installed = http.send("PUT", canister(target) + "/module?profile=canonical-nan&arg=4449444c0000",
                "application/wasm", com.canisterhost.support.CanisterFixtures.wasm("motoko", "counter"),
                auth(keys.get(Who.CONTROLLER)));
        assertThat(installed.status()).as("%s", installed).isEqualTo(200);
        return target;
    }

    private Target attached(String name) {
        Target target = installed(name);
        assertThat(http.send("PUT", canister(target) + "/candid", "text/plain", json(DID),
                auth(keys.get(Who.CONTROLLER))).status()).isEqualTo(204);
        return target;
    }

    private Target stopped(String name) {
        Target target = installed(name);
        assertThat(post(canister(target) + "/stop", auth(keys.get(Who.CONTROLLER))).status()).isEqualTo(200);
        return target;
    }

    private Target snapshotted(String name) {
        Target target = installed(name);
        Response snapshot = post(canister(target) + "/snapshots", auth(keys.get(Who.CONTROLLER)));
        assertThat(snapshot.status()).as("%s", snapshot).isEqualTo(201);
        return new Target(target.id(), snapshot.json().get("id").asLong(), null);
    }

    /** A canister and an asynchronous call the controller made to it; the call's id is the target's key. */
    private Target calledByController(String name) {
        Target target = installed(name);
        Response accepted = http.send("POST", canister(target) + "/update/whoami", "application/octet-stream",
                new byte[0], auth(keys.get(Who.CONTROLLER), "Prefer", "respond-async"));
        assertThat(accepted.status()).as("%s", accepted).isEqualTo(202);
        return new Target(target.id(), 0, accepted.json().get("callId").asText());
    }

    private Target throwawayKey(String name) {
        Response issued = http.send("POST", "/v1/keys", null, null, auth(ADMIN_KEY));
        assertThat(issued.status()).as("%s", issued).isEqualTo(201);
        return new Target(null, 0, issued.json().get("principal").asText());
    }

    private Response install(Target target, String mode, String[] auth) {
        return http.send("PUT", canister(target) + "/module?mode=" + mode, "application/wasm", wasm("whoami"), auth);
    }

    private Response get(String path, String[] auth) {
        return http.send("GET", path, null, null, auth);
    }

    private Response post(String path, String[] auth) {
        return http.send("POST", path, null, null, auth);
    }

    private static String canister(Target target) {
        return "/v1/canisters/" + target.id();
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String[] auth(String key, String... more) {
        List<String> headers = new ArrayList<>();
        if (key != null) {
            headers.add("Authorization");
            headers.add("Bearer " + key);
        }
        headers.addAll(List.of(more));
        return headers.toArray(String[]::new);
    }
}
