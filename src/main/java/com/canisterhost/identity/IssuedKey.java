package com.canisterhost.identity;

import java.time.Instant;

/** A new key and its principal: the only time the key is ever shown. */
public record IssuedKey(String key, String principal, String name, Instant createdAt) {}
