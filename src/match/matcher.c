/* matcher.c - the indicator sets: values are staged by tix_matcher_add and
 * laid out in their tables (and the Bloom filter) by tix_matcher_build. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "core/grow.h"
#include "match/internal.h"

tix_err tix_matcher_new(tix_matcher **out, tix_diag *d)
{
    tix_matcher *m = calloc(1, sizeof *m);
    if (!m)
        return tix_diag_set(d, TIX_ENOMEM, "match: out of memory");
    tix_buf_init(&m->arena, (size_t)UINT32_MAX);
    tix__mt_classes(m->cls);
    *out = m;
    return TIX_EOK;
}

void tix_matcher_free(tix_matcher *m)
{
    if (!m)
        return;
    free(m->pend);
    free(m->v6keys);
    tix_buf_free(&m->arena);
    free(m->bloom);
    free(m->v4);
    free(m->v6);
    free(m->dom);
    free(m->url);
    free(m);
}

size_t tix_matcher_count(const tix_matcher *m)
{
    return m->built ? m->count : m->npend;
}

/* "a.b.c.d" or "a.b.c.d/n" */
static bool parse_v4_prefix(const char *s, size_t n, uint32_t *net, unsigned *plen)
{
    const char *slash = memchr(s, '/', n);
    size_t an = slash ? (size_t)(slash - s) : n;
    *plen = 32;
    if (!tix__mt_parse_v4(s, an, net))
        return false;
    if (slash) {
        size_t pl = n - an - 1;
        unsigned v = 0;
        if (pl == 0 || pl > 2)
            return false;
        for (size_t i = 0; i < pl; i++) {
            if (!tix__is_digit((unsigned char)slash[1 + i]))
                return false;
            v = v * 10 + (unsigned)(slash[1 + i] - '0');
        }
        if (v > 32)
            return false;
        *plen = v;
    }
    if (*plen < 32)
        *net &= *plen ? ~0u << (32 - *plen) : 0;
    return true;
}

static bool parse_v6_prefix(const char *s, size_t n, uint64_t *hi, uint64_t *lo,
                            unsigned *plen)
{
    const char *slash = memchr(s, '/', n);
    size_t an = slash ? (size_t)(slash - s) : n;
    char tmp[64];
    uint8_t a[16];
    if (an < 2 || an >= sizeof tmp)
        return false;
    memcpy(tmp, s, an);
    tmp[an] = '\0';
    if (inet_pton(AF_INET6, tmp, a) != 1)
        return false;
    *plen = 128;
    if (slash) {
        size_t pl = n - an - 1;
        unsigned v = 0;
        if (pl == 0 || pl > 3)
            return false;
        for (size_t i = 0; i < pl; i++) {
            if (!tix__is_digit((unsigned char)slash[1 + i]))
                return false;
            v = v * 10 + (unsigned)(slash[1 + i] - '0');
        }
        if (v > 128)
            return false;
        *plen = v;
    }
    uint64_t h = 0, l = 0;
    for (int i = 0; i < 8; i++) {
        h = h << 8 | a[i];
        l = l << 8 | a[8 + i];
    }
    if (*plen <= 64) {
        h &= *plen ? ~0ull << (64 - *plen) : 0;
        l = 0;
    } else if (*plen < 128) {
        l &= ~0ull << (128 - *plen);
    }
    *hi = h;
    *lo = l;
    return true;
}

/* Append a string entry's bytes (2-byte length first); returns its offset. */
static tix_err arena_put(tix_matcher *m, const char *s, size_t n, uint32_t *off,
                         tix_diag *d)
{
    uint16_t len = (uint16_t)n;
    *off = (uint32_t)m->arena.len;
    tix_buf_add(&m->arena, &len, 2);
    tix_buf_add(&m->arena, s, n);
    if (m->arena.err)
        return tix_diag_set(d, m->arena.err, "match: %s",
                            m->arena.err == TIX_ENOMEM ? "out of memory"
                                                       : "more than 4 GiB of indicators");
    return TIX_EOK;
}

