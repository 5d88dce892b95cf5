"""stix_validate.py - a STIX 2.1 bundle (standard input) against the OASIS
STIX 2.1 JSON schemas (argument: their schemas/ directory), object by
object: each against its own type's schema (a custom cyber-observable
against cyber-observable-core.json), the bundle against bundle.json; then
what the schemas cannot say: ids are unique, every reference names an
object earlier in the bundle (markings, identities, malware, indicators,
SCOs), and every object but a marking definition carries exactly one TLP
2.0 marking.
Prints "valid N" (N objects) or the first problem, exit status 1."""
import json
import pathlib
import sys

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
validators = {}


def validator(rel):
    if rel not in validators:
        schema = json.loads((root / rel).read_text(encoding="utf-8"))
        validators[rel] = Draft202012Validator(schema, registry=registry)
    return validators[rel]


def schema_of(o):
    t = o.get("type", "")
    for d in ("sdos", "sros", "observables", "common"):
        if (root / d / (t + ".json")).exists():
            return d + "/" + t + ".json"
    # a custom object: an SCO has no created, an SDO has
    return "common/core.json" if "created" in o else "common/cyber-observable-core.json"


TLP2 = {
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}


def refs(o):
    for k, v in o.items():
        if k.endswith("_ref") and isinstance(v, str):
            yield k, v
        elif k.endswith("_refs") and isinstance(v, list):
            for x in v:
                yield k, x


def fail(msg):
    print("invalid:", msg)
    sys.exit(1)


bundle = json.load(sys.stdin)
errors = list(validator("common/bundle.json").iter_errors(bundle))
if errors:
    fail("bundle: " + best_match(errors).message)
seen = set()
for i, o in enumerate(bundle.get("objects", [])):
    where = "objects[%d] %s" % (i, o.get("id"))
    errors = list(validator(schema_of(o)).iter_errors(o))
    if errors:
        fail("%s: %s" % (where, best_match(errors).message))
    if o["id"] in seen:
        fail(where + ": id twice")
    for k, r in refs(o):
        if r not in seen:
            fail("%s: %s %s is not earlier in the bundle" % (where, k, r))
    if o["type"] != "marking-definition":
        marks = o.get("object_marking_refs", [])
        if len(marks) != 1 or marks[0] not in TLP2:
            fail("%s: not marked with exactly one TLP 2.0 marking" % where)
    seen.add(o["id"])
print("valid", len(bundle["objects"]))
