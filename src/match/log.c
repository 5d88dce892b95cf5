/* log.c - tix_match_log: walk the lines of a log and hand each format's
 * candidates to the lookups.
 *
 * The DNS query log is the case that has to be fast (tens of millions of
 * lines). Its loop finds "query: " (and the '#' of the client's IP#port)
 * in one vector pass over each line, reads the name from there, and
 * prepares a batch of lines before checking any: the names' suffix hashes
 * and the client's text hash are computed and their Bloom words
 * prefetched, then the batch is looked up and reported in order, so the
 * cache misses of many lines overlap. The input itself is prefetched ahead.
 * Every other form goes through memchr for the line end and its reader. */
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/canon.h"
#include "match/internal.h"

static inline void line_begin(tix__mt_ctx *c, const char *p, size_t n)
{
    c->line++;
    c->st->lines++;
    c->text = p;
    c->len = n;
    c->line_hit = false;
    c->nseen = 0;
}

static inline size_t trim_cr(const char *p, size_t n)
{
    return n && p[n - 1] == '\r' ? n - 1 : n;
}

static inline bool blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

/* The next field of blank-separated text at *p (before end). */
static bool next_field(const char **p, const char *end, const char **f, size_t *fn)
{
    const char *s = *p;
    while (s < end && blank(*s))
        s++;
    if (s == end)
        return false;
    const char *e = s;
    while (e < end && !blank(*e))
        e++;
    *f = s;
    *fn = (size_t)(e - s);
    *p = e;
    return true;
}

/* An address as a log writes it: a.b.c.d or an IPv6 address. */
static void addr(tix__mt_ctx *c, const char *s, size_t n)
{
    uint32_t ip;
    if (tix__mt_parse_v4(s, n, &ip)) {
        if (c->m->n_v4)
            tix__mt_v4(c, ip, s, n);
    } else if (c->m->n_v6) {
        tix__mt_try_v6(c, s, n);
    }
}

/* ---- DNS: BIND, dnsmasq, Zeek ------------------------------------------- */

typedef struct {
    char sep, set_sep;
    int16_t query, orig_h, resp_h, answers; /* 0-based columns; -1: none */
    int16_t ncols;                          /* columns a row needs */
} zeek;

_Static_assert(sizeof(zeek) <= sizeof(((tix_log_state *)0)->fmt), "zeek state fits");

/* "query: " (BIND) or "query[" (dnsmasq) in the line at p, or NULL and
 * *le set to the line end ('\n' or end). *hash: the last '#' before it in
 * the line (BIND's client IP#port), or NULL. One pass, in vectors. */
typedef const char *(*find_fn)(const char *p, const char *end, const char **le,
                               const char **hash);

static inline bool is_query(const char *q)
{
    return q[1] == 'u' && q[2] == 'e' && q[3] == 'r' &&
           ((q[5] == ':' && q[6] == ' ') || q[5] == '[');
}

static const char *find_tail(const char *p, const char *end, const char **le,
                             const char **hash)
{
    for (; p < end; p++) {
        if (*p == '\n') {
            *le = p;
            return NULL;
        }
        if (*p == '#')
            *hash = p;
        if (*p == 'q' && end - p >= 6 && memcmp(p, "query", 5) == 0 &&
            (p[5] == '[' || (p[5] == ':' && end - p >= 7 && p[6] == ' ')))
            return p;
    }
    *le = end;
    return NULL;
}

/* The candidates of one vector: q where 'q' and 'y' 4 further on, nl and
 * hs the line ends and '#'s. */
#define FIND_STEP(W)                                                                   \
    do {                                                                               \
        if (nl)                                                                        \
            m &= (nl & (0u - nl)) - 1, hs &= (nl & (0u - nl)) - 1;                     \
        for (; m; m &= m - 1) {                                                        \
            const char *q = p + __builtin_ctz(m);                                      \
            if (is_query(q)) {                                                         \
                hs &= (1u << __builtin_ctz(m)) - 1;                                    \
                if (hs)                                                                \
                    *hash = p + 31 - __builtin_clz(hs);                \
                return q;                                                              \
            }                                                                          \
        }                                                                              \
        *hash = hs ? p + 31 - __builtin_clz(hs) : *hash;                               \
        if (nl) {                                                                      \
            *le = p + __builtin_ctz(nl);                                               \
            return NULL;                                                               \
        }                                                                              \
        p += W;                                                                        \
    } while (0)

