/* lpm.c - longest-prefix match as flattened elementary intervals.
 *
 * CIDR prefixes never partly overlap: two of them are nested or disjoint.
 * So the address space cuts into elementary intervals, and within one of
 * them the set of containing prefixes is fixed: a chain from the innermost
 * prefix out to the widest. Build sorts the prefixes, sweeps them with a
 * stack to cut the intervals, and keeps for each interval only its
 * innermost prefix (a node); each node points to its parent, so a lookup
 * is a binary search followed by a walk up a chain of a few nodes. Copying
 * whole chains per interval would save that walk but grows quadratically
 * with nesting depth and duplicates.
 *
 * Both families share one sweep: an IPv4 address is laid out in the top 32
 * bits of a 128-bit key, so a v4 prefix of length p is a 128-bit prefix of
 * length p. The v4 table then keeps 32-bit starts for speed. A table of
 * 65,537 bucket bounds indexed by the top 16 bits narrows each binary
 * search to the intervals of one /16, typically a handful.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"
#include "core/lpm.h"

typedef struct {
    uint64_t hi, lo;
} u128;

typedef struct {
    u128 first;      /* first address, bits beyond plen cleared */
    uint32_t value;
    uint32_t seq;    /* insertion order, so that sorting is stable */
    uint8_t plen;
    uint8_t af;
} pfx;

typedef struct {
    uint32_t val;   /* its value, or with n > 1 where its values start in vals */
    uint32_t n;
    int32_t parent; /* the next wider prefix containing it, or -1 */
    uint8_t plen;
} node;

/* An interval's start and innermost node side by side: the last probe of
 * the binary search brings in the node index with it. */
typedef struct {
    uint32_t start;
    int32_t inner; /* -1: no prefix */
} iv4;

typedef struct {
    u128 start;
    int32_t inner;
} iv6;

#define BUCKETS 65536

typedef struct {
    size_t nint;
    iv4 *iv4;         /* v4 intervals */
    iv6 *iv6;         /* v6 intervals */
    uint32_t *bucket; /* BUCKETS + 1: the interval holding /16 number k */
    node *nodes;
    uint32_t *vals;   /* values of nodes that have several */
} family;

struct tix_lpm {
    pfx *in;
    size_t n, cap;
    int built;
    family f4, f6;
};

/* ---- 128-bit keys ----------------------------------------------------- */

static int u_lt(u128 a, u128 b)
{
    return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo);
}

static int u_eq(u128 a, u128 b)
{
    return a.hi == b.hi && a.lo == b.lo;
}

static u128 u_inc(u128 a)
{
    a.lo++;
    if (a.lo == 0)
        a.hi++;
    return a;
}

static int u_is_max(u128 a)
{
    return a.hi == UINT64_MAX && a.lo == UINT64_MAX;
}

/* The last address of a prefix: first with every bit beyond plen set. */
static u128 u_last(u128 first, unsigned plen)
{
    u128 r = first;
    if (plen < 64) {
        r.hi |= plen ? UINT64_MAX >> plen : UINT64_MAX;
        r.lo = UINT64_MAX;
    } else if (plen < 128) {
        r.lo |= UINT64_MAX >> (plen - 64);
    }
    return r;
}

static u128 u_mask(u128 a, unsigned plen)
{
    if (plen == 0)
        return (u128){0, 0};
    if (plen < 64)
        return (u128){a.hi & ~(UINT64_MAX >> plen), 0};
    if (plen == 64)
        return (u128){a.hi, 0};
    if (plen < 128)
        return (u128){a.hi, a.lo & ~(UINT64_MAX >> (plen - 64))};
    return a;
}

static uint64_t be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static u128 key_of(int af, const uint8_t *addr)
{
    if (af == 4)
        return (u128){(uint64_t)((uint32_t)addr[0] << 24 | (uint32_t)addr[1] << 16 |
                                 (uint32_t)addr[2] << 8 | addr[3])
                          << 32,
                      0};
    return (u128){be64(addr), be64(addr + 8)};
}

/* ---- building --------------------------------------------------------- */

tix_lpm *tix__lpm_new(void)
{
    return calloc(1, sizeof(tix_lpm));
}

static void family_free(family *f)
{
    free(f->iv4);
    free(f->iv6);
    free(f->bucket);
    free(f->nodes);
    free(f->vals);
    memset(f, 0, sizeof *f);
}

void tix__lpm_free(tix_lpm *t)
{
    if (t == NULL)
        return;
    free(t->in);
    family_free(&t->f4);
    family_free(&t->f6);
    free(t);
}

