#!/bin/sh
# stix_ids.sh - `tix id` against STIX 2.1 deterministic ids computed
# independently in Python: UUIDv5 in the SCO namespace over the JCS
# serialisation of the id-contributing properties.
set -eu

: "${TIX:?TIX must point at the tix binary}"
if ! command -v python3 >/dev/null 2>&1; then
    echo "python3 not found: skipped"
    exit 77
fi

exec python3 - "$TIX" <<'PYEOF'
import hashlib
import json
import random
import subprocess
import sys
import uuid

TIX = sys.argv[1]
NS = uuid.UUID("00abedb4-aa42-466c-9c01-fed23315a9b7")
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


# ---- expected ids ---------------------------------------------------------

STIX_TYPE = {
    "ipv4": "ipv4-addr", "ipv6": "ipv6-addr", "domain": "domain-name",
    "url": "url", "email": "email-addr", "md5": "file", "sha1": "file",
    "sha256": "file", "sha512": "file", "btc": "cryptocurrency-wallet",
    "xmr": "cryptocurrency-wallet", "cve": "vulnerability",
    "asn": "autonomous-system",
}
HASH_ALGO = {"md5": "MD5", "sha1": "SHA-1", "sha256": "SHA-256", "sha512": "SHA-512"}


def props(t, v):
    if t in HASH_ALGO:
        return {"hashes": {HASH_ALGO[t]: v}}
    if t == "cve":
        return {"name": v}
    if t == "asn":
        return {"number": int(v[2:])}
    return {"value": v}


def stix_id(t, v):
    # For these objects (string values only, no numbers) Python's sorted,
    # compact, non-ASCII-preserving dump is exactly RFC 8785 (JCS).
    name = json.dumps(props(t, v), sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False)
    return "%s--%s" % (STIX_TYPE[t], uuid.uuid5(NS, name))


# ---- wallets --------------------------------------------------------------

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58check(payload):
    data = payload + hashlib.sha256(hashlib.sha256(payload).digest()).digest()[:4]
    n = int.from_bytes(data, "big")
    s = ""
    while n:
        n, r = divmod(n, 58)
        s = B58[r] + s
    pad = len(data) - len(data.lstrip(b"\0"))
    return "1" * pad + s


# Keccak-256 (the original padding Monero uses, not SHA3-256).
_RC = [0x0000000000000001, 0x0000000000008082, 0x800000000000808A,
       0x8000000080008000, 0x000000000000808B, 0x0000000080000001,
       0x8000000080008081, 0x8000000000008009, 0x000000000000008A,
       0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
       0x000000008000808B, 0x800000000000008B, 0x8000000000008089,
       0x8000000000008003, 0x8000000000008002, 0x8000000000000080,
       0x000000000000800A, 0x800000008000000A, 0x8000000080008081,
       0x8000000000008080, 0x0000000080000001, 0x8000000080008008]
_ROT = [[0, 36, 3, 41, 18], [1, 44, 10, 45, 2], [62, 6, 43, 15, 61],
        [28, 55, 25, 21, 56], [27, 20, 39, 8, 14]]
M64 = (1 << 64) - 1


def _rol(x, n):
    return ((x << n) | (x >> (64 - n))) & M64 if n else x


def _keccak_f(A):
    for rc in _RC:
        C = [A[x][0] ^ A[x][1] ^ A[x][2] ^ A[x][3] ^ A[x][4] for x in range(5)]
        D = [C[(x - 1) % 5] ^ _rol(C[(x + 1) % 5], 1) for x in range(5)]
        A = [[A[x][y] ^ D[x] for y in range(5)] for x in range(5)]
        B = [[0] * 5 for _ in range(5)]
        for x in range(5):
            for y in range(5):
                B[y][(2 * x + 3 * y) % 5] = _rol(A[x][y], _ROT[x][y])
        A = [[B[x][y] ^ (~B[(x + 1) % 5][y] & B[(x + 2) % 5][y]) for y in range(5)]
             for x in range(5)]
        A[0][0] ^= rc
    return A