static const char *find_sse2(const char *p, const char *end, const char **le,
                             const char **hash)
{
    *hash = NULL;
#if defined(__SSE2__)
    const __m128i vq = _mm_set1_epi8('q'), vy = _mm_set1_epi8('y'), vn = _mm_set1_epi8('\n'),
                  vh = _mm_set1_epi8('#');
    while (end - p >= 32) {
        __m128i a = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + 4));
        unsigned nl = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(a, vn));
        unsigned hs = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(a, vh));
        unsigned m = (unsigned)_mm_movemask_epi8(
            _mm_and_si128(_mm_cmpeq_epi8(a, vq), _mm_cmpeq_epi8(b, vy)));
        FIND_STEP(16);
    }
#endif
    return find_tail(p, end, le, hash);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define HAVE_AVX2_FIND 1
__attribute__((target("avx2"))) static const char *find_avx2(const char *p, const char *end,
                                                             const char **le,
                                                             const char **hash)
{
    *hash = NULL;
    const __m256i vq = _mm256_set1_epi8('q'), vy = _mm256_set1_epi8('y'),
                  vn = _mm256_set1_epi8('\n'), vh = _mm256_set1_epi8('#');
    while (end - p >= 64) {
        __m256i a = _mm256_loadu_si256((const __m256i *)(const void *)p);
        __m256i b = _mm256_loadu_si256((const __m256i *)(const void *)(p + 4));
        unsigned nl = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, vn));
        unsigned hs = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(a, vh));
        unsigned m = (unsigned)_mm256_movemask_epi8(
            _mm256_and_si256(_mm256_cmpeq_epi8(a, vq), _mm256_cmpeq_epi8(b, vy)));
        FIND_STEP(32);
    }
    const char *h = *hash, *q = find_sse2(p, end, le, hash);
    if (!*hash)
        *hash = h;
    return q;
}
#endif

static find_fn pick_find(void)
{
#if defined(HAVE_AVX2_FIND)
    if (__builtin_cpu_supports("avx2"))
        return find_avx2;
#endif
    return find_sse2;
}

static const char *line_end(const char *p, const char *end)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    return nl ? nl : end;
}

/* The same, for a line end that is usually near. */
static inline const char *line_end_near(const char *p, const char *end)
{
#if defined(__SSE2__)
    if (end - p >= 32) {
        const __m128i vn = _mm_set1_epi8('\n');
        unsigned nl = (unsigned)_mm_movemask_epi8(
                          _mm_cmpeq_epi8(_mm_loadu_si128((const __m128i *)(const void *)p), vn)) |
                      (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
                          _mm_loadu_si128((const __m128i *)(const void *)(p + 16)), vn))
                          << 16;
        if (nl)
            return p + __builtin_ctz(nl);
    }
#endif
    return line_end(p, end);
}

static const char *find_str(const char *p, const char *end, const char *s)
{
    return memmem(p, (size_t)(end - p), s, strlen(s));
}

/* BIND's client address: the token before the '#' of IP#port. */
static const char *client_at(const char *ls, const char *hash, size_t *n)
{
#if defined(__SSE2__)
    if (hash - ls >= 16) { /* an IPv4 address is at most 15 bytes */
        unsigned sp = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
            _mm_loadu_si128((const __m128i *)(const void *)(hash - 16)), _mm_set1_epi8(' ')));
        if (sp) {
            unsigned k = 31u - (unsigned)__builtin_clz(sp); /* the last blank */
            *n = 15 - k;
            return hash - *n;
        }
    }
#endif
    const char *s = hash;
    while (s > ls && s[-1] != ' ' && hash - s < 46)
        s--;
    *n = (size_t)(hash - s);
    return s;
}

/* The same, for the last '#' before lim. */
static const char *client(const char *ls, const char *lim, size_t *n)
{
    const char *hash = memrchr(ls, '#', (size_t)(lim - ls));
    if (!hash)
        return NULL;
    const char *s = hash;
    while (s > ls && s[-1] != ' ' && hash - s < 46)
        s--;
    *n = (size_t)(hash - s);
    return s;
}

/* A line with no "query: " nor "query[": BIND's other client lines
 * ("client @0x.. IP#port (NAME): query failed ..."), dnsmasq's answers
 * ("reply NAME is ADDR", "cached NAME is ADDR"). */
