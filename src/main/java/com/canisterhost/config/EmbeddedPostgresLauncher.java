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

    /**
     * @param durable whether commits are flushed to disk before they are acknowledged; zonky turns that off by
     *     default (it is a test library), which the service cannot afford: a reply is a promise the state is kept
     */
    public static EmbeddedPostgres start(Path dataDirectory, int port, boolean durable) throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "200");
        if (durable) {
            builder.setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("full_page_writes", "on");
        }
        if (port > 0) {
            builder.setPort(port);
        }
        return builder.start();
    }
}
