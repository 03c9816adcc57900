#!/usr/bin/env python3
"""The pipeline torture test (make torture; a short run in make test).

Several appenders write telemetry with secrets into logs/, rotating their
files every few seconds; `ndj-tail -f --cursor | ndj-redact | ndj-batch |
ndj-post --cursor` ships them to tests/receiver.py, which injects 5xx, 429
and dropped connections; ndj-prune compacts shipped records on the same
files; every stage is SIGKILLed at random moments and the pipeline
restarted. At the end every record written must have been received at least
once, nothing received that was never written, no secret in clear.
Usage: torture.py [--seconds N] [--appenders N] [--seed S] [--keep]"""
import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SECRET = "sk-live-"  # every record carries a secret with this prefix
STAGES = ["ndj-tail", "ndj-redact", "ndj-batch", "ndj-post"]


def appender(k, logs, stop, rotate_every, rng, written, lock):
    n = 0
    path = os.path.join(logs, f"app-{k}.ndjson")
    next_rotation = time.monotonic() + rotate_every * rng.uniform(0.5, 1.5)
    generation = 0
    while not stop.is_set():
        with open(path, "a") as f:
            for _ in range(rng.randint(1, 40)):
                rid = f"a{k}-{n}"
                rec = {"ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "id": rid,
                       "type": "tool_call", "tool": rng.choice(["git", "make", "curl"]),
                       "message": f"user{n % 97}@example.com ran {rid}",
                       "token": f"{SECRET}{rng.getrandbits(64):016x}"}
                f.write(json.dumps(rec, separators=(",", ":")) + "\n")
                n += 1
        with lock:
            written[k] = n
        if time.monotonic() >= next_rotation:
            generation += 1
            os.rename(path, os.path.join(logs, f"app-{k}.{generation}.ndjson"))
            next_rotation = time.monotonic() + rotate_every * rng.uniform(0.5, 1.5)
        time.sleep(rng.uniform(0.001, 0.02))


def start_pipeline(work, url, follow):
    tail = ["ndj-tail", "--cursor", f"{work}/cursor.json", f"{work}/logs"]
    if follow:
        tail[1:1] = ["-f"]
    else:
        tail[1:1] = []
    cmd = (" ".join(tail) + " | ndj-redact --hash message --drop token --mask email"
           + " | ndj-batch -n 200 --linger 100ms"
           + f" | ndj-post --cursor {work}/cursor.json -j 4 --backoff 20ms --max-backoff 300ms"
           + f" --retry-for 10m {url}")
    return subprocess.Popen(["bash", "-c", cmd], stderr=open(f"{work}/pipeline.log", "a"),
                            start_new_session=True)


def stop_pipeline(p, sig=signal.SIGKILL):
    try:
        os.killpg(p.pid, sig)
    except ProcessLookupError:
        pass
    p.wait()


def kill_one_stage(p, rng):
    """SIGKILL one stage of the running pipeline, then the rest of it."""
    stage = rng.choice(STAGES)
    out = subprocess.run(["pgrep", "-g", str(p.pid), "-x", stage], capture_output=True, text=True).stdout
    for pid in out.split():
        try:
            os.kill(int(pid), signal.SIGKILL)
        except ProcessLookupError:
            pass
    time.sleep(0.05)
    stop_pipeline(p)
    return stage


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--appenders", type=int, default=3)
    ap.add_argument("--rotate-every", type=float, default=3)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    work = tempfile.mkdtemp(prefix="ndj-torture-")
    os.makedirs(f"{work}/logs")
    print(f"torture: seed {args.seed}, {args.seconds:.0f}s, {args.appenders} appenders, work {work}")

    receiver = subprocess.Popen([sys.executable, f"{HERE}/receiver.py", "--port-file", f"{work}/port",
                                 "--out", f"{work}/received", "--fault-rate", "0.2",
                                 "--seed", str(args.seed), "--fault-kinds", "500,503:0,429:0,drop,lost"],
                                stdout=subprocess.DEVNULL, stderr=open(f"{work}/receiver.log", "w"))
    for _ in range(200):
        if os.path.exists(f"{work}/port") and os.path.getsize(f"{work}/port") > 0:
            break
        time.sleep(0.05)
    url = f"http://127.0.0.1:{open(f'{work}/port').read().strip()}/api/v1/telemetry"

    stop = threading.Event()
    written, lock = {}, threading.Lock()
    threads = [threading.Thread(target=appender, args=(k, f"{work}/logs", stop, args.rotate_every,
                                                        random.Random(args.seed * 100 + k), written, lock))
               for k in range(args.appenders)]
    for t in threads:
        t.start()

    kills, prunes = {}, 0
    deadline = time.monotonic() + args.seconds
    pipeline = start_pipeline(work, url, follow=True)
    while time.monotonic() < deadline:
        time.sleep(rng.uniform(0.3, 1.5))
        if rng.random() < 0.4:
            subprocess.run(["ndj-prune", "-i", "--cursor", f"{work}/cursor.json", "--older-than", "0s",
                            f"{work}/logs"], stderr=open(f"{work}/prune.log", "a"))
            prunes += 1
        else:
            stage = kill_one_stage(pipeline, rng)
            kills[stage] = kills.get(stage, 0) + 1
            pipeline = start_pipeline(work, url, follow=True)
    stop.set()
    for t in threads:
        t.join()
    stop_pipeline(pipeline)
    # Drain: without -f, the pipeline ships what is left and ends.
    final = start_pipeline(work, url, follow=False)
    final.wait(timeout=300)
    receiver.terminate()
    receiver.wait()

    expected = {f"a{k}-{i}" for k, n in written.items() for i in range(n)}
    received, clear_secrets, clear_emails = {}, 0, 0
    with open(f"{work}/received") as f:
        for body in f:
            if SECRET in body:
                clear_secrets += 1
            if "@example.com" in body:
                clear_emails += 1
            for rec in json.loads(body):
                received[rec["id"]] = received.get(rec["id"], 0) + 1
    missing = expected - received.keys()
    unknown = received.keys() - expected
    total = sum(received.values())
    print(f"torture: {len(expected)} records written, {len(received)} received "
          f"({total} with duplicates, ratio {total / max(len(received), 1):.3f})")
    print(f"torture: kills {dict(sorted(kills.items()))}, prune runs {prunes}, final drain exit {final.returncode}")
    ok = True
    for what, bad in [("missing records", len(missing)), ("records never written", len(unknown)),
                      ("bodies with a secret in clear", clear_secrets),
                      ("bodies with an e-mail in clear", clear_emails)]:
        if bad:
            ok = False
            print(f"torture: FAIL {bad} {what}" + (f", e.g. {sorted(missing)[:5]}" if what == "missing records" else ""))
    print("torture: 1 passed, 0 failed" if ok else "torture: 0 passed, 1 failed")
    if ok and not args.keep:
        shutil.rmtree(work)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
