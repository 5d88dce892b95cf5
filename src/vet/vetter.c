/* vetter.c - the vetting engine: every list compiled into three matchers.
 *
 *   CIDR entries (and the addresses in hostname lists)  one prefix table
 *   string and hostname entries                         one hash table
 *   substring and regex entries                         vectorscan, one
 *                                      database per type (shared when alike)
 *
 * Each entry becomes a reference (list, entry, the list's types, how it
 * matches); the matchers yield references, and a verdict is the first
 * reference of each list whose types include the value's. The matchers
 * run most specific first (longest prefix, the whole name before its
 * parents, the whole URL before its host), so a list's first hit is its
 * best. A per-list stamp, bumped once per value, says whether a list has
 * already answered; nothing is allocated per value.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "core/grow.h"
#include "core/lpm.h"
#include "vet/internal.h"
#include "vet/pattern.h"
#include "vet/strtab.h"

/* What a verdict needs, in one place: a hit costs one cache line. */
typedef struct {
    const char *entry, *note; /* owned by the list */
    uint32_t list;
    uint32_t applies; /* the list's types */
    uint8_t how;      /* tix_match_type for the verdict */
    uint8_t suffix;   /* a host name: names below it match too */
} vref;

struct tix_vetter {
    tix_list **lists;
    size_t n, cap;
    bool built, failed; /* failed: a build went wrong, only free is left */

    vref *refs;
    size_t nrefs, refcap;

    tix_lpm *lpm;
    tix_lpm_hit *hits; /* room for the most one lookup can return */
    size_t maxhits;
    tix__strtab names;
    tix__vpats pats;
    uint32_t *pat_ref; /* vectorscan id -> reference */

    /* Whether a lookup can find anything, so that it is not made:
     * cidr_types, the types of lists with prefixes; exact[t], the types of
     * lists with a string entry shaped like a value of type t (no list
     * holds URLs or IP addresses as strings, so neither a whole URL nor an
     * address costs a probe); suffix_types, those of hostname lists. */
    uint32_t cidr_types, suffix_types;
    uint32_t exact[TIX_OBS_COUNT];

    uint32_t *seen; /* per list: the stamp of the last value it answered */
    uint32_t stamp;

    size_t skipped;
    char skip_reason[256];
};

tix_err tix_vetter_new(tix_vetter **out, tix_diag *d)
{
    *out = calloc(1, sizeof **out);
    return *out ? TIX_EOK : tix_diag_set(d, TIX_ENOMEM, "out of memory");
}

tix_err tix_vetter_add(tix_vetter *v, tix_list *l, tix_diag *d)
{
    if (v == NULL || l == NULL || v->built || v->failed) {
        tix_list_free(l);
        return tix_diag_set(d, TIX_EINVAL,
                            v && v->built ? "the vetter is built: no more lists"
                                          : "no vetter or no list");
    }
    if (v->n >= UINT32_MAX - 1 || tix__grow(&v->lists, &v->cap, v->n, sizeof *v->lists,
                                            16) != 0) {
        tix_list_free(l);
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    }
    v->lists[v->n++] = l;
    return TIX_EOK;
}

size_t tix_vetter_count(const tix_vetter *v)
{
    return v ? v->n : 0;
}

const tix_list *tix_vetter_list(const tix_vetter *v, uint32_t i)
{
    return v && i < v->n ? v->lists[i] : NULL;
}

size_t tix_vetter_skipped(const tix_vetter *v, const char **why)
{
    if (why)
        *why = v ? v->skip_reason : "";
    return v ? v->skipped : 0;
}

void tix_vetter_free(tix_vetter *v)
{
    if (v == NULL)
        return;
    for (size_t i = 0; i < v->n; i++)
        tix_list_free(v->lists[i]);
    free(v->lists);
    free(v->refs);
    tix__lpm_free(v->lpm);
    free(v->hits);
    tix__strtab_free(&v->names);
    tix__vpats_free(&v->pats);
    free(v->pat_ref);
    free(v->seen);
    free(v);
}

/* ---- building --------------------------------------------------------- */

typedef struct {
    uint8_t addr[16];
    uint8_t af, plen;
    uint32_t list, ref;
} cidr_item;

typedef struct {
    cidr_item *cidr;
    size_t ncidr, cidrcap;
    tix__sitem *keys;
    size_t nkeys, keycap;
    tix__vpat *pats;
    uint32_t *pat_ref;
    size_t npats, patcap, prcap;
} staging;

