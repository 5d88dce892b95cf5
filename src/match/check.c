/* check.c - looking candidates up: names with their parents, addresses
 * with the prefixes that hold them, URLs in canonical form, and the token
 * scanner that finds all three in free text. */
#include <arpa/inet.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/canon.h"
#include "match/internal.h"

/* Hand a hit to the caller, once per indicator and line. */
static void report(tix__mt_ctx *c, const char *hit, size_t n, tix_obs_type t,
                   uint32_t payload)
{
    if (c->stop)
        return;
    for (unsigned i = 0; i < c->nseen; i++)
        if (c->seen[i].payload == payload && c->seen[i].type == t)
            return;
    if (c->nseen < TIX__MT_SEEN) {
        c->seen[c->nseen].payload = payload;
        c->seen[c->nseen++].type = (uint8_t)t;
    }
    if (!c->line_hit) {
        c->line_hit = true;
        c->st->matched_lines++;
    }
    c->st->hits++;
    tix_log_match lm = {c->line, c->text, c->len, hit, n, t, payload};
    if (c->fn && c->fn(c->ud, &lm))
        c->stop = true;
}

/* ---- addresses ---------------------------------------------------------- */

bool tix__mt_parse_v4(const char *s, size_t n, uint32_t *ip)
{
    if (n < 7 || n > 15)
        return false;
    uint32_t v = 0, o = 0;
    unsigned dots = 0, digits = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned d = (unsigned)(unsigned char)s[i] - '0';
        if (d < 10) {
            o = o * 10 + d;
            digits++;
        } else if (s[i] == '.' && digits - 1 < 3 && o < 256) {
            v = v << 8 | o;
            o = digits = 0;
            dots++;
        } else {
            return false;
        }
    }
    if (dots != 3 || digits - 1 >= 3 || o > 255)
        return false;
    *ip = v << 8 | o;
    return true;
}

void tix__mt_v4(tix__mt_ctx *c, uint32_t ip, const char *tok, size_t n)
{
    const tix_matcher *m = c->m;
    for (unsigned k = 0; k < m->n_v4_plens; k++) {
        unsigned plen = m->v4_plens[k];
        uint32_t net = plen == 32 ? ip : plen ? ip & (~0u << (32 - plen)) : 0;
        uint64_t h = tix__mt_v4hash(net, plen);
        if (!tix__mt_bloom(m, h))
            continue;
        uint64_t key = (uint64_t)(plen + 1) << 32 | net;
        for (size_t i = TIX__MT_SLOT(h, m->v4_mask);; i = (i + 1) & m->v4_mask) {
            if (m->v4[i].key == key) {
                report(c, tok, n, TIX_OBS_IPV4, m->v4[i].payload);
                break;
            }
            if (m->v4[i].key == 0)
                break;
        }
    }
}

bool tix__mt_try_v6(tix__mt_ctx *c, const char *s, size_t n)
{
    char tmp[48];
    uint8_t a[16];
    if (n < 2 || n > 45 || !memchr(s, ':', n))
        return false;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    if (inet_pton(AF_INET6, tmp, a) != 1)
        return false;
    const tix_matcher *m = c->m;
    uint64_t hi = 0, lo = 0;
    for (int i = 0; i < 8; i++) {
        hi = hi << 8 | a[i];
        lo = lo << 8 | a[8 + i];
    }
    for (unsigned k = 0; k < m->n_v6_plens; k++) {
        unsigned plen = m->v6_plens[k];
        uint64_t h6 = hi, l6 = lo;
        if (plen <= 64) {
            h6 &= plen ? ~0ull << (64 - plen) : 0;
            l6 = 0;
        } else if (plen < 128) {
            l6 &= ~0ull << (128 - plen);
        }
        uint64_t h = tix__mt_v6hash(h6, l6, plen);
        if (!tix__mt_bloom(m, h))
            continue;
        for (size_t i = TIX__MT_SLOT(h, m->v6_mask);; i = (i + 1) & m->v6_mask) {
            const tix__mt_v6ent *e = &m->v6[i];
            if (e->plen1 == 0)
                break;
            if (e->plen1 == plen + 1 && e->hi == h6 && e->lo == l6) {
                report(c, s, n, TIX_OBS_IPV6, e->payload);
                break;
            }
        }
    }
    return true;
}

