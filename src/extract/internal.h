/* internal.h - what the extractor's files share. Not API. */
#ifndef TIX_EXTRACT_INTERNAL_H
#define TIX_EXTRACT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tix/buf.h"
#include "tix/extract.h"

struct tix_extractor {
    uint32_t types; /* TIX_OBS_BIT mask */
};

/* Bytes of context kept on each side of a window. Every decision about a
 * hit looks at most this far from it, so a window reports exactly the hits
 * a whole-input scan would report in its range. Tokens are capped well
 * below it (URLs at TIX_OBS_VALUE_MAX characters, twice that in UTF-16). */
#define TIX__MARGIN (16u * 1024u)
/* Bytes of input per window (plus margins). */
#define TIX__WINDOW (1024u * 1024u)

/* One refang replacement: normalised bytes [q, qend) stand for raw bytes
 * that were `shift` bytes longer in total up to and including this edit. */
struct tix__edit {
    uint32_t q, qend;
    uint32_t shift;
};

struct tix__edits {
    struct tix__edit *v;
    size_t n, cap;
};

/* Rewrite defanged spellings in raw[0..n) into out (capacity n).
 * Returns 0 and leaves out untouched (caller uses raw) when there are none;
 * otherwise returns the normalised length and fills ed. -1 on OOM. */
long tix__refang(const uint8_t *raw, size_t n, uint8_t *out,
                 struct tix__edits *ed);
/* The same, when the first candidate opener is known to be at first. */
long tix__refang_from(const uint8_t *raw, size_t n, size_t first,
                      uint8_t *out, struct tix__edits *ed);

/* A hit waiting for its window to be sorted and reported. */
struct tix__rec {
    uint64_t offset, raw_len;
    uint32_t voff, vlen;
    uint8_t type, enc, defanged;
};

struct tix__hits {
    struct tix__rec *v;
    size_t n, cap;
    tix_buf vals;    /* canonical values, NUL-separated */
    tix_buf scratch; /* a value being worked on */
};

/* A stretch of (normalised) text and how its indexes map to input offsets:
 * offset(i) = base + stride * (i + shift before i). */
struct tix__text {
    const tix_extractor *ex;
    const uint8_t *p;
    size_t n;
    const struct tix__edits *ed; /* NULL when the text was not refanged */
    uint64_t base;
    unsigned stride;
    tix_encoding enc;
    uint64_t lo, hi; /* report hits with lo <= offset < hi */
    struct tix__hits *out;
    size_t ecur; /* edit last looked at: the scan moves forward, so the
                  * next lookup starts here */
    size_t url_from, url_to; /* no byte that ends a URL in [from, to) */
};

/* Find every hit in t and append those in range to t->out.
 * Returns -1 on OOM. */
int tix__scan_text(struct tix__text *t);

/* Block masks (bit i for byte p[i]) in the widest vectors the CPU has,
 * set by tix__simd_init(). u16: a printable ASCII byte followed by NUL
 * (reads p[64]). */
extern uint64_t (*tix__u16_64)(const uint8_t *p);
/* One pass over p[0..n): the index of the first defang opener candidate
 * (n if none) and whether any byte is NUL (UTF-16 strings need one). */
extern size_t (*tix__prescan)(const uint8_t *p, size_t n, bool *zero);
/* The first i' >= i with a bit in openers64 / u16_64, looking only at whole
 * blocks that fit with their extra byte: returns the stop point, which is
 * either a hit or where fewer than 65 bytes remain. */
extern size_t (*tix__next_opener64)(const uint8_t *p, size_t i, size_t n);
extern size_t (*tix__next_u16_64)(const uint8_t *p, size_t i, size_t n);
void tix__simd_init(void);
/* For tix__simd_limit: the same, no wider than level. */
void tix__simd_pick(int level);

/* For tests: use at most SIMD level (0 SSE2 or scalar, 1 AVX2, 2 AVX-512BW)
 * from now on, in every pass; returns the level that will be used. Not
 * thread-safe. */
int tix__simd_limit(int level);

/* Sort t->out by offset and deliver it; clears it. */
tix_err tix__hits_flush(struct tix__hits *h, tix_hit_fn fn, void *ud,
                        tix_diag *d);
void tix__hits_free(struct tix__hits *h);

/* The UTF-8 sequence at p[0..n) if it encodes a letter that may appear in
 * an internationalised domain name: its length, else 0. */
size_t tix__u8_name_letter(const uint8_t *p, size_t n);

/* TLDs that are also common file extensions (see docs/extract.md). */
bool tix__tld_is_file_ext(const char *tld, size_t n);
/* Extensions of documents and programs (pdf, docx, exe ...). */
bool tix__is_doc_ext(const char *label, size_t n);

#endif
