/* internal.h - what the files of the vetting engine share. Not API. */
#ifndef TIX_VET_INTERNAL_H
#define TIX_VET_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "tix/vet.h"

/* The types a list of this match type is for when nothing says otherwise.
 * Host names and CIDRs reach URLs through their host; a hostname list may
 * hold addresses (the user's sinkhole list does). */
uint32_t tix__vet_default_applies(tix_match_type m);

/* A regex entry, "/pattern/flags" (flags among i, m, s and g, which means
 * nothing for a yes/no match) or a bare pattern. On success *pat and *plen
 * point into entry and *hsflags holds the vectorscan flags; on failure
 * *why says what is wrong. */
int tix__vet_regex_split(const char *entry, const char **pat, size_t *plen,
                         unsigned *hsflags, const char **why);

/* Room for the reason an entry is refused. */
#define TIX_VET_WHY 192

/* The normal form of an entry of a list of match type m: *out gets a new
 * string (the caller frees it). Returns 0; -1 with why filled when the
 * entry cannot be used; -2 when out of memory. A regex is also put through
 * vectorscan's parser, which catches most of what it cannot compile. */
int tix__vet_normalise(tix_match_type m, const char *in, size_t n, char **out,
                       char why[TIX_VET_WHY]);

/* The longest entry tix takes: no observable is longer than 4096 bytes,
 * and a regex of this size is already unreasonable. */
#define TIX_VET_ENTRY_MAX 65536

#endif
