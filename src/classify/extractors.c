/* extractors.c - the registry of config extractors and the config helpers
 * they share. */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "classify/internal.h"
#include "core/hex.h"

/* ---- registry ---------------------------------------------------------- */

/* The API hands out one contiguous array, but each family defines its
 * extractor in its own file, and C cannot initialise a static array from
 * other objects; so the array is filled once, on first use. */
#define X(name) +1
enum { N_EXTRACTORS = 0 TIX__FAMILIES(X) };
#undef X

static tix_config_extractor table[N_EXTRACTORS];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void table_fill(void)
{
    size_t i = 0;
#define X(name) table[i++] = tix__extractor_##name;
    TIX__FAMILIES(X)
#undef X
}

const tix_config_extractor *tix_config_extractors(size_t *n)
{
    pthread_once(&table_once, table_fill);
    if (n != NULL)
        *n = N_EXTRACTORS;
    return table;
}

const tix_config_extractor *tix_config_extractor_by_rule(const char *rule)
{
    size_t n;
    const tix_config_extractor *t = tix_config_extractors(&n);
    for (size_t i = 0; rule != NULL && i < n; i++)
        if (strcmp(t[i].rule, rule) == 0)
            return &t[i];
    return NULL;
}

const tix_config_extractor *tix_config_extractor_by_family(const char *family)
{
    size_t n;
    const tix_config_extractor *t = tix_config_extractors(&n);
    for (size_t i = 0; family != NULL && i < n; i++)
        if (strcasecmp(t[i].family, family) == 0)
            return &t[i];
    return NULL;
}

/* ---- building a config ------------------------------------------------- */

static bool printable_nonspace(int ch)
{
    return ch > 0x20 && ch < 0x7f;
}

tix_err tix_config_add_c2(tix_config *c, const char *scheme, const char *host,
                          size_t host_len, int port, const char *path, tix_diag *why)
{
    if (host == NULL || host_len == 0)
        return tix_diag_set(why, TIX_EPARSE, "C&C host is empty");
    if (host_len >= TIX_CONFIG_HOST_MAX)
        return tix_diag_set(why, TIX_EPARSE, "C&C host is %zu bytes long (at most %d)",
                            host_len, TIX_CONFIG_HOST_MAX - 1);
    for (size_t i = 0; i < host_len; i++)
        if (!printable_nonspace((unsigned char)host[i]))
            return tix_diag_set(why, TIX_EPARSE,
                                "C&C host has byte 0x%02x at %zu (not printable)",
                                (unsigned char)host[i], i);
    if (port < 0 || port > 65535)
        return tix_diag_set(why, TIX_EPARSE, "C&C port %d is out of range", port);
    if (scheme == NULL)
        scheme = "";
    size_t sl = strlen(scheme);
    if (sl >= sizeof c->c2[0].scheme)
        return tix_diag_set(why, TIX_EPARSE, "C&C scheme is %zu characters long (at most %zu)",
                            sl, sizeof c->c2[0].scheme - 1);
    for (size_t i = 0; i < sl; i++) {
        unsigned char ch = (unsigned char)scheme[i];
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (i > 0 && ((ch >= '0' && ch <= '9') || ch == '+' || ch == '-' || ch == '.'));
        if (!ok)
            return tix_diag_set(why, TIX_EPARSE, "C&C scheme has a bad character at %zu", i);
    }
    if (path == NULL)
        path = "";
    size_t pl = strlen(path);
    if (pl > 0 && path[0] != '/')
        return tix_diag_set(why, TIX_EPARSE, "C&C path does not start with '/'");
    if (pl >= TIX_CONFIG_PATH_MAX)
        return tix_diag_set(why, TIX_EPARSE, "C&C path is %zu bytes long (at most %d)", pl,
                            TIX_CONFIG_PATH_MAX - 1);
    for (size_t i = 0; i < pl; i++)
        if (!printable_nonspace((unsigned char)path[i]))
            return tix_diag_set(why, TIX_EPARSE,
                                "C&C path has byte 0x%02x at %zu (not printable)",
                                (unsigned char)path[i], i);
    if (c->nc2 >= TIX_CONFIG_C2_MAX)
        return tix_diag_set(why, TIX_ETOOBIG, "more than %d C&C entries", TIX_CONFIG_C2_MAX);

    tix_c2 *e = &c->c2[c->nc2++];
    memset(e, 0, sizeof *e);
    for (size_t i = 0; i < sl; i++)
        e->scheme[i] = (char)(scheme[i] >= 'A' && scheme[i] <= 'Z' ? scheme[i] + 32 : scheme[i]);
    /* Names are compared case-insensitively everywhere else in tix; one
     * spelling here keeps "EVIL.top" and "evil.top" one indicator. */
    for (size_t i = 0; i < host_len; i++)
        e->host[i] = (char)(host[i] >= 'A' && host[i] <= 'Z' ? host[i] + 32 : host[i]);
    e->port = port;
    memcpy(e->path, path, pl);
    return TIX_EOK;
}

