#!/usr/bin/env python3
"""classify_rules.py - the YARA rule set of bench/classify.

    classify_rules.py OUTDIR [SEED]

Writes OUTDIR/rules/*.yar, a CERT's rule set as it grows in the field:
about 250 rules over 60 fictional families (meta family = "...") and a
handful of generic ones (no family): text strings (ascii, wide, nocase),
hex strings with jumps and wildcards, a few regular expressions whose
literal parts make good atoms, conditions such as
`uint16(0) == 0x5A4D and 2 of them` or `filesize < 5MB and any of ($a*)`,
tags on some rules. No module imports, so `yara` and `tix` compile the
same thing. The families tix has config extractors for (PlumLoader,
Kestrel, Gorse) get rules of their own in families.yar, as a CERT would
write them.

And OUTDIR/plants.txt for bench/gen_classify.c, one line per rule:

    T NAME FORMAT HEX [HEX...]   bytes that, all planted, make NAME match
    P NAME FORMAT HEX            one string of NAME that alone does not

FORMAT is pe, elf or any (the rule checks the file's magic). A string to
be planted several times (`#s1 >= 3`) appears several times. Everything
is drawn from a fixed seed: the same rules and plants every time.
"""
import os
import random
import sys

FAMILIES = """
Ashcrow Bramblecat Cinderwisp Dunlinrat Emberfox Fernhook Glimmerbot Hollowpike
Ironmoth Jackdawloader Knotweed Lanternfly Marrowstealer Nettlebot Oakgall
Pebblecrab Quillpig Rookery Saltmarsh Thistledown Umbercloak Vetchworm Wrenlock
Yarrowkit Zephyrgate Alderspy Blackthorn Cobblestone Dewberry Elmshade Foxglove
Gannetrat Heronpass Inkcap Juniperbot Kelpie Larchlight Mistletoe Nightjar
Osprey Puffball Quartzlock Redpoll Sorrelkey Tansyminer Urchin Viperfish
Wormwood Xylocrypt Yellowhammer Zanderbot Alewife Bittern Curlew Dotterel Eider
""".split()

WORDS = """
beacon update panel gate task sync loader stage relay fetch drop push pull
shell exec inject report token session config module plugin persist spread
harvest vault wallet browser cookie screen keylog proxy tunnel socks upload
download sleep jitter check ping register heartbeat install remove elevate
""".split()

USERS = ["dev", "builder", "admin", "user01", "maks", "win10", "lab", "rootkit"]
TAGS = ["loader", "rat", "stealer", "ransomware", "backdoor", "miner", "banker",
        "dropper", "apt", "crimeware", "botnet", "wiper"]
TLDS = ["top", "xyz", "club", "online", "site", "biz", "info", "ru", "cc"]
COMMON = {0x00, 0xFF, 0xCC, 0x90, 0x20}  # bytes that make poor atoms

# Strings of the tix families, as PlumLoader, Kestrel and Gorse samples from
# tests/samplegen carry them (their config markers and code), so a CERT's
# own rules find them; tix's built-in extractor rules fire on the same files.
TIX_FAMILY_RULES = [
    ("PlumLoader_Config", "PlumLoader", "loader", [
        ("$start", '"<<PLUM::"'),
        ("$end", '"::PLUM>>"'),
        ("$mtx", '"Global\\\\PlumSync-7f3a" ascii wide'),
        ("$rc4", "{ 55 89 E5 56 8B 75 08 31 C0 88 04 06 40 3D 00 01 00 00 75 F5 }"),
    ], "($start and $end) or ($rc4 and $mtx)"),
    ("PlumLoader_Strings", "PlumLoader", "loader", [
        ("$s1", '"PlumSync Updater" ascii wide'),
        ("$s2", '"plumsync.dat" nocase'),
        ("$s3", '"%APPDATA%\\\\PlumSync"'),
        ("$push", "{ 68 4D 55 4C 50 83 C4 04 5E 5D C3 }"),
    ], "uint16(0) == 0x5A4D and filesize < 5MB and $push and 2 of ($s*)"),
    ("Kestrel_StringTable", "Kestrel", "bot", [
        ("$table", "{ 4B 73 54 72 A5 1C 0? }"),
        ("$xor", "{ 31 C9 8A 04 0E 34 ?? 88 04 0F 41 39 D1 72 F3 }"),
        ("$ua", '"Kestrel/3." ascii'),
        ("$lock", '"Local\\\\kst-31-lock" ascii wide'),
    ], "$table or ($xor and any of ($ua, $lock))"),
    ("Gorse_IoT_Config", "Gorse", "iot", [
        ("$magic", "{ 47 52 53 9F 0? }"),
        ("$stp", "{ FD 7B BF A9 FD 03 00 91 E0 02 80 52 }"),
        ("$s1", '"/proc/net/route"'),
        ("$s2", '"gorse: %d"'),
    ], "$magic and ($stp or all of ($s*))"),
    ("Gorse_AArch64_Stub", "Gorse", "iot", [
        ("$stub", "{ FD 7B BF A9 FD 03 00 91 E0 02 80 52 61 22 81 52 FD 7B C1 A8 C0 03 5F D6 }"),
    ], "uint32(0) == 0x464C457F and $stub"),
]


