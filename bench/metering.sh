#!/usr/bin/env bash
# Metering overhead and engine speed, in one run, on the same sha256 canister (1 MiB x ROUNDS):
#   Chicory compiler + instrumentation vs Chicory compiler alone vs Node's V8, and the instrumented module on the
#   service's own copy-on-write heap (CanisterMemory) as the service runs it.
# Then the overhead once more, on the service's heap, alternating the two variants call by call in 6 fresh JVMs
# (MeteringOverhead: thread CPU time, medians), which a busy machine skews far less than back-to-back JMH forks.
# Usage: bench/metering.sh [rounds=8]   (needs node on the PATH)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-8}
./mvnw -q -B -ntp install -DskipTests
./mvnw -q -B -ntp -f bench/pom.xml package
csv=$(mktemp /tmp/metering-jmh.XXXXXX.csv) # not a fixed name: other checkouts may run this at the same time
trap 'rm -f "$csv"' EXIT
java -jar bench/target/benchmarks.jar MeteringBenchmark -p rounds="$rounds" -rf csv -rff "$csv" \
    | tail -5
v8=$(node bench/v8/sha256.mjs "$rounds" 30 | tail -1)
echo "$v8"
v8_ms=$(echo "$v8" | sed -E 's/.*mean_ms=([0-9.]+).*/\1/')
python3 - "$v8_ms" "$csv" <<'PY'
import csv, sys
v8 = float(sys.argv[1])
rows = {r["Benchmark"].split(".")[-1]: float(r["Score"]) for r in csv.DictReader(open(sys.argv[2]))}
inst, plain = rows["compiledInstrumented"], rows["compiledUninstrumented"]
service, service_plain = rows["serviceConfiguration"], rows["serviceHeapUninstrumented"]
print(f"instrumented compiled  {inst:8.2f} ms")
print(f"uninstrumented compiled {plain:7.2f} ms")
print(f"service configuration  {service:8.2f} ms   (instrumented, on the service's copy-on-write heap)")
print(f"service heap, plain    {service_plain:8.2f} ms   (uninstrumented, same heap)")
print(f"node v8                {v8:8.2f} ms")
print(f"metering overhead: {100 * (inst / plain - 1):.1f} %   instrumented/V8: {inst / v8:.2f}x   "
      f"uninstrumented/V8: {plain / v8:.2f}x")
print(f"on the service's heap: metering overhead {100 * (service / service_plain - 1):.1f} %   "
      f"instrumented/V8: {service / v8:.2f}x   uninstrumented/V8: {service_plain / v8:.2f}x")
PY
java -cp bench/target/benchmarks.jar com.canisterhost.module.MeteringOverhead "$rounds" 6 12 20
