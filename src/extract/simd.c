/* simd.c - 64-byte block masks for the refang and UTF-16 passes, in the
 * widest vector width the CPU has (chosen once). */
#include <pthread.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "extract/internal.h"

static inline int opener_next(uint8_t c)
{
    c |= 0x20; /* '.' ':' stay, '@' becomes '`', D A become d a */
    return c == '.' || c == ':' || c == '`' || c == 'd' || c == 'a';
}

static uint64_t openers_scalar(const uint8_t *p)
{
    uint64_t m = 0;
    for (int i = 0; i < 64; i++)
        if ((p[i] == '[' || p[i] == '(' || p[i] == '{' || p[i] == '\\') &&
            opener_next(p[i + 1]))
            m |= 1ull << i;
    return m;
}

static inline int u16_printable(uint8_t c)
{
    return c > 0x1f && c < 0x7f;
}

static uint64_t u16_scalar(const uint8_t *p)
{
    uint64_t m = 0;
    for (int i = 0; i < 64; i++)
        if (u16_printable(p[i]) && p[i + 1] == 0)
            m |= 1ull << i;
    return m;
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) static uint64_t openers_avx2(const uint8_t *p)
{
    uint64_t m = 0;
    for (int k = 0; k < 2; k++) {
        __m256i x = _mm256_loadu_si256((const __m256i *)(p + 32 * k));
        __m256i y = _mm256_or_si256(
            _mm256_loadu_si256((const __m256i *)(p + 32 * k + 1)), _mm256_set1_epi8(0x20));
        __m256i r = _mm256_or_si256(
            _mm256_or_si256(_mm256_cmpeq_epi8(x, _mm256_set1_epi8('[')),
                            _mm256_cmpeq_epi8(x, _mm256_set1_epi8('('))),
            _mm256_or_si256(_mm256_cmpeq_epi8(x, _mm256_set1_epi8('{')),
                            _mm256_cmpeq_epi8(x, _mm256_set1_epi8('\\'))));
        /* the byte after must start a defanged body: . : @ dot at */
        __m256i nx = _mm256_or_si256(
            _mm256_or_si256(_mm256_cmpeq_epi8(y, _mm256_set1_epi8('.')),
                            _mm256_cmpeq_epi8(y, _mm256_set1_epi8(':'))),
            _mm256_or_si256(_mm256_cmpeq_epi8(y, _mm256_set1_epi8('`')),
                            _mm256_or_si256(_mm256_cmpeq_epi8(y, _mm256_set1_epi8('d')),
                                            _mm256_cmpeq_epi8(y, _mm256_set1_epi8('a')))));
        r = _mm256_and_si256(r, nx);
        m |= (uint64_t)(uint32_t)_mm256_movemask_epi8(r) << (32 * k);
    }
    return m;
}

__attribute__((target("avx2"))) static uint64_t u16_avx2(const uint8_t *p)
{
    uint64_t m = 0;
    for (int k = 0; k < 2; k++) {
        __m256i x = _mm256_loadu_si256((const __m256i *)(p + 32 * k));
        __m256i y = _mm256_loadu_si256((const __m256i *)(p + 32 * k + 1));
        __m256i pr = _mm256_and_si256(_mm256_cmpgt_epi8(x, _mm256_set1_epi8(0x1f)),
                                      _mm256_cmpgt_epi8(_mm256_set1_epi8(0x7f), x));
        __m256i r = _mm256_and_si256(pr, _mm256_cmpeq_epi8(y, _mm256_setzero_si256()));
        m |= (uint64_t)(uint32_t)_mm256_movemask_epi8(r) << (32 * k);
    }
    return m;
}

__attribute__((target("avx512f,avx512bw"))) static uint64_t
openers_avx512(const uint8_t *p)
{
    __m512i x = _mm512_loadu_si512((const void *)p);
    __m512i y = _mm512_or_si512(_mm512_loadu_si512((const void *)(p + 1)),
                                _mm512_set1_epi8(0x20));
    __mmask64 o = _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('[')) |
                  _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('(')) |
                  _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('{')) |
                  _mm512_cmpeq_epi8_mask(x, _mm512_set1_epi8('\\'));
    if (o == 0)
        return 0;
    /* the byte after must start a defanged body: . : @ dot at */
    return o & (_mm512_cmpeq_epi8_mask(y, _mm512_set1_epi8('.')) |
                _mm512_cmpeq_epi8_mask(y, _mm512_set1_epi8(':')) |
                _mm512_cmpeq_epi8_mask(y, _mm512_set1_epi8('`')) |
                _mm512_cmpeq_epi8_mask(y, _mm512_set1_epi8('d')) |
                _mm512_cmpeq_epi8_mask(y, _mm512_set1_epi8('a')));
}