static bool dns_other(tix__mt_ctx *c, const char *ls, const char *le)
{
    const char *k = find_str(ls, le, "client ");
    if (k) {
        const char *o = find_str(k, le, " (");
        const char *cl = o ? memchr(o, ')', (size_t)(le - o)) : NULL;
        if (cl && cl + 1 < le && cl[1] == ':') {
            tix__mt_name(c, o + 2, (size_t)(cl - o - 2));
            size_t an;
            const char *a = client(k, o, &an);
            if (a)
                addr(c, a, an);
            return true;
        }
    }
    const char *r = find_str(ls, le, "]: ");
    if (r) {
        r += 3;
        if (le - r > 6 && (memcmp(r, "reply ", 6) == 0 || memcmp(r, "cached ", 7) == 0)) {
            r += *r == 'r' ? 6 : 7;
            const char *ne = r;
            while (ne < le && *ne != ' ')
                ne++;
            tix__mt_name(c, r, (size_t)(ne - r));
            if (le - ne > 4 && memcmp(ne, " is ", 4) == 0) {
                const char *a = ne + 4, *ae = a;
                while (ae < le && *ae != ' ')
                    ae++;
                addr(c, a, (size_t)(ae - a));
            }
            return true;
        }
    }
    return false;
}

/* "#separator \x09", "#set_separator\t,", "#fields\tts\tuid..." */
static void zeek_directive(zeek *z, const char *ls, const char *le)
{
    size_t n = (size_t)(le - ls);
    if (n > 11 && memcmp(ls, "#separator ", 11) == 0) {
        const char *v = ls + 11;
        size_t vn = (size_t)(le - v);
        if (vn == 4 && v[0] == '\\' && v[1] == 'x') {
            int h = 0;
            for (int k = 2; k < 4; k++) {
                unsigned char ch = (unsigned char)v[k];
                h = h * 16 + (tix__is_digit(ch) ? ch - '0' : ((ch | 0x20) - 'a' + 10));
            }
            z->sep = (char)h;
        } else if (vn == 1) {
            z->sep = v[0];
        }
        return;
    }
    if (n == 16 && memcmp(ls, "#set_separator", 14) == 0 && ls[14] == z->sep) {
        z->set_sep = ls[15];
        return;
    }
    if (n > 8 && memcmp(ls, "#fields", 7) == 0 && ls[7] == z->sep) {
        z->query = z->orig_h = z->resp_h = z->answers = -1;
        z->ncols = 0;
        const char *p = ls + 8;
        for (int col = 0; p <= le; col++) {
            const char *e = memchr(p, z->sep, (size_t)(le - p));
            if (!e)
                e = le;
            size_t fn = trim_cr(p, (size_t)(e - p));
            int16_t *slot = NULL;
            if (fn == 5 && memcmp(p, "query", 5) == 0)
                slot = &z->query;
            else if (fn == 9 && memcmp(p, "id.orig_h", 9) == 0)
                slot = &z->orig_h;
            else if (fn == 9 && memcmp(p, "id.resp_h", 9) == 0)
                slot = &z->resp_h;
            else if (fn == 7 && memcmp(p, "answers", 7) == 0)
                slot = &z->answers;
            if (slot && col < 64) {
                *slot = (int16_t)col;
                if (col + 1 > z->ncols)
                    z->ncols = (int16_t)(col + 1);
            }
            p = e + 1;
        }
        if (z->query < 0) /* not a dns.log */
            z->ncols = 0;
    }
}

static bool zeek_unset(const char *s, size_t n)
{
    return (n == 1 && *s == '-') || (n == 7 && memcmp(s, "(empty)", 7) == 0);
}

static bool zeek_row(tix__mt_ctx *c, const zeek *z, const char *ls, size_t n)
{
    const char *f[64], *le = ls + n;
    size_t fl[64];
    int col = 0;
    for (const char *p = ls; col < z->ncols; col++) {
        const char *e = memchr(p, z->sep, (size_t)(le - p));
        f[col] = p;
        fl[col] = (size_t)((e ? e : le) - p);
        if (!e) {
            col++;
            break;
        }
        p = e + 1;
    }
    if (col < z->ncols)
        return false;
    if (!zeek_unset(f[z->query], fl[z->query]))
        tix__mt_name(c, f[z->query], fl[z->query]);
    if (z->orig_h >= 0)
        addr(c, f[z->orig_h], fl[z->orig_h]);
    if (z->resp_h >= 0)
        addr(c, f[z->resp_h], fl[z->resp_h]);
    if (z->answers >= 0 && !zeek_unset(f[z->answers], fl[z->answers])) {
        const char *p = f[z->answers], *e = p + fl[z->answers];
        while (p < e) {
            const char *q = memchr(p, z->set_sep, (size_t)(e - p));
            if (!q)
                q = e;
            tix__mt_host(c, p, (size_t)(q - p));
            p = q + 1;
        }
    }
    return true;
}

