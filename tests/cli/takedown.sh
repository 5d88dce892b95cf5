#!/bin/sh
# takedown.sh - `tix takedown` as an operation runs it: a Feodo Tracker
# file and a partner's CSV of one family's C&C servers, a sinkhole the
# user adds, the demo constituencies; then the list in every format: what
# is in it, per agency and per country, what is left out and why, --since,
# the family in any case, --out, the errors, the refusal of an unvetted
# store, and the STIX bundle checked against the OASIS STIX 2.1 schemas.
#
# Countries come from Debian's geoip-database when it is installed, so the
# assertions here do not depend on them (tests/unit/test_takedown.c checks
# countries and networks exactly).
set -eu

: "${TIX:?TIX must point at the tix binary}"
: "${SRC:?SRC must point at the source tree}"

T=$(mktemp -d "${TMPDIR:-/tmp}/takedown.XXXXXX")
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM

TIX_NOW=2024-03-21T12:00:00Z
LC_ALL=C
export LC_ALL
export TIX_NOW
DB="$T/tix.db"
tix() { "$TIX" --db "$DB" "$@"; }

. "$SRC/tests/cli/lib/checks.sh"
lines() { printf '%s\n' "$1" | grep -c -- "$2" || true; }

FEODO="$SRC/tests/data/feeds/takedown-feodo.csv"
PARTNER="$SRC/tests/data/feeds/takedown-partner.csv"

# ---- the store -----------------------------------------------------------
tix init >/dev/null
tix ingest feed --format feodo-csv --source feodotracker "$FEODO" >/dev/null
tix ingest feed --format csv --map value=1,type=2,family=3,first_seen=4,last_seen=5 \
    --source partner-cert --kind partner "$PARTNER" >/dev/null
tix lists add sinkhole 185.174.101.7 --note "taken over by CERT-Demoland" >/dev/null
tix enrich --constituencies "$SRC/demo/constituencies.csv" >/dev/null

# ---- csv -----------------------------------------------------------------
csv=$(tix takedown --family PlumLoader --format csv)
same "csv header" "$(printf '%s\n' "$csv" | head -1)" \
    "group,status,type,value,ports,first_seen,last_seen,samples,sources,source_names,extractors,confidence,country,asn,as_name,constituency,email,tlp,flags,warnings,reasons,stix_id"
# two Feodo rows, two ports; the agency from the constituency file
has "csv: CERT-Demoland's server" "$csv" \
    'CERT-Demoland,active,ipv4,45.153.241.18,"443,8443",2024-02-02T07:14:09Z,2024-03-15T00:00:00Z,0,1,feodotracker,,'
has "csv: its contact" "$csv" ',CERT-Demoland,incident@cert-demoland.example,clear,,,,ipv4-addr--'
has "csv: hoster's server" "$csv" \
    'Orchard Hosting abuse desk,active,ipv4,91.215.85.10,443,2024-03-01T10:00:00Z,2024-03-14T00:00:00Z,0,1,feodotracker,,'
has "csv: IPv6" "$csv" ',active,ipv6,2a0d:5600:24::a1,443,2024-03-10T09:00:00Z,2024-03-18T00:00:00Z,'
# a domain and the URL on it are two entries
has "csv: domain" "$csv" \
    'unassigned,active,domain,plumsync-update.top,,2024-03-05T00:00:00Z,2024-03-16T00:00:00Z,0,1,partner-cert,,'
has "csv: URL" "$csv" \
    'unassigned,active,url,http://plumsync-update.top/gate.php,,2024-03-05T00:00:00Z,'
has "csv: an old server" "$csv" ',active,ipv4,77.83.247.81,447,2023-05-01T08:00:00Z,'
same "csv: active rows" "$(lines "$csv" ',active,')" 6
# left out: the sinkhole, a documentation address, a reserved name and a URL on it
same "csv: blocked rows" "$(lines "$csv" ',blocked,')" 4
has "csv: sinkhole left out" "$csv" \
    'Demoland Police Cybercrime Unit,blocked,ipv4,185.174.101.7,8080,'
has "csv: sinkhole reason" "$csv" ',sinkhole: 185.174.101.7 (taken over by CERT-Demoland),ipv4-addr--'
has "csv: documentation address" "$csv" \
    '"iana-ipv4-special: 203.0.113.0/24 (Documentation (TEST-NET-3), RFC 5737)"'
