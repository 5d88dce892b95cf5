"""share_model.py - what tests/cli/share.sh expects a partner to receive,
worked out from `tix export --format stix` bundles alone (never from the
server), by the rules of docs/export.md and docs/taxii.md:

- an object's TLP is its one TLP 2.0 object_marking_ref (a marking
  definition is at its own level);
- its root is the SCO of the observable it is derived from: an SCO (or a
  CVE's vulnerability) is its own root; an indicator and a C&C
  infrastructure are found by their documented UUIDv5 names
  (`indicator|SCO-ID`, `infrastructure|c2|SCO-ID` in the namespace
  uuid5(NAMESPACE_URL, "tix:stix:takedown")); a sighting has the root of
  what it sights; a relationship the root of its source end, else of its
  target end (`malware exploits vulnerability`); identities, malware and
  marking definitions have none;
- a partner sees an object when its TLP is at most the partner's
  clearance and, for TLP:RED, when the partner is named on its root (on
  its own id when it has none);
- the wallet extension definition is in a collection but not in a bundle
  (docs/export.md, "Wallets"): it is there when a wallet SCO is, at the
  least restrictive TLP of the wallets.

Commands (NAMED is a file of ids, one a line; VERSIONS a comma-separated
list of bundle files, the versions a collection may hold):
  ids BUNDLE                        every id a collection holds, sorted
  idver BUNDLE                      "id version" of each object of the bundle
  visible BUNDLE CLEARANCE NAMED    the ids the partner may receive
  served FILE...                    "id" of each object in TAXII envelopes
                                    (manifest entries, objects)
  servedver FILE...                 "id version" of each served object
  diff OLD NEW [CLEARANCE NAMED]    "NEW CHANGED REMOVED" ids from OLD to
                                    NEW (as a sync counts them); with a
                                    partner, the count of new and changed
                                    ones it may see in NEW
  indicator BUNDLE VALUE            the id of the indicator named VALUE
  tlp BUNDLE ID                     the TLP of an object (0 clear .. 4 red)
  reds BUNDLE                       ids of TLP:RED objects
  plan BUNDLE CLEARANCE NAMED WANT FORBIDDEN
                                    the ids the partner may receive into
                                    WANT, the collection's other ids into
                                    FORBIDDEN (one a line, sorted)
  probes LIST CODES DIR             the answers to "WANT URL" lines (curl's
                                    codes; bodies DIR/1, DIR/2, ...): WANT
                                    a status with a TAXII error, or {} for
                                    200 with nothing; prints each problem
  verify BUNDLE VERSIONS CLEARANCE NAMED DIR TAG
                                    what `see` in share.sh fetched as a
                                    partner (pages DIR/TAG.N, every version
                                    DIR/TAG-all.N, the manifest DIR/TAG-man.N,
                                    DIR/probes as `probes` takes them):
                                    prints each problem
"""
import json
import os
import sys
import uuid

TLP2 = {
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487": 0,
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb": 1,
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421": 2,
    "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003": 3,
    "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1": 4,
}
LEVEL = {"clear": 0, "green": 1, "amber": 2, "amber+strict": 3, "red": 4}
SCO = {"ipv4-addr", "ipv6-addr", "domain-name", "url", "email-addr", "file",
       "autonomous-system", "cryptocurrency-wallet", "vulnerability"}
ROOTLESS = {"identity", "malware", "marking-definition", "extension-definition"}
NS = uuid.uuid5(uuid.NAMESPACE_URL, "tix:stix:takedown")
EXT = "extension-definition--484d65ce-e439-56dd-9492-b99dbfd500e5"


def die(msg):
    print("share_model:", msg, file=sys.stderr)
    sys.exit(1)


class Model:
    def __init__(self, path):
        self.objs = json.load(open(path, encoding="utf-8"))["objects"]
        self.by = {}
        self.tlp = {}
        self.root = {}
        derived = {}
        for o in self.objs:
            i = o["id"]
            if i in self.by:
                die("%s: %s twice" % (path, i))
            self.by[i] = o
            if o["type"] == "marking-definition":
                self.tlp[i] = TLP2[i]
            else:
                marks = o.get("object_marking_refs", [])
                if len(marks) != 1 or marks[0] not in TLP2:
                    die("%s: %s has no one TLP 2.0 marking" % (path, i))
                self.tlp[i] = TLP2[marks[0]]
            if o["type"] in SCO:
                self.root[i] = i
                derived["indicator--%s" % uuid.uuid5(NS, "indicator|" + i)] = i
                derived["infrastructure--%s" % uuid.uuid5(NS, "infrastructure|c2|" + i)] = i
        for o in self.objs:
            if o["id"] in derived:
                self.root[o["id"]] = derived[o["id"]]
        for o in self.objs:
            if o["type"] == "sighting" and o["sighting_of_ref"] in self.root:
                self.root[o["id"]] = self.root[o["sighting_of_ref"]]
        for o in self.objs:
            if o["type"] == "relationship":
                r = self.root.get(o["source_ref"]) or self.root.get(o["target_ref"])
                if r:
                    self.root[o["id"]] = r
        for o in self.objs:
            if o["id"] not in self.root and o["type"] not in ROOTLESS:
                die("%s: cannot tell what %s is derived from" % (path, o["id"]))
        wallets = [self.tlp[o["id"]] for o in self.objs
                   if o["type"] == "cryptocurrency-wallet"]
        if wallets:  # in the collection, not in the bundle
            self.tlp[EXT] = min(wallets)

    def ids(self):
        return sorted(self.tlp)

    def key(self, i):
        return self.root.get(i, i)

    def may_see(self, i, clearance, named):
        t = self.tlp[i]
        return t <= clearance and (t < 4 or self.key(i) in named)