/* Query lines prepared before any is checked (see the top). */
#define BATCH 16
#define PREFETCH 2048 /* bytes of input ahead */

typedef struct {
    const char *ls;
    size_t n;
    const char *ip; /* BIND's client, dnsmasq's "from"; NULL: none */
    size_t ipn;
    uint64_t h4;    /* when not 0: ip is a canonical dotted quad and this
                     * the hash of its text (indicators are all hosts) */
    unsigned pass;  /* suffixes that passed the Bloom filter */
    tix__mt_nm nm;
} pending;

/* For the address s[0..n) (16 bytes readable): the hash of its text when
 * it is a canonical dotted quad (no leading zeros), else 0. A dotted quad
 * whose text is not in the Bloom filter is no indicator: no need to parse
 * it (DNS logs name one client per line, from a few thousand). */
static uint64_t v4_text(const char *s, size_t n)
{
#if defined(__SSE2__)
    static const unsigned char ones[32] = {
        255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
    };
    if (n - 7 > 8)
        return 0;
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
    __m128i t = _mm_sub_epi8(x, _mm_set1_epi8('0'));
    unsigned valid = (1u << n) - 1;
    unsigned dig = (unsigned)_mm_movemask_epi8(
                       _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8(9)), t)) & valid;
    unsigned dot = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('.'))) & valid;
    unsigned zero = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8('0')));
    if ((dig | dot) != valid || (zero & (dot << 1 | 1) & (dig >> 1)))
        return 0;
    x = _mm_and_si128(x, _mm_loadu_si128((const __m128i *)(const void *)(ones + 16 - n)));
    return tix__mt_v4shash((uint64_t)_mm_cvtsi128_si64(x),
                           (uint64_t)_mm_cvtsi128_si64(_mm_srli_si128(x, 8)));
#else
    (void)s;
    (void)n;
    return 0;
#endif
}

static void flush(tix__mt_ctx *c, pending *b, unsigned nb)
{
    const tix_matcher *m = c->m;
    for (unsigned i = 0; i < nb; i++)
        b[i].pass = tix__mt_name_bloom(m, &b[i].nm);
    for (unsigned i = 0; i < nb && !c->stop; i++) {
        line_begin(c, b[i].ls, b[i].n);
        tix__mt_name_report(c, &b[i].nm, b[i].pass);
        if (!b[i].h4 ? b[i].ip != NULL : tix__mt_bloom(m, b[i].h4))
            addr(c, b[i].ip, b[i].ipn);
    }
}

