/* token.h - what the token parsers of the scanner share. Not API.
 *
 * The driver (text.c) finds anchors; one parser per kind of token
 * (token_*.c) decides what is there and records hits through try_hit().
 */
#ifndef TIX_EXTRACT_TOKEN_H
#define TIX_EXTRACT_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/canon.h"
#include "extract/internal.h"

/* Byte classes, one table for the whole scanner (chars.c). */
enum {
    C_ALNUM = 1,  /* ASCII letter or digit */
    C_NAME = 2,   /* may be in a host name label: letter, digit, '-' */
    C_DOT = 4,    /* '.' */
    C_HI = 8,     /* a byte >= 0x80 (maybe part of an IDN letter) */
    C_V6 = 16,    /* hex digit, ':' or '.' */
    C_DIGIT = 32,
    C_UPPER = 64,
    C_LOWER = 128,
    C_LEAD = 256, /* a UTF-8 lead byte of a possible IDN letter */
    C_SLASH = 512,
};

extern uint16_t tix__cls[256];
void tix__cls_init(void); /* once, before any scan */

/* Longest dotted token looked at; longer runs are skipped whole. */
#define NAME_TOKEN_MAX 512

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
size_t tix__name_char_back(const struct tix__text *t, size_t i);


static inline size_t count_byte(const uint8_t *p, size_t s, size_t e, uint8_t c)
{
    size_t k = 0;
    for (size_t i = s; i < e; i++)
        k += p[i] == c;
    return k;
}

static inline bool all_digits_dots(const uint8_t *p, size_t s, size_t e)
{
    for (size_t i = s; i < e; i++)
        if (!(tix__is_digit(p[i]) || p[i] == '.'))
            return false;
    return true;
}

/* ---- hits (hits.c) */

/* Is the type asked for? Parsers whose next step does not depend on a
 * value's validity skip validating values nobody asked for. */
static inline bool tix__wanted(const struct tix__text *t, tix_obs_type type)
{
    return (t->ex->types & TIX_OBS_BIT(type)) != 0;
}

typedef bool (*canon_fn)(const char *, size_t, tix_buf *);

/* Does p[s..e) span a refang replacement? */
bool tix__edited(struct tix__text *t, size_t s, size_t e);

/* Canonicalise p[s..e) with fn and record it as a hit of type; false when
 * the value is invalid. Sets *err on OOM. */
bool tix__try_hit(struct tix__text *t, tix_obs_type type, canon_fn fn,
                  size_t s, size_t e, bool defanged, int *err);

/* Record p[s..e) as a hit whose canonical value is already known. */
bool tix__add_value(struct tix__text *t, tix_obs_type type, size_t s,
                    size_t e, const char *value, size_t len, bool defanged,
                    int *err);

/* ---- the parsers: each is given an anchor and returns where scanning
 * goes on */

size_t tix__on_dot(struct tix__text *t, size_t i, int *err);   /* names, IPv4 */
size_t tix__on_url(struct tix__text *t, size_t i, int *err);   /* "://" at i */
size_t tix__on_colon(struct tix__text *t, size_t i, int *err); /* IPv6 */
size_t tix__on_at(struct tix__text *t, size_t i, int *err);    /* e-mail */
void tix__on_dash(struct tix__text *t, size_t i, int *err);    /* CVE */
void tix__on_asn(struct tix__text *t, size_t i, int *err);     /* "AS" at i */
/* A maximal run p[s..e) of letters and digits: hashes and wallets. */
void tix__on_run(struct tix__text *t, size_t s, size_t e, int *err);

#endif
