#!/usr/bin/env bash
# The same Motoko workload built by moc 3.9.7 (wasm32) and by moc 4.10.0 (wasm64, lowered at install), side by
# side in one run: install time, instructions and time per update and query call (MotokoTargetsBenchmark: the
# service in-process, embedded PostgreSQL in a fresh temp directory, real HTTP). Canisters:
# src/test/resources/motoko64/bench.wasm and bench32/bench.wasm (scripts/build-motoko64-canisters.sh).
# Usage: bench/motoko-targets.sh [rounds] [inserts per update]   (from anywhere; runs at the repository root)
#
# Like heap-persistence.sh, the class runs on the service's own runtime classpath (see the note there).
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp install -DskipTests
./mvnw -q -B -ntp -f bench/pom.xml package
./mvnw -q -B -ntp dependency:build-classpath -Dmdep.includeScope=runtime \
    -Dmdep.outputFile="$PWD/target/motoko-targets.classpath"
java -cp "bench/target/classes:target/canister-host-0.1.0-SNAPSHOT.jar:$(cat target/motoko-targets.classpath)" \
    com.canisterhost.bench.MotokoTargetsBenchmark "$@"
