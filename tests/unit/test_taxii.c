/* test_taxii.c - the TAXII request handler, without a network.
 *
 * The leak matrix: partners of every clearance (some named on TLP:RED
 * objects, some not, one write-only, one with no grant, one revoked)
 * against a store collection, a query collection (synced through the
 * server's refresh callback) and a collection nobody is granted, through
 * every read endpoint: objects (every page, through next links, with
 * match[version] last, first and all), match[id] for every id, match[type],
 * the manifest, each object by id and its versions. A model computes what
 * each partner may see; every response must hold exactly that, and no
 * response may name an object the partner may not see in any version.
 * Every object-returning response has its audit row: the partner, the
 * SHA-256 of the body and the object versions sent.
 *
 * Then: next links bound to partner, collection and filters; pagination
 * stable while objects are added; POST with its status resource (only for
 * the poster); DELETE; and hostile requests. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <jansson.h>
#include <openssl/sha.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tix/tix.h"

/* ---- the world ---------------------------------------------------------- */

#define ROOT_R1 "ipv4-addr--11111111-1111-5111-8111-111111111111"
#define ROOT_R2 "ipv4-addr--22222222-2222-5222-8222-222222222222"

enum { CA, CB, CC, NCOLL };
static const char *coll_names[NCOLL] = {"alpha", "bravo", "charlie"};

typedef struct {
    int coll;
    char id[80];
    const char *type;
    int64_t version;    /* µs */
    tix_tlp tlp;
    const char *root;
    int64_t added;
    bool latest, first;
    char json[400];
} mrow;

#define MAXROWS 128
static mrow rows[MAXROWS];
static int nrows;

typedef struct {
    const char *name;
    tix_tlp clearance;
    unsigned rights[NCOLL];
    const char *red[4];   /* keys it is named on */
    bool revoked;
    char token[TIX_TOKEN_MAX];
    int64_t id;
} mpartner;

static mpartner partners[] = {
    {"p-clear", TIX_TLP_CLEAR, {TIX_GRANT_READ, TIX_GRANT_READ, 0}, {0}, false, "", 0},
    {"p-green", TIX_TLP_GREEN, {TIX_GRANT_READ | TIX_GRANT_WRITE, 0, 0}, {0}, false, "", 0},
    {"p-amber", TIX_TLP_AMBER, {TIX_GRANT_READ, TIX_GRANT_READ, 0}, {0}, false, "", 0},
    {"p-strict", TIX_TLP_AMBER_STRICT, {0, TIX_GRANT_READ, 0}, {0}, false, "", 0},
    {"p-red", TIX_TLP_RED, {TIX_GRANT_READ, TIX_GRANT_READ, 0}, {ROOT_R1, NULL}, false, "", 0},
    {"p-red2", TIX_TLP_RED, {TIX_GRANT_READ, TIX_GRANT_READ, 0}, {ROOT_R2, NULL}, false, "", 0},
    {"p-low-named", TIX_TLP_AMBER, {TIX_GRANT_READ, TIX_GRANT_READ, 0}, {ROOT_R1, ROOT_R2},
     false, "", 0},
    {"p-write", TIX_TLP_RED, {TIX_GRANT_WRITE, 0, 0}, {ROOT_R1, NULL}, false, "", 0},
    {"p-none", TIX_TLP_RED, {0, 0, 0}, {ROOT_R1, ROOT_R2}, false, "", 0},
    {"p-revoked", TIX_TLP_RED, {TIX_GRANT_READ, TIX_GRANT_READ, 0}, {ROOT_R1, ROOT_R2}, true,
     "", 0},
};
#define NPARTNERS ((int)(sizeof partners / sizeof partners[0]))

static char dir[256], db[300];
static char coll_uuid[NCOLL][TIX_UUID_MAX];
static int64_t coll_id[NCOLL];
static tix_store *ws;      /* the test's own connection */
static tix_taxii *srv;
static int refreshes;
static long n_requests, n_rows_checked, n_audits_checked;

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(p);
}

static void must(tix_err e, const tix_diag *d, const char *what)
{
    if (e != TIX_EOK)
        fail_msg("%s: %s", what, d->msg);
}

/* Named on a row: its root, or its id without one. */
static bool named(const mpartner *p, const mrow *r)
{
    const char *key = r->root ? r->root : r->id;
    for (int i = 0; i < 4 && p->red[i]; i++)
        if (strcmp(p->red[i], key) == 0)
            return true;
    return false;
}

static bool visible(const mpartner *p, const mrow *r)
{
    return r->tlp <= p->clearance && (r->tlp < TIX_TLP_RED || named(p, r));
}

static void model_flags(void)
{
    for (int i = 0; i < nrows; i++) {
        mrow *r = &rows[i];
        r->latest = r->first = true;
        for (int j = 0; j < nrows; j++) {
            mrow *o = &rows[j];
            if (j == i || o->coll != r->coll || strcmp(o->id, r->id) != 0)
                continue;
            if (o->version > r->version || (o->version == r->version && o->added > r->added))
                r->latest = false;
            if (o->version < r->version || (o->version == r->version && o->added < r->added))
                r->first = false;
        }
    }
}

static mrow *new_row(int coll, const char *type, int k, int64_t version, tix_tlp tlp,
                     const char *root)
{
    mrow *r = &rows[nrows++];
    r->coll = coll;
    r->type = type;
    snprintf(r->id, sizeof r->id, "%s--%08x-0000-4000-8000-%012d", type, 0xa0 + coll, k);
    r->version = version;
    r->tlp = tlp;
    r->root = root;
    return r;
}

static void row_json(mrow *r)
{
    if (strcmp(r->type, "ipv4-addr") == 0)
        snprintf(r->json, sizeof r->json,
                 "{\"type\":\"ipv4-addr\",\"spec_version\":\"2.1\",\"id\":\"%s\","
                 "\"value\":\"198.51.100.%d\"}",
                 r->id, (int)(r->version % 250));
    else
        snprintf(r->json, sizeof r->json,
                 "{\"type\":\"%s\",\"spec_version\":\"2.1\",\"id\":\"%s\","
                 "\"created\":\"2024-01-01T00:00:00.000Z\",\"modified\":\"v%lld\","
                 "\"name\":\"tlp %s\"}",
                 r->type, r->id, (long long)r->version, tix_tlp_name(r->tlp));
}

static const char *type_of(int k)
{
    return k % 3 == 1 ? "malware" : k % 3 == 2 ? "ipv4-addr" : "indicator";
}

static const char *red_root(int k)
{
    return k % 3 == 0 ? ROOT_R1 : k % 3 == 1 ? ROOT_R2 : NULL;
}

static void put_row(int coll, int k, int64_t version, tix_tlp tlp, const char *root)
{
    tix_diag d = TIX_DIAG_INIT;
    mrow *r = new_row(coll, type_of(k), k, version, tlp, root);
    row_json(r);
    tix_share_obj o = {.id = r->id, .type = r->type, .version = r->version, .tlp = r->tlp,
                       .root = r->root, .json = r->json, .len = strlen(r->json)};
    must(tix_share_add(ws, coll_id[coll], &o, &r->added, NULL, &d), &d, "add");
}

/* Collections A and C: rows put in directly. Some objects have an older
 * TLP:GREEN version; some also a third, TLP:AMBER, version older than the
 * latest but added last. */
