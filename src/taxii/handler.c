/* handler.c - one TAXII request in, one response out: the route table,
 * authentication, content negotiation, and the GET endpoints.
 *
 * Order of checks: a body over the limit (413), a malformed path (400),
 * credentials (401), the route (404), the method (405), Accept (406), the
 * collection (404 when unknown or not granted: its existence is not
 * revealed), the right (403), the parameters (400). Every answer to an
 * authenticated partner is in the audit log before it is released. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "taxii/internal.h"

#define SEGS_MAX 8

static const struct route {
    const char *seg[SEGS_MAX];  /* "*": any one segment */
    enum route_kind kind;
    unsigned methods;
    const char *allow;
} routes[] = {
    {{"taxii2"}, R_DISCOVERY, M_GET, "GET"},
    {{"api"}, R_API_ROOT, M_GET, "GET"},
    {{"api", "status", "*"}, R_STATUS, M_GET, "GET"},
    {{"api", "collections"}, R_COLLECTIONS, M_GET, "GET"},
    {{"api", "collections", "*"}, R_COLLECTION, M_GET, "GET"},
    {{"api", "collections", "*", "objects"}, R_OBJECTS, M_GET | M_POST, "GET, POST"},
    {{"api", "collections", "*", "objects", "*"}, R_OBJECT, M_GET | M_DELETE,
     "GET, DELETE"},
    {{"api", "collections", "*", "objects", "*", "versions"}, R_VERSIONS, M_GET, "GET"},
    {{"api", "collections", "*", "manifest"}, R_MANIFEST, M_GET, "GET"},
};

/* ---- answers ---- */

static void json_str(tix_buf *b, const char *s)
{
    tix_buf_addc(b, '"');
    tix_buf_add_json(b, s, strlen(s));
    tix_buf_addc(b, '"');
}

void taxii_error(req *r, int status, const char *title, const char *fmt, ...)
{
    char desc[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(desc, sizeof desc, fmt, ap);
    va_end(ap);
    tix_buf *b = r->rs->body;
    tix_buf_reset(b);
    tix_buf_adds(b, "{\"title\":");
    json_str(b, title);
    tix_buf_adds(b, ",\"description\":");
    json_str(b, desc);
    tix_buf_addf(b, ",\"http_status\":\"%d\"}", status);
    r->rs->status = status;
    r->rs->content_type = TIX_TAXII_MEDIA;
    r->rs->date_added_first[0] = r->rs->date_added_last[0] = 0;
    r->sc->nkeys = 0; /* an error carries no object */
}

static void ok_json(req *r)
{
    r->rs->status = 200;
    r->rs->content_type = TIX_TAXII_MEDIA;
}

bool taxii_need_reader(req *r)
{
    if (!r->rd && !(r->rd = taxii_reader_get(r->t))) {
        taxii_error(r, 503, "Service Unavailable", "the store cannot be read now");
        return false;
    }
    return true;
}

static void store_failed(req *r, const tix_diag *d)
{
    taxii_log(r->t, "%s %s: %s", r->rq->method, r->rq->target, d->msg);
    taxii_error(r, 500, "Internal Server Error", "the store could not answer");
}

/* ---- authentication ---- */

static bool authenticate(req *r)
{
    const char *a = r->rq->authorization;
    char name[65] = "";
    char token[256];
    size_t tlen = 0;
    bool basic = false;
    if (!a || !*a) {
        taxii_error(r, 401, "Unauthorized", "credentials are required (Basic or Bearer)");
        r->rs->authenticate = true;
        return false;
    }
    size_t alen = strlen(a);
    if (alen > 1024)
        goto bad;
    while (*a == ' ')
        a++;
    if (strncasecmp(a, "Bearer ", 7) == 0) {
        const char *t = a + 7;
        while (*t == ' ')
            t++;
        tlen = strlen(t);
        while (tlen && t[tlen - 1] == ' ')
            tlen--;
        if (!tlen || tlen >= sizeof token)
            goto bad;
        memcpy(token, t, tlen);
    } else if (strncasecmp(a, "Basic ", 6) == 0) {
        const char *t = a + 6;
        while (*t == ' ')
            t++;
        size_t n = strlen(t);
        while (n && t[n - 1] == ' ')
            n--;
        uint8_t raw[400];
        size_t rn;
        if (taxii_b64_decode(t, n, raw, sizeof raw, &rn))
            goto bad;
        uint8_t *colon = memchr(raw, ':', rn);
        if (!colon || colon == raw || (size_t)(colon - raw) >= sizeof name)
            goto bad;
        memcpy(name, raw, (size_t)(colon - raw));
        name[colon - raw] = 0;
        tlen = rn - (size_t)(colon - raw) - 1;
        if (!tlen || tlen >= sizeof token || memchr(name, 0, (size_t)(colon - raw)))
            goto bad;
        memcpy(token, colon + 1, tlen);
        basic = true;
    } else {
        goto bad;
    }
    token[tlen] = 0;
    if (!taxii_need_reader(r))
        return false;
    tix_diag d = TIX_DIAG_INIT;
    if (!(r->cache = taxii_cache_get(r->t, r->rd->s, &d))) {
        store_failed(r, &d);
        return false;
    }
    uint8_t h[32];
    unsigned hn = 32;
    if (!EVP_DigestInit_ex2(r->sc->md, EVP_sha256(), NULL) ||
        !EVP_DigestUpdate(r->sc->md, token, tlen) ||
        !EVP_DigestFinal_ex(r->sc->md, h, &hn)) {
        taxii_error(r, 500, "Internal Server Error", "cannot hash the credentials");
        return false;
    }
    const cp_partner *p = taxii_cache_find(r->cache, h);
    if (!p || p->disabled || (basic && strcmp(name, p->name) != 0))
        goto bad;
    r->partner = p;
    return true;
bad:
    taxii_error(r, 401, "Unauthorized", "the credentials are not valid");
    r->rs->authenticate = true;
    return false;
}

/* ---- routing ---- */

static const struct route *match_route(const char **segs, size_t n, const char **caps,
                                       size_t *ncaps)
{
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        const struct route *rt = &routes[i];
        size_t k = 0, c = 0;
        for (; k < SEGS_MAX && rt->seg[k]; k++) {
            if (k >= n)
                break;
            if (strcmp(rt->seg[k], "*") == 0)
                caps[c++] = segs[k];
            else if (strcmp(rt->seg[k], segs[k]) != 0)
                break;
        }
        if ((k == SEGS_MAX || !rt->seg[k]) && k == n) {
            *ncaps = c;
            return rt;
        }
    }
    return NULL;
}

