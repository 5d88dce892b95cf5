/* test_share.c - collections, partners, grants, TLP:RED naming, the audit
 * log and status resources through tix/share.h, on a real SQLite file;
 * the sync of a query collection with a producer written here; and the
 * visibility rules of every read. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <openssl/sha.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tix/share.h"
#include "tix/tix.h"

typedef struct {
    char dir[256];
    char db[300];
    tix_store *s;
} fx;

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(p);
}

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(f->dir, sizeof f->dir, "%s/tix_share.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->db, sizeof f->db, "%s/store.db", f->dir);
    tix_diag d = TIX_DIAG_INIT;
    if (tix_store_open(&f->s, f->db, TIX_STORE_CREATE, &d) != TIX_EOK) {
        fprintf(stderr, "open: %s\n", d.msg);
        free(f);
        return -1;
    }
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    tix_store_close(f->s);
    nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free(f);
    return 0;
}

static void begin(tix_store *s)
{
    tix_diag d = TIX_DIAG_INIT;
    if (tix_store_begin(s, &d) != TIX_EOK)
        fail_msg("begin: %s", d.msg);
}

static void commit(tix_store *s)
{
    tix_diag d = TIX_DIAG_INIT;
    if (tix_store_commit(s, &d) != TIX_EOK)
        fail_msg("commit: %s", d.msg);
}

static int64_t add_coll(tix_store *s, const char *name, tix_collection_kind k,
                        const char *query)
{
    tix_collection c;
    tix_diag d = TIX_DIAG_INIT;
    begin(s);
    if (tix_collection_add(s, name, k, query, NULL, NULL, &c, &d) != TIX_EOK)
        fail_msg("collection_add %s: %s", name, d.msg);
    commit(s);
    return c.id;
}

static int64_t add_partner(tix_store *s, const char *name, tix_tlp clearance,
                           char token[TIX_TOKEN_MAX])
{
    char tok[TIX_TOKEN_MAX];
    tix_diag d = TIX_DIAG_INIT;
    begin(s);
    if (tix_partner_add(s, name, TIX_PARTNER_CERT, "ng", clearance, token ? token : tok,
                        &d) != TIX_EOK)
        fail_msg("partner_add %s: %s", name, d.msg);
    commit(s);
    tix_partner p;
    if (tix_partner_get(s, name, &p, &d) != TIX_EOK)
        fail_msg("partner_get %s: %s", name, d.msg);
    return p.id;
}

/* ---- collections ---------------------------------------------------------- */

typedef struct {
    char names[8][64];
    char kinds[8][8];
    uint64_t objects[8];
    int n;
} coll_list;

static int on_coll(void *ud, const tix_collection *c)
{
    coll_list *l = ud;
    if (l->n < 8) {
        snprintf(l->names[l->n], 64, "%s", c->name);
        snprintf(l->kinds[l->n], 8, "%s", tix_collection_kind_name(c->kind));
        l->objects[l->n] = c->objects;
        l->n++;
    }
    return 0;
}

static void test_collections(void **state)
{
    fx *f = *state;
    tix_diag d = TIX_DIAG_INIT;
    tix_collection c;
    begin(f->s);
    assert_int_equal(tix_collection_add(f->s, "emotet-ng", TIX_COLLECTION_QUERY,
                                        "family=Emotet country=NG active", "Emotet C&C, NG",
                                        "active servers", &c, &d),
                     TIX_EOK);
    assert_string_equal(c.name, "emotet-ng");
    assert_string_equal(c.title, "Emotet C&C, NG");
    assert_string_equal(c.query, "family=Emotet country=NG active");
    assert_int_equal(strlen(c.uuid), 36);
    assert_int_equal(c.uuid[14], '4'); /* a v4 uuid */
    char uuid[TIX_UUID_MAX];
    memcpy(uuid, c.uuid, sizeof uuid);
    assert_int_equal(tix_collection_add(f->s, "drop", TIX_COLLECTION_STORE, NULL, NULL, NULL,
                                        &c, &d),
                     TIX_EOK);
    assert_string_equal(c.title, "drop"); /* the name, without a title */
    assert_null(c.query);
    /* the same name, bad names, a query collection without a query, a store with one */
    d = (tix_diag)TIX_DIAG_INIT;
    assert_int_equal(tix_collection_add(f->s, "drop", TIX_COLLECTION_STORE, NULL, NULL,
                                        NULL, NULL, &d),
                     TIX_EINVAL);
    assert_non_null(strstr(d.msg, "exists already"));
    d = (tix_diag)TIX_DIAG_INIT;
    assert_int_equal(tix_collection_add(f->s, "a b", TIX_COLLECTION_STORE, NULL, NULL, NULL,
                                        NULL, &d),
                     TIX_EINVAL);
    d = (tix_diag)TIX_DIAG_INIT;
    assert_int_equal(tix_collection_add(f->s, uuid, TIX_COLLECTION_STORE, NULL, NULL, NULL,
                                        NULL, &d),
                     TIX_EINVAL);
    d = (tix_diag)TIX_DIAG_INIT;
    assert_int_equal(tix_collection_add(f->s, "q", TIX_COLLECTION_QUERY, NULL, NULL, NULL,
                                        NULL, &d),
                     TIX_EINVAL);
    d = (tix_diag)TIX_DIAG_INIT;
    assert_int_equal(tix_collection_add(f->s, "s", TIX_COLLECTION_STORE, "x", NULL, NULL,
                                        NULL, &d),
                     TIX_EINVAL);
    commit(f->s);
    /* outside a transaction */
    d = (tix_diag)TIX_DIAG_INIT;
    assert_int_equal(tix_collection_add(f->s, "late", TIX_COLLECTION_STORE, NULL, NULL,
                                        NULL, NULL, &d),
                     TIX_EINVAL);

    /* by name and by uuid */
    d = (tix_diag)TIX_DIAG_INIT;
    assert_int_equal(tix_collection_get(f->s, uuid, &c, &d), TIX_EOK);
    assert_string_equal(c.name, "emotet-ng");
    assert_int_equal(c.kind, TIX_COLLECTION_QUERY);
    assert_int_equal(tix_collection_get(f->s, "nope", &c, &d), TIX_ENOTFOUND);

    coll_list l = {0};
    assert_int_equal(tix_collection_each(f->s, true, on_coll, &l, &d), TIX_EOK);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.names[0], "drop"); /* name order */
    assert_string_equal(l.kinds[0], "store");
    assert_string_equal(l.names[1], "emotet-ng");
    assert_string_equal(l.kinds[1], "query");

    /* removal frees the name */
    bool removed = false;
    begin(f->s);
    assert_int_equal(tix_collection_rm(f->s, "drop", &removed, &d), TIX_EOK);
    assert_true(removed);
    assert_int_equal(tix_collection_rm(f->s, "drop", &removed, &d), TIX_EOK);
    assert_false(removed);
    assert_int_equal(tix_collection_add(f->s, "drop", TIX_COLLECTION_STORE, NULL, NULL,
                                        NULL, &c, &d),
                     TIX_EOK);
    commit(f->s);
    memset(&l, 0, sizeof l);
    assert_int_equal(tix_collection_each(f->s, false, on_coll, &l, &d), TIX_EOK);
    assert_int_equal(l.n, 2);
}

