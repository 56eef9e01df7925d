package com.canisterhost;

import static com.canisterhost.support.CanisterFixtures.u64;
import static com.canisterhost.support.CanisterFixtures.wasm;
import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.support.Http;
import com.fasterxml.jackson.databind.JsonNode;
import com.canisterhost.support.ServiceProcess;
import com.canisterhost.support.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two service processes on one database ({@code canister.cluster.enabled}): each canister is executed by the node
 * holding its lease, any node accepts any request and forwards it there (or redirects, if asked), a node that stops
 * hands its canisters over at once, and one that is SIGKILLed loses them when its leases expire. Every update is
 * counted exactly once across all of it, and each takeover moves the canister's owner epoch, which every commit is
 * fenced on.
 */
class ClusterTest {

    /** A small pool each: the suite's cached contexts already hold many of the test database's connections. */
    private static final String[] CLUSTER = {"--canister.cluster.enabled=true", "--canister.cluster.lease-duration=2s",
        "--canister.cluster.heartbeat=500ms", "--spring.datasource.hikari.maximum-pool-size=4"};

    private final TestDatabase.Database database = TestDatabase.create();

    private ServiceProcess node(String name) {
        String[] arguments = java.util.Arrays.copyOf(CLUSTER, CLUSTER.length + 1);
        arguments[CLUSTER.length] = "--canister.cluster.node-id=" + name;
        return new ServiceProcess(database, Path.of("target", "cluster", name + ".log"), arguments);
    }

    private static String counter(Http http) {
        String id = http.createCanister();
        Http.Response installed = http.install(id, wasm("counter"), "");
        assertThat(installed.status()).as("%s", installed).isEqualTo(200);
        return id;
    }

    private static String installedThrough(Http http, String name) {
        String id = http.createCanister();
        Http.Response installed = http.install(id, wasm("calls", name), "");
        assertThat(installed.status()).as("%s", installed).isEqualTo(200);
        return id;
    }

    /** An update of the counter: its new count, and which node served it. */
    private static long inc(Http http, String id, String servedBy) {
        Http.Response inc = http.update(id, "inc", new byte[0]);
        assertThat(inc.status()).as("%s", inc).isEqualTo(200);
        assertThat(inc.headers().firstValue("X-Canister-Node")).as("served by").hasValue(servedBy);
        return u64(inc.body());
    }

    private long epoch(String id) throws Exception {
        try (Connection connection = DriverManager.getConnection(database.url(), database.username(),
                database.password());
                ResultSet rows = connection.createStatement().executeQuery(
                        "SELECT owner_epoch FROM canisters WHERE id = '" + id + "'")) {
            assertThat(rows.next()).isTrue();
            return rows.getLong(1);
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void everyCanisterIsServedThroughAnyNodeAndExecutedByOneAtATime() throws Exception {
        try (ServiceProcess one = node("one"); ServiceProcess two = node("two")) {
            Http a = one.start();
            Http b = two.start();
            String first = counter(a); // placed on the node with the fewest leases (both none: "one")
            assertThat(inc(a, first, "one")).isEqualTo(1);
            assertThat(inc(b, first, "one")).as("through two, forwarded to one").isEqualTo(2);
            Http.Response redirected = b.send("POST", "/v1/canisters/" + first + "/update/inc",
                    "application/octet-stream", new byte[0], "Canister-Route", "redirect");
            assertThat(redirected.status()).as("%s", redirected).isEqualTo(307);
            assertThat(redirected.headers().firstValue("Location")).hasValue(a.base() + "/v1/canisters/" + first
                    + "/update/inc");
            String second = counter(a); // one holds a lease now, two none
            assertThat(inc(a, second, "two")).as("new canisters spread over the nodes").isEqualTo(1);
            assertThat(epoch(first)).as("placed at 1, taken at first use").isEqualTo(2);
            assertThat(epoch(second)).isEqualTo(2);
            JsonNode nodes = b.get("/v1/nodes").json();
            assertThat(nodes.get("clustered").asBoolean()).isTrue();
            assertThat(nodes.get("nodes").toString()).contains("\"id\":\"one\"", "\"id\":\"two\"")
                    .doesNotContain("\"alive\":false");
            assertThat(nodes.get("nodes").findValuesAsText("leases")).containsExactly("1", "1");
            Http.Response moved = b.send("POST", "/v1/canisters/" + second + "/move", "application/json",
                    "{\"node\":\"one\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(moved.status()).as("%s", moved).isEqualTo(200);
            assertThat(inc(b, second, "one")).as("moved to one, where it goes on counting").isEqualTo(2);
            assertThat(b.send("POST", "/v1/canisters/" + second + "/move", "application/json",
                    "{\"node\":\"nowhere\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)).status())
                    .as("not a live node").isEqualTo(409);

            // a call between canisters held by different nodes goes as a message, delivered by the callee's node
            String caller = installedThrough(a, "caller"); // placed on two (one holds two leases now)
            String callee = installedThrough(a, "callee");
            assertThat(a.send("POST", "/v1/canisters/" + callee + "/move", "application/json",
                    "{\"node\":\"one\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)).status()).isEqualTo(200);
            Http.Response call = b.update(caller, "call", com.canisterhost.support.CanisterFixtures.callTarget(callee,
                    "inc"));
            assertThat(call.status()).as("%s", call).isEqualTo(200);
            assertThat(java.util.Arrays.copyOf(call.body(), 2)).as("the reply callback ran on the caller's node")
                    .isEqualTo(new byte[] {'Y', 7});
            assertThat(call.headers().firstValue("X-Canister-Node")).hasValue("two");
            assertThat(b.query(callee, "get", new byte[0]).headers().firstValue("X-Canister-Node")).hasValue("one");

            one.stop(); // gives its leases up: two takes its canisters over at once
            assertThat(inc(b, first, "two")).as("counted on from where one left it").isEqualTo(3);
            assertThat(epoch(first)).as("taken over").isEqualTo(3);
            two.stop();

            Http again = one.start(); // one node alone serves every canister
            assertThat(inc(again, first, "one")).isEqualTo(4);
            assertThat(inc(again, second, "one")).isEqualTo(3);
            assertThat(epoch(first)).isEqualTo(4);
            assertThat(epoch(second)).as("placed, taken, moved, taken at the restart").isEqualTo(4);

            Http b2 = two.start();
            String third = counter(again); // one holds two leases, two none: placed on two, installed through one
            assertThat(inc(b2, third, "two")).isEqualTo(1);
            one.kill(); // its leases stay until they expire
            long killed = System.nanoTime();
            long count = 0;
            int refused = 0;
            while (count == 0) {
                Http.Response inc = b2.update(first, "inc", new byte[0]);
                if (inc.status() == 200) {
                    assertThat(inc.headers().firstValue("X-Canister-Node")).hasValue("two");
                    count = u64(inc.body());
                } else {
                    assertThat(inc.status()).as("%s", inc).isEqualTo(503); // one unreachable: retry
                    refused++;
                    Thread.sleep(100);
                }
                assertThat(System.nanoTime() - killed).as("taken over within 10 s").isLessThan(10_000_000_000L);
            }
            System.out.printf("cluster: the SIGKILLed node's canister answered again after %d ms (%d refusals)%n",
                    (System.nanoTime() - killed) / 1_000_000, refused);
            assertThat(count).as("every update before the kill counted once").isEqualTo(5);
            assertThat(inc(b2, second, "two")).isEqualTo(4);
            assertThat(epoch(first)).isEqualTo(5);
        }
    }
}
