/* observable.c - the table of observable types and tix_obs_canon(). */
#include <string.h>

#include "core/canon.h"
#include "tix/observable.h"

static const char *const names[] = {
#define X(e, n, s) n,
    TIX_OBS_MAP(X)
#undef X
};

static const char *const stix_types[] = {
#define X(e, n, s) s,
    TIX_OBS_MAP(X)
#undef X
};

const char *tix_obs_name(tix_obs_type t)
{
    return (unsigned)t < TIX_OBS_COUNT ? names[t] : NULL;
}

const char *tix_obs_stix_type(tix_obs_type t)
{
    return (unsigned)t < TIX_OBS_COUNT ? stix_types[t] : NULL;
}

int tix_obs_from_name(const char *name, size_t len)
{
    for (int i = 0; i < TIX_OBS_COUNT; i++)
        if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0)
            return i;
    return -1;
}

tix_err tix_obs_parse_types(const char *list, uint32_t *mask, tix_diag *d)
{
    uint32_t m = 0;
    const char *p = list;
    while (*p) {
        const char *e = strchr(p, ',');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        int t;
        if (n == 0) {
            /* tolerate "a,,b" and a trailing comma */
        } else if (n == 3 && memcmp(p, "all", 3) == 0) {
            m |= TIX_OBS_ALL;
        } else if (n == 4 && memcmp(p, "hash", 4) == 0) {
            m |= TIX_OBS_BIT(TIX_OBS_MD5) | TIX_OBS_BIT(TIX_OBS_SHA1) |
                 TIX_OBS_BIT(TIX_OBS_SHA256) | TIX_OBS_BIT(TIX_OBS_SHA512);
        } else if (n == 2 && memcmp(p, "ip", 2) == 0) {
            m |= TIX_OBS_BIT(TIX_OBS_IPV4) | TIX_OBS_BIT(TIX_OBS_IPV6);
        } else if ((t = tix_obs_from_name(p, n)) >= 0) {
            m |= TIX_OBS_BIT(t);
        } else {
            return tix_diag_set(d, TIX_EINVAL,
                                "unknown type '%.*s' (known: ip, hash, all, "
                                "ipv4, ipv6, domain, url, email, md5, sha1, "
                                "sha256, sha512, btc, xmr, cve, asn)",
                                (int)n, p);
        }
        p += n;
        if (*p == ',')
            p++;
    }
    if (m == 0)
        return tix_diag_set(d, TIX_EINVAL, "empty type list");
    *mask = m;
    return TIX_EOK;
}

tix_err tix_obs_canon(tix_obs_type t, const char *in, size_t len,
                      tix_buf *out, tix_diag *d)
{
    bool ok = false;
    switch (t) {
    case TIX_OBS_IPV4: ok = tix__canon_ipv4(in, len, out); break;
    case TIX_OBS_IPV6: ok = tix__canon_ipv6(in, len, out); break;
    case TIX_OBS_DOMAIN: ok = tix__canon_domain(in, len, out); break;
    case TIX_OBS_URL: ok = tix__canon_url(in, len, out); break;
    case TIX_OBS_EMAIL: ok = tix__canon_email(in, len, out); break;
    case TIX_OBS_MD5: ok = tix__canon_hex(in, len, 16, out); break;
    case TIX_OBS_SHA1: ok = tix__canon_hex(in, len, 20, out); break;
    case TIX_OBS_SHA256: ok = tix__canon_hex(in, len, 32, out); break;
    case TIX_OBS_SHA512: ok = tix__canon_hex(in, len, 64, out); break;
    case TIX_OBS_BTC: ok = tix__canon_btc(in, len, out); break;
    case TIX_OBS_XMR: ok = tix__canon_xmr(in, len, out); break;
    case TIX_OBS_CVE: ok = tix__canon_cve(in, len, out); break;
    case TIX_OBS_ASN: ok = tix__canon_asn(in, len, out); break;
    default:
        return tix_diag_set(d, TIX_EINVAL, "unknown observable type %d", (int)t);
    }
    if (out->err != TIX_EOK)
        return tix_diag_set(d, out->err, "%s", tix_strerror(out->err));
    if (!ok)
        return tix_diag_set(d, TIX_EPARSE, "'%.*s' is not a valid %s",
                            (int)(len > 200 ? 200 : len), in, names[t]);
    return TIX_EOK;
}
