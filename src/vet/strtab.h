/* strtab.h - a read-only hash table from strings to runs of references,
 * for exact and host-name-suffix lookups. Not API.
 *
 * The hash runs from the last byte to the first, so one right-to-left pass
 * over "a.b.evil.com" yields the hashes of "com", "evil.com", "b.evil.com"
 * and the whole name at the label boundaries: a host name and all its
 * parents cost one pass plus one probe each. A probe touches one slot
 * (tag and key index side by side) and reads the key's bytes only when the
 * 32-bit tags agree.
 */
#ifndef TIX_VET_STRTAB_H
#define TIX_VET_STRTAB_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/fnv.h"

typedef struct {
    const char *s; /* borrowed: lives as long as the table's user says */
    uint32_t len;
    uint32_t hash;
    uint32_t ref0, nref; /* its references: refs[ref0 .. ref0 + nref) */
} tix__skey;

typedef struct {
    uint32_t tag, key; /* key: index + 1; 0 is an empty slot */
} tix__sslot;

typedef struct {
    tix__sslot *slot;
    uint32_t mask;
    tix__skey *keys;
    size_t nkeys;
    uint32_t *refs;
    size_t nrefs;
} tix__strtab;

/* What goes in: a key, the reference it maps to, and a group; a second
 * item with the same key and the same group as the one before it for
 * that key is dropped (the vetter groups by list). */
typedef struct {
    const char *s;
    uint32_t len;
    uint32_t ref;
    uint32_t group;
} tix__sitem;

#define TIX__STR_SEED TIX_FNV_BASIS


static inline uint32_t tix__str_hash(const char *s, size_t n)
{
    uint32_t h = TIX__STR_SEED;
    while (n)
        h = tix__fnv_step(h, (unsigned char)s[--n]);
    return tix__fnv_fin(h);
}

/* items are not kept; the strings they point to are. Returns 0 or -1 (out
 * of memory). */
int tix__strtab_build(tix__strtab *t, const tix__sitem *items, size_t n);
void tix__strtab_free(tix__strtab *t);

static inline const tix__skey *tix__strtab_find(const tix__strtab *t, uint32_t h,
                                                const char *s, size_t n)
{
    if (t->slot == NULL)
        return NULL;
    for (uint32_t i = h & t->mask;; i = (i + 1) & t->mask) {
        uint32_t k = t->slot[i].key;
        if (k == 0)
            return NULL;
        if (t->slot[i].tag == h) {
            const tix__skey *key = &t->keys[k - 1];
            if (key->len == n && memcmp(key->s, s, n) == 0)
                return key;
        }
    }
}

#endif