def version(o):
    return o.get("modified") or o.get("created") or "-"


def named_ids(path):
    with open(path, encoding="utf-8") as f:
        return {line.strip() for line in f if line.strip()}


def served(files):
    for p in files:
        with open(p, encoding="utf-8") as f:
            d = json.load(f)
        for o in d.get("objects", []):
            yield o


def pages(prefix):
    n, out = 1, []
    while True:
        try:
            open("%s.%d" % (prefix, n)).close()
        except OSError:
            return out
        out.append("%s.%d" % (prefix, n))
        n += 1


def check(models, c, named, files):
    for o in served(files):
        i = o["id"]
        held = [m for m in models if i in m.tlp]
        if not held:
            yield "%s: in no export" % i
            continue
        if i == EXT:  # not in a bundle: its TLP is what the wallets make it
            if not any(m.may_see(i, c, named) for m in held):
                yield "%s: served, not visible to this partner" % i
            marks = o.get("object_marking_refs", [])
            if not any(marks == [k for k, v in TLP2.items() if v == m.tlp[i]] for m in held):
                yield "%s: marked %s, not as the wallets make it" % (i, marks)
            continue
        same = [m for m in held if m.by.get(i) == o]
        if not same:
            yield "%s: served as %s, which no export wrote" % (i, version(o))
        elif not any(m.may_see(i, c, named) for m in same):
            yield "%s: version %s served, TLP %d, not visible to this partner" % (
                i, version(o), same[0].tlp[i])


def probes(listf, codesf, d):
    wants = [l.split(" ", 1) for l in open(listf).read().splitlines()]
    codes = open(codesf).read().split()
    for n, (want, url) in enumerate(wants, 1):
        code = codes[n - 1] if n <= len(codes) else "none"
        try:
            body = open("%s/%d" % (d, n)).read()
        except OSError:
            body = ""
        if want == "{}":
            ok = code == "200" and body == "{}"
        else:
            ok = (code == want and '"http_status":"%s"' % want in body
                  and '"objects"' not in body and '"versions"' not in body)
        if not ok:
            yield "probe %s: HTTP %s, want %s: %s" % (url, code, want, body[:200])


def diffset(what, got, want):
    for i in sorted(set(want) - set(got)):
        yield "%s: missing %s" % (what, i)
    for i in sorted(set(got) - set(want)):
        yield "%s: unexpected %s" % (what, i)
    dup = sorted({i for i in got if got.count(i) > 1})
    for i in dup:
        yield "%s: %s twice" % (what, i)


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "ids":
        print("\n".join(Model(args[0]).ids()))
    elif cmd == "idver":
        for o in Model(args[0]).objs:
            print(o["id"], version(o))
    elif cmd == "visible":
        m = Model(args[0])
        c, named = LEVEL[args[1]], named_ids(args[2])
        for i in m.ids():
            if m.may_see(i, c, named):
                print(i)
    elif cmd == "served":
        for o in served(args):
            print(o["id"])
    elif cmd == "servedver":
        for o in served(args):
            print(o["id"], version(o))
    elif cmd == "plan":
        m = Model(args[0])
        c, named = LEVEL[args[1]], named_ids(args[2])
        with open(args[3], "w") as w, open(args[4], "w") as f:
            for i in m.ids():
                print(i, file=w if m.may_see(i, c, named) else f)
    elif cmd == "probes":
        for line in probes(*args):
            print(line)
    elif cmd == "verify":
        bundle, versions, c, named, d, tag = args
        m = Model(bundle)
        models = [m if p == bundle else Model(p) for p in versions.split(",")]
        c, named = LEVEL[c], named_ids(named)
        want = [i for i in m.ids() if m.may_see(i, c, named)]
        got = [o["id"] for o in served(pages("%s/%s" % (d, tag)))]
        out = list(diffset("objects", got, want))
        n = len(pages("%s/%s" % (d, tag)))
        if n != max(1, (len(want) + 6) // 7):
            out.append("%d pages of 7 for %d objects" % (n, len(want)))
        out += check([m], c, named, pages("%s/%s" % (d, tag)))
        out += ["every version: " + l for l in check(models, c, named, pages("%s/%s-all" % (d, tag)))]
        got = [o["id"] for o in served(pages("%s/%s-man" % (d, tag)))]
        out += diffset("manifest", got, want)
        if os.path.exists(d + "/probes"):
            out += probes(d + "/probes", d + "/probes.codes", d + "/probes.d")
        for line in out:
            print(line)
    elif cmd == "diff":
        old, new = Model(args[0]), Model(args[1])
        part = None
        if len(args) > 2:
            part = (LEVEL[args[2]], named_ids(args[3]))
        added = [i for i in new.tlp if i not in old.tlp]
        changed = [i for i in new.tlp if i in old.tlp and i != EXT
                   and old.by[i] != new.by[i]]
        removed = [i for i in old.tlp if i not in new.tlp]
        if part:
            print(sum(1 for i in added + changed if new.may_see(i, *part)))
        else:
            print(len(added), len(changed), len(removed))
    elif cmd == "indicator":
        m = Model(args[0])
        hits = [o["id"] for o in m.objs if o["type"] == "indicator" and o.get("name") == args[1]]
        if len(hits) != 1:
            die("no one indicator named %s" % args[1])
        print(hits[0])
    elif cmd == "tlp":
        print(Model(args[0]).tlp[args[1]])
    elif cmd == "reds":
        m = Model(args[0])
        for i in m.ids():
            if m.tlp[i] == 4:
                print(i)
    else:
        die("unknown command " + cmd)


main()