tix_err tix_matcher_add(tix_matcher *m, tix_obs_type t, const char *value, size_t len,
                        uint32_t payload, tix_diag *d)
{
    if (m->built)
        return tix_diag_set(d, TIX_EINVAL, "match: indicators added after build");
    tix__mt_pending p = {.payload = payload, .type = (uint8_t)t};
    tix_err e = TIX_EOK;
    switch (t) {
    case TIX_OBS_IPV4: {
        uint32_t net;
        unsigned plen;
        if (!parse_v4_prefix(value, len, &net, &plen))
            goto bad;
        p.a = net;
        p.plen = (uint8_t)plen;
        break;
    }
    case TIX_OBS_IPV6: {
        unsigned plen;
        uint64_t hi, lo;
        if (!parse_v6_prefix(value, len, &hi, &lo, &plen))
            goto bad;
        if (tix__grow(&m->v6keys, &m->capv6keys, m->nv6keys, sizeof *m->v6keys, 64))
            return tix_diag_set(d, TIX_ENOMEM, "match: out of memory");
        m->v6keys[m->nv6keys][0] = hi;
        m->v6keys[m->nv6keys][1] = lo;
        p.a = (uint32_t)m->nv6keys++;
        p.plen = (uint8_t)plen;
        break;
    }
    case TIX_OBS_DOMAIN: {
        char low[TIX__MT_NAME_MAX + 1];
        if (len && value[len - 1] == '.')
            len--;
        if (len == 0 || len > TIX__MT_NAME_MAX)
            goto bad;
        bool dot = false;
        for (size_t i = 0; i < len; i++) {
            unsigned char c = (unsigned char)value[i];
            if (c <= ' ' || c == 0x7f || c == '/' || c == ':' || c == '@')
                goto bad;
            if (c == '.') {
                if (i == 0 || value[i - 1] == '.')
                    goto bad;
                dot = true;
            }
            low[i] = (char)tix__lower(c);
        }
        if (!dot) /* names are looked up with at least two labels */
            goto bad;
        if ((e = arena_put(m, low, len, &p.a, d)) != TIX_EOK)
            return e;
        break;
    }
    case TIX_OBS_URL: {
        tix_buf c = TIX_BUF_INIT(0);
        if (len > TIX_OBS_VALUE_MAX || !tix__mt_url_canon(value, len, &c) || c.err) {
            tix_err ce = c.err;
            tix_buf_free(&c);
            if (ce)
                return tix_diag_set(d, ce, "match: out of memory");
            goto bad;
        }
        e = arena_put(m, c.p, c.len, &p.a, d);
        tix_buf_free(&c);
        if (e)
            return e;
        break;
    }
    default:
        return tix_diag_set(d, TIX_EINVAL, "match: %s indicators cannot be matched in logs",
                            tix_obs_name(t) ? tix_obs_name(t) : "unknown");
    }
    if (tix__grow(&m->pend, &m->cappend, m->npend, sizeof *m->pend, 1024))
        return tix_diag_set(d, TIX_ENOMEM, "match: out of memory");
    m->pend[m->npend++] = p;
    return TIX_EOK;
bad:
    return tix_diag_set(d, TIX_EPARSE, "match: '%.*s' is not an %s indicator",
                        (int)(len > 80 ? 80 : len), value, tix_obs_name(t));
}

static size_t pow2_at_least(size_t n)
{
    size_t c = 8;
    while (c < n)
        c <<= 1;
    return c;
}

static void bloom_set(tix_matcher *m, uint64_t h)
{
    m->bloom[h >> m->bloom_shift] |=
        1ull << (h & 63) | 1ull << (h >> 6 & 63) | 1ull << (h >> 12 & 63);
}

/* Insert unless the key is there; false for a duplicate. h is the key's
 * hash. */
static bool v4_put(tix_matcher *m, uint64_t h, uint64_t key, uint32_t payload)
{
    for (size_t i = TIX__MT_SLOT(h, m->v4_mask);; i = (i + 1) & m->v4_mask) {
        if (m->v4[i].key == key)
            return false;
        if (m->v4[i].key == 0) {
            m->v4[i].key = key;
            m->v4[i].payload = payload;
            bloom_set(m, h);
            return true;
        }
    }
}

