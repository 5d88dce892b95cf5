/* internal.h - what the log matcher's files share. Not API.
 *
 * The matcher is four exact-match sets behind one Bloom filter:
 *
 *   ipv4, ipv6  keyed by (address, prefix length): a /32 (/128) is a host,
 *               shorter prefixes come from block lists (Spamhaus DROP) and
 *               are looked up once per prefix length present;
 *   domain      keyed by a hash that is composed label by label from the
 *               right, so "a.b.evil.com" yields the hashes of evil.com,
 *               b.evil.com and a.b.evil.com in one pass;
 *   url         keyed by a hash of the canonical URL.
 *
 * Every key's 64-bit hash sets three bits in one 64-bit word of the Bloom
 * filter (about 8 to 16 bits per key: 2 MiB for a million indicators, so
 * that it stays in L2), and a lookup only goes to the big open-addressing
 * tables when all three are set. A host address also puts the hash of its
 * text in the filter, so that the DNS reader rules most client addresses
 * out without parsing them. Table entries keep the full hash next to the
 * key: a probe compares the string only when the hashes agree. Strings
 * live in one arena; nothing is allocated after tix_matcher_build but the
 * two buffers of a tix_match_log call.
 */
#ifndef TIX_MATCH_INTERNAL_H
#define TIX_MATCH_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tix/buf.h"
#include "tix/match.h"

/* Longest name checked (RFC 1035: 253 characters without the final dot). */
#define TIX__MT_NAME_MAX 253

/* A string (domain, URL) entry: hash 0 marks an empty slot. The string is
 * at arena + off: a 2-byte length, then the bytes. */
typedef struct {
    uint64_t h;
    uint32_t off;
    uint32_t payload;
} tix__mt_sent;

/* An IPv4 entry: key = (plen + 1) << 32 | network, so 0 is an empty slot. */
typedef struct {
    uint64_t key;
    uint32_t payload;
    uint32_t pad;
} tix__mt_v4ent;

/* An IPv6 entry: plen1 = prefix length + 1, 0 for an empty slot. */
typedef struct {
    uint64_t hi, lo;
    uint32_t payload;
    uint32_t plen1;
} tix__mt_v6ent;

/* A value waiting for tix_matcher_build (12 bytes: a million of them are
 * staged at once). */
typedef struct {
    uint32_t a;       /* IPv4: network; IPv6: index in v6keys; strings:
                       * arena offset */
    uint32_t payload;
    uint8_t type;
    uint8_t plen;     /* IPs */
} tix__mt_pending;

struct tix_matcher {
    bool built;
    size_t count;            /* distinct indicators (after build) */
    tix__mt_pending *pend;
    size_t npend, cappend;
    uint64_t (*v6keys)[2];
    size_t nv6keys, capv6keys;
    tix_buf arena;           /* domain and URL strings */

    uint64_t *bloom;
    unsigned bloom_shift;    /* word index = hash >> bloom_shift */

    tix__mt_v4ent *v4;
    size_t v4_mask;
    uint8_t v4_plens[33];    /* prefix lengths present, longest first */
    unsigned n_v4_plens;

    tix__mt_v6ent *v6;
    size_t v6_mask;
    uint8_t v6_plens[129];
    unsigned n_v6_plens;

    tix__mt_sent *dom;
    size_t dom_mask;
    tix__mt_sent *url;
    size_t url_mask;
    size_t n_v4, n_v6, n_dom, n_url;
    uint8_t cls[256];        /* character classes of the token scanner */
};

/* ---- hashing ------------------------------------------------------------ */

#define TIX__MT_K 0x9e3779b97f4a7c15ull
#define TIX__MT_SEED_DOM 0x243f6a8885a308d3ull
#define TIX__MT_SEED_URL 0x13198a2e03707344ull

static inline uint64_t tix__mt_load64(const unsigned char *p)
{
    uint64_t v;
    memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v);
#endif
    return v;
}

/* murmur3's 64-bit finaliser; never 0 (0 marks empty slots). */
static inline uint64_t tix__mt_fin(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h ? h : 1;
}

