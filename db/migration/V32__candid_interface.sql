-- A Candid interface (.did text) a controller attached to a canister whose module declares none; the module's own
-- candid:service metadata, when it has one, is read from the module.
ALTER TABLE canisters ADD COLUMN candid_attached text;
