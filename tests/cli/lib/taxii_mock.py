#!/usr/bin/env python3
"""taxii_mock.py - a small TAXII 2.1 server for tests/cli/pull.sh.

Serves one collection read from a JSON file of {"date_added", "object"}
entries (read again on every request, so a test can add objects), the way
OASIS TAXII 2.1 says: discovery at /taxii2/, an API root at /api/, Get
Objects at /api/collections/ID/objects/ with added_after, limit and next,
envelopes {"more", "next", "objects"}, X-TAXII-Date-Added-First/-Last
headers, and TAXII error documents. It checks HTTP Basic or Bearer
credentials and the Accept header, and it checks that a request with
"next" carries the same added_after as the request that was given it.

Every request is logged, one line each, to --log:
    PATH added_after=V limit=V next=V auth=basic:USER|bearer|none accept=V
(- for what was not sent).

--faults names a JSON file, read on every request, that makes the server
misbehave: {"status_on_page": [2, 500]} answers page 2 of a chain with
that status; {"bad_json_on_page": 2} sends malformed JSON there (the byte
offset of the fault is logged as "bad-json-at N"); {"loop_next": true}
answers every page with more and the same next; {"endless_empty": true}
with more, no objects and a new next each time; {"html": true} with a web
page instead of JSON; {"no_next": true} says
more without next (clients then page by X-TAXII-Date-Added-Last);
{"redirect_elsewhere": true} redirects object requests to localhost;
{"huge": true} sends 65 MiB of blanks.

The port (0 picks a free one) is written to --port-file once listening.
"""
import argparse
import base64
import datetime
import json
import os
import ssl
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MEDIA = "application/taxii+json;version=2.1"
STIX_MEDIA = "application/stix+json;version=2.1"


def ts_key(s):
    """A TAXII timestamp as (seconds, nanoseconds), fractions of any length."""
    if not s.endswith("Z") or len(s) < 20 or s[10] != "T":
        raise ValueError(s)
    whole = datetime.datetime.strptime(s[:19], "%Y-%m-%dT%H:%M:%S")
    whole = whole.replace(tzinfo=datetime.timezone.utc)
    frac = s[19:-1]
    if frac and (frac[0] != "." or not frac[1:].isdigit()):
        raise ValueError(s)
    nanos = int((frac[1:] + "000000000")[:9]) if frac else 0
    return (int(whole.timestamp()), nanos)


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.tokens = {}  # next -> (added_after, limit, offset, page)
        self.count = 0

    def log(self, line):
        with self.lock:
            with open(self.args.log, "a") as f:
                f.write(line + "\n")

    def faults(self):
        try:
            with open(self.args.faults) as f:
                return json.load(f)
        except (OSError, ValueError, TypeError):
            return {}

    def entries(self):
        with open(self.args.objects) as f:
            e = json.load(f)
        return sorted(e, key=lambda x: ts_key(x["date_added"]))