static void fill_store_collection(int coll, int n)
{
    for (int k = 0; k < n; k++) {
        tix_tlp tlp = (tix_tlp)(k % 5);
        const char *root = tlp == TIX_TLP_RED ? red_root(k / 5) : NULL;
        int64_t base = 1700000000000000 + (int64_t)k * 1000000;
        int nv = k % 4 == 0 ? 2 : k % 7 == 1 ? 3 : 1;
        if (nv == 1) {
            put_row(coll, k, base, tlp, root);
            continue;
        }
        put_row(coll, k, base, TIX_TLP_GREEN, NULL);
        put_row(coll, k, base + 1000, tlp, root);
        if (nv == 3)
            put_row(coll, k, base + 500, TIX_TLP_AMBER, NULL);
    }
}

/* Collection B: a query collection, synced by the server's refresh. */
static tix_err produce_b(void *ud, tix_stix_obj_fn emit, void *emit_ud, tix_diag *d)
{
    (void)ud, (void)d;
    for (int i = 0; i < nrows; i++) {
        mrow *r = &rows[i];
        if (r->coll != CB)
            continue;
        tix_stix_obj o = {.id = r->id, .type = r->type, .created = r->version / 1000,
                          .modified = r->version / 1000, .tlp = r->tlp, .root = r->root,
                          .json = r->json, .len = strlen(r->json)};
        if (emit(emit_ud, &o))
            return TIX_ESTOPPED;
    }
    return TIX_EOK;
}

static tix_err produce_none(void *ud, tix_stix_obj_fn emit, void *emit_ud, tix_diag *d)
{
    (void)ud, (void)emit, (void)emit_ud, (void)d;
    return TIX_EOK;
}

/* ud non-NULL: empty the collection, then fail (the refresh must be
 * rolled back). */
static tix_err refresh_cb(void *ud, tix_store *s, const char *collection, const char *query,
                          tix_diag *d)
{
    refreshes++;
    if (strcmp(collection, coll_names[CB]) != 0 || strcmp(query, "family=Emotet") != 0)
        return tix_diag_set(d, TIX_EINVAL, "unexpected refresh of %s (%s)", collection, query);
    tix_sync_stats st;
    if (ud) {
        tix_err e = tix_collection_sync(s, collection, produce_none, NULL, &st, d);
        return e ? e : tix_diag_set(d, TIX_EIO, "the export failed after the sync");
    }
    return tix_collection_sync(s, collection, produce_b, NULL, &st, d);
}

static char logged[512];

static void log_cb(void *ud, const char *msg)
{
    (void)ud;
    snprintf(logged, sizeof logged, "%s", msg);
}

static int group_setup(void **state)
{
    (void)state;
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/tix_taxii.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir))
        return -1;
    snprintf(db, sizeof db, "%s/store.db", dir);
    tix_diag d = TIX_DIAG_INIT;
    if (tix_store_open(&ws, db, TIX_STORE_CREATE, &d) != TIX_EOK)
        return -1;
    if (tix_store_begin(ws, &d))
        return -1;
    for (int c = 0; c < NCOLL; c++) {
        tix_collection col;
        tix_err e = tix_collection_add(ws, coll_names[c],
                                       c == CB ? TIX_COLLECTION_QUERY : TIX_COLLECTION_STORE,
                                       c == CB ? "family=Emotet" : NULL, NULL,
                                       c == CA ? "what partners post" : NULL, &col, &d);
        if (e)
            return -1;
        memcpy(coll_uuid[c], col.uuid, TIX_UUID_MAX);
        coll_id[c] = col.id;
    }
    fill_store_collection(CA, 20);
    fill_store_collection(CC, 5);
    for (int k = 0; k < 10; k++) {
        tix_tlp tlp = (tix_tlp)(k % 5);
        mrow *r = new_row(CB, type_of(k), k, 1710000000000000 + (int64_t)k * 1000,
                          tlp, tlp == TIX_TLP_RED ? red_root(k / 5 + 1) : NULL);
        row_json(r);
    }
    for (int i = 0; i < NPARTNERS; i++) {
        mpartner *p = &partners[i];
        if (tix_partner_add(ws, p->name, TIX_PARTNER_CERT, "NG", p->clearance, p->token, &d))
            return -1;
        for (int c = 0; c < NCOLL; c++)
            if (p->rights[c] && tix_grant_add(ws, p->name, coll_names[c], p->rights[c], &d))
                return -1;
        for (int k = 0; k < 4 && p->red[k]; k++)
            if (tix_red_allow(ws, p->name, p->red[k], NULL, &d))
                return -1;
        if (p->revoked && tix_partner_disable(ws, p->name, &d))
            return -1;
    }
    /* red rows without a root are named by object id: p-red on those of A */
    for (int i = 0, slot = 1; i < nrows && slot < 4; i++)
        if (rows[i].tlp == TIX_TLP_RED && !rows[i].root && rows[i].coll == CA) {
            if (tix_red_allow(ws, "p-red", rows[i].id, NULL, &d))
                return -1;
            partners[4].red[slot++] = rows[i].id; /* rows outlive the tests */
        }
    if (tix_store_commit(ws, &d))
        return -1;
    for (int i = 0; i < NPARTNERS; i++) {
        tix_partner p;
        if (tix_partner_get(ws, partners[i].name, &p, &d))
            return -1;
        partners[i].id = p.id;
    }
    tix_taxii_opts o = {.store = db, .refresh = refresh_cb, .page_max = 50};
    if (tix_taxii_open(&srv, &o, &d) != TIX_EOK) {
        fprintf(stderr, "taxii_open: %s\n", d.msg);
        return -1;
    }
    model_flags();
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    tix_taxii_close(srv);
    tix_store_close(ws);
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    return 0;
}

/* ---- requests ----------------------------------------------------------- */

typedef struct {
    int status;
    char *body;
    size_t len;
    char first[TIX_TIME_US_MAX], last[TIX_TIME_US_MAX];
    bool authenticate;
    char allow[32];
    int64_t t0; /* when it was sent, µs */
} resp;

static resp request(const char *method, const char *target, const char *auth,
                    const char *accept, const char *ctype, const char *body, size_t blen,
                    bool too_large)
{
    tix_buf b = TIX_BUF_INIT(0);
    tix_taxii_request rq = {.method = method, .target = target, .authorization = auth,
                            .accept = accept, .content_type = ctype, .body = body,
                            .body_len = blen, .body_too_large = too_large};
    tix_taxii_response rs = {.body = &b};
    resp r = {.t0 = tix_time_now_us()};
    tix_taxii_handle(srv, &rq, &rs);
    n_requests++;
    r.status = rs.status;
    r.len = b.len;
    r.body = tix_buf_detach(&b, NULL);
    if (!r.body)
        r.body = strdup("");
    memcpy(r.first, rs.date_added_first, sizeof r.first);
    memcpy(r.last, rs.date_added_last, sizeof r.last);
    r.authenticate = rs.authenticate;
    snprintf(r.allow, sizeof r.allow, "%s", rs.allow ? rs.allow : "");
    if (rs.status != 204 && r.len && !rs.content_type)
        fail_msg("%s %s: a body without a content type", method, target);
    if (rs.content_type && strcmp(rs.content_type, TIX_TAXII_MEDIA) != 0)
        fail_msg("%s %s: content type %s", method, target, rs.content_type);
    return r;
}

static char bearer[NPARTNERS][128];

static const char *auth_of(int p)
{
    snprintf(bearer[p], sizeof bearer[p], "Bearer %s", partners[p].token);
    return bearer[p];
}

static resp get(int p, const char *target)
{
    return request("GET", target, auth_of(p), TIX_TAXII_MEDIA, NULL, NULL, 0, false);
}

