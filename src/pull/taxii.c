/* taxii.c - URLs, envelopes, discovery and error documents, timestamps:
 * what a TAXII 2.1 client does without a network. URLs are parsed by
 * libcurl's URL API, the same parser that then makes the requests. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "ingest/file.h"
#include "pull/taxii.h"
#include "tix/observable.h"
#include "tix/time.h"

/* ---- URLs ---------------------------------------------------------------- */

void taxii_escape(tix_buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (isalnum(*p) || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
            tix_buf_addc(b, (char)*p);
        } else {
            char e[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            tix_buf_add(b, e, 3);
        }
    }
}

/* A URL into a fresh CURLU; messages name it as the user wrote it. */
static tix_err url_open(const char *url, CURLU **out, tix_diag *d)
{
    CURLU *u = curl_url();
    if (!u)
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    CURLUcode rc = curl_url_set(u, CURLUPART_URL, url, 0);
    if (rc != CURLUE_OK) {
        curl_url_cleanup(u);
        return tix_diag_set(d, rc == CURLUE_OUT_OF_MEMORY ? TIX_ENOMEM : TIX_EINVAL,
                            "'%.200s' is not a URL (%s)", url, curl_url_strerror(rc));
    }
    *out = u;
    return TIX_EOK;
}

/* Part p of u, or NULL when u has none (the caller frees with curl_free). */
static char *url_part(CURLU *u, CURLUPart p, unsigned flags)
{
    char *v = NULL;
    if (curl_url_get(u, p, &v, flags) != CURLUE_OK)
        return NULL;
    return v;
}

static tix_err url_out(CURLU *u, tix_buf *out, tix_diag *d)
{
    char *full = url_part(u, CURLUPART_URL, 0);
    if (!full)
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    tix_buf_reset(out);
    tix_buf_adds(out, full);
    curl_free(full);
    return out->err ? tix_diag_set(d, out->err, "URL too long") : TIX_EOK;
}

tix_err taxii_base_url(const char *url, tix_buf *out, bool *discovery, tix_diag *d)
{
    CURLU *u;
    tix_err e = url_open(url, &u, d);
    if (e)
        return e;
    char *scheme = url_part(u, CURLUPART_SCHEME, 0);
    char *user = url_part(u, CURLUPART_USER, 0);
    char *pass = url_part(u, CURLUPART_PASSWORD, 0);
    char *query = url_part(u, CURLUPART_QUERY, 0);
    char *frag = url_part(u, CURLUPART_FRAGMENT, 0);
    char *path = url_part(u, CURLUPART_PATH, 0);
    if (!scheme || (strcasecmp(scheme, "http") != 0 && strcasecmp(scheme, "https") != 0))
        e = tix_diag_set(d, TIX_EINVAL, "'%.200s': a TAXII server is reached over http "
                         "or https", url);
    else if (user || pass)
        /* never echo the URL: it holds a secret */
        e = tix_diag_set(d, TIX_EINVAL, "credentials do not belong in the URL; give "
                         "them as user and password, or a token");
    else if (query || frag)
        e = tix_diag_set(d, TIX_EINVAL, "'%.200s': an API root or discovery URL has no "
                         "%s", url, query ? "query" : "fragment");
    else if (!path)
        e = tix_diag_set(d, TIX_ENOMEM, "out of memory");
    if (!e) {
        size_t n = strlen(path);
        if (n == 0 || path[n - 1] != '/') {
            tix_buf p = TIX_BUF_INIT(0);
            tix_buf_adds(&p, path);
            tix_buf_addc(&p, '/');
            if (p.err || curl_url_set(u, CURLUPART_PATH, p.p, 0) != CURLUE_OK)
                e = tix_diag_set(d, TIX_ENOMEM, "out of memory");
            tix_buf_free(&p);
        } else {
            n--;
        }
        /* the last segment, without the slash that ends it */
        size_t start = n;
        while (start > 0 && path[start - 1] != '/')
            start--;
        *discovery = n - start == 6 && memcmp(path + start, "taxii2", 6) == 0;
    }
    if (!e)
        e = url_out(u, out, d);
    curl_free(scheme);
    curl_free(user);
    curl_free(pass);
    curl_free(query);
    curl_free(frag);
    curl_free(path);
    curl_url_cleanup(u);
    return e;
}

tix_err taxii_resolve(const char *base, const char *ref, tix_buf *out, tix_diag *d)
{
    CURLU *u;
    tix_err e = url_open(base, &u, d);
    if (e)
        return e;
    /* a URL set on a handle that holds one is taken relative to it */
    CURLUcode rc = curl_url_set(u, CURLUPART_URL, ref, 0);
    if (rc != CURLUE_OK)
        e = tix_diag_set(d, TIX_EPARSE, "'%.200s' is not a URL (%s)", ref,
                         curl_url_strerror(rc));
    else
        e = url_out(u, out, d);
    curl_url_cleanup(u);
    return e;
}

