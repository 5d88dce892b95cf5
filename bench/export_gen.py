"""export_gen.py ROWS OUT - a feed CSV for bench/export, from a fixed seed:
IPv4 addresses (40%), domains (25%), URLs (25%) and SHA-256 hashes (10%),
60% naming one of 20 families, TLPs from CLEAR to RED, 30% tagged c2, for
`tix ingest feed --format csv --map value=1,type=2,family=3,first_seen=4,
last_seen=5,confidence=6,tlp=7,tags=8`."""
import random
import sys

rows, out = int(sys.argv[1]), sys.argv[2]
random.seed(7)
fams = ["Emotet", "QakBot", "Dridex", "IcedID", "Pikabot", "TrickBot", "Lokibot",
        "AgentTesla", "Formbook", "Remcos", "AsyncRAT", "NjRAT", "RedLine", "Raccoon",
        "Vidar", "Ursnif", "Gozi", "BazarLoader", "Cobalt Strike", "Sliver"]
tlps = ["clear", "clear", "clear", "green", "green", "amber", "red"]
with open(out, "w") as f:
    f.write("value,type,family,first_seen,last_seen,confidence,tlp,tags\n")
    for i in range(rows):
        r = random.random()
        if r < 0.4:
            v, t = "%d.%d.%d.%d" % (random.randint(11, 223), random.randint(0, 255),
                                    random.randint(0, 255), random.randint(1, 254)), "ipv4"
        elif r < 0.65:
            v, t = "host%d-%x.example%d.top" % (i, random.getrandbits(24), i % 97), "domain"
        elif r < 0.9:
            v, t = "http://srv%d.bad%d.xyz/gate%d.php" % (i, i % 1000,
                                                         random.randint(0, 99)), "url"
        else:
            v, t = "%064x" % random.getrandbits(256), "sha256"
        fam = random.choice(fams) if random.random() < 0.6 else ""
        day, month = random.randint(1, 28), random.randint(1, 12)
        f.write("%s,%s,%s,2024-%02d-%02d,2024-12-%02d,%d,%s,%s\n" % (
            v, t, fam, month, day, day, random.randint(30, 100), random.choice(tlps),
            "c2" if random.random() < 0.3 else ""))