static json_t *parse(const resp *r)
{
    json_error_t e;
    json_t *j = json_loadb(r->body, r->len, 0, &e);
    if (!j)
        fail_msg("not JSON (%s): %.200s", e.text, r->body);
    return j;
}

/* A TAXII error message with this status. */
static void expect_error(const resp *r, int status, const char *what)
{
    if (r->status != status)
        fail_msg("%s: status %d, want %d: %.300s", what, r->status, status, r->body);
    json_t *j = parse(r);
    const char *hs = json_string_value(json_object_get(j, "http_status"));
    char want[8];
    snprintf(want, sizeof want, "%d", status);
    if (!json_string_value(json_object_get(j, "title")) || !hs || strcmp(hs, want) != 0)
        fail_msg("%s: not a TAXII error message: %s", what, r->body);
    json_decref(j);
}

/* ---- the audit check ---------------------------------------------------- */

typedef struct {
    int n;
    tix_audit_rec last;
    int64_t keys[256];
    char partner[65];
    char request[600];
    char method[16];
} audit_find;

static int on_audit(void *ud, const tix_audit_rec *r)
{
    audit_find *a = ud;
    a->n++;
    a->last = *r;
    snprintf(a->partner, sizeof a->partner, "%s", r->partner);
    snprintf(a->request, sizeof a->request, "%s", r->request);
    snprintf(a->method, sizeof a->method, "%s", r->method);
    a->last.method = a->method;
    a->last.partner = a->partner;
    a->last.request = a->request;
    size_t n = r->n_keys < 256 ? r->n_keys : 256;
    memcpy(a->keys, r->keys, n * sizeof *a->keys);
    a->last.keys = a->keys;
    a->last.n_keys = n;
    return 0;
}

typedef struct {
    char ids[256][80];
    int64_t versions[256];
    int n;
} sent_list;

static int on_sent(void *ud, int64_t key, const char *id, int64_t version)
{
    (void)key;
    sent_list *s = ud;
    if (s->n < 256) {
        snprintf(s->ids[s->n], 80, "%s", id);
        s->versions[s->n++] = version;
    }
    return 0;
}

/* The request's audit row: the partner, the target, the body's SHA-256,
 * and the versions sent (ids[i], versions[i]) in order. */
static void expect_audit(int p, const char *target, const resp *r, char (*ids)[80],
                         const int64_t *versions, int n)
{
    audit_find a = {0};
    tix_audit_filter f = {.partner = partners[p].name, .since = r->t0};
    tix_diag d = TIX_DIAG_INIT;
    must(tix_audit_each(ws, &f, on_audit, &a, &d), &d, "audit_each");
    if (a.n != 1)
        fail_msg("%s: %d audit rows since the request, want 1", target, a.n);
    assert_string_equal(a.partner, partners[p].name);
    assert_string_equal(a.request, target);
    assert_int_equal(a.last.status, r->status);
    uint8_t h[32];
    SHA256((const unsigned char *)r->body, r->len, h);
    assert_true(a.last.has_sha256);
    assert_memory_equal(a.last.sha256, h, 32);
    assert_int_equal((int)a.last.n_keys, n);
    sent_list s = {0};
    n_audits_checked++;
    must(tix_audit_objects(ws, &a.last, on_sent, &s, &d), &d, "audit_objects");
    assert_int_equal(s.n, n);
    for (int i = 0; i < n; i++) {
        assert_string_equal(s.ids[i], ids[i]);
        assert_int_equal(s.versions[i], versions[i]);
    }
}

/* ---- the matrix ----------------------------------------------------------- */

/* Ids the partner may see in no version of coll: no response may name them. */
static bool forbidden(const mpartner *p, int coll, const char *id)
{
    for (int i = 0; i < nrows; i++)
        if (rows[i].coll == coll && strcmp(rows[i].id, id) == 0 && visible(p, &rows[i]))
            return false;
    return true;
}

static void no_forbidden(const mpartner *p, const resp *r, const char *what)
{
    for (int i = 0; i < nrows; i++) {
        if (forbidden(p, rows[i].coll, rows[i].id) && strstr(r->body, rows[i].id))
            fail_msg("%s: %s may not see %s, but the answer names it: %.300s", what, p->name,
                     rows[i].id, r->body);
        /* and no row of a collection it cannot read at all */
    }
}

typedef bool (*row_pred)(const mrow *r, const void *arg);

static bool pred_last(const mrow *r, const void *a)
{
    (void)a;
    return r->latest;
}

static bool pred_first(const mrow *r, const void *a)
{
    (void)a;
    return r->first;
}

static bool pred_all(const mrow *r, const void *a)
{
    (void)r, (void)a;
    return true;
}

static bool pred_type(const mrow *r, const void *a)
{
    return r->latest && strcmp(r->type, (const char *)a) == 0;
}

static bool pred_id(const mrow *r, const void *a)
{
    return r->latest && strcmp(r->id, (const char *)a) == 0;
}

static bool pred_id_all(const mrow *r, const void *a)
{
    return strcmp(r->id, (const char *)a) == 0;
}

/* The rows of coll the partner should get, in date_added order. */
static int expected(const mpartner *p, int coll, row_pred pred, const void *arg,
                    const mrow **out)
{
    int n = 0;
    for (int i = 0; i < nrows; i++) /* rows are in date_added order per collection */
        if (rows[i].coll == coll && visible(p, &rows[i]) && pred(&rows[i], arg))
            out[n++] = &rows[i];
    /* B's rows got their date_added from the sync: order by it */
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && out[j - 1]->added > out[j]->added; j--) {
            const mrow *t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
        }
    return n;
}

/* Page through target (which has a '?') with limit, following next; the
 * rows must be exactly want, each page audited. manifest: the answer lists
 * manifest entries, not objects. */
static void walk(int pi, const char *base, int limit, bool manifest, const mrow **want,
                 int nwant)
{
    const mpartner *p = &partners[pi];
    char target[1024];
    snprintf(target, sizeof target, "%s%slimit=%d", base, strchr(base, '?') ? "&" : "?",
             limit);
    int got = 0, pages = 0;
    for (;;) {
        resp r = get(pi, target);
        no_forbidden(p, &r, target);
        if (r.status != 200)
            fail_msg("%s as %s: %d %s", target, p->name, r.status, r.body);
        json_t *j = parse(&r);
        json_t *objs = json_object_get(j, "objects");
        size_t n = json_array_size(objs);
        char ids[64][80];
        int64_t versions[64];
        assert_true(n <= (size_t)limit);
        for (size_t i = 0; i < n; i++) {
            json_t *o = json_array_get(objs, i);
            const char *id = json_string_value(json_object_get(o, "id"));
            if (got >= nwant)
                fail_msg("%s as %s: more rows than the %d expected (%s)", target, p->name,
                         nwant, id);
            const mrow *w = want[got];
            if (!id || strcmp(id, w->id) != 0)
                fail_msg("%s as %s: row %d is %s, want %s", target, p->name, got,
                         id ? id : "?", w->id);
            if (manifest) {
                char added[TIX_TIME_US_MAX];
                tix_time_format_us(w->added, added);
                assert_string_equal(json_string_value(json_object_get(o, "date_added")),
                                    added);
                int64_t v;
                const char *vs = json_string_value(json_object_get(o, "version"));
                assert_non_null(vs);
                assert_int_equal(tix_time_parse_stix(vs, strlen(vs), &v, NULL), TIX_EOK);
                assert_int_equal(v, w->version);
                assert_string_equal(json_string_value(json_object_get(o, "media_type")),
                                    TIX_STIX_MEDIA);
            } else {
                char *dump = json_dumps(o, JSON_COMPACT);
                assert_string_equal(dump, w->json);
                free(dump);
            }
            snprintf(ids[i], 80, "%s", w->id);
            versions[i] = w->version;
            n_rows_checked++;
            if (i == 0) {
                char added[TIX_TIME_US_MAX];
                tix_time_format_us(w->added, added);
                assert_string_equal(r.first, added);
            }
            if (i + 1 == n) {
                char added[TIX_TIME_US_MAX];
                tix_time_format_us(w->added, added);
                assert_string_equal(r.last, added);
            }
            got++;
        }
        expect_audit(pi, target, &r, ids, versions, (int)n);
        pages++;
        json_t *more = json_object_get(j, "more");
        const char *next = json_string_value(json_object_get(j, "next"));
        if (n == 0) {
            assert_string_equal(r.body, "{}");
            assert_string_equal(r.first, "");
        }
        if (!json_is_true(more)) {
            assert_null(next);
            json_decref(j);
            free(r.body);
            break;
        }
        assert_non_null(next);
        assert_int_equal(n, limit);
        snprintf(target, sizeof target, "%s%slimit=%d&next=%s", base,
                 strchr(base, '?') ? "&" : "?", limit, next);
        json_decref(j);
        free(r.body);
        assert_true(pages < 100);
    }
    if (got != nwant)
        fail_msg("%s as %s: %d rows, want %d", base, p->name, got, nwant);
}

