#!/usr/bin/env bash
# Compares two service builds under the same update load in paired, alternating bursts (CompareBuilds has the
# details): both jars run at once, each on a fresh database of its own on one PostgreSQL server.
#
# Usage: bash bench/compare.sh A.jar B.jar [rounds, default 10] [seconds per burst, default 5]
# COMPARE_CALL: the call to make (default update/inc; query/get compares queries; "updates" in the report are calls).
# COMPARE_CANISTERS: how many canisters the clients share (default 64; 1 puts every client on one hot canister).
# Extra service arguments per side: COMPARE_ARGS_A, COMPARE_ARGS_B (e.g. "--canister.execution.max-threads=16");
# JVM options per side: COMPARE_JAVA_A, COMPARE_JAVA_B (e.g. "-XX:+UseParallelGC").
# PostgreSQL as for load.sh: LOAD_PG_HOST, LOAD_PG_PORT, LOAD_PG_USER (databases compare_a and compare_b, dropped
# at the end). Needs the bench module compiled (bash bench/load.sh does that, or see its build lines).
set -euo pipefail
cd "$(dirname "$0")/.."
jar_a=$(realpath "$1") jar_b=$(realpath "$2") rounds=${3:-10} secs=${4:-5}
pg=(-h "${LOAD_PG_HOST:-127.0.0.1}" -p "${LOAD_PG_PORT:-5432}" -U "${LOAD_PG_USER:-postgres}")
if [[ ! -f bench/target/classpath.txt ]]; then
    ./mvnw -q -B -ntp -f bench/pom.xml compile dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
fi

pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    for db in compare_a compare_b; do dropdb "${pg[@]}" --if-exists "$db" || true; done
}
trap cleanup EXIT

start() { # jar database extra-arguments JVM-options; prints "url pid"
    local port
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    dropdb "${pg[@]}" --if-exists "$2"
    createdb "${pg[@]}" "$2"
    # shellcheck disable=SC2086
    SPRING_DATASOURCE_URL="jdbc:postgresql://${LOAD_PG_HOST:-127.0.0.1}:${LOAD_PG_PORT:-5432}/$2" \
    SPRING_DATASOURCE_USERNAME="${LOAD_PG_USER:-postgres}" SPRING_DATASOURCE_PASSWORD= \
        java $4 -jar "$1" --server.port="$port" --logging.level.root=WARN $3 >"target/compare-$2.log" 2>&1 &
    echo "http://127.0.0.1:$port $!"
}
read -r url_a pid_a < <(start "$jar_a" compare_a "${COMPARE_ARGS_A:-}" "${COMPARE_JAVA_A:-}")
pids+=("$pid_a")
read -r url_b pid_b < <(start "$jar_b" compare_b "${COMPARE_ARGS_B:-}" "${COMPARE_JAVA_B:-}")
pids+=("$pid_b")
for url in "$url_a" "$url_b"; do
    for _ in $(seq 120); do
        if curl -fsS "$url/actuator/health" >/dev/null 2>&1; then break; fi
        sleep 1
    done
    curl -fsS "$url/actuator/health" >/dev/null
done
echo "A: $jar_a ${COMPARE_ARGS_A:-}"
echo "B: $jar_b ${COMPARE_ARGS_B:-}"
java -cp "bench/target/classes:$(cat bench/target/classpath.txt)" com.canisterhost.bench.CompareBuilds \
    "$url_a" "$pid_a" "$url_b" "$pid_b" "$rounds" "$secs"
