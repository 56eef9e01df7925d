package com.canisterhost.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded PostgreSQL takes only password connections, from its first start or after an upgrade in place. */
class EmbeddedPostgresLauncherTest {

    @TempDir
    Path temp;

    @Test
    void aNewClusterRequiresThePasswordFromTheStart() throws Exception {
        Path data = temp.resolve("new");
        try (EmbeddedPostgresLauncher.Server server = EmbeddedPostgresLauncher.start(data, 0, false)) {
            assertOnlyThePasswordGetsIn(server, data);
            // initdb made it password-only itself: nothing was left to rewrite (no trust at any time)
            String hba = Files.readString(data.resolve("pg_hba.conf"), StandardCharsets.UTF_8);
            assertThat(hba).isNotEqualTo(EmbeddedPostgresLauncher.HBA).contains("scram-sha-256");
            assertThat(EmbeddedPostgresLauncher.trusts(hba)).isFalse();
        }
        try (EmbeddedPostgresLauncher.Server again = EmbeddedPostgresLauncher.start(data, 0, false)) {
            assertOnlyThePasswordGetsIn(again, data);
        }
    }

    @Test
    void aClusterInitialisedWithTrustIsUpgradedInPlaceKeepingItsData() throws Exception {
        Path data = temp.resolve("old");
        // as the earlier version started it: zonky's own trust authentication, no password
        try (EmbeddedPostgres old = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false)
                .setServerConfig("listen_addresses", "127.0.0.1").start();
                Connection connection = DriverManager.getConnection(old.getJdbcUrl("postgres", "postgres"));
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE kept (value text); INSERT INTO kept VALUES ('before the upgrade')");
        }
        assertThat(EmbeddedPostgresLauncher.trusts(Files.readString(data.resolve("pg_hba.conf")))).isTrue();

        try (EmbeddedPostgresLauncher.Server server = EmbeddedPostgresLauncher.start(data, 0, false)) {
            assertOnlyThePasswordGetsIn(server, data);
            assertThat(Files.readString(data.resolve("pg_hba.conf"))).isEqualTo(EmbeddedPostgresLauncher.HBA);
            try (Connection connection = DriverManager.getConnection(server.jdbcUrl("postgres"), "postgres",
                    server.password()); Statement statement = connection.createStatement();
                    var rows = statement.executeQuery("SELECT value FROM kept")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString(1)).isEqualTo("before the upgrade");
            }
        }
        try (EmbeddedPostgresLauncher.Server again = EmbeddedPostgresLauncher.start(data, 0, false)) {
            assertOnlyThePasswordGetsIn(again, data);
        }
    }

    private static void assertOnlyThePasswordGetsIn(EmbeddedPostgresLauncher.Server server, Path data)
            throws Exception {
        Path passwordFile = data.resolve(EmbeddedPostgresLauncher.PASSWORD_FILE);
        assertThat(Files.readString(passwordFile).strip()).isEqualTo(server.password()).hasSizeGreaterThan(40);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(passwordFile))).isEqualTo("rw-------");
        String url = server.jdbcUrl("postgres");
        try (Connection connection = DriverManager.getConnection(url, "postgres", server.password())) {
            assertThat(connection.isValid(1)).isTrue();
        }
        assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", null).close())
                .isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> DriverManager.getConnection(url, "postgres", "wrong").close())
                .isInstanceOf(SQLException.class).hasMessageContaining("password authentication failed");
    }
}
