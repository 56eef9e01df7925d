package com.canisterhost.support;

import static org.assertj.core.api.Assertions.assertThat;

import com.canisterhost.CanisterHostApplication;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The service as a separate OS process on a test database, so that a test can SIGKILL it (an in-JVM context
 * cannot be killed abruptly) and start it again on the same database.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private final TestDatabase.Database database;
    private final Path log;
    private final List<String> arguments;
    private Process child;

    /** {@code arguments}: more {@code --property=value} arguments for every start. */
    public ServiceProcess(TestDatabase.Database database, Path log, String... arguments) {
        this.database = database;
        this.log = log;
        this.arguments = List.of(arguments);
    }

    /** Starts the service on a free port and waits until it reports healthy. */
    public Http start() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", // C1 only: starts ~40% faster; throughput does not matter here
                "-cp", System.getProperty("java.class.path"),
                CanisterHostApplication.class.getName(),
                "--server.port=" + port,
                "--spring.datasource.url=" + database.url(),
                "--logging.level.root=WARN"));
        // Credentials may be in the URL instead (CANISTER_TEST_DATABASE_URL): pass only what is set.
        if (database.username() != null) {
            command.add("--spring.datasource.username=" + database.username());
        }
        if (database.password() != null) {
            command.add("--spring.datasource.password=" + database.password());
        }
        command.addAll(arguments);
        Files.createDirectories(log.getParent());
        child = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        Http http = new Http(port);
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (true) {
            assertThat(child.isAlive()).as("service exited during startup, see %s", log).isTrue();
            try {
                if (http.get("/actuator/health").status() == 200) {
                    return http;
                }
            } catch (UncheckedIOException notListeningYet) {
                // keep polling
            }
            assertThat(System.nanoTime()).as("healthy within %s, see %s", STARTUP_TIMEOUT, log).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    /** SIGTERM: a graceful shutdown (running executions finish and commit), waited for. */
    public void stop() throws InterruptedException {
        child.destroy();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s").isTrue();
    }

    /** SIGKILL: no shutdown hooks, no graceful shutdown, no chance to flush anything. */
    public void kill() throws InterruptedException {
        long pid = child.pid();
        child.destroyForcibly(); // SIGKILL on Linux
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("child %d died", pid).isTrue();
        assertThat(child.exitValue()).as("exit status 128 + SIGKILL(9)").isEqualTo(137);
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid %d gone", pid).isFalse();
    }

    @Override
    public void close() throws InterruptedException {
        if (child != null) {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