static void matrix_collection(int pi, int c)
{
    const mpartner *p = &partners[pi];
    const mrow *want[MAXROWS];
    char base[512];
    char target[1024];
    snprintf(base, sizeof base, "/api/collections/%s/", coll_uuid[c]);
    bool can_read = (p->rights[c] & TIX_GRANT_READ) != 0;
    bool granted = p->rights[c] != 0;
    const char *ends[] = {"", "objects/", "manifest/"};
    if (!granted) {
        /* not granted: as if the collection did not exist */
        for (size_t i = 0; i < 3; i++) {
            snprintf(target, sizeof target, "%s%s", base, ends[i]);
            resp r = get(pi, target);
            expect_error(&r, 404, target);
            no_forbidden(p, &r, target);
            assert_null(strstr(r.body, coll_names[c]));
            free(r.body);
        }
        for (int i = 0; i < nrows; i++) {
            if (rows[i].coll != c)
                continue;
            snprintf(target, sizeof target, "%sobjects/%s/", base, rows[i].id);
            resp r = get(pi, target);
            expect_error(&r, 404, target);
            free(r.body);
        }
        return;
    }
    if (!can_read) {
        snprintf(target, sizeof target, "%sobjects/", base);
        resp r = get(pi, target);
        expect_error(&r, 403, target);
        free(r.body);
        snprintf(target, sizeof target, "%smanifest/", base);
        r = get(pi, target);
        expect_error(&r, 403, target);
        free(r.body);
        snprintf(target, sizeof target, "%sobjects/%s/", base, rows[0].id);
        r = get(pi, target);
        expect_error(&r, 403, target);
        free(r.body);
        return;
    }
    int n;
    snprintf(target, sizeof target, "%sobjects/", base);
    n = expected(p, c, pred_last, NULL, want);
    walk(pi, target, 3, false, want, n);
    walk(pi, target, 50, false, want, n);
    snprintf(target, sizeof target, "%sobjects/?match[version]=all", base);
    n = expected(p, c, pred_all, NULL, want);
    walk(pi, target, 4, false, want, n);
    snprintf(target, sizeof target, "%sobjects/?match[version]=first", base);
    n = expected(p, c, pred_first, NULL, want);
    walk(pi, target, 5, false, want, n);
    snprintf(target, sizeof target, "%sobjects/?match[type]=malware", base);
    n = expected(p, c, pred_type, "malware", want);
    walk(pi, target, 2, false, want, n);
    snprintf(target, sizeof target, "%smanifest/", base);
    n = expected(p, c, pred_last, NULL, want);
    walk(pi, target, 3, true, want, n);
    snprintf(target, sizeof target, "%smanifest/?match[version]=all", base);
    n = expected(p, c, pred_all, NULL, want);
    walk(pi, target, 7, true, want, n);

    /* every id of the collection, allowed or not */
    for (int i = 0; i < nrows; i++) {
        const mrow *row = &rows[i];
        if (row->coll != c || !row->latest)
            continue;
        /* match[id] */
        snprintf(target, sizeof target, "%sobjects/?match[id]=%s", base, row->id);
        n = expected(p, c, pred_id, row->id, want);
        walk(pi, target, 10, false, want, n);
        /* the object by id: its latest version if visible; {} when only
         * older versions are; 404 when none is */
        snprintf(target, sizeof target, "%sobjects/%s/", base, row->id);
        const mrow *all[8];
        int nall = expected(p, c, pred_id_all, row->id, all);
        resp r = get(pi, target);
        no_forbidden(p, &r, target);
        if (nall == 0) {
            expect_error(&r, 404, target);
            free(r.body);
        } else {
            free(r.body);
            n = expected(p, c, pred_id, row->id, want);
            walk(pi, target, 10, false, want, n);
        }
        /* versions */
        snprintf(target, sizeof target, "%sobjects/%s/versions/", base, row->id);
        r = get(pi, target);
        no_forbidden(p, &r, target);
        if (nall == 0) {
            expect_error(&r, 404, target);
        } else {
            assert_int_equal(r.status, 200);
            json_t *j = parse(&r);
            json_t *vs = json_object_get(j, "versions");
            assert_int_equal((int)json_array_size(vs), nall);
            char ids[8][80];
            int64_t versions[8];
            for (int k = 0; k < nall; k++) {
                const char *v = json_string_value(json_array_get(vs, (size_t)k));
                int64_t us;
                assert_non_null(v);
                assert_int_equal(tix_time_parse_stix(v, strlen(v), &us, NULL), TIX_EOK);
                assert_int_equal(us, all[k]->version);
                snprintf(ids[k], 80, "%s", all[k]->id);
                versions[k] = all[k]->version;
            }
            assert_false(json_is_true(json_object_get(j, "more")));
            json_decref(j);
            expect_audit(pi, target, &r, ids, versions, nall);
        }
        free(r.body);
    }
}

static void test_matrix(void **state)
{
    (void)state;
    assert_int_equal(refreshes, 1); /* the one query collection, at open */
    for (int pi = 0; pi < NPARTNERS; pi++) {
        const mpartner *p = &partners[pi];
        if (p->revoked) {
            resp r = get(pi, "/api/collections/");
            expect_error(&r, 401, "revoked");
            assert_true(r.authenticate);
            free(r.body);
            for (int c = 0; c < NCOLL; c++) {
                char target[256];
                snprintf(target, sizeof target, "/api/collections/%s/objects/", coll_uuid[c]);
                r = get(pi, target);
                expect_error(&r, 401, target);
                no_forbidden(p, &r, target);
                free(r.body);
            }
            continue;
        }
        /* the collections listing names exactly the granted ones */
        resp r = get(pi, "/api/collections/");
        assert_int_equal(r.status, 200);
        json_t *j = parse(&r);
        json_t *cs = json_object_get(j, "collections");
        int ngranted = 0;
        for (int c = 0; c < NCOLL; c++)
            if (p->rights[c]) {
                ngranted++;
                assert_non_null(strstr(r.body, coll_uuid[c]));
                bool w = (p->rights[c] & TIX_GRANT_WRITE) && c != CB;
                char frag[128];
                snprintf(frag, sizeof frag, "\"can_write\":%s", w ? "true" : "false");
                assert_non_null(strstr(strstr(r.body, coll_uuid[c]), frag));
            } else {
                assert_null(strstr(r.body, coll_uuid[c]));
            }
        assert_int_equal((int)json_array_size(cs), ngranted);
        if (!ngranted)
            assert_string_equal(r.body, "{}");
        json_decref(j);
        free(r.body);
        for (int c = 0; c < NCOLL; c++)
            matrix_collection(pi, c);
    }
    /* the matrix is not vacuous */
    printf("matrix: %ld requests, %ld object versions checked, %ld audit rows checked\n",
           n_requests, n_rows_checked, n_audits_checked);
    assert_true(n_requests > 1000);
    assert_true(n_rows_checked > 900);
    assert_true(n_audits_checked > 600);
}

