#!/usr/bin/env python3
"""Follow latency of `ndj-tail -f`: appends timestamped lines to a file at a
steady pace and measures, for each, the time until it appears on ndj-tail's
stdout. Prints p50, p99 and max in milliseconds.

    bench/tail-latency.py [--lines N] [--interval-ms MS] [-- EXTRA-ARGS...]
"""
import argparse
import json
import os
import subprocess
import tempfile
import threading
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=1000)
    ap.add_argument("--interval-ms", type=float, default=5.0)
    ap.add_argument("extra", nargs="*", help="more ndj-tail options, e.g. --poll 100ms")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "app.ndjson")
        open(path, "w").close()
        tail = subprocess.Popen(["ndj-tail", "-f", *a.extra, path], stdout=subprocess.PIPE)
        time.sleep(0.3)  # let it start watching
        latencies = []

        def read():
            for line in tail.stdout:
                sent = json.loads(line)["t"]
                latencies.append((time.monotonic_ns() - sent) / 1e6)
                if len(latencies) == a.lines:
                    return

        reader = threading.Thread(target=read)
        reader.start()
        fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        pad = "x" * 200
        for i in range(a.lines):
            os.write(fd, b'{"t":%d,"i":%d,"pad":"%s"}\n' % (time.monotonic_ns(), i, pad.encode()))
            time.sleep(a.interval_ms / 1000)
        os.close(fd)
        reader.join(timeout=10)
        tail.terminate()
        tail.wait()
    lat = sorted(latencies)
    if len(lat) < a.lines:
        print(f"only {len(lat)} of {a.lines} lines arrived")
        raise SystemExit(1)
    pct = lambda p: lat[min(len(lat) - 1, int(p / 100 * len(lat)))]
    print(f"{len(lat)} lines, one every {a.interval_ms:g} ms: "
          f"p50 {pct(50):.2f} ms, p99 {pct(99):.2f} ms, max {lat[-1]:.2f} ms")


if __name__ == "__main__":
    main()
