#!/usr/bin/env python3
"""A scriptable HTTP receiver for ndj tests: loopback only, random free port.

Every accepted body (2xx) is appended to --out, gunzipped when the request
says Content-Encoding: gzip, followed by a newline. Answers follow a plan, one
entry per request, then --default (200):

  200 204 400 401 403 404 413 422 500 ...   answer with that status
  429:2  503:3  503:date                     with Retry-After (seconds, or an
                                             HTTP date 10 s ahead)
  drop                                       close the connection, no answer
  lost                                       store the body, then close (the
                                             answer is lost: the sender will
                                             send it again)
  slow:0.5                                   wait 0.5 s, then 200
  partial:2                                  store, then 200 with an OTLP/HTTP
                                             partialSuccess rejecting 2 items
  echo:422                                   answer 422 with a body that echoes
                                             the request headers (as JSON, as
                                             "Name: value" lines, and the bare
                                             credential), then 3000 bytes more
  ENTRY*N                                    the entry N times

--fault-rate P (with --seed) makes each request after the plan a fault with
probability P, picked from --fault-kinds (default 500,503:0,429:0,drop).
--tls-cert/--tls-key FILE serve HTTPS instead of HTTP.
--token-file FILE: requests without "Authorization: Bearer <token>" get 401.
--reject-if TEXT:STATUS answers STATUS (e.g. 422) to every body that holds
TEXT, as a receiver that validates each record does.
--delay SECONDS delays every answer; --slow-if TEXT:SECONDS delays those
whose body contains TEXT. POST /_plan (body: a plan) replaces the
plan. --outage ANSWER (or POST /_outage, body: an answer such as 503, empty
to end it) answers every request with ANSWER, plan and faults aside, until
it ends: a receiver that is down for a while. GET /_stats returns counters as JSON (requests, stored, faults, lost,
connections: how many distinct client connections sent requests). The port is written to
--port-file (and printed on stdout).
"""
import argparse
import email.utils
import gzip
import json
import os
import random
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def parse_plan(text):
    plan = []
    for item in filter(None, (x.strip() for x in text.split(","))):
        count = 1
        if "*" in item:
            item, n = item.rsplit("*", 1)
            count = int(n)
        plan.extend([item] * count)
    return plan


