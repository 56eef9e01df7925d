package com.canisterhost;

import static com.canisterhost.support.CanisterFixtures.u64;
import static com.canisterhost.support.CanisterFixtures.wasm;
import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.support.EndToEndTest;
import com.canisterhost.support.Http.Response;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * Lifecycle changes racing each other and the canister's executions, made deterministic with a row lock: a
 * transaction of the test's holds the canister's row, so that one request is stuck in the middle of its write while
 * the other is sent. Each race used to leave a wrong state or answer 500.
 */
@TestPropertySource(properties = {"canister.stop-timeout=300ms",
    "canister.execution.instruction-limits.update=1000000000"})
class LifecycleRaceTest extends EndToEndTest {

    @Autowired
    DataSource dataSource;

    /** A transaction that holds the canister's row lock until closed; it may change the row meanwhile. */
    private final class RowLock implements AutoCloseable {
        private final Connection connection;

        RowLock(String id) throws SQLException {
            connection = dataSource.getConnection();
            connection.setAutoCommit(false);
            execute("UPDATE canisters SET updated_at = updated_at WHERE id = ?", id);
        }

        void execute(String sql, String id) throws SQLException {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setString(1, id);
                statement.executeUpdate();
            }
        }

        /** Waits until some other session waits for a lock, i.e. the request under test is stuck on our row. */
        void awaitWaiter() throws Exception {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() < deadline) {
                try (Connection probe = dataSource.getConnection();
                        PreparedStatement statement = probe.prepareStatement(
                                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                        + "AND wait_event_type = 'Lock'");
                        ResultSet rows = statement.executeQuery()) {
                    rows.next();
                    if (rows.getLong(1) > 0) {
                        return;
                    }
                }
                Thread.sleep(10);
            }
            throw new AssertionError("no request came to wait for the row lock");
        }

        @Override
        public void close() throws SQLException {
            connection.commit();
            connection.close();
        }
    }

    private String status(String id) {
        return http.get("/v1/canisters/" + id).json().get("status").asText();
    }

    /** One thread per request: they must be in flight at once (the common pool may have a single thread). */
    private final java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newCachedThreadPool();

    @org.junit.jupiter.api.AfterEach
    void stopClients() {
        clients.shutdownNow();
    }

    private CompletableFuture<Response> async(java.util.function.Supplier<Response> request) {
        return CompletableFuture.supplyAsync(request, clients);
    }

    /** The settings change used to write the whole row it had read, status included, over a stop in between. */
    @Test
    void aSettingsChangeNeverWritesBackAStatusItReadEarlier() throws Exception {
        String id = http.createCanister();
        CompletableFuture<Response> patch;
        try (RowLock lock = new RowLock(id)) {
            patch = async(() -> http.send("PATCH", "/v1/canisters/" + id + "/settings", "application/json",
                    "{\"logVisibility\":\"public\"}".getBytes()));
            lock.awaitWaiter(); // it read the row (running) and waits to write
            lock.execute("UPDATE canisters SET status = 'stopped', state_version = state_version + 1 WHERE id = ?",
                    id);
        }
        Response patched = patch.get(10, TimeUnit.SECONDS);
        assertThat(patched.status()).as("%s", patched).isEqualTo(200);
        assertThat(patched.json().get("logVisibility").asText()).isEqualTo("public");
        assertThat(status(id)).as("the stop that came in between stands").isEqualTo("stopped");
    }

    /** Both installs used to pass the "empty" check before either ran, and the second silently reinstalled. */
    @Test
    void ofTwoConcurrentInstallsTheSecondIsRefused() throws Exception {
        String id = http.createCanister();
        CompletableFuture<Response> first;
        CompletableFuture<Response> second;
        try (RowLock lock = new RowLock(id)) {
            first = async(() -> http.install(id, wasm("counter"), "arg=" + hex(u64(5))));
            lock.awaitWaiter(); // the first install's commit waits for the row
            second = async(() -> http.install(id, wasm("counter"), "arg=" + hex(u64(9))));
            Thread.sleep(500); // the second passes the check made before its module is validated
        }
        assertThat(first.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        Response refused = second.get(10, TimeUnit.SECONDS);
        assertThat(refused.status()).as("%s", refused).isEqualTo(409);
        assertThat(refused.json().get("type").asText())
                .isEqualTo("urn:canister-host:problem:module-already-installed");
        assertThat(u64(http.query(id, "get", new byte[0]).body())).as("the first install's state").isEqualTo(5);
    }

    /** An upgrade queued behind an uninstall used to find no module on the lane and answer 500. */
    @Test
    void anUpgradeRacingAnUninstallIsRefusedAsEmpty() throws Exception {
        String id = http.createCanister();
        assertThat(http.install(id, wasm("counter"), "").status()).isEqualTo(200);
        CompletableFuture<Response> uninstall;
        CompletableFuture<Response> upgrade;
        try (RowLock lock = new RowLock(id)) {
            uninstall = async(() -> http.send("DELETE", "/v1/canisters/" + id + "/module", null, null));
            lock.awaitWaiter(); // the uninstall holds the canister's lane and waits for the row
            upgrade = async(() -> http.install(id, wasm("counter"), "mode=upgrade"));
            Thread.sleep(500); // the upgrade saw a module, and waits for the lane
        }
        assertThat(uninstall.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        Response refused = upgrade.get(10, TimeUnit.SECONDS);
        assertThat(refused.status()).as("%s", refused).isEqualTo(409);
        assertThat(refused.json().get("type").asText()).isEqualTo("urn:canister-host:problem:canister-empty");
        assertThat(http.get("/v1/canisters/" + id).json().get("moduleHash").isNull()).isTrue();
    }

    /** A stop used to wait its fixed 5 minutes and then mark the canister stopped whether or not calls remained. */
    @Test
    void aStopThatTimesOutLeavesTheCanisterStoppingAndALaterStopCompletes() throws Exception {
        String id = http.createCanister();
        assertThat(http.install(id, wasm("counter"), "").status()).isEqualTo(200);
        // eight calls that each spin to their instruction limit (a fifth of a second or more) keep it busy
        java.util.List<CompletableFuture<Response>> spinning = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            spinning.add(async(() -> http.update(id, "loop_forever", new byte[0])));
        }
        awaitAdmitted(spinning); // a call that arrived after the stop would be refused (409), not run
        Response timedOut = http.post("/v1/canisters/" + id + "/stop");
        assertThat(timedOut.status()).as("%s", timedOut).isEqualTo(409);
        assertThat(timedOut.json().get("type").asText()).isEqualTo("urn:canister-host:problem:stop-timed-out");
        assertThat(status(id)).isEqualTo("stopping");
        for (CompletableFuture<Response> call : spinning) {
            assertThat(call.get(60, TimeUnit.SECONDS).status()).isEqualTo(422); // it ran into its instruction limit
        }
        Response stopped = http.post("/v1/canisters/" + id + "/stop");
        assertThat(stopped.status()).as("%s", stopped).isEqualTo(200);
        assertThat(stopped.json().get("status").asText()).isEqualTo("stopped");
    }

    /** Waits until every call has been admitted: it ran, or it runs, or it waits on the lane (the gauges show it). */
    private void awaitAdmitted(java.util.List<CompletableFuture<Response>> calls) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            String metrics = new String(http.get("/actuator/prometheus").body());
            long done = calls.stream().filter(CompletableFuture::isDone).count();
            if (done + gauge(metrics, "canister_executions_running") + gauge(metrics, "canister_queue_depth")
                    >= calls.size()) {
                return;
            }
            assertThat(System.nanoTime()).as("the calls admitted within 10 s").isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    private static long gauge(String metrics, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + name + "(?:\\{[^}]*\\})? ([0-9.eE+]+)$")
                .matcher(metrics);
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }

    private static String hex(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes);
    }
}
