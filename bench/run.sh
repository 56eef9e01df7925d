#!/usr/bin/env bash
# Builds the service jar and the JMH benchmarks, then runs the benchmarks matching $1 (default: all).
# Extra arguments go to JMH, e.g.: bench/run.sh ValidationBenchmark -f 1 -wi 3 -i 5
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp install -DskipTests
./mvnw -q -B -ntp -f bench/pom.xml package
java -jar bench/target/benchmarks.jar "$@"