__attribute__((target("avx512f,avx512bw"))) static uint64_t
u16_avx512(const uint8_t *p)
{
    __m512i x = _mm512_loadu_si512((const void *)p);
    __m512i y = _mm512_loadu_si512((const void *)(p + 1));
    __mmask64 pr = _mm512_cmpgt_epu8_mask(x, _mm512_set1_epi8(0x1f)) &
                   _mm512_cmplt_epu8_mask(x, _mm512_set1_epi8(0x7f));
    return pr & _mm512_testn_epi8_mask(y, y);
}
#endif

/* ---- prescan: the first opener and whether there is any NUL, one pass */

static size_t prescan_tail(const uint8_t *p, size_t i, size_t n, size_t first,
                           bool *zero)
{
    for (; i < n; i++) {
        if (p[i] == 0)
            *zero = true;
        if (first == n && (p[i] == '[' || p[i] == '(' || p[i] == '{' ||
                           p[i] == '\\'))
            first = i;
    }
    return first;
}

static size_t prescan_scalar(const uint8_t *p, size_t n, bool *zero)
{
    *zero = false;
    return prescan_tail(p, 0, n, n, zero);
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) static size_t prescan_avx2(const uint8_t *p,
                                                           size_t n, bool *zero)
{
    size_t first = n, i = 0;
    __m256i z = _mm256_setzero_si256();
    for (; i + 65 <= n; i += 32) {
        __m256i x = _mm256_loadu_si256((const __m256i *)(p + i));
        z = _mm256_or_si256(z, _mm256_cmpeq_epi8(x, _mm256_setzero_si256()));
        if (first == n) {
            uint64_t o = openers_avx2(p + i);
            if (o)
                first = i + (size_t)__builtin_ctzll(o);
        }
    }
    *zero = _mm256_movemask_epi8(z) != 0;
    return prescan_tail(p, i, n, first, zero);
}

__attribute__((target("avx512f,avx512bw"))) static size_t
prescan_avx512(const uint8_t *p, size_t n, bool *zero)
{
    size_t first = n, i = 0;
    __mmask64 z = 0;
    for (; i + 65 <= n; i += 64) {
        __m512i x = _mm512_loadu_si512((const void *)(p + i));
        z |= _mm512_testn_epi8_mask(x, x);
        if (first == n) {
            uint64_t o = openers_avx512(p + i);
            if (o)
                first = i + (size_t)__builtin_ctzll(o);
        }
    }
    *zero = z != 0;
    return prescan_tail(p, i, n, first, zero);
}
#endif

/* ---- whole-loop searches, so there is no call per block */

#define NEXT_FN(name, mask64, attr)                                        \
    attr static size_t name(const uint8_t *p, size_t i, size_t n)          \
    {                                                                      \
        while (i + 65 <= n) {                                              \
            uint64_t m = mask64(p + i);                                    \
            if (m)                                                         \
                return i + (size_t)__builtin_ctzll(m);                     \
            i += 64;                                                       \
        }                                                                  \
        return i;                                                          \
    }

NEXT_FN(next_opener_scalar, openers_scalar, )
NEXT_FN(next_u16_scalar, u16_scalar, )
#if defined(__x86_64__)
NEXT_FN(next_opener_avx2, openers_avx2, __attribute__((target("avx2"))))
NEXT_FN(next_u16_avx2, u16_avx2, __attribute__((target("avx2"))))
NEXT_FN(next_opener_avx512, openers_avx512,
        __attribute__((target("avx512f,avx512bw"))))
NEXT_FN(next_u16_avx512, u16_avx512, __attribute__((target("avx512f,avx512bw"))))
#endif

size_t (*tix__next_opener64)(const uint8_t *p, size_t i, size_t n) = next_opener_scalar;
size_t (*tix__next_u16_64)(const uint8_t *p, size_t i, size_t n) = next_u16_scalar;
size_t (*tix__prescan)(const uint8_t *p, size_t n, bool *zero) = prescan_scalar;
uint64_t (*tix__u16_64)(const uint8_t *p) = u16_scalar;

/* Use the widest vectors the CPU has, but none wider than level (0: none,
 * 1: AVX2, 2: AVX-512BW). */
static void pick_level(int level)
{
    tix__u16_64 = u16_scalar;
    tix__prescan = prescan_scalar;
    tix__next_opener64 = next_opener_scalar;
    tix__next_u16_64 = next_u16_scalar;
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (level >= 1 && __builtin_cpu_supports("avx2")) {
        tix__u16_64 = u16_avx2;
        tix__prescan = prescan_avx2;
        tix__next_opener64 = next_opener_avx2;
        tix__next_u16_64 = next_u16_avx2;
    }
    if (level >= 2 && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512f")) {
        tix__u16_64 = u16_avx512;
        tix__prescan = prescan_avx512;
        tix__next_opener64 = next_opener_avx512;
        tix__next_u16_64 = next_u16_avx512;
    }
#else
    (void)level;
#endif
}

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void pick(void)
{
    pick_level(2);
}

void tix__simd_init(void)
{
    pthread_once(&once, pick);
}

void tix__simd_pick(int level)
{
    pthread_once(&once, pick);
    pick_level(level);
}
