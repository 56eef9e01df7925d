package com.canisterhost.config;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Starts zonky's embedded PostgreSQL (real PostgreSQL binaries from Maven Central) on a persistent data directory.
 * As root, zonky runs the binaries in a user namespace ({@code unshare -U}), since PostgreSQL refuses to run as root.
 * Public so that tests start their database the same way.
 */
public final class EmbeddedPostgresLauncher {

    private EmbeddedPostgresLauncher() {}

    public static EmbeddedPostgres start(Path dataDirectory, int port) throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "200");
        if (port > 0) {
            builder.setPort(port);
        }
        return builder.start();
    }
}
