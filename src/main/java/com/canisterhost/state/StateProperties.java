package com.canisterhost.state;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Persistence of canister state.
 *
 * @param commitLanes batches of commits written at once, each on its own connection (group commit: commits of
 *     different canisters that arrive while every lane is busy go to PostgreSQL together when one frees); 0 writes
 *     every commit alone. On 2 cores, 1 lane made the most updates per second (larger batches)
 * @param maxCommitBatch commits in one batch at most
 */
@ConfigurationProperties("canister.state")
public record StateProperties(@DefaultValue("1") int commitLanes, @DefaultValue("32") int maxCommitBatch) {}
