-- The latest ic0.time a committed execution of the canister saw: time never goes back, even across restarts.
ALTER TABLE canisters ADD COLUMN last_time bigint NOT NULL DEFAULT 0;