/* B's rows: the model needs the date_added the sync gave them. */
static int on_b(void *ud, const tix_share_row *r)
{
    (void)ud;
    for (int i = 0; i < nrows; i++)
        if (rows[i].coll == CB && strcmp(rows[i].id, r->stix_id) == 0)
            rows[i].added = r->added;
    return 0;
}

static void test_model_b(void **state)
{
    (void)state;
    /* read B in full through the store as a partner cleared for and
     * named on everything */
    tix_diag d = TIX_DIAG_INIT;
    must(tix_store_begin(ws, &d), &d, "begin");
    for (int i = 0; i < nrows; i++)
        if (rows[i].coll == CB && rows[i].tlp == TIX_TLP_RED)
            must(tix_red_allow(ws, "p-none", rows[i].root ? rows[i].root : rows[i].id, NULL,
                               &d),
                 &d, "name");
    must(tix_store_commit(ws, &d), &d, "commit");
    tix_share_query q = {.collection_id = coll_id[CB], .partner_id = partners[8].id,
                         .clearance = TIX_TLP_RED, .versions = TIX_VERSIONS_ALL};
    must(tix_share_read(ws, &q, false, on_b, NULL, &d), &d, "read B");
    int seen = 0;
    for (int i = 0; i < nrows; i++)
        if (rows[i].coll == CB) {
            assert_true(rows[i].added > 0);
            seen++;
        }
    assert_int_equal(seen, 10);
    model_flags();
}

/* ---- next links ------------------------------------------------------------ */

static char *next_of(const resp *r)
{
    json_t *j = parse(r);
    const char *n = json_string_value(json_object_get(j, "next"));
    char *out = n ? strdup(n) : NULL;
    json_decref(j);
    return out;
}

static void test_next_bound(void **state)
{
    (void)state;
    char target[512];
    snprintf(target, sizeof target, "/api/collections/%s/objects/?limit=2", coll_uuid[CA]);
    resp r = get(4, target); /* p-red */
    assert_int_equal(r.status, 200);
    char *next = next_of(&r);
    assert_non_null(next);
    free(r.body);
    /* another partner, even one reading the same collection */
    snprintf(target, sizeof target, "/api/collections/%s/objects/?limit=2&next=%s",
             coll_uuid[CA], next);
    r = get(2, target); /* p-amber */
    expect_error(&r, 400, "next of another partner");
    free(r.body);
    /* the same partner with other filters, on the manifest, another collection */
    snprintf(target, sizeof target,
             "/api/collections/%s/objects/?limit=2&next=%s&match[type]=indicator",
             coll_uuid[CA], next);
    r = get(4, target);
    expect_error(&r, 400, "next with other filters");
    free(r.body);
    snprintf(target, sizeof target, "/api/collections/%s/manifest/?limit=2&next=%s",
             coll_uuid[CA], next);
    r = get(4, target);
    expect_error(&r, 400, "next on the manifest");
    free(r.body);
    snprintf(target, sizeof target, "/api/collections/%s/objects/?limit=2&next=%s",
             coll_uuid[CB], next);
    r = get(4, target);
    expect_error(&r, 400, "next on another collection");
    free(r.body);
    /* tampered: every position */
    for (size_t i = 0; i < strlen(next); i++) {
        char t[64];
        snprintf(t, sizeof t, "%s", next);
        t[i] = t[i] == 'A' ? 'B' : 'A';
        snprintf(target, sizeof target, "/api/collections/%s/objects/?limit=2&next=%s",
                 coll_uuid[CA], t);
        r = get(4, target);
        expect_error(&r, 400, "tampered next");
        free(r.body);
    }
    /* the right one works, with another limit too */
    snprintf(target, sizeof target, "/api/collections/%s/objects/?limit=7&next=%s",
             coll_uuid[CA], next);
    r = get(4, target);
    assert_int_equal(r.status, 200);
    free(r.body);
    free(next);
}

/* Pages stay stable while objects are added: nothing repeats, nothing is
 * skipped, and what was added shows up at the end. */
static void test_stable_paging(void **state)
{
    (void)state;
    char target[512], seen[128][80];
    int nseen = 0, added = 0;
    snprintf(target, sizeof target, "/api/collections/%s/objects/?limit=3", coll_uuid[CA]);
    tix_diag d = TIX_DIAG_INIT;
    for (int page = 0;; page++) {
        resp r = get(4, target);
        assert_int_equal(r.status, 200);
        json_t *j = parse(&r);
        json_t *objs = json_object_get(j, "objects");
        for (size_t i = 0; i < json_array_size(objs); i++) {
            const char *id = json_string_value(json_object_get(json_array_get(objs, i), "id"));
            for (int k = 0; k < nseen; k++)
                if (strcmp(seen[k], id) == 0)
                    fail_msg("%s seen twice", id);
            assert_true(nseen < 128);
            snprintf(seen[nseen++], 80, "%s", id);
        }
        const char *next = json_string_value(json_object_get(j, "next"));
        if (page < 3) {
            /* a new object per page, from another connection */
            mrow *row = new_row(CA, "indicator", 900 + page, 1800000000000000, TIX_TLP_GREEN,
                                NULL);
            row_json(row);
            tix_share_obj o = {.id = row->id, .type = row->type, .version = row->version,
                               .tlp = row->tlp, .json = row->json, .len = strlen(row->json)};
            must(tix_store_begin(ws, &d), &d, "begin");
            must(tix_share_add(ws, coll_id[CA], &o, &row->added, NULL, &d), &d, "add");
            must(tix_store_commit(ws, &d), &d, "commit");
            added++;
        }
        if (!next) {
            json_decref(j);
            free(r.body);
            break;
        }
        snprintf(target, sizeof target, "/api/collections/%s/objects/?limit=3&next=%s",
                 coll_uuid[CA], next);
        json_decref(j);
        free(r.body);
    }
    model_flags();
    const mrow *want[MAXROWS];
    int n = expected(&partners[4], CA, pred_last, NULL, want);
    assert_int_equal(nseen, n);
    for (int i = 0; i < n; i++)
        assert_string_equal(seen[i], want[i]->id);
    assert_int_equal(added, 3);
}

/* ---- writes ------------------------------------------------------------------ */

