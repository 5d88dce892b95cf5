#!/usr/bin/env python3
"""vet_peer.py LISTDIR OBSERVABLES LIMIT -- the peer of bench/vet.

A straightforward Python 3 vetter with the same semantics as tix's, for
scale: a set per string list, the name and each parent looked up in a set
per hostname list, networks grouped by prefix length (a set of network
numbers per length, so an address costs one lookup per length the list
uses), `in` per substring entry, re.search per regex. It vets the first
LIMIT observables and prints "key value" lines: load time, rate and the
number of verdicts, which bench/vet compares with tix's on the same values.
"""
import ipaddress
import json
import os
import re
import sys
import time

TYPES = ["ipv4", "ipv6", "domain", "url", "email", "md5", "sha1", "sha256", "sha512",
         "btc", "xmr", "cve", "asn"]
BIT = {t: 1 << i for i, t in enumerate(TYPES)}
IP = BIT["ipv4"] | BIT["ipv6"]
ALL = (1 << len(TYPES)) - 1
ATTRS = {
    "ip-src": IP, "ip-dst": IP, "ip-src|port": IP, "ip-dst|port": IP,
    "domain|ip": IP | BIT["domain"], "domain": BIT["domain"], "hostname": BIT["domain"],
    "hostname|port": BIT["domain"], "url": BIT["url"], "uri": BIT["url"], "link": BIT["url"],
    "email": BIT["email"], "email-src": BIT["email"], "email-dst": BIT["email"],
    "target-email": BIT["email"], "whois-registrant-email": BIT["email"],
    "md5": BIT["md5"], "sha1": BIT["sha1"], "sha256": BIT["sha256"], "sha512": BIT["sha512"],
    "filename|md5": BIT["md5"], "filename|sha1": BIT["sha1"],
    "filename|sha256": BIT["sha256"], "filename|sha512": BIT["sha512"],
    "btc": BIT["btc"], "xmr": BIT["xmr"], "vulnerability": BIT["cve"], "AS": BIT["asn"],
}
DEFAULT = {"cidr": IP | BIT["url"], "hostname": IP | BIT["domain"] | BIT["url"]}


class List:
    def __init__(self, name, match, applies):
        self.name, self.match, self.applies = name, match, applies
        self.strings = set()
        self.nets = {4: {}, 6: {}}   # version -> {prefix length: {network number}}
        self.subs = []
        self.regexes = []

    def add_net(self, net):
        self.nets[net.version].setdefault(net.prefixlen, set()).add(int(net.network_address))

    def in_nets(self, addr):
        bits = 32 if addr.version == 4 else 128
        a = int(addr)
        for plen, nums in self.nets[addr.version].items():
            if (a >> (bits - plen) << (bits - plen)) in nums:
                return True
        return False


def network(e):
    try:
        return ipaddress.ip_network(e, strict=False)
    except ValueError:
        return None


def lower_string(e):
    if "://" in e:
        head, sep, rest = e.partition("://")
        i = min([k for k in (rest.find("/"), rest.find("?"), rest.find("#")) if k >= 0],
                default=len(rest))
        return head.lower() + sep + rest[:i].lower() + rest[i:]
    if "@" in e and "/" not in e:
        local, _, dom = e.rpartition("@")
        return local + "@" + dom.lower()
    return e.lower()


def load_list(name, path):
    with open(path, encoding="utf-8") as f:
        d = json.load(f)
    match = d["type"]
    applies = 0
    for a in d.get("matching_attributes") or []:
        applies |= ATTRS.get(a, 0)
    if not d.get("matching_attributes"):
        applies = DEFAULT.get(match, ALL)
    l = List(name, match, applies)
    for e in d["list"]:
        e = e.strip()
        if not e:
            continue
        if match == "string":
            if "://" not in e:
                e = e.rstrip(".")
            l.strings.add(lower_string(e))
        elif match == "substring":
            l.subs.append(e.lower())
        elif match == "hostname":
            e = e.lower().rstrip(".")
            if e.startswith("*."):
                e = e[2:]
            e = e.lstrip(".")
            net = network(e)
            if net is not None:
                l.add_net(net)
            else:
                l.strings.add(e)
        elif match == "cidr":
            net = network(e)
            if net is not None:
                l.add_net(net)
        elif match == "regex":
            flags, pat = 0, e
            if e.startswith("/") and e.rfind("/") > 0:
                k = e.rfind("/")
                pat, fl = e[1:k], e[k + 1:]
                flags |= re.I if "i" in fl else 0
                flags |= re.M if "m" in fl else 0
                flags |= re.S if "s" in fl else 0
            try:
                l.regexes.append(re.compile(pat, flags))
            except re.error:
                pass
    return l


def load(listdir):
    root = os.path.join(listdir, "lists") if os.path.isdir(os.path.join(listdir, "lists")) else listdir
    lists = []
    for name in sorted(os.listdir(root)):
        path = os.path.join(root, name, "list.json")
        if os.path.isfile(path):
            lists.append(load_list(name, path))
    return lists


def addr_of(v):
    try:
        return ipaddress.ip_address(v.split("/")[0])
    except ValueError:
        return None


def match(l, t, v):
    """Does list l match value v of type t (not a URL)?"""
    m = l.match
    if m == "string":
        return v in l.strings
    if m == "substring":
        v = v.lower()
        return any(s in v for s in l.subs)
    if m == "regex":
        return any(r.search(v) for r in l.regexes)
    if t in ("ipv4", "ipv6"):
        a = addr_of(v)
        return a is not None and l.in_nets(a)
    if m == "hostname":
        labels = v.split(".")
        return any(".".join(labels[i:]) in l.strings for i in range(len(labels)))
    return False


def url_host(u):
    rest = u.split("://", 1)[1]
    for c in "/?#":
        rest = rest.split(c, 1)[0]
    host = rest.rsplit("@", 1)[-1]
    if host.startswith("["):
        return host[1:host.find("]")], "ipv6"
    host = host.split(":", 1)[0]
    if host and all(c.isdigit() or c == "." for c in host):
        return host, "ipv4"
    return host, "domain"


def vet(lists, t, v):
    n = 0
    if t != "url":
        bit = BIT[t]
        for l in lists:
            if l.applies & bit and match(l, t, v):
                n += 1
        return n
    host, ht = url_host(v)
    hmask = BIT["url"] | BIT[ht]
    for l in lists:
        if l.applies & BIT["url"] and l.match in ("string", "substring", "regex") and \
                match(l, "url", v):
            n += 1
        elif l.applies & hmask and l.match in ("string", "hostname", "cidr") and \
                match(l, ht, host):
            n += 1
    return n


def main():
    listdir, obsfile, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
    t0 = time.perf_counter()
    lists = load(listdir)
    t1 = time.perf_counter()
    obs = []
    with open(obsfile, encoding="ascii") as f:
        for line in f:
            if len(obs) >= limit:
                break
            t, _, v = line.rstrip("\n").partition("\t")
            obs.append((t, v))
    t2 = time.perf_counter()
    verdicts = sum(vet(lists, t, v) for t, v in obs)
    t3 = time.perf_counter()
    print("load_s %.3f" % (t1 - t0))
    print("observables %d" % len(obs))
    print("verdicts %d" % verdicts)
    print("check_s %.3f" % (t3 - t2))
    print("obs_per_s %.0f" % (len(obs) / (t3 - t2)))


if __name__ == "__main__":
    main()