/* Fold bytes s[0..n) into h, 8 at a time. s must be readable up to the
 * next multiple of 8 past n: bytes beyond n are masked off. (Neither names
 * nor URLs hold NUL bytes, so the zero padding leaves the length in.) */
static inline uint64_t tix__mt_mix(uint64_t h, const unsigned char *s, size_t n)
{
    for (; n >= 8; s += 8, n -= 8) {
        h = (h ^ tix__mt_load64(s)) * TIX__MT_K;
        h ^= h >> 29;
    }
    if (n) {
        h = (h ^ (tix__mt_load64(s) & ((1ull << (8 * n)) - 1))) * TIX__MT_K;
        h ^= h >> 29;
    }
    return h;
}

/* ASCII upper case to lower case in the 8 bytes of x, other bytes as
 * they are. */
static inline uint64_t tix__mt_lower8(uint64_t x)
{
    uint64_t low7 = x & 0x7f7f7f7f7f7f7f7full;
    uint64_t ge_a = low7 + 0x3f3f3f3f3f3f3f3full; /* bit 7: >= 'A' */
    uint64_t gt_z = low7 + 0x2525252525252525ull; /* bit 7: > 'Z' */
    uint64_t up = (ge_a ^ gt_z) & ~x & 0x8080808080808080ull;
    return x | (up >> 2);
}

/* tix__mt_mix of the lower-cased bytes s[0..n). */
static inline uint64_t tix__mt_mix_lower(uint64_t h, const unsigned char *s, size_t n)
{
    for (; n >= 8; s += 8, n -= 8) {
        h = (h ^ tix__mt_lower8(tix__mt_load64(s))) * TIX__MT_K;
        h ^= h >> 29;
    }
    if (n) {
        h = (h ^ (tix__mt_lower8(tix__mt_load64(s)) & ((1ull << (8 * n)) - 1))) * TIX__MT_K;
        h ^= h >> 29;
    }
    return h;
}

static inline uint64_t tix__mt_v4hash(uint32_t net, unsigned plen)
{
    return tix__mt_fin(((uint64_t)(plen + 1) << 32 | net) ^ 0x5bd1e9955bd1e995ull);
}

/* The hash of a host address written as a canonical dotted quad (the 16
 * bytes lo, hi hold it, zero-padded): a log's address can be ruled out
 * without parsing it. */
static inline uint64_t tix__mt_v4shash(uint64_t lo, uint64_t hi)
{
    return tix__mt_fin(((lo ^ 0x452821e638d01377ull) * TIX__MT_K) + hi);
}

static inline uint64_t tix__mt_v6hash(uint64_t hi, uint64_t lo, unsigned plen)
{
    return tix__mt_fin((hi * TIX__MT_K) ^ lo ^ ((uint64_t)plen << 56) ^ 0x94d049bb133111ebull);
}

static inline uint32_t tix__mt_v4mask(unsigned plen)
{
    return plen >= 32 ? ~0u : plen ? ~0u << (32 - plen) : 0;
}

static inline bool tix__mt_bloom(const tix_matcher *m, uint64_t h)
{
    uint64_t w = m->bloom[h >> m->bloom_shift];
    uint64_t b = 1ull << (h & 63) | 1ull << (h >> 6 & 63) | 1ull << (h >> 12 & 63);
    return (w & b) == b;
}

/* Table slot of a hash: bits the Bloom filter does not use. */
#define TIX__MT_SLOT(h, mask) ((size_t)((h) >> 18) & (mask))

static inline const tix__mt_sent *tix__mt_sfind(const tix__mt_sent *t, size_t mask,
                                                const char *arena, uint64_t h,
                                                const char *s, size_t n)
{
    for (size_t i = TIX__MT_SLOT(h, mask);; i = (i + 1) & mask) {
        const tix__mt_sent *e = &t[i];
        if (e->h == 0)
            return NULL;
        if (e->h == h) {
            uint16_t len;
            memcpy(&len, arena + e->off, 2);
            if (len == n && memcmp(arena + e->off + 2, s, n) == 0)
                return e;
        }
    }
}

/* Canonical form of a URL appended to out, fast for the common case
 * (lower-case scheme and host, default port dropped); the full
 * canonicaliser for the rest. false when it is not a URL tix reads. */