static const char *bundle =
    "{\"type\":\"bundle\",\"id\":\"bundle--11111111-1111-4111-8111-111111111111\","
    "\"objects\":["
    "{\"type\":\"indicator\",\"spec_version\":\"2.1\","
    "\"id\":\"indicator--bbbbbbbb-0000-4000-8000-000000000001\","
    "\"created\":\"2024-01-01T00:00:00.000Z\",\"modified\":\"2024-01-02T00:00:00.000Z\","
    "\"object_marking_refs\":[\"marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb\"]},"
    "{\"type\":\"indicator\",\"spec_version\":\"2.1\","
    "\"id\":\"indicator--bbbbbbbb-0000-4000-8000-000000000002\","
    "\"created\":\"2024-01-01T00:00:00.000Z\",\"modified\":\"2024-01-02T00:00:00.000Z\"},"
    "{\"type\":\"indicator\",\"spec_version\":\"2.1\","
    "\"id\":\"indicator--bbbbbbbb-0000-4000-8000-000000000003\","
    "\"created\":\"2024-01-01T00:00:00.000Z\",\"modified\":\"2024-01-02T00:00:00.000Z\","
    "\"object_marking_refs\":[\"marking-definition--mine0000-0000-4000-8000-000000000000\"]},"
    "{\"type\":\"marking-definition\",\"spec_version\":\"2.1\","
    "\"id\":\"marking-definition--mine0000-0000-4000-8000-000000000000\","
    "\"created\":\"2024-01-01T00:00:00.000Z\",\"definition_type\":\"tlp\","
    "\"definition\":{\"tlp\":\"red\"}},"
    "{\"type\":\"indicator\",\"id\":\"indicator--bbbbbbbb-0000-4000-8000-000000000004\"},"
    "{\"type\":\"indicator\",\"spec_version\":\"2.0\","
    "\"id\":\"indicator--bbbbbbbb-0000-4000-8000-000000000005\","
    "\"created\":\"2024-01-01T00:00:00.000Z\",\"modified\":\"2024-01-02T00:00:00.000Z\"},"
    "{\"type\":\"indicator\",\"spec_version\":\"2.1\","
    "\"id\":\"malware--bbbbbbbb-0000-4000-8000-000000000006\","
    "\"created\":\"2024-01-01T00:00:00.000Z\",\"modified\":\"2024-01-02T00:00:00.000Z\"},"
    "{\"type\":\"indicator\",\"spec_version\":\"2.1\","
    "\"id\":\"indicator--bbbbbbbb-0000-4000-8000-000000000007\","
    "\"created\":\"2024-01-03T00:00:00.000Z\",\"modified\":\"2024-01-02T00:00:00.000Z\"},"
    "{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--bbbbbbbb-0000-5000-8000-000000000008\","
    "\"value\":\"203.0.113.8\"},"
    "7]}";

static void test_post(void **state)
{
    (void)state;
    char target[512];
    snprintf(target, sizeof target, "/api/collections/%s/objects/", coll_uuid[CA]);
    /* the marking-definition id above is not a uuid: it fails, and so the
     * object marked with it is unmarked: AMBER */
    resp r = request("POST", target, auth_of(1), NULL, TIX_TAXII_MEDIA, bundle,
                     strlen(bundle), false);
    assert_int_equal(r.status, 202);
    json_t *j = parse(&r);
    assert_string_equal(json_string_value(json_object_get(j, "status")), "complete");
    assert_int_equal(json_integer_value(json_object_get(j, "total_count")), 10);
    assert_int_equal(json_integer_value(json_object_get(j, "success_count")), 4);
    assert_int_equal(json_integer_value(json_object_get(j, "failure_count")), 6);
    assert_int_equal(json_integer_value(json_object_get(j, "pending_count")), 0);
    const char *status_id = json_string_value(json_object_get(j, "id"));
    char sid[TIX_UUID_MAX];
    snprintf(sid, sizeof sid, "%s", status_id);
    const char *msgs[] = {"marking-definition--mine", "no spec_version",
                          "spec_version is not 2.1", "not of the object's type",
                          "modified is before created", "not a JSON object"};
    for (size_t i = 0; i < sizeof msgs / sizeof msgs[0]; i++)
        if (!strstr(r.body, msgs[i]))
            fail_msg("status lacks %s: %s", msgs[i], r.body);
    json_decref(j);
    /* the POST is audited with the versions it stored */
    audit_find a = {0};
    tix_audit_filter f = {.partner = "p-green", .since = r.t0};
    tix_diag d = TIX_DIAG_INIT;
    must(tix_audit_each(ws, &f, on_audit, &a, &d), &d, "audit");
    assert_int_equal(a.n, 1);
    assert_int_equal(a.last.status, 202);
    assert_int_equal((int)a.last.n_keys, 4);
    free(r.body);

    /* the status is the poster's only */
    snprintf(target, sizeof target, "/api/status/%s/", sid);
    r = get(1, target);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, sid));
    free(r.body);
    r = get(2, target);
    expect_error(&r, 404, "another partner's status");
    free(r.body);

    /* read back: TLP:GREEN (2.0 marking) as marked; unmarked is AMBER, so
     * the green poster does not see it */
    snprintf(target, sizeof target,
             "/api/collections/%s/objects/?match[id]="
             "indicator--bbbbbbbb-0000-4000-8000-000000000001,"
             "indicator--bbbbbbbb-0000-4000-8000-000000000002,"
             "ipv4-addr--bbbbbbbb-0000-5000-8000-000000000008",
             coll_uuid[CA]);
    r = get(1, target);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "indicator--bbbbbbbb-0000-4000-8000-000000000001"));
    assert_null(strstr(r.body, "indicator--bbbbbbbb-0000-4000-8000-000000000002"));
    free(r.body);
    r = get(2, target); /* p-amber sees both and the SCO */
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "indicator--bbbbbbbb-0000-4000-8000-000000000002"));
    assert_non_null(strstr(r.body, "ipv4-addr--bbbbbbbb-0000-5000-8000-000000000008"));
    free(r.body);

    /* posting over a TLP:RED object the poster may not see: accepted, and
     * the answer says nothing of what was there */
    const mrow *red = NULL;
    for (int i = 0; i < nrows; i++)
        if (rows[i].coll == CA && rows[i].tlp == TIX_TLP_RED && rows[i].latest)
            red = &rows[i];
    assert_non_null(red);
    char body[1024];
    snprintf(body, sizeof body,
             "{\"objects\":[{\"type\":\"%s\",\"spec_version\":\"2.1\",\"id\":\"%s\","
             "\"created\":\"2024-01-01T00:00:00.000Z\",\"modified\":\"2020-01-01T00:00:00.000Z\","
             "\"object_marking_refs\":[\"marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da\"]}]}",
             red->type, red->id);
    snprintf(target, sizeof target, "/api/collections/%s/objects/", coll_uuid[CA]);
    r = request("POST", target, auth_of(1), NULL, TIX_STIX_MEDIA, body, strlen(body), false);
    assert_int_equal(r.status, 202);
    assert_null(strstr(r.body, "tlp red"));
    assert_null(strstr(r.body, "v17"));
    free(r.body);

    /* a write-only partner posts, and still cannot read */
    snprintf(body, sizeof body,
             "{\"objects\":[{\"type\":\"indicator\",\"spec_version\":\"2.1\","
             "\"id\":\"indicator--cccccccc-0000-4000-8000-000000000001\","
             "\"created\":\"2024-01-01T00:00:00.000Z\",\"modified\":\"2024-01-01T00:00:00.000Z\","
             "\"object_marking_refs\":[\"marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed\"]}]}");
    r = request("POST", target, auth_of(7), NULL, TIX_TAXII_MEDIA, body, strlen(body), false);
    assert_int_equal(r.status, 202);
    assert_non_null(strstr(r.body, "\"success_count\":1"));
    free(r.body);
    r = get(7, target);
    expect_error(&r, 403, "write-only read");
    free(r.body);
    /* its own TLP:RED object is named for it, and for nobody else */
    snprintf(target, sizeof target,
             "/api/collections/%s/objects/indicator--cccccccc-0000-4000-8000-000000000001/",
             coll_uuid[CA]);
    r = get(4, target); /* p-red, not named on it */
    expect_error(&r, 404, "someone else's red post");
    free(r.body);
    tix_partner pw;
    must(tix_partner_get(ws, "p-write", &pw, &d), &d, "partner");
    assert_int_equal(pw.red_names, 2);

    /* a query collection takes no POST, whoever asks */
    snprintf(target, sizeof target, "/api/collections/%s/objects/", coll_uuid[CB]);
    r = request("POST", target, auth_of(4), NULL, TIX_TAXII_MEDIA, body, strlen(body), false);
    expect_error(&r, 403, "POST to a query collection");
    free(r.body);
}

