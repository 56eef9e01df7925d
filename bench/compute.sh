#!/usr/bin/env bash
# Compute corpus, one run: every query of src/test/resources/compute (compute.wasm: bytes, words, bulk, chase;
# workload.wasm: the Motoko textmap; both built by scripts/build-compute-canisters.sh), median ms of one warm call on
#   service  the service (embedded PostgreSQL in a fresh temp directory), POST .../query/<method> (octet-stream)
#            over real HTTP, one call at a time, each module installed under its profile, after at least `warmup`
#            calls and 10 s of warm-up; in two service JVMs, their samples pooled;
#   flat     the same instrumented module on Chicory's flat memory, no service, under JMH (forked JVMs, sampled);
#   heap     the same on the service's copy-on-write heap (CanisterMemory), under JMH;
#   V8       Node's V8 on the plain module (bench/v8/compute.mjs; a wasm64 module lowered to 32-bit first);
# then a markdown table with the ratios and the instruction count, after checking that every engine replied the
# same bytes (ComputeBenchmark). Every call starts from the state canister_init left, as a query does on the host.
# Usage: bench/compute.sh [warmup=20] [runs=20] [methods=all|m1,m2] [engines=service,flat,heap,v8]
#        (needs node on the PATH; about 9 minutes with the defaults)
#
# Like heap-persistence.sh, the class runs on the service's own runtime classpath (see the note there), plus JMH.
# COMPUTE_SKIP_BUILD=1 skips the Maven steps and reads the classpaths from $COMPUTE_CLASSPATH_FILE (default
# target/compute.classpath) and $COMPUTE_JMH_CLASSPATH_FILE (default target/compute-jmh.classpath), for a
# checkout where the jars are already built.
set -euo pipefail
cd "$(dirname "$0")/.."
classpath_file=${COMPUTE_CLASSPATH_FILE:-$PWD/target/compute.classpath}
jmh_classpath_file=${COMPUTE_JMH_CLASSPATH_FILE:-$PWD/target/compute-jmh.classpath}
if [ "${COMPUTE_SKIP_BUILD:-0}" != 1 ]; then
  ./mvnw -q -B -ntp install -DskipTests
  ./mvnw -q -B -ntp -f bench/pom.xml package
  ./mvnw -q -B -ntp dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$classpath_file"
  ./mvnw -q -B -ntp -f bench/pom.xml dependency:build-classpath -DincludeArtifactIds=jmh-core,jopt-simple,commons-math3 \
      -Dmdep.outputFile="$jmh_classpath_file"
fi
java -cp "bench/target/classes:target/canister-host-0.1.0-SNAPSHOT.jar:$(cat "$classpath_file"):$(cat "$jmh_classpath_file")" \
    com.canisterhost.bench.ComputeBenchmark "$@"
