package com.canisterhost.cluster;

import com.canisterhost.execution.Executor;
import com.canisterhost.state.CanisterOwnership;
import org.springframework.stereotype.Service;

/** Moves a canister to a named node, between its executions (the admin's {@code POST …/move}). */
@Service
public class CanisterMoves {

    private final CanisterOwnership ownership;
    private final Executor executor;

    CanisterMoves(CanisterOwnership ownership, Executor executor) {
        this.ownership = ownership;
        this.executor = executor;
    }

    /** Why a canister could not be moved. */
    public static final class MoveRefusedException extends RuntimeException {
        MoveRefusedException(String message) {
            super(message);
        }
    }

    /**
     * Hands the canister, which this node holds (requests are routed to its holder), to {@code node} on its lane.
     *
     * @throws MoveRefusedException without a cluster, or if {@code node} is not a live node
     */
    public void move(String canisterId, String node) {
        if (!(ownership instanceof NodeLeases leases)) {
            throw new MoveRefusedException("this service runs alone (canister.cluster.enabled is off): there is no "
                    + "other node to move canister " + canisterId + " to");
        }
        if (!executor.exclusive(canisterId, true, () -> leases.hand(canisterId, node))) {
            throw new MoveRefusedException("canister " + canisterId + " could not be moved to node " + node
                    + ": it is not a live node of this cluster, or the canister moved meanwhile");
        }
    }
}