def keccak256(msg):
    rate = 136
    msg = bytearray(msg) + b"\x01"
    while len(msg) % rate:
        msg += b"\0"
    msg[-1] |= 0x80
    A = [[0] * 5 for _ in range(5)]
    for off in range(0, len(msg), rate):
        block = msg[off:off + rate]
        for i in range(rate // 8):
            x, y = i % 5, i // 5
            A[x][y] ^= int.from_bytes(block[8 * i:8 * i + 8], "little")
        A = _keccak_f(A)
    out = b""
    for i in range(4):
        out += A[i % 5][i // 5].to_bytes(8, "little")
    return out


assert keccak256(b"").hex() == \
    "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"

_XMR_BLOCK = [0, 2, 3, 5, 6, 7, 9, 10, 11]


def xmr_b58(data):
    s = ""
    for off in range(0, len(data), 8):
        block = data[off:off + 8]
        n = int.from_bytes(block, "big")
        enc = ""
        while n:
            n, r = divmod(n, 58)
            enc = B58[r] + enc
        s += enc.rjust(_XMR_BLOCK[len(block)], "1")
    return s


def xmr_addr(rng):
    body = bytes([18]) + bytes(rng.getrandbits(8) for _ in range(64))
    return xmr_b58(body + keccak256(body)[:4])


DONATION = ("44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaB"
            "YBb98uNbr2VBBEt7f2wfn3RVGQBEP3A")

# ---- the values -------------------------------------------------------------

rng = random.Random(20240521)
cases = []  # (type, as typed, canonical)


def add(t, typed, canon=None):
    cases.append((t, typed, typed if canon is None else canon))


for v in ["1.2.3.4", "8.8.8.8", "192.168.1.1", "10.0.0.1", "127.0.0.1",
          "0.0.0.0", "255.255.255.255", "198.51.100.3", "203.0.113.7",
          "172.16.254.1", "100.64.0.1", "1.1.1.1", "192.0.2.0/24", "9.9.9.9"]:
    add("ipv4", v)
add("ipv4", "010.000.001.002", "10.0.1.2")
add("ipv4", "1[.]2[.]3[.]4", "1.2.3.4")

for typed, canon in [
        ("2001:db8::1", None), ("2001:DB8:0:0:0:0:2:1", "2001:db8::2:1"),
        ("::1", None), ("fe80::1", None), ("2001:4860:4860::8888", None),
        ("2606:4700:4700::1111", None),
        ("2001:0db8:85a3:0000:0000:8a2e:0370:7334", "2001:db8:85a3::8a2e:370:7334"),
        ("::ffff:192.0.2.1", None), ("::FFFF:C000:0201", "::ffff:192.0.2.1"),
        ("2001:db8::/32", None), ("2001:db8:0:1:1:1:1:1", None),
        ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"), ("ff02::1", None),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"), ("64:ff9b::1", None)]:
    add("ipv6", typed, canon)

for typed, canon in [
        ("example.com", None), ("EXAMPLE.ORG", "example.org"),
        ("www.google.com", None), ("evil[.]com", "evil.com"),
        ("b\u00fccher.de", "xn--bcher-kva.de"), ("sub.domain.example.co.uk", None),
        ("test-site.net", None), ("a.b.c.d.example.io", None),
        ("xn--80ak6aa92e.com", None), ("Mail.Example.COM", "mail.example.com"),
        ("c2(dot)bad-actor(dot)ru", "c2.bad-actor.ru"), ("update.microsoft.com", None),
        ("\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444",
         "xn--e1afmkfd.xn--p1ai"),
        ("cdn-01.example.net", None), ("x1.example.de", None)]:
    add("domain", typed, canon)

for typed, canon in [
        ("http://example.com/", None),
        ("HTTP://EXAMPLE.COM/Path", "http://example.com/Path"),
        ("hxxp://evil[.]com/x", "http://evil.com/x"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:8080/a?b=c#d", None),
        ("ftp://files.example.org/pub/file.tar.gz", None),
        ("http://192.0.2.1/admin", None),
        ("http://[2001:DB8::1]:8443/x", "http://[2001:db8::1]:8443/x"),
        ("https://b\u00fccher.de/stra\u00dfe", "https://xn--bcher-kva.de/stra\u00dfe"),
        ("http://user@example.com/", None),
        ("wss://ws.example.net/socket", None),
        ("hxxps://evil[.]example[.]net/a", "https://evil.example.net/a"),
        ("http://example.com/a%20b", None),
        ("https://www.example.com/search?q=tix&lang=en", None),
        ("http://example.com:80/index.html", "http://example.com/index.html")]:
    add("url", typed, canon)

for typed, canon in [
        ("john@example.com", None), ("John.Doe@Example.COM", "John.Doe@example.com"),
        ("a+b@mail.example.org", None), ("x_y@sub.example.co.uk", None),
        ("admin[at]evil[.]com", "admin@evil.com"), ("user%tag@example.net", None),
        ("first.last@b\u00fccher.de", "first.last@xn--bcher-kva.de"),
        ("noreply@github.com", None), ("a@b.io", None), ("root@example.org", None),
        ("info@example.travel", None), ("x-1@example.com", None),
        ("Support@Example.Net", "Support@example.net"),
        ("j.smith(at)corp.example.com", "j.smith@corp.example.com"),
        ("sales.team@example.com", None)]:
    add("email", typed, canon)

for t, fn in [("md5", hashlib.md5), ("sha1", hashlib.sha1),
              ("sha256", hashlib.sha256), ("sha512", hashlib.sha512)]:
    for i in range(15):
        h = fn(("tix-%s-%d" % (t, i)).encode()).hexdigest()
        add(t, h.upper() if i % 3 == 0 else h, h)

for v in ["1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy",
          "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2",
          "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
          "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3",
          "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"]:
    add("btc", v)
add("btc", "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4",
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")
for i in range(8):
    version = b"\x00" if i % 2 == 0 else b"\x05"
    add("btc", b58check(version + bytes(rng.getrandbits(8) for _ in range(20))))

add("xmr", DONATION)
for i in range(14):
    add("xmr", xmr_addr(rng))
assert xmr_b58(bytes([18]) + bytes(64) + keccak256(bytes([18]) + bytes(64))[:4]).startswith("4")

for typed, canon in [
        ("CVE-2021-44228", None), ("cve-2014-0160", "CVE-2014-0160"),
        ("CVE-1999-0001", None), ("CVE-2017-0144", None), ("CVE-2019-0708", None),
        ("CVE-2023-4966", None), ("CVE-2024-3094", None), ("CVE-2020-1472", None),
        ("CVE-2018-13379", None), ("Cve-2022-22965", "CVE-2022-22965"),
        ("CVE-2021-26855", None), ("CVE-2015-1635", None), ("CVE-2016-5195", None),
        ("CVE-2023-23397", None), ("CVE-2024-1234567", None)]:
    add("cve", typed, canon)

for typed, canon in [
        ("AS13335", None), ("AS15169", None), ("ASN9009", "AS9009"),
        ("as3356", "AS3356"), ("AS1", None), ("AS4294967295", None),
        ("AS64512", None), ("AS174", None), ("AS8075", None), ("AS16509", None),
        ("Asn20473", "AS20473"), ("AS14061", None), ("AS24940", None),
        ("AS200019", None), ("AS49505", None)]:
    add("asn", typed, canon)

# ---- run --------------------------------------------------------------------

def run(args):
    p = subprocess.run([TIX, "id"] + args, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


per_type = {}
for t, typed, canon in cases:
    per_type[t] = per_type.get(t, 0) + 1
    want = "%s\t%s\t%s\n" % (t, canon, stix_id(t, canon))
    rc, out, err = run([typed])
    if rc != 0 or out != want or err != "":
        fail("tix id %r: exit %d, stdout %r, stderr %r; want %r"
             % (typed, rc, out, err, want))
for t in STIX_TYPE:
    if per_type.get(t, 0) < 15:
        fail("only %d values of type %s" % (per_type.get(t, 0), t))

# all at once: one line per value, in order
rc, out, err = run([c[1] for c in cases])
want = "".join("%s\t%s\t%s\n" % (t, canon, stix_id(t, canon)) for t, _, canon in cases)
if rc != 0 or out != want:
    fail("tix id with %d values: exit %d, output differs" % (len(cases), rc))

# a bad value among good ones: reported, the others still printed, exit 1
rc, out, err = run(["1.2.3.4", "not-an-indicator", "example.com"])
want = ("ipv4\t1.2.3.4\t%s\ndomain\texample.com\t%s\n"
        % (stix_id("ipv4", "1.2.3.4"), stix_id("domain", "example.com")))
if rc != 1 or out != want or not err.startswith("tix: id: ") or err.count("\n") != 1:
    fail("bad value among good ones: exit %d, stdout %r, stderr %r" % (rc, out, err))

# no value: usage, exit 2
rc, out, err = run([])
if rc != 2 or out != "" or "usage" not in err:
    fail("tix id without values: exit %d, stdout %r, stderr %r" % (rc, out, err))

# the id-contributing property decides: same value, different objects
if stix_id("md5", "d41d8cd98f00b204e9800998ecf8427e") == \
        stix_id("sha1", "d41d8cd98f00b204e9800998ecf8427e"):
    fail("self-check: hash ids do not depend on the algorithm")

if failures:
    print("%d failure(s)" % len(failures))
    sys.exit(1)
print("ok: %d values" % len(cases))
PYEOF