/* ---- partners and grants -------------------------------------------------- */

typedef struct {
    char line[16][160];
    int n;
} lines;

static int on_grant(void *ud, const tix_grant *g)
{
    lines *l = ud;
    if (l->n < 16)
        snprintf(l->line[l->n++], 160, "%s %s %u", g->partner, g->collection, g->rights);
    return 0;
}

static int on_partner(void *ud, const tix_partner *p)
{
    lines *l = ud;
    if (l->n < 16)
        snprintf(l->line[l->n++], 160, "%s %s %s %s %s", p->name,
                 tix_partner_kind_name(p->kind), p->country, tix_tlp_name(p->clearance),
                 p->disabled ? "disabled" : "active");
    return 0;
}

static void test_partners(void **state)
{
    fx *f = *state;
    tix_diag d = TIX_DIAG_INIT;
    char token[TIX_TOKEN_MAX], token2[TIX_TOKEN_MAX];
    int64_t gen0, gen1;
    assert_int_equal(tix_share_generation(f->s, &gen0, &d), TIX_EOK);
    begin(f->s);
    assert_int_equal(tix_partner_add(f->s, "cert-ng", TIX_PARTNER_CERT, "ng", TIX_TLP_AMBER,
                                     token, &d),
                     TIX_EOK);
    /* "tix_" and 43 base64url characters */
    assert_int_equal(strlen(token), 4 + 43);
    assert_memory_equal(token, "tix_", 4);
    for (size_t i = 4; i < strlen(token); i++)
        assert_non_null(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                               "0123456789-_", token[i]));
    d = (tix_diag)TIX_DIAG_INIT;
    assert_int_equal(tix_partner_add(f->s, "cert-ng", TIX_PARTNER_CERT, "NG", TIX_TLP_AMBER,
                                     token2, &d),
                     TIX_EINVAL);
    assert_int_equal(tix_partner_add(f->s, "x", TIX_PARTNER_CERT, "N1", TIX_TLP_AMBER,
                                     token2, &d),
                     TIX_EINVAL);
    assert_int_equal(tix_partner_add(f->s, "x", TIX_PARTNER_CERT, "NGA", TIX_TLP_AMBER,
                                     token2, &d),
                     TIX_EINVAL);
    assert_int_equal(tix_partner_add(f->s, "x:y", TIX_PARTNER_CERT, "DE", TIX_TLP_AMBER,
                                     token2, &d),
                     TIX_EINVAL);
    assert_int_equal(tix_partner_add(f->s, "x", TIX_PARTNER_CERT, "DE", TIX_TLP_UNSET,
                                     token2, &d),
                     TIX_EINVAL);
    d = (tix_diag)TIX_DIAG_INIT;
    assert_int_equal(tix_partner_add(f->s, "bka", TIX_PARTNER_POLICE, "de", TIX_TLP_RED,
                                     token2, &d),
                     TIX_EOK);
    commit(f->s);
    assert_string_not_equal(token, token2);
    assert_int_equal(tix_share_generation(f->s, &gen1, &d), TIX_EOK);
    assert_true(gen1 > gen0);

    /* only the hash is kept, and it is the token's SHA-256 */
    tix_partner p;
    assert_int_equal(tix_partner_get(f->s, "cert-ng", &p, &d), TIX_EOK);
    uint8_t h[32];
    SHA256((const unsigned char *)token, strlen(token), h);
    assert_memory_equal(p.token_sha256, h, 32);
    tix_token_hash(token, strlen(token), h);
    assert_memory_equal(p.token_sha256, h, 32);
    assert_string_equal(p.country, "NG");
    assert_int_equal(p.clearance, TIX_TLP_AMBER);
    assert_int_equal(p.disabled, 0);

    /* a new token replaces the old one */
    begin(f->s);
    char token3[TIX_TOKEN_MAX];
    assert_int_equal(tix_partner_rotate(f->s, "cert-ng", token3, &d), TIX_EOK);
    assert_int_equal(tix_partner_rotate(f->s, "nobody", token2, &d), TIX_ENOTFOUND);
    commit(f->s);
    assert_string_not_equal(token, token3);
    assert_int_equal(tix_partner_get(f->s, "cert-ng", &p, &d), TIX_EOK);
    tix_token_hash(token3, strlen(token3), h);
    assert_memory_equal(p.token_sha256, h, 32);

    /* grants */
    add_coll(f->s, "q1", TIX_COLLECTION_QUERY, "family=Emotet");
    add_coll(f->s, "s1", TIX_COLLECTION_STORE, NULL);
    begin(f->s);
    d = (tix_diag)TIX_DIAG_INIT;
    assert_int_equal(tix_grant_add(f->s, "cert-ng", "q1", TIX_GRANT_READ, &d), TIX_EOK);
    assert_int_equal(tix_grant_add(f->s, "cert-ng", "q1", TIX_GRANT_WRITE, &d), TIX_EINVAL);
    assert_non_null(strstr(d.msg, "query collection"));
    d = (tix_diag)TIX_DIAG_INIT;
    assert_int_equal(tix_grant_add(f->s, "cert-ng", "s1", TIX_GRANT_WRITE, &d), TIX_EOK);
    assert_int_equal(tix_grant_add(f->s, "cert-ng", "s1", TIX_GRANT_READ, &d), TIX_EOK);
    assert_int_equal(tix_grant_add(f->s, "bka", "s1", TIX_GRANT_READ, &d), TIX_EOK);
    assert_int_equal(tix_grant_add(f->s, "nobody", "s1", TIX_GRANT_READ, &d),
                     TIX_ENOTFOUND);
    d = (tix_diag)TIX_DIAG_INIT;
    assert_int_equal(tix_grant_add(f->s, "bka", "nothing", TIX_GRANT_READ, &d),
                     TIX_ENOTFOUND);
    commit(f->s);
    lines l = {0};
    assert_int_equal(tix_grant_each(f->s, NULL, on_grant, &l, &d), TIX_EOK);
    assert_int_equal(l.n, 3);
    assert_string_equal(l.line[0], "bka s1 1");
    assert_string_equal(l.line[1], "cert-ng q1 1");
    assert_string_equal(l.line[2], "cert-ng s1 3");
    /* taking write away leaves read; taking everything removes the grant */
    bool removed;
    begin(f->s);
    assert_int_equal(tix_grant_rm(f->s, "cert-ng", "s1", TIX_GRANT_WRITE, &removed, &d),
                     TIX_EOK);
    assert_true(removed);
    assert_int_equal(tix_grant_rm(f->s, "cert-ng", "s1", TIX_GRANT_WRITE, &removed, &d),
                     TIX_EOK);
    assert_false(removed);
    assert_int_equal(tix_grant_rm(f->s, "cert-ng", "q1", 0, &removed, &d), TIX_EOK);
    assert_true(removed);
    commit(f->s);
    memset(&l, 0, sizeof l);
    assert_int_equal(tix_grant_each(f->s, "cert-ng", on_grant, &l, &d), TIX_EOK);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.line[0], "cert-ng s1 1");

    /* naming on TLP:RED */
    bool added;
    begin(f->s);
    assert_int_equal(tix_red_allow(f->s, "bka", "ipv4-addr--289f70f3-535e-5856-ae13-50f66f57c9ba",
                                   &added, &d),
                     TIX_EOK);
    assert_true(added);
    assert_int_equal(tix_red_allow(f->s, "bka", "ipv4-addr--289f70f3-535e-5856-ae13-50f66f57c9ba",
                                   &added, &d),
                     TIX_EOK);
    assert_false(added);
    assert_int_equal(tix_red_allow(f->s, "bka", "not-an-id", &added, &d), TIX_EINVAL);
    commit(f->s);
    assert_int_equal(tix_partner_get(f->s, "bka", &p, &d), TIX_EOK);
    assert_int_equal(p.red_names, 1);

    /* revoking */
    begin(f->s);
    assert_int_equal(tix_partner_disable(f->s, "bka", &d), TIX_EOK);
    commit(f->s);
    memset(&l, 0, sizeof l);
    assert_int_equal(tix_partner_each(f->s, on_partner, &l, &d), TIX_EOK);
    assert_int_equal(l.n, 2);
    assert_string_equal(l.line[0], "bka police DE red disabled");
    assert_string_equal(l.line[1], "cert-ng cert NG amber active");

    /* removing a collection takes its grants */
    begin(f->s);
    assert_int_equal(tix_collection_rm(f->s, "s1", &removed, &d), TIX_EOK);
    commit(f->s);
    memset(&l, 0, sizeof l);
    assert_int_equal(tix_grant_each(f->s, NULL, on_grant, &l, &d), TIX_EOK);
    assert_int_equal(l.n, 0);
}

