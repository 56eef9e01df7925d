package com.canisterhost.support;

import com.canisterhost.config.EmbeddedPostgresLauncher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * One real PostgreSQL server for the whole test run, and a fresh database on it for each test class.
 *
 * <p>The server is, in order of preference: the one named by {@code CANISTER_TEST_DATABASE_URL} (a JDBC URL with
 * credentials, e.g. {@code jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres}); a Testcontainers PostgreSQL
 * when Docker is available; otherwise zonky's embedded PostgreSQL, started the way the service starts it.
 */
public final class TestDatabase {

    /** A database for one test class. */
    public record Database(String url, String username, String password) {}

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static Server server;

    private record Server(String url, String username, String password) {}

    private TestDatabase() {}

    public static synchronized Database create() {
        Server s = server();
        String name = "canister_test_" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection connection = DriverManager.getConnection(s.url(), s.username(), s.password());
                Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name);
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database on " + s.url(), e);
        }
        return new Database(withDatabase(s.url(), name), s.username(), s.password());
    }

    private static Server server() {
        if (server != null) {
            return server;
        }
        String configured = System.getenv("CANISTER_TEST_DATABASE_URL");
        if (configured != null && !configured.isBlank()) {
            server = new Server(configured, null, null);
        } else if (dockerAvailable()) {
            PostgreSQLContainer container = new PostgreSQLContainer("postgres:16-alpine");
            container.start();
            server = new Server(container.getJdbcUrl(), container.getUsername(), container.getPassword());
        } else {
            try {
                Path data = Files.createTempDirectory("canister-test-pg");
                // a throwaway database: speed over durability; password authentication as the service's own
                EmbeddedPostgresLauncher.Server postgres = EmbeddedPostgresLauncher.start(data, 0, false);
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        postgres.close();
                    } catch (Exception ignored) {
                        // the JVM is going away
                    }
                }));
                server = new Server(postgres.jdbcUrl("postgres"), "postgres", postgres.password());
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the embedded PostgreSQL", e);
            }
        }
        return server;
    }

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) {
            return false;
        }
    }

    /** Replaces the database name in a JDBC URL, keeping its parameters. */
    private static String withDatabase(String url, String database) {
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        String params = query < 0 ? "" : url.substring(query);
        return base.substring(0, base.lastIndexOf('/') + 1) + database + params;
    }
}
