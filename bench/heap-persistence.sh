#!/usr/bin/env bash
# Heap persistence: latency and PostgreSQL WAL of an update that dirties one 4 KiB page, on a 64 MiB canister
# against a 64 KiB one (HeapPersistenceBenchmark: the service in-process, embedded PostgreSQL in a fresh temp
# directory, real HTTP). Canisters: src/test/resources/state (scripts/build-state-canisters.sh).
# Usage: bench/heap-persistence.sh   (from anywhere; runs at the repository root)
#
# The benchmark class comes from bench/target/classes, but it runs on the service's own runtime classpath, not on
# the shaded bench/target/benchmarks.jar: that jar keeps a single copy of each Spring Boot
# META-INF/spring/...AutoConfiguration.imports and META-INF/spring.factories (so the service starts without JPA,
# DataSource or web server auto-configuration), and bench/pom.xml has no Spring Boot dependency management (so it
# resolves e.g. slf4j-api 1.7 instead of the service's 2.0).
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp install -DskipTests
./mvnw -q -B -ntp -f bench/pom.xml package
./mvnw -q -B -ntp dependency:build-classpath -Dmdep.includeScope=runtime \
    -Dmdep.outputFile="$PWD/target/heap-persistence.classpath"
java -cp "bench/target/classes:target/canister-host-0.1.0-SNAPSHOT.jar:$(cat target/heap-persistence.classpath)" \
    com.canisterhost.bench.HeapPersistenceBenchmark "$@"