def yara_text(s):
    """A YARA text string literal body for the bytes of s."""
    out = []
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif 32 <= ord(ch) < 127:
            out.append(ch)
        else:
            out.append("\\x%02x" % ord(ch))
    return "".join(out)


class Rule:
    def __init__(self, name):
        self.name = name
        self.tags = []
        self.meta = []
        self.strings = []  # (ident, source, [concrete instances, bytes])
        self.condition = ""
        self.fmt = "any"
        self.trigger = []  # list of bytes
        self.partial = None  # bytes or None

    def text(self):
        head = "rule %s" % self.name
        if self.tags:
            head += " : " + " ".join(self.tags)
        lines = [head, "{", "    meta:"]
        for k, v in self.meta:
            lines.append('        %s = "%s"' % (k, yara_text(v)))
        lines.append("    strings:")
        for ident, src, _ in self.strings:
            lines.append("        %s = %s" % (ident, src))
        lines.append("    condition:")
        lines.append("        " + self.condition)
        lines.append("}")
        return "\n".join(lines) + "\n"

    def inst(self, ident, rng):
        for i, _, make in self.strings:
            if i == ident:
                return make(rng)
        raise KeyError(ident)


# ---- string makers: (source, function rng -> concrete bytes) -------------

def s_text(value, mods=("ascii",)):
    src = '"%s"' % yara_text(value)
    if mods != ("ascii",):
        src += " " + " ".join(mods)
    raw = value.encode("latin-1")

    def make(rng):
        if "nocase" in mods:
            b = bytes(c ^ 0x20 if 97 <= (c | 0x20) <= 122 and rng.random() < 0.4 else c
                      for c in raw)
        else:
            b = raw
        if "wide" in mods and ("ascii" not in mods or rng.random() < 0.6):
            b = b"".join(bytes([c, 0]) for c in b)
        return b
    return src, make


def s_hex(rng):
    """A hex string with wildcards, nibble wildcards and jumps; the first
    four bytes are fixed and uncommon, so YARA gets a good atom."""
    toks, parts = [], []  # parts: fixed bytes, ("wild",), ("nib", hi), ("jump", a, b)
    for _ in range(4):
        b = rng.randrange(256)
        while b in COMMON:
            b = rng.randrange(256)
        parts.append(b)
    n = rng.randrange(6, 16)
    for k in range(n):
        r = rng.random()
        if r < 0.15 and k > 0 and not isinstance(parts[-1], tuple):
            parts.append(("wild",))
        elif r < 0.22:
            parts.append(("nib", rng.randrange(16)))
        elif r < 0.30 and k > 1 and not isinstance(parts[-1], tuple):
            a = rng.randrange(0, 4)
            parts.append(("jump", a, a + rng.randrange(1, 6)))
        else:
            parts.append(rng.randrange(256))
    while isinstance(parts[-1], tuple):
        parts.append(rng.randrange(1, 255))
    for p in parts:
        if isinstance(p, int):
            toks.append("%02X" % p)
        elif p[0] == "wild":
            toks.append("??")
        elif p[0] == "nib":
            toks.append("%X?" % p[1])
        else:
            toks.append("[%d-%d]" % (p[1], p[2]))
    src = "{ " + " ".join(toks) + " }"

    def make(r):
        out = bytearray()
        for p in parts:
            if isinstance(p, int):
                out.append(p)
            elif p[0] == "wild":
                out.append(r.randrange(256))
            elif p[0] == "nib":
                out.append(p[1] << 4 | r.randrange(16))
            else:
                out.extend(r.randrange(256) for _ in range(r.randint(p[1], p[2])))
        return bytes(out)
    return src, make