tix_err taxii_host(const char *url, tix_buf *out, tix_diag *d)
{
    CURLU *u;
    tix_err e = url_open(url, &u, d);
    if (e)
        return e;
    char *host = url_part(u, CURLUPART_HOST, 0);
    if (!host) {
        e = tix_diag_set(d, TIX_EINVAL, "'%.200s' names no host", url);
    } else {
        size_t n = strlen(host);
        tix_buf_reset(out);
        if (n >= 2 && host[0] == '[' && host[n - 1] == ']')
            tix_buf_add(out, host + 1, n - 2); /* an IPv6 address */
        else
            tix_buf_add(out, host, n);
        if (out->err)
            e = tix_diag_set(d, out->err, "out of memory");
    }
    curl_free(host);
    curl_url_cleanup(u);
    return e;
}

typedef struct {
    char *scheme, *host, *port;
} url_parts;

static bool parts_of(const char *url, url_parts *p)
{
    memset(p, 0, sizeof *p);
    CURLU *u = curl_url();
    if (!u)
        return false;
    bool ok = curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
              (p->scheme = url_part(u, CURLUPART_SCHEME, 0)) &&
              (p->host = url_part(u, CURLUPART_HOST, 0)) &&
              (p->port = url_part(u, CURLUPART_PORT, CURLU_DEFAULT_PORT));
    curl_url_cleanup(u);
    return ok;
}

static void parts_free(url_parts *p)
{
    curl_free(p->scheme);
    curl_free(p->host);
    curl_free(p->port);
}

bool taxii_same_server(const char *from, const char *to)
{
    url_parts a = {0}, b = {0};
    bool ok = parts_of(from, &a) && parts_of(to, &b);
    if (ok) {
        bool same_scheme = strcasecmp(a.scheme, b.scheme) == 0;
        bool upgrade = strcasecmp(a.scheme, "http") == 0 &&
                       strcasecmp(b.scheme, "https") == 0;
        ok = strcasecmp(a.host, b.host) == 0 &&
             ((same_scheme && strcmp(a.port, b.port) == 0) || upgrade);
    }
    parts_free(&a);
    parts_free(&b);
    return ok;
}

bool taxii_is_loopback(const char *url)
{
    url_parts p;
    bool yes = parts_of(url, &p) &&
               (strcasecmp(p.host, "localhost") == 0 || strncmp(p.host, "127.", 4) == 0 ||
                strcmp(p.host, "[::1]") == 0);
    parts_free(&p);
    return yes;
}

void taxii_objects_url(tix_buf *b, const char *api_root, const char *collection,
                       const char *added_after, unsigned limit, const char *next)
{
    tix_buf_adds(b, api_root);
    tix_buf_adds(b, "collections/");
    taxii_escape(b, collection);
    tix_buf_adds(b, "/objects/");
    char sep = '?';
    if (added_after && *added_after) {
        tix_buf_addc(b, sep);
        tix_buf_adds(b, "added_after=");
        taxii_escape(b, added_after);
        sep = '&';
    }
    if (limit) {
        tix_buf_addf(b, "%climit=%u", sep, limit);
        sep = '&';
    }
    if (next && *next) {
        tix_buf_addc(b, sep);
        tix_buf_adds(b, "next=");
        taxii_escape(b, next);
    }
}

void taxii_url_shown(tix_buf *out, const char *url, size_t max)
{
    tix_buf_reset(out);
    size_t n = strlen(url);
    if (max < 40)
        max = 40;
    if (n <= max) {
        tix_buf_add(out, url, n);
        return;
    }
    size_t tail = 24, head = max - tail - 3;
    tix_buf_add(out, url, head);
    tix_buf_adds(out, "...");
    tix_buf_add(out, url + n - tail, tail);
}

/* ---- documents ----------------------------------------------------------- */

static const char *json_kind(const json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT: return "an object";
    case JSON_ARRAY: return "an array";
    case JSON_STRING: return "a string";
    case JSON_INTEGER:
    case JSON_REAL: return "a number";
    case JSON_TRUE:
    case JSON_FALSE: return "true or false";
    default: return "null";
    }
}

/* Malformed JSON, said with the offset of the byte it went wrong at
 * (jansson's position counts the bytes read, that one included). */