/* ---- the sync ---------------------------------------------------------------- */

typedef struct {
    tix_stix_obj objs[16];
    char json[16][256];
    int n;
} producer_set;

static tix_err produce(void *ud, tix_stix_obj_fn emit, void *emit_ud, tix_diag *d)
{
    (void)d;
    producer_set *p = ud;
    for (int i = 0; i < p->n; i++)
        if (emit(emit_ud, &p->objs[i]))
            return TIX_ESTOPPED;
    return TIX_EOK;
}

static void put_obj(producer_set *p, int i, const char *id, int64_t modified_ms,
                    tix_tlp tlp, const char *root, const char *extra)
{
    snprintf(p->json[i], sizeof p->json[i],
             "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"%s\",\"x\":\"%s\"}",
             id, extra);
    p->objs[i] = (tix_stix_obj){.id = id, .type = "indicator", .created = 1700000000000,
                                .modified = modified_ms, .tlp = tlp, .root = root,
                                .json = p->json[i], .len = strlen(p->json[i])};
    if (i >= p->n)
        p->n = i + 1;
}

#define ID_A "indicator--aaaaaaaa-0000-4000-8000-000000000001"
#define ID_B "indicator--aaaaaaaa-0000-4000-8000-000000000002"
#define ID_C "indicator--aaaaaaaa-0000-4000-8000-000000000003"
#define ROOT_1 "ipv4-addr--11111111-0000-5000-8000-000000000001"

