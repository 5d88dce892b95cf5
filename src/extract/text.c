/* text.c - the indicator scanner over one stretch of (refanged) text.
 *
 * Bit masks of each 64-byte block drive everything: the positions of the
 * anchor bytes . : @ - (every dotted, URL, e-mail, IPv6 and CVE token
 * contains one), kept only where their neighbours could continue a token,
 * and the positions of ASCII letters and digits, from which long runs are
 * found with a few shifts (hashes and wallet addresses are such runs). Only
 * at those positions do the parsers of token_*.c look at bytes one by one,
 * so plain prose and random binary data cost little more than reading them.
 * The masks come in SSE2, AVX2 and AVX-512 flavours, chosen at run time.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/canon.h"
#include "extract/token.h"

/* ---- masks ------------------------------------------------------------ */

/* Bit i of each field says something of byte i of a 64-byte block. */
struct bm {
    uint64_t dot, colon, at, dash, slash;
    uint64_t alnum, hex, e, b;
    uint64_t cont, lead; /* UTF-8 continuation byte; lead of a 2-3 byte
                          * sequence that may encode an IDN letter */
    uint64_t ua, us;     /* 'A', 'S': "AS" begins an AS number */
};

#define BM_ALL(D, C, A, H, S, L, X, E, B, CO, LE, UA, US)                   \
    (struct bm){.dot = D, .colon = C, .at = A, .dash = H, .slash = S,       \
                .alnum = L, .hex = X, .e = E, .b = B, .cont = CO, .lead = LE, \
                .ua = UA, .us = US}

static inline void bm_sse2(const uint8_t *p, struct bm *m)
{
#if defined(__SSE2__)
    uint64_t d = 0, c = 0, a = 0, h = 0, s = 0, l = 0, x = 0, e = 0, b = 0,
             co = 0, le = 0, ua = 0, us = 0;
    for (int k = 0; k < 4; k++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(p + 16 * k));
        __m128i y = _mm_or_si128(v, _mm_set1_epi8(0x20));
        __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(y, _mm_set1_epi8('a' - 1)),
                                       _mm_cmplt_epi8(y, _mm_set1_epi8('z' + 1)));
        __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                      _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
        __m128i af = _mm_and_si128(_mm_cmpgt_epi8(y, _mm_set1_epi8('a' - 1)),
                                   _mm_cmplt_epi8(y, _mm_set1_epi8('f' + 1)));
#define MM(expr) ((uint64_t)(uint16_t)_mm_movemask_epi8(expr) << (16 * k))
        d |= MM(_mm_cmpeq_epi8(v, _mm_set1_epi8('.')));
        c |= MM(_mm_cmpeq_epi8(v, _mm_set1_epi8(':')));
        a |= MM(_mm_cmpeq_epi8(v, _mm_set1_epi8('@')));
        h |= MM(_mm_cmpeq_epi8(v, _mm_set1_epi8('-')));
        s |= MM(_mm_cmpeq_epi8(v, _mm_set1_epi8('/')));
        l |= MM(_mm_or_si128(letter, digit));
        __m128i lv = _mm_sub_epi8(v, _mm_set1_epi8((char)0xC3));
        co |= MM(_mm_cmpeq_epi8(_mm_and_si128(v, _mm_set1_epi8((char)0xC0)),
                                _mm_set1_epi8((char)0x80)));
        le |= MM(_mm_cmpeq_epi8(_mm_min_epu8(lv, _mm_set1_epi8(0x2C)), lv));
        ua |= MM(_mm_cmpeq_epi8(v, _mm_set1_epi8('A')));
        us |= MM(_mm_cmpeq_epi8(v, _mm_set1_epi8('S')));
        x |= MM(_mm_or_si128(af, digit));
        e |= MM(_mm_cmpeq_epi8(y, _mm_set1_epi8('e')));
        b |= MM(_mm_cmpeq_epi8(y, _mm_set1_epi8('b')));