class State:
    def __init__(self, args):
        self.lock = threading.Lock()
        self.plan = parse_plan(args.plan)
        self.default = args.default
        self.rng = random.Random(args.seed)
        self.fault_rate = args.fault_rate
        self.fault_kinds = parse_plan(args.fault_kinds)
        self.delay = args.delay
        self.slow_text, _, slow = (args.slow_if or "").rpartition(":")
        self.slow_seconds = float(slow) if slow else 0.0
        self.reject_text, _, reject = (args.reject_if or "").rpartition(":")
        self.reject_status = int(reject) if reject else 0
        self.token = None
        if args.token_file:
            with open(args.token_file) as f:
                self.token = f.read().strip()
        self.out = open(args.out, "ab") if args.out else None
        self.headers_out = open(args.headers_out, "a") if args.headers_out else None
        self.outage = args.outage
        self.stats = {"requests": 0, "stored": 0, "faults": 0, "lost": 0, "connections": 0,
                      "outage_answers": 0}
        self.clients = set()  # (address, port) of every connection seen

    def next_answer(self, client):
        with self.lock:
            self.stats["requests"] += 1
            self.clients.add(client)
            self.stats["connections"] = len(self.clients)
            if self.outage:
                self.stats["outage_answers"] += 1
                return self.outage
            if self.plan:
                return self.plan.pop(0)
            if self.fault_rate and self.rng.random() < self.fault_rate:
                self.stats["faults"] += 1
                return self.rng.choice(self.fault_kinds)
            return self.default

    def store(self, body, headers):
        if headers.get("Content-Encoding", "").lower() == "gzip":
            body = gzip.decompress(body)
        with self.lock:
            self.stats["stored"] += 1
            if self.out:
                self.out.write(body if body.endswith(b"\n") else body + b"\n")
                self.out.flush()
            if self.headers_out:
                self.headers_out.write(json.dumps(dict(headers.items())) + "\n")
                self.headers_out.flush()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", extra=()):
        self.send_response(status)
        for k, v in extra:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        st = self.server.state
        if self.path == "/_stats":
            with st.lock:
                body = json.dumps(st.stats).encode()
            return self.reply(200, body)
        self.reply(404)

    def do_POST(self):
        st = self.server.state
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        if self.path == "/_plan":
            with st.lock:
                st.plan = parse_plan(body.decode())
            return self.reply(204)
        if self.path == "/_outage":
            with st.lock:
                st.outage = body.decode().strip()
            return self.reply(204)
        answer = st.next_answer(self.client_address)
        if st.delay:
            time.sleep(st.delay)
        if st.slow_text and st.slow_text.encode() in body:
            time.sleep(st.slow_seconds)
        if st.token is not None and self.headers.get("Authorization") != "Bearer " + st.token:
            return self.reply(401, b'{"error":"bad token"}')
        plain = gzip.decompress(body) if self.headers.get("Content-Encoding", "").lower() == "gzip" else body
        if st.reject_text and st.reject_text.encode() in plain:
            return self.reply(st.reject_status, b'{"error":"invalid record"}')
        if answer in ("drop", "lost"):
            if answer == "lost":
                st.store(body, self.headers)
                with st.lock:
                    st.stats["lost"] += 1
            self.close_connection = True
            self.connection.shutdown(2)
            return
        if answer.startswith("echo:"):
            # Like receivers that echo the request in an error: the
            # credentials come back in the body, in every common form.
            headers = dict(self.headers.items())
            auth = headers.get("Authorization", "")
            echo = json.dumps({"error": "unprocessable", "request_headers": headers,
                               "credential": auth.partition(" ")[2]})
            echo += "\n" + "".join("%s: %s\n" % kv for kv in headers.items()) + "x" * 3000
            return self.reply(int(answer[5:]), echo.encode())
        if answer.startswith("partial:"):
            # An OTLP/HTTP endpoint that took the body but dropped some of
            # its items (int64 counts are JSON strings).
            st.store(body, self.headers)
            n = answer[8:]
            reply = {"partialSuccess": {"rejectedSpans": n, "rejectedLogRecords": "0",
                                        "errorMessage": "%s item(s) had an invalid time" % n}}
            return self.reply(200, json.dumps(reply).encode(), [("Content-Type", "application/json")])
        if answer.startswith("slow:"):
            time.sleep(float(answer[5:]))
            answer = "200"
        status, _, retry = answer.partition(":")
        status = int(status)
        extra = []
        if retry == "date":
            extra.append(("Retry-After", email.utils.formatdate(time.time() + 10, usegmt=True)))
        elif retry:
            extra.append(("Retry-After", retry))
        if 200 <= status < 300:
            st.store(body, self.headers)
            return self.reply(status, b"" if status == 204 else b'{"ok":true}')
        self.reply(status, ('{"error":"status %d"}' % status).encode(), extra)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        pass  # senders killed mid-request are part of the tests


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--plan", default="")
    p.add_argument("--default", default="200")
    p.add_argument("--fault-rate", type=float, default=0.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--fault-kinds", default="500,503:0,429:0,drop")
    p.add_argument("--outage", default="", help="answer every request with this until POST /_outage ends it")
    p.add_argument("--delay", type=float, default=0.0)
    p.add_argument("--slow-if")
    p.add_argument("--reject-if")
    p.add_argument("--token-file")
    p.add_argument("--out", help="append accepted bodies here")
    p.add_argument("--headers-out", help="append each accepted request's headers (JSON) here")
    p.add_argument("--port-file")
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    args = p.parse_args()
    server = Server(("127.0.0.1", 0), Handler)
    server.state = State(args)
    if args.tls_cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.tls_cert, args.tls_key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    port = server.server_address[1]
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write("%d\n" % port)
        os.rename(args.port_file + ".tmp", args.port_file)
    print(port, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