typedef struct {
    int64_t added[64];
    char ids[64][80];
    int64_t version[64];
    char json[64][256];
    int n;
} rows;

static int on_row(void *ud, const tix_share_row *r)
{
    rows *x = ud;
    if (x->n < 64) {
        x->added[x->n] = r->added;
        snprintf(x->ids[x->n], 80, "%s", r->stix_id);
        x->version[x->n] = r->version;
        snprintf(x->json[x->n], 256, "%s", r->json ? r->json : "");
        x->n++;
    }
    return 0;
}

static rows read_all(tix_store *s, int64_t coll, int64_t pid, tix_tlp clearance,
                     unsigned versions)
{
    rows r = {0};
    tix_share_query q = {.collection_id = coll, .partner_id = pid, .clearance = clearance,
                         .versions = versions};
    tix_diag d = TIX_DIAG_INIT;
    if (tix_share_read(s, &q, true, on_row, &r, &d) != TIX_EOK)
        fail_msg("read: %s", d.msg);
    return r;
}

static void test_sync(void **state)
{
    fx *f = *state;
    tix_diag d = TIX_DIAG_INIT;
    int64_t coll = add_coll(f->s, "q", TIX_COLLECTION_QUERY, "family=Emotet");
    int64_t store = add_coll(f->s, "s", TIX_COLLECTION_STORE, NULL);
    (void)store;
    int64_t pid = add_partner(f->s, "p", TIX_TLP_AMBER, NULL);
    producer_set p = {0};
    put_obj(&p, 0, ID_A, 1700000001000, TIX_TLP_GREEN, ROOT_1, "a1");
    put_obj(&p, 1, ID_B, 1700000002000, TIX_TLP_AMBER, NULL, "b1");
    put_obj(&p, 2, ID_C, 0, TIX_TLP_CLEAR, NULL, "c1"); /* no modified: created */

    tix_sync_stats st;
    begin(f->s);
    assert_int_equal(tix_collection_sync(f->s, "q", produce, &p, &st, &d), TIX_EOK);
    commit(f->s);
    assert_int_equal(st.emitted, 3);
    assert_int_equal(st.added, 3);
    assert_int_equal(st.changed + st.unchanged + st.removed, 0);
    rows r = read_all(f->s, coll, pid, TIX_TLP_AMBER, TIX_VERSIONS_ALL);
    assert_int_equal(r.n, 3);
    assert_string_equal(r.ids[0], ID_A);
    assert_string_equal(r.ids[2], ID_C);
    assert_true(r.added[0] < r.added[1] && r.added[1] < r.added[2]);
    assert_int_equal(r.version[0], 1700000001000000);
    assert_int_equal(r.version[2], 1700000000000000);
    assert_string_equal(r.json[1], p.json[1]);
    int64_t first_added = r.added[0];

    /* the same again: nothing changes */
    begin(f->s);
    assert_int_equal(tix_collection_sync(f->s, "q", produce, &p, &st, &d), TIX_EOK);
    commit(f->s);
    assert_int_equal(st.unchanged, 3);
    assert_int_equal(st.added + st.changed + st.removed, 0);

    /* A changes, B goes, D is new */
    put_obj(&p, 0, ID_A, 1700000005000, TIX_TLP_GREEN, ROOT_1, "a2");
    p.objs[1] = p.objs[2];
    memcpy(p.json[1], p.json[2], sizeof p.json[1]);
    p.objs[1].json = p.json[1];
    put_obj(&p, 2, "indicator--aaaaaaaa-0000-4000-8000-000000000004", 1700000006000,
            TIX_TLP_CLEAR, NULL, "d1");
    begin(f->s);
    assert_int_equal(tix_collection_sync(f->s, "q", produce, &p, &st, &d), TIX_EOK);
    commit(f->s);
    assert_int_equal(st.emitted, 3);
    assert_int_equal(st.added, 1);
    assert_int_equal(st.changed, 1);
    assert_int_equal(st.unchanged, 1);
    assert_int_equal(st.removed, 1);
    r = read_all(f->s, coll, pid, TIX_TLP_AMBER, TIX_VERSIONS_ALL);
    assert_int_equal(r.n, 4); /* A (two versions), C, D */
    assert_int_equal(r.added[0], first_added);
    assert_string_equal(r.ids[0], ID_A);
    assert_string_equal(r.ids[1], ID_C);
    assert_string_equal(r.ids[2], ID_A);
    assert_non_null(strstr(r.json[2], "a2"));
    for (int i = 1; i < r.n; i++)
        assert_true(r.added[i] > r.added[i - 1]);
    r = read_all(f->s, coll, pid, TIX_TLP_AMBER, TIX_VERSIONS_LAST);
    assert_int_equal(r.n, 3);
    assert_string_equal(r.ids[0], ID_C); /* A's latest is its second row */
    assert_non_null(strstr(r.json[1], "a2"));
    r = read_all(f->s, coll, pid, TIX_TLP_AMBER, TIX_VERSIONS_FIRST);
    assert_int_equal(r.n, 3);
    assert_non_null(strstr(r.json[0], "a1"));

    tix_collection c;
    assert_int_equal(tix_collection_get(f->s, "q", &c, &d), TIX_EOK);
    assert_int_equal(c.objects, 3);
    assert_int_equal(c.versions, 4);
    assert_true(c.synced > 0);

    /* a store collection is not synced; a bad object fails the sync */
    begin(f->s);
    d = (tix_diag)TIX_DIAG_INIT;
    assert_int_equal(tix_collection_sync(f->s, "s", produce, &p, &st, &d), TIX_EINVAL);
    p.objs[1].id = "no-id";
    d = (tix_diag)TIX_DIAG_INIT;
    assert_int_equal(tix_collection_sync(f->s, "q", produce, &p, &st, &d), TIX_EINVAL);
    assert_non_null(strstr(d.msg, "no-id"));
    tix_store_rollback(f->s);
    r = read_all(f->s, coll, pid, TIX_TLP_AMBER, TIX_VERSIONS_ALL);
    assert_int_equal(r.n, 4);
}

