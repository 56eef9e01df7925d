#!/usr/bin/env bash
# Regenerates src/test/resources/candid/fixtures.json with the IC's reference Candid encoder, the npm package
# @dfinity/candid (scripts/candid-fixtures.mjs says what each case holds). The file is committed: tests need
# neither node nor npm. node_modules goes to a scratch directory (CANDID_DIR, default /tmp/candid-js).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v node >/dev/null || { echo "node not found (apt-get install nodejs npm)" >&2; exit 1; }
dir=${CANDID_DIR:-/tmp/candid-js}
mkdir -p "$dir"
[ -f "$dir/package.json" ] || (cd "$dir" && npm init -y >/dev/null)
(cd "$dir" && npm install --silent @dfinity/candid@3.4.3 @dfinity/principal@3.4.3)
cp scripts/candid-fixtures.mjs "$dir/candid-fixtures.mjs"
node "$dir/candid-fixtures.mjs" "$PWD/src/test/resources/candid/fixtures.json"
