/* text.c - the indicator scanner over one stretch of (refanged) text.
 *
 * Two cheap bit masks per 64-byte block drive everything: the positions of
 * the anchor bytes . : @ - (every dotted, URL, e-mail, IPv6 and CVE token
 * contains one) and the positions of ASCII letters and digits, from which
 * runs of 26 or more are found with a few shifts (hashes and wallet
 * addresses are such runs). Only around those positions does the scanner
 * look at bytes one by one, so plain prose and random binary data cost
 * little more than reading them.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/canon.h"
#include "extract/internal.h"

/* ---- masks ------------------------------------------------------------ */

/* Bit i of each field says something of byte i of a 64-byte block. */
struct bm {
    uint64_t dot, colon, at, dash, slash;
    uint64_t alnum, hex, e, b;
    uint64_t cont, lead; /* UTF-8 continuation byte; lead of a 2-3 byte
                          * sequence that may encode an IDN letter */
};

#define BM_ALL(D, C, A, H, S, L, X, E, B, CO, LE)                           \
    (struct bm){.dot = D, .colon = C, .at = A, .dash = H, .slash = S,       \
                .alnum = L, .hex = X, .e = E, .b = B, .cont = CO, .lead = LE}

static inline void bm_sse2(const uint8_t *p, struct bm *m)
{
#if defined(__SSE2__)
    uint64_t d = 0, c = 0, a = 0, h = 0, s = 0, l = 0, x = 0, e = 0, b = 0,
             co = 0, le = 0;
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
        x |= MM(_mm_or_si128(af, digit));
        e |= MM(_mm_cmpeq_epi8(y, _mm_set1_epi8('e')));
        b |= MM(_mm_cmpeq_epi8(y, _mm_set1_epi8('b')));
#undef MM
    }
    *m = BM_ALL(d, c, a, h, s, l, x, e, b, co, le);
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
             co = 0, le = 0;
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
        x |= MM(_mm256_or_si256(af, digit));
        e |= MM(_mm256_cmpeq_epi8(y, _mm256_set1_epi8('e')));
        b |= MM(_mm256_cmpeq_epi8(y, _mm256_set1_epi8('b')));
#undef MM
    }
    *m = BM_ALL(d, c, a, h, s, l, x, e, b, co, le);
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
                                       _mm512_set1_epi8(0x2D)));
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

/* ---- hits --------------------------------------------------------------- */