/* ---- visibility ---------------------------------------------------------------- */

static void add_obj(tix_store *s, int64_t coll, const char *id, int64_t version,
                    tix_tlp tlp, const char *root, int64_t *added)
{
    char json[256];
    snprintf(json, sizeof json, "{\"id\":\"%s\",\"v\":%lld}", id, (long long)version);
    tix_share_obj o = {.id = id, .type = "indicator", .version = version, .tlp = tlp,
                       .root = root, .json = json, .len = strlen(json)};
    tix_diag d = TIX_DIAG_INIT;
    bool dup;
    if (tix_share_add(s, coll, &o, added, &dup, &d) != TIX_EOK)
        fail_msg("add %s: %s", id, d.msg);
}

static bool has_id(const rows *r, const char *id)
{
    for (int i = 0; i < r->n; i++)
        if (strcmp(r->ids[i], id) == 0)
            return true;
    return false;
}

static void test_visibility(void **state)
{
    fx *f = *state;
    tix_diag d = TIX_DIAG_INIT;
    int64_t coll = add_coll(f->s, "s", TIX_COLLECTION_STORE, NULL);
    int64_t named = add_partner(f->s, "named", TIX_TLP_RED, NULL);
    int64_t unnamed = add_partner(f->s, "unnamed", TIX_TLP_RED, NULL);
    const char *ids[5] = {
        "indicator--00000000-0000-4000-8000-000000000000",
        "indicator--00000000-0000-4000-8000-000000000001",
        "indicator--00000000-0000-4000-8000-000000000002",
        "indicator--00000000-0000-4000-8000-000000000003",
        "indicator--00000000-0000-4000-8000-000000000004",
    };
    const char *red_by_id = "indicator--00000000-0000-4000-8000-0000000000ff";
    begin(f->s);
    for (int t = TIX_TLP_CLEAR; t <= TIX_TLP_RED; t++)
        add_obj(f->s, coll, ids[t], 1000000, (tix_tlp)t, t == TIX_TLP_RED ? ROOT_1 : NULL,
                NULL);
    add_obj(f->s, coll, red_by_id, 1000000, TIX_TLP_RED, NULL, NULL);
    bool added;
    assert_int_equal(tix_red_allow(f->s, "named", ROOT_1, &added, &d), TIX_EOK);
    assert_int_equal(tix_red_allow(f->s, "named", red_by_id, &added, &d), TIX_EOK);
    /* naming on an object id does not reach an object with a root */
    assert_int_equal(tix_red_allow(f->s, "unnamed", ids[TIX_TLP_RED], &added, &d), TIX_EOK);
    commit(f->s);

    for (int c = TIX_TLP_CLEAR; c <= TIX_TLP_RED; c++) {
        rows r = read_all(f->s, coll, unnamed, (tix_tlp)c, 0);
        assert_int_equal(r.n, c == TIX_TLP_RED ? 4 : c + 1);
        for (int t = TIX_TLP_CLEAR; t < TIX_TLP_RED; t++)
            assert_int_equal(has_id(&r, ids[t]), t <= c);
        assert_false(has_id(&r, ids[TIX_TLP_RED]));
        assert_false(has_id(&r, red_by_id));
    }
    rows r = read_all(f->s, coll, named, TIX_TLP_RED, 0);
    assert_int_equal(r.n, 6);
    /* naming without the clearance is not enough */
    r = read_all(f->s, coll, named, TIX_TLP_AMBER_STRICT, 0);
    assert_int_equal(r.n, 4);
    assert_false(has_id(&r, red_by_id));

    /* match[id] cannot reach what the view hides */
    const char *want[2] = {ids[TIX_TLP_RED], ids[TIX_TLP_GREEN]};
    tix_share_query q = {.collection_id = coll, .partner_id = unnamed,
                         .clearance = TIX_TLP_RED, .ids = want, .n_ids = 2};
    memset(&r, 0, sizeof r);
    assert_int_equal(tix_share_read(f->s, &q, true, on_row, &r, &d), TIX_EOK);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.ids[0], ids[TIX_TLP_GREEN]);
    /* types, specs, after, limit */
    const char *types[1] = {"malware"};
    q = (tix_share_query){.collection_id = coll, .partner_id = named,
                          .clearance = TIX_TLP_RED, .types = types, .n_types = 1};
    memset(&r, 0, sizeof r);
    assert_int_equal(tix_share_read(f->s, &q, true, on_row, &r, &d), TIX_EOK);
    assert_int_equal(r.n, 0);
    types[0] = "indicator";
    const char *specs[1] = {"2.0"};
    q.specs = specs;
    q.n_specs = 1;
    assert_int_equal(tix_share_read(f->s, &q, true, on_row, &r, &d), TIX_EOK);
    assert_int_equal(r.n, 0);
    specs[0] = "2.1";
    q.limit = 2;
    assert_int_equal(tix_share_read(f->s, &q, true, on_row, &r, &d), TIX_EOK);
    assert_int_equal(r.n, 2);
    q.after = r.added[1];
    q.limit = 0;
    assert_int_equal(tix_share_read(f->s, &q, true, on_row, &r, &d), TIX_EOK);
    assert_int_equal(r.n, 6);
}