static bool v6_put(tix_matcher *m, uint64_t h, uint64_t hi, uint64_t lo, unsigned plen,
                   uint32_t payload)
{
    for (size_t i = TIX__MT_SLOT(h, m->v6_mask);; i = (i + 1) & m->v6_mask) {
        tix__mt_v6ent *e = &m->v6[i];
        if (e->plen1 == plen + 1 && e->hi == hi && e->lo == lo)
            return false;
        if (e->plen1 == 0) {
            *e = (tix__mt_v6ent){hi, lo, payload, plen + 1};
            bloom_set(m, h);
            return true;
        }
    }
}

/* The hash a lookup computes for a name: label by label from the right. */
static uint64_t name_hash(const char *s, size_t n)
{
    unsigned char buf[TIX__MT_NAME_MAX + 16];
    memcpy(buf, s, n);
    memset(buf + n, 0, 8);
    uint64_t h = TIX__MT_SEED_DOM;
    size_t end = n;
    for (size_t i = n; i-- > 0;) {
        if (buf[i] == '.') {
            h = tix__mt_mix(h, buf + i + 1, end - i - 1);
            end = i;
        }
    }
    h = tix__mt_mix(h, buf, end);
    return tix__mt_fin(h);
}

static bool s_put(tix_matcher *m, tix__mt_sent *t, size_t mask, uint64_t h, uint32_t off,
                  uint32_t payload)
{
    const char *a = m->arena.p;
    uint16_t len;
    memcpy(&len, a + off, 2);
    if (tix__mt_sfind(t, mask, a, h, a + off + 2, len))
        return false;
    size_t i = TIX__MT_SLOT(h, mask);
    while (t[i].h)
        i = (i + 1) & mask;
    t[i] = (tix__mt_sent){h, off, payload};
    bloom_set(m, h);
    return true;
}

/* tix__mt_v4shash of the address as text */
static uint64_t v4_text_hash(uint32_t ip)
{
    unsigned char t[16] = {0};
    int n = 0;
    for (int k = 3; k >= 0; k--) {
        unsigned o = ip >> (8 * k) & 255;
        if (o >= 100)
            t[n++] = (unsigned char)('0' + o / 100);
        if (o >= 10)
            t[n++] = (unsigned char)('0' + o / 10 % 10);
        t[n++] = (unsigned char)('0' + o % 10);
        if (k)
            t[n++] = '.';
    }
    return tix__mt_v4shash(tix__mt_load64(t), tix__mt_load64(t + 8));
}

static void plens_add(uint8_t *list, unsigned *n, unsigned plen)
{
    for (unsigned i = 0; i < *n; i++)
        if (list[i] == plen)
            return;
    unsigned i = (*n)++;
    while (i > 0 && list[i - 1] < plen) { /* longest first */
        list[i] = list[i - 1];
        i--;
    }
    list[i] = (uint8_t)plen;
}