static void skip(tix_vetter *v, const tix_list *l, size_t e, const char *why)
{
    if (v->skipped++ == 0)
        snprintf(v->skip_reason, sizeof v->skip_reason, "list '%s': entry '%.80s': %s",
                 l->name, l->entries[e], why);
}

static int new_ref(tix_vetter *v, uint32_t list, size_t entry, tix_match_type how,
                   bool suffix, uint32_t *out)
{
    if (v->nrefs >= UINT32_MAX ||
        tix__grow(&v->refs, &v->refcap, v->nrefs, sizeof *v->refs, 1024) != 0)
        return -1;
    const tix_list *l = v->lists[list];
    v->refs[v->nrefs] = (vref){l->entries[entry], l->notes[entry], list, l->applies,
                               (uint8_t)how, suffix};
    *out = (uint32_t)v->nrefs++;
    return 0;
}

static void mask_bits(uint8_t *a, unsigned plen, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++) {
        unsigned keep = plen >= 8 * (i + 1) ? 8 : plen > 8 * i ? plen - 8 * i : 0;
        a[i] &= (uint8_t)(0xff00u >> keep);
    }
}

static int add_cidr(tix_vetter *v, staging *s, uint32_t list, size_t e, tix_match_type how,
                    int af, const uint8_t *addr, unsigned plen)
{
    uint32_t ref;
    if (tix__grow(&s->cidr, &s->cidrcap, s->ncidr, sizeof *s->cidr, 1024) != 0 ||
        new_ref(v, list, e, how, false, &ref) != 0)
        return -1;
    cidr_item *c = &s->cidr[s->ncidr++];
    memset(c->addr, 0, sizeof c->addr);
    memcpy(c->addr, addr, af == 4 ? 4 : 16);
    mask_bits(c->addr, plen, 16);
    c->af = (uint8_t)af;
    c->plen = (uint8_t)plen;
    c->list = list;
    c->ref = ref;
    v->cidr_types |= v->lists[list]->applies;
    return 0;
}

/* The types whose canonical values a string entry could be: a rough cut,
 * only ever too wide. */
static uint32_t shape(const char *s, size_t n)
{
    bool hex = true, v4 = true, colon = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '@' || c == '/')
            return c == '@' ? TIX_OBS_BIT(TIX_OBS_EMAIL) | TIX_OBS_BIT(TIX_OBS_URL)
                            : TIX_OBS_BIT(TIX_OBS_URL) | TIX_OBS_BIT(TIX_OBS_IPV4) |
                                  TIX_OBS_BIT(TIX_OBS_IPV6);
        hex &= tix__is_hex(c);
        v4 &= tix__is_digit(c) || c == '.';
        colon |= c == ':';
    }
    if (colon)
        return TIX_OBS_BIT(TIX_OBS_IPV6) | TIX_OBS_BIT(TIX_OBS_URL);
    uint32_t m = TIX_OBS_BIT(TIX_OBS_DOMAIN) | TIX_OBS_BIT(TIX_OBS_BTC) |
                 TIX_OBS_BIT(TIX_OBS_XMR) | TIX_OBS_BIT(TIX_OBS_CVE) |
                 TIX_OBS_BIT(TIX_OBS_ASN);
    if (v4)
        m |= TIX_OBS_BIT(TIX_OBS_IPV4);
    if (hex)
        m |= TIX_OBS_BIT(TIX_OBS_MD5) | TIX_OBS_BIT(TIX_OBS_SHA1) |
             TIX_OBS_BIT(TIX_OBS_SHA256) | TIX_OBS_BIT(TIX_OBS_SHA512);
    return m;
}

static int add_key(tix_vetter *v, staging *s, uint32_t list, size_t e, bool suffix)
{
    uint32_t ref;
    const char *k = v->lists[list]->entries[e];
    size_t n = strlen(k);
    if (n >= UINT32_MAX || tix__grow(&s->keys, &s->keycap, s->nkeys, sizeof *s->keys,
                                     1024) != 0 ||
        new_ref(v, list, e,
                suffix ? TIX_MATCH_HOSTNAME : TIX_MATCH_STRING, suffix, &ref) != 0)
        return -1;
    s->keys[s->nkeys++] = (tix__sitem){k, (uint32_t)n, ref, list};
    uint32_t shapes = suffix ? TIX_OBS_BIT(TIX_OBS_DOMAIN) : shape(k, n);
    for (int t = 0; t < TIX_OBS_COUNT; t++)
        if (shapes & TIX_OBS_BIT(t))
            v->exact[t] |= v->lists[list]->applies;
    if (suffix)
        v->suffix_types |= v->lists[list]->applies;
    return 0;
}

