package com.canisterhost.api;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Caps on what a request may carry.
 *
 * @param maxArgSize cap on a call argument (the IC's ingress limit is 2 MiB)
 * @param maxUploadSize cap on a module upload body, before inflating
 * @param maxJsonSize cap on a JSON request body (room for a base64 argument at the argument cap)
 */
@ConfigurationProperties("canister.api")
public record ApiProperties(
        @DefaultValue("2MB") DataSize maxArgSize, @DefaultValue("100MB") DataSize maxUploadSize,
        @DefaultValue("3MB") DataSize maxJsonSize) {}
