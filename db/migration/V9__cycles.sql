-- Each canister's cycles balance (128-bit unsigned in the System API). Nothing is charged yet; canisters burn
-- cycles only with ic0.cycles_burn128.
ALTER TABLE canisters ADD COLUMN cycles numeric(39, 0) NOT NULL DEFAULT 0 CHECK (cycles >= 0);
