/* uniq.c - an open-addressing table of (type, value) -> count. */
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/uniq.h"
#include "tix/hash.h"

void uniq_init(struct uniq *u)
{
    memset(u, 0, sizeof *u);
    tix_buf_init(&u->arena, 0);
}

static uint32_t hash(tix_obs_type type, const char *v, size_t n)
{
    return tix_hash32(v, n, (uint32_t)type);
}

static int grow(struct uniq *u)
{
    size_t cap = u->cap ? u->cap * 2 : 1024;
    struct uniq_ent *t = calloc(cap, sizeof *t);
    if (t == NULL)
        return -1;
    for (size_t i = 0; i < u->cap; i++) {
        if (!u->t[i].used)
            continue;
        size_t j = u->t[i].hash & (cap - 1);
        while (t[j].used)
            j = (j + 1) & (cap - 1);
        t[j] = u->t[i];
    }
    free(u->t);
    u->t = t;
    u->cap = cap;
    return 0;
}

int uniq_add_count(struct uniq *u, tix_obs_type type, const char *v, size_t n,
                   uint64_t count)
{
    if (u->arena.max == 0)
        tix_buf_init(&u->arena, 0);
    if ((u->n + 1) * 4 > u->cap * 3 && grow(u) != 0)
        return -1;
    uint32_t h = hash(type, v, n);
    size_t j = h & (u->cap - 1);
    while (u->t[j].used) {
        struct uniq_ent *e = &u->t[j];
        if (e->hash == h && e->type == type && e->vlen == n &&
            memcmp(u->arena.p + e->voff, v, n) == 0) {
            e->count += count;
            return 0;
        }
        j = (j + 1) & (u->cap - 1);
    }
    size_t off = u->arena.len;
    tix_buf_add(&u->arena, v, n);
    tix_buf_addc(&u->arena, '\0');
    if (u->arena.err != TIX_EOK || off > UINT32_MAX)
        return -1;
    u->t[j] = (struct uniq_ent){count, (uint32_t)off, (uint32_t)n, h,
                                (uint8_t)type, 1};
    u->n++;
    return 0;
}

int uniq_add(struct uniq *u, tix_obs_type type, const char *v, size_t n)
{
    return uniq_add_count(u, type, v, n, 1);
}

int uniq_merge(struct uniq *dst, const struct uniq *src)
{
    /* Size dst first: src is walked in slot order, which is hash order, and
     * linear probing into a smaller table in that order piles every key
     * into long runs. */
    while ((dst->n + src->n + 1) * 4 > dst->cap * 3)
        if (grow(dst) != 0)
            return -1;
    for (size_t i = 0; i < src->cap; i++) {
        const struct uniq_ent *e = &src->t[i];
        if (e->used && uniq_add_count(dst, (tix_obs_type)e->type,
                                      src->arena.p + e->voff, e->vlen,
                                      e->count) != 0)
            return -1;
    }
    return 0;
}

static const char *sort_arena;

static int ent_cmp(const void *a, const void *b)
{
    const struct uniq_ent *x = a, *y = b;
    if (x->type != y->type)
        return x->type < y->type ? -1 : 1;
    if (x->count != y->count)
        return x->count > y->count ? -1 : 1;
    return strcmp(sort_arena + x->voff, sort_arena + y->voff);
}

int uniq_print(const struct uniq *u, FILE *f, enum uniq_fmt fmt)
{
    struct uniq_ent *v = malloc((u->n ? u->n : 1) * sizeof *v);
    if (v == NULL)
        return -1;
    size_t k = 0;
    for (size_t i = 0; i < u->cap; i++)
        if (u->t[i].used)
            v[k++] = u->t[i];
    sort_arena = u->arena.p;
    qsort(v, k, sizeof *v, ent_cmp);
    tix_buf b = TIX_BUF_INIT(0);
    if (fmt == UNIQ_CSV)
        tix_buf_adds(&b, "type,value,count\n");
    int rc = 0;
    for (size_t i = 0; i < k && rc == 0; i++) {
        const char *val = u->arena.p + v[i].voff;
        const char *type = tix_obs_name((tix_obs_type)v[i].type);
        switch (fmt) {
        case UNIQ_JSONL:
            tix_buf_addf(&b, "{\"type\":\"%s\",\"value\":\"", type);
            tix_buf_add_json(&b, val, v[i].vlen);
            tix_buf_adds(&b, "\",\"count\":");
            tix_buf_add_u64(&b, v[i].count);
            tix_buf_adds(&b, "}\n");
            break;
        case UNIQ_CSV:
            tix_buf_adds(&b, type);
            tix_buf_addc(&b, ',');
            tix_buf_add_csv(&b, val, v[i].vlen);
            tix_buf_addc(&b, ',');
            tix_buf_add_u64(&b, v[i].count);
            tix_buf_addc(&b, '\n');
            break;
        case UNIQ_TEXT:
            tix_buf_addf(&b, "%8llu  %-6s  ", (unsigned long long)v[i].count, type);
            tix_buf_add(&b, val, v[i].vlen);
            tix_buf_addc(&b, '\n');
            break;
        }
        if (b.err != TIX_EOK)
            rc = -1;
        else if (b.len >= (1u << 20) || i + 1 == k) {
            rc = cli_write(f, b.p, b.len);
            tix_buf_reset(&b);
        }
    }
    if (rc == 0 && k == 0 && b.len)
        rc = cli_write(f, b.p, b.len);
    tix_buf_free(&b);
    free(v);
    return rc;
}

void uniq_free(struct uniq *u)
{
    free(u->t);
    tix_buf_free(&u->arena);
    memset(u, 0, sizeof *u);
}
