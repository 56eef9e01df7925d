-- Every table is keyed by canister id first, so the data could later be distributed by canister.

CREATE TABLE modules (
    hash        bytea PRIMARY KEY,          -- sha256 of the uncompressed module
    bytes       bytea       NOT NULL,
    size        integer     NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Canister ids are minted from this counter (IC CanisterId::from_u64: 8-byte big-endian index, 0x01, 0x01).
CREATE SEQUENCE canister_index START WITH 1;

CREATE TABLE canisters (
    id             text        PRIMARY KEY,  -- IC textual principal form
    status         text        NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'stopping', 'stopped')),
    module_hash    bytea       REFERENCES modules (hash),
    state_version  bigint      NOT NULL DEFAULT 0,
    heap_pages     integer     NOT NULL DEFAULT 0,   -- heap size in 64 KiB Wasm pages
    stable_pages   bigint      NOT NULL DEFAULT 0,
    controllers    text[]      NOT NULL DEFAULT '{}',
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Canister memory in 64 KiB pages; pages that are all zero are not stored.
CREATE TABLE memory_pages (
    canister_id  text     NOT NULL REFERENCES canisters (id) ON DELETE CASCADE,
    kind         smallint NOT NULL,          -- 0 heap, 1 stable
    page_index   integer  NOT NULL,
    data         bytea    NOT NULL,
    PRIMARY KEY (canister_id, kind, page_index)
);

-- Values of the module's mutable globals (a v128 global would use value_high too).
CREATE TABLE canister_globals (
    canister_id   text    NOT NULL REFERENCES canisters (id) ON DELETE CASCADE,
    global_index  integer NOT NULL,
    value_low     bigint  NOT NULL,
    value_high    bigint  NOT NULL DEFAULT 0,
    PRIMARY KEY (canister_id, global_index)
);

-- One row per committed state version: what produced it and what the caller was told.
CREATE TABLE call_records (
    canister_id     text        NOT NULL REFERENCES canisters (id) ON DELETE CASCADE,
    state_version   bigint      NOT NULL,
    kind            text        NOT NULL,    -- install, reinstall, upgrade, update
    method          text,
    caller          bytea       NOT NULL,
    outcome         text        NOT NULL,    -- replied, rejected
    reply           bytea,
    reject_code     integer,
    reject_message  text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (canister_id, state_version)
);
