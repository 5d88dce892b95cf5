#!/bin/sh
# pull.sh - `tix pull` against a TAXII 2.1 server (tests/cli/lib/taxii_mock.py,
# serving tests/data/taxii/collection.json: 250 objects, 100 a page): the
# whole collection over three pages; a second pull that asks only for what
# came after the stored point, kept exactly as the server wrote it; new
# objects, through the discovery URL with a bearer token; --all and --from;
# a wrong password; a server failing on page 2 and a page of bad JSON (page
# 1 and its resume point stay, the next pull completes); paging by
# X-TAXII-Date-Added-Last when the server gives no next; a server that
# repeats next; redirects; a response over the size cap; bad arguments;
# TLS with a self-signed certificate.
set -eu

: "${TIX:?TIX must point at the tix binary}"
: "${SRC:?SRC must point at the source tree}"
if ! command -v python3 >/dev/null 2>&1; then
    echo "python3 not installed: skipped"
    exit 77
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/pull.XXXXXX")
MOCK_PID=""
stop_mock() {
    if [ -n "$MOCK_PID" ]; then
        kill "$MOCK_PID" 2>/dev/null || true
        wait "$MOCK_PID" 2>/dev/null || true
        MOCK_PID=""
    fi
}
trap 'stop_mock; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM

TIX_NOW=2024-03-21T12:00:00Z
LC_ALL=C
export LC_ALL TIX_NOW
unset TIX_PULL_PASSWORD TIX_PULL_TOKEN

. "$SRC/tests/cli/lib/checks.sh"

DATA="$SRC/tests/data/taxii"
C=91a7b528-80eb-42ed-a74d-c6fbd5a26116
PW='Corr3ct-h0rse'
TOKEN='s3cret-token-7f2a'
MEDIA='application/taxii+json;version=2.1'
LOG="$T/requests.log"
FAULTS="$T/faults.json"
cp "$DATA/collection.json" "$T/objects.json"
echo '{}' >"$FAULTS"

# start_mock [--cert F --key F]: the server on a free port, in $PORT
start_mock() {
    rm -f "$T/port"
    python3 "$SRC/tests/cli/lib/taxii_mock.py" --objects "$T/objects.json" \
        --collection "$C" --user partner-cert --password "$PW" --token "$TOKEN" \
        --log "$LOG" --faults "$FAULTS" --port-file "$T/port" "$@" &
    MOCK_PID=$!
    i=0
    while [ ! -s "$T/port" ]; do
        i=$((i + 1))
        if [ "$i" -gt 100 ] || ! kill -0 "$MOCK_PID" 2>/dev/null; then
            echo "FAIL: the TAXII mock did not start"
            exit 1
        fi
        sleep 0.1
    done
    PORT=$(cat "$T/port")
}

# run_env VAR=VALUE DB ARGS...: tix pull with VAR in its environment (""
# for none), its standard error in $err, its status in $rc
run_env() {
    assign=$1
    db=$2
    shift 2
    : >"$LOG"
    [ -f "$T/$db" ] || "$TIX" --db "$T/$db" init >/dev/null
    set +e
    if [ -n "$assign" ]; then
        err=$(env "$assign" "$TIX" --db "$T/$db" pull "$@" 2>&1 >/dev/null)
    else
        err=$("$TIX" --db "$T/$db" pull "$@" 2>&1 >/dev/null)
    fi
    rc=$?
    set -e
}
run() { run_env "" "$@"; }
tok() { run_env "TIX_PULL_TOKEN=$TOKEN" "$@"; }
observables() {
    "$TIX" --db "$T/$1" list --format csv | tail -n +2 | cut -d, -f1,2 | sort
}
expected() { sort "$DATA/expected-$1.txt"; }
# the requests the server got for objects: "added_after limit next auth accept"
requests() {
    grep "^/[a-z-]*/collections/" "$LOG" | sed 's/^[^ ]* //' || true
}
nth() { requests | sed -n "${1}p"; }
count() { printf '%s\n' "$1" | grep -c -- "$2" || true; }

start_mock
API="http://127.0.0.1:$PORT/api/"
OBJ="http://127.0.0.1:$PORT/api/collections/$C/objects/"
LAST=2024-03-01T02:34:10.120000Z     # date_added of the collection's last object
P1_LAST=2024-03-01T01:01:03.783981Z  # ... of the 100th, the last of page 1
P2_LAST=2024-03-01T02:02:43.575881Z  # ... of the 200th

# ---- the whole collection, three pages, password from the environment --------
run_env "TIX_PULL_PASSWORD=$PW" a.db "$API" --collection "$C" --user partner-cert --limit 100
same "full: status" "$rc" 0
same "full: summary" "$err" \
    "pull: 3 pages, 250 objects, 239 new observables; resume point $LAST"
