#!/usr/bin/env python3
"""Push -> visible latency: how long after a push's 2xx its value shows on /metrics.

For each of N pushes (PUT of one gauge with a new value to one group), the time from sending
the PUT until a GET /metrics first contains the new value; also the PUT's own latency (the
broker's acknowledgement included). Prints p50/p90/p99/max in milliseconds.

    python3 bench/push_visibility.py --url http://127.0.0.1:9091 -n 1000

Stdlib only. One keep-alive connection for pushes, one for scrapes; the scrape is the full
/metrics page, so keep the gateway small while measuring (as a real scrape would be larger).
"""
import argparse
import http.client
import time
import urllib.parse


def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * (len(xs) - 1))))]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", default="http://127.0.0.1:9091")
    ap.add_argument("-n", type=int, default=1000)
    ap.add_argument("--timeout", type=float, default=10.0, help="give up on one push after this")
    args = ap.parse_args()
    u = urllib.parse.urlsplit(args.url)
    push = http.client.HTTPConnection(u.hostname, u.port, timeout=args.timeout)
    scrape = http.client.HTTPConnection(u.hostname, u.port, timeout=args.timeout)
    path = "/metrics/job/push_visibility_bench/instance/b"
    ack, visible = [], []
    for i in range(args.n):
        value = "%d.25" % i  # below 1e6: Go prints it as written
        body = ("push_visibility_bench_value %s\n" % value).encode()
        t0 = time.perf_counter()
        push.request("PUT", path, body=body, headers={"Content-Type": "text/plain; version=0.0.4"})
        r = push.getresponse()
        r.read()
        t1 = time.perf_counter()
        if r.status != 200:
            raise SystemExit("push %d: HTTP %d" % (i, r.status))
        needle = ("push_visibility_bench_value{instance=\"b\",job=\"push_visibility_bench\"} %s\n"
                  % value).encode()
        while True:
            scrape.request("GET", "/metrics")
            page = scrape.getresponse().read()
            if needle in page:
                break
            if time.perf_counter() - t0 > args.timeout:
                raise SystemExit("push %d not visible after %.1fs" % (i, args.timeout))
        t2 = time.perf_counter()
        ack.append((t1 - t0) * 1000)
        visible.append((t2 - t0) * 1000)
    push.request("DELETE", path)
    push.getresponse().read()
    for name, xs in (("push acknowledged (PUT -> 200)", ack), ("push -> visible on /metrics", visible)):
        print("%-32s n=%d  p50 %.1f ms  p90 %.1f ms  p99 %.1f ms  max %.1f ms"
              % (name, len(xs), percentile(xs, 50), percentile(xs, 90), percentile(xs, 99), max(xs)))


if __name__ == "__main__":
    main()