#undef MM
    }
    *m = BM_ALL(d, c, a, h, s, l, x, e, b, co, le, ua, us);
#else
    memset(m, 0, sizeof *m);
    for (int i = 0; i < 64; i++) {
        uint8_t v = p[i], y = v | 0x20;
        uint64_t bit = 1ull << i;
        if (v == '.') m->dot |= bit;
        if (v == ':') m->colon |= bit;
        if (v == '@') m->at |= bit;
        if (v == '-') m->dash |= bit;
        if (v == '/') m->slash |= bit;
        if (tix__is_alnum(v)) m->alnum |= bit;
        if ((v & 0xC0) == 0x80) m->cont |= bit;
        if (v >= 0xC3 && v <= 0xEF) m->lead |= bit;
        if (v == 'A') m->ua |= bit;
        if (v == 'S') m->us |= bit;
        if (tix__is_hex(v)) m->hex |= bit;
        if (y == 'e') m->e |= bit;
        if (y == 'b') m->b |= bit;
    }
#endif
}

#if defined(__x86_64__)
#include <immintrin.h>

__attribute__((target("avx2"), always_inline)) static inline void
bm_avx2(const uint8_t *p, struct bm *m)
{
    uint64_t d = 0, c = 0, a = 0, h = 0, s = 0, l = 0, x = 0, e = 0, b = 0,
             co = 0, le = 0, ua = 0, us = 0;
    for (int k = 0; k < 2; k++) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(p + 32 * k));
        __m256i y = _mm256_or_si256(v, _mm256_set1_epi8(0x20));
        /* u <= k (unsigned) iff min(u, k) == u */
        __m256i ly = _mm256_sub_epi8(y, _mm256_set1_epi8('a'));
        __m256i dv = _mm256_sub_epi8(v, _mm256_set1_epi8('0'));
        __m256i letter = _mm256_cmpeq_epi8(_mm256_min_epu8(ly, _mm256_set1_epi8(25)), ly);
        __m256i af = _mm256_cmpeq_epi8(_mm256_min_epu8(ly, _mm256_set1_epi8(5)), ly);
        __m256i digit = _mm256_cmpeq_epi8(_mm256_min_epu8(dv, _mm256_set1_epi8(9)), dv);
#define MM(expr) ((uint64_t)(uint32_t)_mm256_movemask_epi8(expr) << (32 * k))
        d |= MM(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('.')));
        c |= MM(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(':')));
        a |= MM(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('@')));
        h |= MM(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('-')));
        s |= MM(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('/')));
        l |= MM(_mm256_or_si256(letter, digit));
        __m256i lv = _mm256_sub_epi8(v, _mm256_set1_epi8((char)0xC3));
        co |= MM(_mm256_cmpeq_epi8(_mm256_and_si256(v, _mm256_set1_epi8((char)0xC0)),
                                   _mm256_set1_epi8((char)0x80)));
        le |= MM(_mm256_cmpeq_epi8(_mm256_min_epu8(lv, _mm256_set1_epi8(0x2C)), lv));
        ua |= MM(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('A')));
        us |= MM(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('S')));
        x |= MM(_mm256_or_si256(af, digit));
        e |= MM(_mm256_cmpeq_epi8(y, _mm256_set1_epi8('e')));
        b |= MM(_mm256_cmpeq_epi8(y, _mm256_set1_epi8('b')));
#undef MM
    }
    *m = BM_ALL(d, c, a, h, s, l, x, e, b, co, le, ua, us);
}

