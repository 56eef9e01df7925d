#!/usr/bin/env bash
# Group commit measured on PostgreSQL alone, by hand with pgbench: a counter update's commit (fenced bump with the
# call's outcome, one 4 KiB page, one global) one per statement, against the batched statement (BatchCommitStatement's
# shape, arrays built server-side) for 2, 4 and 8 canisters per statement, with 16 commits in flight each time.
# Reports commits/s and the machine time per commit (busy cores ÷ commits/s, from /proc/stat: PostgreSQL plus
# pgbench plus whatever else runs). pgbench cannot carry each canister's version from one transaction to the next,
# so the scripts fence on state_version >= 0 instead of the exact expected version; the rows touched are the same.
#
# Usage: bash bench/group-commit-pgbench.sh [seconds per run, default 8] [rounds, default 2]. Needs a PostgreSQL
# server (LOAD_PG_HOST/PORT/USER as for load.sh) and createdb, dropdb, psql, pgbench; uses the database
# group_commit_bench (dropped first and at the end).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-8} rounds=${2:-2}
pg=(-h "${LOAD_PG_HOST:-127.0.0.1}" -p "${LOAD_PG_PORT:-5432}" -U "${LOAD_PG_USER:-postgres}")
db=group_commit_bench
scripts=$(mktemp -d -t group-commit-pgbench.XXXXXX)
trap 'dropdb "${pg[@]}" --if-exists "$db" >/dev/null 2>&1 || true; rm -rf "$scripts"' EXIT
dropdb "${pg[@]}" --if-exists "$db"
createdb "${pg[@]}" "$db"
for f in $(ls db/migration/V*.sql | sort -t V -k 2 -n); do
    psql "${pg[@]}" -q -v ON_ERROR_STOP=1 -d "$db" -f "$f" >/dev/null
done
psql "${pg[@]}" -q -d "$db" <<'SQL'
INSERT INTO canisters (id) SELECT 'c' || k FROM generate_series(1, 64) k;
INSERT INTO memory_pages SELECT 'c' || k, 0, 0, decode(repeat('00', 4096), 'hex') FROM generate_series(1, 64) k;
INSERT INTO canister_globals SELECT 'c' || k, 0, 0, 0 FROM generate_series(1, 64) k;
SQL

# one commit per statement, as CommitStatement builds it for a counter's update
cat > "$scripts/commit-single.sql" <<'SQL'
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
SQL

batch() { # n: the batched statement for canisters k, k + 64/n, ... (distinct), as BatchCommitStatement builds it
    local n=$1 step=$((64 / $1)) ids="" pages="" i
    for i in $(seq 0 $((n - 1))); do
        ids="$ids${ids:+,}'c' || ((:k + $((i * step))) % 64 + 1)"
        pages="$pages${pages:+,}overlay(decode(repeat('00', 4096), 'hex') placing int8send(:v + $i) from 1)"
    done
    cat > "$scripts/commit-batch$n.sql" <<SQL
\\set k random(0, $((step - 1)))
\\set v random(1, 1000000000)
WITH v AS (SELECT * FROM unnest(ARRAY[$ids], array_fill(0::bigint, ARRAY[$n]), array_fill(2, ARRAY[$n]),
        array_fill(0::bigint, ARRAY[$n]), array_fill(:v::bigint, ARRAY[$n]), array_fill(100::bigint, ARRAY[$n]),
        array_fill('update'::text, ARRAY[$n]), array_fill('inc'::text, ARRAY[$n]), array_fill('\\x04'::bytea, ARRAY[$n]),
        array_fill('replied'::text, ARRAY[$n]), ARRAY[$pages], array_fill(NULL::integer, ARRAY[$n]),
        array_fill(NULL::text, ARRAY[$n]), array_fill(NULL::bytea, ARRAY[$n]), array_fill(NULL::bigint, ARRAY[$n]))
      AS v(id, expected, heap_pages, stable_pages, time, instructions, kind, method, caller, outcome, reply,
           reject_code, reject_message, certified, timer)),
bumped AS (
    UPDATE canisters c SET state_version = c.state_version + 1, heap_pages = v.heap_pages,
           stable_pages = v.stable_pages, certified_data = COALESCE(v.certified, c.certified_data),
           global_timer = COALESCE(v.timer, c.global_timer), last_time = GREATEST(c.last_time, v.time),
           instructions_total = c.instructions_total + v.instructions, updated_at = now(),
           last_call_version = c.state_version + 1, last_call_kind = v.kind, last_call_method = v.method,
           last_call_caller = v.caller, last_call_outcome = v.outcome, last_call_reply = v.reply,
           last_call_reject_code = v.reject_code, last_call_reject_message = v.reject_message
      FROM v WHERE c.id = v.id AND c.state_version >= v.expected
    RETURNING c.id, c.state_version),
written AS (
    INSERT INTO memory_pages (canister_id, kind, page_index, data)
    SELECT p.id, p.kind, p.page_index, p.data
      FROM unnest(ARRAY[$ids], array_fill(0::smallint, ARRAY[$n]), array_fill(0, ARRAY[$n]), ARRAY[$pages])
        AS p(id, kind, page_index, data)
      JOIN bumped b ON b.id = p.id
    ON CONFLICT (canister_id, kind, page_index) DO UPDATE SET data = EXCLUDED.data),
globals AS (
    INSERT INTO canister_globals (canister_id, global_index, value_low, value_high)
    SELECT g.id, g.gi, g.lo, g.hi
      FROM unnest(ARRAY[$ids], array_fill(0, ARRAY[$n]), array_fill(:v::bigint, ARRAY[$n]), array_fill(0::bigint, ARRAY[$n]))
        AS g(id, gi, lo, hi)
      JOIN bumped b ON b.id = g.id
    ON CONFLICT (canister_id, global_index) DO UPDATE SET value_low = EXCLUDED.value_low, value_high = EXCLUDED.value_high)
SELECT id, state_version FROM bumped;
SQL
}
batch 2
batch 4
batch 8

run() { # script clients commits-per-transaction
    local a b
    read -r -a a < <(head -1 /proc/stat)
    local tps
    tps=$(pgbench "${pg[@]}" -n -M prepared -c "$2" -j 2 -T "$secs" -f "$scripts/$1" "$db" 2>/dev/null \
        | awk '/^tps/ {print $3}')
    read -r -a b < <(head -1 /proc/stat)
    local busy=$(( (b[1]+b[2]+b[3]+b[5]+b[6]+b[7]) - (a[1]+a[2]+a[3]+a[5]+a[6]+a[7]) )) idle=$(( b[4] - a[4] ))
    awk -v tps="$tps" -v n="$3" -v busy="$busy" -v idle="$idle" -v s="$1" -v c="$2" -v cores="$(nproc)" 'BEGIN {
        printf "%-18s %2d clients  %7.0f commits/s  busy %.2f  machine time per commit %5.1f us\n",
            s, c, tps * n, busy / (busy + idle), 1e6 * cores * busy / (busy + idle) / (tps * n) }'
}
for r in $(seq "$rounds"); do
    run commit-single.sql 16 1
    run commit-batch2.sql 8 2
    run commit-batch4.sql 4 4
    run commit-batch8.sql 2 8
done
