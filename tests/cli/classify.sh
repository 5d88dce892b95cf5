#!/bin/sh
# classify.sh - classification as users run it: rule files into the store
# (a broken one reported FILE:LINE and skipped), `tix classify` in text and
# JSON lines, the drift report over old, new and unknown builds of the
# three fictional families, and ingest: families and configurations on the
# sample, each C&C an observable with port, family and extractor, and a
# communicates-with from the sample; nothing twice on a second ingest.
set -eu

: "${TIX:?TIX must point at the tix binary}"
: "${BUILD:?BUILD must point at the build tree}"
: "${SRC:?SRC must point at the source tree}"

GEN="$BUILD/tests/samplegen/samplegen"
[ -x "$GEN" ] || { echo "skip: no samplegen at $GEN"; exit 77; }

T=$(mktemp -d "${TMPDIR:-/tmp}/classify.XXXXXX")
trap 'rm -rf "$T"' EXIT
trap 'exit 1' INT TERM

TIX_NOW=2026-11-01T00:00:00Z
LC_ALL=C
export LC_ALL TIX_NOW
DB="$T/tix.db"
tix() { "$TIX" --db "$DB" "$@"; }

. "$SRC/tests/cli/lib/checks.sh"

# ---- samples: every family, old and new builds, PE and ELF ----------------
S="$T/samples"
mkdir -p "$S/old" "$S/new"
"$GEN" plumloader 1 --seed 1 -o "$S/old/plum.exe"
"$GEN" plumloader 2 --format elf --seed 2 -o "$S/new/plum.elf"
"$GEN" kestrel 1 --seed 3 -o "$S/old/kestrel.exe"
"$GEN" kestrel 2 --seed 4 --c2 10.1.2.3:9000 --c2 c2.kestrel-test.example:443 \
    --campaign kst-test -o "$S/new/kestrel.exe"
"$GEN" gorse 1 --format elf --seed 5 -o "$S/old/gorse.elf"
"$GEN" gorse 2 --format elf --seed 6 -o "$S/new/gorse.elf"
"$GEN" benign --seed 7 -o "$S/new/benign.exe"

# ---- rules: one good file, one broken one ---------------------------------
mkdir -p "$T/rules/sub"
cat >"$T/rules/sub/loaders.yar" <<'Y'
rule generic_pe_packer
{
    meta:
        family = "TestPacker"
    strings:
        $mz = "MZ"
    condition:
        $mz at 0
}
Y
cat >"$T/rules/broken.yar" <<'Y'
rule fine { condition: false }

rule broken { strings: $a = "x" condition: $b }
Y
tix init >/dev/null
set +e
out=$(tix rules add "$T/rules" 2>&1)
rc=$?
set -e
same "rules add with a broken file exits 1" "$rc" "1"
has "broken file named with its line" "$out" "tix: rules: rules/broken.yar:3: "
has "broken file skipped" "$out" "(skipped)"
has "good file stored" "$out" "2 files read: 1 stored, 0 unchanged, 1 skipped"
out=$(tix rules list)
has "rules list names the stored file" "$out" "rules/sub/loaders.yar"
hasnt "rules list leaves the broken file out" "$out" "broken.yar"
has "rules list shows built-in rules" "$out" "tix_PlumLoader"
out=$(tix rules add "$T/rules/sub/loaders.yar" 2>&1)
# a file given alone is named by its base name: a second, separate file
has "single file named by base name" "$out" "1 stored"

# ---- tix classify ---------------------------------------------------------
out=$(tix classify "$S" 2>"$T/err")
has "plum old" "$out" "$S/old/plum.exe	PlumLoader,TestPacker"
has "plum old config" "$out" "config plumloader-rc4 1.0: build 1.9, campaign plum-q1, c2 https://45.153.241.18:8443/api/v2/sync https://cdn-plumsync.top:443/sync"
has "plum new (ELF: no packer rule)" "$out" "$S/new/plum.elf	PlumLoader	tix:tix_PlumLoader	config plumloader-rc4 1.0: build 2.4"
has "kestrel custom C&Cs" "$out" "campaign kst-test, c2 http://10.1.2.3:9000/gate.php http://c2.kestrel-test.example:443/gate.php"
has "gorse old layout" "$out" "$S/old/gorse.elf	Gorse	tix:tix_Gorse	config gorse-struct 1.0: build 1, campaign 4242, c2 185.174.101.77:23"
has "gorse new layout" "$out" "c2 185.174.101.77:23 185.174.102.9:2323"
has "benign PE: only the user's rule" "$out" "$S/new/benign.exe	TestPacker	loaders.yar:generic_pe_packer"
has "summary" "$(cat "$T/err")" "classify: 7 files"
has "summary counts" "$(cat "$T/err")" "7 classified, 6 configs read, 0 extractor failures"
jl=$(tix classify --format jsonl --threads 1 "$S/new/gorse.elf")
same "jsonl" "$jl" '{"file":"'"$S"'/new/gorse.elf","size":'"$(wc -c <"$S/new/gorse.elf" | tr -d ' ')"',"families":["Gorse"],"rules":["tix:tix_Gorse"],"config":{"family":"Gorse","extractor":"gorse-struct","extractor_version":"1.0","build":"2","campaign":"4242","c2":[{"scheme":"tcp","host":"185.174.101.77","port":23,"path":"","url":"185.174.101.77:23"},{"scheme":"tcp","host":"185.174.102.9","port":2323,"path":"","url":"185.174.102.9:2323"}],"keys":[]}}'
# the same answers on one thread and on four
one=$(tix classify --threads 1 "$S" 2>/dev/null)
four=$(tix classify --threads 4 "$S" 2>/dev/null)
same "threads do not change the output" "$one" "$four"
# rules given on the command line instead of the store's
out=$(tix classify --rules "$T/rules/sub" "$S/new/benign.exe" 2>/dev/null)
has "--rules" "$out" "sub/loaders.yar:generic_pe_packer"