same "full: observables" "$(observables a.db)" "$(expected all)"
same "full: page 1" "$(nth 1)" "added_after=- limit=100 next=- auth=basic:partner-cert accept=$MEDIA"
same "full: page 2 follows next" "$(nth 2)" \
    "added_after=- limit=100 next=tok-1 auth=basic:partner-cert accept=$MEDIA"
same "full: page 3" "$(nth 3 | cut -d' ' -f1-3)" "added_after=- limit=100 next=tok-2"
same "full: three requests" "$(requests | wc -l | tr -d ' ')" 3
# the identity on page 1 names the source of the indicators on pages 2 and 3
same "full: identity as source" \
    "$("$TIX" --db "$T/a.db" list --source "Partner CERT Example" --format csv | tail -n +2 | wc -l | tr -d ' ')" 50
has "full: the host is the default source" "$("$TIX" --db "$T/a.db" source list)" \
    "127.0.0.1                partner     70"
show=$("$TIX" --db "$T/a.db" show 45.144.38.101)
has "full: evidence names the page" "$show" "Partner CERT Example  ${OBJ}?limit=100&next=tok-1 indicator--"
hasnt "full: no password in messages" "$err" "$PW"

# ---- again: only what came after the stored point ------------------------------
run a.db "$API" --collection "$C" --user partner-cert --password "$PW" --limit 100
same "again: status" "$rc" 0
same "again: summary" "$err" \
    "pull: 1 page, 0 objects, 0 new observables; resume point $LAST (unchanged)"
same "again: added_after exactly as the server sent it" "$(nth 1 | cut -d' ' -f1-3)" \
    "added_after=$LAST limit=100 next=-"

# ---- new objects, through the discovery URL, with a bearer token ----------------
python3 -c 'import json, sys
a = json.load(open(sys.argv[1])); b = json.load(open(sys.argv[2]))
json.dump(a + b, open(sys.argv[1], "w"))' "$T/objects.json" "$DATA/more.json"
tok a.db "http://127.0.0.1:$PORT/taxii2/" --collection "$C" --limit 100
same "new: status" "$rc" 0
same "new: summary" "$err" \
    "pull: 1 page, 12 objects, 12 new observables; resume point 2024-03-02T08:00:11.5Z"
same "new: discovery first" "$(head -1 "$LOG" | cut -d' ' -f1,5)" "/taxii2/ auth=bearer"
same "new: only what is new was asked for" "$(nth 1 | cut -d' ' -f1-4)" \
    "added_after=$LAST limit=100 next=- auth=bearer"
same "new: observables" "$(observables a.db)" "$(expected more)"

# ---- --all and --from: where this run starts; the point never moves back ----------
tok a.db "$API" --collection "$C" --limit 100 --all
same "--all: status" "$rc" 0
same "--all: from the beginning" "$(nth 1 | cut -d' ' -f1)" "added_after=-"
has "--all: summary" "$err" \
    "pull: 3 pages, 262 objects, 0 new observables; resume point 2024-03-02T08:00:11.5Z (unchanged)"
# pages 1 and 2 are the same bytes as the first pull's: the same documents
same "--all: pages seen before" "$(count "$err" "already ingested on")" 2
tok a.db "$API" --collection "$C" --from 2024-03-02
same "--from DATE" "$(nth 1 | cut -d' ' -f1-3)" "added_after=2024-03-02T00:00:00Z limit=- next=-"
has "--from DATE: summary" "$err" \
    "pull: 1 page, 12 objects, 0 new observables; resume point 2024-03-02T08:00:11.5Z (unchanged)"
tok a.db "$API" --collection "$C" --from 2024-03-01T02:34:10.12Z
same "--from TIME kept as given" "$(nth 1 | cut -d' ' -f1)" "added_after=2024-03-01T02:34:10.12Z"
tok a.db "$API" --collection "$C"
same "after --from: the stored point" "$(nth 1 | cut -d' ' -f1)" \
    "added_after=2024-03-02T08:00:11.5Z"

# ---- a wrong password: the server's error, nothing stored ---------------------------
run_env TIX_PULL_PASSWORD=hunter2-wrong b.db "$API" --collection "$C" --user partner-cert --limit 100
same "wrong password: status" "$rc" 1
same "wrong password: message" "$err" \
    "tix: pull: ${OBJ}?limit=100: page 1: HTTP 401: Unauthorized: no valid credentials for this server; nothing was stored"
