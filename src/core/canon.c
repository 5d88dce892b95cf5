/* canon.c - validation and canonical forms of observable values. */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <idn2.h>

#include "core/canon.h"
#include "core/crypto_addr.h"

/* ---- IPv4 ------------------------------------------------------------ */

static bool parse_prefix(const char *s, size_t n, unsigned max, unsigned *out)
{
    if (n == 0 || n > 3)
        return false;
    unsigned v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!tix__is_digit((unsigned char)s[i]))
            return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v > max || (n > 1 && s[0] == '0'))
        return false;
    *out = v;
    return true;
}

static bool parse_ipv4(const char *s, size_t n, uint8_t ip[4])
{
    size_t i = 0;
    for (int part = 0; part < 4; part++) {
        if (part > 0) {
            if (i >= n || s[i] != '.')
                return false;
            i++;
        }
        unsigned v = 0, digits = 0;
        while (i < n && tix__is_digit((unsigned char)s[i]) && digits < 4) {
            v = v * 10 + (unsigned)(s[i] - '0');
            i++;
            digits++;
        }
        if (digits == 0 || digits > 3 || v > 255)
            return false;
        ip[part] = (uint8_t)v;
    }
    return i == n;
}

bool tix__canon_ipv4(const char *s, size_t n, tix_buf *out)
{
    const char *slash = memchr(s, '/', n);
    size_t an = slash ? (size_t)(slash - s) : n;
    uint8_t ip[4];
    unsigned prefix = 0;
    if (!parse_ipv4(s, an, ip))
        return false;
    if (slash && !parse_prefix(slash + 1, n - an - 1, 32, &prefix))
        return false;
    char tmp[24];
    size_t len = 0;
    for (int k = 0; k < 4; k++) {
        unsigned v = ip[k];
        if (k)
            tmp[len++] = '.';
        if (v >= 100)
            tmp[len++] = (char)('0' + v / 100);
        if (v >= 10)
            tmp[len++] = (char)('0' + v / 10 % 10);
        tmp[len++] = (char)('0' + v % 10);
    }
    tix_buf_add(out, tmp, len);
    if (slash)
        tix_buf_addf(out, "/%u", prefix);
    return true;
}

/* ---- IPv6 ------------------------------------------------------------ */

static void format_ipv6(const uint8_t a[16], tix_buf *out)
{
    static const char hex[] = "0123456789abcdef";
    uint16_t w[8];
    for (int i = 0; i < 8; i++)
        w[i] = (uint16_t)(a[2 * i] << 8 | a[2 * i + 1]);
    /* RFC 5952 4.2: compress the longest run of two or more zero groups,
     * the first one on a tie. */
    int best = -1, bestlen = 1;
    for (int i = 0; i < 8;) {
        if (w[i] != 0) {
            i++;
            continue;
        }
        int j = i;
        while (j < 8 && w[j] == 0)
            j++;
        if (j - i > bestlen) {
            best = i;
            bestlen = j - i;
        }
        i = j;
    }
    /* RFC 5952 5: IPv4-mapped addresses end in dotted decimal. */
    bool mapped = w[0] == 0 && w[1] == 0 && w[2] == 0 && w[3] == 0 &&
                  w[4] == 0 && w[5] == 0xffff;
    int groups = mapped ? 6 : 8;
    if (mapped) {
        best = 0;
        bestlen = 5;
    }
    char tmp[64];
    size_t len = 0;
    for (int i = 0; i < groups; i++) {
        if (i == best) {
            tmp[len++] = ':';
            if (i == 0)
                tmp[len++] = ':';
            i += bestlen - 1;
            continue;
        }
        int started = 0;
        for (int sh = 12; sh >= 0; sh -= 4) {
            unsigned nib = (unsigned)(w[i] >> sh) & 15u;
            if (nib || started || sh == 0) {
                tmp[len++] = hex[nib];
                started = 1;
            }
        }
        if (i < groups - 1 || mapped)
            tmp[len++] = ':';
    }
    tix_buf_add(out, tmp, len);
    if (mapped)
        tix_buf_addf(out, "%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
}

bool tix__canon_ipv6(const char *s, size_t n, tix_buf *out)
{
    const char *slash = memchr(s, '/', n);
    size_t an = slash ? (size_t)(slash - s) : n;
    unsigned prefix = 0;
    if (an < 2 || an > 45)
        return false;
    if (slash && !parse_prefix(slash + 1, n - an - 1, 128, &prefix))
        return false;
    char tmp[48];
    memcpy(tmp, s, an);
    tmp[an] = '\0';
    uint8_t a[16];
    if (inet_pton(AF_INET6, tmp, a) != 1)
        return false;
    format_ipv6(a, out);
    if (slash)
        tix_buf_addf(out, "/%u", prefix);
    return true;
}

/* ---- domains --------------------------------------------------------- */

/* Copy s[0..n) lower-cased to out when it is letters, digits and inner
 * hyphens in labels of 1-63, 2 labels or more, at most 253 bytes; *tld_at
 * is where the last label starts. *ascii is false when a byte >= 0x80 is
 * met (the name may be an IDN). */
static bool ldh_lower(const char *s, size_t n, char *out, size_t *tld_at,
                      bool *ascii)
{
    *ascii = true;
    if (n == 0)
        return false;
    if (n > 253) {
        /* too long as it stands, but an IDN may be shorter as A-labels */
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)s[i] >= 0x80)
                *ascii = false;
        return false;
    }
    size_t label = 0, last = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '.') {
            if (label == 0 || s[i - 1] == '-')
                return false;
            label = 0;
            last = i + 1;
            out[i] = '.';
            continue;
        }
        if (c >= 0x80) {
            *ascii = false;
            return false;
        }
        if (!(tix__is_alnum(c) || (c == '-' && label > 0)) || ++label > 63)
            return false;
        out[i] = (char)tix__lower(c);
    }
    if (label == 0 || s[n - 1] == '-' || last == 0)
        return false;
    out[n] = '\0';
    *tld_at = last;
    return true;
}