static int add_pat(tix_vetter *v, staging *s, uint32_t list, size_t e)
{
    const tix_list *l = v->lists[list];
    uint32_t ref;
    if (s->npats >= UINT32_MAX ||
        tix__grow(&s->pats, &s->patcap, s->npats, sizeof *s->pats, 256) != 0 ||
        tix__grow(&s->pat_ref, &s->prcap, s->npats, sizeof *s->pat_ref, 256) != 0)
        return -1;
    if (new_ref(v, list, e, l->match, false, &ref) != 0)
        return -1;
    s->pats[s->npats] = (tix__vpat){l->entries[e], l->name, l->applies,
                                    l->match == TIX_MATCH_REGEX, 0};
    s->pat_ref[s->npats++] = ref;
    return 0;
}

/* By prefix, then list, then entry: one prefix per list is enough. */
static int cidr_cmp(const void *a, const void *b)
{
    const cidr_item *x = a, *y = b;
    if (x->af != y->af)
        return x->af < y->af ? -1 : 1;
    int c = memcmp(x->addr, y->addr, 16);
    if (c)
        return c;
    if (x->plen != y->plen)
        return x->plen < y->plen ? -1 : 1;
    if (x->list != y->list)
        return x->list < y->list ? -1 : 1;
    return x->ref < y->ref ? -1 : x->ref > y->ref;
}

static tix_err build_lpm(tix_vetter *v, staging *s, tix_diag *d)
{
    if ((v->lpm = tix__lpm_new()) == NULL)
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    if (s->ncidr)
        qsort(s->cidr, s->ncidr, sizeof *s->cidr, cidr_cmp);
    size_t kept = 0, lists = 0;
    uint8_t *has = calloc(v->n ? v->n : 1, 1);
    if (has == NULL)
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    for (size_t i = 0; i < s->ncidr; i++) {
        const cidr_item *c = &s->cidr[i];
        if (i && c->af == c[-1].af && c->plen == c[-1].plen && c->list == c[-1].list &&
            memcmp(c->addr, c[-1].addr, 16) == 0)
            continue;
        if (tix__lpm_insert(v->lpm, c->af, c->addr, c->plen, c->ref) != TIX_EOK) {
            free(has);
            return tix_diag_set(d, TIX_ENOMEM, "out of memory");
        }
        kept++;
        if (!has[c->list]) {
            has[c->list] = 1;
            lists++;
        }
    }
    free(has);
    if (tix__lpm_build(v->lpm) != TIX_EOK)
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    /* a list has at most one prefix of each length around an address */
    v->maxhits = lists * 129 < kept ? lists * 129 : kept;
    if (v->maxhits == 0)
        v->maxhits = 1;
    v->hits = malloc(v->maxhits * sizeof *v->hits);
    return v->hits ? TIX_EOK : tix_diag_set(d, TIX_ENOMEM, "out of memory");
}

static int stage_list(tix_vetter *v, staging *s, uint32_t li)
{
    const tix_list *l = v->lists[li];
    if (l->applies == 0)
        return 0; /* for nothing tix vets (phone numbers, ...) */
    for (size_t e = 0; e < l->n; e++) {
        const char *ent = l->entries[e];
        int af;
        uint8_t addr[16];
        unsigned plen;
        int rc = 0;
        switch (l->match) {
        case TIX_MATCH_CIDR:
            if (tix__lpm_parse(ent, strlen(ent), &af, addr, &plen) != 0)
                skip(v, l, e, "not an IP address or CIDR");
            else
                rc = add_cidr(v, s, li, e, TIX_MATCH_CIDR, af, addr, plen);
            break;
        case TIX_MATCH_HOSTNAME:
            if (tix__lpm_parse(ent, strlen(ent), &af, addr, &plen) == 0)
                rc = add_cidr(v, s, li, e, TIX_MATCH_CIDR, af, addr, plen);
            else
                rc = add_key(v, s, li, e, true);
            break;
        case TIX_MATCH_STRING:
            rc = add_key(v, s, li, e, false);
            break;
        case TIX_MATCH_SUBSTRING:
        case TIX_MATCH_REGEX:
            rc = add_pat(v, s, li, e);
            break;
        default:
            break;
        }
        if (rc)
            return rc;
    }
    return 0;
}