/* ---- versions, duplicates, deletes -------------------------------------------- */

static void test_versions(void **state)
{
    fx *f = *state;
    tix_diag d = TIX_DIAG_INIT;
    int64_t coll = add_coll(f->s, "s", TIX_COLLECTION_STORE, NULL);
    int64_t pid = add_partner(f->s, "p", TIX_TLP_AMBER, NULL);
    int64_t a1, a2, a3;
    begin(f->s);
    add_obj(f->s, coll, ID_A, 2000, TIX_TLP_GREEN, NULL, &a1);
    add_obj(f->s, coll, ID_A, 3000, TIX_TLP_GREEN, NULL, &a2);
    add_obj(f->s, coll, ID_A, 1000, TIX_TLP_GREEN, NULL, &a3); /* an older one, late */
    /* the same id, version and content adds nothing */
    char json[256];
    snprintf(json, sizeof json, "{\"id\":\"%s\",\"v\":%lld}", ID_A, 3000LL);
    tix_share_obj o = {.id = ID_A, .type = "indicator", .version = 3000,
                       .tlp = TIX_TLP_GREEN, .json = json, .len = strlen(json)};
    int64_t at = -1;
    bool dup = false;
    assert_int_equal(tix_share_add(f->s, coll, &o, &at, &dup, &d), TIX_EOK);
    assert_true(dup);
    assert_int_equal(at, 0);
    commit(f->s);
    assert_true(a1 < a2 && a2 < a3);
    rows r = read_all(f->s, coll, pid, TIX_TLP_AMBER, TIX_VERSIONS_LAST);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.version[0], 3000);
    r = read_all(f->s, coll, pid, TIX_TLP_AMBER, TIX_VERSIONS_FIRST);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.version[0], 1000);
    r = read_all(f->s, coll, pid, TIX_TLP_AMBER, TIX_VERSIONS_FIRST | TIX_VERSIONS_LAST);
    assert_int_equal(r.n, 2);
    /* match[version] by timestamp */
    int64_t vt[1] = {2000};
    tix_share_query q = {.collection_id = coll, .partner_id = pid, .clearance = TIX_TLP_AMBER,
                         .vtimes = vt, .n_vtimes = 1};
    memset(&r, 0, sizeof r);
    assert_int_equal(tix_share_read(f->s, &q, true, on_row, &r, &d), TIX_EOK);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.version[0], 2000);
    /* the time or the first */
    q.versions = TIX_VERSIONS_FIRST;
    memset(&r, 0, sizeof r);
    assert_int_equal(tix_share_read(f->s, &q, true, on_row, &r, &d), TIX_EOK);
    assert_int_equal(r.n, 2);

    /* deleting the latest makes the one before it the latest */
    const char *one[1] = {ID_A};
    q = (tix_share_query){.collection_id = coll, .partner_id = pid,
                          .clearance = TIX_TLP_AMBER, .ids = one, .n_ids = 1,
                          .versions = TIX_VERSIONS_LAST};
    int64_t *keys;
    size_t nk;
    begin(f->s);
    assert_int_equal(tix_share_delete(f->s, &q, &keys, &nk, &d), TIX_EOK);
    commit(f->s);
    assert_int_equal(nk, 1);
    assert_int_equal(keys[0], a2);
    free(keys);
    r = read_all(f->s, coll, pid, TIX_TLP_AMBER, TIX_VERSIONS_LAST);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.version[0], 2000);
    /* a partner below the object's TLP deletes nothing */
    int64_t low = add_partner(f->s, "low", TIX_TLP_CLEAR, NULL);
    q.partner_id = low;
    q.clearance = TIX_TLP_CLEAR;
    q.versions = TIX_VERSIONS_ALL;
    begin(f->s);
    assert_int_equal(tix_share_delete(f->s, &q, &keys, &nk, &d), TIX_EOK);
    commit(f->s);
    assert_int_equal(nk, 0);
    r = read_all(f->s, coll, pid, TIX_TLP_AMBER, TIX_VERSIONS_ALL);
    assert_int_equal(r.n, 2);
}