/* Index of the first edit that ends after i (t->ed->n if none). */
static size_t edit_after(const struct tix__text *t, size_t i)
{
    size_t lo = 0, hi = t->ed->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (t->ed->v[mid].qend <= i)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Input offset of text index i, given k = edit_after(t, i). */
static uint64_t offset_at(const struct tix__text *t, size_t i, size_t k)
{
    uint64_t shift = 0;
    if (k > 0)
        shift = t->ed->v[k - 1].shift;
    /* inside a replacement: its first raw byte */
    if (k < t->ed->n && t->ed->v[k].q <= i)
        i = t->ed->v[k].q;
    return t->base + (uint64_t)t->stride * (i + shift);
}

/* Where p[s..e) is in the input, and whether it spans a replacement. */
static void map_span(const struct tix__text *t, size_t s, size_t e,
                     uint64_t *off, uint64_t *end, bool *edit)
{
    if (t->ed == NULL || t->ed->n == 0) {
        *off = t->base + (uint64_t)t->stride * s;
        *end = t->base + (uint64_t)t->stride * e;
        *edit = false;
        return;
    }
    size_t k = edit_after(t, s);
    *off = offset_at(t, s, k);
    *edit = k < t->ed->n && t->ed->v[k].q < e;
    while (k < t->ed->n && t->ed->v[k].qend <= e - 1)
        k++;
    *end = offset_at(t, e - 1, k) + t->stride;
}

static bool edited(const struct tix__text *t, size_t s, size_t e)
{
    if (t->ed == NULL || t->ed->n == 0)
        return false;
    size_t k = edit_after(t, s);
    return k < t->ed->n && t->ed->v[k].q < e;
}

/* The value just canonicalised into t->out->vals from mark on becomes a
 * hit for p[s..e), if the type is wanted and the hit is in range. */
static int add_hit(struct tix__text *t, tix_obs_type type, size_t s, size_t e,
                   size_t mark, bool defanged)
{
    struct tix__hits *h = t->out;
    uint64_t off, end;
    bool edit;
    map_span(t, s, e, &off, &end, &edit);
    if (!(t->ex->types & TIX_OBS_BIT(type)) || off < t->lo || off >= t->hi ||
        h->vals.err != TIX_EOK) {
        tix_err err = h->vals.err;
        h->vals.len = mark;
        if (h->vals.p)
            h->vals.p[mark] = '\0';
        return err == TIX_EOK ? 0 : -1;
    }
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 256;
        struct tix__rec *v = realloc(h->v, cap * sizeof *v);
        if (v == NULL)
            return -1;
        h->v = v;
        h->cap = cap;
    }
    /* keep the list in offset order: hits arrive almost sorted (a run is
     * seen before the anchors of its block), so this moves a few at most */
    size_t at_ = h->n;
    while (at_ > 0 && (h->v[at_ - 1].offset > off ||
                       (h->v[at_ - 1].offset == off && h->v[at_ - 1].type > type)))
        at_--;
    if (at_ < h->n)
        memmove(&h->v[at_ + 1], &h->v[at_], (h->n - at_) * sizeof *h->v);
    h->n++;
    h->v[at_] = (struct tix__rec){
        .offset = off,
        .raw_len = end - off,
        .voff = (uint32_t)mark,
        .vlen = (uint32_t)(h->vals.len - mark),
        .type = (uint8_t)type,
        .enc = (uint8_t)t->enc,
        .defanged = defanged || edit,
    };
    tix_buf_addc(&h->vals, '\0');
    return h->vals.err == TIX_EOK ? 0 : -1;
}

typedef bool (*canon_fn)(const char *, size_t, tix_buf *);

/* Canonicalise p[s..e) with fn and record it; false when invalid. */
static bool try_hit(struct tix__text *t, tix_obs_type type, canon_fn fn,
                    size_t s, size_t e, bool defanged, int *err)
{
    size_t mark = t->out->vals.len;
    if (!fn((const char *)t->p + s, e - s, &t->out->vals)) {
        t->out->vals.len = mark;
        if (t->out->vals.p)
            t->out->vals.p[mark] = '\0';
        return false;
    }
    if (add_hit(t, type, s, e, mark, defanged) != 0)
        *err = -1;
    return true;
}

/* ---- character classes ------------------------------------------------ */

enum {
    C_ALNUM = 1,  /* ASCII letter or digit */
    C_NAME = 2,   /* may be in a host name label: letter, digit, '-' */
    C_DOT = 4,    /* '.' */
    C_HI = 8,     /* a byte >= 0x80 (maybe part of an IDN letter) */
    C_V6 = 16,    /* hex digit, ':' or '.' */
    C_DIGIT = 32,
    C_UPPER = 64,
    C_LOWER = 128,
    C_LEAD = 256,  /* a UTF-8 lead byte of a possible IDN letter */
    C_SLASH = 512,
};

static uint16_t cls[256];

static void cls_init(void)
{
    for (int c = 0; c < 256; c++) {
        uint8_t v = 0;
        if (tix__is_alnum((unsigned char)c))
            v |= C_ALNUM | C_NAME;
        if (c == '-')
            v |= C_NAME;
        if (c == '.')
            v |= C_DOT | C_V6;
        if (c >= 0x80)
            v |= C_HI;
        if (tix__is_hex((unsigned char)c) || c == ':')
            v |= C_V6;
        if (c >= '0' && c <= '9')
            v |= C_DIGIT;
        if (c >= 'A' && c <= 'Z')
            v |= C_UPPER;
        if (c >= 'a' && c <= 'z')
            v |= C_LOWER;
        uint16_t w = v;
        if (c >= 0xC3 && c <= 0xEF)
            w |= C_LEAD;
        if (c == '/')
            w |= C_SLASH;
        cls[c] = w;
    }
}

