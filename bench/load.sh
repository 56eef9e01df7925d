#!/usr/bin/env bash
# Load test, in one run on this machine, against ONE PostgreSQL for both sides (LoadBenchmark has the details):
#   - durable update throughput (16 clients, update/inc over 64 counter canisters) vs the raw PostgreSQL ceiling
#     measured by pgbench in the same run (16 clients, one 4 KiB upsert per transaction), goal >= 50 %;
#   - query throughput (query/get) vs a trivial endpoint of the same application (GET /actuator/info), goal >= 60 %;
#   - p50/p99 latencies; isolation: one client's p99 update latency while two other canisters spin at their
#     instruction limit vs its idle p99, goal <= 10x.
# The markdown table goes to target/load-results.md and into bench/RESULTS.md between <!-- load:start --> and
# <!-- load:end --> (LOAD_README=0 to leave it alone).
#
# Usage: bash bench/load.sh   (from anywhere; runs at the repository root). Needs a PostgreSQL server (default
# 127.0.0.1:5432, user postgres, trust auth) with createdb, dropdb, psql and pgbench on the PATH. It creates the
# database LOAD_DB (default canister_load, dropped first if it exists, and at the end), runs the service jar
# (target/canister-host-*-exec.jar) on it as a separate process on a free port, and drives it over HTTP.
#
# Durations in seconds (defaults: about 4.5 minutes in all, plus the build):
#   LOAD_JIT_WARMUP_SECS=60 unmeasured updates and queries after start-up (the JIT compiles for about a minute)
#   LOAD_WARMUP_SECS=5      unmeasured warm-up before each phase
#   LOAD_PGBENCH_SECS=30    pgbench, in three parts that alternate with two parts of the update phase
#   LOAD_UPDATE_SECS=30     durable updates, in two parts (each after its own warm-up)
#   LOAD_QUERY_SECS=20      per endpoint (query/get, /actuator/info), in two rounds each, ABBA
#   LOAD_ISOLATION_SECS=20  idle, then again with two canisters spinning
# Also: LOAD_CLIENTS=16, LOAD_CANISTERS=64, LOAD_PG_HOST, LOAD_PG_PORT, LOAD_PG_USER, LOAD_DB,
#   LOAD_JAVA_OPTS (service JVM options), LOAD_SKIP_BUILD=1 (use the jars already built).
set -euo pipefail
cd "$(dirname "$0")/.."

export LOAD_PG_HOST=${LOAD_PG_HOST:-127.0.0.1} LOAD_PG_PORT=${LOAD_PG_PORT:-5432} \
    LOAD_PG_USER=${LOAD_PG_USER:-postgres} LOAD_DB=${LOAD_DB:-canister_load}
pg=(-h "$LOAD_PG_HOST" -p "$LOAD_PG_PORT" -U "$LOAD_PG_USER")

if [[ "${LOAD_SKIP_BUILD:-0}" != 1 ]]; then
    ./mvnw -q -B -ntp install -DskipTests
    ./mvnw -q -B -ntp -f bench/pom.xml compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
fi
jar=$(ls target/canister-host-*-exec.jar | head -1)

workdir=$(mktemp -d -t canister-load.XXXXXX)
service_pid=
cleanup() {
    if [[ -n "$service_pid" ]] && kill -0 "$service_pid" 2>/dev/null; then
        kill "$service_pid" && wait "$service_pid" 2>/dev/null || true
    fi
    dropdb "${pg[@]}" --if-exists "$LOAD_DB" || true
    rm -rf "$workdir"
}
trap cleanup EXIT

dropdb "${pg[@]}" --if-exists "$LOAD_DB"
createdb "${pg[@]}" "$LOAD_DB"

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
echo "starting $jar on port $port (log: $workdir/service.log)"
SPRING_DATASOURCE_URL="jdbc:postgresql://$LOAD_PG_HOST:$LOAD_PG_PORT/$LOAD_DB" \
SPRING_DATASOURCE_USERNAME="$LOAD_PG_USER" SPRING_DATASOURCE_PASSWORD= \
    java ${LOAD_JAVA_OPTS:-} -jar "$jar" --server.port="$port" --logging.level.root=WARN \
    >"$workdir/service.log" 2>&1 &
service_pid=$!
for _ in $(seq 120); do
    if curl -fsS "http://127.0.0.1:$port/actuator/health" >/dev/null 2>&1; then
        break
    fi
    if ! kill -0 "$service_pid" 2>/dev/null; then
        cat "$workdir/service.log"
        echo "the service exited" >&2
        exit 1
    fi
    sleep 1
done
curl -fsS "http://127.0.0.1:$port/actuator/health" >/dev/null

rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n "$(git status --porcelain -- src db pom.xml 2>/dev/null)" ]]; then rev="$rev+changes"; fi
export LOAD_BASE_URL="http://127.0.0.1:$port" LOAD_SERVICE_PID=$service_pid LOAD_GIT_REV=$rev \
    LOAD_OUT=${LOAD_OUT:-$PWD/target/load-results.md}
java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" com.canisterhost.bench.LoadBenchmark

if [[ "${LOAD_README:-1}" == 1 ]]; then
    python3 - "$LOAD_OUT" bench/RESULTS.md <<'PY'
import re, sys
table = open(sys.argv[1]).read().strip()
readme = open(sys.argv[2]).read()
start, end = "<!-- load:start -->", "<!-- load:end -->"
if start not in readme or end not in readme:
    sys.exit("bench/RESULTS.md has no " + start + " ... " + end + " markers")
head, rest = readme.split(start, 1)
_, tail = rest.split(end, 1)
open(sys.argv[2], "w").write(head + start + "\n" + table + "\n" + end + tail)
print("bench/RESULTS.md updated")
PY
fi