def s_regex(fam, rng):
    f = fam.lower()
    w = rng.choice(WORDS)
    kind = rng.randrange(4)
    hexd = "0123456789abcdef"
    alnum = "abcdefghijklmnopqrstuvwxyz0123456789"
    if kind == 0:
        src = r"/%s_id=[0-9a-f]{16}/" % f[:5]
        make = lambda r: ("%s_id=%s" % (f[:5], "".join(r.choice(hexd) for _ in range(16)))).encode()
    elif kind == 1:
        src = r"/\/%s\/%s[0-9]{2,4}\.(php|asp)/" % (w, f[:4])
        make = lambda r: ("/%s/%s%d.%s" % (w, f[:4], r.randrange(10, 9999),
                                           r.choice(["php", "asp"]))).encode()
    elif kind == 2:
        src = r"/https?:\/\/[a-z0-9.\-]{6,30}\/%s_%s\.bin/" % (w, f[:3])
        make = lambda r: ("http%s://%s.%s/%s_%s.bin" % (
            r.choice(["", "s"]), "".join(r.choice(alnum) for _ in range(r.randrange(6, 14))),
            r.choice(TLDS), w, f[:3])).encode()
    else:
        src = r"/%sKey:[A-Za-z0-9+\/]{20,40}={0,2}/" % fam[:6]
        b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        make = lambda r: ("%sKey:%s=" % (fam[:6], "".join(r.choice(b64) for _ in range(
            r.randrange(20, 40))))).encode()
    return src, make


def text_value(fam, rng, kind):
    f, F = fam.lower(), fam
    h = "%08x" % rng.getrandbits(32)
    w = rng.choice(WORDS)
    if kind == 0:
        return "Global\\%s_%s" % (F[:5], h)
    if kind == 1:
        return "C:\\Users\\%s\\source\\repos\\%s\\Release\\%s.pdb" % (
            rng.choice(USERS), F, rng.choice(WORDS + [f]))
    if kind == 2:
        return "Mozilla/5.0 (Windows NT 10.0; Win64; x64) %s/%d.%d" % (
            F[:4], rng.randrange(1, 9), rng.randrange(20))
    if kind == 3:
        return "Software\\Microsoft\\Windows\\CurrentVersion\\Run\\%s%s" % (
            F[:3].capitalize(), w.capitalize())
    if kind == 4:
        return "%s_%s_%s" % (f[:4], w, rng.choice(WORDS))
    if kind == 5:
        return "[%s] %s failed: %%d" % (F[:6].upper(), w)
    if kind == 6:
        return "/%s/%s.php?id=" % (w, f[:5])
    return "%s%s.dll" % (f[:4], rng.choice(WORDS))


# ---- rules ----------------------------------------------------------------

