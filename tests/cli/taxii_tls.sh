#!/bin/sh
# taxii_tls.sh - `tix serve --tls-cert --tls-key` with a self-signed
# certificate made by the openssl CLI: discovery and objects over HTTPS with
# the certificate as the only trust anchor (a pool of two threads, not a
# thread per connection), plain HTTP refused on the TLS
# port, a client that does not trust the certificate refused, a missing or
# mismatched key refused at start, and a clean stop.
set -eu

: "${TIX:?TIX must point at the tix binary}"
for tool in curl openssl; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "$tool not found: skipped"
        exit 77
    fi
done

T=$(mktemp -d "${TMPDIR:-/tmp}/taxii_tls.XXXXXX")
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

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" \
    -days 2 -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/other.pem" -out "$T/other.crt" \
    -days 2 -subj "/CN=other" 2>/dev/null

tix init >/dev/null
tix collection add drop --store >/dev/null
tix partner add cert-ng --kind cert --country NG --clearance amber >"$T/tok" 2>/dev/null
tix partner grant cert-ng drop read >/dev/null
TOK=$(sed -n 's/^token: //p' "$T/tok")
AUTH="Authorization: Bearer $TOK"

# a certificate without its key, and with another's key, do not start
set +e
tix serve --listen 127.0.0.1:0 --tls-cert "$T/cert.pem" 2>"$T/err"
st=$?
set -e
same "cert without key" "$st" "2"
set +e
tix serve --listen 127.0.0.1:0 --tls-cert "$T/cert.pem" --tls-key "$T/other.pem" \
    2>"$T/err" &
pid=$!
i=0
while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do
    sleep 0.1
    i=$((i + 1))
done
if kill -0 "$pid" 2>/dev/null; then
    fail "a mismatched key was accepted"
    kill "$pid"
fi
wait "$pid"
st=$?
set -e
same "mismatched key: exit status" "$st" "1"
has "mismatched key: message" "$(cat "$T/err")" "tix: serve: cannot start the HTTPS server"
set +e
tix serve --listen 127.0.0.1:0 --tls-cert "$T/nothing.pem" --tls-key "$T/key.pem" 2>"$T/err"
st=$?
set -e
same "missing cert: exit status" "$st" "1"
has "missing cert: message" "$(cat "$T/err")" "nothing.pem"

# the file exists before the child writes it (see the loop below)
: >"$T/serve.err"
"$TIX" --db "$DB" serve --listen 127.0.0.1:0 --threads 2 --tls-cert "$T/cert.pem" --tls-key "$T/key.pem" \
    2>>"$T/serve.err" &
SERVER=$!
URL=""
i=0
while [ $i -lt 100 ]; do
    URL=$(sed -n 's|^tix serve: listening on \(.*\)/taxii2/$|\1|p' "$T/serve.err" || true)
    [ -n "$URL" ] && break
    kill -0 "$SERVER" 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
done
case "$URL" in
https://127.0.0.1:*) ;;
*)
    cat "$T/serve.err"
    fail "no https URL: '$URL'"
    finish taxii_tls
    ;;
esac

code=$(curl -s -o "$T/body" -w '%{http_code}' --cacert "$T/cert.pem" -H "$AUTH" "$URL/taxii2/")
same "discovery over TLS" "$code" "200"
has "discovery names the https root" "$(cat "$T/body")" "\"default\":\"$URL/api/\""
code=$(curl -s -o "$T/body" -w '%{http_code}' --cacert "$T/cert.pem" -H "$AUTH" \
    "$URL/api/collections/")
same "collections over TLS" "$code" "200"
has "collections over TLS" "$(cat "$T/body")" "\"alias\":\"drop\""
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$T/cert.pem" "$URL/taxii2/")
same "TLS without credentials" "$code" "401"
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$T/other.crt" -H "$AUTH" \
    "$URL/taxii2/" || true)
same "a client that does not trust the certificate" "$code" "000"
plain=$(printf '%s' "$URL" | sed 's|^https:|http:|')
code=$(curl -s -o /dev/null -w '%{http_code}' -m 5 -H "$AUTH" "$plain/taxii2/" || true)
case "$code" in
2*) fail "plain HTTP on the TLS port answered $code" ;;
esac
code=$(curl -s -o /dev/null -w '%{http_code}' --cacert "$T/cert.pem" -H "$AUTH" "$URL/taxii2/")
same "still answering" "$code" "200"

kill -TERM "$SERVER"
set +e
wait "$SERVER"
st=$?
set -e
SERVER=""
same "exit status after SIGTERM" "$st" "0"
n=$(tix audit --partner cert-ng | wc -l | tr -d ' ')
same "audited over TLS" "$n" "3"

finish taxii_tls
