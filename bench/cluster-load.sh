#!/usr/bin/env bash
# Two nodes against one, by hand (never run from .ci/run or the tests): two service nodes (canister.cluster.enabled)
# on one fresh database of the PostgreSQL server at 127.0.0.1:5432, 64 counter canisters, 16 closed-loop clients
# of update/inc. ClusterLoadBenchmark alternates updates sent to each canister's own node and to the other node
# (forwarded), then stops one node and runs every update on the other: updates/s, p50, p99 and the service JVMs'
# CPU per update of each phase, to target/cluster-load-results.md. On one machine's cores it shows the cost of
# forwarding and of a second JVM, not scaling.
#
# Usage: bash bench/cluster-load.sh   (from anywhere; runs at the repository root). Needs createdb and dropdb, and
# trust authentication for CLUSTER_PG_USER on 127.0.0.1; creates and drops CLUSTER_DB (default
# canister_cluster_load). Also: CLUSTER_CLIENTS=16, CLUSTER_CANISTERS=64, CLUSTER_WARMUP_SECS=60,
# CLUSTER_PHASE_SECS=10, CLUSTER_PG_HOST, CLUSTER_PG_PORT, CLUSTER_JAVA_OPTS (default -Xmx1g), CLUSTER_SKIP_BUILD=1.
set -euo pipefail
cd "$(dirname "$0")/.."

export CLUSTER_PG_HOST=${CLUSTER_PG_HOST:-127.0.0.1} CLUSTER_PG_PORT=${CLUSTER_PG_PORT:-5432} \
    CLUSTER_PG_USER=${CLUSTER_PG_USER:-postgres} CLUSTER_DB=${CLUSTER_DB:-canister_cluster_load}
pg=(-h "$CLUSTER_PG_HOST" -p "$CLUSTER_PG_PORT" -U "$CLUSTER_PG_USER")

if [[ "${CLUSTER_SKIP_BUILD:-0}" != 1 ]]; then
    ./mvnw -q -B -ntp install -DskipTests
    ./mvnw -q -B -ntp -f bench/pom.xml compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
fi
jar=$(ls target/canister-host-*-exec.jar | head -1)

workdir=$(mktemp -d -t canister-cluster-load.XXXXXX)
cleanup() {
    for pidfile in "$workdir"/*.pid; do
        [[ -f "$pidfile" ]] || continue
        pid=$(cat "$pidfile")
        if ps -p "$pid" -o args= 2>/dev/null | grep -q "$jar"; then kill -9 "$pid" || true; fi
    done
    dropdb "${pg[@]}" --if-exists "$CLUSTER_DB" || true
    echo "node logs were in $workdir"
}
trap cleanup EXIT

dropdb "${pg[@]}" --if-exists "$CLUSTER_DB"
createdb "${pg[@]}" "$CLUSTER_DB"

export CLUSTER_JAR=$jar CLUSTER_WORKDIR=$workdir CLUSTER_OUT=${CLUSTER_OUT:-$PWD/target/cluster-load-results.md} \
    CLUSTER_DATASOURCE_URL="jdbc:postgresql://$CLUSTER_PG_HOST:$CLUSTER_PG_PORT/$CLUSTER_DB"
java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" com.canisterhost.bench.ClusterLoadBenchmark
