#!/usr/bin/env bash
# Proves that `docker compose up` starts this service and keeps its state across a restart (see
# docs/compose-smoke.md). Run by hand, as root, on a Debian bookworm machine; never part of CI.
#
#   scripts/compose-smoke.sh           # reuse the local stand-in images if they exist
#   scripts/compose-smoke.sh --clean   # first wipe ALL of this Docker's images, containers, volumes, caches
#
# Where no image registry is reachable (only Debian's packages and Maven Central), the official base images
# cannot be pulled, so this script stands local images in for them, built from Debian packages:
#   canister-host-local/debian:bookworm  a minimal bookworm made by debootstrap and `docker import`ed
#   canister-host-local/temurin:17-jdk   eclipse-temurin:17-jdk (Debian's openjdk-17-jdk-headless)
#   canister-host-local/temurin:17-jre   eclipse-temurin:17-jre (Debian's openjdk-17-jre-headless)
#   canister-host-local/postgres:15      postgres:16 (bookworm has PostgreSQL 15; see compose-images/postgres)
# and hands them to docker-compose.yml through POSTGRES_IMAGE, JDK_IMAGE and JRE_IMAGE (whose defaults are
# the official images). The app image itself is built by compose from the Dockerfile, Maven downloading from
# Maven Central inside the build, from a clean state: nothing of the host's Maven repository is used.
set -euo pipefail
cd "$(dirname "$0")/.."

CLEAN=false
case "${1:-}" in
    --clean) CLEAN=true ;;
    '') ;;
    *) echo "usage: $0 [--clean]" >&2; exit 2 ;;
esac

LOCAL=canister-host-local
BASE_IMAGE=$LOCAL/debian:bookworm
export JDK_IMAGE=$LOCAL/temurin:17-jdk JRE_IMAGE=$LOCAL/temurin:17-jre POSTGRES_IMAGE=$LOCAL/postgres:15
# A project name of its own, so that the final `down -v` removes only this script's containers and volume.
export COMPOSE_PROJECT_NAME=canisterhostsmoke
# The compose file requires an admin key (without one the service listens on 127.0.0.1 inside its container).
export CANISTER_ADMIN_KEY=${CANISTER_ADMIN_KEY:-$(head -c 32 /dev/urandom | base64)}
HOST=http://localhost:8080
HEALTH_TIMEOUT=${HEALTH_TIMEOUT:-300}

START=$SECONDS
FAILURES=0
WORK=$(mktemp -d)
DOCKERD_PID=
COMPOSE_STARTED=false

note() { printf '[%4ds] %s\n' $((SECONDS - START)) "$*"; }
pass() { printf '[%4ds] PASS %s\n' $((SECONDS - START)) "$*"; }
fail() { printf '[%4ds] FAIL %s\n' $((SECONDS - START)) "$*"; FAILURES=$((FAILURES + 1)); }
die() { fail "$*"; exit 1; }