/* ---- names -------------------------------------------------------------- */

/* The rest of nm once b[0..n) holds the lower-cased token and dots[] where
 * its dots are. */
static void prep_core(const tix_matcher *m, tix__mt_nm *nm, size_t n, const uint16_t *dots,
                      unsigned nd, const unsigned char *raw)
{
    const unsigned char *b = nm->name;
    nm->nsuf = 0;
    nm->deep = nm->v4 = false;
    nm->h[0] = nm->h[1] = nm->h[2] = 0;
    if (n && b[n - 1] == '.') {
        n--;
        nd--;
    }
    nm->n = n;
    if (n < 3 || n > TIX__MT_NAME_MAX) {
        nm->n = 0;
        return;
    }
    if (tix__is_digit(b[n - 1])) { /* no top-level domain is numeric */
        nm->v4 = tix__mt_parse_v4(nm->tok, n, &nm->ip);
        if (!nm->v4)
            nm->n = 0;
        return;
    }
    if (m->n_dom == 0 || nd == 0)
        return;
    uint64_t h = TIX__MT_SEED_DOM;
    size_t e = n;
    unsigned k = nd, ns = 0;
    for (unsigned labels = 1;; labels++) {
        size_t st = k ? (size_t)dots[k - 1] + 1 : 0;
        if (st == e) /* an empty label: what is right of it is checked */
            break;
        h = raw ? tix__mt_mix_lower(h, raw + st, e - st) : tix__mt_mix(h, b + st, e - st);
        if (labels >= 2) {
            if (ns == TIX__MT_SUF) {
                nm->deep = true;
                break;
            }
            nm->start[ns] = (uint8_t)st;
            nm->h[ns++] = tix__mt_fin(h);
        }
        if (k == 0)
            break;
        e = dots[--k];
    }
    nm->nsuf = ns;
}

const char *tix__mt_name_prep(const tix_matcher *m, const char *s, const char *end,
                              tix__mt_nm *nm)
{
    unsigned char *b = nm->name;
    uint16_t dots[TIX__MT_NAME_MAX + 32];
    unsigned nd = 0;
    size_t i = 0;
    const size_t cap = TIX__MT_NAME_MAX + 1; /* a name and its final dot */
    nm->tok = s;
#if defined(__SSE2__)
    const __m128i sp = _mm_set1_epi8(0x20), dot = _mm_set1_epi8('.'),
                  a = _mm_set1_epi8('A'), z = _mm_set1_epi8(25);
    while (i < cap && end - (s + i) >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i t = _mm_sub_epi8(x, a);
        __m128i up = _mm_cmpeq_epi8(_mm_min_epu8(t, z), t);
        _mm_storeu_si128((__m128i *)(void *)(b + i), _mm_or_si128(x, _mm_and_si128(up, sp)));
        unsigned dm = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_max_epu8(x, sp), sp));
        unsigned pm = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, dot));
        if (dm)
            pm &= (dm & (0u - dm)) - 1;
        for (; pm; pm &= pm - 1)
            dots[nd++] = (uint16_t)(i + (unsigned)__builtin_ctz(pm));
        if (dm) {
            i += (unsigned)__builtin_ctz(dm);
            goto got;
        }
        i += 16;
    }
#endif
    for (; i < cap && s + i < end && (unsigned char)s[i] > 0x20; i++) {
        b[i] = tix__lower((unsigned char)s[i]);
        if (s[i] == '.')
            dots[nd++] = (uint16_t)i;
    }
    if (i >= cap && s + i < end && (unsigned char)s[i] > 0x20) { /* too long */
        while (s + i < end && (unsigned char)s[i] > 0x20)
            i++;
        nm->n = 0;
        nm->nsuf = 0;
        nm->deep = nm->v4 = false;
        nm->h[0] = nm->h[1] = nm->h[2] = 0;
        return s + i;
    }
    if (i > cap)
        i = cap + 1;
