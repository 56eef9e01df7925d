-- Controllers (at most 10, as on the IC) and who may read a canister's logs.
ALTER TABLE canisters ADD CONSTRAINT canisters_controllers_max CHECK (cardinality(controllers) <= 10);
ALTER TABLE canisters ADD COLUMN log_visibility text NOT NULL DEFAULT 'controllers'
    CHECK (log_visibility IN ('controllers', 'public'));