__attribute__((target("avx512f,avx512bw"), always_inline)) static inline void
bm_avx512(const uint8_t *p, struct bm *m)
{
    __m512i v = _mm512_loadu_si512((const void *)p);
    __m512i y = _mm512_or_si512(v, _mm512_set1_epi8(0x20));
    __m512i ly = _mm512_sub_epi8(y, _mm512_set1_epi8('a'));
    __mmask64 digit = _mm512_cmplt_epu8_mask(_mm512_sub_epi8(v, _mm512_set1_epi8('0')),
                                             _mm512_set1_epi8(10));
    *m = BM_ALL(_mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('.')),
                _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(':')),
                _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('@')),
                _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('-')),
                _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('/')),
                _mm512_cmplt_epu8_mask(ly, _mm512_set1_epi8(26)) | digit,
                _mm512_cmplt_epu8_mask(ly, _mm512_set1_epi8(6)) | digit,
                _mm512_cmpeq_epi8_mask(y, _mm512_set1_epi8('e')),
                _mm512_cmpeq_epi8_mask(y, _mm512_set1_epi8('b')),
                _mm512_cmpeq_epi8_mask(_mm512_and_si512(v, _mm512_set1_epi8((char)0xC0)),
                                       _mm512_set1_epi8((char)0x80)),
                _mm512_cmplt_epu8_mask(_mm512_sub_epi8(v, _mm512_set1_epi8((char)0xC3)),
                                       _mm512_set1_epi8(0x2D)),
                _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('A')),
                _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('S')));
}
#endif

static inline uint64_t alnum_sse2(const uint8_t *p)
{
    struct bm b;
    bm_sse2(p, &b);
    return b.alnum;
}

#if defined(__x86_64__)
__attribute__((target("avx2"), always_inline)) static inline uint64_t
alnum_avx2(const uint8_t *p)
{
    uint64_t l = 0;
    for (int k = 0; k < 2; k++) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(p + 32 * k));
        __m256i ly = _mm256_sub_epi8(_mm256_or_si256(v, _mm256_set1_epi8(0x20)),
                                     _mm256_set1_epi8('a'));
        __m256i dv = _mm256_sub_epi8(v, _mm256_set1_epi8('0'));
        __m256i letter = _mm256_cmpeq_epi8(_mm256_min_epu8(ly, _mm256_set1_epi8(25)), ly);
        __m256i digit = _mm256_cmpeq_epi8(_mm256_min_epu8(dv, _mm256_set1_epi8(9)), dv);
        l |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_or_si256(letter, digit))
             << (32 * k);
    }
    return l;
}

__attribute__((target("avx512f,avx512bw"), always_inline)) static inline uint64_t
alnum_avx512(const uint8_t *p)
{
    __m512i v = _mm512_loadu_si512((const void *)p);
    __m512i ly = _mm512_sub_epi8(_mm512_or_si512(v, _mm512_set1_epi8(0x20)),
                                 _mm512_set1_epi8('a'));
    return _mm512_cmplt_epu8_mask(ly, _mm512_set1_epi8(26)) |
           _mm512_cmplt_epu8_mask(_mm512_sub_epi8(v, _mm512_set1_epi8('0')),
                                  _mm512_set1_epi8(10));
}
#endif

typedef void (*masks_fn)(const uint8_t *, struct bm *);
typedef uint64_t (*alnum_fn)(const uint8_t *);

/* Masks of the block at p[i..), zero-padded past n. */
__attribute__((always_inline)) static inline void
block_masks(masks_fn m, const uint8_t *p, size_t i, size_t n, struct bm *out)
{
    if (i >= n) {
        memset(out, 0, sizeof *out);
        return;
    }
    if (n - i >= 64) {
        m(p + i, out);
        return;
    }
    uint8_t tmp[64] = {0};
    memcpy(tmp, p + i, n - i);
    m(tmp, out);
}

/* First index >= i that is not a letter or digit, or n. */
__attribute__((always_inline)) static inline size_t
alnum_run_end(alnum_fn m, const uint8_t *p, size_t i, size_t n)
{
    while (i + 64 <= n) {
        uint64_t al = m(p + i);
        if (~al)
            return i + (size_t)__builtin_ctzll(~al);
        i += 64;
    }
    while (i < n && tix__is_alnum(p[i]))
        i++;
    return i;
}