#if defined(__SSE2__)
got:
#endif
    if (i > cap) { /* the vector loop read past the cap */
        nm->n = 0;
        nm->nsuf = 0;
        nm->deep = nm->v4 = false;
        while (s + i < end && (unsigned char)s[i] > 0x20)
            i++;
        return s + i;
    }
    /* the hashes read the input, not the copy just stored (a load that
     * straddles two vector stores waits for them to retire) */
    prep_core(m, nm, i, dots, nd,
              (size_t)(end - s) >= i + 8 ? (const unsigned char *)s : NULL);
    return s + i;
}

void tix__mt_name_prep_n(const tix_matcher *m, const char *tok, size_t n, tix__mt_nm *nm)
{
    uint16_t dots[TIX__MT_NAME_MAX + 1];
    unsigned nd = 0;
    nm->tok = tok;
    if (n > TIX__MT_NAME_MAX + 1) {
        nm->n = 0;
        nm->nsuf = 0;
        nm->deep = nm->v4 = false;
        nm->h[0] = nm->h[1] = nm->h[2] = 0;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        nm->name[i] = tix__lower((unsigned char)tok[i]);
        if (tok[i] == '.')
            dots[nd++] = (uint16_t)i;
    }
    prep_core(m, nm, n, dots, nd, NULL);
}

unsigned tix__mt_name_bloom(const tix_matcher *m, const tix__mt_nm *nm)
{
    /* the first three without a branch on their number (names have two or
     * three suffixes to check, in no predictable order; h[] is zeroed
     * beyond nsuf, and any hash reads a word inside the filter) */
    unsigned pass = (unsigned)tix__mt_bloom(m, nm->h[0]) |
                    (unsigned)tix__mt_bloom(m, nm->h[1]) << 1 |
                    (unsigned)tix__mt_bloom(m, nm->h[2]) << 2;
    pass &= (1u << nm->nsuf) - 1;
    for (unsigned k = 3; k < nm->nsuf; k++)
        pass |= (unsigned)tix__mt_bloom(m, nm->h[k]) << k;
    for (unsigned p = pass; p; p &= p - 1) {
        unsigned k = (unsigned)__builtin_ctz(p);
        __builtin_prefetch(&m->dom[TIX__MT_SLOT(nm->h[k], m->dom_mask)]);
    }
    return pass;
}

void tix__mt_name_report(tix__mt_ctx *c, const tix__mt_nm *nm, unsigned pass)
{
    const tix_matcher *m = c->m;
    if (nm->n == 0)
        return;
    if (nm->v4) {
        if (m->n_v4)
            tix__mt_v4(c, nm->ip, nm->tok, nm->n);
        return;
    }
    const tix__mt_sent *found[TIX__MT_NAME_MAX / 2 + 1];
    unsigned nfound = 0;
    const unsigned char *b = nm->name;
    for (; pass; pass &= pass - 1) {
        unsigned k = (unsigned)__builtin_ctz(pass);
        const tix__mt_sent *e = tix__mt_sfind(m->dom, m->dom_mask, m->arena.p, nm->h[k],
                                              (const char *)b + nm->start[k],
                                              nm->n - nm->start[k]);
        if (e)
            found[nfound++] = e;
    }
    if (nm->deep) { /* the longer suffixes, one by one */
        uint64_t h = TIX__MT_SEED_DOM;
        size_t e = nm->n;
        for (unsigned labels = 1;; labels++) {
            size_t st = e;
            while (st > 0 && b[st - 1] != '.')
                st--;
            if (st == e)
                break;
            h = tix__mt_mix(h, b + st, e - st);
            if (labels >= 2 + TIX__MT_SUF) {
                uint64_t f = tix__mt_fin(h);
                const tix__mt_sent *x =
                    tix__mt_bloom(m, f) ? tix__mt_sfind(m->dom, m->dom_mask, m->arena.p, f,
                                                        (const char *)b + st, nm->n - st)
                                        : NULL;
                if (x)
                    found[nfound++] = x;
            }
            if (st == 0)
                break;
            e = st - 1;
        }
    }
    while (nfound) /* the most specific first */
        report(c, nm->tok, nm->n, TIX_OBS_DOMAIN, found[--nfound]->payload);
}

void tix__mt_name_check(tix__mt_ctx *c, const tix__mt_nm *nm)
{
    tix__mt_name_report(c, nm, tix__mt_name_bloom(c->m, nm));
}