bool tix__canon_domain(const char *s, size_t n, tix_buf *out)
{
    if (n > 0 && s[n - 1] == '.')
        n--;
    if (n == 0 || n > 253 * 4)
        return false;
    char name[256];
    size_t len = n, tld_at = 0;
    bool ascii;
    /* the common case in one pass: lower-case LDH labels */
    if (!ldh_lower(s, n, name, &tld_at, &ascii)) {
        if (ascii || n > 253 * 4)
            return false;
        char in[253 * 4 + 1];
        memcpy(in, s, n);
        in[n] = '\0';
        char *a = NULL;
        if (idn2_lookup_u8((const uint8_t *)in, (uint8_t **)&a,
                           IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT) != IDN2_OK)
            return false;
        len = strlen(a);
        bool ok = ldh_lower(a, len, name, &tld_at, &ascii);
        idn2_free(a);
        if (!ok)
            return false;
    }
    const char *tld = name + tld_at;
    if (strcmp(tld, "onion") == 0) {
        /* an onion service: its label is a key with a checksum */
        size_t l = tld_at - 1, ls = l;
        while (ls > 0 && name[ls - 1] != '.')
            ls--;
        if (!tix_onion_v3_valid(name + ls, l - ls))
            return false;
        tix_buf_add(out, name, len);
        return true;
    }
    int flags = tix__tld_flags(tld, len - (size_t)(tld - name));
    if (!(flags & TIX_TLD_KNOWN))
        return false;
    /* "co.uk" is a suffix, not a domain. */
    if ((flags & TIX_TLD_DEEP) && tix__maybe_suffix(name, len, tld) &&
        psl_is_public_suffix2(tix__psl(), name,
                              PSL_TYPE_ICANN | PSL_TYPE_NO_STAR_RULE))
        return false;
    tix_buf_add(out, name, len);
    return true;
}

/* ---- URLs ------------------------------------------------------------ */

static const struct {
    const char *written, *canon;
    bool defanged;
} schemes[] = {
    {"http", "http", false},   {"https", "https", false},
    {"ftp", "ftp", false},     {"ftps", "ftps", false},
    {"sftp", "sftp", false},   {"ws", "ws", false},
    {"wss", "wss", false},     {"hxxp", "http", true},
    {"hxxps", "https", true},  {"fxp", "ftp", true},
    {"fxps", "ftps", true},
};

const char *tix__url_scheme(const char *s, size_t n, bool *defanged)
{
    if (n < 2 || n > 5)
        return NULL;
    char low[6];
    for (size_t i = 0; i < n; i++)
        low[i] = (char)tix__lower((unsigned char)s[i]);
    low[n] = '\0';
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
        if (strcmp(low, schemes[i].written) == 0) {
            if (defanged)
                *defanged = schemes[i].defanged;
            return schemes[i].canon;
        }
    }
    return NULL;
}

