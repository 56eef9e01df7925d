-- The determinism profile the installed module was validated under (null while the canister is empty).
ALTER TABLE canisters ADD COLUMN profile text CHECK (profile IN ('strict', 'canonical-nan'));
