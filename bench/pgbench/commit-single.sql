\set k random(1, 64)
\set v random(1, 1000000000)
WITH bumped AS (
    UPDATE canisters SET state_version = state_version + 1, heap_pages = 2, stable_pages = 0,
           certified_data = COALESCE(NULL, certified_data),
           global_timer = COALESCE(NULL, global_timer), last_time = GREATEST(last_time, :v),
           cycles = COALESCE(NULL, cycles),
           module_hash = COALESCE(NULL, module_hash), profile = COALESCE(NULL, profile),
           instructions_total = instructions_total + 100, updated_at = now(),
           last_call_version = state_version + 1, last_call_kind = 'update', last_call_method = 'inc',
           last_call_caller = '\x04'::bytea, last_call_outcome = 'replied', last_call_reply = int8send(:v),
           last_call_reject_code = NULL, last_call_reject_message = NULL
     WHERE id = 'c' || :k AND state_version >= 0
    RETURNING id, state_version),
written AS (
    INSERT INTO memory_pages (canister_id, kind, page_index, data)
    SELECT b.id, p.kind, p.page_index, p.data FROM bumped b, (VALUES (0::smallint, 0::integer, overlay(decode(repeat('00', 4096), 'hex') placing int8send(:v) from 1))) AS p(kind, page_index, data)
    ON CONFLICT (canister_id, kind, page_index) DO UPDATE SET data = EXCLUDED.data),
globals AS (
    INSERT INTO canister_globals (canister_id, global_index, value_low, value_high)
    SELECT b.id, v.global_index, v.value_low, v.value_high FROM bumped b, (VALUES (0::integer, :v::bigint, 0::bigint)) AS v(global_index, value_low, value_high)
    ON CONFLICT (canister_id, global_index)
    DO UPDATE SET value_low = EXCLUDED.value_low, value_high = EXCLUDED.value_high)
SELECT state_version FROM bumped;