cleanup() {
    local rc=$?
    set +e
    if $COMPOSE_STARTED; then
        note "compose down -v (containers, network and the pgdata volume of project $COMPOSE_PROJECT_NAME)"
        compose down -v --remove-orphans >"$WORK/down.log" 2>&1 || cat "$WORK/down.log"
    fi
    if [ -n "$DOCKERD_PID" ]; then
        # This script started dockerd, so it stops it (and the containerd dockerd started for itself).
        note "stopping the dockerd this script started (pid $DOCKERD_PID)"
        kill "$DOCKERD_PID"
        for _ in $(seq 60); do kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 1; done
        if docker info >/dev/null 2>&1; then fail "dockerd still answers"; rc=1; else note "dockerd stopped"; fi
    fi
    rm -rf "$WORK"
    if [ "$rc" = 0 ] && [ "$FAILURES" = 0 ]; then
        note "ALL PASSED in $((SECONDS - START)) s"
    else
        note "FAILED ($FAILURES failure(s), exit $rc) after $((SECONDS - START)) s"
        [ "$rc" = 0 ] && rc=1
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM # so that an interrupted run cleans up too
# Say which command stopped the script when set -e does.
trap 'echo "[error] line $LINENO: $BASH_COMMAND" >&2' ERR

# ---- tools -------------------------------------------------------------------------------------------------
# Everything comes from Debian's packages: the engine (docker.io), debootstrap, and the compose command
# (bookworm offers docker-compose 1.29, not the `docker compose` plugin; either is used, the plugin first).
missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v debootstrap >/dev/null || missing+=(debootstrap)
if ! { docker compose version >/dev/null 2>&1 || command -v docker-compose >/dev/null; }; then
    missing+=(docker-compose)
fi
if [ ${#missing[@]} -gt 0 ]; then
    note "installing ${missing[*]} from Debian's packages"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! docker info >/dev/null 2>&1; then
    note "starting dockerd"
    dockerd >"$WORK/dockerd.log" 2>&1 &
    DOCKERD_PID=$!
    for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
    docker info >/dev/null 2>&1 || { tail -20 "$WORK/dockerd.log"; die "dockerd did not start"; }
fi
note "docker engine $(docker version --format '{{.Server.Version}}')"

# The Dockerfile needs BuildKit (RUN --mount=type=cache). A docker CLI from 23.0 on builds with BuildKit only
# through the buildx plugin, which bookworm does not package; Debian's 20.10 CLI has BuildKit built in. So the
# first docker on the PATH that has buildx, or that is older than 23, is put first on the PATH for compose.
buildkit_docker() {
    local d version
    for d in $(type -ap docker); do
        if "$d" buildx version >/dev/null 2>&1; then echo "$d"; return; fi
        version=$("$d" version --format '{{.Client.Version}}' 2>/dev/null) || continue
        if [ "${version%%.*}" -lt 23 ]; then echo "$d"; return; fi
    done
    return 1
}
DOCKER=$(buildkit_docker) || die "no docker CLI here builds with BuildKit (install buildx, or Debian's docker.io)"
if [ "$(type -p docker)" != "$DOCKER" ]; then
    mkdir "$WORK/bin"
    ln -s "$DOCKER" "$WORK/bin/docker"
    export PATH=$WORK/bin:$PATH
fi
export DOCKER_BUILDKIT=1 COMPOSE_DOCKER_CLI_BUILD=1 # docker-compose 1.x: build through the CLI, with BuildKit
note "docker CLI for builds: $DOCKER ($(docker version --format '{{.Client.Version}}'))"

if docker compose version >/dev/null 2>&1; then
    compose() { docker compose "$@"; }
else
    compose() { docker-compose "$@"; }
fi
note "compose: $(compose version | head -1)"

if $CLEAN; then
    note "--clean: removing every image, container, volume and build cache of this Docker"
    docker system prune -af --volumes >/dev/null
    docker builder prune -af >/dev/null 2>&1 || true
    note "left: $(docker images -aq | wc -l) images, $(docker volume ls -q | wc -l) volumes," \
        "build cache $(docker system df --format '{{.Type}} {{.Size}}' | sed -n 's/^Build Cache //p')"
fi

# ---- stand-in base images ----------------------------------------------------------------------------------
if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
    note "$BASE_IMAGE exists"
else
    # debootstrap takes its packages from Debian's mirror (set DEBIAN_MIRROR to use another one).
    note "debootstrap a minimal bookworm for $BASE_IMAGE"
    debootstrap --variant=minbase bookworm "$WORK/rootfs" ${DEBIAN_MIRROR:+"$DEBIAN_MIRROR"} \
        >"$WORK/debootstrap.log" 2>&1 || { tail -20 "$WORK/debootstrap.log"; die "debootstrap failed"; }
    rm -rf "$WORK"/rootfs/var/lib/apt/lists/* "$WORK"/rootfs/var/cache/apt/archives/*.deb
    tar -C "$WORK/rootfs" --numeric-owner -c . | docker import - "$BASE_IMAGE" >/dev/null
    rm -rf "$WORK/rootfs"
    note "imported $BASE_IMAGE"
fi

build_image() { # tag, context directory, extra docker build arguments...
    local tag=$1 dir=$2
    shift 2
    note "building $tag"
    docker build --progress=plain --build-arg BASE_IMAGE="$BASE_IMAGE" -t "$tag" "$@" "$dir" \
        >"$WORK/build.log" 2>&1 || { tail -30 "$WORK/build.log"; die "building $tag failed"; }
}
# The JDK images must trust what the host trusts: where a TLS-inspecting proxy stands between this machine
# and Maven Central, its CA is among the host's local CAs, and the Maven wrapper's download fails without it.
cp -r scripts/compose-images/temurin "$WORK/temurin"
mkdir -p "$WORK/temurin/local-ca"
for crt in /usr/local/share/ca-certificates/*.crt; do
    if [ -e "$crt" ]; then cp "$crt" "$WORK/temurin/local-ca/"; fi
done
note "local CA certificates for the JDK images: $(find "$WORK/temurin/local-ca" -name '*.crt' | wc -l)"
build_image "$JRE_IMAGE" "$WORK/temurin" --target jre
build_image "$JDK_IMAGE" "$WORK/temurin" --target jdk
build_image "$POSTGRES_IMAGE" scripts/compose-images/postgres
pass "stand-in images: $(docker run --rm "$JDK_IMAGE" java -version 2>&1 | head -1);" \
    "$(docker run --rm --entrypoint postgres "$POSTGRES_IMAGE" --version)"

# ---- compose up ----------------------------------------------------------------------------------------------
compose config -q || die "compose config is not valid"
pass "compose config is valid"

wait_healthy() { # services...
    local svc id status started=$SECONDS deadline=$((SECONDS + HEALTH_TIMEOUT)) seen=()
    for svc in "$@"; do
        id=$(compose ps -q "$svc")
        [ -n "$id" ] || { fail "no container for $svc"; return 1; }
        while status=$(docker inspect -f '{{.State.Health.Status}}' "$id") && [ "$status" != healthy ]; do
            if [ "$status" = unhealthy ] || [ $SECONDS -ge $deadline ]; then
                compose logs --tail=40 "$svc"
                fail "$svc is $status"
                return 1
            fi
            sleep 2
        done
        seen+=("$svc (restarts: $(docker inspect -f '{{.RestartCount}}' "$id"))")
    done
    pass "healthy after $((SECONDS - started)) s: ${seen[*]}"
}

COMPOSE_STARTED=true
# From an empty database: whatever an interrupted earlier run left of this project goes first.
compose down -v --remove-orphans >"$WORK/down.log" 2>&1 || { cat "$WORK/down.log"; die "compose down -v failed"; }
note "compose up --build -d (the app's image builds with Maven inside; slow the first time)"
if ! compose up --build -d >"$WORK/up.log" 2>&1; then
    tail -60 "$WORK/up.log"
    die "compose up failed"
fi
# The build log is long: show the app image's build steps that took over a second, and how long each did.
awk '/^#[0-9]+ \[/ { name[$1] = substr($0, length($1) + 2) }
     /^#[0-9]+ DONE/ && $3 + 0 > 1 && ($1 in name) { printf "    app image: %s: %s\n", substr(name[$1], 1, 90), $3 }' \
    "$WORK/up.log"
pass "compose up --build -d"
wait_healthy postgres app || die "the stack did not become healthy"
if curl -fsS "$HOST/actuator/health" | grep -q '"status":"UP"'; then
    pass "$HOST/actuator/health is UP, seen from the host"
else
    fail "$HOST/actuator/health is not UP, seen from the host"
fi

# ---- the README walkthrough ----------------------------------------------------------------------------------
# Extracted exactly as ReadmeWalkthroughTest does: the ```bash block between the walkthrough markers.
readme=$(<README.md)
block=${readme#*<!-- walkthrough:start -->}
block=${block%%<!-- walkthrough:end -->*}
walkthrough=${block#*'```bash'$'\n'}
walkthrough=${walkthrough%'```'*}

# Compose runs with an admin key, and with one, creating and installing a canister needs a key: the block as
# pasted (anonymous curl) gets 401 at its first request. Show that, then run the same block unchanged with a
# key that the admin issues, given to curl through a curlrc (curl reads $CURL_HOME/.curlrc), not the README.
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$HOST/v1/canisters")
if [ "$code" = 401 ]; then
    pass "anonymous POST /v1/canisters is 401 with an admin key set, so the walkthrough needs a key here"
else
    fail "anonymous POST /v1/canisters answered $code, expected 401"
fi
if HOST=$HOST bash -e -o pipefail -c "$walkthrough" >"$WORK/anonymous.out" 2>&1; then
    note "the walkthrough passed anonymously"
else
    rc=$?
    note "the walkthrough as pasted, anonymously, stops with exit $rc; its output:"
    sed 's/^/    | /' "$WORK/anonymous.out"
fi

KEY=$(curl -fsS -X POST -H "Authorization: Bearer $CANISTER_ADMIN_KEY" -H 'Content-Type: application/json' \
    --data '{"name": "compose-smoke"}' "$HOST/v1/keys" | grep -o '"key":"[^"]*"' | cut -d'"' -f4)
[ -n "$KEY" ] || die "the admin could not issue a key"
pass "the admin issued an API key"
mkdir "$WORK/curl"
printf 'header = "Authorization: Bearer %s"\n' "$KEY" >"$WORK/curl/.curlrc"
chmod 600 "$WORK/curl/.curlrc"
export CURL_HOME=$WORK/curl # from here on every curl of this script sends the key

if HOST=$HOST bash -e -o pipefail -c "$walkthrough" >"$WORK/walkthrough.out" 2>&1; then
    pass "README walkthrough (exit 0, with the key)"
else
    rc=$?
    cat "$WORK/walkthrough.out"
    fail "README walkthrough exited $rc"
fi
sed 's/^/    | /' "$WORK/walkthrough.out"
out=$(<"$WORK/walkthrough.out")
expect() { # what, and whether it is a regular expression (-E) or a fixed string (-F)
    if [ "$1" = -E ]; then grep -qE -- "$2" <<<"$out"; else [[ $out == *"$2"* ]]; fi ||
        fail "walkthrough output lacks: $2"
}
# The same checks as ReadmeWalkthroughTest.
before=$FAILURES
expect -E 'created [a-z2-7-]+-cai'
expect -F '"stateVersion":1'
expect -F '{"status":"replied","reply":"AQAAAAAAAAA="'
expect -E '^[[:space:]]+2$'
expect -F 'urn:canister-host:problem:canister-trapped'
expect -F '"rejectCode":5'
expect -F '"stateVersion":3'
expect -F "service : {"$'\n'"  add: (Person) -> (nat);"
expect -F '(1 : nat)'
expect -F '(opt record { age = 36 : nat; name = "Ada" })'
expect -F '"values":["2"]'
expect -F 'urn:canister-host:problem:candid-type-mismatch'
expect -F '"path":"argument 1.age"'
[ "$FAILURES" = "$before" ] && pass "walkthrough output has all that ReadmeWalkthroughTest checks"

# ---- state across a restart ------------------------------------------------------------------------------------
count() { curl -fsS -X POST -H 'Accept: application/octet-stream' "$HOST/v1/canisters/$1/query/get" | od -An -tu8 | tr -d ' '; }
state_version() { curl -fsS "$HOST/v1/canisters/$1" | grep -o '"stateVersion":[0-9]*' | cut -d: -f2; }

ID=$(curl -fsS -X POST "$HOST/v1/canisters" | grep -o '"id":"[^"]*"' | cut -d'"' -f4)
curl -fsS -o /dev/null -X PUT -H 'Content-Type: application/wasm' \
    --data-binary @src/test/resources/canisters/counter.wasm "$HOST/v1/canisters/$ID/module"
for _ in 1 2 3; do curl -fsS -o /dev/null -X POST "$HOST/v1/canisters/$ID/update/inc"; done
COUNT=$(count "$ID")
VERSION=$(state_version "$ID")
[ "$COUNT" = 3 ] && pass "canister $ID counts $COUNT after three inc, stateVersion $VERSION" ||
    fail "canister $ID counts '$COUNT' after three inc"

note "compose down (volumes kept), then compose up -d: new containers on the same pgdata volume"
compose down >"$WORK/down.log" 2>&1 || { cat "$WORK/down.log"; die "compose down failed"; }
[ -z "$(compose ps -q)" ] || die "containers left after compose down"
pass "compose down: no container left"
compose up -d >"$WORK/up2.log" 2>&1 || { cat "$WORK/up2.log"; die "compose up after the restart failed"; }
wait_healthy postgres app || die "the stack did not become healthy after the restart"

AFTER=$(count "$ID")
AFTER_VERSION=$(state_version "$ID")
[ "$AFTER" = "$COUNT" ] && [ "$AFTER_VERSION" = "$VERSION" ] &&
    pass "after the restart canister $ID still counts $AFTER, stateVersion $AFTER_VERSION" ||
    fail "after the restart canister $ID counts '$AFTER', stateVersion '$AFTER_VERSION' (was $COUNT, $VERSION)"
NEXT=$(curl -fsS -X POST -H 'Accept: application/octet-stream' "$HOST/v1/canisters/$ID/update/inc" | od -An -tu8 | tr -d ' ')
[ "$NEXT" = $((COUNT + 1)) ] && pass "inc after the restart answers $NEXT" || fail "inc after the restart answers '$NEXT'"

[ "$FAILURES" = 0 ]
