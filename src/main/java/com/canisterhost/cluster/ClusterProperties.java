package com.canisterhost.cluster;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Several service nodes on one PostgreSQL.
 *
 * @param enabled whether this node shares its database with others: it then executes only the canisters whose
 *     lease it holds, and forwards the requests of the others to their holders
 * @param nodeId this node's name, unique among the nodes (default: a random one per start)
 * @param url where the other nodes reach this one (default: {@code http://127.0.0.1:<server.port>})
 * @param leaseDuration how long a lease lasts unless renewed; a node that dies loses its canisters after it
 * @param heartbeat how often a node beats and renews all its leases (in one statement)
 * @param forwardTimeout how long a forwarded request may take before the client gets 504
 */
@ConfigurationProperties("canister.cluster")
public record ClusterProperties(
        @DefaultValue("false") boolean enabled,
        String nodeId,
        String url,
        @DefaultValue("3s") Duration leaseDuration,
        @DefaultValue("1s") Duration heartbeat,
        @DefaultValue("60s") Duration forwardTimeout) {}