static unsigned method_bit(const char *m)
{
    if (strcmp(m, "GET") == 0)
        return M_GET;
    if (strcmp(m, "POST") == 0)
        return M_POST;
    if (strcmp(m, "DELETE") == 0)
        return M_DELETE;
    return 0;
}

/* The collection in the path, if the partner is granted it. */
static bool find_collection(req *r)
{
    const cp_partner *p = r->partner;
    for (uint32_t i = 0; i < p->ngrants; i++) {
        const cp_grant *g = &r->cache->g[p->grant0 + i];
        const cp_coll *c = &r->cache->c[g->coll];
        if (strcmp(c->uuid, r->coll_uuid) == 0) {
            r->coll = c;
            r->rights = g->rights;
            r->audit_coll = c->id;
            return true;
        }
    }
    taxii_error(r, 404, "Not Found", "no collection %s", r->coll_uuid);
    return false;
}

/* ---- discovery, API root, collections ---- */

static void api_root_url(req *r, tix_buf *b)
{
    tix_buf_addc(b, '"');
    if (r->t->base_url)
        tix_buf_add_json(b, r->t->base_url, strlen(r->t->base_url));
    tix_buf_adds(b, "/api/\"");
}

static void get_discovery(req *r)
{
    tix_buf *b = r->rs->body;
    tix_buf_adds(b, "{\"title\":");
    json_str(b, r->t->title);
    tix_buf_adds(b, ",\"description\":\"TAXII 2.1 server of tix\",\"default\":");
    api_root_url(r, b);
    tix_buf_adds(b, ",\"api_roots\":[");
    api_root_url(r, b);
    tix_buf_adds(b, "]}");
    ok_json(r);
}

static void get_api_root(req *r)
{
    tix_buf *b = r->rs->body;
    tix_buf_adds(b, "{\"title\":");
    json_str(b, r->t->title);
    tix_buf_adds(b, ",\"description\":\"Collections of tix, per partner grant\","
                    "\"versions\":[\"" TIX_TAXII_MEDIA "\"],\"max_content_length\":");
    tix_buf_add_u64(b, r->t->max_body);
    tix_buf_addc(b, '}');
    ok_json(r);
}

