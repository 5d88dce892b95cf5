#!/bin/sh
# taxii.sh - the real `tix serve` on 127.0.0.1 (port 0: a free one), driven
# with curl as a partner would: discovery, both ways of authenticating, a
# bundle POSTed and read back, pagination through next links, the TAXII
# headers, hostile requests (bad JSON, a body over --max-body, wrong media
# types, bad credentials, `..` and encoded path tricks, unknown routes,
# garbage that is not HTTP), each answered with its 4xx and a TAXII error
# body while the server keeps answering; revocation taking effect at once;
# `tix audit` (with the SHA-256 of a body curl received); a clean stop on
# SIGTERM. TLS is tests/cli/taxii_tls.sh.
set -eu

: "${TIX:?TIX must point at the tix binary}"
for tool in curl python3 sha256sum; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "$tool not found: skipped"
        exit 77
    fi
done

T=$(mktemp -d "${TMPDIR:-/tmp}/taxii.XXXXXX")
SERVER=""
cleanup() {
    if [ -n "$SERVER" ]; then
        kill "$SERVER" 2>/dev/null || true
        wait "$SERVER" 2>/dev/null || true
    fi
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

. "$(dirname "$0")/lib/checks.sh"

DB="$T/tix.db"
tix() { "$TIX" --db "$DB" "$@"; }

# ---- the store: collections and partners -------------------------------------

tix init >/dev/null
out=$(tix collection add drop --store --title "Partner drop box")
has "collection add" "$out" "collection drop: "
DROP=$(printf '%s\n' "$out" | sed -n 's/^collection drop: \([0-9a-f-]*\) (store)$/\1/p')
[ -n "$DROP" ] || fail "collection add: no uuid in '$out'"
out=$(tix collection add emotet-ng --query 'family=Emotet country=NG active' \
    --title "Emotet C&C, Nigeria, active")
has "query collection" "$out" "(query)"
out=$(tix collection add hidden --store)

tok() { sed -n 's/^token: //p' "$1"; }
tix partner add cert-ng --kind cert --country ng --clearance amber >"$T/t1" 2>"$T/e1"
tix partner add bka --kind police --country DE --clearance red >"$T/t2" 2>/dev/null
tix partner add vendor-x --kind vendor --country US --clearance clear >"$T/t3" 2>/dev/null
TOK1=$(tok "$T/t1")
TOK2=$(tok "$T/t2")
TOK3=$(tok "$T/t3")
same "token line" "$(wc -l <"$T/t1" | tr -d ' ')" "1"
case "$TOK1" in
tix_*) ;;
*) fail "token has no tix_ prefix: $TOK1" ;;
esac
has "token shown once" "$(cat "$T/e1")" "shown only this once"
tix partner grant cert-ng drop read,write >/dev/null
tix partner grant bka drop read >/dev/null
tix partner grant bka emotet-ng read >/dev/null
tix partner grant vendor-x drop read >/dev/null
set +e
tix partner grant cert-ng emotet-ng write >/dev/null 2>"$T/err"
st=$?
set -e
same "write on a query collection" "$st" "1"
has "write on a query collection" "$(cat "$T/err")" "query collection"
out=$(tix partner list)
has "partner list" "$out" "cert-ng"
has "partner list grants" "$out" "drop:read,write"
hasnt "partner list shows no token" "$out" "$TOK1"
hasnt "partner list shows no token prefix" "$out" "tix_"
out=$(tix collection list)
has "collection list" "$out" "$DROP  drop"
has "collection list query" "$out" "family=Emotet country=NG active"

# ---- the server -------------------------------------------------------------------