def family_rule(fam, idx, rng):
    suffix = ["Strings", "Loader", "Config", "Net", "Core", "Mutex", "Persist",
              "Unpacked", "Module", "Dropper"]
    r = Rule("%s_%s_%d" % (fam, suffix[idx % len(suffix)], idx + 1))
    if rng.random() < 0.35:
        r.tags = rng.sample(TAGS, rng.randrange(1, 3))
    r.meta.append(("description", "%s %s, seen %d" % (fam, suffix[idx % len(suffix)].lower(),
                                                     2019 + rng.randrange(6))))
    r.meta.append(("author", rng.choice(["cert-ops", "intel-team", "j.doe", "hunting"])))
    if rng.random() < 0.92:  # most rules name a family
        r.meta.append(("family", fam))
    r.meta.append(("tlp", rng.choice(["white", "green", "amber"])))

    shape = rng.randrange(9)
    used = set()

    def text(prefix, n, mods_pool):
        for k in range(n):
            kind = rng.randrange(8)
            v = text_value(fam, rng, kind)
            while v in used:
                v = text_value(fam, rng, rng.randrange(8))
            used.add(v)
            src, make = s_text(v, rng.choice(mods_pool))
            r.strings.append(("$%s%d" % (prefix, k + 1), src, make))

    ASCII = [("ascii",), ("ascii",), ("ascii", "wide"), ("wide",), ("nocase",)]
    if shape == 0:  # PE, 2 of them
        text("s", rng.randrange(2, 4), ASCII)
        src, make = s_hex(rng)
        r.strings.append(("$h1", src, make))
        r.condition = "uint16(0) == 0x5A4D and 2 of them"
        r.fmt = "pe"
        ids = [s[0] for s in r.strings]
        pick = rng.sample(ids, 2)
        r.trigger = [r.inst(i, rng) for i in pick]
        r.partial = r.inst(rng.choice(ids), rng)
    elif shape == 1:  # filesize and any of ($a*)
        text("a", rng.randrange(1, 4), ASCII)
        text("b", 2, ASCII)
        r.condition = "filesize < 5MB and (any of ($a*) or all of ($b*))"
        r.trigger = [r.inst("$a1", rng)]
        r.partial = r.inst("$b1", rng)
    elif shape == 2:  # ELF, 2 of ($s*)
        text("s", rng.randrange(2, 4), [("ascii",), ("nocase",)])
        src, make = s_hex(rng)
        r.strings.append(("$h1", src, make))
        r.condition = "uint32(0) == 0x464C457F and ($h1 or 2 of ($s*))"
        r.fmt = "elf"
        r.trigger = [r.inst("$h1", rng)] if rng.random() < 0.5 else \
            [r.inst("$s1", rng), r.inst("$s2", rng)]
        r.partial = r.inst("$s1", rng)
    elif shape == 3:  # 3 of them
        text("s", rng.randrange(2, 4), ASCII)
        for k in range(2):
            src, make = s_hex(rng)
            r.strings.append(("$h%d" % (k + 1), src, make))
        r.condition = "3 of them"
        ids = [s[0] for s in r.strings]
        r.trigger = [r.inst(i, rng) for i in rng.sample(ids, 3)]
        r.partial = r.inst(rng.choice(ids), rng)
    elif shape == 4:  # hex and any text
        src, make = s_hex(rng)
        r.strings.append(("$h1", src, make))
        text("s", rng.randrange(1, 4), ASCII)
        r.condition = "$h1 and any of ($s*)"
        r.trigger = [r.inst("$h1", rng), r.inst("$s1", rng)]
        r.partial = r.inst("$s1", rng)
    elif shape == 5:  # all of them, with a regex
        text("s", 1, ASCII)
        src, make = s_regex(fam, rng)
        r.strings.append(("$re1", src, make))
        r.condition = "all of them"
        r.trigger = [r.inst("$s1", rng), r.inst("$re1", rng)]
        r.partial = r.inst("$re1", rng)
    elif shape == 6:  # PE, small, x or 2 of s
        src, make = s_hex(rng)
        r.strings.append(("$x1", src, make))
        text("s", rng.randrange(2, 5), ASCII)
        r.condition = "uint16(0) == 0x5A4D and filesize < 2MB and ($x1 or 2 of ($s*))"
        r.fmt = "pe"
        r.trigger = [r.inst("$x1", rng)] if rng.random() < 0.4 else \
            [r.inst("$s1", rng), r.inst("$s2", rng)]
        r.partial = r.inst("$s2", rng)
    elif shape == 7:  # a repeated string
        text("s", 2, [("ascii",), ("wide",)])
        r.condition = "#s1 >= 3 and $s2"
        a = r.inst("$s1", rng)
        r.trigger = [a, a, a, r.inst("$s2", rng)]
        r.partial = r.inst("$s2", rng)
    else:  # one distinctive string is enough
        text("s", rng.randrange(1, 3), ASCII)
        if rng.random() < 0.5:
            src, make = s_hex(rng)
            r.strings.append(("$h1", src, make))
        r.condition = "any of them"
        r.trigger = [r.inst(rng.choice([s[0] for s in r.strings]), rng)]
        r.partial = None
    return r


