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
# group_commit_bench (dropped first and at the end). The scripts are in bench/pgbench/.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-8} rounds=${2:-2}
pg=(-h "${LOAD_PG_HOST:-127.0.0.1}" -p "${LOAD_PG_PORT:-5432}" -U "${LOAD_PG_USER:-postgres}")
db=group_commit_bench
trap 'dropdb "${pg[@]}" --if-exists "$db" >/dev/null 2>&1 || true' EXIT
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

run() { # script clients commits-per-transaction
    local a b
    read -r -a a < <(head -1 /proc/stat)
    local tps
    tps=$(pgbench "${pg[@]}" -n -M prepared -c "$2" -j 2 -T "$secs" -f "bench/pgbench/$1" "$db" 2>/dev/null \
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