tix_err tix_vetter_build(tix_vetter *v, tix_diag *d)
{
    if (v == NULL || v->built || v->failed)
        return tix_diag_set(d, TIX_EINVAL, "no vetter, or built already");
    staging s = {0};
    tix_err rc = TIX_EOK;
    for (uint32_t i = 0; i < v->n && !rc; i++)
        if (stage_list(v, &s, i) != 0)
            rc = tix_diag_set(d, TIX_ENOMEM, "out of memory");
    if (!rc)
        rc = build_lpm(v, &s, d);
    if (!rc && tix__strtab_build(&v->names, s.keys, s.nkeys) != 0)
        rc = tix_diag_set(d, TIX_ENOMEM, "out of memory");
    if (!rc) {
        size_t dropped = 0;
        char why[256] = "";
        rc = tix__vpats_build(&v->pats, s.pats, s.npats, &dropped, why, d);
        if (!rc && dropped) {
            if (v->skipped == 0)
                snprintf(v->skip_reason, sizeof v->skip_reason, "%s", why);
            v->skipped += dropped;
        }
    }
    if (!rc && (v->seen = calloc(v->n ? v->n : 1, sizeof *v->seen)) == NULL)
        rc = tix_diag_set(d, TIX_ENOMEM, "out of memory");
    if (!rc) {
        v->pat_ref = s.pat_ref;
        s.pat_ref = NULL;
        v->built = true;
    } else {
        v->failed = true;
    }
    free(s.cidr);
    free(s.keys);
    free(s.pats);
    free(s.pat_ref);
    return rc;
}

/* ---- checking --------------------------------------------------------- */

typedef struct {
    tix_vetter *v;
    tix_verdict *out;
    size_t max, n;
    int on_host;
    uint32_t scan_mask; /* the value's type, for pattern hits */
} vctx;

static inline void emit(vctx *c, const vref *r)
{
    tix_vetter *v = c->v;
    if (v->seen[r->list] == v->stamp)
        return;
    v->seen[r->list] = v->stamp;
    if (c->n < c->max)
        c->out[c->n] =
            (tix_verdict){r->list, (tix_match_type)r->how, r->entry, r->note, c->on_host};
    c->n++;
}

static void emit_key(vctx *c, const tix__skey *k, uint32_t mask, bool whole)
{
    const tix__strtab *t = &c->v->names;
    for (uint32_t i = 0; i < k->nref; i++) {
        const vref *r = &c->v->refs[t->refs[k->ref0 + i]];
        if ((r->applies & mask) && (whole || r->suffix))
            emit(c, r);
    }
}

/* s, a value of type t, whole; mask: the lists that may answer */
static void check_exact(vctx *c, tix_obs_type t, const char *s, size_t n, uint32_t mask)
{
    if (!(c->v->exact[t] & mask))
        return;
    const tix__skey *k = tix__strtab_find(&c->v->names, tix__str_hash(s, n), s, n);
    if (k)
        emit_key(c, k, mask, true);
}

/* The name, then each parent at a label boundary. Longer than a DNS name
 * can be, it is only looked up whole. */
static void check_name(vctx *c, const char *s, size_t n, uint32_t mask)
{
    if (n > 255 || !(c->v->suffix_types & mask)) {
        check_exact(c, TIX_OBS_DOMAIN, s, n, mask);
        return;
    }
    /* a boundary per byte at most: n <= 255 */
    uint32_t hash[256];
    size_t at[256], k = 0;
    uint32_t h = TIX__STR_SEED;
    for (size_t i = n; i-- > 0;) {
        h = tix__fnv_step(h, (unsigned char)s[i]);
        if (i == 0 || s[i - 1] == '.') {
            hash[k] = tix__fnv_fin(h);
            at[k++] = i;
        }
    }
    while (k-- > 0) {
        const tix__skey *key =
            tix__strtab_find(&c->v->names, hash[k], s + at[k], n - at[k]);
        if (key)
            emit_key(c, key, mask, at[k] == 0);
    }
}

/* A canonical dotted quad, with an optional "/N" (tix keeps networks as
 * IPv4 values too). */
static bool parse4(const char *s, size_t n, uint8_t a[4], unsigned *plen)
{
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        unsigned v = 0, digits = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9' && digits < 4)
            v = v * 10 + (unsigned)(s[i++] - '0'), digits++;
        if (digits == 0 || digits > 3 || v > 255)
            return false;
        a[part] = (uint8_t)v;
        if (part < 3 && (i >= n || s[i++] != '.'))
            return false;
    }
    *plen = 32;
    if (i < n) {
        if (s[i++] != '/' || i == n || n - i > 2)
            return false;
        unsigned p = 0;
        for (; i < n; i++) {
            if (s[i] < '0' || s[i] > '9')
                return false;
            p = p * 10 + (unsigned)(s[i] - '0');
        }
        if (p > 32)
            return false;
        *plen = p;
    }
    return true;
}