tix_err tix__lpm_insert(tix_lpm *t, int af, const uint8_t *addr, unsigned plen,
                        uint32_t value)
{
    if (t == NULL || t->built || (af != 4 && af != 6) || addr == NULL ||
        plen > (af == 4 ? 32u : 128u))
        return TIX_EINVAL;
    if (t->n >= UINT32_MAX - 1)
        return TIX_ETOOBIG;
    if (tix__grow(&t->in, &t->cap, t->n, sizeof *t->in, 256) != 0)
        return TIX_ENOMEM;
    pfx *p = &t->in[t->n];
    p->first = u_mask(key_of(af, addr), plen);
    p->value = value;
    p->seq = (uint32_t)t->n;
    p->plen = (uint8_t)plen;
    p->af = (uint8_t)af;
    t->n++;
    return TIX_EOK;
}

/* Family first, then outer prefixes before the ones they contain: by first
 * address, then shorter first; equal prefixes in insertion order. */
static int pfx_cmp(const void *a, const void *b)
{
    const pfx *x = a, *y = b;
    if (x->af != y->af)
        return x->af < y->af ? -1 : 1;
    if (!u_eq(x->first, y->first))
        return u_lt(x->first, y->first) ? -1 : 1;
    if (x->plen != y->plen)
        return x->plen < y->plen ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

typedef struct {
    u128 *start;
    int32_t *inner;
    size_t n, cap;
} cuts;

/* A new interval from start on; one at the same start replaces the last
 * (the later state at that address is the true one). */
static int cut(cuts *c, u128 start, int32_t inner)
{
    if (c->n && u_eq(c->start[c->n - 1], start)) {
        c->inner[c->n - 1] = inner;
        return 0;
    }
    if (c->n && c->inner[c->n - 1] == inner)
        return 0; /* same chain continues: no new interval needed */
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        u128 *s = realloc(c->start, cap * sizeof *s);
        if (s == NULL)
            return -1;
        c->start = s;
        int32_t *in = realloc(c->inner, cap * sizeof *in);
        if (in == NULL)
            return -1;
        c->inner = in;
        c->cap = cap;
    }
    c->start[c->n] = start;
    c->inner[c->n] = inner;
    c->n++;
    return 0;
}

/* p[0..n) sorted, one family. */
static tix_err build_family(family *f, int af, const pfx *p, size_t n)
{
    tix_err rc = TIX_ENOMEM;
    cuts c = {0};
    int32_t *stack = NULL;
    u128 *stack_last = NULL;
    size_t nnodes = 0, nvals = 0;

    f->nodes = malloc((n ? n : 1) * sizeof *f->nodes);
    f->vals = malloc((n ? n : 1) * sizeof *f->vals);
    /* nesting is at most 129 deep, one entry per prefix length */
    stack = malloc(130 * sizeof *stack);
    stack_last = malloc(130 * sizeof *stack_last);
    if (!f->nodes || !f->vals || !stack || !stack_last)
        goto out;
    size_t depth = 0;
    if (cut(&c, (u128){0, 0}, -1) != 0)
        goto out;
    for (size_t i = 0; i < n;) {
        /* equal prefixes share a node */
        size_t j = i + 1;
        while (j < n && p[j].plen == p[i].plen && u_eq(p[j].first, p[i].first))
            j++;
        u128 first = p[i].first;
        while (depth && u_lt(stack_last[depth - 1], first)) {
            u128 after = u_inc(stack_last[depth - 1]);
            depth--;
            if (cut(&c, after, depth ? stack[depth - 1] : -1) != 0)
                goto out;
        }
        node *nd = &f->nodes[nnodes];
        nd->n = (uint32_t)(j - i);
        nd->parent = depth ? stack[depth - 1] : -1;
        nd->plen = p[i].plen;
        if (j - i == 1) {
            nd->val = p[i].value;
        } else {
            nd->val = (uint32_t)nvals;
            for (size_t k = i; k < j; k++)
                f->vals[nvals++] = p[k].value;
        }
        stack[depth] = (int32_t)nnodes;
        stack_last[depth] = u_last(first, p[i].plen);
        depth++;
        if (cut(&c, first, (int32_t)nnodes) != 0)
            goto out;
        nnodes++;
        i = j;
    }
    while (depth) {
        u128 last = stack_last[depth - 1];
        depth--;
        if (!u_is_max(last) && cut(&c, u_inc(last), depth ? stack[depth - 1] : -1) != 0)
            goto out;
    }

    f->nint = c.n;
    f->bucket = malloc((BUCKETS + 1) * sizeof *f->bucket);
    if (f->bucket == NULL)
        goto out;
    if (af == 4) {
        if ((f->iv4 = malloc(c.n * sizeof *f->iv4)) == NULL)
            goto out;
        for (size_t i = 0; i < c.n; i++)
            f->iv4[i] = (iv4){(uint32_t)(c.start[i].hi >> 32), c.inner[i]};
    } else {
        if ((f->iv6 = malloc(c.n * sizeof *f->iv6)) == NULL)
            goto out;
        for (size_t i = 0; i < c.n; i++)
            f->iv6[i] = (iv6){c.start[i], c.inner[i]};
    }
    /* bucket[k]: the interval holding the first address of /16 number k */
    size_t at = 0;
    for (uint64_t k = 0; k < BUCKETS; k++) {
        uint64_t key = k << 48;
        while (at + 1 < c.n && c.start[at + 1].hi <= key &&
               (c.start[at + 1].hi < key || c.start[at + 1].lo == 0))
            at++;
        f->bucket[k] = (uint32_t)at;
    }
    f->bucket[BUCKETS] = (uint32_t)(c.n - 1);
    rc = TIX_EOK;
out:
    free(c.start);
    free(c.inner);
    free(stack);
    free(stack_last);
    return rc;
}