# ---- the drift report -----------------------------------------------------
out=$(tix extractors check "$S")
has "drift header" "$out" "extractors check: 7 files: 7 classified, 0 matched no rule"
has "no failure" "$out" "no extractor failed"
"$GEN" gorse 3 --seed 8 -o "$S/new/gorse-next.exe"
set +e
out=$(tix extractors check "$S")
rc=$?
set -e
same "a failing extractor makes the check fail" "$rc" "1"
has "row of the unknown layout" "$out" "Gorse        gorse-struct 1.0       layout 3         1        0       1"
has "the failed file and why" "$out" "$S/new/gorse-next.exe: Gorse build layout 3, gorse-struct 1.0: unknown config layout version 3"
has "old layout still fine" "$out" "Gorse        gorse-struct 1.0       1                1        1       0"
out=$(tix extractors)
has "extractors list" "$out" "Kestrel      kestrel-xor"
set +e
tix extractors check "$T/nothing-here" >/dev/null 2>"$T/err"
rc=$?
set -e
same "missing dir" "$rc" "1"
has "missing dir says so" "$(cat "$T/err")" "nothing-here"

# ---- ingest: families, configs, C&C observables ---------------------------
out=$(tix ingest sample --source vendor-lab "$S" 2>"$T/err")
has "ingest summary" "$out" "8 classified, 6 configs read (11 C&C), 1 config not read"
has "a C&C tix cannot store is said" "$(cat "$T/err")" "new/kestrel.exe: Kestrel C&C c2.kestrel-test.example not stored: not an IP address or a domain under a public suffix"
has "failing config is a note" "$(cat "$T/err")" "gorse-next.exe: Gorse config not read by gorse-struct 1.0: unknown config layout version 3"
sha=$(sha256sum "$S/old/plum.exe" | cut -c1-64)
out=$(tix show "$sha")
has "sample families" "$out" "families    PlumLoader (rule tix_PlumLoader), TestPacker (rule generic_pe_packer)"
has "sample config" "$out" "plumloader-rc4 1.0: build 1.9, campaign plum-q1"
out=$(tix show 45.153.241.18)
has "C&C evidence" "$out" "port 8443  family PlumLoader  tags c2  config extractor plumloader-rc4 1.0"
has "communicates-with from the sample" "$out" "communicates-with"
out=$(tix show --format json 185.174.102.9)
has "json extractor" "$out" '"extractor":"gorse-struct 1.0"'
has "json port" "$out" '"port":2323'
out=$(tix show 'https://cdn-plumsync.top/sync')
has "URL of a web C&C" "$out" "family PlumLoader"
# the same samples again: nothing new, no config twice
out=$(tix ingest sample --source vendor-lab "$S" 2>/dev/null)
has "second ingest" "$out" "0 new samples, 8 already known"
hasnt "no config read twice" "$out" "configs read"
n=$(tix show --format json 45.153.241.18 | grep -o '"extractor":"plumloader-rc4 1.0"' | wc -l)
same "one evidence row per sample" "$n" "2"

# a rule added later reaches samples already stored
cat >"$T/late.yar" <<'Y'
rule late_elf { meta: family = "LateFamily" condition: uint32(0) == 0x464c457f }
Y
tix rules add "$T/late.yar" >/dev/null
tix ingest sample --source vendor-lab "$S/old/gorse.elf" >/dev/null 2>&1
out=$(tix show "$(sha256sum "$S/old/gorse.elf" | cut -c1-64)")
has "late rule tags an old sample" "$out" "LateFamily (rule late_elf)"

finish classify.sh