has "csv: reserved name" "$csv" ',blocked,domain,plum-c2.example.com,'
has "csv: URL on a reserved name" "$csv" ',blocked,url,http://plum-c2.example.com/panel/,'
has "csv: URL reason" "$csv" 'reserved-names: example.com (URL host)'
hasnt "csv: other family" "$csv" "5.45.66.77"
# blocked rows come after every active one
same "csv: active first" \
    "$(printf '%s\n' "$csv" | tail -n +2 | sed 's/^"[^"]*"//; s/^[^,]*,//; s/,.*//' | uniq | tr '\n' ' ')" \
    "active blocked "

# ---- the family in any case, --since ---------------------------------------
same "any case" "$(tix takedown --family plumLOADER --format csv)" "$csv"
out=$(tix takedown --family PlumLoader --format csv --since 2024-01-01)
hasnt "--since drops the old server" "$out" "77.83.247.81"
has "--since keeps the rest" "$out" "45.153.241.18"
out=$(tix takedown --family PlumLoader --format csv --since 2024-03-17)
same "--since 2024-03-17" "$(printf '%s\n' "$out" | tail -n +2 | cut -d, -f4)" "2a0d:5600:24::a1"

# ---- jsonl -----------------------------------------------------------------
js=$(tix takedown --family PlumLoader --format jsonl)
same "jsonl: one line per entry" "$(printf '%s\n' "$js" | wc -l | tr -d ' ')" 10
same "jsonl: blocked" "$(lines "$js" '"blocked":true')" 4
same "jsonl: active" "$(lines "$js" '"blocked":false')" 6
has "jsonl: fields" "$js" \
    '{"family":"PlumLoader","group":"CERT-Demoland","blocked":false,"type":"ipv4","value":"45.153.241.18","id":"ipv4-addr--'
has "jsonl: ports" "$js" '"ports":[443,8443],"first_seen":"2024-02-02T07:14:09Z","last_seen":"2024-03-15T00:00:00Z","samples":0,"sources":1,"source_names":["feodotracker"]'
has "jsonl: constituency" "$js" \
    '"constituency":{"name":"CERT-Demoland","email":"incident@cert-demoland.example","kind":"cert","country":"DL"}'
has "jsonl: reasons" "$js" \
    '"reasons":["sinkhole: 185.174.101.7 (taken over by CERT-Demoland)"]'
has "jsonl: verdict" "$js" \
    '"verdicts":[{"list":"sinkhole","policy":"block","match":"cidr","entry":"185.174.101.7","note":"taken over by CERT-Demoland","kind":"sinkhole","on_host":false,"blocks":true}]'
if command -v python3 >/dev/null 2>&1; then
    printf '%s\n' "$js" | python3 -c 'import json, sys; [json.loads(l) for l in sys.stdin]' ||
        fail "jsonl: every line is JSON"
fi

# ---- text --------------------------------------------------------------------
txt=$(tix takedown --family PlumLoader)
has "text: title" "$txt" "Takedown list of PlumLoader C&C servers: 6 to act on in"
has "text: tlp and time" "$txt" "TLP:AMBER; made 2024-03-21T12:00:00Z; grouped by agency"
has "text: agency header" "$txt" \
    "CERT-Demoland <incident@cert-demoland.example> (cert, DL): 1 server"
has "text: hoster header" "$txt" \
    "Orchard Hosting abuse desk <abuse@orchard-hosting.example> (hoster, DL): 1 server"
has "text: names have no agency" "$txt" "unassigned: 2 servers"
has "text: columns" "$txt" "VALUE"
has "text: columns" "$txt" "PORTS     FIRST SEEN  LAST SEEN   SAMPLES  SOURCES  COUNTRY  ASN"
has "text: a row" "$txt" "ipv4    443,8443  2024-02-02  2024-03-15        0        1"
has "text: left out" "$txt" "Left out (blocked): 4"
has "text: sinkhole reason" "$txt" "sinkhole: 185.174.101.7 (taken over by CERT-Demoland)"
left=$(printf '%s\n' "$txt" | sed -n '/^Left out/,$p')
has "text: sinkhole only below" "$left" "185.174.101.7"
hasnt "text: sinkhole never above" "$(printf '%s\n' "$txt" | sed '/^Left out/,$d')" "185.174.101.7"

# ---- by country: the group is the entry's country -----------------------------
js=$(tix takedown --family PlumLoader --format jsonl --by country)
bad=$(printf '%s\n' "$js" | grep '"blocked":false' | while IFS= read -r l; do
    g=$(printf '%s\n' "$l" | sed 's/.*"group":"\([^"]*\)".*/\1/')
    c=$(printf '%s\n' "$l" | sed -n 's/.*"country":"\([A-Z?]*\)","asn".*/\1/p')
    [ "$g" = "${c:-??}" ] || printf '%s ' "$g/$c"
done)
same "by country: group is the country" "$bad" ""
txt=$(tix takedown --family PlumLoader --by country)
has "by country: header" "$txt" "grouped by country"
has "by country: agency column" "$txt" "AGENCY"
has "by country: names are ??" "$txt" "??: 2 servers"

# ---- --out -------------------------------------------------------------------
tix takedown --family PlumLoader --format csv --out "$T/list.csv"
same "--out" "$(cat "$T/list.csv")" "$csv"
same "--out leaves no temporary file" "$(ls "$T" | grep -c tmp || true)" 0

# ---- errors --------------------------------------------------------------------
if err=$(tix takedown --family NoSuchFamily 2>&1); then
    fail "an unknown family must fail"
fi
same "unknown family" "$err" "tix: takedown: no C&C servers of family NoSuchFamily in the store"
set +e
tix takedown --family NoSuchFamily >/dev/null 2>&1
same "unknown family: status 1" "$?" 1
tix takedown >/dev/null 2>&1
same "no --family: status 2" "$?" 2
tix takedown --family PlumLoader --by planet >/dev/null 2>&1
same "bad --by: status 2" "$?" 2
tix takedown --family PlumLoader --format xml >/dev/null 2>&1
same "bad --format: status 2" "$?" 2
tix takedown --family PlumLoader --since yesterday >/dev/null 2>&1
same "bad --since: status 2" "$?" 2
tix takedown --family PlumLoader extra >/dev/null 2>&1
same "extra argument: status 2" "$?" 2
set -e

# ---- STIX 2.1 ------------------------------------------------------------------
stix=$(tix takedown --family PlumLoader --format stix)
has "stix: bundle" "$stix" '{"type":"bundle","id":"bundle--'
has "stix: TLP 2.0 amber" "$stix" \
    '"id":"marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421","created":"2022-10-01T00:00:00.000Z","name":"TLP:AMBER"'
has "stix: malware" "$stix" '"name":"PlumLoader","is_family":true'
has "stix: infrastructure" "$stix" '"infrastructure_types":["command-and-control"]'
has "stix: SCO" "$stix" '"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--'
has "stix: consists-of" "$stix" '"relationship_type":"consists-of"'
has "stix: controls" "$stix" '"relationship_type":"controls"'
for v in 185.174.101.7 203.0.113.41 plum-c2.example.com; do
    hasnt "stix: blocked $v is not in the bundle" "$stix" "$v"
done
same "stix: the same list twice is the same bundle" \
    "$(tix takedown --family plumloader --format stix)" "$stix"

SCHEMAS="$SRC/../shared/data/stix2.1-schemas/schemas"
if [ ! -r "$SCHEMAS/common/bundle.json" ]; then
    echo "STIX 2.1 schemas not found at $SCHEMAS: bundle not validated"
elif ! command -v python3 >/dev/null 2>&1 ||
    ! python3 -c 'import jsonschema, referencing' 2>/dev/null; then
    echo "python3 with jsonschema and referencing not installed: bundle not validated"
else
    # The schemas' relative $refs resolve against their own $id, so every
    # schema is registered under its $id: nothing is fetched.
    cat >"$T/validate.py" <<'PY'
import json, pathlib, sys
from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

root = pathlib.Path(sys.argv[1])
resources = []
for p in sorted(root.rglob("*.json")):
    doc = json.loads(p.read_text(encoding="utf-8"))
    res = Resource.from_contents(doc, default_specification=DRAFT202012)
    resources.append((p.resolve().as_uri(), res))
    if "$id" in doc:
        resources.append((doc["$id"], res))
registry = Registry().with_resources(resources)

def validator(rel):
    schema = json.loads((root / rel).read_text(encoding="utf-8"))
    return Draft202012Validator(schema, registry=registry)

bundle = json.load(sys.stdin)
errors = list(validator("common/bundle.json").iter_errors(bundle))
# each object against its own type's schema too: the bundle's oneOf only
# says that none matched, this says why
kinds = {"marking-definition": "common/marking-definition.json",
         "malware": "sdos/malware.json", "infrastructure": "sdos/infrastructure.json",
         "relationship": "sros/relationship.json",
         "ipv4-addr": "observables/ipv4-addr.json",
         "ipv6-addr": "observables/ipv6-addr.json",
         "domain-name": "observables/domain-name.json", "url": "observables/url.json"}
for o in bundle.get("objects", []):
    rel = kinds.get(o.get("type"))
    if rel is None:
        print("unexpected object type", o.get("type"))
        sys.exit(1)
    errors += [e for e in validator(rel).iter_errors(o)]
if errors:
    print("invalid:", best_match(errors).message)
    sys.exit(1)
print("valid", len(bundle["objects"]))
PY
    out=$(printf '%s\n' "$stix" | python3 "$T/validate.py" "$SCHEMAS") ||
        fail "stix: the bundle is not valid STIX 2.1: $out"
    same "stix: objects validated" "$out" "valid 24"
    out=$(tix takedown --family PlumLoader --format stix --by country |
        python3 "$T/validate.py" "$SCHEMAS") ||
        fail "stix --by country: not valid STIX 2.1: $out"
fi

# ---- an unvetted store is refused ----------------------------------------------
printf '"first_seen_utc","dst_ip","dst_port","c2_status","last_online","malware"\n"2024-03-19 10:00:00","94.232.41.105","443","online","2024-03-20","PlumLoader"\n' \
    >"$T/late.csv"
tix ingest feed --format feodo-csv --source feodotracker --no-vet "$T/late.csv" >/dev/null
if err=$(tix takedown --family PlumLoader 2>&1); then
    fail "an unvetted observable must stop the list"
fi
has "unvetted" "$err" "tix: takedown: 1 of the 11 observables of PlumLoader were stored after the last vetting pass"
has "unvetted: what to do" "$err" "run 'tix vet' first"
tix vet >/dev/null
has "vetted again" "$(tix takedown --family PlumLoader --format csv)" ",active,ipv4,94.232.41.105,"

finish takedown.sh
