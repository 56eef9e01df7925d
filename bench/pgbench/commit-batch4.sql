\set k random(0, 15)
\set v random(1, 1000000000)
WITH v AS (SELECT * FROM unnest(ARRAY['c' || ((:k + 0) % 64 + 1),'c' || ((:k + 16) % 64 + 1),'c' || ((:k + 32) % 64 + 1),'c' || ((:k + 48) % 64 + 1)], array_fill(0::bigint, ARRAY[4]), array_fill(2, ARRAY[4]), array_fill(0::bigint, ARRAY[4]),
        array_fill(:v::bigint, ARRAY[4]), array_fill(100::bigint, ARRAY[4]), array_fill('update'::text, ARRAY[4]), array_fill('inc'::text, ARRAY[4]),
        array_fill('\x04'::bytea, ARRAY[4]), array_fill('replied'::text, ARRAY[4]), ARRAY[overlay(decode(repeat('00', 4096), 'hex') placing int8send(:v + 0) from 1),overlay(decode(repeat('00', 4096), 'hex') placing int8send(:v + 1) from 1),overlay(decode(repeat('00', 4096), 'hex') placing int8send(:v + 2) from 1),overlay(decode(repeat('00', 4096), 'hex') placing int8send(:v + 3) from 1)], array_fill(NULL::integer, ARRAY[4]), array_fill(NULL::text, ARRAY[4]),
        array_fill(NULL::bytea, ARRAY[4]), array_fill(NULL::bigint, ARRAY[4]))
      AS v(id, expected, heap_pages, stable_pages, time, instructions, kind, method, caller, outcome, reply, reject_code, reject_message, certified, timer)),
bumped AS (
    UPDATE canisters c SET state_version = c.state_version + 1, heap_pages = v.heap_pages, stable_pages = v.stable_pages,
           certified_data = COALESCE(v.certified, c.certified_data), global_timer = COALESCE(v.timer, c.global_timer),
           last_time = GREATEST(c.last_time, v.time),
           instructions_total = c.instructions_total + v.instructions, updated_at = now(),
           last_call_version = c.state_version + 1, last_call_kind = v.kind, last_call_method = v.method,
           last_call_caller = v.caller, last_call_outcome = v.outcome, last_call_reply = v.reply,
           last_call_reject_code = v.reject_code, last_call_reject_message = v.reject_message
      FROM v WHERE c.id = v.id AND c.state_version >= v.expected
    RETURNING c.id, c.state_version),
written AS (
    INSERT INTO memory_pages (canister_id, kind, page_index, data)
    SELECT p.id, p.kind, p.page_index, p.data FROM unnest(ARRAY['c' || ((:k + 0) % 64 + 1),'c' || ((:k + 16) % 64 + 1),'c' || ((:k + 32) % 64 + 1),'c' || ((:k + 48) % 64 + 1)], array_fill(0::smallint, ARRAY[4]), array_fill(0, ARRAY[4]), ARRAY[overlay(decode(repeat('00', 4096), 'hex') placing int8send(:v + 0) from 1),overlay(decode(repeat('00', 4096), 'hex') placing int8send(:v + 1) from 1),overlay(decode(repeat('00', 4096), 'hex') placing int8send(:v + 2) from 1),overlay(decode(repeat('00', 4096), 'hex') placing int8send(:v + 3) from 1)]) AS p(id, kind, page_index, data)
      JOIN bumped b ON b.id = p.id
    ON CONFLICT (canister_id, kind, page_index) DO UPDATE SET data = EXCLUDED.data),
globals AS (
    INSERT INTO canister_globals (canister_id, global_index, value_low, value_high)
    SELECT g.id, g.gi, g.lo, g.hi FROM unnest(ARRAY['c' || ((:k + 0) % 64 + 1),'c' || ((:k + 16) % 64 + 1),'c' || ((:k + 32) % 64 + 1),'c' || ((:k + 48) % 64 + 1)], array_fill(0, ARRAY[4]), array_fill(:v::bigint, ARRAY[4]), array_fill(0::bigint, ARRAY[4])) AS g(id, gi, lo, hi)
      JOIN bumped b ON b.id = g.id
    ON CONFLICT (canister_id, global_index) DO UPDATE SET value_low = EXCLUDED.value_low, value_high = EXCLUDED.value_high)
SELECT id, state_version FROM bumped;
