package com.canisterhost.config;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The embedded PostgreSQL started when no {@code spring.datasource.url} is configured.
 *
 * @param dataDirectory where the cluster lives; it persists across restarts
 * @param port TCP port on 127.0.0.1, 0 for any free port
 */
@ConfigurationProperties("canister.embedded-postgres")
public record EmbeddedPostgresProperties(
        @DefaultValue("./data/postgres") Path dataDirectory, @DefaultValue("0") int port) {}
