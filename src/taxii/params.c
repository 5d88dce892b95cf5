/* params.c - what a request says besides its method: the path, the query
 * string, the media types it accepts or sends, and next links.
 *
 * A next link is 8 bytes of cursor (the date_added of the last row sent)
 * and 16 bytes of HMAC-SHA256 over the cursor and everything that decides
 * what a page holds: the partner, the collection, the endpoint, the object
 * and every filter. A link is only good for the request that made it: it
 * cannot be replayed by another partner, on another collection, or with
 * other filters, and it cannot be forged to move the cursor. */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/hex.h"
#include "taxii/internal.h"

/* ---- paths ---- */

static int pct_decode(const char *s, size_t n, char *out, size_t *outn)
{
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            if (i + 2 >= n)
                return -1;
            int hi = tix__hex_value(s[i + 1]), lo = tix__hex_value(s[i + 2]);
            if (hi < 0 || lo < 0)
                return -1;
            out[j++] = (char)(hi << 4 | lo);
            i += 2;
        } else {
            out[j++] = s[i];
        }
    }
    *outn = j;
    return 0;
}

int taxii_path_split(const char *path, size_t len, char *out, size_t outcap,
                     const char **segs, size_t maxsegs, size_t *nsegs)
{
    *nsegs = 0;
    if (!len || path[0] != '/' || len + 1 > outcap)
        return -1;
    size_t o = 0, i = 1;
    while (i < len) {
        size_t j = i;
        while (j < len && path[j] != '/')
            j++;
        if (j == i) /* "//" */
            return -1;
        if (*nsegs == maxsegs)
            return 1; /* deeper than any route */
        size_t n;
        if (pct_decode(path + i, j - i, out + o, &n))
            return -1;
        for (size_t k = 0; k < n; k++) {
            unsigned char c = (unsigned char)out[o + k];
            if (c < 0x20 || c == 0x7f || c == '/' || c == '\\')
                return -1;
        }
        if ((n == 1 && out[o] == '.') || (n == 2 && out[o] == '.' && out[o + 1] == '.'))
            return -1;
        out[o + n] = 0;
        segs[(*nsegs)++] = out + o;
        o += n + 1;
        i = j + 1; /* past the '/'; a trailing one ends the loop */
    }
    return 0;
}

/* ---- the query string ---- */

enum { P_AFTER, P_LIMIT, P_NEXT, P_ID, P_TYPE, P_VERSION, P_SPEC, P_OTHER, P_BADMATCH };

static int param_kind(const char *k)
{
    static const char *const names[] = {"added_after", "limit", "next", "match[id]",
                                         "match[type]", "match[version]",
                                         "match[spec_version]"};
    for (int i = 0; i < 7; i++)
        if (strcmp(k, names[i]) == 0)
            return i;
    return strncmp(k, "match[", 6) == 0 ? P_BADMATCH : P_OTHER;
}

/* Which parameters each GET (and DELETE) takes; others are ignored. */
static unsigned route_params(enum route_kind r, const char *method)
{
    const unsigned page = 1u << P_AFTER | 1u << P_LIMIT | 1u << P_NEXT;
    switch (r) {
    case R_OBJECTS:
    case R_MANIFEST:
        return page | 1u << P_ID | 1u << P_TYPE | 1u << P_VERSION | 1u << P_SPEC |
               1u << P_BADMATCH;
    case R_OBJECT:
        if (strcmp(method, "DELETE") == 0)
            return 1u << P_VERSION | 1u << P_SPEC | 1u << P_BADMATCH;
        return page | 1u << P_VERSION | 1u << P_SPEC | 1u << P_BADMATCH;
    case R_VERSIONS:
        return page | 1u << P_SPEC | 1u << P_BADMATCH;
    default:
        return 0;
    }
}

static bool type_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > 250)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
            return false;
    return true;
}

static bool spec_ok(const char *s)
{
    size_t n = strlen(s), dots = 0;
    if (n < 3 || n > 8 || s[0] == '.' || s[n - 1] == '.')
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '.')
            dots++;
        else if (s[i] < '0' || s[i] > '9')
            return false;
    }
    return dots == 1;
}

/* Split v on ',' in place into list; false when an item is empty or the
 * list is too long. */
static bool split_list(char *v, const char **list, size_t *n)
{
    char *p = v;
    for (;;) {
        char *c = strchr(p, ',');
        if (c)
            *c = 0;
        if (!*p || *n == FILTER_MAX)
            return false;
        list[(*n)++] = p;
        if (!c)
            return true;
        p = c + 1;
    }
}

static bool next_verify(req *r, const char *v);

