# What the HTML report scripts share (ndj-dora-html-chromium,
# ndj-flow-html-chromium): a page screenshotted in headless Chromium with
# the network off, and the PNG checked for size, colours and the colours
# of its charts.
#   require_chromium                      SKIP (exit 77) without chromium
#   screenshot HTML PNG                   1200x1600, a scratch profile
#   check_png PNG NAME=RRGGBB:MIN...      1200x1600, not blank, and at least
#                                         MIN sampled pixels near each colour

require_chromium() {
  chromium=$(command -v chromium || true)
  if [ -z "$chromium" ]; then
    echo "SKIP: chromium is not installed (make deps installs it)"
    exit 77
  fi
}

screenshot() {
  local html=$1 png=$2 profile
  profile=$(mktemp -d)
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$profile" \
    --screenshot="$png" --window-size=1200,1600 "file://$html" >"$profile.log" 2>&1 ||
    { tail -5 "$profile.log"; echo "FAIL: chromium exited $?"; rm -rf "$profile" "$profile.log"; exit 1; }
  rm -rf "$profile" "$profile.log"
}

check_png() {
  python3 - "$@" <<'PY'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat, ihdr = 8, b"", None
while pos < len(data):
    length, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + length]
    if kind == b"IHDR":
        ihdr = struct.unpack(">IIBBBBB", body)
    elif kind == b"IDAT":
        idat += body
    pos += 12 + length
width, height, depth, colour, _, _, interlace = ihdr
assert (width, height) == (1200, 1600), f"size {width}x{height}"
assert depth == 8 and colour in (2, 6) and interlace == 0, f"unexpected PNG format {ihdr}"
bpp = 3 if colour == 2 else 4
raw = zlib.decompress(idat)
stride = width * bpp
prev = bytearray(stride)
counts = {}
for y in range(height):
    kind = raw[y * (stride + 1)]
    line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
    for i in range(stride):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if kind == 1: line[i] = (line[i] + a) & 255
        elif kind == 2: line[i] = (line[i] + b) & 255
        elif kind == 3: line[i] = (line[i] + (a + b) // 2) & 255
        elif kind == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    prev = line
    if y % 4 == 0:  # a sample of rows is enough to count colours
        for x in range(0, stride, bpp * 2):
            px = bytes(line[x:x + 3])
            counts[px] = counts.get(px, 0) + 1
total = sum(counts.values())
background = max(counts.values()) / total
def near(rgb, tol=40):
    return sum(n for px, n in counts.items() if all(abs(px[i] - rgb[i]) <= tol for i in range(3)))
found, missing = [], []
for spec in sys.argv[2:]:
    name, rest = spec.split("=")
    rgb, least = rest.split(":")
    n = near(bytes.fromhex(rgb))
    found.append(f"{name} {n}")
    if n < int(least):
        missing.append(name)
print(f"{width}x{height}, {len(counts)} colours, background {background:.0%}, " + ", ".join(found))
assert len(counts) > 50, "too few colours: blank page?"
assert background < 0.9, "one colour covers the page"
assert not missing, "no chart in the colours " + ", ".join(missing)
PY
}
