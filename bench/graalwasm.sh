#!/usr/bin/env bash
# GraalWasm side by side with the compute corpus (issue 24's optional engine trial; not part of the service):
# runs src/test/resources/compute/compute.wasm's queries on GraalWasm 25.0.1 with its optimizing runtime, both the
# plain module and the module instrumented as the service installs it (its counter and depth globals given large
# initial values and the counter exported, via wabt), and prints the medians, replies and instruction counts to
# set beside bench/compute.sh's table. Needs a JDK >= 21 with JVMCI (GRAAL_JAVA_HOME, default Temurin 25 under
# /usr/lib/jvm), wabt (apt-get install wabt) and the bench module built (bench/compute.sh builds it).
# Without JVMCI and the Graal compiler on the upgrade module path, GraalWasm falls back to its interpreter.
# Usage: bash bench/graalwasm.sh [warmup=10] [runs=20] [methods=bytes,words,bulk,chase]
set -euo pipefail
cd "$(dirname "$0")/.."
warmup=${1:-10}; runs=${2:-20}; methods=${3:-bytes,words,bulk,chase}
java_home=${GRAAL_JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
version=25.0.1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
  <groupId>bench</groupId><artifactId>graalwasm</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>org.graalvm.polyglot</groupId><artifactId>polyglot</artifactId><version>$version</version></dependency>
    <dependency><groupId>org.graalvm.polyglot</groupId><artifactId>wasm</artifactId><version>$version</version><type>pom</type></dependency>
    <dependency><groupId>org.graalvm.compiler</groupId><artifactId>compiler</artifactId><version>$version</version></dependency>
  </dependencies>
</project>
POM
JAVA_HOME=$java_home ./mvnw -q -B -ntp -f "$work/pom.xml" dependency:build-classpath -Dmdep.outputFile="$work/cp" 2>/dev/null
modules=$(tr ':' '\n' < "$work/cp" | grep '\.jar$' | paste -sd:)
compiler=$(tr ':' '\n' < "$work/cp" | grep '/compiler-[0-9.]*\.jar$')
"$java_home/bin/javac" -d "$work/classes" --module-path "$modules" --add-modules org.graalvm.polyglot \
    bench/graalwasm/GraalCompute.java

# the service's instrumented module, its counter (global 1) and depth (global 2) started high, the counter exported
java -cp "bench/target/classes:target/canister-host-0.1.0-SNAPSHOT.jar:$(cat target/compute.classpath)" \
    com.canisterhost.module.ComputeEngine instrumented src/test/resources/compute/compute.wasm "$work/instrumented.wasm"
wasm2wat --enable-all "$work/instrumented.wasm" \
  | sed -e 's/^\(  (global (;1;) (mut i64) (i64.const \)0))/\14611686018427387904))\n  (export "counter" (global 1))/' \
        -e 's/^\(  (global (;2;) (mut i32) (i32.const \)0))/\11000000000))/' > "$work/instrumented.wat"
grep -q '(export "counter"' "$work/instrumented.wat" || { echo "instrumented module: counter global not found" >&2; exit 1; }
wat2wasm --enable-all "$work/instrumented.wat" -o "$work/instrumented-open.wasm"

for module in src/test/resources/compute/compute.wasm "$work/instrumented-open.wasm"; do
  echo "== GraalWasm $version on $(basename "$module")"
  "$java_home/bin/java" -XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI --upgrade-module-path="$compiler" \
      --module-path="$modules" --add-modules=org.graalvm.polyglot -cp "$work/classes" \
      GraalCompute "$module" "$methods" "$warmup" "$runs" 2>&1 | grep -v '^WARNING'
done
