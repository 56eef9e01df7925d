#!/usr/bin/env bash
# Typed calls against raw ones: the same query of a Motoko canister as binary Candid, as Candid text and as JSON,
# in alternating phases of one run; service CPU per call and its ratio to the raw call (CandidCallBenchmark:
# the service in-process, embedded PostgreSQL in a fresh temp directory, real HTTP). Canister:
# src/test/resources/motoko/ledger.wasm (scripts/build-motoko-canisters.sh).
# Usage: bench/candid-calls.sh [seconds per phase] [rounds] [clients]   (from anywhere; runs at the repository root)
#
# Like heap-persistence.sh, the class runs on the service's own runtime classpath (see the note there).
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp install -DskipTests
./mvnw -q -B -ntp -f bench/pom.xml package
./mvnw -q -B -ntp dependency:build-classpath -Dmdep.includeScope=runtime \
    -Dmdep.outputFile="$PWD/target/candid-calls.classpath"
java -cp "bench/target/classes:target/canister-host-0.1.0-SNAPSHOT.jar:$(cat target/candid-calls.classpath)" \
    com.canisterhost.bench.CandidCallBenchmark "$@"
