/* touched.c - an open-addressing table keyed by (observable, source). */
#include <stdlib.h>
#include <string.h>

#include "store/touched.h"

static size_t slot(int64_t obs, int64_t src, size_t mask)
{
    uint64_t h = (uint64_t)obs * 0x9E3779B97F4A7C15ull ^ (uint64_t)src * 0xC2B2AE3D27D4EB4Full;
    h ^= h >> 29;
    return (size_t)h & mask;
}

static int grow(touch_map *m)
{
    size_t cap = m->cap ? m->cap * 2 : 1024;
    touch_ent *e = calloc(cap, sizeof *e);
    if (!e)
        return -1;
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->e[i].used)
            continue;
        size_t j = slot(m->e[i].obs, m->e[i].src, cap - 1);
        while (e[j].used)
            j = (j + 1) & (cap - 1);
        e[j] = m->e[i];
    }
    free(m->e);
    m->e = e;
    m->cap = cap;
    return 0;
}

touch_ent *touch_get(touch_map *m, int64_t obs, int64_t src, bool *fresh)
{
    if ((m->len + 1) * 4 > m->cap * 3 && grow(m) != 0)
        return NULL;
    size_t j = slot(obs, src, m->cap - 1);
    while (m->e[j].used) {
        if (m->e[j].obs == obs && m->e[j].src == src) {
            *fresh = false;
            return &m->e[j];
        }
        j = (j + 1) & (m->cap - 1);
    }
    touch_ent *t = &m->e[j];
    memset(t, 0, sizeof *t);
    t->obs = obs;
    t->src = src;
    t->used = true;
    m->len++;
    *fresh = true;
    return t;
}

void touch_clear(touch_map *m)
{
    if (m->len)
        memset(m->e, 0, m->cap * sizeof *m->e);
    m->len = 0;
}

void touch_free(touch_map *m)
{
    free(m->e);
    m->e = NULL;
    m->cap = m->len = 0;
}
