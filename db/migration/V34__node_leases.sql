-- Several service nodes on one database (state.LeaseTable): each canister is executed by one node at a time, the
-- holder of its lease. A node that takes a lease over bumps the canister's owner_epoch in the same statement,
-- and every commit is fenced on the epoch its node holds, so a node that lost its lease cannot commit any more.
-- A single node without the cluster enabled fences on nothing (its commits pass -1) and writes none of this.
ALTER TABLE canisters ADD COLUMN owner_epoch bigint NOT NULL DEFAULT 0;

-- The nodes, found by each other here: where to forward a canister's requests, and whether a node is alive.
CREATE TABLE nodes (
    id            text        PRIMARY KEY,
    url           text        NOT NULL,
    started_at    timestamptz NOT NULL DEFAULT now(),
    heartbeat_at  timestamptz NOT NULL DEFAULT now()
);

-- Who executes a canister, until when (renewed by the holder's heartbeat, in one statement for all its leases).
CREATE TABLE canister_leases (
    canister_id  text        PRIMARY KEY REFERENCES canisters (id) ON DELETE CASCADE,
    node_id      text        NOT NULL,
    epoch        bigint      NOT NULL,
    expires_at   timestamptz NOT NULL
);
CREATE INDEX canister_leases_node ON canister_leases (node_id);