tix_err tix_matcher_build(tix_matcher *m, tix_diag *d)
{
    if (m->built)
        return TIX_EOK;
    size_t n[TIX_OBS_COUNT] = {0};
    for (size_t i = 0; i < m->npend; i++)
        n[m->pend[i].type]++;
    /* Bloom: 8 bits per key (hosts have two: the address and its text),
     * in 64-bit words (at least 64 of them) */
    size_t words = pow2_at_least((m->npend + n[TIX_OBS_IPV4]) / 8 + 64);
    unsigned lg = 0;
    while (((size_t)1 << lg) < words)
        lg++;
    m->bloom_shift = 64 - lg;
    /* load factors up to 3/4 for addresses, 2/3 for strings: a lookup
     * reaches the tables only past the Bloom filter */
    m->v4_mask = pow2_at_least(n[TIX_OBS_IPV4] * 4 / 3 + 1) - 1;
    m->v6_mask = pow2_at_least(n[TIX_OBS_IPV6] * 4 / 3 + 1) - 1;
    m->dom_mask = pow2_at_least(n[TIX_OBS_DOMAIN] * 3 / 2 + 1) - 1;
    m->url_mask = pow2_at_least(n[TIX_OBS_URL] * 3 / 2 + 1) - 1;
    free(m->bloom); /* from a build that ran out of memory */
    free(m->v4);
    free(m->v6);
    free(m->dom);
    free(m->url);
    m->bloom = calloc(words, sizeof *m->bloom);
    m->v4 = calloc(m->v4_mask + 1, sizeof *m->v4);
    m->v6 = calloc(m->v6_mask + 1, sizeof *m->v6);
    m->dom = calloc(m->dom_mask + 1, sizeof *m->dom);
    m->url = calloc(m->url_mask + 1, sizeof *m->url);
    /* lookups hash 8 bytes at a time: room past the last string */
    if (tix_buf_reserve(&m->arena, 8) == 0)
        memset(m->arena.p + m->arena.len, 0, 8);
    if (!m->bloom || !m->v4 || !m->v6 || !m->dom || !m->url || m->arena.err)
        return tix_diag_set(d, TIX_ENOMEM, "match: out of memory");
    /* a batch at a time: the hashes first and their slots prefetched, so
     * that the cache misses of a million random inserts overlap */
    size_t count = 0;
    for (size_t i0 = 0; i0 < m->npend; i0 += 32) {
        size_t nb = m->npend - i0 < 32 ? m->npend - i0 : 32;
        uint64_t hs[32];
        for (size_t k = 0; k < nb; k++) {
            const tix__mt_pending *p = &m->pend[i0 + k];
            const void *slot;
            if (p->type == TIX_OBS_IPV4) {
                hs[k] = tix__mt_v4hash(p->a, p->plen);
                slot = &m->v4[TIX__MT_SLOT(hs[k], m->v4_mask)];
            } else if (p->type == TIX_OBS_IPV6) {
                hs[k] = tix__mt_v6hash(m->v6keys[p->a][0], m->v6keys[p->a][1], p->plen);
                slot = &m->v6[TIX__MT_SLOT(hs[k], m->v6_mask)];
            } else {
                uint16_t len;
                const char *v = m->arena.p + p->a;
                memcpy(&len, v, 2);
                if (p->type == TIX_OBS_DOMAIN) {
                    hs[k] = name_hash(v + 2, len);
                    slot = &m->dom[TIX__MT_SLOT(hs[k], m->dom_mask)];
                } else {
                    hs[k] = tix__mt_fin(
                        tix__mt_mix(TIX__MT_SEED_URL, (const unsigned char *)v + 2, len));
                    slot = &m->url[TIX__MT_SLOT(hs[k], m->url_mask)];
                }
            }
            __builtin_prefetch(slot, 1);
            __builtin_prefetch(&m->bloom[hs[k] >> m->bloom_shift], 1);
        }
        for (size_t k = 0; k < nb; k++) {
            const tix__mt_pending *p = &m->pend[i0 + k];
            bool fresh = false;
            switch (p->type) {
            case TIX_OBS_IPV4:
                if ((fresh = v4_put(m, hs[k], (uint64_t)(p->plen + 1) << 32 | p->a,
                                    p->payload))) {
                    m->n_v4++;
                    plens_add(m->v4_plens, &m->n_v4_plens, p->plen);
                    if (p->plen == 32)
                        bloom_set(m, v4_text_hash(p->a));
                }
                break;
            case TIX_OBS_IPV6:
                if ((fresh = v6_put(m, hs[k], m->v6keys[p->a][0], m->v6keys[p->a][1], p->plen,
                                    p->payload))) {
                    m->n_v6++;
                    plens_add(m->v6_plens, &m->n_v6_plens, p->plen);
                }
                break;
            case TIX_OBS_DOMAIN:
                if ((fresh = s_put(m, m->dom, m->dom_mask, hs[k], p->a, p->payload)))
                    m->n_dom++;
                break;
            default:
                if ((fresh = s_put(m, m->url, m->url_mask, hs[k], p->a, p->payload)))
                    m->n_url++;
            }
            count += fresh;
        }
    }
    free(m->pend);
    m->pend = NULL;
    m->npend = m->cappend = 0;
    free(m->v6keys);
    m->v6keys = NULL;
    m->nv6keys = m->capv6keys = 0;
    m->count = count;
    m->built = true;
    return TIX_EOK;
}