static void test_delete(void **state)
{
    (void)state;
    char target[512];
    tix_diag d = TIX_DIAG_INIT;
    /* p-green may read and write A: delete what it posted */
    snprintf(target, sizeof target,
             "/api/collections/%s/objects/indicator--bbbbbbbb-0000-4000-8000-000000000001/",
             coll_uuid[CA]);
    resp r = request("DELETE", target, auth_of(1), NULL, NULL, NULL, 0, false);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, 0);
    free(r.body);
    r = get(1, target);
    expect_error(&r, 404, "deleted");
    free(r.body);
    /* an object it cannot see: 404, and it stays */
    const mrow *red = NULL;
    for (int i = 0; i < nrows; i++)
        if (rows[i].coll == CA && rows[i].tlp == TIX_TLP_RED && rows[i].latest &&
            strstr(rows[i].id, "indicator"))
            red = &rows[i];
    assert_non_null(red);
    snprintf(target, sizeof target, "/api/collections/%s/objects/%s/", coll_uuid[CA],
             red->id);
    r = request("DELETE", target, auth_of(1), NULL, NULL, NULL, 0, false);
    expect_error(&r, 404, "delete unseen");
    free(r.body);
    /* read-only partners may not delete */
    r = request("DELETE", target, auth_of(4), NULL, NULL, NULL, 0, false);
    expect_error(&r, 403, "delete without write");
    free(r.body);
    /* the audit log still knows who received the deleted object */
    audit_find a = {0};
    tix_audit_filter f = {.object_id = "indicator--bbbbbbbb-0000-4000-8000-000000000001"};
    must(tix_audit_each(ws, &f, on_audit, &a, &d), &d, "audit");
    assert_int_equal(a.n, 4); /* the POST, p-green's and p-amber's reads, the DELETE */
    assert_string_equal(a.method, "DELETE");
    assert_string_equal(a.partner, "p-green");
    assert_int_equal(a.last.status, 200);
}

/* ---- hostile requests ----------------------------------------------------------- */

static void test_hostile(void **state)
{
    (void)state;
    char target[512];
    const char *a = auth_of(4);
    snprintf(target, sizeof target, "/api/collections/%s/objects/", coll_uuid[CA]);
    struct {
        const char *method, *target, *auth, *accept, *ctype, *body;
        bool too_large;
        int status;
    } cases[] = {
        {"GET", "/taxii2/", NULL, NULL, NULL, NULL, false, 401},
        {"GET", "/taxii2/", "Bearer tix_wrong", NULL, NULL, NULL, false, 401},
        {"GET", "/taxii2/", "Basic bm9ib2R5Om5vdGhpbmc=", NULL, NULL, NULL, false, 401},
        {"GET", "/taxii2/", "Basic !!!", NULL, NULL, NULL, false, 401},
        {"GET", "/taxii2/", "Digest x", NULL, NULL, NULL, false, 401},
        {"GET", "/nothing/", a, NULL, NULL, NULL, false, 404},
        {"GET", "/a/b/c/d/e/f/g/h/i/j/k/", a, NULL, NULL, NULL, false, 404},
        {"GET", "/a/b/c/d/e/f/g/h/i/j/k/", NULL, NULL, NULL, NULL, false, 401},
        {"GET", "/api/collections/../../taxii2/", a, NULL, NULL, NULL, false, 400},
        {"GET", "/api/%2e%2e/taxii2/", a, NULL, NULL, NULL, false, 400},
        {"GET", "/api//collections/", a, NULL, NULL, NULL, false, 400},
        {"GET", "/api/collections/%2Fetc%2Fpasswd/", a, NULL, NULL, NULL, false, 400},
        {"GET", "/api/collections/%zz/", a, NULL, NULL, NULL, false, 400},
        {"GET", "/api/collections/%00/", a, NULL, NULL, NULL, false, 400},
        {"GET", "relative", a, NULL, NULL, NULL, false, 400},
        {"GET", "/api/collections/not-a-uuid/objects/", a, NULL, NULL, NULL, false, 404},
        {"GET", "/api/status/nope/", a, NULL, NULL, NULL, false, 404},
        {"PUT", target, a, NULL, NULL, NULL, false, 405},
        {"GET", target, a, "text/html", NULL, NULL, false, 406},
        {"GET", target, a, "application/taxii+json;version=2.0", NULL, NULL, false, 406},
        {"GET", target, a, "application/taxii+json;q=0", NULL, NULL, false, 406},
        {"POST", target, auth_of(1), NULL, "application/json", "{}", false, 415},
        {"POST", target, auth_of(1), NULL, NULL, "{}", false, 415},
        {"POST", target, auth_of(1), NULL, TIX_TAXII_MEDIA, "{\"objects\":[", false, 400},
        {"POST", target, auth_of(1), NULL, TIX_TAXII_MEDIA, "[1,2]", false, 400},
        {"POST", target, auth_of(1), NULL, TIX_TAXII_MEDIA, "{\"objects\":{}}", false, 400},
        {"POST", target, auth_of(1), NULL, TIX_TAXII_MEDIA, "{\"a\":1,\"a\":2}", false, 400},
        {"POST", target, auth_of(1), NULL, TIX_TAXII_MEDIA, "{\"objects\":[]}", false, 422},
        {"POST", target, auth_of(1), NULL, TIX_TAXII_MEDIA, "{\"type\":\"indicator\"}", false,
         422},
        {"POST", target, auth_of(1), NULL, TIX_TAXII_MEDIA, "{}", true, 413},
        {"POST", target, NULL, NULL, TIX_TAXII_MEDIA, "{}", true, 413},
        {"POST", target, a, NULL, TIX_TAXII_MEDIA, "{\"objects\":[1]}", false, 403},
        {"GET", "/api/collections/00000000-0000-4000-8000-000000000000/", a, NULL, NULL, NULL,
         false, 404},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        resp r = request(cases[i].method, cases[i].target, cases[i].auth, cases[i].accept,
                         cases[i].ctype, cases[i].body,
                         cases[i].body ? strlen(cases[i].body) : 0, cases[i].too_large);
        char what[700];
        snprintf(what, sizeof what, "case %zu: %s %s", i, cases[i].method, cases[i].target);
        expect_error(&r, cases[i].status, what);
        if (cases[i].status == 401)
            assert_true(r.authenticate);
        if (cases[i].status == 405)
            assert_string_equal(r.allow, "GET, POST");
        free(r.body);
    }
    /* a body within the size limit but with millions of values */
    size_t big_n = 2000001;
    char *big = malloc(16 + big_n * 2);
    assert_non_null(big);
    size_t bl = strlen("{\"objects\":[");
    memcpy(big, "{\"objects\":[", bl);
    for (size_t i = 0; i < big_n; i++) {
        big[bl++] = '1';
        big[bl++] = ',';
    }
    memcpy(big + bl - 1, "]}", 3);
    resp rb = request("POST", target, auth_of(1), NULL, TIX_TAXII_MEDIA, big, bl + 1, false);
    expect_error(&rb, 413, "millions of values");
    free(rb.body);
    free(big);
    /* bad parameters */
    const char *params[] = {"limit=0", "limit=-1", "limit=x", "added_after=yesterday",
                            "match[version]=newest", "match[id]=nope", "match[type]=A B",
                            "match[spec_version]=two", "match[foo]=1", "limit=1&limit=2",
                            "next=%zz", "match[id]=,"};
    for (size_t i = 0; i < sizeof params / sizeof params[0]; i++) {
        char t[700];
        snprintf(t, sizeof t, "%s?%s", target, params[i]);
        resp r = get(4, t);
        expect_error(&r, 400, t);
        free(r.body);
    }
    /* a limit past the cap is lowered to it (page_max 50 here) */
    char t[700];
    snprintf(t, sizeof t, "%s?limit=99999999999999999999999&match[version]=all", target);
    resp r = get(4, t);
    assert_int_equal(r.status, 200);
    json_t *j = parse(&r);
    assert_true(json_array_size(json_object_get(j, "objects")) <= 50);
    json_decref(j);
    free(r.body);
    /* and it still answers */
    r = get(4, "/taxii2/");
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"api_roots\":[\"/api/\"]"));
    free(r.body);
    /* Basic works as Bearer does, with the partner's name; not another's */
    char basic[400], raw[200];
    snprintf(raw, sizeof raw, "p-red:%s", partners[4].token);
    static const char b64[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t n = strlen(raw), o = 0;
    char enc[300];
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)(unsigned char)raw[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)(unsigned char)raw[i + 1] << 8;
        if (i + 2 < n)
            v |= (unsigned char)raw[i + 2];
        enc[o++] = b64[v >> 18];
        enc[o++] = b64[(v >> 12) & 63];
        enc[o++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
        enc[o++] = i + 2 < n ? b64[v & 63] : '=';
    }
    enc[o] = 0;
    snprintf(basic, sizeof basic, "Basic %s", enc);
    r = request("GET", "/api/collections/", basic, NULL, NULL, NULL, 0, false);
    assert_int_equal(r.status, 200);
    free(r.body);
    snprintf(raw, sizeof raw, "p-amber:%s", partners[4].token);
    n = strlen(raw);
    o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)(unsigned char)raw[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)(unsigned char)raw[i + 1] << 8;
        if (i + 2 < n)
            v |= (unsigned char)raw[i + 2];
        enc[o++] = b64[v >> 18];
        enc[o++] = b64[(v >> 12) & 63];
        enc[o++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
        enc[o++] = i + 2 < n ? b64[v & 63] : '=';
    }
    enc[o] = 0;
    snprintf(basic, sizeof basic, "Basic %s", enc);
    r = request("GET", "/api/collections/", basic, NULL, NULL, NULL, 0, false);
    expect_error(&r, 401, "Basic with another partner's name");
    free(r.body);
}