void tix__mt_name(tix__mt_ctx *c, const char *tok, size_t n)
{
    tix__mt_nm *nm = &c->nm;
    tix__mt_name_prep_n(c->m, tok, n, nm);
    tix__mt_name_check(c, nm);
}

void tix__mt_host(tix__mt_ctx *c, const char *s, size_t n)
{
    if (n >= 2 && s[0] == '[') {
        const char *rb = memchr(s, ']', n);
        if (rb)
            tix__mt_try_v6(c, s + 1, (size_t)(rb - s - 1));
        return;
    }
    if (memchr(s, ':', n)) {
        tix__mt_try_v6(c, s, n);
        return;
    }
    tix__mt_name(c, s, n);
}

/* ---- URLs --------------------------------------------------------------- */

static bool is_alpha(unsigned char ch)
{
    return (unsigned)((ch | 0x20) - 'a') < 26;
}

bool tix__mt_url_canon(const char *s, size_t n, tix_buf *out)
{
    size_t i = 0;
    while (i < n && i < 6 && s[i] != ':')
        i++;
    if (i + 3 > n || memcmp(s + i, "://", 3) != 0)
        return false;
    const char *scheme = tix__url_scheme(s, i, NULL);
    if (!scheme)
        return false;
    size_t a = i + 3, ae = a;
    while (ae < n && s[ae] != '/' && s[ae] != '?' && s[ae] != '#')
        ae++;
    bool fast = ae > a, letter = false;
    for (size_t k = a; k < ae && fast; k++) {
        unsigned char ch = (unsigned char)s[k];
        if (is_alpha(ch))
            letter = true;
        else if (!(tix__is_digit(ch) || ch == '.' || ch == '-'))
            fast = false;
    }
    /* a dotted quad, a port, user info, a trailing dot, an IDN: the long way */
    if (!fast || !letter || s[ae - 1] == '.' || s[a] == '.')
        return tix__canon_url(s, n, out);
    for (size_t k = ae; k < n; k++)
        if ((unsigned char)s[k] <= 0x20 || s[k] == 0x7f)
            return false;
    tix_buf_adds(out, scheme);
    tix_buf_add(out, "://", 3);
    if (tix_buf_reserve(out, n - a) == 0) {
        char *o = out->p + out->len;
        for (size_t k = a; k < ae; k++)
            o[k - a] = (char)tix__lower((unsigned char)s[k]);
        memcpy(o + (ae - a), s + ae, n - ae);
        out->len += n - a;
        out->p[out->len] = '\0';
    }
    return true;
}

static const tix__mt_sent *url_find(const tix_matcher *m, const char *s, size_t n)
{
    uint64_t h = tix__mt_fin(tix__mt_mix(TIX__MT_SEED_URL, (const unsigned char *)s, n));
    if (!tix__mt_bloom(m, h))
        return NULL;
    return tix__mt_sfind(m->url, m->url_mask, m->arena.p, h, s, n);
}

void tix__mt_url(tix__mt_ctx *c, const char *s, size_t n)
{
    const tix_matcher *m = c->m;
    const char *sep = NULL;
    for (size_t i = 0; i + 3 <= n && i <= 6; i++)
        if (memcmp(s + i, "://", 3) == 0) {
            sep = s + i;
            break;
        }
    if (!sep)
        return;
    if (m->n_url && n <= TIX_OBS_VALUE_MAX) {
        tix_buf *b = &c->canon;
        tix_buf_reset(b);
        if (tix__mt_url_canon(s, n, b) && tix_buf_reserve(b, 8) == 0) {
            memset(b->p + b->len, 0, 8); /* hashed 8 bytes at a time */
            const tix__mt_sent *e = url_find(m, b->p, b->len);
            if (!e) { /* the indicator may leave the query string out */
                size_t path = (size_t)(sep - s) + 3;
                while (path < b->len && b->p[path] != '/' && b->p[path] != '?' &&
                       b->p[path] != '#')
                    path++;
                size_t cut = path;
                while (cut < b->len && b->p[cut] != '?' && b->p[cut] != '#')
                    cut++;
                if (cut < b->len)
                    e = url_find(m, b->p, cut);
            }
            if (e)
                report(c, s, n, TIX_OBS_URL, e->payload);
        }
    }
    /* the host: after any user info, before the port */
    const char *a = sep + 3, *end = s + n, *ae = a;
    while (ae < end && *ae != '/' && *ae != '?' && *ae != '#')
        ae++;
    const char *h = a;
    for (const char *q = a; q < ae; q++)
        if (*q == '@')
            h = q + 1;
    if (h < ae && *h == '[') {
        const char *rb = memchr(h, ']', (size_t)(ae - h));
        if (rb)
            tix__mt_try_v6(c, h + 1, (size_t)(rb - h - 1));
        return;
    }
    const char *he = h;
    while (he < ae && *he != ':')
        he++;
    if (he > h)
        tix__mt_name(c, h, (size_t)(he - h));
}

