package com.canisterhost;

import static com.canisterhost.support.CanisterFixtures.u64;
import static com.canisterhost.support.CanisterFixtures.wasm;
import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.support.Http;
import com.canisterhost.support.ServiceProcess;
import com.canisterhost.support.TestDatabase;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Committed updates survive SIGKILL, and nothing partial ever becomes visible.
 *
 * <p>The service runs as a separate OS process (an in-JVM context cannot be killed abruptly) and is killed with
 * SIGKILL at random moments while a client streams {@code inc} updates. After each restart on the same database,
 * the count must be the last acknowledged one, or one more (the single update in flight when the process died may
 * or may not have committed), heap and global must agree, and the state version must match the count.
 */
class CrashSafetyTest {

    private static final int MIN_KILLS = 12;
    /** Kills go on past {@link #MIN_KILLS} while this budget lasts; each restart costs a few seconds. */
    private static final Duration BUDGET = Duration.ofSeconds(60);
    private static final Path LOG = Path.of("target", "crash-safety", "child.log");

    private final ServiceProcess service = new ServiceProcess(TestDatabase.create(), LOG);
    private final Random random = new Random(0xC0FFEE); // seeded: the same kill delays on every run

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES) // hard cap: 12 restarts take 1-4 min, depending on machine load
    void committedUpdatesSurviveSigkillAndNothingPartialIsVisible() throws Exception {
        long began = System.nanoTime();
        int kills = 0;
        int inFlightCommitted = 0;
        long acknowledgedTotal = 0;
        try {
            Http http = service.start();
            String id = http.createCanister();
            assertThat(http.install(id, wasm("counter"), "").status()).isEqualTo(200);
            long count = 0;
            while (kills < MIN_KILLS || System.nanoTime() - began < BUDGET.toNanos()) {
                Client client = new Client(http, id, count);
                Thread thread = new Thread(client, "crash-safety-client");
                thread.start();
                Thread.sleep(50 + random.nextInt(551));
                client.killed = true; // set first: a connection error after this point is expected
                service.kill();
                thread.join(TimeUnit.SECONDS.toMillis(30));
                assertThat(thread.isAlive()).as("client still blocked after the kill").isFalse();
                assertThat(client.failure).as("client failure in round %d", kills).isNull();
                long acked = client.acked;
                acknowledgedTotal += acked - count;
                kills++;

                http = service.start();
                long global = u64(ok(http.query(id, "get", new byte[0])).body());
                long memory = u64(ok(http.query(id, "get_mem", new byte[0])).body());
                long version = ok(http.get("/v1/canisters/" + id)).json().get("stateVersion").asLong();
                // Heap and globals are committed in one transaction: they can never disagree.
                assertThat(memory).as("heap copy vs global after kill %d", kills).isEqualTo(global);
                // Every acknowledged update is durable; at most the one in flight is added.
                assertThat(global).as("count after kill %d (last acknowledged %d)", kills, acked)
                        .isBetween(acked, acked + 1);
                // Install is version 1 and each committed inc adds one: no lost or phantom versions.
                assertThat(version).as("state version after kill %d", kills).isEqualTo(global + 1);
                if (global == acked + 1) {
                    inFlightCommitted++;
                }
                count = global; // the next acknowledged value must be exactly one more
            }
        } finally {
            service.close();
            System.out.printf("crash safety: %d kills, in-flight update committed %d times, %d updates acknowledged,"
                    + " %d s%n", kills, inFlightCommitted, acknowledgedTotal,
                    TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began));
        }
        assertThat(kills).isGreaterThanOrEqualTo(MIN_KILLS);
    }

    /** Streams {@code inc} sequentially (so at most one update is ever in flight) until the connection dies. */
    private static final class Client implements Runnable {
        private final Http http;
        private final String id;
        volatile long acked;
        volatile boolean killed;
        volatile String failure;

        Client(Http http, String id, long count) {
            this.http = http;
            this.id = id;
            this.acked = count;
        }

        @Override
        public void run() {
            try {
                while (true) {
                    Http.Response reply = http.update(id, "inc", new byte[0]);
                    if (reply.status() != 200) {
                        failure = "inc answered " + reply;
                        return;
                    }
                    long value = u64(reply.body());
                    if (value != acked + 1) {
                        failure = "inc replied " + value + " after acknowledged " + acked;
                        return;
                    }
                    acked = value;
                }
            } catch (UncheckedIOException connectionLost) {
                if (!killed) {
                    failure = "connection lost before the kill: " + connectionLost;
                }
            } catch (RuntimeException e) {
                failure = e.toString();
            }
        }
    }

    private static Http.Response ok(Http.Response response) {
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        return response;
    }
}
