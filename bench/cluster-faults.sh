#!/usr/bin/env bash
# A node's death under load, by hand (too slow for CI; never run from .ci/run or the tests): three service nodes
# (canister.cluster.enabled) on one fresh database of the PostgreSQL server at 127.0.0.1:5432, 16 clients making
# durable updates (update/inc, one counter canister each) through all three, then a SIGKILL of one node.
# ClusterFaultBenchmark reports the acknowledged updates lost and those applied twice (both must be 0), how long the
# dead node's canisters took to answer again (goal: under 5 s with the default lease), and the answers during the
# takeover by status. The table goes to target/cluster-fault-results.md.
#
# Usage: bash bench/cluster-faults.sh   (from anywhere; runs at the repository root). Needs createdb and dropdb on
# the PATH and trust authentication for CLUSTER_PG_USER on 127.0.0.1. Creates the database CLUSTER_DB (default
# canister_cluster_faults, dropped first if it exists, and at the end).
# Also: CLUSTER_CLIENTS=16, CLUSTER_WARMUP_SECS=30, CLUSTER_AFTER_SECS=20, CLUSTER_TIMEOUT_MS=5000,
# CLUSTER_PG_HOST, CLUSTER_PG_PORT, CLUSTER_PG_USER, CLUSTER_JAVA_OPTS (node JVM options, default -Xmx1g),
# CLUSTER_SKIP_BUILD=1 (use the jars already built).
set -euo pipefail
cd "$(dirname "$0")/.."

export CLUSTER_PG_HOST=${CLUSTER_PG_HOST:-127.0.0.1} CLUSTER_PG_PORT=${CLUSTER_PG_PORT:-5432} \
    CLUSTER_PG_USER=${CLUSTER_PG_USER:-postgres} CLUSTER_DB=${CLUSTER_DB:-canister_cluster_faults}
pg=(-h "$CLUSTER_PG_HOST" -p "$CLUSTER_PG_PORT" -U "$CLUSTER_PG_USER")

if [[ "${CLUSTER_SKIP_BUILD:-0}" != 1 ]]; then
    ./mvnw -q -B -ntp install -DskipTests
    ./mvnw -q -B -ntp -f bench/pom.xml compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
fi
jar=$(ls target/canister-host-*-exec.jar | head -1)

workdir=$(mktemp -d -t canister-cluster-faults.XXXXXX)
cleanup() {
    for pidfile in "$workdir"/*.pid; do
        [[ -f "$pidfile" ]] || continue
        pid=$(cat "$pidfile") # a node the driver left running (if it is still that process)
        if ps -p "$pid" -o args= 2>/dev/null | grep -q "$jar"; then kill -9 "$pid" || true; fi
    done
    dropdb "${pg[@]}" --if-exists "$CLUSTER_DB" || true
    echo "node logs were in $workdir"
}
trap cleanup EXIT

dropdb "${pg[@]}" --if-exists "$CLUSTER_DB"
createdb "${pg[@]}" "$CLUSTER_DB"

export CLUSTER_JAR=$jar CLUSTER_WORKDIR=$workdir CLUSTER_OUT=${CLUSTER_OUT:-$PWD/target/cluster-fault-results.md} \
    CLUSTER_DATASOURCE_URL="jdbc:postgresql://$CLUSTER_PG_HOST:$CLUSTER_PG_PORT/$CLUSTER_DB"
java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" com.canisterhost.bench.ClusterFaultBenchmark
