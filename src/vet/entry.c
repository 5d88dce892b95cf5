/* entry.c - the normal form of a list entry, per match type.
 *
 * Observables reach the vetter in tix's canonical forms (lower-case A-label
 * host names, dotted quads, RFC 5952 IPv6, lower-case hex hashes), so each
 * entry is brought to the form the values it should meet take. Lists are
 * written by hand and by scripts: stray blanks, upper case, trailing dots
 * and "*." wildcards are common and harmless, so they are repaired;
 * entries that can never mean anything to the engine are refused and the
 * reader counts them.
 */
#include <hs/hs.h>
#include <idn2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "core/lpm.h"
#include "vet/internal.h"

uint32_t tix__vet_default_applies(tix_match_type m)
{
    const uint32_t ip = TIX_OBS_BIT(TIX_OBS_IPV4) | TIX_OBS_BIT(TIX_OBS_IPV6);
    switch (m) {
    case TIX_MATCH_CIDR:
        return ip | TIX_OBS_BIT(TIX_OBS_URL);
    case TIX_MATCH_HOSTNAME:
        return ip | TIX_OBS_BIT(TIX_OBS_DOMAIN) | TIX_OBS_BIT(TIX_OBS_URL);
    default:
        return TIX_OBS_ALL;
    }
}

int tix__vet_regex_split(const char *entry, const char **pat, size_t *plen,
                         unsigned *hsflags, const char **why)
{
    size_t n = strlen(entry);
    *hsflags = 0;
    if (n == 0) {
        *why = "empty regex";
        return -1;
    }
    if (entry[0] != '/') {
        *pat = entry;
        *plen = n;
        return 0;
    }
    const char *close = strrchr(entry, '/');
    if (close == entry) {
        *why = "regex starts with '/' but has no closing '/'";
        return -1;
    }
    for (const char *f = close + 1; *f; f++) {
        switch (*f) {
        case 'i':
            *hsflags |= HS_FLAG_CASELESS;
            break;
        case 'm':
            *hsflags |= HS_FLAG_MULTILINE;
            break;
        case 's':
            *hsflags |= HS_FLAG_DOTALL;
            break;
        case 'g':
            break;
        default:
            *why = "unsupported regex flag (i, m, s and g are)";
            return -1;
        }
    }
    *pat = entry + 1;
    *plen = (size_t)(close - entry - 1);
    if (*plen == 0) {
        *why = "empty regex";
        return -1;
    }
    return 0;
}

static bool is_blank(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static void lower(char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        s[i] = (char)tix__lower((unsigned char)s[i]);
}

/* Base58 (Bitcoin, Monero) is the one common case-sensitive alphabet; an
 * entry in it with both cases is a wallet, not a name to lower-case. */
static bool looks_base58(const char *s, size_t n)
{
    if (n < 25 || n > 110)
        return false;
    bool up = false, low = false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (!tix__is_alnum(c) || c == '0' || c == 'O' || c == 'I' || c == 'l')
            return false;
        up |= c >= 'A' && c <= 'Z';
        low |= c >= 'a' && c <= 'z';
    }
    return up && low;
}

/* "CVE-2021-44228", "AS13335": canonical in upper case. */
static bool upper_canonical(const char *s, size_t n)
{
    if (n > 4 && memcmp(s, "CVE-", 4) == 0)
        return true;
    return n > 2 && s[0] == 'A' && s[1] == 'S' && tix__is_digit((unsigned char)s[2]);
}

/* A string entry is matched exactly against canonical values, whose case
 * tix fixes per type: host names, hashes, URL schemes and hosts in lower
 * case; URL paths and e-mail local parts as written; CVE and AS ids in
 * upper case; wallets as written. A leading dot stays, and such an entry
 * matches nothing, as in MISP: MISP's "microsoft" string list holds
 * ".azurewebsites.net" and ".cloudapp.net", and read as wildcards they
 * would clear every customer's site hosted there. */
static void string_case(char *s, size_t n)
{
    char *sep = strstr(s, "://");
    if (sep) {
        char *end = sep + 3;
        while (*end && *end != '/' && *end != '?' && *end != '#')
            end++;
        lower(s, (size_t)(end - s));
        return;
    }
    char *at = strrchr(s, '@');
    if (at && !memchr(s, '/', n)) {
        lower(at + 1, n - (size_t)(at + 1 - s));
        return;
    }
    if (upper_canonical(s, n) || looks_base58(s, n))
        return;
    lower(s, n);
}

/* Letters, digits, '-' and '_' in labels of 1-63, at most 253 bytes. The
 * underscore is not LDH but real names (SRV, DKIM, some CDNs) carry it. */
static bool host_ok(const char *s, size_t n)
{
    if (n == 0 || n > 253)
        return false;
    size_t label = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '.') {
            if (label == 0)
                return false;
            label = 0;
        } else if (tix__is_alnum(c) || c == '-' || c == '_') {
            if (++label > 63)
                return false;
        } else {
            return false;
        }
    }
    return label > 0;
}