/* ---- audit ---------------------------------------------------------------------- */

typedef struct {
    int n;
    int64_t ids[16];
    char partner[16][32];
    char request[16][128];
    size_t nkeys[16];
    int64_t keys[16][8];
    uint8_t sha[16][32];
    bool has_sha[16];
} audits;

static int on_audit(void *ud, const tix_audit_rec *r)
{
    audits *a = ud;
    if (a->n < 16) {
        int i = a->n++;
        a->ids[i] = r->id;
        snprintf(a->partner[i], 32, "%s", r->partner);
        snprintf(a->request[i], 128, "%s %s %d", r->method, r->request, r->status);
        a->nkeys[i] = r->n_keys;
        for (size_t k = 0; k < r->n_keys && k < 8; k++)
            a->keys[i][k] = r->keys[k];
        memcpy(a->sha[i], r->sha256, 32);
        a->has_sha[i] = r->has_sha256;
    }
    return 0;
}

typedef struct {
    char ids[8][80];
    int64_t versions[8];
    int n;
} objlist;

static int on_aobj(void *ud, int64_t key, const char *id, int64_t version)
{
    (void)key;
    objlist *o = ud;
    if (o->n < 8) {
        snprintf(o->ids[o->n], 80, "%s", id);
        o->versions[o->n++] = version;
    }
    return 0;
}

static void test_audit(void **state)
{
    fx *f = *state;
    tix_diag d = TIX_DIAG_INIT;
    int64_t coll = add_coll(f->s, "s", TIX_COLLECTION_STORE, NULL);
    int64_t other = add_coll(f->s, "t", TIX_COLLECTION_STORE, NULL);
    int64_t p1 = add_partner(f->s, "p1", TIX_TLP_AMBER, NULL);
    int64_t p2 = add_partner(f->s, "p2", TIX_TLP_AMBER, NULL);
    int64_t ka, kb, kc;
    begin(f->s);
    add_obj(f->s, coll, ID_A, 1000, TIX_TLP_GREEN, NULL, &ka);
    add_obj(f->s, coll, ID_B, 1000, TIX_TLP_GREEN, NULL, &kb);
    add_obj(f->s, other, ID_C, 1000, TIX_TLP_GREEN, NULL, &kc);
    commit(f->s);

    int64_t keys1[2] = {ka, kb};
    int64_t far[3] = {1, 300, (int64_t)1 << 60}; /* big deltas survive the encoding */
    uint8_t sha[32];
    memset(sha, 0xab, sizeof sha);
    tix_audit_rec r1 = {.partner_id = p1, .collection_id = coll, .method = "GET",
                        .request = "/api/collections/x/objects/?limit=2", .status = 200,
                        .keys = keys1, .n_keys = 2, .has_sha256 = true};
    memcpy(r1.sha256, sha, 32);
    tix_audit_rec r2 = {.partner_id = p2, .collection_id = other, .method = "GET",
                        .request = "/x", .status = 200, .keys = &kc, .n_keys = 1};
    tix_audit_rec r3 = {.partner_id = p2, .method = "GET", .request = "/taxii2/",
                        .status = 200};
    tix_audit_rec r4 = {.partner_id = p1, .method = "GET", .request = "/far",
                        .status = 200, .keys = far, .n_keys = 3};
    int64_t bad[2] = {5, 5};
    tix_audit_rec r5 = {.partner_id = p1, .method = "GET", .request = "/bad", .keys = bad,
                        .n_keys = 2};
    begin(f->s);
    assert_int_equal(tix_audit_add(f->s, &r1, &d), TIX_EOK);
    assert_int_equal(tix_audit_add(f->s, &r2, &d), TIX_EOK);
    assert_int_equal(tix_audit_add(f->s, &r3, &d), TIX_EOK);
    assert_int_equal(tix_audit_add(f->s, &r4, &d), TIX_EOK);
    assert_int_equal(tix_audit_add(f->s, &r5, &d), TIX_EINVAL); /* keys must ascend */
    commit(f->s);

    audits a = {0};
    assert_int_equal(tix_audit_each(f->s, NULL, on_audit, &a, &d), TIX_EOK);
    assert_int_equal(a.n, 4);
    assert_string_equal(a.partner[0], "p1");
    assert_string_equal(a.request[0], "GET /api/collections/x/objects/?limit=2 200");
    assert_int_equal(a.nkeys[0], 2);
    assert_int_equal(a.keys[0][0], ka);
    assert_int_equal(a.keys[0][1], kb);
    assert_true(a.has_sha[0]);
    assert_memory_equal(a.sha[0], sha, 32);
    assert_false(a.has_sha[1]);
    assert_int_equal(a.nkeys[3], 3);
    assert_int_equal(a.keys[3][2], (int64_t)1 << 60);

    /* by partner, by collection, by object */
    memset(&a, 0, sizeof a);
    tix_audit_filter fl = {.partner = "p2"};
    assert_int_equal(tix_audit_each(f->s, &fl, on_audit, &a, &d), TIX_EOK);
    assert_int_equal(a.n, 2);
    memset(&a, 0, sizeof a);
    fl = (tix_audit_filter){.collection = "t"};
    assert_int_equal(tix_audit_each(f->s, &fl, on_audit, &a, &d), TIX_EOK);
    assert_int_equal(a.n, 1);
    assert_string_equal(a.partner[0], "p2");
    memset(&a, 0, sizeof a);
    fl = (tix_audit_filter){.object_id = ID_B};
    assert_int_equal(tix_audit_each(f->s, &fl, on_audit, &a, &d), TIX_EOK);
    assert_int_equal(a.n, 1);
    assert_string_equal(a.partner[0], "p1");
    memset(&a, 0, sizeof a);
    fl = (tix_audit_filter){.object_id = "indicator--ffffffff-0000-4000-8000-000000000000"};
    assert_int_equal(tix_audit_each(f->s, &fl, on_audit, &a, &d), TIX_EOK);
    assert_int_equal(a.n, 0);
    memset(&a, 0, sizeof a);
    fl = (tix_audit_filter){.partner = "nobody"};
    assert_int_equal(tix_audit_each(f->s, &fl, on_audit, &a, &d), TIX_EOK);
    assert_int_equal(a.n, 0);

    /* which objects a row sent, also once they are gone from the collection */
    bool removed;
    begin(f->s);
    assert_int_equal(tix_collection_rm(f->s, "s", &removed, &d), TIX_EOK);
    commit(f->s);
    objlist ol = {0};
    assert_int_equal(tix_audit_objects(f->s, &r1, on_aobj, &ol, &d), TIX_EOK);
    assert_int_equal(ol.n, 2);
    assert_string_equal(ol.ids[0], ID_A);
    assert_string_equal(ol.ids[1], ID_B);
    assert_int_equal(ol.versions[0], 1000);
    memset(&a, 0, sizeof a);
    fl = (tix_audit_filter){.object_id = ID_A};
    assert_int_equal(tix_audit_each(f->s, &fl, on_audit, &a, &d), TIX_EOK);
    assert_int_equal(a.n, 1);
    assert_int_equal(a.ids[0], 1);
}

