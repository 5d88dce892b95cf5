/* lpm.h - longest-prefix match over IPv4 and IPv6 prefixes. Not API.
 *
 * Build once (insert, then build), look up many times from any number of
 * threads: a built table is read-only. A lookup returns every inserted
 * prefix that contains the address, most specific first, so a caller that
 * keeps one value per list sees each list's own longest match.
 */
#ifndef TIX_CORE_LPM_H
#define TIX_CORE_LPM_H

#include <stddef.h>
#include <stdint.h>

#include "tix/error.h"

typedef struct tix_lpm tix_lpm;

tix_lpm *tix__lpm_new(void);
void tix__lpm_free(tix_lpm *t);

/* af is 4 or 6; addr holds 4 or 16 bytes in network order; bits beyond
 * plen are ignored. The same prefix may be inserted with several values. */
tix_err tix__lpm_insert(tix_lpm *t, int af, const uint8_t *addr, unsigned plen,
                        uint32_t value);
/* Call after the last insert and before the first lookup. */
tix_err tix__lpm_build(tix_lpm *t);

typedef struct {
    uint32_t value;
    uint8_t plen;
} tix_lpm_hit;

/* All prefixes containing addr, longest first. Returns how many there are;
 * at most max are written. */
size_t tix__lpm_lookup(const tix_lpm *t, int af, const uint8_t *addr, tix_lpm_hit *out,
                       size_t max);

/* "a.b.c.d", "a.b.c.d/n", an IPv6 address with optional "/n". Returns 0
 * and fills af, addr, plen (32 or 128 for a bare address), or -1. s need
 * not be NUL-terminated. */
int tix__lpm_parse(const char *s, size_t n, int *af, uint8_t addr[16], unsigned *plen);

#endif