/* *.example.com, .example.com, example.com. all mean example.com and the
 * names below it. An address or CIDR is kept for the prefix table. */
static int host_entry(char *s, size_t n, char **out, char why[TIX_VET_WHY])
{
    lower(s, n);
    while (n && s[n - 1] == '.')
        s[--n] = '\0';
    size_t skip = 0;
    if (n >= 2 && s[0] == '*' && s[1] == '.')
        skip = 2;
    while (skip < n && s[skip] == '.')
        skip++;
    s += skip;
    n -= skip;
    int af;
    uint8_t addr[16];
    unsigned plen;
    if (tix__lpm_parse(s, n, &af, addr, &plen) == 0) {
        *out = strndup(s, n);
        return *out ? 0 : -2;
    }
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)s[i] >= 0x80) {
            char *a = NULL;
            int rc = idn2_lookup_u8((const uint8_t *)s, (uint8_t **)&a,
                                    IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
            if (rc == IDN2_MALLOC)
                return -2;
            if (rc != IDN2_OK) {
                snprintf(why, TIX_VET_WHY, "not a host name (IDNA: %s)", idn2_strerror(rc));
                return -1;
            }
            size_t an = strlen(a);
            if (!host_ok(a, an)) {
                idn2_free(a);
                snprintf(why, TIX_VET_WHY, "not a host name");
                return -1;
            }
            *out = strdup(a);
            idn2_free(a);
            return *out ? 0 : -2;
        }
    }
    if (!host_ok(s, n)) {
        snprintf(why, TIX_VET_WHY, "not a host name");
        return -1;
    }
    *out = strndup(s, n);
    return *out ? 0 : -2;
}

static int regex_entry(const char *s, char **out, char why[TIX_VET_WHY])
{
    const char *pat, *w;
    size_t plen;
    unsigned flags;
    if (tix__vet_regex_split(s, &pat, &plen, &flags, &w) != 0) {
        snprintf(why, TIX_VET_WHY, "%s", w);
        return -1;
    }
    char *p = strndup(pat, plen);
    if (p == NULL)
        return -2;
    if (strlen(p) != plen) {
        free(p);
        snprintf(why, TIX_VET_WHY, "NUL byte in regex");
        return -1;
    }
    hs_expr_info_t *info = NULL;
    hs_compile_error_t *err = NULL;
    hs_error_t rc = hs_expression_info(p, flags | HS_FLAG_ALLOWEMPTY, &info, &err);
    free(p);
    free(info);
    if (rc != HS_SUCCESS) {
        snprintf(why, TIX_VET_WHY, "regex refused by vectorscan: %s",
                 err ? err->message : "unknown error");
        hs_free_compile_error(err);
        return -1;
    }
    *out = strdup(s);
    return *out ? 0 : -2;
}

int tix__vet_normalise(tix_match_type m, const char *in, size_t n, char **out,
                       char why[TIX_VET_WHY])
{
    *out = NULL;
    while (n && is_blank((unsigned char)*in))
        in++, n--;
    while (n && is_blank((unsigned char)in[n - 1]))
        n--;
    if (n == 0) {
        snprintf(why, TIX_VET_WHY, "empty entry");
        return -1;
    }
    if (n > TIX_VET_ENTRY_MAX) {
        snprintf(why, TIX_VET_WHY, "entry longer than %d bytes", TIX_VET_ENTRY_MAX);
        return -1;
    }
    if (memchr(in, '\0', n)) {
        snprintf(why, TIX_VET_WHY, "NUL byte in entry");
        return -1;
    }
    char *s = strndup(in, n);
    if (s == NULL)
        return -2;
    int rc = 0;
    switch (m) {
    case TIX_MATCH_STRING:
        if (!strstr(s, "://")) {
            while (n && s[n - 1] == '.')
                s[--n] = '\0';
            if (n == 0) {
                snprintf(why, TIX_VET_WHY, "empty entry");
                rc = -1;
                break;
            }
        }
        string_case(s, n);
        *out = s;
        return 0;
    case TIX_MATCH_SUBSTRING:
        /* matched without regard to case */
        lower(s, n);
        *out = s;
        return 0;
    case TIX_MATCH_HOSTNAME:
        rc = host_entry(s, n, out, why);
        break;
    case TIX_MATCH_CIDR: {
        int af;
        uint8_t addr[16];
        unsigned plen;
        lower(s, n);
        if (tix__lpm_parse(s, n, &af, addr, &plen) != 0) {
            snprintf(why, TIX_VET_WHY, "not an IP address or CIDR");
            rc = -1;
            break;
        }
        *out = s;
        return 0;
    }
    case TIX_MATCH_REGEX:
        rc = regex_entry(s, out, why);
        break;
    default:
        snprintf(why, TIX_VET_WHY, "unknown match type");
        rc = -1;
        break;
    }
    free(s);
    return rc;
}