static inline uint8_t at(const struct tix__text *t, size_t i)
{
    return i < t->n ? t->p[i] : 0;
}

/* Length of the host-name character at i (ASCII letter, digit, hyphen or an
 * IDN letter), 0 if none. */
static inline size_t name_char(const struct tix__text *t, size_t i)
{
    uint8_t c = at(t, i);
    if (c < 0x80)
        return tix__is_alnum(c) || c == '-' ? 1 : 0;
    return tix__u8_name_letter(t->p + i, t->n - i);
}

/* Start of the host-name character that ends just before i, or i. */
static size_t name_char_back(const struct tix__text *t, size_t i)
{
    if (i == 0)
        return i;
    uint8_t c = t->p[i - 1];
    if (c < 0x80)
        return tix__is_alnum(c) || c == '-' ? i - 1 : i;
    size_t k = i - 1;
    while (k > 0 && i - k < 4 && (t->p[k] & 0xC0) == 0x80)
        k--;
    size_t len = tix__u8_name_letter(t->p + k, t->n - k);
    return len && k + len == i ? k : i;
}

bool tix__email_local_char(unsigned char c);

/* ---- dotted names and IPv4 ---------------------------------------------- */

#define NAME_TOKEN_MAX 512

static bool all_digits_dots(const uint8_t *p, size_t s, size_t e)
{
    for (size_t i = s; i < e; i++)
        if (!(tix__is_digit(p[i]) || p[i] == '.'))
            return false;
    return true;
}

/* Extent of the dotted token around the '.' at i, the slow way, for names
 * with non-ASCII letters. */
static void name_extent(const struct tix__text *t, size_t i, size_t *ps,
                        size_t *pe)
{
    const uint8_t *p = t->p;
    size_t s = i;
    for (;;) {
        size_t k = name_char_back(t, s);
        if (k == s) {
            if (s > 0 && p[s - 1] == '.' && i - s < NAME_TOKEN_MAX) {
                s--;
                continue;
            }
            break;
        }
        s = k;
        if (i - s > NAME_TOKEN_MAX)
            break;
    }
    size_t e = i;
    for (;;) {
        size_t len = at(t, e) == '.' ? 1 : name_char(t, e);
        if (len == 0)
            break;
        e += len;
        if (e - s > NAME_TOKEN_MAX)
            break;
    }
    *ps = s;
    *pe = e;
}

/* Every label with a non-ASCII letter has two characters or more. */
static bool idn_labels_ok(const uint8_t *p, size_t s, size_t e)
{
    size_t chars = 0;
    bool hi = false;
    for (size_t k = s; k <= e; k++) {
        if (k == e || p[k] == '.') {
            if (hi && chars < 2)
                return false;
            chars = 0;
            hi = false;
            continue;
        }
        if (p[k] >= 0x80)
            hi = true;
        if ((p[k] & 0xC0) != 0x80) /* count code points, not bytes */
            chars++;
    }
    return true;
}

/* '.' at i, between two name characters. Returns the index scanning may
 * resume from. */