static void dns(tix__mt_ctx *c, const char *data, size_t len, zeek *zs)
{
    const tix_matcher *m = c->m;
    const char *p = data, *end = data + len;
    zeek z = *zs;
    pending batch[BATCH];
    unsigned nb = 0;
    bool ips = m->n_v4 || m->n_v6;
    bool host_only = m->n_v4_plens == 1 && m->v4_plens[0] == 32;
    find_fn find = pick_find();
    while (p < end && !c->stop) {
        const char *le = NULL, *q = NULL, *hash = NULL;
        /* the page cache is read ahead of the hardware prefetchers (a
         * prefetch never faults: no need to stop at the end) */
        __builtin_prefetch((const void *)((uintptr_t)p + PREFETCH));
        __builtin_prefetch((const void *)((uintptr_t)p + PREFETCH + 64));
        __builtin_prefetch((const void *)((uintptr_t)p + PREFETCH + 128));
        if (*p != '#' && !z.ncols)
            q = find(p, end, &le, &hash);
        if (!q) { /* the slow way, in order */
            flush(c, batch, nb);
            nb = 0;
            if (c->stop)
                break;
            if (*p == '#' || z.ncols)
                le = line_end(p, end);
            size_t n = trim_cr(p, (size_t)(le - p));
            line_begin(c, p, n);
            if (*p == '#')
                zeek_directive(&z, p, p + n);
            else if (n && !(z.ncols && memchr(p, z.sep, n) && zeek_row(c, &z, p, n)) &&
                     !dns_other(c, p, p + n))
                c->st->skipped++;
            p = le + 1;
            continue;
        }
        pending *b = &batch[nb];
        const char *ns;
        if (q[5] == ':') { /* BIND: query: NAME IN TYPE */
            ns = q + 7;
        } else {          /* dnsmasq: query[TYPE] NAME from IP */
            ns = q + 6;
            while (ns < end && *ns != ']' && *ns != '\n')
                ns++;
            ns += ns < end && *ns == ']';
            ns += ns < end && *ns == ' ';
        }
        const char *ne = tix__mt_name_prep(m, ns, end, &b->nm);
        /* three without a branch (see tix__mt_name_bloom), then the rest */
        tix__mt_prefetch(m, b->nm.h[0]);
        tix__mt_prefetch(m, b->nm.h[1]);
        tix__mt_prefetch(m, b->nm.h[2]);
        for (unsigned k = 3; k < b->nm.nsuf; k++)
            tix__mt_prefetch(m, b->nm.h[k]);
        le = line_end_near(ne, end);
        b->ls = p;
        b->n = trim_cr(p, (size_t)(le - p));
        b->ip = NULL;
        if (ips && q[5] == ':') {
            b->ip = hash ? client_at(p, hash, &b->ipn) : NULL;
        } else if (ips && le - ne > 6 && memcmp(ne, " from ", 6) == 0) {
            const char *a = ne + 6, *ae = a;
            while (ae < le && *ae != ' ' && *ae != '\r')
                ae++;
            b->ip = a;
            b->ipn = (size_t)(ae - a);
        }
        b->h4 = 0;
        if (b->ip && host_only && end - b->ip >= 16 && (b->h4 = v4_text(b->ip, b->ipn)))
            tix__mt_prefetch(m, b->h4);
        if (++nb == BATCH) {
            flush(c, batch, nb);
            nb = 0;
        }
        p = le + 1;
    }
    flush(c, batch, nb);
    *zs = z;
}

/* ---- Squid access.log (native) ------------------------------------------ */

static bool proxy_line(tix__mt_ctx *c, const char *ls, size_t n)
{
    const char *p = ls, *end = ls + n, *f[9] = {0};
    size_t fl[9] = {0};
    int k = 0;
    while (k < 9 && next_field(&p, end, &f[k], &fl[k]))
        k++;
    if (k < 7)
        return false;
    const char *u = f[6];
    size_t un = fl[6];
    if (un > 3 && memmem(u, un, "://", 3)) {
        tix__mt_url(c, u, un);
    } else if (un) { /* CONNECT host:port */
        const char *colon = memrchr(u, ':', un);
        size_t hn = un;
        if (colon && u[0] != '[') {
            bool port = colon + 1 < u + un;
            for (const char *d = colon + 1; d < u + un; d++)
                port &= tix__is_digit((unsigned char)*d);
            if (port && !memchr(u, ':', (size_t)(colon - u)))
                hn = (size_t)(colon - u);
        }
        tix__mt_host(c, u, hn);
    }
    addr(c, f[2], fl[2]); /* the client */
    if (k >= 9) {         /* HIER_DIRECT/203.0.113.5: where the proxy went */
        const char *sl = memchr(f[8], '/', fl[8]);
        if (sl && sl + 1 < f[8] + fl[8])
            tix__mt_host(c, sl + 1, (size_t)(f[8] + fl[8] - sl - 1));
    }
    return true;
}

/* ---- CSV ---------------------------------------------------------------- */

