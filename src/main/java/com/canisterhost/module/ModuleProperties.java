package com.canisterhost.module;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How modules are accepted and run.
 *
 * @param maxSize cap on a module, uncompressed (and on a gzip upload before inflating)
 * @param cachedModules how many parsed modules are kept in memory
 */
@ConfigurationProperties("canister.module")
public record ModuleProperties(
        @DefaultValue("100MB") DataSize maxSize,
        @DefaultValue("64") int cachedModules) {}
