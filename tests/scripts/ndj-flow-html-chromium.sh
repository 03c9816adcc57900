#!/usr/bin/env bash
# ndj-flow's HTML page renders in a real browser: headless Chromium (when
# installed; CI installs it) screenshots the page of examples/flow-report.sh
# with the network switched off, and the PNG must be 1200x1600, not blank
# (many colours, not one background), with the charts' colours in it: the
# green of done work, the blue of WIP and the red of a lane over its limit.
set -eu
chromium=$(command -v chromium || true)
if [ -z "$chromium" ]; then
  echo "SKIP: chromium is not installed (make deps installs it)"
  exit 77
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
ex=$(cd "$TESTS_DIR/../examples" && pwd)
"$ex/flow-report.sh" "$dir/report.html"
if grep -qiE '<script|<link|src=|href=|url\(' "$dir/report.html"; then
  echo "FAIL: the page refers to something outside it"
  exit 1
fi
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync --user-data-dir="$dir/profile" \
  --screenshot="$dir/out.png" --window-size=1200,1600 "file://$dir/report.html" >"$dir/log" 2>&1 ||
  { tail -5 "$dir/log"; echo "FAIL: chromium exited $?"; exit 1; }
python3 - "$dir/out.png" <<'PY'
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
green, blue, red = near((0x1a, 0x7f, 0x37)), near((0x09, 0x69, 0xda)), near((0xcf, 0x22, 0x2e))
print(f"{width}x{height}, {len(counts)} colours, background {background:.0%}, green {green}, blue {blue}, red {red}")
assert len(counts) > 50, "too few colours: blank page?"
assert background < 0.9, "one colour covers the page"
assert green > 100 and blue > 50 and red > 20, "no chart in the state colours"
PY
echo "ok: the flow report renders in Chromium"
