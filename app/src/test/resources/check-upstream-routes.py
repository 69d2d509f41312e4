#!/usr/bin/env python3
"""Runs upstream-routes.tsv against a running gateway: the real Pushgateway (to check the table)
or kpushgateway. Two servers: one without a route prefix, one started with
--web.external-url=http://example.com:8080/pgw/ (both with a memory-only store, lifecycle off).

  check-upstream-routes.py http://127.0.0.1:9091 http://127.0.0.1:9092
"""
import os
import socket
import sys
from urllib.parse import urlsplit


def request(base, method, path):
    host, port = urlsplit(base).hostname, urlsplit(base).port
    body = b""
    head = f"{method} {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    with socket.create_connection((host, port), timeout=10) as s:
        s.sendall(head.encode("latin-1") + body)
        raw = b""
        while chunk := s.recv(65536):
            raw += chunk
    head, _, rest = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding") == "chunked":
        out, data = b"", rest
        while data:
            size, _, data = data.partition(b"\r\n")
            n = int(size, 16)
            if n == 0:
                break
            out, data = out + data[:n], data[n + 2:]
        rest = out
    return status, headers, rest.decode("utf-8", "replace")


def main():
    servers = {"": sys.argv[1], "/pgw": sys.argv[2]}
    table = os.path.join(os.path.dirname(os.path.abspath(__file__)), "upstream-routes.tsv")
    failures = 0
    for line in open(table, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        prefix, method, path, status, location, ctype, body, allow = line.rstrip("\n").split("\t")
        prefix = "" if prefix == "-" else prefix
        got_status, headers, got_body = request(servers[prefix], method, path)
        want = {
            "status": int(status),
            "location": "" if location == "-" else location,
            "content-type": "" if ctype == "-" else ctype,
            "allow": "" if allow == "-" else allow,
        }
        got = {
            "status": got_status,
            "location": headers.get("location", ""),
            "content-type": headers.get("content-type", ""),
            "allow": headers.get("allow", ""),
        }
        want_body = "" if body == "-" else body.replace("\\n", "\n")
        bad = [k for k in want if want[k] != got[k]]
        if not got_body.startswith(want_body) or (want_body == "" and got_body != ""):
            bad.append("body")
        if bad:
            failures += 1
            print(f"FAIL {prefix or '-'} {method} {path}: {bad} want {want} {want_body!r} got {got} {got_body[:80]!r}")
    print("failures:", failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
