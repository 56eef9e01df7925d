-- Canister snapshots: the module, heap pages and globals of a committed state version.
CREATE SEQUENCE snapshot_ids START WITH 1;

CREATE TABLE snapshots (
    canister_id    text        NOT NULL REFERENCES canisters (id) ON DELETE CASCADE,
    id             bigint      NOT NULL,
    taken_at       timestamptz NOT NULL DEFAULT now(),
    state_version  bigint      NOT NULL,
    module_hash    bytea       NOT NULL REFERENCES modules (hash),
    profile        text        NOT NULL,
    heap_pages     integer     NOT NULL,
    PRIMARY KEY (canister_id, id)
);

CREATE TABLE snapshot_pages (
    canister_id  text     NOT NULL,
    snapshot_id  bigint   NOT NULL,
    kind         smallint NOT NULL,
    page_index   integer  NOT NULL,
    data         bytea    NOT NULL,
    PRIMARY KEY (canister_id, snapshot_id, kind, page_index),
    FOREIGN KEY (canister_id, snapshot_id) REFERENCES snapshots (canister_id, id) ON DELETE CASCADE
);

CREATE TABLE snapshot_globals (
    canister_id   text    NOT NULL,
    snapshot_id   bigint  NOT NULL,
    global_index  integer NOT NULL,
    value_low     bigint  NOT NULL,
    value_high    bigint  NOT NULL DEFAULT 0,
    PRIMARY KEY (canister_id, snapshot_id, global_index),
    FOREIGN KEY (canister_id, snapshot_id) REFERENCES snapshots (canister_id, id) ON DELETE CASCADE
);
