#!/usr/bin/env python3
"""Expiry lateness: how long after its deadline a group with a TTL is gone.

Pushes N groups (PUT of one gauge each) with staggered TTLs given in the Pushgateway-TTL header
(--ttl-min up to --ttl-min + --ttl-spread, spread evenly), reads each group's deadline from
/api/v1/metrics ("expires_at"), then reads /api/v1/metrics every --poll seconds until every group
is gone. For each group it reports:

  written  the EXPIRE record's time in the group's history (when the store wrote the expiry)
           minus the deadline: the store's own lateness, exact;
  gone     the first read that no longer shows the group minus the deadline: what a scraper
           sees, an upper bound (it includes up to one poll interval);
  early    any group gone from a read answered before its deadline (must be 0).

    python3 bench/ttl_lateness.py --jar app/target/kpushgateway.jar -n 1000
    python3 bench/ttl_lateness.py --url http://127.0.0.1:9091 -n 1000

With --jar, starts the all-in-one gateway (its own Kafka broker) on a free port with a temporary
data dir and stops it afterwards. Stdlib only.
"""
import argparse
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from datetime import datetime


def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def parse_time(s):
    """RFC 3339 as the gateway writes it (UTC, 'Z', up to 9 fractional digits) -> Unix seconds."""
    s = s.rstrip("Z")
    whole, _, frac = s.partition(".")
    t = datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S")
    epoch = (t - datetime(1970, 1, 1)).total_seconds()
    return epoch + (float("0." + frac) if frac else 0.0)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Api:
    def __init__(self, url, timeout=30):
        u = urllib.parse.urlsplit(url)
        self.conn = http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)

    def call(self, method, path, body=None, headers=None):
        self.conn.request(method, path, body=body, headers=headers or {})
        r = self.conn.getresponse()
        return r.status, r.read()

    def groups(self):
        status, body = self.call("GET", "/api/v1/metrics")
        if status != 200:
            raise RuntimeError("/api/v1/metrics: HTTP %d %s" % (status, body[:200]))
        return json.loads(body)["data"]


def start(jar, data):
    port = free_port()
    url = "http://127.0.0.1:%d" % port
    log = open(os.path.join(data, "gateway.log"), "w")
    proc = subprocess.Popen(
        ["java", "-jar", jar, "--web.listen-address=127.0.0.1:%d" % port,
         "--data.dir=" + os.path.join(data, "data"), "--log.level=warn"],
        stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 120
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit("the gateway exited; see " + log.name)
        try:
            if Api(url, timeout=2).call("GET", "/-/ready")[0] == 200:
                return proc, url
        except OSError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("the gateway did not become ready")


def stop(proc):
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def measure(url, n, ttl_min, ttl_spread, poll):
    api = Api(url)
    prefix = "ttl_lateness"
    for i in range(n):
        ttl = ttl_min + ttl_spread * i / max(1, n - 1)
        status, body = api.call(
            "PUT", "/metrics/job/%s/instance/%d" % (prefix, i), body=b"ttl_lateness_value 1\n",
            headers={"Content-Type": "text/plain; version=0.0.4", "Pushgateway-TTL": "%dms" % round(ttl * 1000)})
        if status != 200:
            raise SystemExit("push %d: HTTP %d %s" % (i, status, body[:200]))
    deadlines = {}
    applied_by = time.time() + 30  # acknowledged is durable; applied follows within moments
    while len(deadlines) < n and time.time() < applied_by:
        deadlines = {g["labels"]["instance"]: parse_time(g["expires_at"])
                     for g in api.groups() if g["labels"].get("job") == prefix}
    if len(deadlines) != n:
        raise SystemExit("%d of %d groups show a deadline" % (len(deadlines), n))
    gone, early = {}, []
    give_up = max(deadlines.values()) + 60
    while len(gone) < n and time.time() < give_up:
        present = {g["labels"]["instance"] for g in api.groups() if g["labels"].get("job") == prefix}
        answered = time.time()
        for inst, deadline in deadlines.items():
            if inst not in present and inst not in gone:
                gone[inst] = answered
                if answered < deadline:
                    early.append(inst)
        time.sleep(poll)
    if len(gone) < n:
        raise SystemExit("%d groups still there a minute after the last deadline" % (n - len(gone)))
    written = []
    for inst, deadline in deadlines.items():
        status, body = api.call("GET", "/api/v1/history/job/%s/instance/%s" % (prefix, inst))
        entries = [e for e in json.loads(body)["data"] if e["outcome"] == "expired"]
        if len(entries) != 1:
            raise SystemExit("instance %s: %d expired entries" % (inst, len(entries)))
        written.append(parse_time(entries[0]["time"]) - deadline)
    lateness = [gone[i] - deadlines[i] for i in deadlines]
    print("groups %d, TTLs %.1f s to %.1f s, poll every %.0f ms" % (n, ttl_min, ttl_min + ttl_spread, poll * 1000))
    for name, xs in (("expiry written after deadline", written), ("gone from /api/v1/metrics after", lateness)):
        ms = [x * 1000 for x in xs]
        print("%-34s min %.0f ms  p50 %.0f ms  p99 %.0f ms  max %.0f ms"
              % (name, min(ms), percentile(ms, 50), percentile(ms, 99), max(ms)))
    print("gone before the deadline: %d" % len(early))
    return 0 if not early and max(written) >= 0 else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    where = ap.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="a running gateway")
    where.add_argument("--jar", help="start this all-in-one jar for the run")
    ap.add_argument("-n", type=int, default=1000)
    ap.add_argument("--ttl-min", type=float, default=15.0, help="shortest TTL, seconds")
    ap.add_argument("--ttl-spread", type=float, default=20.0, help="longest minus shortest, seconds")
    ap.add_argument("--poll", type=float, default=0.1, help="seconds between reads")
    args = ap.parse_args()
    if args.url:
        return measure(args.url, args.n, args.ttl_min, args.ttl_spread, args.poll)
    data = tempfile.mkdtemp(prefix="ttl-lateness-")
    proc, url = start(args.jar, data)
    try:
        return measure(url, args.n, args.ttl_min, args.ttl_spread, args.poll)
    finally:
        stop(proc)
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
