/* token_ipv6.c - IPv6 addresses (and the times and MAC addresses that are not). */
#include <stdlib.h>
#include <string.h>

#include "extract/token.h"

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
size_t tix__on_colon(struct tix__text *t, size_t i, int *err)
{
    const uint8_t *p = t->p;
    uint8_t l = i > 0 ? p[i - 1] : 0, r = at(t, i + 1);
    if (!(tix__is_hex(l) || l == ':') || !(tix__is_hex(r) || r == ':'))
        return i + 1;
    size_t s = i, e = i + 1;
    while (s > 0 && v6_char(p[s - 1]) && i - s <= 64)
        s--;
    while (e < t->n && v6_char(p[e]) && e - s <= 64)
        e++;
    if (e - s > 64 || (s > 0 && v6_char(p[s - 1]))) {
        /* far longer than any address: go on at the next dot (which may
         * begin an IPv4 address or a name) or the end of the run, so a
         * long run costs its length once, not once per colon */
        size_t k = i + 1;
        while (k < t->n && v6_char(p[k]) && p[k] != '.')
            k++;
        return k;
    }
    if ((s > 0 && tix__is_alnum(p[s - 1])) || tix__is_alnum(at(t, e)))
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
    if (tix__try_hit(t, TIX_OBS_IPV6, tix__canon_ipv6, s, ee, false, err) ||
        (ee != e && tix__try_hit(t, TIX_OBS_IPV6, tix__canon_ipv6, s, e, false, err)))
        return ee;
    return v6_fail(p, i, e);
}