unsigned tix__url_default_port(const char *scheme)
{
    if (strcmp(scheme, "http") == 0 || strcmp(scheme, "ws") == 0)
        return 80;
    if (strcmp(scheme, "https") == 0 || strcmp(scheme, "wss") == 0)
        return 443;
    if (strcmp(scheme, "ftp") == 0)
        return 21;
    if (strcmp(scheme, "ftps") == 0)
        return 990;
    if (strcmp(scheme, "sftp") == 0)
        return 22;
    return 0;
}

/* Canonical host of a URL: [ipv6], ipv4 or domain. */
static bool canon_host(const char *h, size_t n, tix_buf *out)
{
    if (n >= 2 && h[0] == '[') {
        if (h[n - 1] != ']' || memchr(h, '/', n))
            return false;
        tix_buf_addc(out, '[');
        if (!tix__canon_ipv6(h + 1, n - 2, out))
            return false;
        tix_buf_addc(out, ']');
        return true;
    }
    bool dotted_digits = n > 0;
    for (size_t i = 0; i < n; i++)
        if (!(tix__is_digit((unsigned char)h[i]) || h[i] == '.'))
            dotted_digits = false;
    if (dotted_digits)
        return !memchr(h, '/', n) && tix__canon_ipv4(h, n, out);
    return tix__canon_domain(h, n, out);
}

bool tix__canon_url(const char *s, size_t n, tix_buf *out)
{
    if (n > 4096)
        return false;
    const char *sep = NULL;
    for (size_t i = 0; i + 3 <= n && i <= 6; i++)
        if (memcmp(s + i, "://", 3) == 0) {
            sep = s + i;
            break;
        }
    if (sep == NULL)
        return false;
    const char *scheme = tix__url_scheme(s, (size_t)(sep - s), NULL);
    if (scheme == NULL)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c == 0x7f)
            return false;
    }
    const char *auth = sep + 3, *end = s + n;
    const char *auth_end = auth;
    while (auth_end < end && *auth_end != '/' && *auth_end != '?' &&
           *auth_end != '#')
        auth_end++;
    const char *host = auth;
    for (const char *q = auth; q < auth_end; q++)
        if (*q == '@')
            host = q + 1;
    const char *host_end = host, *port = NULL;
    if (host < auth_end && *host == '[') {
        const char *rb = memchr(host, ']', (size_t)(auth_end - host));
        if (rb == NULL)
            return false;
        host_end = rb + 1;
    } else {
        while (host_end < auth_end && *host_end != ':')
            host_end++;
    }
    if (host_end < auth_end) {
        if (*host_end != ':')
            return false;
        port = host_end + 1;
    }
    unsigned portno = 0;
    if (port) {
        size_t pl = (size_t)(auth_end - port);
        if (pl == 0 || pl > 5)
            return false;
        for (size_t i = 0; i < pl; i++) {
            if (!tix__is_digit((unsigned char)port[i]))
                return false;
            portno = portno * 10 + (unsigned)(port[i] - '0');
        }
        if (portno == 0 || portno > 65535)
            return false;
    }
    size_t mark = out->len;
    tix_buf_adds(out, scheme);
    tix_buf_add(out, "://", 3);
    if (host != auth)
        tix_buf_add(out, auth, (size_t)(host - auth));
    if (!canon_host(host, (size_t)(host_end - host), out)) {
        out->len = mark;
        if (out->p)
            out->p[mark] = '\0';
        return false;
    }
    if (port && portno != tix__url_default_port(scheme))
        tix_buf_addf(out, ":%u", portno);
    tix_buf_add(out, auth_end, (size_t)(end - auth_end));
    return true;
}

/* ---- e-mail ---------------------------------------------------------- */

bool tix__email_local_char(unsigned char c)
{
    return tix__is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' ||
           c == '-';
}

bool tix__canon_email(const char *s, size_t n, tix_buf *out)
{
    const char *at = NULL;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '@')
            at = s + i;
    if (at == NULL)
        return false;
    size_t ln = (size_t)(at - s);
    if (ln == 0 || ln > 64 || s[0] == '.' || s[ln - 1] == '.')
        return false;
    for (size_t i = 0; i < ln; i++) {
        if (!tix__email_local_char((unsigned char)s[i]))
            return false;
        if (s[i] == '.' && i + 1 < ln && s[i + 1] == '.')
            return false;
    }
    size_t mark = out->len;
    tix_buf_add(out, s, ln + 1);
    if (!tix__canon_domain(at + 1, n - ln - 1, out)) {
        out->len = mark;
        if (out->p)
            out->p[mark] = '\0';
        return false;
    }
    return true;
}

