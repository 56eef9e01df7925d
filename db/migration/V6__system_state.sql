-- System state a canister sets through the System API.
ALTER TABLE canisters ADD COLUMN certified_data bytea NOT NULL DEFAULT ''::bytea;
ALTER TABLE canisters ADD COLUMN global_timer bigint NOT NULL DEFAULT 0;

ALTER TABLE snapshots ADD COLUMN stable_pages bigint NOT NULL DEFAULT 0;
