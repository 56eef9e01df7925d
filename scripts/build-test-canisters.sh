#!/usr/bin/env bash
# Rebuilds the test canisters in src/test/resources/canisters.
#
#   *.wat          -> *.wasm via `wat2wasm --enable-all` (wabt; apt-get install wabt)
#   garbage.wasm   -> 64 fixed pseudo-random bytes (SHA-256 of two constant
#                     strings, concatenated). Deterministic, and checked below
#                     not to start with the "\0asm" magic: the host must reject
#                     it as "not a wasm module".
#   truncated.wasm -> first half (floor(size/2) bytes) of counter.wasm: valid
#                     magic/version header but a cut-off section, so the host
#                     must reject it as a malformed module.
#
# The built .wasm files are committed next to their .wat sources so tests do
# not need wabt; rerun this script after editing any .wat.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
dir=src/test/resources/canisters

command -v wat2wasm >/dev/null || { echo "wat2wasm not found (apt-get install wabt)" >&2; exit 1; }

for wat in "$dir"/*.wat; do
  wasm="${wat%.wat}.wasm"
  wat2wasm --enable-all "$wat" -o "$wasm"
  echo "built $wasm"
done

# garbage.wasm: 2 x 32 bytes of SHA-256 output.
{
  printf '%s' 'canister-host garbage.wasm part 1' | sha256sum | cut -c1-64
  printf '%s' 'canister-host garbage.wasm part 2' | sha256sum | cut -c1-64
} | tr -d '\n' | xxd -r -p > "$dir/garbage.wasm"
if [ "$(head -c 4 "$dir/garbage.wasm" | xxd -p)" = "0061736d" ]; then
  echo "garbage.wasm unexpectedly starts with the wasm magic" >&2; exit 1
fi
[ "$(wc -c < "$dir/garbage.wasm")" -eq 64 ] || { echo "garbage.wasm is not 64 bytes" >&2; exit 1; }
echo "built $dir/garbage.wasm"

# persistent_v1/v2.wasm: the custom section `icp:private enhanced-orthogonal-persistence` (empty payload) that
# marks a module built for enhanced orthogonal persistence, appended since wabt 1.0.32 drops (@custom ...).
for name in persistent_v1 persistent_v2; do
  section='icp:private enhanced-orthogonal-persistence'
  { printf '\x00'; printf "\\x$(printf '%02x' $(( ${#section} + 1 )))"; printf "\\x$(printf '%02x' ${#section})";
    printf '%s' "$section"; } >> "$dir/$name.wasm"
  echo "appended $section to $dir/$name.wasm"
done

# truncated.wasm: counter.wasm cut to its first half.
size=$(wc -c < "$dir/counter.wasm")
head -c $(( size / 2 )) "$dir/counter.wasm" > "$dir/truncated.wasm"
echo "built $dir/truncated.wasm ($(( size / 2 )) of $size bytes)"

# ---------------------------------------------------------------------------
# Validation corpus: src/test/resources/validation (see corpus.tsv there).
#
#   accepted/*.wat -> *.wasm via `wat2wasm --enable-all`
#   rejected/*.wat -> *.wasm via `wat2wasm --enable-all --debug-names` (the name
#                     section gives every function the $name that errors
#                     report), plus `--no-check` for the modules that wabt
#                     itself refuses: type-mismatch, unknown-function,
#                     data-offset.
#   the rest       -> python3 below, for what WAT cannot express:
#     rejected/bad-magic, bad-version, section-bounds, section-order,
#       section-content: accepted/<same>.wasm with one change (no .wat);
#     accepted+rejected/custom-sections, custom-section-bytes, icp-visibility,
#       icp-duplicate: a base module (inline WAT below) plus appended custom
#       sections, since wabt 1.0.32 drops (@custom ...) annotations.
# Every file is rebuilt from scratch, so reruns are byte-identical.
vdir=src/test/resources/validation
no_check=" type-mismatch unknown-function data-offset "

for wat in "$vdir"/accepted/*.wat; do
  wat2wasm --enable-all "$wat" -o "${wat%.wat}.wasm"
  echo "built ${wat%.wat}.wasm"
done
for wat in "$vdir"/rejected/*.wat; do
  flags=(--enable-all --debug-names)
  case "$no_check" in *" $(basename "$wat" .wat) "*) flags+=(--no-check) ;; esac
  wat2wasm "${flags[@]}" "$wat" -o "${wat%.wat}.wasm"
  echo "built ${wat%.wat}.wasm"
done

vtmp=$(mktemp -d)
trap 'rm -rf "$vtmp"' EXIT
cat > "$vtmp/custom-base.wat" <<'WAT'
(module
  (import "ic0" "msg_reply" (func $msg_reply))
  (memory (export "memory") 1)
  (func $ping (export "canister_update ping")
    (call $msg_reply))
)
WAT
wat2wasm --enable-all "$vtmp/custom-base.wat" -o "$vtmp/custom-base.wasm"

python3 - "$vdir" "$vtmp/custom-base.wasm" <<'PY'
import sys

vdir, custom_base = sys.argv[1], sys.argv[2]
HEADER = b"\0asm\1\0\0\0"


def uleb(n):
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def read_uleb(b, pos):
    result = shift = 0
    while True:
        byte = b[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if byte < 0x80:
            return result, pos


def sections(b):
    """(id, section start, content start, content end) of each section."""
    assert b[:8] == HEADER
    out, pos = [], 8
    while pos < len(b):
        size, content = read_uleb(b, pos + 1)
        out.append((b[pos], pos, content, content + size))
        pos = content + size
    assert pos == len(b)
    return out


def section(b, sid):
    (found,) = [s for s in sections(b) if s[0] == sid]
    return found


def custom(name, content):
    payload = uleb(len(name)) + name.encode() + content
    return b"\0" + uleb(len(payload)) + payload


def load(kind, name):
    with open(f"{vdir}/{kind}/{name}.wasm", "rb") as f:
        return f.read()


def save(kind, name, data):
    with open(f"{vdir}/{kind}/{name}.wasm", "wb") as f:
        f.write(data)
    print(f"built {vdir}/{kind}/{name}.wasm (python)")


# bad-magic: "\0ASM" instead of "\0asm".
b = load("accepted", "bad-magic")
save("rejected", "bad-magic", b"\0ASM" + b[4:])

# bad-version: version field 2.
b = load("accepted", "bad-version")
save("rejected", "bad-version", b[:4] + (2).to_bytes(4, "little") + b[8:])

# section-bounds: the last section (code) claims one byte more than is left.
b = bytearray(load("accepted", "section-bounds"))
sid, start, content, end = sections(b)[-1]
assert sid == 10 and content == start + 2 and b[start + 1] < 0x7F  # one-byte size
b[start + 1] += 1
save("rejected", "section-bounds", bytes(b))

# section-order: swap the adjacent function (3) and memory (5) sections.
b = load("accepted", "section-order")
_, f_start, _, f_end = section(b, 3)
_, m_start, _, m_end = section(b, 5)
assert f_end == m_start
save("rejected", "section-order", b[:f_start] + b[m_start:m_end] + b[f_start:f_end] + b[m_end:])

# section-content: ping's first instruction (nop, 0x01) becomes 0xFF.
b = bytearray(load("accepted", "section-content"))
_, _, content, _ = section(b, 10)
count, pos = read_uleb(b, content)
assert count == 1
_, pos = read_uleb(b, pos)  # body size
locals_, pos = read_uleb(b, pos)
assert locals_ == 0 and b[pos] == 0x01
b[pos] = 0xFF
save("rejected", "section-content", bytes(b))

# Custom sections: appended to custom-base.wasm.
with open(custom_base, "rb") as f:
    base = f.read()
sections(base)
x = b"x"
cases = {
    # 4 icp: sections (over the test cap of 3), 4 + 4 bytes of content in all.
    "custom-sections": (
        [("icp:public a", x), ("icp:public b", x), ("icp:public c", x), ("icp:private d", x)],
        [("icp:public a", x), ("icp:public b", x), ("icp:public c", x)]),
    # 14 + 300 = 314 bytes (over the test cap of 256); accepted: 14 + 242 = 256.
    "custom-section-bytes": ([("icp:public big", x * 300)], [("icp:public big", x * 242)]),
    # visibility must be public or private.
    "icp-visibility": ([("icp:secret x", x)], [("icp:public x", x)]),
    # one name, two visibilities.
    "icp-duplicate": ([("icp:public x", x), ("icp:private x", x)],
                      [("icp:public x", x), ("icp:private y", x)]),
}
for name, (rejected, accepted) in cases.items():
    save("rejected", name, base + b"".join(custom(n, c) for n, c in rejected))
    save("accepted", name, base + b"".join(custom(n, c) for n, c in accepted))
PY
