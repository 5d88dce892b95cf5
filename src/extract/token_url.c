/* token_url.c - URLs: a known scheme, a valid host, and an end where the
 * sentence's punctuation, bracket or quote begins. */
#include <stdlib.h>
#include <string.h>

#include "extract/token.h"


static bool url_stop(uint8_t c)
{
    return c <= 0x20 || c == 0x7f || c == '"' || c == '\'' || c == '<' ||
           c == '>' || c == '`' || c == '|' || c == '{' || c == '}' ||
           c == '^' || c == '\\';
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
    if (!tix__try_hit(t, TIX_OBS_URL, tix__canon_url, k, j, scheme_defanged, err))
        return i + 1;
    /* the host on its own */
    if (p[h] == '[') {
        tix__try_hit(t, TIX_OBS_IPV6, tix__canon_ipv6, h + 1, hend - 1, false, err);
    } else if (all_digits_dots(p, h, hend)) {
        tix__try_hit(t, TIX_OBS_IPV4, tix__canon_ipv4, h, hend, false, err);
    } else {
        tix__try_hit(t, TIX_OBS_DOMAIN, tix__canon_domain, h, hend, false, err);
    }
    return j;
}
