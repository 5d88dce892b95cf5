/* token_run.c - CVE ids, AS numbers, and the long alphanumeric runs that
 * are hashes or wallet addresses. */
#include <stdlib.h>
#include <string.h>

#include "extract/token.h"


void tix__on_dash(struct tix__text *t, size_t i, int *err)
{
    const uint8_t *p = t->p;
    if (!tix__wanted(t, TIX_OBS_CVE) ||
        i < 3 || tix__lower(p[i - 1]) != 'e' || tix__lower(p[i - 2]) != 'v' ||
        tix__lower(p[i - 3]) != 'c' || (i > 3 && tix__is_alnum(p[i - 4])))
        return;
    size_t e = i + 1;
    while (e < t->n && (tix__is_digit(p[e]) || p[e] == '-') && e - i < 19)
        e++;
    if (tix__is_alnum(at(t, e)))
        return;
    tix__try_hit(t, TIX_OBS_CVE, tix__canon_cve, i - 3, e, false, err);
}


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

/* A maximal run p[s..e) of 14 or more letters and digits. */
void tix__on_run(struct tix__text *t, size_t s, size_t e, int *err)
{
    static const struct {
        size_t len;
        tix_obs_type type;
        canon_fn fn;
    } hashes[] = {
        {32, TIX_OBS_MD5, canon_md5},
        {40, TIX_OBS_SHA1, canon_sha1},
        {64, TIX_OBS_SHA256, canon_sha256},
        {128, TIX_OBS_SHA512, canon_sha512},
    };
    const uint8_t *p = t->p;
    size_t len = e - s;
    for (size_t k = 0; k < sizeof hashes / sizeof hashes[0]; k++)
        if (len == hashes[k].len && tix__wanted(t, hashes[k].type) &&
            tix__try_hit(t, hashes[k].type, hashes[k].fn, s, e, false, err))
            return; /* a hash is nothing else */
    bool btc = tix__wanted(t, TIX_OBS_BTC);
    if (len >= 26 && len <= 35 && (p[s] == '1' || p[s] == '3')) {
        if (btc && base58_run(p, s, e))
            tix__try_hit(t, TIX_OBS_BTC, tix__canon_btc, s, e, false, err);
    } else if (len <= 90 && tix__lower(p[s]) == 'b' &&
               tix__lower(p[s + 1]) == 'c' && p[s + 2] == '1') {
        if (btc)
            tix__try_hit(t, TIX_OBS_BTC, tix__canon_btc, s, e, false, err);
    } else if ((len == 95 || len == 106) && (p[s] == '4' || p[s] == '8')) {
        if (tix__wanted(t, TIX_OBS_XMR) && base58_run(p, s, e))
            tix__try_hit(t, TIX_OBS_XMR, tix__canon_xmr, s, e, false, err);
    }
}

/* Bytes that may stand next to an AS number: space, punctuation of text,
 * or NUL (a C string). Not '+', '/' or '=' (base64), not other controls or
 * high bytes (random data), which would turn noise like "+AS4/" into hits. */
static bool asn_edge(uint8_t c)
{
    return c == 0 || c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
           c == '(' || c == ')' || c == '[' || c == ']' || c == '{' ||
           c == '}' || c == '<' || c == '>' || c == ',' || c == ';' ||
           c == ':' || c == '"' || c == '\'' || c == '#' ||
           c == '|' || c == '!' || c == '?' || c == '.' || c == '-';
}

/* "AS" at i (upper case, as reports write it): AS13335 or ASN13335. */
void tix__on_asn(struct tix__text *t, size_t i, int *err)
{
    const uint8_t *p = t->p;
    if (!tix__wanted(t, TIX_OBS_ASN) || (i > 0 && !asn_edge(p[i - 1])))
        return;
    size_t d = i + 2;
    if (at(t, d) == 'N')
        d++;
    size_t e = d;
    while (e < t->n && tix__is_digit(p[e]) && e - d <= 10)
        e++;
    uint8_t c = at(t, e);
    if (e == d || (e < t->n && !asn_edge(c)) ||
        (c == '.' && tix__is_digit(at(t, e + 1))))
        return;
    tix__try_hit(t, TIX_OBS_ASN, tix__canon_asn, i, e, false, err);
}
