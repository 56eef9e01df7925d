package com.canisterhost.database;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The breaker in front of the connection pool ({@link BreakerDataSource}).
 *
 * @param probeInterval while PostgreSQL is unreachable, how often a connection is tried for in the background
 */
@ConfigurationProperties("canister.database")
public record DatabaseProperties(@DefaultValue("500ms") Duration probeInterval) {}