def generic_rules(rng):
    """Capability and packer rules without a family, as most rule sets have."""
    out = []
    specs = [
        ("Generic_Packer_Stub_%d", "packer"), ("Generic_Shellcode_Loader_%d", "loader"),
        ("Generic_Ransom_Note_%d", "ransomware"), ("Generic_Stealer_Paths_%d", "stealer"),
        ("Generic_Webshell_Dropper_%d", "dropper"), ("Generic_Miner_Config_%d", "miner"),
    ]
    for k in range(24):
        name, tag = specs[k % len(specs)]
        r = Rule(name % (k // len(specs) + 1))
        r.tags = [tag, "generic"]
        r.meta.append(("description", "generic %s indicator" % tag))
        r.meta.append(("author", "hunting"))
        r.meta.append(("score", str(40 + rng.randrange(50))))
        vals = ["%s_%s_%04x" % (tag, rng.choice(WORDS), rng.getrandbits(16)) for _ in range(3)]
        for i, v in enumerate(vals):
            src, make = s_text(v, rng.choice([("ascii",), ("wide", "ascii"), ("nocase",)]))
            r.strings.append(("$g%d" % (i + 1), src, make))
        src, make = s_hex(rng)
        r.strings.append(("$op", src, make))
        if k % 2:
            r.condition = "uint16(0) == 0x5A4D and 2 of ($g*) and $op"
            r.fmt = "pe"
            r.trigger = [r.inst("$g1", rng), r.inst("$g3", rng), r.inst("$op", rng)]
        else:
            r.condition = "filesize < 5MB and ($op or all of ($g*))"
            r.trigger = [r.inst("$op", rng)]
        r.partial = r.inst("$g2", rng)
        out.append(r)
    return out


def tix_family_rules():
    """Rules for the families tix extracts configs from; see the note at
    TIX_FAMILY_RULES. The strings are those tests/samplegen plants."""
    out = []
    for name, fam, tag, strings, cond in TIX_FAMILY_RULES:
        r = Rule(name)
        r.tags = [tag]
        r.meta.append(("description", "%s, as the CERT hunts it" % fam))
        r.meta.append(("author", "cert-ops"))
        r.meta.append(("family", fam))
        for ident, src in strings:
            r.strings.append((ident, src, None))
        r.condition = cond
        out.append(r)
    return out


def main():
    if len(sys.argv) not in (2, 3):
        sys.stderr.write("usage: classify_rules.py OUTDIR [SEED]\n")
        return 2
    outdir = sys.argv[1]
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) == 3 else 20240523)
    files = {"crimeware.yar": [], "apt.yar": [], "loaders.yar": [], "generic.yar": [],
             "families.yar": []}
    for n, fam in enumerate(FAMILIES):
        target = ["crimeware.yar", "apt.yar", "loaders.yar"][n % 3]
        for idx in range(rng.randrange(3, 6)):
            files[target].append(family_rule(fam, idx, rng))
    files["generic.yar"] = generic_rules(rng)
    files["families.yar"] = tix_family_rules()

    os.makedirs(os.path.join(outdir, "rules"), exist_ok=True)
    total = 0
    for fname, rules in files.items():
        if not rules:
            continue
        with open(os.path.join(outdir, "rules", fname), "w") as f:
            f.write("// bench/classify rule set (bench/classify_rules.py): %s\n\n" % fname)
            for r in rules:
                f.write(r.text())
                f.write("\n")
        total += len(rules)
    with open(os.path.join(outdir, "plants.txt"), "w") as f:
        for rules in files.values():
            for r in rules:
                if not r.trigger:
                    continue
                f.write("T %s %s %s\n" % (r.name, r.fmt, " ".join(b.hex() for b in r.trigger)))
                if r.partial is not None:
                    f.write("P %s %s %s\n" % (r.name, r.fmt, r.partial.hex()))
    sys.stderr.write("classify_rules.py: %d rules in %s/rules\n" % (total, outdir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
