#!/usr/bin/env python3
"""The pipeline torture test (make torture; a short run in make test).

Several appenders write telemetry with secrets into logs/ (under flock, as
ndj-prune documents) and rotate their files every few seconds the ways
logrotate does (--rotation, see Log: renamed within the pattern, numbered
.1/.2 out of it, copytruncate, delaycompress read with --rotated-gzip; by
default one mode per appender, picked by the seed); `ndj-tail -f --cursor |
ndj-redact | ndj-batch | ndj-post --cursor` ships them to tests/receiver.py,
which injects 5xx, 429 and dropped connections, and goes down for longer
than ndj-post's --retry-for at random moments (ndj-post exits 75 and is
started again); ndj-prune compacts shipped records on the same files; every
stage is SIGKILLed at random moments and the pipeline restarted. At the end
every record written must have been received at least once, nothing
received that was never written, no secret in clear. Per seed it prints
records written, lost, duplicates in total and per kill.
Usage: torture.py [--seconds N] [--appenders N] [--seed S] [--seeds N]
  [--rotation in-pattern|numbered|copytruncate|delaycompress|mix]
  [--generations N] [--retry-for SECONDS] [--no-outages] [--keep]"""
import argparse
import fcntl
import gzip
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
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SECRET = "sk-live-"  # every record carries a secret with this prefix
STAGES = ["ndj-tail", "ndj-redact", "ndj-batch", "ndj-post"]
ROTATIONS = ["in-pattern", "numbered", "copytruncate", "delaycompress"]


class Received:
    """The ids the receiver has stored so far (read incrementally)."""

    def __init__(self, path):
        self.path, self.pos, self.ids, self.lock = path, 0, set(), threading.Lock()

    def has_all(self, prefix, first, last):
        """Whether ids PREFIX-first .. PREFIX-last have all been received."""
        with self.lock:
            try:
                with open(self.path, "rb") as f:
                    f.seek(self.pos)
                    data = f.read()
            except FileNotFoundError:
                return False
            end = data.rfind(b"\n") + 1
            self.pos += end
            for body in data[:end].splitlines():
                self.ids.update(rec["id"] for rec in json.loads(body))
            return all(f"{prefix}-{i}" in self.ids for i in range(first, last + 1))


class Log:
    """One appender's log and its rotated generations, rotated the way
    logrotate does it. MODE is one of ROTATIONS:
      in-pattern     renamed to app-K.G.ndjson, which the pattern still matches
      numbered       renamed out of the pattern to app-K.ndjson.1, .2, ...
      copytruncate   copied to app-K.ndjson.1 (shifted like numbered), then
                     truncated, under the appenders' lock
      delaycompress  numbered, and the generation that becomes .2 is gzipped
                     to .2.gz and removed (ndj-tail reads it --rotated-gzip)
    Generations past --generations are deleted (logrotate's rotate N) once
    the receiver holds all their records: a log deleted before it was
    shipped is a loss by the operator, not by ndj."""

    def __init__(self, k, logs, mode, generations, received):
        self.k, self.logs, self.mode, self.keep, self.received = k, logs, mode, generations, received
        self.path = os.path.join(logs, f"app-{k}.ndjson")
        self.gens = []  # newest first: (first id, last id) of each rotated generation
        self.first = 0  # the first id in the live file
        self.rotations = 0
        self.deferred = 0  # deletions put off because the receiver lacked records

    def name(self, i):  # the file of generation i (0: the newest rotated one)
        suffix = ".gz" if self.mode == "delaycompress" and i >= 1 else ""
        return f"{self.path}.{i + 1}{suffix}"

    def locked(self, fn):
        """Runs fn(file) holding flock on the live log, reopened if a prune
        renamed a new file over it while we waited (ndj-prune's protocol)."""
        while True:
            with open(self.path, "ab") as f:
                fcntl.flock(f, fcntl.LOCK_EX)
                try:
                    if os.stat(self.path).st_ino == os.fstat(f.fileno()).st_ino:
                        return fn(f)
                except FileNotFoundError:
                    pass
                finally:
                    fcntl.flock(f, fcntl.LOCK_UN)

    def append(self, data):
        def write(f):
            f.write(data)
            f.flush()
        self.locked(write)

    def rotate(self, last):
        """Rotates the live log, whose records are ids first..last."""
        self.rotations += 1
        if self.mode == "in-pattern":
            self.locked(lambda f: os.rename(self.path, os.path.join(self.logs, f"app-{self.k}.{self.rotations}.ndjson")))
            self.first = last + 1
            return
        for i in range(len(self.gens) - 1, -1, -1):  # shift .1 -> .2 ... (oldest first)
            src, dst = self.name(i), self.name(i + 1)
            if self.mode == "delaycompress" and i == 0:
                with open(src, "rb") as fi, gzip.open(dst, "wb") as fo:
                    shutil.copyfileobj(fi, fo)
                os.unlink(src)
            else:
                os.rename(src, dst)
        if self.mode == "copytruncate":
            def copy_truncate(f):
                shutil.copyfile(self.path, self.name(0))
                os.truncate(self.path, 0)
            self.locked(copy_truncate)
        else:
            self.locked(lambda f: os.rename(self.path, self.name(0)))
        self.gens.insert(0, (self.first, last))
        self.first = last + 1
        while len(self.gens) > self.keep:
            first, end = self.gens[-1]
            if not self.received.has_all(f"a{self.k}", first, end):
                self.deferred += 1
                break
            os.unlink(self.name(len(self.gens) - 1))
            self.gens.pop()


