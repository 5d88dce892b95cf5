#!/bin/sh
# The demo (what `make demo` runs) works and shows what it should: the
# planted indicators, refanged, including those in UTF-16LE strings, and no
# file names or versions.
set -eu
: "${TIX:?}" "${SRC:?}"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
fail() { echo "demo: $*" >&2; exit 1; }

sh "$SRC/scripts/demo" "$TIX" >"$out" 2>&1 || fail "scripts/demo exited $?"
for want in \
    'cdn-sync.plumloader-c2.net' \
    'https://cdn-sync.plumloader-c2.net/api/v2/beacon' \
    '45.153.241.18' \
    '185.174.100.0/22' \
    '2001:db8:4f2a:17::1c' \
    'orchard.billing@mailbox-secure.net' \
    'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq' \
    'CVE-2023-36884' \
    'utf16le' \
    '"defanged":true'; do
    grep -qF -- "$want" "$out" || fail "output lacks '$want'"
done
for junk in 'update.exe' 'readme.md' 'invoice.zip ' '10.0.19041.1' 'System.Net'; do
    if grep -E "^ +[0-9]+ +domain +" "$out" | grep -qF -- "$junk"; then
        fail "output reports '$junk' as a domain"
    fi
done
if grep -E "^ +[0-9]+ +ipv4 +" "$out" | grep -qF '10.0.19041'; then
    fail "a version number is reported as an IPv4 address"
fi
echo "demo: ok"
