/* token_url.c - URLs: a known scheme, a valid host, and an end where the
 * sentence's punctuation, bracket or quote begins. */
#include <stdlib.h>
#include <string.h>

#include "extract/token.h"


/* Bytes that end a URL, as a bit table: whitespace and controls, quotes,
 * angle brackets, and what RFC 3986 never allows unescaped. */
static const uint32_t url_stops[8] = {
    0xffffffffu,                                  /* 0x00-0x1f */
    (1u << 0) | (1u << 2) | (1u << 7) | (1u << 28) | (1u << 30), /* ' ' " ' < > */
    (1u << 28) | (1u << 30),                      /* \ ^ */
    (1u << 0) | (1u << 27) | (1u << 28) | (1u << 29) | (1u << 31), /* ` { | } DEL */
    0, 0, 0, 0,
};

static inline bool url_stop(uint8_t c)
{
    return (url_stops[c >> 5] >> (c & 31)) & 1;
}

/* "://" at i. */
size_t tix__on_url(struct tix__text *t, size_t i, int *err)
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
    /* where the URL stops; what earlier candidates learnt is reused, so a
     * long run of "http://http://..." is read once, not once per colon */
    size_t j = i + 3;
    bool known = j >= t->url_from && j <= t->url_to;
    if (known)
        j = t->url_to;
    while (j < t->n && !url_stop(p[j]) && j - k <= TIX_OBS_VALUE_MAX)
        j++;
    if (!known)
        t->url_from = i + 3;
    t->url_to = j;
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
    tix_buf *u = &t->out->scratch;
    tix_buf_reset(u);
    if (!tix__canon_url((const char *)p + k, j - k, u))
        return i + 1;
    tix__add_value(t, TIX_OBS_URL, k, j, u->p, u->len, scheme_defanged, err);
    /* the host on its own, as the canonical URL spells it: after the
     * scheme, "://" and the userinfo kept as written */
    size_t hs = (size_t)((const char *)memchr(u->p, ':', u->len) - u->p) + 3 +
                (h - a);
    size_t hl = 0;
    if (p[h] == '[') {
        while (hs + hl < u->len && u->p[hs + hl] != ']')
            hl++;
        tix__add_value(t, TIX_OBS_IPV6, h + 1, hend - 1, u->p + hs + 1, hl - 1,
                       false, err);
    } else {
        while (hs + hl < u->len && u->p[hs + hl] != ':' && u->p[hs + hl] != '/' &&
               u->p[hs + hl] != '?' && u->p[hs + hl] != '#')
            hl++;
        tix__add_value(t, all_digits_dots(p, h, hend) ? TIX_OBS_IPV4 : TIX_OBS_DOMAIN,
                       h, hend, u->p + hs, hl, false, err);
    }
    return j;
}