def appender(log, stop, rotate_every, rng, written, lock):
    n = 0
    k = log.k
    next_rotation = time.monotonic() + rotate_every * rng.uniform(0.5, 1.5)
    while not stop.is_set():
        lines = []
        for _ in range(rng.randint(1, 40)):
            rid = f"a{k}-{n}"
            rec = {"ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "id": rid,
                   "type": "tool_call", "tool": rng.choice(["git", "make", "curl"]),
                   "message": f"user{n % 97}@example.com ran {rid}",
                   "token": f"{SECRET}{rng.getrandbits(64):016x}"}
            lines.append(json.dumps(rec, separators=(",", ":")) + "\n")
            n += 1
        log.append("".join(lines).encode())
        with lock:
            written[k] = n
        if time.monotonic() >= next_rotation:
            log.rotate(n - 1)
            next_rotation = time.monotonic() + rotate_every * rng.uniform(0.5, 1.5)
        time.sleep(rng.uniform(0.001, 0.02))


def start_pipeline(work, url, follow, opts):
    tail = ["ndj-tail", "--cursor", f"{work}/cursor.json"] + (["-f"] if follow else [])
    if "delaycompress" in opts.modes:
        tail.append("--rotated-gzip")
    tail.append(f"{work}/logs")
    cmd = (" ".join(tail) + " | ndj-redact --hash message --drop token --mask email"
           + " | ndj-batch -n 200 --linger 100ms"
           + f" | ndj-post --cursor {work}/cursor.json -j 4 --backoff 20ms --max-backoff 300ms"
           + f" --retry-for {opts.retry_for}s {url}")
    return subprocess.Popen(["bash", "-c", cmd], stderr=open(f"{work}/pipeline.log", "a"),
                            start_new_session=True)


def stop_pipeline(p, sig=signal.SIGKILL):
    try:
        os.killpg(p.pid, sig)
    except ProcessLookupError:
        pass
    p.wait()