tix_err tix__lpm_build(tix_lpm *t)
{
    if (t == NULL || t->built)
        return TIX_EINVAL;
    if (t->n)
        qsort(t->in, t->n, sizeof *t->in, pfx_cmp);
    size_t n4 = 0;
    while (n4 < t->n && t->in[n4].af == 4)
        n4++;
    tix_err rc = build_family(&t->f4, 4, t->in, n4);
    if (rc == TIX_EOK)
        rc = build_family(&t->f6, 6, t->n ? t->in + n4 : NULL, t->n - n4);
    if (rc != TIX_EOK) {
        family_free(&t->f4);
        family_free(&t->f6);
        return rc;
    }
    free(t->in);
    t->in = NULL;
    t->n = t->cap = 0;
    t->built = 1;
    return TIX_EOK;
}

/* ---- lookups ---------------------------------------------------------- */

static size_t walk(const family *f, int32_t j, tix_lpm_hit *out, size_t max)
{
    size_t n = 0;
    for (; j >= 0; j = f->nodes[j].parent) {
        const node *nd = &f->nodes[j];
        if (nd->n == 1) {
            if (n < max)
                out[n] = (tix_lpm_hit){nd->val, nd->plen};
            n++;
            continue;
        }
        for (uint32_t k = 0; k < nd->n; k++, n++)
            if (n < max)
                out[n] = (tix_lpm_hit){f->vals[nd->val + k], nd->plen};
    }
    return n;
}

size_t tix__lpm_lookup(const tix_lpm *t, int af, const uint8_t *addr, tix_lpm_hit *out,
                       size_t max)
{
    if (t == NULL || !t->built || addr == NULL)
        return 0;
    if (af == 4) {
        const family *f = &t->f4;
        uint32_t a = (uint32_t)addr[0] << 24 | (uint32_t)addr[1] << 16 |
                     (uint32_t)addr[2] << 8 | addr[3];
        size_t lo = f->bucket[a >> 16], hi = f->bucket[(a >> 16) + 1];
        while (lo < hi) {
            size_t mid = (lo + hi + 1) / 2;
            if (f->iv4[mid].start <= a)
                lo = mid;
            else
                hi = mid - 1;
        }
        return walk(f, f->iv4[lo].inner, out, max);
    }
    if (af == 6) {
        const family *f = &t->f6;
        u128 a = key_of(6, addr);
        size_t k = (size_t)(a.hi >> 48);
        size_t lo = f->bucket[k], hi = f->bucket[k + 1];
        while (lo < hi) {
            size_t mid = (lo + hi + 1) / 2;
            if (!u_lt(a, f->iv6[mid].start))
                lo = mid;
            else
                hi = mid - 1;
        }
        return walk(f, f->iv6[lo].inner, out, max);
    }
    return 0;
}

/* ---- parsing ---------------------------------------------------------- */

int tix__lpm_parse(const char *s, size_t n, int *af, uint8_t addr[16], unsigned *plen)
{
    /* the longest IPv6 text (45) plus "/128" */
    char buf[64];
    if (s == NULL || n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    if (memchr(buf, '\0', n))
        return -1;
    char *slash = strchr(buf, '/');
    int fam = strchr(buf, ':') ? 6 : 4;
    unsigned max = fam == 4 ? 32 : 128, p = max;
    if (slash) {
        *slash = '\0';
        const char *q = slash + 1;
        size_t digits = strlen(q);
        if (digits == 0 || digits > 3)
            return -1;
        p = 0;
        for (; *q; q++) {
            if (*q < '0' || *q > '9')
                return -1;
            p = p * 10 + (unsigned)(*q - '0');
        }
        if (p > max)
            return -1;
    }
    uint8_t a[16] = {0};
    if (inet_pton(fam == 4 ? AF_INET : AF_INET6, buf, a) != 1)
        return -1;
    *af = fam;
    memcpy(addr, a, fam == 4 ? 4 : 16);
    *plen = p;
    return 0;
}
