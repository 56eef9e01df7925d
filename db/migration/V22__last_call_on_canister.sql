-- The outcome of a canister's latest committed call now lives on its row, written by the same UPDATE that bumps
-- its state version. The call_records table kept a row per update for a history that nothing read; its insert
-- (heap, index and foreign-key check) cost PostgreSQL about a fifth of its CPU per update.
ALTER TABLE canisters
    ADD COLUMN last_call_version        bigint,   -- the state version the call produced
    ADD COLUMN last_call_kind           text,     -- install, reinstall, upgrade, update, load-snapshot, ...
    ADD COLUMN last_call_method         text,
    ADD COLUMN last_call_caller         bytea,
    ADD COLUMN last_call_outcome        text,     -- replied, rejected
    ADD COLUMN last_call_reply          bytea,
    ADD COLUMN last_call_reject_code    integer,
    ADD COLUMN last_call_reject_message text;

UPDATE canisters k
   SET last_call_version = c.state_version, last_call_kind = c.kind, last_call_method = c.method,
       last_call_caller = c.caller, last_call_outcome = c.outcome, last_call_reply = c.reply,
       last_call_reject_code = c.reject_code, last_call_reject_message = c.reject_message
  FROM (SELECT DISTINCT ON (canister_id) * FROM call_records ORDER BY canister_id, state_version DESC) c
 WHERE c.canister_id = k.id;

DROP TABLE call_records;
