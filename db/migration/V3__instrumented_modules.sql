-- Modules as instrumented for metering, per determinism profile and cost-table version: rebuilt, never reused,
-- when the cost table changes.
CREATE TABLE instrumented_modules (
    module_hash         bytea    NOT NULL REFERENCES modules (hash),
    profile             text     NOT NULL,
    cost_table_version  integer  NOT NULL,
    start_function      integer,
    bytes               bytea    NOT NULL,
    PRIMARY KEY (module_hash, profile, cost_table_version)
);

-- Instructions of every committed execution, summed per canister.
ALTER TABLE canisters ADD COLUMN instructions_total bigint NOT NULL DEFAULT 0;
