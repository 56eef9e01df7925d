package com.canisterhost.state;

/**
 * Which canisters this node may execute, and the epoch its commits of each are fenced on. With one node (no
 * cluster) it may execute every canister and fences on nothing; with several, on the lease it holds.
 */
public interface CanisterOwnership {

    /** No epoch to fence on: the commit passes whatever the canister's owner epoch is. */
    long UNFENCED = -1;

    /** The only node: every canister is its own. */
    CanisterOwnership SOLE = new CanisterOwnership() {
        @Override
        public boolean local(String canisterId) {
            return true;
        }

        @Override
        public long fence(String canisterId) {
            return UNFENCED;
        }
    };

    /**
     * Whether this node may execute the canister now: it holds the canister's lease, or took it because nobody
     * held it (or its holder's lease expired).
     */
    boolean local(String canisterId);

    /**
     * Places a canister just created (joining its transaction): with several nodes, its lease goes to the live
     * node that holds the fewest, which takes it on first use.
     */
    default void place(String canisterId) {}

    /**
     * The epoch a commit of the canister is fenced on ({@link #UNFENCED} for none).
     *
     * @throws NotOwnerException if this node does not hold the canister's lease
     */
    long fence(String canisterId);

    /** A commit of a canister whose lease this node does not hold: nothing was written. */
    final class NotOwnerException extends RuntimeException {
        public NotOwnerException(String canisterId) {
            super("this node does not hold the lease of canister " + canisterId + "; nothing was applied: retry");
        }
    }
}
