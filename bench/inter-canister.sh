#!/usr/bin/env bash
# Inter-canister round trips (a caller awaits its callee's inc: three executions, three commits) against direct
# ingress updates (inc on a callee), 64 pairs, 16 clients, alternating phases in one run (InterCanisterBenchmark:
# the service in-process, embedded PostgreSQL in a fresh temp directory, real HTTP). Canisters:
# src/test/resources/calls (scripts/build-call-canisters.sh).
# Usage: bench/inter-canister.sh [seconds per phase] [rounds] [clients] [warm-up seconds, run three times per kind]   (from anywhere; runs at the repository root)
#
# Like heap-persistence.sh, the class runs on the service's own runtime classpath (see the note there).
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp install -DskipTests
./mvnw -q -B -ntp -f bench/pom.xml package
./mvnw -q -B -ntp dependency:build-classpath -Dmdep.includeScope=runtime \
    -Dmdep.outputFile="$PWD/target/inter-canister.classpath"
java -cp "bench/target/classes:target/canister-host-0.1.0-SNAPSHOT.jar:$(cat target/inter-canister.classpath)" \
    com.canisterhost.bench.InterCanisterBenchmark "$@"