static void check_addr(vctx *c, int af, const uint8_t *addr, unsigned plen, uint32_t mask)
{
    tix_vetter *v = c->v;
    if (!(v->cidr_types & mask))
        return;
    size_t nh = tix__lpm_lookup(v->lpm, af, addr, v->hits, v->maxhits);
    if (nh > v->maxhits)
        nh = v->maxhits; /* cannot happen: maxhits is an upper bound */
    for (size_t i = 0; i < nh; i++) {
        /* a network is on a list when a listed prefix holds all of it */
        if (v->hits[i].plen > plen)
            continue;
        const vref *r = &v->refs[v->hits[i].value];
        if (r->applies & mask)
            emit(c, r);
    }
}

static void check_ip(vctx *c, tix_obs_type t, const char *s, size_t n, uint32_t mask)
{
    uint8_t addr[16];
    unsigned plen;
    int af;
    if (t == TIX_OBS_IPV4 ? parse4(s, n, addr, &plen)
                          : tix__lpm_parse(s, n, &af, addr, &plen) == 0 && af == 6)
        check_addr(c, t == TIX_OBS_IPV4 ? 4 : 6, addr, plen, mask);
    check_exact(c, t, s, n, mask);
}

static int on_match(unsigned int id, unsigned long long from, unsigned long long to,
                    unsigned int flags, void *ctx)
{
    (void)from, (void)to, (void)flags;
    vctx *c = ctx;
    const vref *r = &c->v->refs[c->v->pat_ref[id]];
    if (r->applies & c->scan_mask)
        emit(c, r);
    return 0;
}

static void check_patterns(vctx *c, tix_obs_type t, const char *s, size_t n)
{
    const hs_database_t *db = c->v->pats.db[t];
    c->scan_mask = TIX_OBS_BIT(t);
    if (db && n <= UINT32_MAX)
        hs_scan(db, s, (unsigned)n, 0, c->v->pats.scratch, on_match, c);
}

static bool all_ipv4_chars(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '.'))
            return false;
    return n > 0;
}

/* scheme://[userinfo@]host[:port][/path]: the host, matched as what it is
 * by the lists for its type and the lists for URLs. */
static void check_url_host(vctx *c, const char *s, size_t n)
{
    const char *host;
    size_t hn;
    if (!tix__url_host(s, n, &host, &hn))
        return;
    c->on_host = 1;
    if (memchr(host, ':', hn))
        check_ip(c, TIX_OBS_IPV6, host, hn,
                 TIX_OBS_BIT(TIX_OBS_IPV6) | TIX_OBS_BIT(TIX_OBS_URL));
    else if (all_ipv4_chars(host, hn))
        check_ip(c, TIX_OBS_IPV4, host, hn,
                 TIX_OBS_BIT(TIX_OBS_IPV4) | TIX_OBS_BIT(TIX_OBS_URL));
    else
        check_name(c, host, hn, TIX_OBS_BIT(TIX_OBS_DOMAIN) | TIX_OBS_BIT(TIX_OBS_URL));
}

size_t tix_vetter_check(tix_vetter *v, tix_obs_type t, const char *value, size_t len,
                        tix_verdict *out, size_t max)
{
    if (v == NULL || !v->built || (unsigned)t >= TIX_OBS_COUNT || (value == NULL && len))
        return 0;
    if (value == NULL)
        value = "";
    if (out == NULL)
        max = 0;
    if (++v->stamp == 0) {
        /* after 2^32 values: forget every stamp rather than meet an old one */
        memset(v->seen, 0, v->n * sizeof *v->seen);
        v->stamp = 1;
    }
    vctx c = {v, out, max, 0, 0, 0};
    uint32_t bit = TIX_OBS_BIT(t);
    switch (t) {
    case TIX_OBS_IPV4:
    case TIX_OBS_IPV6:
        check_ip(&c, t, value, len, bit);
        check_patterns(&c, t, value, len);
        break;
    case TIX_OBS_DOMAIN:
        check_name(&c, value, len, bit);
        check_patterns(&c, t, value, len);
        break;
    case TIX_OBS_URL:
        check_exact(&c, t, value, len, bit);
        check_patterns(&c, t, value, len);
        check_url_host(&c, value, len);
        break;
    default:
        check_exact(&c, t, value, len, bit);
        check_patterns(&c, t, value, len);
        break;
    }
    return c.n;
}