static size_t on_dot(struct tix__text *t, size_t i, int *err)
{
    const uint8_t *p = t->p;
    size_t n = t->n;
    size_t s = i, e = i + 1;
    while (s > 0 && (cls[p[s - 1]] & (C_NAME | C_DOT)) && i - s <= NAME_TOKEN_MAX)
        s--;
    while (e < n && (cls[p[e]] & (C_NAME | C_DOT)) && e - s <= NAME_TOKEN_MAX)
        e++;
    if ((s > 0 && p[s - 1] >= 0x80) || (e < n && p[e] >= 0x80))
        name_extent(t, i, &s, &e);
    size_t resume = e;
    if (e - s > NAME_TOKEN_MAX) {
        /* far too long for a name: skip the whole run */
        while (at(t, resume) == '.' || name_char(t, resume))
            resume += at(t, resume) == '.' ? 1 : name_char(t, resume);
        return resume;
    }
    while (s < e && (p[s] == '.' || p[s] == '-'))
        s++;
    while (e > s && (p[e - 1] == '.' || p[e - 1] == '-'))
        e--;
    if (e - s < 3)
        return resume;
    uint8_t before = s > 0 ? p[s - 1] : 0, after = at(t, e);
    if (after == '@' || before == '_' || after == '_')
        return resume;
    /* the domain of an e-mail address is reported with the address; a name
     * after a lone '@' ("dig @8.8.8.8") is not part of one */
    if (before == '@' && s >= 2 && tix__email_local_char(p[s - 2]))
        return resume;
    /* after "//" or "\\" a name is a host (of a URL without scheme or a
     * UNC path); after a single slash or backslash it is a path component
     * (/tmp/x.sh, Chrome/122.0.0.0, C:\Temp\a.ps1) */
    if ((before == '/' || before == '\\') && !(s >= 2 && p[s - 2] == before))
        return resume;

    /* one pass: digits only? where does the last label start? */
    uint8_t all = 0xff, any = 0, label = 0, label_all = 0xff;
    size_t l = s, dots = 0;
    for (size_t k = s; k < e; k++) {
        uint8_t c = cls[p[k]];
        if (c & C_DOT) {
            dots++;
            l = k + 1;
            label = 0;
            label_all = 0xff;
            continue;
        }
        all &= c;
        any |= c;
        label |= c;
        label_all &= c;
    }
    if (all & C_DIGIT) {
        size_t ee = e;
        if (after == '/') {
            /* CIDR suffix */
            size_t d = e + 1;
            while (d < n && (cls[p[d]] & C_DIGIT) && d - e <= 3)
                d++;
            uint8_t c = at(t, d);
            if (d > e + 1 && d - e <= 3 && !(cls[c] & C_ALNUM) && c != '/' &&
                !(c == '.' && (cls[at(t, d + 1)] & C_DIGIT)))
                ee = d;
        }
        if (dots != 3)
            return resume;
        if (!try_hit(t, TIX_OBS_IPV4, tix__canon_ipv4, s, ee, false, err) &&
            ee != e)
            try_hit(t, TIX_OBS_IPV4, tix__canon_ipv4, s, e, false, err);
        return resume;
    }
    /* the last label: letters needed, mixed case means code
     * (System.Net, Console.WriteLine) */
    if ((label & (C_UPPER | C_LOWER)) == (C_UPPER | C_LOWER))
        return resume;
    /* every top-level domain is letters, or an A-label */
    bool letters = (label_all & C_ALNUM) && !(label & C_DIGIT);
    if (!(label & C_HI) && !(letters && e - l >= 2) &&
        !(e - l > 4 && memcmp(p + l, "xn--", 4) == 0))
        return resume;
    bool defanged = edited(t, s, e);
    if (!defanged && tix__tld_is_file_ext((const char *)p + l, e - l)) {
        /* a bare name ending in a file extension is a file: setup.zip, and
         * the double-extension lure invoice.pdf.zip */
        if (dots == 1)
            return resume;
        size_t l2 = l - 1;
        while (l2 > s && p[l2 - 1] != '.')
            l2--;
        if (tix__is_doc_ext((const char *)p + l2, l - 1 - l2))
            return resume;
    }
    if (any & C_HI) {
        /* a label of one non-ASCII letter alone is what random bytes
         * make, not what registries hand out */
        if (!idn_labels_ok(p, s, e))
            return resume;
    }
    try_hit(t, TIX_OBS_DOMAIN, tix__canon_domain, s, e, false, err);
    return resume;
}

/* ---- URLs and IPv6 ------------------------------------------------------ */

static bool url_stop(uint8_t c)
{
    return c <= 0x20 || c == 0x7f || c == '"' || c == '\'' || c == '<' ||
           c == '>' || c == '`' || c == '|' || c == '{' || c == '}' ||
           c == '^' || c == '\\';
}

static size_t count_byte(const uint8_t *p, size_t s, size_t e, uint8_t c)
{
    size_t k = 0;
    for (size_t i = s; i < e; i++)
        k += p[i] == c;
    return k;
}

