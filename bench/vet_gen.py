#!/usr/bin/env python3
"""vet_gen.py LISTDIR OUT N [SEED] -- observables for bench/vet.

Writes N lines "type<TAB>value" in tix's canonical forms, a fixed mix:
40% ipv4, 5% ipv6, 35% domain, 15% url, 2.5% hashes (md5/sha1/sha256),
2.5% e-mail. About one value in five is drawn from the lists themselves
(an address inside a listed network, a listed name or a name below it, a
listed hash, an address at a disposable-mail domain), the rest is random,
as most of what a feed brings is on no warninglist.
"""
import ipaddress
import json
import os
import random
import sys

TLDS = ["com", "net", "org", "ru", "info", "xyz", "io", "de", "top", "cn", "co.uk", "biz"]
ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"
HEX = "0123456789abcdef"


def label(r, lo=4, hi=12):
    return "".join(r.choice(ALNUM) for _ in range(r.randint(lo, hi)))


def random_domain(r):
    parts = [label(r) for _ in range(r.choice([0, 0, 0, 1, 1, 2]))]
    parts.append(label(r, 5, 14))
    return ".".join(parts) + "." + r.choice(TLDS)


def host_ok(s):
    return "." in s and all(c in ALNUM + "-._" for c in s) and ".." not in s


def load(listdir):
    v4, v6, names, hashes, mails = [], [], [], [], []
    root = os.path.join(listdir, "lists") if os.path.isdir(os.path.join(listdir, "lists")) else listdir
    for name in sorted(os.listdir(root)):
        path = os.path.join(root, name, "list.json")
        if not os.path.isfile(path):
            continue
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
        t = d.get("type")
        for e in d.get("list", []):
            if not isinstance(e, str):
                continue
            e = e.strip().lower().rstrip(".")
            if t == "cidr":
                try:
                    net = ipaddress.ip_network(e, strict=False)
                except ValueError:
                    continue
                (v4 if net.version == 4 else v6).append(net)
            elif t in ("hostname", "string"):
                if e.startswith("*."):
                    e = e[2:]
                e = e.lstrip(".")
                if len(e) in (32, 40, 64) and all(c in HEX for c in e):
                    hashes.append(e)
                elif host_ok(e) and not e.replace(".", "").isdigit():
                    names.append((e, t == "hostname"))
            elif t == "substring" and name == "disposable-email" and host_ok(e):
                mails.append(e)
    return v4, v6, names, hashes, mails


def inside(r, net):
    size = net.num_addresses
    return net.network_address + (r.randrange(size) if size > 1 else 0)


def main():
    listdir, out, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    r = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 42)
    v4, v6, names, hashes, mails = load(listdir)

    def domain(hit):
        if hit:
            name, sub = r.choice(names)
            return label(r) + "." + name if sub and r.random() < 0.5 else name
        return random_domain(r)

    def ipv4(hit):
        if hit:
            return str(inside(r, r.choice(v4)))
        return str(ipaddress.IPv4Address(r.getrandbits(32)))

    def ipv6(hit):
        if hit:
            return str(inside(r, r.choice(v6)))
        return str(ipaddress.IPv6Address((0x2 << 125) | r.getrandbits(125)))

    with open(out + ".tmp", "w", encoding="ascii") as f:
        for _ in range(n):
            x = r.random()
            hit = r.random() < 0.2
            if x < 0.40:
                f.write("ipv4\t%s\n" % ipv4(hit))
            elif x < 0.45:
                f.write("ipv6\t%s\n" % ipv6(hit))
            elif x < 0.80:
                f.write("domain\t%s\n" % domain(hit))
            elif x < 0.95:
                host = ipv4(hit) if r.random() < 0.1 else domain(hit)
                path = "/".join(label(r, 2, 10) for _ in range(r.randint(1, 3)))
                ext = r.choice(["", ".php", ".html", ".exe", ".js", "/"])
                f.write("url\t%s://%s/%s%s\n" % (r.choice(["http", "https"]), host, path, ext))
            elif x < 0.975:
                if hit and hashes:
                    h = r.choice(hashes)
                else:
                    h = "".join(r.choice(HEX) for _ in range(r.choice([32, 40, 64])))
                f.write("%s\t%s\n" % ({32: "md5", 40: "sha1", 64: "sha256"}[len(h)], h))
            else:
                local = r.choice(["abuse", "info", "admin"]) if r.random() < 0.05 else label(r, 3, 10)
                dom = r.choice(mails) if hit and mails else random_domain(r)
                f.write("email\t%s@%s\n" % (local, dom))
    os.replace(out + ".tmp", out)


if __name__ == "__main__":
    main()