/* ---- status resources ------------------------------------------------------------ */

static void test_status(void **state)
{
    fx *f = *state;
    tix_diag d = TIX_DIAG_INIT;
    int64_t coll = add_coll(f->s, "s", TIX_COLLECTION_STORE, NULL);
    int64_t p1 = add_partner(f->s, "p1", TIX_TLP_AMBER, NULL);
    int64_t p2 = add_partner(f->s, "p2", TIX_TLP_AMBER, NULL);
    char id[TIX_UUID_MAX];
    assert_int_equal(tix_uuid4(id, &d), TIX_EOK);
    begin(f->s);
    assert_int_equal(tix_share_status_put(f->s, id, p1, coll, "{\"status\":\"complete\"}", &d),
                     TIX_EOK);
    assert_int_equal(tix_share_status_put(f->s, "not-a-uuid", p1, coll, "{}", &d),
                     TIX_EINVAL);
    commit(f->s);
    tix_buf b = TIX_BUF_INIT(0);
    assert_int_equal(tix_share_status_get(f->s, id, p1, &b, &d), TIX_EOK);
    assert_string_equal(b.p, "{\"status\":\"complete\"}");
    tix_buf_reset(&b);
    assert_int_equal(tix_share_status_get(f->s, id, p2, &b, &d), TIX_ENOTFOUND);
    assert_int_equal(b.len, 0);
    tix_buf_free(&b);
}

/* ---- helpers ----------------------------------------------------------------------- */

static void test_helpers(void **state)
{
    (void)state;
    int64_t us;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_time_parse_stix("2016-04-06T20:03:48.123456Z", 27, &us, &d), TIX_EOK);
    char out[TIX_TIME_US_MAX];
    tix_time_format_us(us, out);
    assert_string_equal(out, "2016-04-06T20:03:48.123456Z");
    assert_int_equal(tix_time_parse_stix("2016-04-06T20:03:48Z", 20, &us, &d), TIX_EOK);
    assert_int_equal(us, 1459973028000000);
    /* digits past microseconds are dropped: added_after stays exact */
    assert_int_equal(tix_time_parse_stix("2016-04-06T20:03:48.1234567Z", 28, &us, &d), TIX_EOK);
    assert_int_equal(us, 1459973028123456);
    const char *bad[] = {"2016-04-06 20:03:48Z", "2016-04-06T20:03:48", "2016-13-06T20:03:48Z",
                         "2015-02-29T00:00:00Z", "2016-04-06T20:03:48.Z", "x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(tix_time_parse_stix(bad[i], strlen(bad[i]), &us, NULL), TIX_EPARSE);
    assert_true(tix_stix_id_valid(ID_A, strlen(ID_A)));
    assert_false(tix_stix_id_valid("indicator--AAAAAAAA-0000-4000-8000-000000000001", 47));
    assert_false(tix_stix_id_valid("ab--aaaaaaaa-0000-4000-8000-000000000001", 40));
    assert_false(tix_stix_id_valid("Indicator--aaaaaaaa-0000-4000-8000-000000000001", 47));
    assert_false(tix_stix_id_valid("indicator--aaaaaaaa-0000-4000-8000-00000000000", 46));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_collections, setup, teardown),
        cmocka_unit_test_setup_teardown(test_partners, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sync, setup, teardown),
        cmocka_unit_test_setup_teardown(test_visibility, setup, teardown),
        cmocka_unit_test_setup_teardown(test_versions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_audit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status, setup, teardown),
        cmocka_unit_test(test_helpers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
