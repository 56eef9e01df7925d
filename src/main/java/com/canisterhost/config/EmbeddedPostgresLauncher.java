package com.canisterhost.config;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Base64;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts zonky's embedded PostgreSQL (real PostgreSQL binaries from Maven Central) on a persistent data directory.
 * As root, zonky runs the binaries in a user namespace ({@code unshare -U}), since PostgreSQL refuses to run as root.
 * Public so that tests start their database the same way.
 *
 * <p>Every connection authenticates with the superuser's password (SCRAM, for TCP and the Unix socket alike): zonky
 * initialises clusters with {@code trust}, which would make any local user the superuser. The password is generated
 * once and kept in the data directory, readable by its owner only ({@value #PASSWORD_FILE}, 0600). A data directory
 * that an earlier version initialised with {@code trust} is upgraded in place on its next start: the password is set,
 * {@code pg_hba.conf} rewritten (to {@link #HBA}) and the configuration reloaded.
 */
public final class EmbeddedPostgresLauncher {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresLauncher.class);

    /** The superuser's password, in the data directory. */
    public static final String PASSWORD_FILE = "canister-host.password";
    static final String SUPERUSER = "postgres";
    /** The whole {@code pg_hba.conf}: password authentication for every kind of connection. */
    static final String HBA = """
            # Written by canister-host: every connection authenticates with the superuser's password (SCRAM);
            # the password is in canister-host.password in this directory.
            local all all scram-sha-256
            host all all 127.0.0.1/32 scram-sha-256
            host all all ::1/128 scram-sha-256
            """;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private EmbeddedPostgresLauncher() {}

    /** A running embedded PostgreSQL and its superuser's password. */
    public record Server(EmbeddedPostgres postgres, String password) implements Closeable {

        /** The JDBC URL of {@code database} for the superuser, without the password. */
        public String jdbcUrl(String database) {
            return postgres.getJdbcUrl(SUPERUSER, database);
        }

        @Override
        public void close() throws IOException {
            postgres.close();
        }
    }

    /**
     * @param durable whether commits are flushed to disk before they are acknowledged; zonky turns that off by
     *     default (it is a test library), which the service cannot afford: a reply is a promise the state is kept
     */
    public static Server start(Path dataDirectory, int port, boolean durable) throws IOException {
        Path passwordFile = dataDirectory.resolve(PASSWORD_FILE);
        String password = Files.exists(passwordFile) ? Files.readString(passwordFile, StandardCharsets.UTF_8).strip()
                : generatePassword();
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "200")
                .setServerConfig("password_encryption", "scram-sha-256")
                .setConnectConfig("password", password)
                // after initdb, before the server starts: initdb needs an empty directory, so the file comes now
                .setDataDirectoryCustomizer(directory -> keep(passwordFile, password));
        if (durable) {
            builder.setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on");
        }
        if (port > 0) {
            builder.setPort(port);
        }
        Path initPassword = null;
        if (!Files.exists(dataDirectory.resolve("postgresql.conf"))) {
            // a new cluster: zonky passes its "locale" options to initdb as --name=value after its own -A trust,
            // so these make the cluster password-only from its first start, the password read from a 0600 file
            initPassword = Files.createTempFile("canister-pg", ".password"); // 0600 where files have modes
            Files.writeString(initPassword, password, StandardCharsets.UTF_8);
            builder.setLocaleConfig("auth-local", "scram-sha-256")
                    .setLocaleConfig("auth-host", "scram-sha-256")
                    .setLocaleConfig("pwfile", initPassword.toString());
        }
        EmbeddedPostgres postgres;
        try {
            postgres = builder.start();
        } finally {
            if (initPassword != null) {
                Files.deleteIfExists(initPassword);
            }
        }
        Server server = new Server(postgres, password);
        try {
            requirePassword(server, dataDirectory);
        } catch (IOException | RuntimeException e) {
            postgres.close();
            throw e;
        }
        return server;
    }

    /**
     * Makes password authentication the only kind (setting the password and rewriting {@code pg_hba.conf} if an
     * earlier version left {@code trust}), then checks that a connection without the password is refused.
     */
    private static void requirePassword(Server server, Path dataDirectory) throws IOException {
        Path hba = dataDirectory.resolve("pg_hba.conf");
        String url = server.jdbcUrl("postgres");
        if (trusts(Files.readString(hba, StandardCharsets.UTF_8))) {
            try (Connection connection = DriverManager.getConnection(url, SUPERUSER, server.password());
                    Statement statement = connection.createStatement()) {
                statement.execute("SET password_encryption = 'scram-sha-256'");
                // the password is base64url: nothing in it needs quoting
                statement.execute("ALTER ROLE " + SUPERUSER + " PASSWORD '" + server.password() + "'");
                Path next = dataDirectory.resolve("pg_hba.conf.next");
                Files.writeString(next, HBA, StandardCharsets.UTF_8);
                Files.move(next, hba, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                statement.execute("SELECT pg_reload_conf()");
            } catch (SQLException e) {
                throw new IllegalStateException("could not set up password authentication of the embedded "
                        + "PostgreSQL in " + dataDirectory, e);
            }
            log.info("Embedded PostgreSQL in {} now requires the password in {} for every connection", dataDirectory,
                    PASSWORD_FILE);
        }
        // the reload is asynchronous: wait until the server refuses a connection without the password
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try (Connection ignored = DriverManager.getConnection(url, SUPERUSER, null)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the embedded PostgreSQL in " + dataDirectory
                            + " still accepts connections without a password");
                }
            } catch (SQLException refused) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the embedded PostgreSQL reloaded", e);
            }
        }
    }

    /** Whether a {@code pg_hba.conf} lets any connection in without a password. */
    static boolean trusts(String hba) {
        return hba.lines()
                .map(line -> line.replaceFirst("#.*", "").strip())
                .anyMatch(line -> java.util.Arrays.asList(line.split("\\s+")).contains("trust"));
    }

    /** Writes the password file if it is missing, and makes it readable by its owner only either way. */
    private static void keep(Path passwordFile, String password) {
        try {
            if (!Files.exists(passwordFile)) {
                Path next = passwordFile.resolveSibling(PASSWORD_FILE + ".next");
                Files.deleteIfExists(next);
                if (posix()) {
                    Files.createFile(next, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                }
                Files.writeString(next, password + "\n", StandardCharsets.UTF_8);
                Files.move(next, passwordFile, StandardCopyOption.ATOMIC_MOVE);
            }
            restrict(passwordFile);
        } catch (IOException e) {
            throw new UncheckedIOException("could not keep the password of the embedded PostgreSQL in " + passwordFile,
                    e);
        }
    }

    private static void restrict(Path file) throws IOException {
        if (posix()) {
            Files.setPosixFilePermissions(file, OWNER_ONLY);
        }
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    private static String generatePassword() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
