#!/usr/bin/env python3
"""Hostile push bodies against a running gateway (issue 10, point 4).

Sends bodies built to exhaust memory or CPU, generated on the fly, some of them at once, and
checks that each gets its answer (400/413, or 200 for the legitimate large push) while /metrics
and /-/ready keep answering 200; then that the gateway still takes and serves a normal push.
Meant for the jar started with -Xmx512m (see .ci/run); python3 standard library only.

    python3 .ci/hostile_bodies.py --url http://127.0.0.1:9091
"""

import argparse
import select
import socket
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib

PROTOBUF = (
    "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily;"
    " encoding=delimited"
)
TEXT = "text/plain; version=0.0.4"
CHUNK = 256 << 10


def gzip_of(unit: bytes, total: int) -> bytes:
    """A gzip stream of `unit` repeated to about `total` bytes: one member, repeated."""
    member_size = 64 << 20
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    repeated = unit * (CHUNK // len(unit))
    parts = [c.compress(repeated) for _ in range(member_size // len(repeated))]
    parts.append(c.flush())
    # concatenated members are one gzip stream to every reader (Go's and Java's)
    return b"".join(parts) * max(1, total // member_size)


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def empty_metrics_family(series: int) -> bytes:
    """One delimited MetricFamily named "m" with `series` empty Metric messages."""
    message = b"\x0a\x01m" + b"\x22\x00" * series
    return varint(len(message)) + message


def series_text(n: int) -> bytes:
    return b"".join(b'big{i="%07d"} 1\n' % i for i in range(n))


def send(host, port, path, body, headers, announced=None, method="PUT", timeout=120):
    """Sends a request over a raw socket, stopping the body as soon as an answer arrives (as a
    client whose body is refused early sees it). Returns (status, body text, seconds)."""
    t0 = time.monotonic()
    s = socket.create_connection((host, port), timeout=timeout)
    try:
        head = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
        head.append(f"Content-Length: {announced if announced is not None else len(body)}")
        head += [f"{k}: {v}" for k, v in headers.items()]
        s.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        view = memoryview(body)
        try:
            for i in range(0, len(body), CHUNK):
                readable, _, _ = select.select([s], [], [], 0)
                if readable:
                    break  # answered before the whole body was sent
                s.sendall(view[i : i + CHUNK])
        except (BrokenPipeError, ConnectionResetError):
            pass  # the answer may still be there to read
        data = b""
        try:
            while True:
                got = s.recv(65536)
                if not got:
                    break
                data += got
                if b"\r\n\r\n" in data and header_length(data) is not None:
                    if len(data) >= header_length(data):
                        break
        except ConnectionResetError:
            pass
        if not data.startswith(b"HTTP/1.1 "):
            return None, f"no answer ({len(data)} bytes)", time.monotonic() - t0
        status = int(data[9:12])
        text = data.split(b"\r\n\r\n", 1)[1].decode(errors="replace").strip()
        return status, text, time.monotonic() - t0
    finally:
        s.close()


def header_length(data: bytes):
    """Total length of a response whose headers are complete and say Content-Length."""
    headers, _, _ = data.partition(b"\r\n\r\n")
    for line in headers.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return len(headers) + 4 + int(value.strip())
    return None


class Poller:
    """Asks /metrics and /-/ready over and over; any answer but 200 is a failure."""

    def __init__(self, url):
        self.url = url
        self.failures = []
        self.answers = 0
        self.slowest = {}
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=self.run, args=(p,), daemon=True)
            for p in ("/metrics", "/-/ready")
        ]

    def run(self, path):
        while not self.stop.is_set():
            t0 = time.monotonic()
            try:
                with urllib.request.urlopen(self.url + path, timeout=30) as r:
                    r.read()
                    self.answers += 1
            except urllib.error.HTTPError as e:
                self.failures.append(f"{path}: {e.code} {e.read()[:120]!r}")
            except OSError as e:
                self.failures.append(f"{path}: {e}")
            took = time.monotonic() - t0
            self.slowest[path] = max(self.slowest.get(path, 0), took)
            self.stop.wait(0.2)

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=60)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", required=True, help="the gateway, e.g. http://127.0.0.1:9091")
    args = ap.parse_args()
    url = args.url.rstrip("/")
    parts = urllib.parse.urlsplit(url)
    host, port = parts.hostname, parts.port or 80
    prefix = parts.path

    zeros = bytes(32 << 20)
    gzip_zeros = gzip_of(b"\0", 1 << 30)  # ~1 MB on the wire, 1 GiB of empty messages
    gzip_comments = gzip_of(b"# nothing to see\n", 1 << 30)  # valid text that never ends
    t0 = time.monotonic()

    # name, path, body, headers, announced length, acceptable statuses, text the answer has
    cases = [
        ("32 MiB of zero bytes as protobuf (33.5M empty messages)", "/metrics/job/h1",
         zeros, {"Content-Type": PROTOBUF}, None, {400}, "is not a valid metric name"),
        ("gzip of 1 GiB of zero bytes as protobuf", "/metrics/job/h2",
         gzip_zeros, {"Content-Type": PROTOBUF, "Content-Encoding": "gzip"}, None, {400},
         "is not a valid metric name"),
        ("gzip of 1 GiB of comment lines as text", "/metrics/job/h3",
         gzip_comments, {"Content-Type": TEXT, "Content-Encoding": "gzip"}, None, {413},
         "--push.max-body-size"),
        ("Content-Length of 64 GiB", "/metrics/job/h4",
         bytes(64 << 10), {"Content-Type": TEXT}, 64 << 30, {413}, "--push.max-body-size"),
        ("a protobuf family of 2,000,001 empty series", "/metrics/job/h5",
         empty_metrics_family(2_000_001), {"Content-Type": PROTOBUF}, None, {413},
         "--push.max-series"),
        ("150,000 families", "/metrics/job/h6",
         b"".join(b"f%06d 1\n" % i for i in range(150_000)), {"Content-Type": TEXT}, None,
         {413}, "--push.max-families"),
        ("a series with 300 labels", "/metrics/job/h7",
         b"m{" + b",".join(b'l%d="v"' % i for i in range(300)) + b"} 1\n",
         {"Content-Type": TEXT}, None, {400}, "--push.max-labels-per-series"),
        ("a label value of 1 MiB", "/metrics/job/h8",
         b'm{l="' + b"v" * (1 << 20) + b'"} 1\n', {"Content-Type": TEXT}, None, {400},
         "--push.max-label-value-length"),
        # legitimate, but a million series need more than a 512 MiB heap's decode budget
        ("1M series of text (16 MB)", "/metrics/job/h9",
         series_text(1_000_000), {"Content-Type": TEXT}, None, {200, 413, 503}, ""),
        ("200,000 series of text, legitimate", "/metrics/job/h10",
         series_text(200_000), {"Content-Type": TEXT}, None, {200}, ""),
        # point 3: a chunk whose varint says 4 GiB uncompressed (aircompressor's unchecked error)
        ("a malformed snappy chunk", "/metrics/job/h11",
         b"\xff\x06\x00\x00sNaPpY\x00\x0b\x00\x00\x00\x00\x00\x00\xff\xff\xff\xff\x0f\x00a",
         {"Content-Type": TEXT, "Content-Encoding": "snappy"}, None, {400}, "snappy: corrupt input"),
    ]
    # at once: the empty-message bodies, the bomb, and the million series (the decode budget
    # lets one large push grow at a time; the others wait their turn or get a 503)
    concurrent = [cases[0], cases[1], cases[2], cases[8]] * 3
    print(f"bodies generated in {time.monotonic() - t0:.1f} s")

    failed = []

    def run(case):
        name, path, body, headers, announced, wanted, needle = case
        status, text, secs = send(host, port, prefix + path, body, headers, announced)
        ok = status in wanted and needle in text
        if status in (413, 503) and 200 in wanted:
            # too large for this heap's decode budget, or waiting too long for it: said so
            ok = "--push.decode-budget" in text
        line = f"{'ok  ' if ok else 'FAIL'} {status} {secs:5.1f} s  {name}: {text[:110]}"
        print(line, flush=True)
        if not ok:
            failed.append(line)

    with Poller(url) as poller:
        for case in cases:
            run(case)
        print("three of each of four at once:")
        threads = [threading.Thread(target=run, args=(c,)) for c in concurrent]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    print(
        f"/metrics and /-/ready: {poller.answers} answers 200, {len(poller.failures)} not;"
        f" slowest {', '.join(f'{p} {s:.1f} s' for p, s in sorted(poller.slowest.items()))}"
    )
    failed += [f"FAIL during the pushes: {f}" for f in poller.failures[:10]]

    # still alive and serving: a normal push is stored and scraped, the big groups deleted
    with urllib.request.urlopen(url + "/-/healthy", timeout=10) as r:
        assert r.status == 200
    req = urllib.request.Request(
        url + "/metrics/job/hostile_after", data=b"hostile_after_ok 1\n", method="PUT"
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        if r.status != 200:
            failed.append(f"FAIL normal push after: {r.status}")
    deadline = time.monotonic() + 30
    while True:
        with urllib.request.urlopen(url + "/metrics", timeout=30) as r:
            if b"hostile_after_ok" in r.read():
                break
        if time.monotonic() > deadline:
            failed.append("FAIL normal push after: not on /metrics within 30 s")
            break
        time.sleep(0.2)
    for job in ("h9", "h10", "hostile_after") + tuple(f"h{i}" for i in range(1, 9)):
        req = urllib.request.Request(url + "/metrics/job/" + job, method="DELETE")
        urllib.request.urlopen(req, timeout=30).read()

    print(f"hostile bodies: {len(failed)} failures in {time.monotonic() - t0:.1f} s")
    for f in failed:
        print(f)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