same "wrong password: nothing stored" "$(observables b.db)" ""
run b.db "$API" --collection "$C" --user partner-cert --password 'hunter2-wrong'
same "wrong password (option): status" "$rc" 1
hasnt "wrong password: never printed" "$err" "hunter2"
run b.db "$API" --collection "$C" --token 'not-the-token'
same "wrong token: status" "$rc" 1
has "wrong token: message" "$err" "page 1: HTTP 401: Unauthorized"
hasnt "wrong token: never printed" "$err" "not-the-token"
run b.db "$API" --collection 00000000-0000-0000-0000-000000000000 --token "$TOKEN"
same "unknown collection" "$err" \
    "tix: pull: http://127.0.0.1:$PORT/api/collections/00000000-0000-0000-0000-000000000000/objects/: page 1: HTTP 404: Not Found: no collection here; nothing was stored"

# ---- the server fails on page 2: page 1 and its point stay; the next run completes --
echo '{"status_on_page": [2, 500]}' >"$FAULTS"
tok c.db "$API" --collection "$C" --limit 100
same "500: status" "$rc" 1
has "500: the request" "$err" "tix: pull: ${OBJ}?limit=100&next=tok-"
has "500: the server's error" "$err" \
    ": page 2: HTTP 500: Internal Server Error: the collection store went away; nothing from this page was stored, the 1 page before it is (resume point $P1_LAST)"
same "500: page 1 is stored" "$(observables c.db)" "$(expected page1)"
echo '{}' >"$FAULTS"
tok c.db "$API" --collection "$C" --limit 100
same "500, again: status" "$rc" 0
same "500, again: resumes after page 1" "$(nth 1 | cut -d' ' -f1-3)" \
    "added_after=$P1_LAST limit=100 next=-"
same "500, again: the same added_after with next" "$(nth 2 | cut -d' ' -f1)" \
    "added_after=$P1_LAST"
same "500, again: summary" "$err" \
    "pull: 2 pages, 162 objects, 153 new observables; resume point 2024-03-02T08:00:11.5Z"
same "500, again: everything" "$(observables c.db)" "$(expected more)"

# ---- a page of malformed JSON: named with its byte offset, nothing from it stored ---
echo '{"bad_json_on_page": 2}' >"$FAULTS"
tok d.db "$API" --collection "$C" --limit 100
at=$(sed -n 's/^bad-json-at //p' "$LOG")
same "bad JSON: status" "$rc" 1
has "bad JSON: page, URL and offset" "$err" \
    "?limit=100&next=tok-"
has "bad JSON: offset" "$err" ": page 2: malformed JSON at byte $at (line 1, column $((at + 1))): "
has "bad JSON: what is stored" "$err" \
    "nothing from this page was stored, the 1 page before it is (resume point $P1_LAST)"
same "bad JSON: page 1 only" "$(observables d.db)" "$(expected page1)"

# ---- more without next: paging by X-TAXII-Date-Added-Last (TAXII 2.1 3.4) ---------
echo '{"no_next": true}' >"$FAULTS"
tok e.db "$API" --collection "$C" --limit 100
same "no next: status" "$rc" 0
same "no next: page 2" "$(nth 2 | cut -d' ' -f1-3)" "added_after=$P1_LAST limit=100 next=-"
same "no next: page 3" "$(nth 3 | cut -d' ' -f1-3)" "added_after=$P2_LAST limit=100 next=-"
same "no next: everything" "$(observables e.db)" "$(expected more)"

# ---- a server that sends the same next again ----------------------------------------
echo '{"loop_next": true}' >"$FAULTS"
tok f.db "$API" --collection "$C"
same "loop: status" "$rc" 1
has "loop: message" "$err" \
    ": page 2: the server sent the same \"next\" again; stopped so as not to loop; the 2 pages read are stored"
same "loop: two requests" "$(requests | wc -l | tr -d ' ')" 2

echo '{"endless_empty": true}' >"$FAULTS"
tok f.db "$API" --collection "$C"
same "endless empty pages: status" "$rc" 1
has "endless empty pages: message" "$err" \
    ": 100 empty pages in a row, each saying there is more; stopped"
same "endless empty pages: requests" "$(requests | wc -l | tr -d ' ')" 100

# ---- not a TAXII answer --------------------------------------------------------------
echo '{"html": true}' >"$FAULTS"
tok f.db "$API" --collection "$C"
same "web page: message" "$err" \
    "tix: pull: $OBJ: page 1: not a TAXII answer (Content-Type text/html; charset=utf-8); nothing was stored"

# ---- the page cap: a clean stop, the next run goes on ----------------------------------
echo '{}' >"$FAULTS"
tok l.db "$API" --collection "$C" --limit 100 --max-pages 2
same "--max-pages: status" "$rc" 0
same "--max-pages: summary" "$err" \
    "pull: 2 pages, 200 objects, 207 new observables; resume point $P2_LAST; stopped at the page limit with more to come: run again"
