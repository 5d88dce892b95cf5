/* strtab.c - building the string table: group equal keys in one pass, then
 * lay the table out at half load for short probe runs. */
#include <stdlib.h>

#include "vet/strtab.h"

static uint32_t pow2_at_least(size_t n)
{
    uint32_t c = 16;
    while (c < n && c < (1u << 31))
        c <<= 1;
    return c;
}

static void place(tix__sslot *slot, uint32_t mask, uint32_t hash, uint32_t key)
{
    uint32_t i = hash & mask;
    while (slot[i].key)
        i = (i + 1) & mask;
    slot[i].tag = hash;
    slot[i].key = key;
}

int tix__strtab_build(tix__strtab *t, const tix__sitem *items, size_t n)
{
    memset(t, 0, sizeof *t);
    if (n == 0)
        return 0;
    if (n >= (1u << 30))
        return -1;
    int rc = -1;
    uint32_t cap = pow2_at_least(2 * n), mask = cap - 1;
    /* per item: the next item of the same key; per key: first, last */
    uint32_t *next = malloc(n * sizeof *next);
    uint32_t *head = malloc(n * sizeof *head);
    uint32_t *tail = malloc(n * sizeof *tail);
    tix__sslot *slot = calloc(cap, sizeof *slot);
    t->keys = malloc(n * sizeof *t->keys);
    if (!next || !head || !tail || !slot || !t->keys)
        goto out;
    size_t nk = 0, nref = 0;
    for (size_t i = 0; i < n; i++) {
        const tix__sitem *it = &items[i];
        uint32_t h = tix__str_hash(it->s, it->len);
        uint32_t s = h & mask, k;
        for (;; s = (s + 1) & mask) {
            k = slot[s].key;
            if (k == 0)
                break;
            const tix__skey *key = &t->keys[k - 1];
            if (slot[s].tag == h && key->len == it->len &&
                memcmp(key->s, it->s, it->len) == 0)
                break;
        }
        next[i] = UINT32_MAX;
        if (k == 0) {
            t->keys[nk] = (tix__skey){it->s, it->len, h, 0, 1};
            head[nk] = tail[nk] = (uint32_t)i;
            slot[s].tag = h;
            slot[s].key = (uint32_t)++nk;
            nref++;
            continue;
        }
        k--;
        if (items[tail[k]].group == it->group)
            continue;
        next[tail[k]] = (uint32_t)i;
        tail[k] = (uint32_t)i;
        t->keys[k].nref++;
        nref++;
    }
    t->refs = malloc(nref * sizeof *t->refs);
    if (t->refs == NULL)
        goto out;
    size_t at = 0;
    for (size_t k = 0; k < nk; k++) {
        t->keys[k].ref0 = (uint32_t)at;
        for (uint32_t i = head[k]; i != UINT32_MAX; i = next[i])
            t->refs[at++] = items[i].ref;
    }
    t->nrefs = nref;
    t->nkeys = nk;
    /* the build table was sized for every item being a key; most are not */
    uint32_t fcap = pow2_at_least(2 * nk);
    if (fcap < cap) {
        free(slot);
        slot = calloc(fcap, sizeof *slot);
        if (slot == NULL)
            goto out;
        cap = fcap;
        mask = cap - 1;
        for (size_t k = 0; k < nk; k++)
            place(slot, mask, t->keys[k].hash, (uint32_t)k + 1);
    }
    tix__skey *keys = realloc(t->keys, (nk ? nk : 1) * sizeof *keys);
    if (keys)
        t->keys = keys;
    t->slot = slot;
    t->mask = mask;
    slot = NULL;
    rc = 0;
out:
    free(next);
    free(head);
    free(tail);
    free(slot);
    if (rc)
        tix__strtab_free(t);
    return rc;
}

void tix__strtab_free(tix__strtab *t)
{
    free(t->slot);
    free(t->keys);
    free(t->refs);
    memset(t, 0, sizeof *t);
}
