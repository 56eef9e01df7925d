package com.canisterhost.api;

import com.canisterhost.cluster.ClusterProperties;
import com.canisterhost.identity.ApiKeys;
import com.canisterhost.identity.Caller;
import com.canisterhost.state.LeaseTable;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The service nodes sharing the database, with the canisters each holds (admin only; anyone in development mode). */
@RestController
class NodeController {

    private final ApiKeys keys;
    private final LeaseTable leases;
    private final ClusterProperties cluster;

    NodeController(ApiKeys keys, LeaseTable leases, ClusterProperties cluster) {
        this.keys = keys;
        this.leases = leases;
        this.cluster = cluster;
    }

    /** @param clustered whether this node shares its database with others ({@code canister.cluster.enabled}) */
    record NodeList(boolean clustered, List<LeaseTable.Node> nodes) {}

    @GetMapping("/v1/nodes")
    NodeList nodes(Caller caller) {
        keys.requireAdmin(caller, "the node list");
        // alive: beat within a lease's time, so a node counted alive may still hold leases
        return new NodeList(cluster.enabled(), cluster.enabled() ? leases.nodes(cluster.leaseDuration()) : List.of());
    }
}
