-- API keys: only the SHA-256 of a key is kept; its principal (derived from the key) names it.
CREATE TABLE api_keys (
    principal   text        PRIMARY KEY,
    key_hash    bytea       NOT NULL UNIQUE,
    name        text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);