bool taxii_params_parse(req *r)
{
    params *p = &r->p;
    memset(p, 0, sizeof *p);
    if (!r->query || !r->query_len)
        return true;
    unsigned takes = route_params(r->route, r->rq->method);
    if (!takes)
        return true;
    tix_buf *b = &r->sc->params;
    tix_buf_reset(b);
    /* every decoded string fits in this: pointers into it stay put */
    if (tix_buf_reserve(b, r->query_len * 3 + 16)) {
        taxii_error(r, 400, "Bad Request", "the query string is too long");
        return false;
    }
    char *out = b->p;
    const char *q = r->query, *end = r->query + r->query_len;
    const char *next = NULL;
    bool seen[P_OTHER] = {false};
    while (q < end) {
        const char *amp = memchr(q, '&', (size_t)(end - q));
        const char *pe = amp ? amp : end;
        const char *eq = memchr(q, '=', (size_t)(pe - q));
        const char *ke = eq ? eq : pe;
        size_t kn, vn;
        char *k = out, *v;
        if (pct_decode(q, (size_t)(ke - q), k, &kn)) {
            taxii_error(r, 400, "Bad Request", "a malformed percent-encoding in the query");
            return false;
        }
        k[kn] = 0;
        v = k + kn + 1;
        const char *vs = eq ? eq + 1 : pe;
        if (pct_decode(vs, (size_t)(pe - vs), v, &vn)) {
            taxii_error(r, 400, "Bad Request", "a malformed percent-encoding in the query");
            return false;
        }
        v[vn] = 0;
        for (size_t i = 0; i < vn; i++)
            if (v[i] == '+')
                v[i] = ' ';
        out = v + vn + 1;
        q = amp ? amp + 1 : end;
        if (!kn)
            continue;
        if (memchr(k, 0, kn) || memchr(v, 0, vn)) {
            taxii_error(r, 400, "Bad Request", "a NUL in the query");
            return false;
        }
        int kind = param_kind(k);
        if (!(takes & (1u << kind)))
            continue;
        if (kind == P_BADMATCH) {
            taxii_error(r, 400, "Bad Request", "unsupported filter %.64s", k);
            return false;
        }
        if ((kind == P_AFTER || kind == P_LIMIT || kind == P_NEXT) && seen[kind]) {
            taxii_error(r, 400, "Bad Request", "%s given twice", k);
            return false;
        }
        seen[kind] = true;
        switch (kind) {
        case P_AFTER:
            if (tix_time_parse_stix(v, vn, &p->after, NULL) != TIX_EOK) {
                taxii_error(r, 400, "Bad Request",
                            "added_after is not a timestamp (YYYY-MM-DDTHH:MM:SS[.s]Z)");
                return false;
            }
            p->has_after = true;
            break;
        case P_LIMIT: {
            uint64_t n = 0;
            if (!vn || vn > 12) {
                if (vn > 12 && strspn(v, "0123456789") == vn)
                    n = UINT64_MAX;
                else
                    n = 0;
            } else {
                for (size_t i = 0; i < vn; i++) {
                    if (v[i] < '0' || v[i] > '9') {
                        n = 0;
                        break;
                    }
                    n = n * 10 + (uint64_t)(v[i] - '0');
                }
            }
            if (n == 0) {
                taxii_error(r, 400, "Bad Request", "limit is a number of 1 or more");
                return false;
            }
            p->limit = n > r->t->page_max ? r->t->page_max : (uint32_t)n;
            break;
        }
        case P_NEXT:
            next = v;
            break;
        case P_ID: {
            size_t before = p->n_ids;
            if (!split_list(v, p->ids, &p->n_ids)) {
                taxii_error(r, 400, "Bad Request",
                            "match[id] is a comma-separated list of up to %d ids", FILTER_MAX);
                return false;
            }
            for (size_t i = before; i < p->n_ids; i++)
                if (!tix_stix_id_valid(p->ids[i], strlen(p->ids[i]))) {
                    taxii_error(r, 400, "Bad Request", "match[id]: '%.80s' is not a STIX id",
                                p->ids[i]);
                    return false;
                }
            break;
        }
        case P_TYPE: {
            size_t before = p->n_types;
            if (!split_list(v, p->types, &p->n_types)) {
                taxii_error(r, 400, "Bad Request",
                            "match[type] is a comma-separated list of up to %d types",
                            FILTER_MAX);
                return false;
            }
            for (size_t i = before; i < p->n_types; i++)
                if (!type_ok(p->types[i])) {
                    taxii_error(r, 400, "Bad Request",
                                "match[type]: '%.80s' is not a STIX type", p->types[i]);
                    return false;
                }
            break;
        }
        case P_VERSION: {
            const char *items[FILTER_MAX];
            size_t n = 0;
            if (!split_list(v, items, &n)) {
                taxii_error(r, 400, "Bad Request",
                            "match[version] is first, last, all or timestamps, "
                            "comma-separated");
                return false;
            }
            for (size_t i = 0; i < n; i++) {
                if (strcmp(items[i], "last") == 0)
                    p->versions |= TIX_VERSIONS_LAST;
                else if (strcmp(items[i], "first") == 0)
                    p->versions |= TIX_VERSIONS_FIRST;
                else if (strcmp(items[i], "all") == 0)
                    p->versions |= TIX_VERSIONS_ALL;
                else if (p->n_vtimes < FILTER_MAX &&
                         tix_time_parse_stix(items[i], strlen(items[i]),
                                             &p->vtimes[p->n_vtimes], NULL) == TIX_EOK)
                    p->n_vtimes++;
                else {
                    taxii_error(r, 400, "Bad Request",
                                "match[version]: '%.80s' is not first, last, all or a "
                                "timestamp",
                                items[i]);
                    return false;
                }
            }
            break;
        }
        case P_SPEC: {
            size_t before = p->n_specs;
            if (!split_list(v, p->specs, &p->n_specs)) {
                taxii_error(r, 400, "Bad Request",
                            "match[spec_version] is a comma-separated list of versions");
                return false;
            }
            for (size_t i = before; i < p->n_specs; i++)
                if (!spec_ok(p->specs[i])) {
                    taxii_error(r, 400, "Bad Request",
                                "match[spec_version]: '%.16s' is not a version such as 2.1",
                                p->specs[i]);
                    return false;
                }
            break;
        }
        default:
            break;
        }
    }
    if (next && !next_verify(r, next)) {
        taxii_error(r, 400, "Bad Request",
                    "next is not a link this server gave for this request");
        return false;
    }
    return true;
}