/* ---- driver ------------------------------------------------------------- */

/* The shortest run worth a look: a bech32m address with a 2-byte program. */
#define RUN_MIN 14

#define RUN_TYPES                                                          \
    (TIX_OBS_BIT(TIX_OBS_MD5) | TIX_OBS_BIT(TIX_OBS_SHA1) |                \
     TIX_OBS_BIT(TIX_OBS_SHA256) | TIX_OBS_BIT(TIX_OBS_SHA512) |           \
     TIX_OBS_BIT(TIX_OBS_BTC) | TIX_OBS_BIT(TIX_OBS_XMR))

static pthread_once_t cls_once = PTHREAD_ONCE_INIT;

__attribute__((always_inline)) static inline int
scan_loop(struct tix__text *t, masks_fn m, alnum_fn am)
{
    const uint8_t *p = t->p;
    size_t n = t->n;
    int err = 0;
    bool want_runs = (t->ex->types & RUN_TYPES) != 0;
    bool want_anchors = (t->ex->types & ~RUN_TYPES) != 0;
    size_t resume = 0, run_resume = 0;
    uint64_t name_top = 0, v6_top = 0, e_top = 0; /* bit 63 of the last block */
    size_t carry = 0; /* length of a run that reaches the block's end */
    for (size_t blk = 0; blk < n && err == 0; blk += 64) {
        struct bm cur;
        block_masks(m, p, blk, n, &cur);
        /* the byte after the block, for the neighbour tests below */
        uint16_t after = blk + 64 < n ? tix__cls[p[blk + 64]] : 0;
        if (want_runs) {
            uint64_t al = cur.alnum;
            if (carry && al != ~0ull) {
                /* the run that reached the end of the last block ends in
                 * this one; only a long one is worth a look */
                size_t lead = (size_t)__builtin_ctzll(~al);
                if (carry + lead >= RUN_MIN && blk - carry >= run_resume) {
                    tix__on_run(t, blk - carry, blk + lead, &err);
                    run_resume = blk + lead;
                }
                carry = 0;
            }
            uint64_t x = al;
            x &= x >> 1;
            x &= x >> 2;
            x &= x >> 4;
            x &= x >> 6; /* bit j: RUN_MIN (14) alphanumerics start at j */
            /* inside the block: runs of 26 and more, and runs of 14-25
             * that may be a short bech32 "bc1..."; runs that reach the end
             * of the block are carried to the next */
            uint64_t r = (x & x >> 12) | (x & cur.b);
            while (r) {
                size_t s = blk + (size_t)__builtin_ctzll(r);
                r &= r - 1;
                if (s < run_resume)
                    continue;
                while (s > 0 && tix__is_alnum(p[s - 1]))
                    s--;
                /* the run ends at the next non-alphanumeric byte */
                size_t e;
                uint64_t z = s >= blk ? ~al & (~0ull << (s - blk)) : 0;
                if (z)
                    e = blk + (size_t)__builtin_ctzll(z);
                else
                    e = alnum_run_end(am, p, blk + 64, n);
                tix__on_run(t, s, e, &err);
                run_resume = e;
                if (e >= blk + 64)
                    r = 0;
                else
                    r &= ~0ull << (e - blk);
            }
            /* a run reaching the end of the block is measured in the next
             * (branch-free: in prose half the blocks end inside a word) */
            size_t tail = al == ~0ull ? 64 : (size_t)__builtin_clzll(~al);
            carry = al == ~0ull ? carry + 64 : tail;
            if (run_resume > blk + 64 - tail)
                carry = 0; /* measured already */
        }
        /* Anchors, filtered by their neighbours in the mask domain: a dot
         * between name bytes, a colon after a hex digit/colon or before a
         * slash, an '@' before a name byte, a '-' after an 'e' (CVE-), an 'A'
         * before an 'S' (AS13335).
         * A name byte before a dot is a letter/digit or ends a UTF-8
         * sequence; after it, a letter/digit or a lead byte. */
        uint64_t name = cur.alnum | cur.cont;
        uint64_t name_after = (cur.alnum | cur.lead) >> 1 |
                              (uint64_t)((after & (C_ALNUM | C_LEAD)) != 0) << 63;
        uint64_t v6 = cur.hex | cur.colon;
        uint64_t name_before = name << 1 | name_top;
        uint64_t v6_before = v6 << 1 | v6_top;
        uint64_t v6_after = (v6 | cur.slash) >> 1 |
                            (uint64_t)((after & (C_V6 | C_SLASH)) != 0) << 63;
        uint64_t slash_after = cur.slash >> 1 |
                               (uint64_t)((after & C_SLASH) != 0) << 63;
        uint64_t a = want_anchors
                         ? (cur.dot & name_before & name_after) |
                               (cur.colon & ((v6_before & v6_after) | slash_after)) |
                               (cur.at & name_after) |
                               (cur.dash & (cur.e << 1 | e_top)) |
                               (cur.ua & (cur.us >> 1 |
                                          (uint64_t)(blk + 64 < n && p[blk + 64] == 'S') << 63))
                         : 0;
        name_top = name >> 63;
        v6_top = v6 >> 63;
        e_top = cur.e >> 63;
        while (a) {
            size_t i = blk + (size_t)__builtin_ctzll(a);
            a &= a - 1;
            uint8_t c = p[i];
            if (c == '-') {
                tix__on_dash(t, i, &err);
                continue;
            }
            if (c == 'A') {
                tix__on_asn(t, i, &err);
                continue;
            }
            if (i < resume)
                continue;
            if (c == '.')
                resume = tix__on_dot(t, i, &err);
            else if (c == '@')
                resume = tix__on_at(t, i, &err);
            else if (at(t, i + 1) == '/' && at(t, i + 2) == '/')
                resume = tix__on_url(t, i, &err);
            else
                resume = tix__on_colon(t, i, &err);
        }
    }
    if (want_runs && carry >= RUN_MIN && n >= carry && n - carry >= run_resume &&
        err == 0)
        tix__on_run(t, n - carry, n, &err); /* a run that ends the text */
    return err;
}