start_server() { # ARGS...: start tix serve, set URL
    # the file exists before the child writes it: a sed in the loop below
    # must not fail (set -e) while the child is still becoming tix
    : >"$T/serve.err"
    "$TIX" --db "$DB" serve --listen 127.0.0.1:0 "$@" 2>>"$T/serve.err" &
    SERVER=$!
    i=0
    URL=""
    while [ $i -lt 100 ]; do
        URL=$(sed -n 's|^tix serve: listening on \(.*\)/taxii2/$|\1|p' "$T/serve.err" || true)
        [ -n "$URL" ] && break
        kill -0 "$SERVER" 2>/dev/null || break
        sleep 0.1
        i=$((i + 1))
    done
    if [ -z "$URL" ]; then
        cat "$T/serve.err"
        fail "the server did not start"
        finish taxii
        exit 1
    fi
}
start_server --max-body 100000

# req WHAT WANT_STATUS CURL-ARGS...: body in $T/body, headers in $T/hdr
req() {
    what=$1 want=$2
    shift 2
    code=$(curl -s -g -o "$T/body" -D "$T/hdr" -w '%{http_code}' "$@" || true)
    if [ "$code" != "$want" ]; then
        fail "$what: HTTP $code, want $want"
        printf '  body: %s\n' "$(head -c 400 "$T/body")"
    fi
}
# A TAXII error message with this status.
taxii_error() {
    has "$1: TAXII error body" "$(cat "$T/body")" "\"http_status\":\"$2\""
    has "$1: TAXII media type" "$(cat "$T/hdr")" \
        "Content-Type: application/taxii+json;version=2.1"
}
B1="Authorization: Bearer $TOK1"
B2="Authorization: Bearer $TOK2"
B3="Authorization: Bearer $TOK3"
json() { python3 -c "import json,sys; d=json.load(open('$T/body')); print($1)"; }

req "discovery" 200 -H "$B1" "$URL/taxii2/"
has "discovery api root" "$(cat "$T/body")" "\"api_roots\":[\"$URL/api/\"]"
has "discovery media type" "$(cat "$T/hdr")" "Content-Type: application/taxii+json;version=2.1"
req "discovery, Basic" 200 -u "cert-ng:$TOK1" "$URL/taxii2/"
req "api root" 200 -H "$B1" -H "Accept: application/taxii+json;version=2.1" "$URL/api/"
has "max_content_length" "$(cat "$T/body")" "\"max_content_length\":100000"
req "collections" 200 -H "$B1" "$URL/api/collections/"
same "collections of cert-ng" "$(json '",".join(c["alias"] for c in d["collections"])')" "drop"
same "cert-ng can write" "$(json 'd["collections"][0]["can_write"]')" "True"
req "collections of bka" 200 -H "$B2" "$URL/api/collections/"
same "collections of bka" "$(json '",".join(c["alias"] for c in d["collections"])')" "drop,emotet-ng"
hasnt "hidden stays hidden" "$(cat "$T/body")" "hidden"

# ---- POST a bundle, read it back --------------------------------------------------

cat >"$T/bundle.json" <<'EOF'
{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[
 {"type":"indicator","spec_version":"2.1","id":"indicator--d81f86b9-975b-4c0b-875e-810c5ad45a4f","created":"2024-03-01T10:00:00.000Z","modified":"2024-03-01T10:00:00.000Z","name":"C2 185.100.87.2","pattern":"[ipv4-addr:value = '185.100.87.2']","pattern_type":"stix","valid_from":"2024-03-01T10:00:00Z","object_marking_refs":["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"]},
 {"type":"indicator","spec_version":"2.1","id":"indicator--1b9e4f7a-6c2d-4e1f-9a8b-3c5d7e9f1a2b","created":"2024-03-01T10:00:00.000Z","modified":"2024-03-02T10:00:00.000Z","name":"C2 evil-c2.net","pattern":"[domain-name:value = 'evil-c2.net']","pattern_type":"stix","valid_from":"2024-03-01T10:00:00Z","object_marking_refs":["marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"]},
 {"type":"malware","spec_version":"2.1","id":"malware--0c7b5e1d-2f3a-4b4c-8d9e-1f2a3b4c5d6e","created":"2024-03-01T10:00:00.000Z","modified":"2024-03-01T10:00:00.000Z","name":"Emotet","is_family":true,"object_marking_refs":["marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"]},
 {"type":"indicator","spec_version":"2.1","id":"indicator--9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a","created":"2024-03-01T10:00:00.000Z","modified":"2024-03-01T10:00:00.000Z","name":"for bka only","object_marking_refs":["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"]},
 {"type":"indicator","id":"indicator--00000000-0000-4000-8000-000000000bad"}
]}
EOF
OBJ="$URL/api/collections/$DROP/objects/"
req "POST" 202 -H "$B1" -H "Content-Type: application/taxii+json;version=2.1" \
    --data-binary @"$T/bundle.json" "$OBJ"
