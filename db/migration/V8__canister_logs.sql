-- What canisters printed (ic0.debug_print) and why replicated executions trapped, bounded per canister: the
-- oldest entries are dropped first. Content is bytes: canisters may print anything, NUL bytes included.
CREATE TABLE canister_logs (
    canister_id  text   NOT NULL REFERENCES canisters (id) ON DELETE CASCADE,
    idx          bigint NOT NULL,            -- per canister, from 0, never reused
    time_nanos   bigint NOT NULL,            -- ic0.time of the execution that logged it
    kind         text   NOT NULL CHECK (kind IN ('print', 'trap')),
    content      bytea  NOT NULL,
    PRIMARY KEY (canister_id, idx)
);

ALTER TABLE canisters ADD COLUMN log_next_idx bigint NOT NULL DEFAULT 0;