/* ---- hashes, CVE, wallets ------------------------------------------- */

bool tix__canon_hex(const char *s, size_t n, size_t bytes, tix_buf *out)
{
    if (n != 2 * bytes)
        return false;
    bool same = true;
    for (size_t i = 0; i < n; i++) {
        if (!tix__is_hex((unsigned char)s[i]))
            return false;
        if (tix__lower((unsigned char)s[i]) != tix__lower((unsigned char)s[0]))
            same = false;
    }
    if (same)
        return false;
    if (tix_buf_reserve(out, n) != 0)
        return false;
    for (size_t i = 0; i < n; i++)
        out->p[out->len + i] = (char)tix__lower((unsigned char)s[i]);
    out->len += n;
    out->p[out->len] = '\0';
    return true;
}

bool tix__canon_cve(const char *s, size_t n, tix_buf *out)
{
    /* CVE-YYYY-NNNN with 4 to 12 digits in the sequence number */
    if (n < 13 || n > 21)
        return false;
    if (tix__lower((unsigned char)s[0]) != 'c' ||
        tix__lower((unsigned char)s[1]) != 'v' ||
        tix__lower((unsigned char)s[2]) != 'e' || s[3] != '-' || s[8] != '-')
        return false;
    for (size_t i = 4; i < n; i++)
        if (i != 8 && !tix__is_digit((unsigned char)s[i]))
            return false;
    int year = (s[4] - '0') * 1000 + (s[5] - '0') * 100 + (s[6] - '0') * 10 +
               (s[7] - '0');
    if (year < 1999)
        return false;
    tix_buf_add(out, "CVE-", 4);
    tix_buf_add(out, s + 4, n - 4);
    return true;
}

bool tix__canon_btc(const char *s, size_t n, tix_buf *out)
{
    if (!tix_btc_valid(s, n))
        return false;
    bool bech = n > 3 && tix__lower((unsigned char)s[0]) == 'b';
    if (tix_buf_reserve(out, n) != 0)
        return false;
    for (size_t i = 0; i < n; i++)
        out->p[out->len + i] = bech ? (char)tix__lower((unsigned char)s[i]) : s[i];
    out->len += n;
    out->p[out->len] = '\0';
    return true;
}

bool tix__canon_xmr(const char *s, size_t n, tix_buf *out)
{
    if (!tix_xmr_valid(s, n))
        return false;
    tix_buf_add(out, s, n);
    return true;
}


bool tix__canon_asn(const char *s, size_t n, tix_buf *out)
{
    if (n < 3 || tix__lower((unsigned char)s[0]) != 'a' ||
        tix__lower((unsigned char)s[1]) != 's')
        return false;
    size_t i = 2;
    if (tix__lower((unsigned char)s[i]) == 'n')
        i++;
    if (i == n || n - i > 10 || s[i] == '0')
        return false;
    uint64_t v = 0;
    for (; i < n; i++) {
        if (!tix__is_digit((unsigned char)s[i]))
            return false;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v == 0 || v > UINT32_MAX)
        return false;
    tix_buf_add(out, "AS", 2);
    tix_buf_add_u64(out, v);
    return true;
}

/* The host part of a canonical URL (scheme://[user@]host[:port]...). */
bool tix__url_host(const char *u, size_t n, const char **h, size_t *hl)
{
    const char *p = memmem(u, n, "://", 3);
    if (!p)
        return false;
    p += 3;
    const char *end = u + n;
    const char *auth_end = p;
    while (auth_end < end && *auth_end != '/' && *auth_end != '?' && *auth_end != '#')
        auth_end++;
    const char *at = memrchr(p, '@', (size_t)(auth_end - p));
    if (at)
        p = at + 1;
    if (p < auth_end && *p == '[') {
        const char *close = memchr(p, ']', (size_t)(auth_end - p));
        if (!close)
            return false;
        *h = p + 1;
        *hl = (size_t)(close - p - 1);
        return *hl > 0;
    }
    const char *q = p;
    while (q < auth_end && *q != ':')
        q++;
    *h = p;
    *hl = (size_t)(q - p);
    return *hl > 0;
}