same "POST status" "$(json 'd["status"]')" "complete"
same "POST counts" "$(json '(d["total_count"], d["success_count"], d["failure_count"])')" "(5, 4, 1)"
same "POST failure" "$(json 'd["failures"][0]["message"]')" "no spec_version"
STATUS=$(json 'd["id"]')
req "status" 200 -H "$B1" "$URL/api/status/$STATUS/"
same "status again" "$(json 'd["success_count"]')" "4"
req "status of another partner" 404 -H "$B2" "$URL/api/status/$STATUS/"
taxii_error "status of another partner" 404

# bka (red, but not named on the TLP:RED object cert-ng posted) sees three
req "bka objects" 200 -H "$B2" "$OBJ"
same "bka sees" "$(json 'len(d["objects"])')" "3"
hasnt "bka does not see red" "$(cat "$T/body")" "for bka only"
has "date added first" "$(cat "$T/hdr")" "X-TAXII-Date-Added-First: 20"
has "date added last" "$(cat "$T/hdr")" "X-TAXII-Date-Added-Last: 20"
# vendor-x (clear) sees the malware only
req "vendor objects" 200 -H "$B3" "$OBJ"
same "vendor sees" "$(json '[o["type"] for o in d["objects"]]')" "['malware']"
req "vendor, forbidden id" 200 -H "$B3" "$OBJ?match[id]=indicator--1b9e4f7a-6c2d-4e1f-9a8b-3c5d7e9f1a2b"
same "vendor, forbidden id: empty" "$(cat "$T/body")" "{}"
req "vendor, forbidden object" 404 -H "$B3" "$OBJ"indicator--1b9e4f7a-6c2d-4e1f-9a8b-3c5d7e9f1a2b/
taxii_error "vendor, forbidden object" 404
hasnt "404 names nothing" "$(cat "$T/body")" "evil-c2"

# pages of one, through next links
ids=""
target="$OBJ?limit=1"
pages=0
while :; do
    req "page $pages" 200 -H "$B2" "$target"
    ids="$ids $(json 'd["objects"][0]["id"]')"
    pages=$((pages + 1))
    more=$(json 'd.get("more")')
    [ "$more" = "True" ] || break
    next=$(json 'd["next"]')
    target="$OBJ?limit=1&next=$next"
    [ $pages -lt 10 ] || break
done
same "pages" "$pages" "3"
same "paged ids" "$ids" " indicator--d81f86b9-975b-4c0b-875e-810c5ad45a4f indicator--1b9e4f7a-6c2d-4e1f-9a8b-3c5d7e9f1a2b malware--0c7b5e1d-2f3a-4b4c-8d9e-1f2a3b4c5d6e"
# a next link of bka's is no good to another partner
req "replayed next" 400 -H "$B1" "$OBJ?limit=1&next=$next"
taxii_error "replayed next" 400

req "manifest" 200 -H "$B2" "$URL/api/collections/$DROP/manifest/"
same "manifest versions" "$(json '[o["version"] for o in d["objects"]]')" \
    "['2024-03-01T10:00:00.000Z', '2024-03-02T10:00:00.000Z', '2024-03-01T10:00:00.000Z']"