/* ---- free text ---------------------------------------------------------- */

enum { C_NAME = 1, C_COLON = 2, C_URL = 4, C_HEX = 8 };

void tix__mt_classes(uint8_t t[256])
{
    for (int ch = 0; ch < 256; ch++) {
        t[ch] = 0;
        if (tix__is_alnum((unsigned char)ch) || ch == '-' || ch == '_' || ch == '.' ||
            ch >= 0x80)
            t[ch] |= C_NAME;
        if (ch > 0x20 && ch != 0x7f && !strchr("\"'<>`^{}|\\", ch))
            t[ch] |= C_URL;
        if (tix__is_hex((unsigned char)ch) || ch == ':' || ch == '.')
            t[ch] |= C_HEX;
    }
    t[':'] |= C_COLON;
}

/* One piece of a run, between colons: a name or a dotted quad. */
static void piece(tix__mt_ctx *c, const char *s, size_t n)
{
    while (n && (*s == '.' || *s == '-' || *s == '_'))
        s++, n--;
    while (n && (s[n - 1] == '.' || s[n - 1] == '-' || s[n - 1] == '_'))
        n--;
    if (n >= 3 && memchr(s, '.', n))
        tix__mt_name(c, s, n);
}

/* A run of name characters and colons. */
static void run(tix__mt_ctx *c, const uint8_t *t, const char *s, size_t n)
{
    const char *colon = memchr(s, ':', n);
    if (!colon) {
        piece(c, s, n);
        return;
    }
    if (c->m->n_v6 && memchr(colon + 1, ':', n - (size_t)(colon - s) - 1)) {
        bool hex = true;
        for (size_t i = 0; i < n && hex; i++)
            hex = t[(unsigned char)s[i]] & C_HEX;
        if (hex && tix__mt_try_v6(c, s, n))
            return;
    }
    const char *p = s, *end = s + n;
    while (p < end) {
        const char *q = memchr(p, ':', (size_t)(end - p));
        if (!q)
            q = end;
        piece(c, p, (size_t)(q - p));
        p = q + 1;
    }
}

void tix__mt_tokens(tix__mt_ctx *c, const char *s, size_t n)
{
    const uint8_t *t = c->m->cls;
    size_t i = 0;
    while (i < n && !c->stop) {
        while (i < n && !(t[(unsigned char)s[i]] & (C_NAME | C_COLON)))
            i++;
        size_t j = i;
        while (j < n && (t[(unsigned char)s[j]] & (C_NAME | C_COLON)))
            j++;
        if (j == i)
            break;
        /* scheme:// starts a URL */
        size_t k = i;
        while (k < j && k - i < 6 && is_alpha((unsigned char)s[k]))
            k++;
        if (k > i && k + 3 <= n && s[k] == ':' && s[k + 1] == '/' && s[k + 2] == '/' &&
            tix__url_scheme(s + i, k - i, NULL)) {
            size_t e = k + 3;
            while (e < n && (t[(unsigned char)s[e]] & C_URL))
                e++;
            while (e > k + 3 && strchr(".,;:!?)]}", s[e - 1]))
                e--;
            if (e > k + 3)
                tix__mt_url(c, s + i, e - i);
            i = e > j ? e : j;
            continue;
        }
        run(c, t, s + i, j - i);
        i = j;
    }
}