tix_err tix__config_add_url(tix_config *c, const char *s, size_t n, const char *scheme,
                            const char *path, tix_diag *why)
{
    char sch[sizeof c->c2[0].scheme];
    char pbuf[TIX_CONFIG_PATH_MAX];
    size_t i = 0;

    /* scheme: only when "://" comes before anything that ends a scheme */
    for (size_t k = 0; k < n && k < sizeof sch; k++) {
        if (s[k] == ':') {
            if (k + 2 < n && s[k + 1] == '/' && s[k + 2] == '/') {
                memcpy(sch, s, k);
                sch[k] = 0;
                scheme = sch;
                i = k + 3;
            }
            break;
        }
        if (s[k] == '/' || s[k] == '[')
            break;
    }

    const char *host;
    size_t hl;
    if (i < n && s[i] == '[') { /* [IPv6]:port */
        size_t close = i + 1;
        while (close < n && s[close] != ']')
            close++;
        if (close == n)
            return tix_diag_set(why, TIX_EPARSE, "C&C '%.*s': no ']' after the IPv6 address",
                                (int)(n > 80 ? 80 : n), s);
        host = s + i + 1;
        hl = close - i - 1;
        i = close + 1;
    } else {
        size_t h = i;
        while (i < n && s[i] != ':' && s[i] != '/')
            i++;
        host = s + h;
        hl = i - h;
    }

    int port = 0;
    if (i < n && s[i] == ':') {
        size_t d = ++i;
        long v = 0;
        while (i < n && s[i] >= '0' && s[i] <= '9' && i - d < 6)
            v = v * 10 + (s[i++] - '0');
        if (i == d || v > 65535 || (i < n && s[i] >= '0' && s[i] <= '9'))
            return tix_diag_set(why, TIX_EPARSE, "C&C '%.*s': bad port",
                                (int)(n > 80 ? 80 : n), s);
        port = (int)v;
    }
    if (i < n) {
        if (s[i] != '/')
            return tix_diag_set(why, TIX_EPARSE, "C&C '%.*s': unexpected '%c' after the port",
                                (int)(n > 80 ? 80 : n), s, s[i]);
        if (n - i >= sizeof pbuf)
            return tix_diag_set(why, TIX_EPARSE, "C&C path is %zu bytes long (at most %zu)",
                                n - i, sizeof pbuf - 1);
        memcpy(pbuf, s + i, n - i);
        pbuf[n - i] = 0;
        path = pbuf;
    }
    return tix_config_add_c2(c, scheme, host, hl, port, path, why);
}

tix_err tix__config_add_key(tix_config *c, const char *name, const uint8_t *key, size_t n,
                            tix_diag *why)
{
    if (c->nkeys >= TIX_CONFIG_KEYS_MAX)
        return tix_diag_set(why, TIX_ETOOBIG, "more than %d keys", TIX_CONFIG_KEYS_MAX);
    if (2 * n >= sizeof c->keys[0].hex)
        return tix_diag_set(why, TIX_EPARSE, "key of %zu bytes is too long to record", n);
    tix_config_key *k = &c->keys[c->nkeys++];
    tix__config_copy(k->name, sizeof k->name, name, strlen(name));
    tix__hex_encode(key, n, k->hex);
    return TIX_EOK;
}

void tix__config_copy(char *dst, size_t cap, const char *s, size_t n)
{
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, s, n);
    dst[n] = 0;
}

tix_err tix__config_scan(const uint8_t *data, size_t len, const void *marker, size_t mlen,
                         tix__config_try_fn try, tix_config *out, tix_diag *why)
{
    tix_diag first = TIX_DIAG_INIT;
    char first_build[sizeof out->build] = "";
    size_t pos = 0;
    memset(out, 0, sizeof *out);
    for (int tries = 0; tries < TIX__CONFIG_TRIES && data != NULL && len - pos >= mlen;
         tries++) {
        const uint8_t *hit = memmem(data + pos, len - pos, marker, mlen);
        if (hit == NULL)
            break;
        size_t at = (size_t)(hit - data);
        tix_diag d = TIX_DIAG_INIT;
        tix_err rc = try(data, len, at, out, &d);
        if (rc == TIX_EOK && out->nc2 == 0)
            rc = tix_diag_set(&d, TIX_EPARSE, "config at offset %zu has no C&C", at);
        if (rc == TIX_EOK)
            return TIX_EOK;
        if (d.code == TIX_EOK) /* an attempt that forgot its reason */
            tix_diag_set(&d, rc, "config at offset %zu: %s", at, tix_strerror(rc));
        if (first.code == TIX_EOK) {
            first = d;
            memcpy(first_build, out->build, sizeof first_build);
        }
        memset(out, 0, sizeof *out);
        if (rc == TIX_ENOMEM)
            break;
        pos = at + 1;
    }
    if (first.code == TIX_EOK)
        return tix_diag_set(why, TIX_EPARSE, "config marker not found");
    /* the build the reported failure met, if it got that far */
    memcpy(out->build, first_build, sizeof out->build);
    return tix_diag_set(why, first.code, "%s", first.msg);
}

/* ---- formatting -------------------------------------------------------- */

char *tix_c2_format(const tix_c2 *c2, char *out, size_t cap)
{
    if (out == NULL || cap == 0)
        return out;
    /* an IPv6 address needs brackets or its colons read as a port */
    bool v6 = memchr(c2->host, ':', strnlen(c2->host, sizeof c2->host)) != NULL;
    bool url = c2->scheme[0] != 0 && strcmp(c2->scheme, "tcp") != 0;
    char port[16] = "";
    if (c2->port > 0)
        snprintf(port, sizeof port, ":%d", c2->port);
    snprintf(out, cap, "%s%s%s%.*s%s%s%.*s", url ? c2->scheme : "", url ? "://" : "",
             v6 ? "[" : "", (int)sizeof c2->host - 1, c2->host, v6 ? "]" : "", port,
             (int)sizeof c2->path - 1, c2->path);
    return out;
}