req "versions" 200 -H "$B2" "$OBJ"indicator--1b9e4f7a-6c2d-4e1f-9a8b-3c5d7e9f1a2b/versions/
same "versions" "$(json 'd["versions"]')" "['2024-03-02T10:00:00.000Z']"
req "object" 200 -H "$B2" "$OBJ"indicator--1b9e4f7a-6c2d-4e1f-9a8b-3c5d7e9f1a2b/
cp "$T/body" "$T/object.body"
same "object" "$(json 'd["objects"][0]["name"]')" "C2 evil-c2.net"

# ---- hostile requests ---------------------------------------------------------------

req "no credentials" 401 "$URL/taxii2/"
taxii_error "no credentials" 401
has "WWW-Authenticate" "$(cat "$T/hdr")" "WWW-Authenticate: Basic realm=\"tix\""
has "WWW-Authenticate Bearer" "$(cat "$T/hdr")" "WWW-Authenticate: Bearer realm=\"tix\""
req "bad token" 401 -H "Authorization: Bearer tix_nope" "$URL/taxii2/"
taxii_error "bad token" 401
req "Basic with another name" 401 -u "bka:$TOK1" "$URL/taxii2/"
taxii_error "Basic with another name" 401
req "bad JSON" 400 -H "$B1" -H "Content-Type: application/taxii+json;version=2.1" \
    --data-binary '{"objects":[{"type":' "$OBJ"
taxii_error "bad JSON" 400
head -c 200000 /dev/zero | tr '\0' ' ' >"$T/big"
req "body over --max-body" 413 -H "$B1" -H "Content-Type: application/taxii+json;version=2.1" \
    --data-binary @"$T/big" "$OBJ"
taxii_error "body over --max-body" 413
req "chunked body over --max-body" 413 -H "$B1" -H "Transfer-Encoding: chunked" \
    -H "Content-Type: application/taxii+json;version=2.1" --data-binary @"$T/big" "$OBJ"
taxii_error "chunked body over --max-body" 413
# one that goes on and on: read up to 4 x --max-body, then the connection is dropped
head -c 600000 /dev/zero | tr '\0' ' ' >"$T/huge"
req "endless chunked body" 000 -H "$B1" -H "Transfer-Encoding: chunked" \
    -H "Content-Type: application/taxii+json;version=2.1" --data-binary @"$T/huge" "$OBJ"
req "wrong Accept" 406 -H "$B1" -H "Accept: text/html" "$OBJ"
taxii_error "wrong Accept" 406
req "wrong Content-Type" 415 -H "$B1" -H "Content-Type: application/json" \
    --data-binary @"$T/bundle.json" "$OBJ"
taxii_error "wrong Content-Type" 415
req "read-only partner POSTs" 403 -H "$B2" -H "Content-Type: application/taxii+json;version=2.1" \
    --data-binary @"$T/bundle.json" "$OBJ"
taxii_error "read-only partner POSTs" 403
req "dot-dot" 400 --path-as-is -H "$B1" "$URL/api/collections/$DROP/../../../etc/passwd"
taxii_error "dot-dot" 400
req "encoded dot-dot" 400 --path-as-is -H "$B1" "$URL/api/collections/%2e%2e/%2E%2E/taxii2/"
taxii_error "encoded dot-dot" 400
req "encoded slash" 400 --path-as-is -H "$B1" "$URL/api/collections%2F$DROP/objects/"
taxii_error "encoded slash" 400
req "NUL" 400 --path-as-is -H "$B1" "$URL/api/collections/%00/"
taxii_error "NUL" 400
req "unknown route" 404 -H "$B1" "$URL/admin/"
taxii_error "unknown route" 404
req "not granted" 404 -H "$B1" "$URL/api/collections/$(tix collection list --format jsonl |
    python3 -c 'import json,sys; print([json.loads(l)["id"] for l in sys.stdin if "hidden" in l][0])')/"
