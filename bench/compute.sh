#!/usr/bin/env bash
# Compute corpus, one run, per method of src/test/resources/compute/compute.wasm (bytes, words, bulk, chase; built
# by scripts/build-compute-canisters.sh): warm median wall-clock ms of one call on
#   service  the service in-process (embedded PostgreSQL in a fresh temp directory), POST .../query/<method>
#            (octet-stream) over real HTTP, one call at a time, module installed under the default strict profile;
#   flat     the same instrumented module on Chicory's flat memory, in-process, no service (own JVM);
#   heap     the same on the service's copy-on-write heap (CanisterMemory), in-process, no service (own JVM);
#   V8       Node's V8 on the plain module (bench/v8/compute.mjs);
# then a markdown table with the ratios and the instruction count, after checking that every engine replied the
# same checksum and that the service's X-Instructions equals the in-process count (ComputeBenchmark).
# Plain warm timing loops, not JMH.
# Usage: bench/compute.sh [warmup=20] [runs=20] [methods=bytes,words,bulk,chase]   (needs node on the PATH)
#
# Like heap-persistence.sh, the class runs on the service's own runtime classpath (see the note there).
# COMPUTE_SKIP_BUILD=1 skips the three Maven steps and reads the classpath from $COMPUTE_CLASSPATH_FILE
# (default target/compute.classpath), for a checkout where the jars are already built.
set -euo pipefail
cd "$(dirname "$0")/.."
classpath_file=${COMPUTE_CLASSPATH_FILE:-$PWD/target/compute.classpath}
if [ "${COMPUTE_SKIP_BUILD:-0}" != 1 ]; then
  ./mvnw -q -B -ntp install -DskipTests
  ./mvnw -q -B -ntp -f bench/pom.xml package
  ./mvnw -q -B -ntp dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$classpath_file"
fi
java -cp "bench/target/classes:target/canister-host-0.1.0-SNAPSHOT.jar:$(cat "$classpath_file")" \
    com.canisterhost.bench.ComputeBenchmark "$@"