static tix_err json_error(const json_error_t *je, size_t len, tix_diag *d)
{
    size_t at = je->position > 0 ? (size_t)je->position - 1 : 0;
    if (json_error_code(je) == json_error_premature_end_of_input || at > len)
        at = len;
    return tix_diag_set(d, TIX_EPARSE,
                        "malformed JSON at byte %zu (line %d, column %d): %s", at,
                        je->line, je->column, je->text);
}

tix_err taxii_envelope_parse(const char *data, size_t len, taxii_envelope *env,
                             tix_diag *d)
{
    memset(env, 0, sizeof *env);
    json_error_t je;
    json_t *root = json_loadb(data ? data : "", len, 0, &je);
    if (!root)
        return json_error(&je, len, d);
    tix_err e = TIX_EOK;
    json_t *more = json_object_get(root, "more"), *next = json_object_get(root, "next");
    json_t *objs = json_object_get(root, "objects");
    if (!json_is_object(root))
        e = tix_diag_set(d, TIX_EPARSE, "not a TAXII envelope: the document is %s",
                         json_kind(root));
    else if (more && !json_is_boolean(more))
        e = tix_diag_set(d, TIX_EPARSE, "not a TAXII envelope: \"more\" is %s",
                         json_kind(more));
    else if (next && !json_is_null(next) && !json_is_string(next))
        e = tix_diag_set(d, TIX_EPARSE, "not a TAXII envelope: \"next\" is %s",
                         json_kind(next));
    else if (objs && !json_is_null(objs) && !json_is_array(objs))
        e = tix_diag_set(d, TIX_EPARSE, "not a TAXII envelope: \"objects\" is %s",
                         json_kind(objs));
    if (e) {
        json_decref(root);
        return e;
    }
    env->root = root;
    env->objects = json_is_array(objs) ? objs : NULL;
    env->more = json_is_true(more);
    env->next = json_string_value(next);
    if (env->next && !*env->next)
        env->next = NULL;
    return TIX_EOK;
}

void taxii_envelope_free(taxii_envelope *env)
{
    json_decref(env->root);
    memset(env, 0, sizeof *env);
}

static int dump_to_buf(const char *s, size_t n, void *ud)
{
    tix_buf *b = ud;
    tix_buf_add(b, s, n);
    return b->err ? -1 : 0;
}

/* Namespace of the ids of bundles made from TAXII pages. */
static const uint8_t bundle_ns[16] = {
    0x6a, 0x0e, 0x3f, 0x51, 0x2c, 0x7d, 0x4b, 0x93,
    0x8e, 0x15, 0x0c, 0x4f, 0xd2, 0x61, 0x9a, 0x37,
};

tix_err taxii_bundle(const taxii_envelope *env, tix_buf *out, tix_diag *d)
{
    static const char head[] = "{\"type\":\"bundle\",\"id\":\"bundle--";
    static const char uuid_at[] = "00000000-0000-0000-0000-000000000000";
    static const char mid[] = "\",\"objects\":";
    tix_buf_reset(out);
    tix_buf_add(out, head, sizeof head - 1);
    size_t at = out->len;
    tix_buf_add(out, uuid_at, sizeof uuid_at - 1);
    tix_buf_add(out, mid, sizeof mid - 1);
    size_t objs = out->len;
    if (env->objects) {
        if (json_dump_callback(env->objects, dump_to_buf, out, JSON_COMPACT) != 0 &&
            !out->err)
            out->err = TIX_ENOMEM;
    } else {
        tix_buf_adds(out, "[]");
    }
    if (out->err)
        return tix_diag_set(d, out->err, "%s", out->err == TIX_ETOOBIG
                                                   ? "page too large as a bundle"
                                                   : "out of memory");
    /* the id: a UUIDv5 of the objects' SHA-256, written into its place */
    uint8_t sha[32], uuid[16];
    sha256_of(out->p + objs, out->len - objs, sha);
    tix_err e = tix_uuid5(bundle_ns, sha, sizeof sha, uuid);
    if (e)
        return tix_diag_set(d, e, "out of memory");
    char u[37];
    tix_uuid_format(uuid, u);
    memcpy(out->p + at, u, 36);
    tix_buf_addc(out, '}');
    return out->err ? tix_diag_set(d, out->err, "out of memory") : TIX_EOK;
}

