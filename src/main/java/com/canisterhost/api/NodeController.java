package com.canisterhost.api;

import com.canisterhost.canister.CanisterManagement;
import com.canisterhost.cluster.CanisterMoves;
import com.canisterhost.cluster.ClusterProperties;
import com.canisterhost.identity.ApiKeys;
import com.canisterhost.identity.Caller;
import com.canisterhost.state.LeaseTable;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The service nodes sharing the database, with the canisters each holds, and moving a canister to a named node
 * (admin only; anyone in development mode).
 */
@RestController
class NodeController {

    private final ApiKeys keys;
    private final LeaseTable leases;
    private final ClusterProperties cluster;
    private final CanisterMoves moves;
    private final CanisterManagement canisters;

    NodeController(ApiKeys keys, LeaseTable leases, ClusterProperties cluster, CanisterMoves moves,
            CanisterManagement canisters) {
        this.moves = moves;
        this.canisters = canisters;
        this.keys = keys;
        this.leases = leases;
        this.cluster = cluster;
    }

    /** @param clustered whether this node shares its database with others ({@code canister.cluster.enabled}) */
    record NodeList(boolean clustered, List<LeaseTable.Node> nodes) {}

    @GetMapping("/v1/nodes")
    NodeList nodes(Caller caller) {
        keys.requireAdmin(caller, "the node list needs the admin key", "only the admin may read the node list");
        // alive: beat within a lease's time, so a node counted alive may still hold leases
        return new NodeList(cluster.enabled(), cluster.enabled() ? leases.nodes(cluster.leaseDuration()) : List.of());
    }

    record MoveRequest(String node) {}

    /** @param node where the canister's requests go from now on */
    record Moved(String canister, String node) {}

    /** Moves a canister to a named node; this node holds it (the request was routed here). */
    @PostMapping("/v1/canisters/{id}/move")
    Moved move(@PathVariable String id, @RequestBody(required = false) MoveRequest body, Caller caller) {
        keys.requireAdmin(caller, "moving a canister needs the admin key", "only the admin may move a canister");
        if (body == null || body.node() == null || body.node().isBlank()) {
            throw new InvalidRequestException("the body names the node to move the canister to: {\"node\": \"…\"}");
        }
        canisters.status(id); // 404 for an unknown canister
        moves.move(id, body.node());
        return new Moved(id, body.node());
    }
}