def stage_pids(p, stage):
    out = subprocess.run(["pgrep", "-g", str(p.pid), "-x", stage], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


def kill_one_stage(p, rng):
    """SIGKILL one stage of the running pipeline, then the rest of it."""
    stage = rng.choice(STAGES)
    for pid in stage_pids(p, stage):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    time.sleep(0.05)
    stop_pipeline(p)
    return stage


def receiver_outage(port, answer):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/_outage", data=answer.encode(), method="POST")
    urllib.request.urlopen(req, timeout=10).read()


def run(args, seed):
    """One seed's run; returns True when nothing was lost."""
    rng = random.Random(seed)
    work = tempfile.mkdtemp(prefix="ndj-torture-")
    os.makedirs(f"{work}/logs")
    if args.rotation == "mix":  # one mode per appender, the first picked by the seed
        modes = [ROTATIONS[(seed + k) % len(ROTATIONS)] for k in range(args.appenders)]
    else:
        modes = [args.rotation] * args.appenders
    args.modes = set(modes)
    print(f"torture: seed {seed}, {args.seconds:.0f}s, {args.appenders} appenders "
          f"(rotation {', '.join(modes)}, keep {args.generations}), outages {'on' if args.outages else 'off'}"
          f" (ndj-post --retry-for {args.retry_for}s), work {work}", flush=True)

    receiver = subprocess.Popen([sys.executable, f"{HERE}/receiver.py", "--port-file", f"{work}/port",
                                 "--out", f"{work}/received", "--fault-rate", "0.2",
                                 "--seed", str(seed), "--fault-kinds", "500,503:0,429:0,drop,lost"],
                                stdout=subprocess.DEVNULL, stderr=open(f"{work}/receiver.log", "w"))
    for _ in range(200):
        if os.path.exists(f"{work}/port") and os.path.getsize(f"{work}/port") > 0:
            break
        time.sleep(0.05)
    port = open(f"{work}/port").read().strip()
    url = f"http://127.0.0.1:{port}/api/v1/telemetry"

    stop = threading.Event()
    written, lock = {}, threading.Lock()
    received = Received(f"{work}/received")
    logs = [Log(k, f"{work}/logs", modes[k], args.generations, received) for k in range(args.appenders)]
    threads = [threading.Thread(target=appender, args=(logs[k], stop, args.rotate_every,
                                                        random.Random(seed * 100 + k), written, lock))
               for k in range(args.appenders)]
    for t in threads:
        t.start()

    kills, prunes, outages, exits = {}, 0, 0, {}
    deadline = time.monotonic() + args.seconds
    pipeline = start_pipeline(work, url, True, args)

    def ensure_running(pipeline):
        """A pipeline whose ndj-post ended (75 after an outage) is stopped
        and started again, as a supervisor would."""
        if pipeline.poll() is None and stage_pids(pipeline, "ndj-post"):
            return pipeline
        code = pipeline.poll()
        stop_pipeline(pipeline)
        code = pipeline.returncode if code is None else code
        exits[code] = exits.get(code, 0) + 1
        return start_pipeline(work, url, True, args)

    while time.monotonic() < deadline:
        pause = rng.uniform(0.3, 1.5)
        while pause > 0:
            time.sleep(min(pause, 0.2))
            pause -= 0.2
            pipeline = ensure_running(pipeline)
        action = rng.random()
        if args.outages and action < 0.2:
            # Longer than --retry-for: ndj-post gives up (75) with marks
            # uncommitted while the appenders go on rotating.
            receiver_outage(port, "503")
            outages += 1
            end = time.monotonic() + rng.uniform(args.retry_for * 1.5, args.retry_for * 4)
            while time.monotonic() < end:
                time.sleep(0.2)
                pipeline = ensure_running(pipeline)
            receiver_outage(port, "")
        elif action < 0.45:
            subprocess.run(["ndj-prune", "-i", "--cursor", f"{work}/cursor.json", "--older-than", "0s",
                            f"{work}/logs"], stderr=open(f"{work}/prune.log", "a"), timeout=60)
            prunes += 1
        else:
            stage = kill_one_stage(pipeline, rng)
            kills[stage] = kills.get(stage, 0) + 1
            pipeline = start_pipeline(work, url, True, args)
    stop.set()
    for t in threads:
        t.join()
    stop_pipeline(pipeline)
    # Drain: without -f, the pipeline ships what is left and ends (again,
    # should ndj-post run out of --retry-for on the receiver's faults).
    for _ in range(3):
        final = start_pipeline(work, url, False, args)
        try:
            final.wait(timeout=120)
        except subprocess.TimeoutExpired:
            stop_pipeline(final)
        if final.returncode != 75:
            break
    receiver.terminate()
    receiver.wait()

    expected = {f"a{k}-{i}" for k, n in written.items() for i in range(n)}
    counts, clear_secrets, clear_emails = {}, 0, 0
    with open(f"{work}/received") as f:
        for body in f:
            if SECRET in body:
                clear_secrets += 1
            if "@example.com" in body:
                clear_emails += 1
            for rec in json.loads(body):
                counts[rec["id"]] = counts.get(rec["id"], 0) + 1
    missing = expected - counts.keys()
    unknown = counts.keys() - expected
    total = sum(counts.values())
    dups = total - len(counts)
    nkills = sum(kills.values())
    print(f"torture: seed {seed}: {len(expected)} records written, {len(missing)} lost, "
          f"{dups} duplicates ({dups / max(nkills, 1):.0f} per kill, {nkills} kills)")
    print(f"torture: seed {seed}: kills {dict(sorted(kills.items()))}, prune runs {prunes}, outages {outages}, "
          f"pipeline exits {dict(sorted(exits.items()))}, rotations {sum(l.rotations for l in logs)}, "
          f"deletions put off {sum(l.deferred for l in logs)}, final drain exit {final.returncode}")
    ok = True
    for what, bad in [("missing records", len(missing)), ("records never written", len(unknown)),
                      ("bodies with a secret in clear", clear_secrets),
                      ("bodies with an e-mail in clear", clear_emails)]:
        if bad:
            ok = False
            print(f"torture: seed {seed}: FAIL {bad} {what}"
                  + (f", e.g. {sorted(missing)[:5]}" if what == "missing records" else ""))
    if final.returncode != 0:
        ok = False
        print(f"torture: seed {seed}: FAIL the final drain exited {final.returncode}")
    if not ok:  # what the stages said, most frequent first
        said = {}
        for line in open(f"{work}/pipeline.log", errors="replace"):
            said[line.rstrip()] = said.get(line.rstrip(), 0) + 1
        for line, n in sorted(said.items(), key=lambda x: -x[1])[:3]:
            print(f"torture: seed {seed}: stderr ({n}x): {line[:200]}")
    if ok and not args.keep:
        shutil.rmtree(work)
    return ok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--appenders", type=int, default=3)
    ap.add_argument("--rotate-every", type=float, default=3)
    ap.add_argument("--rotation", choices=ROTATIONS + ["mix"], default="mix")
    ap.add_argument("--generations", type=int, default=3)
    ap.add_argument("--retry-for", type=float, default=2)
    ap.add_argument("--no-outages", dest="outages", action="store_false")
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--seeds", type=int, default=1)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    results = [run(args, args.seed + i) for i in range(args.seeds)]
    passed = sum(results)
    print(f"torture: {passed} passed, {len(results) - passed} failed")
    sys.exit(0 if passed == len(results) else 1)


if __name__ == "__main__":
    main()
