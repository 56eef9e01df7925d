package com.canisterhost.call;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Tracked (idempotent and asynchronous) update calls.
 *
 * @param retention how long a completed call's outcome is kept, and so how long a retry under its key is safe
 * @param maxWait how long a retry waits for a duplicate of itself that is still running before answering 409
 */
@ConfigurationProperties("canister.calls")
public record CallProperties(@DefaultValue("24h") Duration retention, @DefaultValue("60s") Duration maxWait) {}