/* "://" at i. */
static size_t on_url(struct tix__text *t, size_t i, int *err)
{
    const uint8_t *p = t->p;
    size_t k = i;
    while (k > 0 && i - k < 6 && tix__is_alnum(p[k - 1]) && !tix__is_digit(p[k - 1]))
        k--;
    if (k == i || (k > 0 && tix__is_alnum(p[k - 1])))
        return i + 1;
    bool scheme_defanged = false;
    if (tix__url_scheme((const char *)p + k, i - k, &scheme_defanged) == NULL)
        return i + 1;
    size_t j = i + 3;
    while (j < t->n && !url_stop(p[j]) && j - k <= TIX_OBS_VALUE_MAX)
        j++;
    if (j - k > TIX_OBS_VALUE_MAX)
        return i + 1;

    /* authority: [userinfo@]host[:port] */
    size_t a = i + 3, ae = a;
    while (ae < j && p[ae] != '/' && p[ae] != '?' && p[ae] != '#')
        ae++;
    size_t h = a;
    for (size_t q = a; q < ae; q++)
        if (p[q] == '@')
            h = q + 1;
    size_t he = h;
    if (he < ae && p[he] == '[') {
        while (he < ae && p[he] != ']')
            he++;
        if (he == ae)
            return i + 1;
        he++;
    } else {
        for (;;) {
            size_t len = at(t, he) == '.' ? 1 : name_char(t, he);
            if (len == 0 || he + len > ae)
                break;
            he += len;
        }
    }
    size_t hend = he; /* host end before trimming a final dot */
    while (hend > h && p[hend - 1] == '.')
        hend--;
    if (hend == h)
        return i + 1;
    size_t pe = he;
    if (pe < ae && p[pe] == ':') {
        size_t d = pe + 1;
        while (d < ae && tix__is_digit(p[d]))
            d++;
        if (d > pe + 1)
            pe = d;
    }
    if (pe < ae || (pe < j && p[pe] != '/' && p[pe] != '?' && p[pe] != '#')) {
        /* the authority ends in something that is no host or port:
         * the URL ends with the host */
        j = pe;
    }
    if (pe == he && he != hend)
        j = hend; /* "http://evil.com." */
    /* trailing punctuation and unbalanced closers belong to the sentence */
    while (j > pe) {
        uint8_t c = p[j - 1];
        if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' ||
            c == '?' || c == '*') {
            j--;
        } else if (c == ')' &&
                   count_byte(p, k, j, '(') < count_byte(p, k, j, ')')) {
            j--;
        } else if (c == ']' &&
                   count_byte(p, k, j, '[') < count_byte(p, k, j, ']')) {
            j--;
        } else {
            break;
        }
    }
    if (!try_hit(t, TIX_OBS_URL, tix__canon_url, k, j, scheme_defanged, err))
        return i + 1;
    /* the host on its own */
    if (p[h] == '[') {
        try_hit(t, TIX_OBS_IPV6, tix__canon_ipv6, h + 1, hend - 1, false, err);
    } else if (all_digits_dots(p, h, hend)) {
        try_hit(t, TIX_OBS_IPV4, tix__canon_ipv4, h, hend, false, err);
    } else {
        try_hit(t, TIX_OBS_DOMAIN, tix__canon_domain, h, hend, false, err);
    }
    return j;
}

static inline bool v6_char(uint8_t c)
{
    return tix__is_hex(c) || c == ':' || c == '.';
}

/* Where to go on after the ':' at i when p[..e) is no IPv6 address: past
 * the other colons of the run (12:34:56 is looked at once), but not past a
 * dot, which may begin an IPv4 address or a name ("a:1.2.3.4"). */
static size_t v6_fail(const uint8_t *p, size_t i, size_t e)
{
    size_t k = i + 1;
    while (k < e && p[k] != '.')
        k++;
    return k;
}

