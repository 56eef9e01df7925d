-- Idempotency keys belong to the caller that sent them: two principals may use the same key on one canister
-- without seeing (or claiming) each other's calls, and only the caller (or the admin) reads a call's outcome.
-- Rows from before this migration have no caller (NULL). They stay matched by their key for any caller until
-- they are purged (the retention period, 24 h by default), so a call made before the upgrade is still not run
-- twice; only the admin reads them by id.
ALTER TABLE calls ADD COLUMN caller bytea;
ALTER TABLE calls DROP CONSTRAINT calls_canister_id_idempotency_key_key;
CREATE UNIQUE INDEX calls_caller_key ON calls (canister_id, caller, idempotency_key);