/* ---- next links ---- */

static const char b64url[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Everything that decides what a page holds, then the cursor. */
static void next_binding(req *r, int64_t cursor, tix_buf *b)
{
    const params *p = &r->p;
    tix_buf_reset(b);
    tix_buf_addf(b, "tix-next-1|%lld|%lld|%d|%s|", (long long)r->partner->id,
                 (long long)(r->coll ? r->coll->id : 0), (int)r->route, r->object_id);
    tix_buf_addf(b, "a=%d:%lld|v=%u|", p->has_after, (long long)p->after, p->versions);
    for (size_t i = 0; i < p->n_vtimes; i++)
        tix_buf_addf(b, "%lld,", (long long)p->vtimes[i]);
    tix_buf_adds(b, "|i=");
    for (size_t i = 0; i < p->n_ids; i++) {
        tix_buf_adds(b, p->ids[i]);
        tix_buf_addc(b, ',');
    }
    tix_buf_adds(b, "|t=");
    for (size_t i = 0; i < p->n_types; i++) {
        tix_buf_adds(b, p->types[i]);
        tix_buf_addc(b, ',');
    }
    tix_buf_adds(b, "|s=");
    for (size_t i = 0; i < p->n_specs; i++) {
        tix_buf_adds(b, p->specs[i]);
        tix_buf_addc(b, ',');
    }
    tix_buf_addf(b, "|c=%lld", (long long)cursor);
}

static void next_mac(req *r, int64_t cursor, uint8_t mac[32])
{
    tix_buf *b = &r->sc->tmp;
    next_binding(r, cursor, b);
    unsigned int n = 32;
    if (b->err || !HMAC(EVP_sha256(), r->t->next_key, sizeof r->t->next_key,
                        (const unsigned char *)b->p, b->len, mac, &n))
        memset(mac, 0, 32); /* verifies nothing: an all-zero MAC is refused */
}

void taxii_next_make(req *r, int64_t cursor, tix_buf *out)
{
    uint8_t raw[24], mac[32];
    for (int i = 0; i < 8; i++)
        raw[i] = (uint8_t)((uint64_t)cursor >> (56 - 8 * i));
    next_mac(r, cursor, mac);
    memcpy(raw + 8, mac, 16);
    for (size_t i = 0; i < sizeof raw; i += 3) {
        uint32_t v = (uint32_t)raw[i] << 16 | (uint32_t)raw[i + 1] << 8 | raw[i + 2];
        char q[4] = {b64url[v >> 18], b64url[(v >> 12) & 63], b64url[(v >> 6) & 63],
                     b64url[v & 63]};
        tix_buf_add(out, q, 4);
    }
}

static bool next_verify(req *r, const char *v)
{
    if (strlen(v) != 32)
        return false;
    uint8_t raw[24];
    for (size_t i = 0, o = 0; i < 32; i += 4, o += 3) {
        uint32_t x = 0;
        for (size_t j = 0; j < 4; j++) {
            const char *c = strchr(b64url, v[i + j]);
            if (!c || !*c)
                return false;
            x = x << 6 | (uint32_t)(c - b64url);
        }
        raw[o] = (uint8_t)(x >> 16);
        raw[o + 1] = (uint8_t)(x >> 8);
        raw[o + 2] = (uint8_t)x;
    }
    uint64_t c = 0;
    for (int i = 0; i < 8; i++)
        c = c << 8 | raw[i];
    int64_t cursor = (int64_t)c;
    if (cursor <= 0)
        return false;
    uint8_t mac[32], zero[16] = {0};
    next_mac(r, cursor, mac);
    if (CRYPTO_memcmp(mac, zero, 16) == 0 || CRYPTO_memcmp(mac, raw + 8, 16) != 0)
        return false;
    r->p.has_next = true;
    r->p.next_cursor = cursor;
    return true;
}

/* ---- media types ---- */

static const char *skip_ws(const char *s, const char *e)
{
    while (s < e && (*s == ' ' || *s == '\t'))
        s++;
    return s;
}

static const char *trim_end(const char *s, const char *e)
{
    while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    return e;
}

static bool eq_ci(const char *s, const char *e, const char *lit)
{
    size_t n = strlen(lit);
    return (size_t)(e - s) == n && strncasecmp(s, lit, n) == 0;
}

static size_t span(const char *s, const char *e)
{
    return e > s ? (size_t)(e - s) : 0;
}

/* q=0 (or 0.0, 0.00, 0.000): not acceptable at all. */
static bool q_is_zero(const char *s, const char *e)
{
    if (s >= e || *s != '0')
        return false;
    for (s++; s < e; s++)
        if (*s != '.' && *s != '0')
            return false;
    return true;
}

/* One media range [s, e): its type in *type_e, and whether its
 * parameters say version=2.1 (or nothing) and q is not 0. */
static void media(const char *s, const char *e, const char **type_e, bool *version_ok,
                  bool *q_zero)
{
    s = skip_ws(s, e);
    const char *semi = memchr(s, ';', span(s, e));
    *type_e = trim_end(s, semi ? semi : e);
    *version_ok = true;
    *q_zero = false;
    while (semi) {
        const char *ps = skip_ws(semi + 1, e);
        semi = memchr(ps, ';', span(ps, e));
        const char *pe = trim_end(ps, semi ? semi : e);
        const char *eqs = memchr(ps, '=', span(ps, pe));
        if (!eqs)
            continue;
        const char *ke = trim_end(ps, eqs), *vs = skip_ws(eqs + 1, pe);
        if (span(vs, pe) >= 2 && *vs == '"' && pe[-1] == '"') {
            vs++;
            pe--;
        }
        if (eq_ci(ps, ke, "version"))
            *version_ok = eq_ci(vs, pe, "2.1");
        else if (eq_ci(ps, ke, "q"))
            *q_zero = q_is_zero(vs, pe);
    }
}

bool taxii_accept_ok(const char *accept)
{
    if (!accept)
        return true;
    const char *s = accept, *end = accept + strlen(accept);
    if (skip_ws(s, end) == end)
        return true;
    while (s < end) {
        const char *comma = memchr(s, ',', span(s, end));
        const char *e = comma ? comma : end;
        const char *te;
        bool vok, q0;
        media(s, e, &te, &vok, &q0);
        const char *ts = skip_ws(s, e);
        if (!q0 && (eq_ci(ts, te, "*/*") || eq_ci(ts, te, "application/*") ||
                    (eq_ci(ts, te, "application/taxii+json") && vok)))
            return true;
        s = comma ? comma + 1 : end;
    }
    return false;
}

bool taxii_content_type_ok(const char *ct)
{
    if (!ct)
        return false;
    const char *e = ct + strlen(ct), *te;
    bool vok, q0;
    media(ct, e, &te, &vok, &q0);
    const char *ts = skip_ws(ct, e);
    return vok && (eq_ci(ts, te, "application/taxii+json") ||
                   eq_ci(ts, te, "application/stix+json"));
}

/* ---- base64 and times ---- */

int taxii_b64_decode(const char *in, size_t len, uint8_t *out, size_t cap, size_t *n)
{
    static const char tab[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    while (len && in[len - 1] == '=')
        len--;
    if (len % 4 == 1)
        return -1;
    uint32_t acc = 0;
    int bits = 0;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        const char *c = in[i] ? strchr(tab, in[i]) : NULL;
        if (!c)
            return -1;
        acc = acc << 6 | (uint32_t)(c - tab);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            if (o == cap)
                return -1;
            out[o++] = (uint8_t)(acc >> bits);
        }
    }
    *n = o;
    return 0;
}

void taxii_version_format(int64_t us, char out[TIX_TIME_US_MAX])
{
    tix_time_format_us(us, out);
    size_t n = strlen(out);
    /* "....123000Z" -> "....123Z" */
    if (n == 27 && us % 1000 == 0) {
        out[23] = 'Z';
        out[24] = 0;
    }
}