/* Revoking and rotating take effect on the next request. */
static void test_revoke_live(void **state)
{
    (void)state;
    tix_diag d = TIX_DIAG_INIT;
    resp r = get(0, "/api/collections/");
    assert_int_equal(r.status, 200);
    free(r.body);
    char old[TIX_TOKEN_MAX];
    memcpy(old, partners[0].token, sizeof old);
    must(tix_store_begin(ws, &d), &d, "begin");
    must(tix_partner_rotate(ws, "p-clear", partners[0].token, &d), &d, "rotate");
    must(tix_store_commit(ws, &d), &d, "commit");
    char a[128];
    snprintf(a, sizeof a, "Bearer %s", old);
    r = request("GET", "/api/collections/", a, NULL, NULL, NULL, 0, false);
    expect_error(&r, 401, "old token");
    free(r.body);
    r = get(0, "/api/collections/");
    assert_int_equal(r.status, 200);
    free(r.body);
    /* a grant taken away: the collection is gone for it */
    must(tix_store_begin(ws, &d), &d, "begin");
    bool removed;
    must(tix_grant_rm(ws, "p-clear", coll_names[CA], 0, &removed, &d), &d, "revoke");
    must(tix_store_commit(ws, &d), &d, "commit");
    char target[256];
    snprintf(target, sizeof target, "/api/collections/%s/objects/", coll_uuid[CA]);
    r = get(0, target);
    expect_error(&r, 404, "grant revoked");
    free(r.body);
    must(tix_store_begin(ws, &d), &d, "begin");
    must(tix_partner_disable(ws, "p-clear", &d), &d, "disable");
    must(tix_store_commit(ws, &d), &d, "commit");
    r = get(0, "/api/collections/");
    expect_error(&r, 401, "partner revoked");
    free(r.body);
}

/* With --refresh, query collections are refreshed on a timer, and closing
 * the server stops the timer. */
static void test_refresh_timer(void **state)
{
    (void)state;
    tix_diag d = TIX_DIAG_INIT;
    tix_taxii *t;
    int before = refreshes;
    tix_taxii_opts o = {.store = db, .refresh = refresh_cb, .refresh_seconds = 1};
    must(tix_taxii_open(&t, &o, &d), &d, "open");
    assert_int_equal(refreshes, before + 1); /* at open */
    for (int i = 0; i < 40 && refreshes < before + 3; i++)
        usleep(100000);
    tix_taxii_close(t);
    int after = refreshes;
    assert_true(after >= before + 3);
    usleep(1500000);
    assert_int_equal(refreshes, after);
    /* a refresh that fails is logged and rolled back; the server serves */
    tix_taxii_opts bad = {.store = db, .refresh = refresh_cb, .refresh_ud = &bad,
                          .log = log_cb};
    must(tix_taxii_open(&t, &bad, &d), &d, "open");
    tix_taxii_close(t);
    assert_non_null(strstr(logged, "refreshing collection bravo: the export failed"));
    tix_collection c;
    must(tix_collection_get(ws, coll_names[CB], &c, &d), &d, "collection");
    assert_int_equal(c.objects, 10);
}

/* Nothing leaves unaudited: when the audit log cannot be written, the
 * answer is a 500 that carries no object; once it can, answers flow. */
static void test_unaudited(void **state)
{
    (void)state;
    sqlite3 *raw;
    assert_int_equal(sqlite3_open(db, &raw), SQLITE_OK);
    sqlite3_busy_timeout(raw, 10000);
    char *sql = NULL;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(raw, "SELECT sql FROM sqlite_master WHERE name='audit'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    sql = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_exec(raw, "DROP TABLE audit", NULL, NULL, NULL), SQLITE_OK);
    char target[256];
    snprintf(target, sizeof target, "/api/collections/%s/objects/", coll_uuid[CA]);
    resp r = get(4, target);
    expect_error(&r, 500, "unaudited");
    for (int i = 0; i < nrows; i++)
        assert_null(strstr(r.body, rows[i].id));
    free(r.body);
    assert_int_equal(sqlite3_exec(raw, sql, NULL, NULL, NULL), SQLITE_OK);
    free(sql);
    sqlite3_close(raw);
    r = get(4, target);
    assert_int_equal(r.status, 200);
    assert_non_null(strstr(r.body, "\"objects\":["));
    free(r.body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_model_b),
        cmocka_unit_test(test_matrix),
        cmocka_unit_test(test_next_bound),
        cmocka_unit_test(test_stable_paging),
        cmocka_unit_test(test_post),
        cmocka_unit_test(test_delete),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_revoke_live),
        cmocka_unit_test(test_refresh_timer),
        cmocka_unit_test(test_unaudited),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
