#!/usr/bin/env bash
# Several nodes on one database, by hand (never run from .ci/run or the tests): service nodes with
# canister.cluster.enabled on one fresh database of the PostgreSQL server at 127.0.0.1:5432.
#
#   bash bench/cluster.sh faults   three nodes, 16 clients making durable updates (update/inc, one counter canister
#                                  each) through all three, then a SIGKILL of one node. ClusterFaultBenchmark reports
#                                  the acknowledged updates lost and those applied twice (both must be 0), how long the
#                                  dead node's canisters took to answer again (goal: under 5 s with the default lease)
#                                  and the answers during the takeover by status (target/cluster-fault-results.md).
#   bash bench/cluster.sh load     two nodes, 64 counter canisters, 16 closed-loop clients: updates to each canister's
#                                  own node against updates through the other node (forwarded), then one node alone
#                                  (ClusterLoadBenchmark: updates/s, p50, p99 and the nodes' CPU per update, to
#                                  target/cluster-load-results.md). On one machine's cores it shows the cost of
#                                  forwarding and of a second JVM, not scaling.
#
# From anywhere; runs at the repository root. Needs createdb and dropdb on the PATH and trust authentication for
# CLUSTER_PG_USER on 127.0.0.1; creates the database CLUSTER_DB (default canister_cluster_<mode>, dropped first if
# it exists, and at the end). Also: CLUSTER_PG_HOST, CLUSTER_PG_PORT, CLUSTER_PG_USER, CLUSTER_JAVA_OPTS (the nodes'
# JVM options, default -Xmx1g), CLUSTER_SKIP_BUILD=1 (use the jars already built), CLUSTER_CLIENTS=16; for faults
# CLUSTER_WARMUP_SECS=30, CLUSTER_AFTER_SECS=20, CLUSTER_TIMEOUT_MS=5000; for load CLUSTER_CANISTERS=64,
# CLUSTER_WARMUP_SECS=60, CLUSTER_PHASE_SECS=10.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:?usage: bash bench/cluster.sh faults|load}
case "$mode" in
    faults) main=ClusterFaultBenchmark ;;
    load) main=ClusterLoadBenchmark ;;
    *) echo "usage: bash bench/cluster.sh faults|load" >&2; exit 2 ;;
esac

export CLUSTER_PG_HOST=${CLUSTER_PG_HOST:-127.0.0.1} CLUSTER_PG_PORT=${CLUSTER_PG_PORT:-5432} \
    CLUSTER_PG_USER=${CLUSTER_PG_USER:-postgres} CLUSTER_DB=${CLUSTER_DB:-canister_cluster_$mode}
pg=(-h "$CLUSTER_PG_HOST" -p "$CLUSTER_PG_PORT" -U "$CLUSTER_PG_USER")

if [[ "${CLUSTER_SKIP_BUILD:-0}" != 1 ]]; then
    ./mvnw -q -B -ntp install -DskipTests
    ./mvnw -q -B -ntp -f bench/pom.xml compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
fi
jar=$(ls target/canister-host-*-exec.jar | head -1)

workdir=$(mktemp -d -t "canister-cluster-$mode.XXXXXX")
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

export CLUSTER_JAR=$jar CLUSTER_WORKDIR=$workdir CLUSTER_DATASOURCE_URL="jdbc:postgresql://$CLUSTER_PG_HOST:$CLUSTER_PG_PORT/$CLUSTER_DB"
java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" "com.canisterhost.bench.$main"
