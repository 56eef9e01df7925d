package com.canisterhost.identity;

import java.time.Instant;

/**
 * What is known about a key after it was issued: never the key itself.
 *
 * @param principal the principal calls with this key act as
 * @param revokedAt when it was revoked, null while it is valid
 */
public record ApiKey(String principal, String name, Instant createdAt, Instant revokedAt) {}
