#!/usr/bin/env python3
"""make_collection.py - writes the TAXII collection tests/cli/pull.sh serves.

    python3 tests/data/taxii/make_collection.py tests/data/taxii

collection.json: 250 STIX 2.1 objects, each with the date_added a TAXII
server would keep for it (ascending, microsecond fractions, the last one
ending in zeros); more.json: 12 objects added later. expected-*.txt: the
observables (type,value) tix must hold after pulling the first page (100
objects), the whole collection, and the collection with more.json.

The output is deterministic; the files are checked in, so the test does
not depend on this script.
"""
import datetime
import json
import os
import sys
import uuid

NS = uuid.UUID("2c3f8f0e-5d0b-4a51-9b7e-6f1c2b9d4e10")
BASE = datetime.datetime(2024, 3, 1, 0, 0, 0, tzinfo=datetime.timezone.utc)
CREATED = "2024-02-28T12:00:00.000Z"
TLP_GREEN = "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"
IDENTITY = "identity--" + str(uuid.uuid5(NS, "identity"))
MALWARE = "malware--" + str(uuid.uuid5(NS, "malware"))


def sid(kind, key):
    return "%s--%s" % (kind, uuid.uuid5(NS, "%s/%s" % (kind, key)))


def date_added(i):
    t = BASE + datetime.timedelta(seconds=37 * i, microseconds=(i * 7919) % 1000000)
    return t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def ipv4(i):
    return "45.%d.%d.%d" % (140 + i % 7, 10 + i // 7, 1 + (i * 13) % 250)


def domain(i):
    return "node-%03d.plumsync-update.top" % i


def url(i):
    return "http://dl-%02d.badfiles.xyz/payload-%d.bin" % (i % 9, i)


def sco(kind, value):
    return {"type": kind, "spec_version": "2.1", "id": sid(kind, value), "value": value}


def indicator(key, pattern_type, value, name):
    return {
        "type": "indicator", "spec_version": "2.1", "id": sid("indicator", key),
        "created": CREATED, "modified": CREATED, "created_by_ref": IDENTITY,
        "name": name, "indicator_types": ["malicious-activity"],
        "pattern": "[%s:value = '%s']" % (pattern_type, value),
        "pattern_type": "stix", "valid_from": "2024-02-28T00:00:00Z",
        "confidence": 80, "object_marking_refs": [TLP_GREEN],
    }


def relationship(key, src, kind, dst):
    return {
        "type": "relationship", "spec_version": "2.1", "id": sid("relationship", key),
        "created": CREATED, "modified": CREATED, "relationship_type": kind,
        "source_ref": src, "target_ref": dst, "created_by_ref": IDENTITY,
    }


def collection():
    objs = [
        {"type": "identity", "spec_version": "2.1", "id": IDENTITY, "created": CREATED,
         "modified": CREATED, "name": "Partner CERT Example", "identity_class": "organization"},
        {"type": "malware", "spec_version": "2.1", "id": MALWARE, "created": CREATED,
         "modified": CREATED, "name": "PlumLoader", "is_family": True,
         "created_by_ref": IDENTITY},
    ]
    objs += [sco("ipv4-addr", ipv4(i)) for i in range(80)]
    objs += [sco("domain-name", domain(i)) for i in range(60)]
    objs += [sco("url", url(i)) for i in range(40)]
    # indicators: 30 on addresses beyond the SCOs, 20 on names beyond them
    inds = [indicator("ip%d" % i, "ipv4-addr", ipv4(200 + i), "C2 %s" % ipv4(200 + i))
            for i in range(30)]
    inds += [indicator("dom%d" % i, "domain-name", domain(300 + i), "C2 %s" % domain(300 + i))
             for i in range(20)]
    objs += inds
    objs += [relationship("ind%d" % i, inds[i]["id"], "indicates", MALWARE)
             for i in range(0, 36, 2)]
    assert len(objs) == 250, len(objs)
    return objs


def more():
    objs = [sco("ipv4-addr", ipv4(500 + i)) for i in range(5)]
    objs += [sco("domain-name", domain(600 + i)) for i in range(4)]
    objs += [indicator("late%d" % i, "ipv4-addr", ipv4(700 + i), "late C2") for i in range(3)]
    return objs


def observables(objs):
    out = set()
    for o in objs:
        if o["type"] == "ipv4-addr":
            out.add(("ipv4", o["value"]))
        elif o["type"] == "domain-name":
            out.add(("domain", o["value"]))
        elif o["type"] == "url":
            out.add(("url", o["value"]))
            out.add(("domain", o["value"].split("/")[2]))  # its host
        elif o["type"] == "indicator":
            kind, value = o["pattern"][1:-1].split(" = ")
            out.add(("ipv4" if kind.startswith("ipv4") else "domain", value.strip("'")))
    return sorted("%s,%s" % p for p in out)


def main():
    out = sys.argv[1]
    objs, late = collection(), more()
    entries = [{"date_added": date_added(i), "object": o} for i, o in enumerate(objs)]
    # the last one ends in zeros: a resume point is kept exactly as sent
    entries[-1]["date_added"] = "2024-03-01T02:34:10.120000Z"
    late_entries = [{"date_added": "2024-03-02T08:00:%02d.5Z" % i, "object": o}
                    for i, o in enumerate(late)]
    for name, data in (("collection.json", entries), ("more.json", late_entries)):
        with open(os.path.join(out, name), "w") as f:
            json.dump(data, f, indent=1, sort_keys=True)
            f.write("\n")
    for name, objects in (("expected-page1.txt", objs[:100]), ("expected-all.txt", objs),
                          ("expected-more.txt", objs + late)):
        with open(os.path.join(out, name), "w") as f:
            f.write("\n".join(observables(objects)) + "\n")


if __name__ == "__main__":
    main()