tok l.db "$API" --collection "$C" --limit 100 --max-pages 2
same "--max-pages, again: goes on" "$(nth 1 | cut -d' ' -f1)" "added_after=$P2_LAST"
same "--max-pages, again: summary" "$err" \
    "pull: 1 page, 62 objects, 44 new observables; resume point 2024-03-02T08:00:11.5Z"
same "--max-pages, again: everything" "$(observables l.db)" "$(expected more)"

# ---- redirects: to another server refused, on the same server followed --------------
echo '{"redirect_elsewhere": true}' >"$FAULTS"
tok g.db "$API" --collection "$C"
same "redirect elsewhere: status" "$rc" 1
has "redirect elsewhere: message" "$err" \
    ": page 1: HTTP 302 redirects to http://localhost:$PORT/api/collections/$C/objects/, another server; not followed"
same "redirect elsewhere: not followed" "$(wc -l <"$LOG" | tr -d ' ')" 1
echo '{}' >"$FAULTS"
tok g.db "http://127.0.0.1:$PORT/old-api" --collection "$C" --limit 200
same "redirect on the server: status" "$rc" 0
same "redirect on the server: followed" "$(cut -d' ' -f1 "$LOG" | sed 's/collections.*//' | tr '\n' ' ')" \
    "/old-api/ /api/ /old-api/ /api/ /old-api/ /api/ "
same "redirect on the server: everything" "$(observables g.db)" "$(expected more)"

# ---- a response over the cap (64 MiB) -------------------------------------------------
echo '{"huge": true}' >"$FAULTS"
tok h.db "$API" --collection "$C"
same "huge: status" "$rc" 1
same "huge: message" "$err" \
    "tix: pull: $OBJ: page 1: response larger than 67108864 bytes; not read; nothing was stored"
echo '{}' >"$FAULTS"

# ---- bad arguments ---------------------------------------------------------------------
run i.db
same "no URL: status 2" "$rc" 2
run i.db "$API"
same "no collection: status 2" "$rc" 2
has "no collection: message" "$err" "tix: pull: --collection ID is needed"
run i.db "$API" --collection "$C" --user partner-cert
same "user without password: status 2" "$rc" 2
run i.db "$API" --collection "$C" --user partner-cert --token "$TOKEN"
same "user and token: status 2" "$rc" 2
run i.db "$API" --collection "$C" --from yesterday
same "bad --from: status 2" "$rc" 2
run i.db "$API" --collection "$C" --from 2024-01-01 --all
same "--from and --all: status 2" "$rc" 2
run i.db "$API" --collection "$C" --limit 0
same "bad --limit: status 2" "$rc" 2
run i.db "http://partner-cert:$PW@127.0.0.1:$PORT/api/" --collection "$C"
same "credentials in the URL: status 1" "$rc" 1
has "credentials in the URL: message" "$err" "credentials do not belong in the URL"
hasnt "credentials in the URL: never printed" "$err" "$PW"
run i.db "ftp://127.0.0.1:$PORT/api/" --collection "$C"
same "ftp: status 1" "$rc" 1
has "ftp: message" "$err" "a TAXII server is reached over http or https"
same "help" "$("$TIX" pull --help | head -1)" \
    "usage: tix pull URL --collection ID [--user U --password P | --token T] [--limit N] [--source NAME] [--from TIME | --all] [--cacert FILE] [--insecure]"
has "listed" "$("$TIX" --help)" "  pull        ingest what is new in a collection of a TAXII 2.1 server"

# ---- TLS with a self-signed certificate ------------------------------------------------
stop_mock
if ! command -v openssl >/dev/null 2>&1; then
    echo "openssl not installed: TLS not tested"
elif ! openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$T/key.pem" -out "$T/cert.pem" \
    >/dev/null 2>&1; then
    fail "openssl could not make a test certificate"
else
    start_mock --cert "$T/cert.pem" --key "$T/key.pem"
    TLS="https://127.0.0.1:$PORT/api/"
    tok j.db "$TLS" --collection "$C"
    same "TLS, unknown CA: status" "$rc" 1
    has "TLS, unknown CA: message" "$err" "page 1: SSL certificate problem"
    tok j.db "$TLS" --collection "$C" --cacert "$T/cert.pem"
    same "TLS, --cacert: status" "$rc" 0
    same "TLS, --cacert: everything" "$(observables j.db)" "$(expected more)"
    tok k.db "$TLS" --collection "$C" --insecure
    same "TLS, --insecure: status" "$rc" 0
    same "TLS, --insecure: summary" "$err" \
        "pull: 3 pages, 262 objects, 251 new observables; resume point 2024-03-02T08:00:11.5Z"
fi

finish pull.sh