tix_err taxii_discovery_root(const char *data, size_t len, const char *base,
                             tix_buf *out, tix_diag *d)
{
    json_error_t je;
    json_t *root = json_loadb(data ? data : "", len, 0, &je);
    if (!root)
        return json_error(&je, len, d);
    tix_err e = TIX_EOK;
    const char *def = json_string_value(json_object_get(root, "default"));
    json_t *roots = json_object_get(root, "api_roots");
    const char *only = json_array_size(roots) == 1
                           ? json_string_value(json_array_get(roots, 0)) : NULL;
    if (!json_is_object(root)) {
        e = tix_diag_set(d, TIX_EPARSE, "not a TAXII discovery document: the document "
                         "is %s", json_kind(root));
    } else if (def && *def) {
        e = taxii_resolve(base, def, out, d);
    } else if (only && *only) {
        e = taxii_resolve(base, only, out, d);
    } else if (json_array_size(roots) == 0) {
        e = tix_diag_set(d, TIX_ENOTFOUND, "the server lists no API root");
    } else {
        tix_buf list = TIX_BUF_INIT(200);
        size_t i;
        json_t *r;
        json_array_foreach(roots, i, r) {
            if (!json_is_string(r))
                continue;
            if (list.len)
                tix_buf_adds(&list, ", ");
            tix_buf_adds(&list, json_string_value(r));
        }
        e = tix_diag_set(d, TIX_EINVAL, "the server has no default API root; give one "
                         "of: %s%s", list.p ? list.p : "",
                         list.err ? ", ..." : "");
        tix_buf_free(&list);
    }
    json_decref(root);
    return e;
}

/* s as one line: control characters as spaces, at most max bytes. */
static void add_line(tix_buf *out, const char *s, size_t max)
{
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    while (n && isspace((unsigned char)*s))
        s++, n--;
    bool cut = n > max;
    if (cut)
        n = max;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        tix_buf_addc(out, c < 0x20 || c == 0x7f ? ' ' : (char)c);
    }
    if (cut)
        tix_buf_adds(out, "...");
}

void taxii_error_text(const char *data, size_t len, tix_buf *out)
{
    json_t *root = len ? json_loadb(data, len, 0, NULL) : NULL;
    const char *title = json_string_value(json_object_get(root, "title"));
    const char *desc = json_string_value(json_object_get(root, "description"));
    if (title && *title)
        add_line(out, title, 160);
    if (desc && *desc) {
        if (title && *title)
            tix_buf_adds(out, ": ");
        add_line(out, desc, 160);
    }
    json_decref(root);
}

/* ---- timestamps ---------------------------------------------------------- */

bool taxii_ts_valid(const char *s, size_t max)
{
    size_t n = strlen(s);
    int64_t t;
    return n > 0 && n < max && !isspace((unsigned char)s[0]) &&
           !isspace((unsigned char)s[n - 1]) &&
           tix_time_parse(s, n, &t, NULL) == TIX_EOK;
}

/* The digits of the fraction of a second, and how many. */
static const char *fraction(const char *s, size_t *n)
{
    const char *t = strpbrk(s, "Tt ");
    const char *f = t ? strpbrk(t, ".,") : NULL;
    *n = 0;
    if (!f)
        return "";
    f++;
    while (isdigit((unsigned char)f[*n]))
        (*n)++;
    return f;
}

int taxii_ts_cmp(const char *a, const char *b)
{
    int64_t x = 0, y = 0;
    (void)tix_time_parse(a, strlen(a), &x, NULL);
    (void)tix_time_parse(b, strlen(b), &y, NULL);
    if (x != y)
        return x < y ? -1 : 1;
    size_t na, nb;
    const char *fa = fraction(a, &na), *fb = fraction(b, &nb);
    for (size_t i = 0; i < na || i < nb; i++) {
        char ca = i < na ? fa[i] : '0', cb = i < nb ? fb[i] : '0';
        if (ca != cb)
            return ca < cb ? -1 : 1;
    }
    return 0;
}

tix_err taxii_ts_from_user(const char *s, char *out, size_t cap, tix_diag *d)
{
    int64_t t;
    tix_diag why = TIX_DIAG_INIT;
    if (tix_time_parse(s, strlen(s), &t, &why) != TIX_EOK)
        return tix_diag_set(d, TIX_EINVAL, "'%.80s' is not a time: %s", s, why.msg);
    int64_t us;
    /* the form TAXII filters take is passed on as written */
    if (tix_time_parse_stix(s, strlen(s), &us, NULL) == TIX_EOK) {
        if (strlen(s) >= cap)
            return tix_diag_set(d, TIX_EINVAL, "'%.80s' is too long for a time", s);
        memcpy(out, s, strlen(s) + 1);
        return TIX_EOK;
    }
    char f[TIX_TIME_MAX];
    tix_time_format(t, f);
    if (!f[0] || strlen(f) >= cap)
        return tix_diag_set(d, TIX_EINVAL, "'%.80s' is not a time after 1970", s);
    memcpy(out, f, strlen(f) + 1);
    return TIX_EOK;
}