taxii_error "not granted" 404
req "PUT" 405 -X PUT -H "$B1" "$OBJ"
taxii_error "PUT" 405
has "Allow" "$(cat "$T/hdr")" "Allow: GET, POST"
req "bad limit" 400 -H "$B1" "$OBJ?limit=0"
taxii_error "bad limit" 400
req "bad added_after" 400 -H "$B1" "$OBJ?added_after=yesterday"
taxii_error "bad added_after" 400
# not HTTP at all; a request line and a header too long for the server
# (libmicrohttpd answers those two itself: 414 and 431)
python3 - "$URL" >"$T/junk" <<'EOF'
import socket, sys
host, port = sys.argv[1].split("//")[1].rsplit(":", 1)
for junk in (b"\x00\xff\xfe garbage \r\n\r\n", b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\n\r\n",
             b"GET /taxii2/ HTTP/1.1\r\nHost: x\r\n" + b"X-Long: " + b"b" * 100000 + b"\r\n\r\n"):
    s = socket.create_connection((host, int(port)), timeout=20)
    got = b""
    try:
        s.sendall(junk)
        s.shutdown(socket.SHUT_WR)
        got = s.recv(100)
    except OSError:
        pass
    s.close()
    print(got.split(b"\r\n")[0].decode("latin-1"))
EOF
has "request line too long" "$(cat "$T/junk")" "HTTP/1.1 414"
has "header too long" "$(cat "$T/junk")" "HTTP/1.1 431"
req "still answering" 200 -H "$B1" "$URL/taxii2/"

# ---- revocation takes effect at once ------------------------------------------------

tix partner revoke vendor-x drop >/dev/null
req "grant revoked" 404 -H "$B3" "$OBJ"
tix partner revoke vendor-x >/dev/null
req "partner revoked" 401 -H "$B3" "$URL/taxii2/"
tix partner token cert-ng >"$T/t1b" 2>/dev/null
TOK1B=$(tok "$T/t1b")
req "old token" 401 -H "$B1" "$URL/taxii2/"
req "new token" 200 -H "Authorization: Bearer $TOK1B" "$URL/taxii2/"

# ---- stop, then the audit log --------------------------------------------------------

kill -TERM "$SERVER"
set +e
wait "$SERVER"
st=$?
set -e
SERVER=""
same "exit status after SIGTERM" "$st" "0"
has "stopped" "$(cat "$T/serve.err")" "tix serve: stopped"

out=$(tix audit --object indicator--1b9e4f7a-6c2d-4e1f-9a8b-3c5d7e9f1a2b)
has "audit: the POST" "$out" "cert-ng	drop	POST /api/collections/$DROP/objects/	202"
has "audit: bka received it" "$out" "bka	drop	GET /api/collections/$DROP/objects/	200	3 objects"
hasnt "audit: vendor never received it" "$out" "vendor-x"
sha=$(sha256sum "$T/object.body" | cut -d' ' -f1)
out=$(tix audit --partner bka --format jsonl --ids)
has "audit: SHA-256 of the body bka got" "$out" "\"sha256\":\"$sha\""
has "audit: the ids bka got" "$out" \
    "\"ids\":[{\"id\":\"indicator--1b9e4f7a-6c2d-4e1f-9a8b-3c5d7e9f1a2b\",\"version\":\"2024-03-02T10:00:00.000000Z\"}]"
n=$(tix audit --partner vendor-x | wc -l | tr -d ' ')
[ "$n" -ge 4 ] || fail "audit: vendor-x's requests: $n"
out=$(tix audit --collection drop --partner vendor-x)
has "audit by collection" "$out" "vendor-x	drop	GET /api/collections/$DROP/objects/?match[id]="
out=$(tix audit --object indicator--00000000-0000-4000-8000-000000000000)
same "audit of an unknown object" "$out" ""

finish taxii