class Handler(BaseHTTPRequestHandler):
    server_version = "taxii-mock/1.0"

    def log_message(self, fmt, *args):
        pass

    def send_json(self, status, doc, headers=()):
        body = json.dumps(doc).encode()
        self.send_response(status)
        self.send_header("Content-Type", MEDIA)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def error(self, status, title, description, headers=()):
        self.send_json(status, {"title": title, "description": description,
                                "http_status": str(status)}, headers)

    def who(self):
        a = self.headers.get("Authorization", "")
        st = self.server.state.args
        if a.startswith("Basic "):
            try:
                user, _, pw = base64.b64decode(a[6:]).decode().partition(":")
            except (ValueError, UnicodeDecodeError):
                return "bad", False
            return "basic:" + user, (user, pw) == (st.user, st.password)
        if a.startswith("Bearer "):
            return "bearer", st.token is not None and a[7:] == st.token
        return "none", False

    def do_GET(self):
        state = self.server.state
        url = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        one = lambda k: q[k][0] if k in q else None
        auth, ok = self.who()
        accept = self.headers.get("Accept", "-")
        state.log("%s added_after=%s limit=%s next=%s auth=%s accept=%s" % (
            url.path, one("added_after") or "-", one("limit") or "-", one("next") or "-",
            auth, accept))
        if not ok:
            return self.error(401, "Unauthorized",
                              "no valid credentials for this server",
                              [("WWW-Authenticate", 'Basic realm="taxii-mock"')])
        if "application/taxii+json" not in accept or "version=2.1" not in accept:
            return self.error(406, "Not Acceptable", "this server speaks %s" % MEDIA)
        faults = state.faults()
        scheme = "https" if state.args.cert else "http"
        root = "%s://127.0.0.1:%d" % (scheme, self.server.server_address[1])
        if url.path.startswith("/old-api/"):
            self.send_response(308)
            self.send_header("Location", "/api/" + url.path[9:] +
                             ("?" + url.query if url.query else ""))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if url.path == "/taxii2/":
            return self.send_json(200, {"title": "taxii mock", "default": root + "/api/",
                                        "api_roots": [root + "/api/"]})
        if url.path == "/api/":
            return self.send_json(200, {"title": "mock root", "versions": [MEDIA],
                                        "max_content_length": 10485760})
        prefix = "/api/collections/"
        if not url.path.startswith(prefix):
            return self.error(404, "Not Found", "no such resource")
        rest = url.path[len(prefix):]
        if rest != state.args.collection + "/objects/":
            return self.error(404, "Not Found", "no collection here")
        if faults.get("redirect_elsewhere"):
            self.send_response(302)
            self.send_header("Location", "http://localhost:%d%s" % (
                self.server.server_address[1], self.path))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        return self.objects(state, faults, one)

    def objects(self, state, faults, one):
        after, nxt = one("added_after"), one("next")
        try:
            limit = min(int(one("limit") or state.args.max_limit), state.args.max_limit)
            if limit < 1:
                raise ValueError
        except ValueError:
            return self.error(400, "Bad Request", "limit must be a positive integer")
        try:
            after_key = ts_key(after) if after else None
        except ValueError:
            return self.error(400, "Bad Request", "added_after is not a timestamp")
        if faults.get("loop_next"):
            return self.send_json(200, {"more": True, "next": "loop", "objects": []})
        if faults.get("html"):
            body = b"<html><body>Sign in</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if nxt is not None:
            with state.lock:
                got = state.tokens.get(nxt)
            if got is None:
                return self.error(400, "Bad Request", "unknown next")
            if got[0] != after:
                return self.error(400, "Bad Request",
                                  "next must come with the same added_after")
            offset, page = got[2], got[3]
        else:
            offset, page = 0, 1
        sp = faults.get("status_on_page")
        if sp and sp[0] == page:
            return self.error(sp[1], "Internal Server Error",
                              "the collection store went away")
        if faults.get("endless_empty"):
            with state.lock:
                state.count += 1
                token = "tok-%d" % state.count
                state.tokens[token] = (after, limit, offset, page + 1)
            return self.send_json(200, {"more": True, "next": token, "objects": []})
        entries = [e for e in state.entries()
                   if after_key is None or ts_key(e["date_added"]) > after_key]
        chunk = entries[offset:offset + limit]
        more = offset + limit < len(entries)
        env = {"more": more, "objects": [e["object"] for e in chunk]}
        if more and not faults.get("no_next"):
            with state.lock:
                state.count += 1
                token = "tok-%d" % state.count
                state.tokens[token] = (after, limit, offset + limit, page + 1)
            env["next"] = token
        headers = []
        if chunk:
            headers = [("X-TAXII-Date-Added-First", chunk[0]["date_added"]),
                       ("X-TAXII-Date-Added-Last", chunk[-1]["date_added"])]
        if faults.get("huge"):
            self.send_response(200)
            self.send_header("Content-Type", MEDIA)
            self.send_header("Connection", "close")
            self.end_headers()
            block = b" " * (1 << 20)
            try:
                for _ in range(65):
                    self.wfile.write(block)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        if faults.get("bad_json_on_page") == page:
            good = ",".join(json.dumps(o) for o in env["objects"][:3])
            head = '{"more": true, "next": "x", "objects": [' + good + ","
            state.log("bad-json-at %d" % len(head.encode()))
            body = (head + ', {"type": "ipv4-addr"}]}').encode()
            self.send_response(200)
            self.send_header("Content-Type", MEDIA)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_json(200, env, headers)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--objects", required=True)
    ap.add_argument("--collection", required=True)
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--token")
    ap.add_argument("--log", required=True)
    ap.add_argument("--faults", default="/nonexistent")
    ap.add_argument("--max-limit", type=int, default=100)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--cert")
    ap.add_argument("--key")
    args = ap.parse_args()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.state = State(args)
    if args.cert:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(args.cert, args.key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, args.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