/* ':' at i not followed by "//". */
static size_t on_colon(struct tix__text *t, size_t i, int *err)
{
    const uint8_t *p = t->p;
    uint8_t l = i > 0 ? p[i - 1] : 0, r = at(t, i + 1);
    if (!(tix__is_hex(l) || l == ':') || !(tix__is_hex(r) || r == ':'))
        return i + 1;
    size_t s = i, e = i + 1;
    while (s > 0 && v6_char(p[s - 1]) && i - s < 64)
        s--;
    while (e < t->n && v6_char(p[e]) && e - i < 64)
        e++;
    if ((s > 0 && (tix__is_alnum(p[s - 1]) || v6_char(p[s - 1]))) ||
        tix__is_alnum(at(t, e)) || v6_char(at(t, e)))
        return i + 1;
    while (s < e && p[s] == '.')
        s++;
    while (e > s && p[e - 1] == '.')
        e--;
    if (e - s >= 2 && p[e - 1] == ':' && p[e - 2] != ':')
        e--; /* "address 2001:db8::1:" is a sentence, not a group */
    size_t colons = count_byte(p, s, e, ':');
    bool hexdigit = false;
    for (size_t k = s; k < e; k++)
        if (tix__is_hex(p[k]))
            hexdigit = true;
    if (colons < 2 || !hexdigit)
        return v6_fail(p, i, e);
    /* without "::" an address has 7 colons, or 6 before a dotted quad:
     * 12:34:56 and MAC addresses stop here */
    bool dbl = false;
    for (size_t k = s; k + 1 < e; k++)
        if (p[k] == ':' && p[k + 1] == ':')
            dbl = true;
    if (!dbl && colons != 7 && !(colons == 6 && memchr(p + s, '.', e - s)))
        return v6_fail(p, i, e);
    size_t ee = e;
    if (at(t, e) == '/') {
        size_t d = e + 1;
        while (d < t->n && tix__is_digit(p[d]) && d - e <= 4)
            d++;
        if (d > e + 1 && d - e <= 4 && !tix__is_alnum(at(t, d)) &&
            at(t, d) != '/')
            ee = d;
    }
    if (try_hit(t, TIX_OBS_IPV6, tix__canon_ipv6, s, ee, false, err) ||
        (ee != e && try_hit(t, TIX_OBS_IPV6, tix__canon_ipv6, s, e, false, err)))
        return ee;
    return v6_fail(p, i, e);
}

/* ---- e-mail ------------------------------------------------------------- */

static size_t on_at(struct tix__text *t, size_t i, int *err)
{
    const uint8_t *p = t->p;
    size_t s = i;
    while (s > 0 && tix__email_local_char(p[s - 1]) && i - s <= 64)
        s--;
    if (i - s > 64)
        return i + 1;
    while (s < i && p[s] == '.')
        s++;
    if (s == i)
        return i + 1;
    size_t e = i + 1;
    for (;;) {
        size_t len = at(t, e) == '.' ? 1 : name_char(t, e);
        if (len == 0 || e - i > 255)
            break;
        e += len;
    }
    while (e > i + 1 && (p[e - 1] == '.' || p[e - 1] == '-'))
        e--;
    if (e == i + 1 || at(t, e) == '@' || at(t, e) == '_')
        return i + 1;
    if (try_hit(t, TIX_OBS_EMAIL, tix__canon_email, s, e, false, err))
        return e;
    return i + 1;
}

/* ---- CVE ---------------------------------------------------------------- */

static void on_dash(struct tix__text *t, size_t i, int *err)
{
    const uint8_t *p = t->p;
    if (i < 3 || tix__lower(p[i - 1]) != 'e' || tix__lower(p[i - 2]) != 'v' ||
        tix__lower(p[i - 3]) != 'c' || (i > 3 && tix__is_alnum(p[i - 4])))
        return;
    size_t e = i + 1;
    while (e < t->n && (tix__is_digit(p[e]) || p[e] == '-') && e - i < 19)
        e++;
    if (tix__is_alnum(at(t, e)))
        return;
    try_hit(t, TIX_OBS_CVE, tix__canon_cve, i - 3, e, false, err);
}

