/* samplegen.h - BENIGN stand-ins for the fictional malware families.
 *
 * A generated file looks like a PE32 or ELF64 executable to file(1) and to
 * YARA, and carries a family's configuration exactly as docs/families.md
 * describes it, so that the rules, the extractors, the demo and the
 * benchmarks have something to chew on. Everything else is filler from a
 * seeded PRNG: nothing in it does anything when run (a PE's entry point
 * is a lone `ret`; an ELF has no program headers, so it does not even
 * load). Same spec, same bytes.
 */
#ifndef TIX_SAMPLEGEN_H
#define TIX_SAMPLEGEN_H

#include <stddef.h>
#include <stdint.h>

#include "tix/buf.h"

typedef struct {
    const char *family;   /* "plumloader", "kestrel", "gorse" (case-insensitive) or "benign" */
    const char *build;    /* family-specific build: e.g. "1" / "2" (gorse old/new layout), "3" = a layout the extractor does not know (for drift tests); NULL = the family's newest */
    const char *format;   /* "pe" or "elf"; NULL = "pe" */
    uint64_t seed;
    size_t size;          /* total file size wanted; 0 = a small default (~8-16 KB); the file is at least as large as headers+config need */
    const char *campaign; /* NULL = a default per family */
    const char *c2[16];   /* "scheme://host:port/path" or "host:port"; nc2 = 0 = family defaults */
    size_t nc2;
} sg_spec;

/* Appends the sample to out. Returns 0, or -1 with a one-line reason in err. */
int sg_generate(const sg_spec *s, tix_buf *out, char *err, size_t errcap);

#endif