static void collection_json(tix_buf *b, const cp_coll *c, unsigned rights)
{
    tix_buf_adds(b, "{\"id\":");
    json_str(b, c->uuid);
    tix_buf_adds(b, ",\"title\":");
    json_str(b, c->title);
    if (c->description) {
        tix_buf_adds(b, ",\"description\":");
        json_str(b, c->description);
    }
    tix_buf_adds(b, ",\"alias\":");
    json_str(b, c->name);
    tix_buf_adds(b, (rights & TIX_GRANT_READ) ? ",\"can_read\":true" : ",\"can_read\":false");
    tix_buf_adds(b, (rights & TIX_GRANT_WRITE) && c->kind == TIX_COLLECTION_STORE
                        ? ",\"can_write\":true"
                        : ",\"can_write\":false");
    tix_buf_adds(b, ",\"media_types\":[\"" TIX_STIX_MEDIA "\"]}");
}

static void get_collections(req *r)
{
    tix_buf *b = r->rs->body;
    const cp_partner *p = r->partner;
    if (!p->ngrants) {
        tix_buf_adds(b, "{}");
    } else {
        tix_buf_adds(b, "{\"collections\":[");
        for (uint32_t i = 0; i < p->ngrants; i++) {
            const cp_grant *g = &r->cache->g[p->grant0 + i];
            if (i)
                tix_buf_addc(b, ',');
            collection_json(b, &r->cache->c[g->coll], g->rights);
        }
        tix_buf_adds(b, "]}");
    }
    ok_json(r);
}

/* ---- objects, manifest, an object, its versions ---- */

typedef struct {
    req *r;
    enum route_kind mode;
    uint32_t limit, n;
    bool more;
    int64_t first, last;
    tix_err err;
} page;

static int on_row(void *ud, const tix_share_row *row)
{
    page *pg = ud;
    req *r = pg->r;
    tix_buf *b = r->rs->body;
    if (pg->n == pg->limit) {
        pg->more = true;
        return 1;
    }
    if (!taxii_keep_key(r->sc, row->added)) {
        pg->err = TIX_ENOMEM;
        return 1;
    }
    if (pg->n == 0) {
        pg->first = row->added;
        tix_buf_adds(b, pg->mode == R_VERSIONS ? "{\"versions\":[" : "{\"objects\":[");
    } else {
        tix_buf_addc(b, ',');
    }
    pg->last = row->added;
    pg->n++;
    char v[TIX_TIME_US_MAX];
    switch (pg->mode) {
    case R_OBJECTS:
    case R_OBJECT:
        tix_buf_add(b, row->json, row->len);
        break;
    case R_VERSIONS:
        taxii_version_format(row->version, v);
        tix_buf_addc(b, '"');
        tix_buf_adds(b, v);
        tix_buf_addc(b, '"');
        break;
    default: {
        char added[TIX_TIME_US_MAX];
        tix_time_format_us(row->added, added);
        taxii_version_format(row->version, v);
        tix_buf_adds(b, "{\"id\":\"");
        tix_buf_add_json(b, row->stix_id, strlen(row->stix_id));
        tix_buf_adds(b, "\",\"date_added\":\"");
        tix_buf_adds(b, added);
        tix_buf_adds(b, "\",\"version\":\"");
        tix_buf_adds(b, v);
        tix_buf_adds(b, "\",\"media_type\":\"application/stix+json;version=");
        tix_buf_add_json(b, row->spec, strlen(row->spec));
        tix_buf_adds(b, "\"}");
        break;
    }
    }
    return 0;
}

static int any_row(void *ud, const tix_share_row *row)
{
    (void)row;
    *(bool *)ud = true;
    return 1;
}