static int scan_sse2(struct tix__text *t)
{
    return scan_loop(t, bm_sse2, alnum_sse2);
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) static int scan_avx2(struct tix__text *t)
{
    return scan_loop(t, bm_avx2, alnum_avx2);
}

__attribute__((target("avx512f,avx512bw"))) static int
scan_avx512(struct tix__text *t)
{
    return scan_loop(t, bm_avx512, alnum_avx512);
}
#endif

static int (*scan_impl)(struct tix__text *);
static int simd_cap = 2; /* highest level tests allow */

static void scan_init(void)
{
    tix__cls_init();
    scan_impl = scan_sse2;
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2"))
        scan_impl = scan_avx2;
    if (__builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512f"))
        scan_impl = scan_avx512;
#endif
}

int tix__simd_limit(int level)
{
    pthread_once(&cls_once, scan_init);
    simd_cap = level;
    tix__simd_pick(level); /* the refang and UTF-16 passes too */
#if defined(__x86_64__)
    if (level >= 2 && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512f"))
        return 2;
    if (level >= 1 && __builtin_cpu_supports("avx2"))
        return 1;
#endif
    return 0;
}

int tix__scan_text(struct tix__text *t)
{
    pthread_once(&cls_once, scan_init);
#if defined(__x86_64__)
    if (simd_cap < 2) {
        if (simd_cap == 1 && __builtin_cpu_supports("avx2"))
            return scan_avx2(t);
        return scan_sse2(t);
    }
#endif
    return scan_impl(t);
}
