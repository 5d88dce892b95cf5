/* internal.h - what the config extractors share. Not API.
 *
 * Each family lives in src/classify/family_<name>.c and exports one
 * tix__extractor_<name>; adding a family means one file and one line in
 * TIX__FAMILIES below. The families are fictional (docs/families.md).
 */
#ifndef TIX_CLASSIFY_INTERNAL_H
#define TIX_CLASSIFY_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "tix/classify.h"

/* The registered families, in the order tix_config_extractors() lists
 * them. */
#define TIX__FAMILIES(X) \
    X(plumloader)        \
    X(kestrel)           \
    X(gorse)

#define X(name) extern const tix_config_extractor tix__extractor_##name;
TIX__FAMILIES(X)
#undef X

/* Markers can occur by chance, or thousands of times in hostile input;
 * only this many are tried per sample so that the work stays linear in
 * the sample's length whatever each attempt costs. */
#define TIX__CONFIG_TRIES 16

/* Try to read a config at the marker found at data[at]. On failure out
 * may hold part of a config: the caller resets it. */
typedef tix_err (*tix__config_try_fn)(const uint8_t *data, size_t len, size_t at,
                                      tix_config *out, tix_diag *why);

/* Find each occurrence of marker (up to TIX__CONFIG_TRIES) and run try on
 * it; the first success wins. When every attempt fails, why gets the
 * first attempt's reason, which is the one that is about the real config
 * in all but contrived samples; "config marker not found" when there is
 * none. out is zeroed first, and again after a failed attempt. */
tix_err tix__config_scan(const uint8_t *data, size_t len, const void *marker, size_t mlen,
                         tix__config_try_fn try, tix_config *out, tix_diag *why);

/* Add a C&C written as "[scheme://]host[:port][/path]" (host may be an
 * IPv6 address in brackets). scheme and path (either may be NULL) are
 * used when the text has none. */
tix_err tix__config_add_url(tix_config *c, const char *s, size_t n, const char *scheme,
                            const char *path, tix_diag *why);

/* Record a key of n bytes (at most 64) as lower-case hex. */
tix_err tix__config_add_key(tix_config *c, const char *name, const uint8_t *key, size_t n,
                            tix_diag *why);

/* Copy n bytes of text into a fixed field of cap bytes: cut to fit and
 * NUL-terminated, because a campaign id longer than the field is still
 * worth showing to an analyst. */
void tix__config_copy(char *dst, size_t cap, const char *s, size_t n);

/* Little-endian reads; the caller has checked the bounds. */
static inline unsigned tix__rd16(const uint8_t *p)
{
    return (unsigned)p[0] | (unsigned)p[1] << 8;
}

static inline uint32_t tix__rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

#endif