static void get_rows(req *r)
{
    if (!(r->rights & TIX_GRANT_READ)) {
        taxii_error(r, 403, "Forbidden", "no read access to collection %s", r->coll_uuid);
        return;
    }
    if (!taxii_params_parse(r) || !taxii_need_reader(r))
        return;
    const params *p = &r->p;
    const char *one[1] = {r->object_id};
    bool single = r->route == R_OBJECT || r->route == R_VERSIONS;
    uint32_t limit = p->limit ? p->limit : r->t->page_default;
    tix_share_query q = {
        .collection_id = r->coll->id, .partner_id = r->partner->id,
        .clearance = r->partner->clearance,
        .after = p->has_after ? p->after : 0,
        .ids = single ? one : p->ids, .n_ids = single ? 1 : p->n_ids,
        .types = p->types, .n_types = p->n_types,
        .versions = r->route == R_VERSIONS ? TIX_VERSIONS_ALL : p->versions,
        .vtimes = p->vtimes, .n_vtimes = r->route == R_VERSIONS ? 0 : p->n_vtimes,
        .specs = p->specs, .n_specs = p->n_specs,
        .limit = limit + 1,
    };
    if (p->has_next && p->next_cursor > q.after)
        q.after = p->next_cursor;
    page pg = {.r = r, .mode = r->route, .limit = limit};
    tix_buf *b = r->rs->body;
    r->sc->nkeys = 0;
    tix_diag d = TIX_DIAG_INIT;
    tix_err e = tix_share_read(r->rd->s, &q,
                               r->route == R_OBJECTS || r->route == R_OBJECT, on_row, &pg, &d);
    if (e == TIX_ESTOPPED && !pg.err)
        e = TIX_EOK;
    if (pg.err)
        e = tix_diag_set(&d, pg.err, "out of memory");
    if (e) {
        store_failed(r, &d);
        return;
    }
    if (b->err) {
        taxii_error(r, 500, "Internal Server Error", "the answer is too large");
        return;
    }
    if (pg.n == 0) {
        if (single) {
            /* 404 when the partner can see no version of it at all */
            bool seen = false;
            tix_share_query any = {.collection_id = r->coll->id, .partner_id = r->partner->id,
                                   .clearance = r->partner->clearance, .ids = one,
                                   .n_ids = 1, .versions = TIX_VERSIONS_ALL, .limit = 1};
            e = tix_share_read(r->rd->s, &any, false, any_row, &seen, &d);
            if (e && e != TIX_ESTOPPED) {
                store_failed(r, &d);
                return;
            }
            if (!seen) {
                taxii_error(r, 404, "Not Found", "no such object in collection %s", r->coll_uuid);
                return;
            }
        }
        tix_buf_adds(b, "{}");
        ok_json(r);
        return;
    }
    tix_buf_adds(b, "],\"more\":");
    if (pg.more) {
        tix_buf_adds(b, "true,\"next\":\"");
        taxii_next_make(r, pg.last, b);
        tix_buf_adds(b, "\"}");
    } else {
        tix_buf_adds(b, "false}");
    }
    tix_time_format_us(pg.first, r->rs->date_added_first);
    tix_time_format_us(pg.last, r->rs->date_added_last);
    ok_json(r);
}

static void get_collection(req *r)
{
    collection_json(r->rs->body, r->coll, r->rights);
    ok_json(r);
}

/* ---- the request ---- */

static void dispatch(req *r)
{
    const tix_taxii_request *rq = r->rq;
    if (rq->body_too_large) {
        taxii_error(r, 413, "Payload Too Large", "the body is larger than %zu bytes",
                    r->t->max_body);
        return;
    }
    const char *target = rq->target ? rq->target : "";
    const char *qm = strchr(target, '?');
    size_t plen = qm ? (size_t)(qm - target) : strlen(target);
    if (qm) {
        r->query = qm + 1;
        r->query_len = strlen(r->query);
    }
    if (plen > 4096 || r->query_len > 16384) {
        taxii_error(r, 414, "URI Too Long", "the request target is too long");
        return;
    }
    const char *segs[SEGS_MAX], *caps[SEGS_MAX];
    size_t nsegs, ncaps = 0;
    tix_buf *pb = &r->sc->tmp;
    tix_buf_reset(pb);
    int split = tix_buf_reserve(pb, plen + 1)
                    ? -1
                    : taxii_path_split(target, plen, pb->p, plen + 1, segs, SEGS_MAX, &nsegs);
    if (split < 0) {
        taxii_error(r, 400, "Bad Request", "a malformed path");
        return;
    }
    /* the segments live in tmp: match the route before tmp is reused */
    const struct route *rt = split ? NULL : match_route(segs, nsegs, caps, &ncaps);
    if (rt) {
        r->route = rt->kind;
        /* captures too long for what they name match nothing: 404 below */
        if (rt->kind >= R_COLLECTION && strlen(caps[0]) < sizeof r->coll_uuid)
            memcpy(r->coll_uuid, caps[0], strlen(caps[0]) + 1);
        if (rt->kind == R_STATUS && strlen(caps[0]) < sizeof r->status_id)
            memcpy(r->status_id, caps[0], strlen(caps[0]) + 1);
        if (rt->kind == R_OBJECT || rt->kind == R_VERSIONS) {
            size_t n = strlen(caps[1]);
            if (n < sizeof r->object_id && tix_stix_id_valid(caps[1], n))
                memcpy(r->object_id, caps[1], n + 1);
        }
    }
    if (!authenticate(r))
        return;
    if (!rt) {
        taxii_error(r, 404, "Not Found", "no such resource");
        return;
    }
    unsigned m = method_bit(rq->method ? rq->method : "");
    if (!(rt->methods & m)) {
        taxii_error(r, 405, "Method Not Allowed", "this resource takes %s", rt->allow);
        r->rs->allow = rt->allow;
        return;
    }
    if (!taxii_accept_ok(rq->accept)) {
        taxii_error(r, 406, "Not Acceptable", "answers are " TIX_TAXII_MEDIA);
        return;
    }
    switch (rt->kind) {
    case R_DISCOVERY:
        get_discovery(r);
        return;
    case R_API_ROOT:
        get_api_root(r);
        return;
    case R_STATUS:
        taxii_get_status(r);
        return;
    case R_COLLECTIONS:
        get_collections(r);
        return;
    default:
        break;
    }
    if (!r->coll_uuid[0]) {
        taxii_error(r, 404, "Not Found", "no such collection");
        return;
    }
    if (!find_collection(r))
        return;
    if ((rt->kind == R_OBJECT || rt->kind == R_VERSIONS) && !r->object_id[0]) {
        taxii_error(r, 404, "Not Found", "no such object");
        return;
    }
    switch (rt->kind) {
    case R_COLLECTION:
        get_collection(r);
        return;
    case R_OBJECTS:
        if (m == M_POST)
            taxii_post_objects(r);
        else
            get_rows(r);
        return;
    case R_OBJECT:
        if (m == M_DELETE)
            taxii_delete_object(r);
        else
            get_rows(r);
        return;
    case R_VERSIONS:
    case R_MANIFEST:
        get_rows(r);
        return;
    default:
        taxii_error(r, 404, "Not Found", "no such resource");
        return;
    }
}