static void csv_line(tix__mt_ctx *c, const char *ls, size_t n, unsigned want)
{
    const char *p = ls, *end = ls + n;
    for (unsigned col = 1; !c->stop; col++) {
        const char *s = p;
        while (s < end && blank(*s))
            s++;
        const char *fs, *fe, *next;
        bool esc = false;
        if (s < end && *s == '"') {
            fs = s + 1;
            const char *q = fs;
            for (;;) {
                q = memchr(q, '"', (size_t)(end - q));
                if (!q || q + 1 >= end || q[1] != '"')
                    break;
                esc = true;
                q += 2;
            }
            fe = q ? q : end;
            next = q ? memchr(q, ',', (size_t)(end - q)) : NULL;
        } else {
            fs = p;
            next = memchr(p, ',', (size_t)(end - p));
            fe = next ? next : end;
        }
        if (!want || want == col) {
            if (!esc) {
                tix__mt_tokens(c, fs, (size_t)(fe - fs));
            } else {
                tix_buf *b = &c->scratch;
                tix_buf_reset(b);
                for (const char *r = fs; r < fe; r++) {
                    tix_buf_addc(b, *r);
                    r += *r == '"'; /* "" is one quote */
                }
                if (!b->err)
                    tix__mt_tokens(c, b->p, b->len);
            }
            if (want)
                return;
        }
        if (!next)
            return;
        p = next + 1;
    }
}

/* ---- the walk ----------------------------------------------------------- */

tix_err tix_match_log(const tix_matcher *m, const tix_log_opts *o, const char *data,
                      size_t len, const char *where, tix_log_match_fn fn, void *ud,
                      tix_match_stats *st, tix_diag *d)
{
    if (!where)
        where = "log";
    if (!m->built)
        return tix_diag_set(d, TIX_EINVAL, "match: the matcher is not built");
    tix_log_opts dflt = {TIX_LOG_TOKENS, 0, NULL};
    if (!o)
        o = &dflt;
    if ((unsigned)o->format > TIX_LOG_JSONL)
        return tix_diag_set(d, TIX_EINVAL, "match: unknown log format %d", (int)o->format);
    if (o->format == TIX_LOG_FIELD && o->field == 0)
        return tix_diag_set(d, TIX_EINVAL, "match: a field number counts from 1");
    tix_match_stats local = {0};
    tix__mt_ctx c = {.m = m, .fn = fn, .ud = ud, .st = st ? st : &local};
    zeek z = {'\t', ',', -1, -1, -1, -1, 0};
    if (o->state) {
        c.line = o->state->lines;
        if (o->state->lines) /* not the first piece */
            memcpy(&z, o->state->fmt, sizeof z);
    }
    tix_buf_init(&c.canon, 4 * TIX_OBS_VALUE_MAX);
    tix_buf_init(&c.scratch, 0);
    /* both grow once to their working size, not per line */
    tix_buf_reserve(&c.canon, TIX_OBS_VALUE_MAX + 64);
    tix_buf_reserve(&c.scratch, 4096);
    tix_err e = TIX_EOK;

    if (o->format == TIX_LOG_DNS) {
        dns(&c, data, len, &z);
        goto out;
    }
    const char *p = data, *end = data + len;
    while (p < end && !c.stop) {
        const char *le = line_end(p, end);
        size_t n = trim_cr(p, (size_t)(le - p));
        line_begin(&c, p, n);
        p = le + 1;
        switch (o->format) {
        case TIX_LOG_FIELD: {
            const char *q = c.text, *f = NULL;
            size_t fl = 0;
            unsigned k = 0;
            while (k < o->field && next_field(&q, c.text + n, &f, &fl))
                k++;
            if (k == o->field)
                tix__mt_tokens(&c, f, fl);
            else if (n)
                c.st->skipped++;
            break;
        }
        case TIX_LOG_PROXY:
            if (n && !proxy_line(&c, c.text, n))
                c.st->skipped++;
            break;
        case TIX_LOG_CSV:
            csv_line(&c, c.text, n, o->field);
            break;
        case TIX_LOG_JSONL: {
            size_t i = 0;
            while (i < n && (blank(c.text[i]) || c.text[i] == '\r'))
                i++;
            if (i == n)
                break;
            const char *why;
            size_t at;
            if (!tix__mt_json(&c, c.text, n, &why, &at)) {
                e = tix_diag_set(d, TIX_EPARSE, "%s:%llu: not JSON (%s at column %zu)", where,
                                 (unsigned long long)c.line, why, at + 1);
                goto out;
            }
            break;
        }
        default:
            tix__mt_tokens(&c, c.text, n);
        }
    }
out:
    if (o->state) {
        o->state->lines = c.line;
        memcpy(o->state->fmt, &z, sizeof z);
    }
    tix_buf_free(&c.canon);
    tix_buf_free(&c.scratch);
    if (!e && c.stop)
        e = tix_diag_set(d, TIX_ESTOPPED, "%s:%llu: stopped by the caller", where,
                         (unsigned long long)c.line);
    return e;
}
