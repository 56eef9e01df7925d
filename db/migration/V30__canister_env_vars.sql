-- Environment variables of each canister (the IC's environment_variables setting): at most 20 (checked by the
-- service), names and values of at most 128 bytes. Stored as their UTF-8 bytes, so any text fits (even U+0000) and
-- ORDER BY name is the byte order in which ic0.env_var_name_* index them.
CREATE TABLE canister_env_vars (
    canister_id  text   NOT NULL REFERENCES canisters (id) ON DELETE CASCADE,
    name         bytea  NOT NULL CHECK (octet_length(name) <= 128),
    value        bytea  NOT NULL CHECK (octet_length(value) <= 128),
    PRIMARY KEY (canister_id, name)
);
