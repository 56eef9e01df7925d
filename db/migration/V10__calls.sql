-- Update calls made with an Idempotency-Key or answered asynchronously (Prefer: respond-async): the outcome is
-- written in the transaction that commits the call's state, so a retry can never apply it twice.
CREATE TABLE calls (
    call_id          uuid        PRIMARY KEY,
    canister_id      text        NOT NULL REFERENCES canisters (id) ON DELETE CASCADE,
    idempotency_key  text,
    method           text        NOT NULL,
    arg_sha256       bytea       NOT NULL,
    status           text        NOT NULL CHECK (status IN ('pending', 'replied', 'rejected')),
    reply            bytea,
    reject_kind      text,                    -- execution.RejectKind name
    reject_message   text,
    instructions     bigint,
    state_version    bigint,
    created_at       timestamptz NOT NULL DEFAULT now(),
    completed_at     timestamptz,
    UNIQUE (canister_id, idempotency_key)
);

CREATE INDEX calls_completed_at ON calls (completed_at);