/* ---- long alphanumeric runs --------------------------------------------- */

static bool canon_md5(const char *s, size_t n, tix_buf *o) { return tix__canon_hex(s, n, 16, o); }
static bool canon_sha1(const char *s, size_t n, tix_buf *o) { return tix__canon_hex(s, n, 20, o); }
static bool canon_sha256(const char *s, size_t n, tix_buf *o) { return tix__canon_hex(s, n, 32, o); }
static bool canon_sha512(const char *s, size_t n, tix_buf *o) { return tix__canon_hex(s, n, 64, o); }

/* Is p[s..e) all base58 (no 0 O I l)? Cheap, and rejects most base64. */
static bool base58_run(const uint8_t *p, size_t s, size_t e)
{
    for (size_t i = s; i < e; i++)
        if (p[i] == '0' || p[i] == 'O' || p[i] == 'I' || p[i] == 'l')
            return false;
    return true;
}

/* A maximal run p[s..e) of RUN_MIN or more letters and digits. */
static void on_run(struct tix__text *t, size_t s, size_t e, int *err)
{
    const uint8_t *p = t->p;
    size_t len = e - s;
    bool hit = false;
    switch (len) {
    case 32: hit = try_hit(t, TIX_OBS_MD5, canon_md5, s, e, false, err); break;
    case 40: hit = try_hit(t, TIX_OBS_SHA1, canon_sha1, s, e, false, err); break;
    case 64: hit = try_hit(t, TIX_OBS_SHA256, canon_sha256, s, e, false, err); break;
    case 128: hit = try_hit(t, TIX_OBS_SHA512, canon_sha512, s, e, false, err); break;
    default: break;
    }
    if (hit)
        return;
    if (len >= 26 && len <= 35 && (p[s] == '1' || p[s] == '3')) {
        if (base58_run(p, s, e))
            try_hit(t, TIX_OBS_BTC, tix__canon_btc, s, e, false, err);
    } else if (len <= 90 && tix__lower(p[s]) == 'b' &&
               tix__lower(p[s + 1]) == 'c' && p[s + 2] == '1') {
        try_hit(t, TIX_OBS_BTC, tix__canon_btc, s, e, false, err);
    } else if ((len == 95 || len == 106) && (p[s] == '4' || p[s] == '8')) {
        if (base58_run(p, s, e))
            try_hit(t, TIX_OBS_XMR, tix__canon_xmr, s, e, false, err);
    }
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
        uint16_t after = blk + 64 < n ? cls[p[blk + 64]] : 0;
        if (want_runs) {
            uint64_t al = cur.alnum;
            if (carry && al != ~0ull) {
                /* the run that reached the end of the last block ends in
                 * this one; only a long one is worth a look */
                size_t lead = (size_t)__builtin_ctzll(~al);
                if (carry + lead >= RUN_MIN && blk - carry >= run_resume) {
                    on_run(t, blk - carry, blk + lead, &err);
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
                on_run(t, s, e, &err);
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
         * slash, an '@' before a name byte, a '-' after an 'e' (CVE-).
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
                               (cur.dash & (cur.e << 1 | e_top))
                         : 0;
        name_top = name >> 63;
        v6_top = v6 >> 63;
        e_top = cur.e >> 63;
        while (a) {
            size_t i = blk + (size_t)__builtin_ctzll(a);
            a &= a - 1;
            uint8_t c = p[i];
            if (c == '-') {
                on_dash(t, i, &err);
                continue;
            }
            if (i < resume)
                continue;
            if (c == '.')
                resume = on_dot(t, i, &err);
            else if (c == '@')
                resume = on_at(t, i, &err);
            else if (at(t, i + 1) == '/' && at(t, i + 2) == '/')
                resume = on_url(t, i, &err);
            else
                resume = on_colon(t, i, &err);
        }
    }
    if (want_runs && carry >= RUN_MIN && n >= carry && n - carry >= run_resume &&
        err == 0)
        on_run(t, n - carry, n, &err); /* a run that ends the text */
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
    cls_init();
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