/* The request as the audit log keeps it: printable ASCII only. */
static void audit_request(const char *target, tix_buf *b)
{
    tix_buf_reset(b);
    size_t n = strlen(target);
    if (n > 512)
        n = 512;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)target[i];
        tix_buf_addc(b, c >= 0x20 && c < 0x7f ? (char)c : '?');
    }
}

static void audit(req *r)
{
    tix_taxii_response *rs = r->rs;
    tix_audit_rec rec = {
        .time = tix_time_now_us(), .partner_id = r->partner->id,
        .collection_id = r->audit_coll, .method = r->rq->method ? r->rq->method : "",
        .status = rs->status, .keys = r->sc->keys, .n_keys = r->sc->nkeys,
    };
    tix_buf *req_text = &r->sc->params; /* the parameters are spent by now */
    audit_request(r->rq->target ? r->rq->target : "", req_text);
    rec.request = req_text->p ? req_text->p : "";
    if (rs->body->len) {
        unsigned n = 32;
        rec.has_sha256 = EVP_DigestInit_ex2(r->sc->md, EVP_sha256(), NULL) &&
                         EVP_DigestUpdate(r->sc->md, rs->body->p, rs->body->len) &&
                         EVP_DigestFinal_ex(r->sc->md, rec.sha256, &n);
    }
    if (!req_text->err && taxii_audit(r->t, &rec))
        return;
    /* nothing leaves unaudited */
    taxii_log(r->t, "%s %s: not answered: the audit log cannot be written",
              rec.method, rec.request);
    rs->allow = NULL;
    rs->authenticate = false;
    taxii_error(r, 500, "Internal Server Error", "the request could not be audited");
}

void tix_taxii_handle(tix_taxii *t, const tix_taxii_request *rq, tix_taxii_response *rs)
{
    tix_buf_reset(rs->body);
    rs->status = 500;
    rs->content_type = NULL;
    rs->authenticate = false;
    rs->allow = NULL;
    rs->date_added_first[0] = rs->date_added_last[0] = 0;
    req r = {.t = t, .rq = rq, .rs = rs};
    if (!(r.sc = taxii_scratch_get(t))) {
        tix_buf_adds(rs->body, "{\"title\":\"Service Unavailable\",\"http_status\":\"503\"}");
        rs->status = 503;
        rs->content_type = TIX_TAXII_MEDIA;
        return;
    }
    r.sc->nkeys = 0;
    dispatch(&r);
    if (rs->body->err) {
        tix_buf_reset(rs->body);
        taxii_error(&r, 500, "Internal Server Error", "the answer could not be built");
    }
    taxii_reader_put(t, r.rd);
    r.rd = NULL;
    if (r.partner)
        audit(&r);
    taxii_cache_put(t, r.cache);
    taxii_scratch_put(t, r.sc);
}