bool tix__mt_url_canon(const char *s, size_t n, tix_buf *out);

/* ---- matching a log ----------------------------------------------------- */


/* A name ready to be looked up: lower-cased, the hashes of its suffixes of
 * two labels or more computed (shortest first), so that the DNS reader can
 * prefetch their Bloom words for a batch of lines before it checks any. */
#define TIX__MT_SUF 8
typedef struct {
    const char *tok;          /* as reported: the name in the line */
    size_t n;                 /* without a trailing dot */
    unsigned nsuf;            /* suffixes in h[] and start[] */
    bool deep;                /* more than TIX__MT_SUF: checked the slow way */
    bool v4;                  /* a dotted quad, in ip */
    uint32_t ip;
    uint8_t start[TIX__MT_SUF];
    uint64_t h[TIX__MT_SUF];
    unsigned char name[TIX__MT_NAME_MAX + 1 + 32];
} tix__mt_nm;

#define TIX__MT_SEEN 32

typedef struct {
    const tix_matcher *m;
    tix_log_match_fn fn;
    void *ud;
    tix_match_stats *st;
    uint64_t line;
    const char *text;
    size_t len;
    bool line_hit;
    bool stop;
    unsigned nseen;
    struct {
        uint32_t payload;
        uint8_t type;
    } seen[TIX__MT_SEEN];
    tix_buf canon;   /* a URL's canonical form */
    tix_buf scratch; /* unescaped CSV and JSON strings */
    tix__mt_nm nm;   /* a name being looked up */
} tix__mt_ctx;

/* Read a name token (up to a byte <= 0x20 or end, at most
 * TIX__MT_NAME_MAX + 1 bytes looked at) into nm; returns the end of the
 * token in the input (it may go on past what was read for a name too long
 * to check: nm->n is then 0). */
const char *tix__mt_name_prep(const tix_matcher *m, const char *s, const char *end,
                              tix__mt_nm *nm);
/* The same for a token of known length. */
void tix__mt_name_prep_n(const tix_matcher *m, const char *tok, size_t n, tix__mt_nm *nm);
/* Look a prepared name up and report its hits; in two steps for a batch:
 * which suffixes pass the Bloom filter (their table slots are prefetched),
 * then the table lookups of those and the reports. */
void tix__mt_name_check(tix__mt_ctx *c, const tix__mt_nm *nm);
unsigned tix__mt_name_bloom(const tix_matcher *m, const tix__mt_nm *nm);
void tix__mt_name_report(tix__mt_ctx *c, const tix__mt_nm *nm, unsigned pass);
static inline void tix__mt_prefetch(const tix_matcher *m, uint64_t h)
{
    __builtin_prefetch(&m->bloom[h >> m->bloom_shift]);
}

/* Look a name up with its parents (not the top-level label on its own);
 * a dotted quad goes to the IPv4 set. tok[0..n) is what is reported. */
void tix__mt_name(tix__mt_ctx *c, const char *tok, size_t n);
/* An IPv4 address in s[0..n) (strict dotted quad, as canonical forms are
 * written, leading zeros allowed); false when it is not one. */
bool tix__mt_parse_v4(const char *s, size_t n, uint32_t *ip);
void tix__mt_v4(tix__mt_ctx *c, uint32_t ip, const char *tok, size_t n);
/* An IPv6 address; false when s[0..n) is not one. */
bool tix__mt_try_v6(tix__mt_ctx *c, const char *s, size_t n);
/* A host as written in a URL, a log field or a DNS answer: [v6], v6,
 * IPv4 or a name. */
void tix__mt_host(tix__mt_ctx *c, const char *s, size_t n);
/* A URL: its canonical form, and its host. */
void tix__mt_url(tix__mt_ctx *c, const char *s, size_t n);
/* Fill the token scanner's character classes. */
void tix__mt_classes(uint8_t t[256]);
/* Every IP, name and URL in free text s[0..n). */
void tix__mt_tokens(tix__mt_ctx *c, const char *s, size_t n);
/* Every string value of the JSON text s[0..n); on a syntax error returns
 * false with a reason in why. */
bool tix__mt_json(tix__mt_ctx *c, const char *s, size_t n, const char **why, size_t *at);

#endif
