/* test_store.c - the store through its public API on a real SQLite file:
 * opening, transactions, the per-observable fold written at commit (and
 * mid-transaction when it grows large), dedup of samples and documents,
 * relationships, objects and the confidence rule. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tix/tix.h"

/* ---- fixture: a fresh directory per test --------------------------------- */

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
    snprintf(f->dir, sizeof f->dir, "%s/tix_store.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->db, sizeof f->db, "%s/store.db", f->dir);
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

/* A new store at f->db, opened for writing. */
static tix_store *fresh(fx *f)
{
    tix_diag d = TIX_DIAG_INIT;
    if (tix_store_open(&f->s, f->db, TIX_STORE_CREATE, &d) != TIX_EOK)
        fail_msg("open %s: %s", f->db, d.msg);
    return f->s;
}

static void reopen(fx *f, unsigned flags)
{
    tix_store_close(f->s);
    f->s = NULL;
    tix_diag d = TIX_DIAG_INIT;
    if (tix_store_open(&f->s, f->db, flags, &d) != TIX_EOK)
        fail_msg("reopen %s: %s", f->db, d.msg);
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

static int64_t source(tix_store *s, const char *name, tix_source_kind k)
{
    tix_source src;
    tix_diag d = TIX_DIAG_INIT;
    if (tix_store_source_put(s, name, k, -1, &src, &d) != TIX_EOK)
        fail_msg("source_put %s: %s", name, d.msg);
    return src.id;
}

static int64_t obs(tix_store *s, tix_obs_type t, const char *v)
{
    int64_t id = 0;
    bool created;
    tix_diag d = TIX_DIAG_INIT;
    if (tix_store_observable_put(s, t, v, strlen(v), &id, &created, &d) != TIX_EOK)
        fail_msg("observable_put %s: %s", v, d.msg);
    return id;
}

static void evidence(tix_store *s, int64_t o, int64_t src, int64_t first, int64_t last,
                     int conf)
{
    tix_evidence e = {.observable_id = o, .source_id = src, .offset = -1,
                      .count = 1, .first_seen = first, .last_seen = last,
                      .confidence = conf, .tlp = TIX_TLP_AMBER, .ingested = first};
    tix_diag d = TIX_DIAG_INIT;
    if (tix_store_evidence_add(s, &e, &d) != TIX_EOK)
        fail_msg("evidence_add: %s", d.msg);
}

static tix_obs_rec get(tix_store *s, tix_obs_type t, const char *v)
{
    tix_obs_rec r;
    tix_diag d = TIX_DIAG_INIT;
    if (tix_store_observable_get(s, t, v, strlen(v), &r, &d) != TIX_EOK)
        fail_msg("observable_get %s: %s", v, d.msg);
    return r;
}

static tix_store_stats stats(tix_store *s)
{
    tix_store_stats st;
    tix_diag d = TIX_DIAG_INIT;
    if (tix_store_stats_get(s, &st, &d) != TIX_EOK)
        fail_msg("stats: %s", d.msg);
    return st;
}

static int one_conf(int eff, uint64_t n)
{
    tix_support sup = {eff, n};
    return tix_confidence(&sup, 1);
}

#define T0 1790000000 /* 2026-09-21 */

/* ---- opening --------------------------------------------------------------- */

static void test_open_create_reopen(void **state)
{
    fx *f = *state;
    tix_store *s = NULL;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_store_open(&s, f->db, 0, &d), TIX_ENOTFOUND);
    assert_null(s);
    assert_non_null(strstr(d.msg, "tix init"));
    /* nothing may be created by a failed open */
    assert_int_equal(access(f->db, F_OK), -1);

    fresh(f);
    assert_string_equal(tix_store_backend(f->s), "sqlite");
    assert_int_equal(tix_store_schema_version(f->s), tix_store_schema_current());
    assert_true(tix_store_schema_current() >= 1);

    begin(f->s);
    int64_t src = source(f->s, "v", TIX_SOURCE_VENDOR);
    evidence(f->s, obs(f->s, TIX_OBS_IPV4, "192.0.2.7"), src, T0, T0, 90);
    commit(f->s);

    reopen(f, 0);
    assert_int_equal(tix_store_schema_version(f->s), tix_store_schema_current());
    assert_int_equal(get(f->s, TIX_OBS_IPV4, "192.0.2.7").n_evidence, 1);
    reopen(f, TIX_STORE_READONLY);
    assert_int_equal(get(f->s, TIX_OBS_IPV4, "192.0.2.7").n_evidence, 1);

    /* "sqlite:" names the same store */
    char uri[320];
    snprintf(uri, sizeof uri, "sqlite:%s", f->db);
    tix_store *s2;
    assert_int_equal(tix_store_open(&s2, uri, TIX_STORE_READONLY, &d), TIX_EOK);
    assert_int_equal(tix_store_schema_version(s2), tix_store_schema_current());
    tix_store_close(s2);
}

static void make_foreign(const char *path)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "CREATE TABLE accounts(id INTEGER PRIMARY KEY, who TEXT);"
                                  "INSERT INTO accounts(who) VALUES('alice');",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
}

static void foreign_state(const char *path, char *mode, size_t cap, int *tables)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    snprintf(mode, cap, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master", -1, &st,
                                        NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    *tables = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* Someone else's database is refused, and left exactly as it was: no tix
 * tables, and not switched to WAL (a persistent change of the file). */
static void test_open_foreign_refused(void **state)
{
    fx *f = *state;
    make_foreign(f->db);
    static const unsigned modes[] = {0, TIX_STORE_CREATE, TIX_STORE_READONLY};
    for (size_t i = 0; i < sizeof modes / sizeof modes[0]; i++) {
        tix_store *s = NULL;
        tix_diag d = TIX_DIAG_INIT;
        tix_err e = tix_store_open(&s, f->db, modes[i], &d);
        if (e != TIX_EINVAL)
            fail_msg("flags %u: error %d (%s), want TIX_EINVAL", modes[i], (int)e, d.msg);
        assert_null(s);
        assert_non_null(strstr(d.msg, "not a tix store"));
    }
    char mode[32];
    int tables;
    foreign_state(f->db, mode, sizeof mode, &tables);
    assert_string_equal(mode, "delete");
    assert_int_equal(tables, 1);
}

/* ---- transactions ---------------------------------------------------------- */

static void test_writes_need_transaction(void **state)
{
    fx *f = *state;
    tix_store *s = fresh(f);
    tix_diag d = TIX_DIAG_INIT;
    tix_source src;
    int64_t id;
    bool created;
    assert_int_equal(tix_store_source_put(s, "v", TIX_SOURCE_VENDOR, -1, &src, &d),
                     TIX_EINVAL);
    assert_non_null(strstr(d.msg, "outside a transaction"));
    tix_diag_clear(&d);
    assert_int_equal(tix_store_observable_put(s, TIX_OBS_IPV4, "192.0.2.1", 9, &id,
                                              &created, &d),
                     TIX_EINVAL);
    tix_evidence e = {.observable_id = 1, .source_id = 1, .offset = -1, .confidence = 50};
    assert_int_equal(tix_store_evidence_add(s, &e, &d), TIX_EINVAL);
    assert_int_equal(tix_store_commit(s, &d), TIX_EINVAL);
    begin(s);
    assert_int_equal(tix_store_begin(s, &d), TIX_EINVAL); /* no nesting */
    /* bad arguments inside a transaction */
    assert_int_equal(tix_store_source_put(s, "", TIX_SOURCE_VENDOR, -1, &src, &d),
                     TIX_EINVAL);
    assert_int_equal(tix_store_source_put(s, "v", TIX_SOURCE_VENDOR, 101, &src, &d),
                     TIX_EINVAL);
    e.confidence = 101;
    assert_int_equal(tix_store_evidence_add(s, &e, &d), TIX_EINVAL);
    tix_store_rollback(s);
    assert_int_equal(stats(s).sources, 0);

    reopen(f, TIX_STORE_READONLY);
    tix_diag_clear(&d);
    assert_int_equal(tix_store_begin(f->s, &d), TIX_EINVAL);
    assert_non_null(strstr(d.msg, "read-only"));
    assert_int_equal(tix_store_source_put(f->s, "v", TIX_SOURCE_VENDOR, -1, &src, &d),
                     TIX_EINVAL);
}

/* Until commit, another connection sees nothing; after it, everything. */
static void test_uncommitted_invisible(void **state)
{
    fx *f = *state;
    tix_store *s = fresh(f);
    tix_store *r;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_store_open(&r, f->db, TIX_STORE_READONLY, &d), TIX_EOK);
    begin(s);
    int64_t src = source(s, "v", TIX_SOURCE_VENDOR);
    evidence(s, obs(s, TIX_OBS_DOMAIN, "example.org"), src, T0, T0, 80);
    tix_obs_rec rec;
    assert_int_equal(tix_store_observable_get(r, TIX_OBS_DOMAIN, "example.org", 11, &rec, &d),
                     TIX_ENOTFOUND);
    assert_int_equal(stats(r).evidence, 0);
    commit(s);
    assert_int_equal(get(r, TIX_OBS_DOMAIN, "example.org").n_evidence, 1);
    tix_store_close(r);
}

/* ---- sources ---------------------------------------------------------------- */

static void test_source_put_defaults(void **state)
{
    fx *f = *state;
    tix_store *s = fresh(f);
    static const struct { tix_source_kind k; int trust; } kinds[] = {
        {TIX_SOURCE_VENDOR, 80}, {TIX_SOURCE_PARTNER, 70},
        {TIX_SOURCE_FEED, 60}, {TIX_SOURCE_SENSOR, 40}};
    begin(s);
    for (size_t i = 0; i < 4; i++) {
        char name[32];
        snprintf(name, sizeof name, "src-%s", tix_source_kind_name(kinds[i].k));
        tix_source src;
        tix_diag d = TIX_DIAG_INIT;
        assert_int_equal(tix_source_default_trust(kinds[i].k), kinds[i].trust);
        assert_int_equal(tix_store_source_put(s, name, kinds[i].k, -1, &src, &d), TIX_EOK);
        assert_int_equal(src.trust, kinds[i].trust);
        assert_int_equal(src.kind, kinds[i].k);
        assert_string_equal(src.name, name);
        assert_true(src.id > 0);
        /* again, with another kind and trust: the same source, unchanged */
        tix_source again;
        assert_int_equal(tix_store_source_put(s, name, TIX_SOURCE_SENSOR, 5, &again, &d),
                         TIX_EOK);
        assert_int_equal(again.id, src.id);
        assert_int_equal(again.trust, kinds[i].trust);
        assert_int_equal(again.kind, kinds[i].k);
    }
    tix_source own;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_store_source_put(s, "explicit", TIX_SOURCE_FEED, 33, &own, &d),
                     TIX_EOK);
    assert_int_equal(own.trust, 33);
    commit(s);
    assert_int_equal(stats(s).sources, 5);
    assert_int_equal(tix_store_source_get(s, "src-sensor", &own, &d), TIX_EOK);
    assert_int_equal(own.trust, 40);
    assert_int_equal(tix_store_source_get(s, "nobody", &own, &d), TIX_ENOTFOUND);
    assert_int_equal(tix_source_kind_from_name("partner"), TIX_SOURCE_PARTNER);
    assert_int_equal(tix_source_kind_from_name("friend"), -1);
}

/* ---- the fold -------------------------------------------------------------- */

/* A vendor (trust 80) says 90 twice, a sensor (trust 40) says 100 once.
 * Per source: best confidence x trust / 100, n rows count as
 * 1 + log2(n)/2 looks; sources combine by noisy-OR:
 *   vendor: 90*80/100 = 72, n = 2 -> miss 0.28^1.5 = 0.148162
 *   sensor: 100*40/100 = 40, n = 1 -> miss 0.6
 *   1 - 0.148162 * 0.6 = 0.911103 -> 91 */
#define FOLD_CONF 91

static void fold_two_sources(tix_store *s, int64_t *vendor, int64_t *sensor, int64_t *o)
{
    begin(s);
    *vendor = source(s, "vendor-a", TIX_SOURCE_VENDOR);
    *sensor = source(s, "sensor-b", TIX_SOURCE_SENSOR);
    *o = obs(s, TIX_OBS_IPV4, "198.51.100.23");
    evidence(s, *o, *vendor, T0 + 500, T0 + 600, 90);
    evidence(s, *o, *sensor, T0 + 100, T0 + 100, 100); /* earliest */
    evidence(s, *o, *vendor, T0 + 300, T0 + 9000, 50); /* latest */
    commit(s);
}

typedef struct {
    int n;
    int64_t first[8], last[8], offset[8];
    int conf[8];
    uint32_t count[8];
    char src[8][32];
} ev_seen;

static int on_ev(void *ud, const tix_evidence_rec *r)
{
    ev_seen *c = ud;
    assert_true(c->n < 8);
    c->first[c->n] = r->ev.first_seen;
    c->last[c->n] = r->ev.last_seen;
    c->offset[c->n] = r->ev.offset;
    c->conf[c->n] = r->ev.confidence;
    c->count[c->n] = r->ev.count;
    snprintf(c->src[c->n], sizeof c->src[0], "%s", r->source);
    c->n++;
    return 0;
}

static void test_fold_two_sources(void **state)
{
    fx *f = *state;
    tix_store *s = fresh(f);
    int64_t vendor, sensor, o;
    fold_two_sources(s, &vendor, &sensor, &o);

    tix_support sup[2] = {{72, 2}, {40, 1}};
    assert_int_equal(tix_confidence(sup, 2), FOLD_CONF);

    reopen(f, TIX_STORE_READONLY);
    tix_obs_rec r = get(f->s, TIX_OBS_IPV4, "198.51.100.23");
    assert_int_equal(r.id, o);
    assert_int_equal(r.type, TIX_OBS_IPV4);
    assert_string_equal(r.value, "198.51.100.23");
    assert_int_equal(r.first_seen, T0 + 100);
    assert_int_equal(r.last_seen, T0 + 9000);
    assert_int_equal(r.n_evidence, 3);
    assert_int_equal(r.n_sources, 2);
    assert_int_equal(r.confidence, FOLD_CONF);

    char sid[TIX_STIX_ID_MAX];
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_obs_stix_id(TIX_OBS_IPV4, "198.51.100.23", 13, sid, &d), TIX_EOK);
    assert_string_equal(r.stix_id, sid);
    tix_obs_rec by;
    assert_int_equal(tix_store_observable_by_stix_id(f->s, sid, &by, &d), TIX_EOK);
    assert_int_equal(by.id, o);
    assert_int_equal(by.confidence, FOLD_CONF);
    assert_int_equal(tix_store_observable_by_stix_id(
                         f->s, "ipv4-addr--00000000-0000-5000-8000-000000000000", &by, &d),
                     TIX_ENOTFOUND);

    ev_seen ev = {0};
    assert_int_equal(tix_store_evidence_each(f->s, o, on_ev, &ev, &d), TIX_EOK);
    assert_int_equal(ev.n, 3);
    static const struct { int64_t first, last; int conf; const char *src; } want[3] = {
        {T0 + 100, T0 + 100, 100, "sensor-b"},
        {T0 + 300, T0 + 9000, 50, "vendor-a"},
        {T0 + 500, T0 + 600, 90, "vendor-a"}};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(ev.first[i], want[i].first);
        assert_int_equal(ev.last[i], want[i].last);
        assert_int_equal(ev.conf[i], want[i].conf);
        assert_string_equal(ev.src[i], want[i].src);
        assert_int_equal(ev.offset[i], -1);
        assert_int_equal(ev.count[i], 1);
    }

    tix_store_stats st = stats(f->s);
    assert_int_equal(st.observables, 1);
    assert_int_equal(st.evidence, 3);
    assert_int_equal(st.by_type[TIX_OBS_IPV4], 1);
}

/* A second transaction folds into what the first wrote. */
static void test_fold_across_transactions(void **state)
{
    fx *f = *state;
    tix_store *s = fresh(f);
    begin(s);
    int64_t v = source(s, "vendor-a", TIX_SOURCE_VENDOR);
    int64_t o = obs(s, TIX_OBS_DOMAIN, "example.net");
    evidence(s, o, v, T0 + 50, T0 + 60, 90);
    commit(s);
    assert_int_equal(get(s, TIX_OBS_DOMAIN, "example.net").confidence, 72);
    begin(s);
    int64_t sensor = source(s, "sensor-b", TIX_SOURCE_SENSOR);
    assert_int_equal(obs(s, TIX_OBS_DOMAIN, "example.net"), o);
    evidence(s, o, sensor, T0 + 100, T0 + 100, 100);
    evidence(s, o, v, T0 + 10, T0 + 20, 50);
    commit(s);
    tix_obs_rec r = get(s, TIX_OBS_DOMAIN, "example.net");
    assert_int_equal(r.first_seen, T0 + 10);
    assert_int_equal(r.last_seen, T0 + 100);
    assert_int_equal(r.n_evidence, 3);
    assert_int_equal(r.n_sources, 2);
    assert_int_equal(r.confidence, FOLD_CONF);
}

static void test_file_ids(void **state)
{
    fx *f = *state;
    tix_store *s = fresh(f);
    static const char md5[] = "d41d8cd98f00b204e9800998ecf8427e";
    static const char sha256[] =
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    begin(s);
    int64_t v = source(s, "v", TIX_SOURCE_VENDOR);
    int64_t om = obs(s, TIX_OBS_MD5, md5), os = obs(s, TIX_OBS_SHA256, sha256);
    evidence(s, om, v, T0, T0, 100);
    evidence(s, os, v, T0, T0, 100);
    commit(s);
    char sid[TIX_STIX_ID_MAX];
    tix_obs_rec r;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_obs_stix_id(TIX_OBS_MD5, md5, 32, sid, &d), TIX_EOK);
    assert_memory_equal(sid, "file--", 6);
    assert_int_equal(tix_store_observable_by_stix_id(s, sid, &r, &d), TIX_EOK);
    assert_int_equal(r.id, om);
    assert_int_equal(r.type, TIX_OBS_MD5);
    assert_string_equal(r.value, md5);
    assert_int_equal(tix_obs_stix_id(TIX_OBS_SHA256, sha256, 64, sid, &d), TIX_EOK);
    assert_int_equal(tix_store_observable_by_stix_id(s, sid, &r, &d), TIX_EOK);
    assert_int_equal(r.id, os);
    assert_int_equal(r.type, TIX_OBS_SHA256);
    assert_int_equal(r.confidence, 80); /* 100 x trust 80 / 100 */
}

static void test_rollback(void **state)
{
    fx *f = *state;
    tix_store *s = fresh(f);
    int64_t vendor, sensor, o;
    fold_two_sources(s, &vendor, &sensor, &o);
    tix_store_stats before = stats(s);

    begin(s);
    int64_t o2 = obs(s, TIX_OBS_URL, "http://example.com/gate.php");
    evidence(s, o2, vendor, T0, T0, 100);
    evidence(s, o, vendor, T0 - 5000, T0 + 99999, 100); /* would widen o */
    source(s, "never", TIX_SOURCE_FEED);
    tix_store_rollback(s);

    tix_obs_rec r;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_store_observable_get(s, TIX_OBS_URL, "http://example.com/gate.php",
                                              27, &r, &d),
                     TIX_ENOTFOUND);
    tix_store_stats after = stats(s);
    assert_memory_equal(&after, &before, sizeof after);
    r = get(s, TIX_OBS_IPV4, "198.51.100.23");
    assert_int_equal(r.first_seen, T0 + 100);
    assert_int_equal(r.last_seen, T0 + 9000);
    assert_int_equal(r.n_evidence, 3);
    assert_int_equal(r.confidence, FOLD_CONF);

    /* nothing of the rolled-back fold leaks into the next commit */
    begin(s);
    evidence(s, obs(s, TIX_OBS_IPV4, "203.0.113.9"), sensor, T0, T0, 100);
    commit(s);
    r = get(s, TIX_OBS_IPV4, "198.51.100.23");
    assert_int_equal(r.n_evidence, 3);
    assert_int_equal(r.last_seen, T0 + 9000);
    assert_int_equal(stats(s).evidence, before.evidence + 1);

    /* closing with a transaction open rolls it back */
    begin(s);
    evidence(s, o, vendor, T0, T0, 100);
    reopen(f, 0);
    assert_int_equal(get(f->s, TIX_OBS_IPV4, "198.51.100.23").n_evidence, 3);
}

static void test_source_set_recomputes(void **state)
{
    fx *f = *state;
    tix_store *s = fresh(f);
    int64_t vendor, sensor, o;
    fold_two_sources(s, &vendor, &sensor, &o);
    begin(s);
    /* an observable only the sensor supports must not change */
    int64_t other = obs(s, TIX_OBS_DOMAIN, "sensor-only.example");
    evidence(s, other, sensor, T0, T0, 100);
    commit(s);
    assert_int_equal(get(s, TIX_OBS_DOMAIN, "sensor-only.example").confidence, 40);

    begin(s);
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_store_source_set(s, "vendor-a", TIX_SOURCE_VENDOR, 50, &d), TIX_EOK);
    commit(s);
    /* vendor: 90*50/100 = 45, n 2 -> 0.55^1.5 = 0.407891; x 0.6 -> 75.53 */
    tix_obs_rec r = get(s, TIX_OBS_IPV4, "198.51.100.23");
    assert_int_equal(r.confidence, 76);
    assert_int_equal(r.n_evidence, 3);
    assert_int_equal(r.n_sources, 2);
    assert_int_equal(r.first_seen, T0 + 100);
    assert_int_equal(r.last_seen, T0 + 9000);
    assert_int_equal(get(s, TIX_OBS_DOMAIN, "sensor-only.example").confidence, 40);
    tix_source src;
    assert_int_equal(tix_store_source_get(s, "vendor-a", &src, &d), TIX_EOK);
    assert_int_equal(src.trust, 50);

    /* evidence added in the same transaction as the change uses the new
     * trust, and the one before it is recomputed too */
    begin(s);
    int64_t o3 = obs(s, TIX_OBS_DOMAIN, "late.example");
    evidence(s, o3, vendor, T0, T0, 100);
    assert_int_equal(tix_store_source_set(s, "vendor-a", TIX_SOURCE_VENDOR, 20, &d), TIX_EOK);
    int64_t o4 = obs(s, TIX_OBS_DOMAIN, "later.example");
    evidence(s, o4, vendor, T0, T0, 100);
    commit(s);
    assert_int_equal(get(s, TIX_OBS_DOMAIN, "late.example").confidence, 20);
    assert_int_equal(get(s, TIX_OBS_DOMAIN, "later.example").confidence, 20);

    assert_int_equal(tix_store_source_set(s, "vendor-a", TIX_SOURCE_VENDOR, 20, &d),
                     TIX_EINVAL); /* outside a transaction */
    begin(s);
    tix_diag_clear(&d);
    assert_int_equal(tix_store_source_set(s, "nobody", TIX_SOURCE_VENDOR, 20, &d),
                     TIX_ENOTFOUND);
    tix_store_rollback(s);
}

/* ---- documents, samples ------------------------------------------------------ */

static void test_document_dedup(void **state)
{
    fx *f = *state;
    tix_store *s = fresh(f);
    begin(s);
    int64_t v = source(s, "feed-a", TIX_SOURCE_FEED);
    int64_t w = source(s, "feed-b", TIX_SOURCE_FEED);
    tix_document doc = {.kind = "feodo-csv", .name = "a.csv", .size = 10,
                        .source_id = v, .ingested = T0};
    memset(doc.sha256, 0xab, 32);
    bool created;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_store_document_put(s, &doc, &created, &d), TIX_EOK);
    assert_true(created);
    int64_t id = doc.id;
    assert_true(id > 0);
    assert_int_equal(tix_store_document_set_records(s, id, 42, &d), TIX_EOK);
    commit(s);

    begin(s);
    tix_document again = doc;
    again.name = "renamed.csv";
    again.ingested = T0 + 86400;
    again.id = 0;
    again.records = 0;
    assert_int_equal(tix_store_document_put(s, &again, &created, &d), TIX_EOK);
    assert_false(created);
    assert_int_equal(again.id, id);
    assert_int_equal(again.ingested, T0); /* the earlier ingest */
    assert_int_equal(again.records, 42);
    /* the same bytes from another source: the same document (its evidence
     * must not be counted twice) */
    tix_document other_src = doc;
    other_src.id = 0;
    other_src.source_id = w;
    assert_int_equal(tix_store_document_put(s, &other_src, &created, &d), TIX_EOK);
    assert_false(created);
    assert_int_equal(other_src.id, id);
    /* the same bytes read as another format: a new document */
    tix_document other_kind = doc;
    other_kind.kind = "urlhaus-csv";
    assert_int_equal(tix_store_document_put(s, &other_kind, &created, &d), TIX_EOK);
    assert_true(created);
    assert_true(other_kind.id != id);
    commit(s);
    assert_int_equal(stats(s).documents, 2);
}

static void test_sample_dedup_and_lookup(void **state)
{
    fx *f = *state;
    tix_store *s = fresh(f);
    /* the hashes of "abc" */
    static const char h256[] =
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    static const char h1[] = "a9993e364706816aba3e25717850c26c9cd0d89d";
    static const char h5[] = "900150983cd24fb0d6963f7d28e17f72";
    tix_sample smp = {.size = 3, .name = "abc.txt", .file_type = "ASCII text",
                      .mime = "text/plain", .first_seen = T0};
    for (int i = 0; i < 32; i++)
        sscanf(h256 + 2 * i, "%2hhx", &smp.sha256[i]);
    for (int i = 0; i < 20; i++)
        sscanf(h1 + 2 * i, "%2hhx", &smp.sha1[i]);
    for (int i = 0; i < 16; i++)
        sscanf(h5 + 2 * i, "%2hhx", &smp.md5[i]);
    begin(s);
    smp.source_id = source(s, "local", TIX_SOURCE_VENDOR);
    bool created;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_store_sample_put(s, &smp, &created, &d), TIX_EOK);
    assert_true(created);
    int64_t id = smp.id;
    commit(s);

    begin(s);
    tix_sample again = smp;
    again.id = 0;
    again.name = "other-name.bin";
    again.first_seen = T0 + 1000;
    assert_int_equal(tix_store_sample_put(s, &again, &created, &d), TIX_EOK);
    assert_false(created);
    assert_int_equal(again.id, id);
    commit(s);
    assert_int_equal(stats(s).samples, 1);

    const char *keys[] = {h256, h1, h5,
                          "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"};
    for (size_t i = 0; i < 4; i++) {
        tix_sample got;
        if (tix_store_sample_get(s, keys[i], &got, &d) != TIX_EOK)
            fail_msg("sample_get %s: %s", keys[i], d.msg);
        assert_int_equal(got.id, id);
        assert_memory_equal(got.sha256, smp.sha256, 32);
        assert_memory_equal(got.sha1, smp.sha1, 20);
        assert_memory_equal(got.md5, smp.md5, 16);
        assert_int_equal(got.size, 3);
        assert_string_equal(got.name, "abc.txt"); /* first name kept */
        assert_string_equal(got.file_type, "ASCII text");
        assert_string_equal(got.mime, "text/plain");
        assert_int_equal(got.first_seen, T0);
        assert_int_equal(got.document_id, 0);
    }
    tix_sample got;
    assert_int_equal(tix_store_sample_get(s, "00000000000000000000000000000000", &got, &d),
                     TIX_ENOTFOUND);
    assert_int_equal(tix_store_sample_get(s, "xyz", &got, &d), TIX_EINVAL);
    assert_int_equal(tix_store_sample_get(s, "zz0150983cd24fb0d6963f7d28e17f72", &got, &d),
                     TIX_EINVAL);
}

/* ---- relationships, objects ---------------------------------------------------- */

typedef struct {
    int n;
    int64_t first, last;
    char src[TIX_STIX_ID_MAX], dst[TIX_STIX_ID_MAX], source[64];
} rel_seen;

static int on_rel(void *ud, const tix_relationship *r, const char *source_name)
{
    rel_seen *c = ud;
    c->n++;
    c->first = r->first_seen;
    c->last = r->last_seen;
    snprintf(c->src, sizeof c->src, "%s", r->src);
    snprintf(c->dst, sizeof c->dst, "%s", r->dst);
    snprintf(c->source, sizeof c->source, "%s", source_name);
    return 0;
}

static void test_relationship_widens(void **state)
{
    fx *f = *state;
    tix_store *s = fresh(f);
    static const char url[] = "url--11111111-1111-5111-8111-111111111111";
    static const char host[] = "domain-name--22222222-2222-5222-8222-222222222222";
    begin(s);
    int64_t v = source(s, "v", TIX_SOURCE_VENDOR);
    tix_relationship r = {url, "has-host", host, v, 0, T0 + 100, T0 + 200, TIX_TLP_AMBER};
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_store_relationship_add(s, &r, &d), TIX_EOK);
    commit(s);
    begin(s);
    r.first_seen = T0 + 150; /* inside: changes nothing */
    r.last_seen = T0 + 160;
    assert_int_equal(tix_store_relationship_add(s, &r, &d), TIX_EOK);
    r.first_seen = T0 + 50;
    r.last_seen = T0 + 120;
    assert_int_equal(tix_store_relationship_add(s, &r, &d), TIX_EOK);
    r.first_seen = T0 + 300;
    r.last_seen = 0; /* no last: the first stands for it */
    assert_int_equal(tix_store_relationship_add(s, &r, &d), TIX_EOK);
    commit(s);

    rel_seen c = {0};
    assert_int_equal(tix_store_relationship_each(s, url, on_rel, &c, &d), TIX_EOK);
    assert_int_equal(c.n, 1);
    assert_int_equal(c.first, T0 + 50);
    assert_int_equal(c.last, T0 + 300);
    assert_string_equal(c.src, url);
    assert_string_equal(c.dst, host);
    assert_string_equal(c.source, "v");
    memset(&c, 0, sizeof c);
    assert_int_equal(tix_store_relationship_each(s, host, on_rel, &c, &d), TIX_EOK);
    assert_int_equal(c.n, 1);
    assert_int_equal(stats(s).relationships, 1);

    tix_relationship bad = {url, "", host, v, 0, T0, T0, TIX_TLP_AMBER};
    begin(s);
    assert_int_equal(tix_store_relationship_add(s, &bad, &d), TIX_EINVAL);
    tix_store_rollback(s);
}

static void test_object_keeps_newer(void **state)
{
    fx *f = *state;
    tix_store *s = fresh(f);
    static const char id[] = "malware--33333333-3333-4333-8333-333333333333";
    begin(s);
    int64_t v = source(s, "v", TIX_SOURCE_PARTNER);
    tix_object o = {id, "malware", "Emotet", T0, T0 + 1000, TIX_TLP_GREEN, v, 0,
                    "{\"name\":\"Emotet\"}"};
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_store_object_put(s, &o, &d), TIX_EOK);
    tix_object old = {id, "malware", "Geodo", T0, T0 + 10, TIX_TLP_RED, v, 0,
                      "{\"name\":\"Geodo\"}"};
    assert_int_equal(tix_store_object_put(s, &old, &d), TIX_EOK);
    commit(s);
    tix_object got;
    assert_int_equal(tix_store_object_get(s, id, &got, &d), TIX_EOK);
    assert_string_equal(got.name, "Emotet");
    assert_int_equal(got.modified, T0 + 1000);
    assert_int_equal(got.tlp, TIX_TLP_GREEN);
    assert_string_equal(got.json, "{\"name\":\"Emotet\"}");

    begin(s);
    tix_object newer = {id, "malware", "Emotet v5", T0, T0 + 5000, TIX_TLP_AMBER, v, 0,
                        "{\"name\":\"Emotet v5\"}"};
    assert_int_equal(tix_store_object_put(s, &newer, &d), TIX_EOK);
    commit(s);
    assert_int_equal(tix_store_object_get(s, id, &got, &d), TIX_EOK);
    assert_string_equal(got.name, "Emotet v5");
    assert_int_equal(got.modified, T0 + 5000);
    assert_int_equal(stats(s).objects, 1);
    assert_int_equal(tix_store_object_get(s, "malware--44444444-4444-4444-8444-444444444444",
                                          &got, &d),
                     TIX_ENOTFOUND);
}

/* ---- the confidence rule --------------------------------------------------------- */

static void test_confidence_rule(void **state)
{
    (void)state;
    assert_int_equal(tix_confidence(NULL, 0), 0);
    tix_support zero[2] = {{0, 5}, {80, 0}}; /* no confidence, no rows */
    assert_int_equal(tix_confidence(zero, 2), 0);
    /* one source, one row: trust x confidence as it is */
    assert_int_equal(one_conf(72, 1), 72);
    assert_int_equal(one_conf(40, 1), 40);
    assert_int_equal(one_conf(1, 1), 1);
    /* certainty is never reached by one look */
    assert_int_equal(one_conf(100, 1), 99);
    /* repetition: 2 rows = 1.5 looks: 1 - 0.28^1.5 = 85.18 */
    assert_int_equal(one_conf(72, 2), 85);
    /* 4 rows = 2 looks = two independent sources of the same strength */
    tix_support two[2] = {{72, 1}, {72, 1}};
    assert_int_equal(one_conf(72, 4), 92);
    assert_int_equal(tix_confidence(two, 2), 92);
    /* a second source raises it; order does not matter */
    tix_support ab[2] = {{80, 1}, {40, 1}}, ba[2] = {{40, 1}, {80, 1}};
    assert_int_equal(tix_confidence(ab, 2), 88);
    assert_int_equal(tix_confidence(ba, 2), 88);
    assert_true(tix_confidence(ab, 2) > one_conf(80, 1));
    /* more support never lowers it, and it never passes 100 */
    tix_support many[40];
    int prev = 0;
    for (size_t i = 0; i < 40; i++) {
        many[i] = (tix_support){100, 1000000};
        int c = tix_confidence(many, i + 1);
        assert_true(c >= prev);
        assert_true(c <= 100);
        prev = c;
    }
    assert_int_equal(prev, 100);
    prev = 0;
    for (uint64_t n = 1; n < (1ull << 40); n *= 3) {
        int c = one_conf(30, n);
        assert_true(c >= prev && c <= 100);
        prev = c;
    }
}

/* ---- a fold large enough to be written out mid-transaction -------------------- */

/* The store writes its fold out when it grows large (a limit of its own,
 * not API), still inside the transaction. Its own connection then sees the
 * rows written so far: that is how these tests know they have gone past a
 * write-out, whatever the limit is. */
#define FLUSH_CAP 4200000 /* give up looking for a write-out here */
#define PAST_FLUSH 7000   /* new observables after it */

static void ip_of(size_t i, char *out)
{
    snprintf(out, 32, "10.%zu.%zu.%zu", (i >> 16) & 255, (i >> 8) & 255, i & 255);
}

static size_t ip_index(const char *ip)
{
    unsigned a, b, c, e;
    assert_int_equal(sscanf(ip, "%u.%u.%u.%u", &a, &b, &c, &e), 4);
    assert_int_equal(a, 10);
    return (size_t)b << 16 | (size_t)c << 8 | e;
}

static bool written_out(tix_store *s)
{
    tix_obs_rec r;
    return tix_store_observable_get(s, TIX_OBS_IPV4, "10.0.0.0", 8, &r, NULL) == TIX_EOK;
}

typedef struct {
    size_t n, seen;
    const int64_t *ids; /* the id put returned for each, or NULL */
    int c_a1, c_a2, c_a1s, c_a2s;
    bool twice_and_late; /* the extra rows of test_large_fold_flush */
} big_check;

#define TWICE(i) ((i) % 1009 == 0)
#define LATE(i) ((i) % 1013 == 0)
#define LATE_AT (T0 + 100000000)

static int check_big(void *ud, const tix_obs_rec *r)
{
    big_check *c = ud;
    size_t i = ip_index(r->value);
    c->seen++;
    if (i >= c->n)
        fail_msg("%s: never put", r->value);
    if (c->ids && r->id != c->ids[i])
        fail_msg("%s: id %lld, but put returned %lld", r->value, (long long)r->id,
                 (long long)c->ids[i]);
    bool two = c->twice_and_late && TWICE(i), late = c->twice_and_late && LATE(i);
    uint64_t n = 1u + two + late;
    int want = late ? (two ? c->c_a2s : c->c_a1s) : (two ? c->c_a2 : c->c_a1);
    int64_t first = two ? T0 - 1 : T0 + (int64_t)i;
    int64_t last = late ? LATE_AT : two ? T0 + 50000000 : T0 + (int64_t)i;
    if (r->n_evidence != n || r->confidence != want || r->n_sources != 1u + late ||
        r->first_seen != first || r->last_seen != last)
        fail_msg("%s (#%zu): evidence %llu/%llu, confidence %d/%d, sources %u/%u, "
                 "first %lld/%lld, last %lld/%lld (got/want)",
                 r->value, i, (unsigned long long)r->n_evidence, (unsigned long long)n,
                 r->confidence, want, r->n_sources, 1u + late, (long long)r->first_seen,
                 (long long)first, (long long)r->last_seen, (long long)last);
    return 0;
}

static void check_all(tix_store *s, big_check *c)
{
    tix_diag d = TIX_DIAG_INIT;
    tix_obs_filter all = {.types = TIX_OBS_BIT(TIX_OBS_IPV4)};
    c->c_a1 = one_conf(72, 1);
    c->c_a2 = one_conf(72, 2);
    tix_support a1s[2] = {{72, 1}, {40, 1}}, a2s[2] = {{72, 2}, {40, 1}};
    c->c_a1s = tix_confidence(a1s, 2);
    c->c_a2s = tix_confidence(a2s, 2);
    assert_int_equal(c->c_a1, 72);
    assert_int_equal(c->c_a2, 85);
    assert_int_equal(c->c_a1s, 83);
    assert_int_equal(c->c_a2s, FOLD_CONF);
    if (tix_store_observable_each(s, &all, check_big, c, &d) != TIX_EOK)
        fail_msg("observable_each: %s", d.msg);
    assert_int_equal(c->seen, c->n);
}

/* As the ingest does it: put, then its evidence at once, one row each, so
 * that the write-out may come from a put. Every observable gets a vendor
 * row (trust 80, confidence 90: 72); then, after the write-out, every
 * 1009th a second vendor row and every 1013th a sensor row (trust 40,
 * confidence 100: 40), so that their summary is read back and folded
 * again. All of them are checked after the commit. */
static void test_large_fold_flush(void **state)
{
    fx *f = *state;
    tix_store *s = fresh(f);
    char ip[32];
    begin(s);
    int64_t v = source(s, "vendor-a", TIX_SOURCE_VENDOR);
    int64_t sensor = source(s, "sensor-b", TIX_SOURCE_SENSOR);
    size_t n = 0, flushed_at = 0;
    for (; n < FLUSH_CAP && (!flushed_at || n < flushed_at + PAST_FLUSH); n++) {
        ip_of(n, ip);
        int64_t o = obs(s, TIX_OBS_IPV4, ip);
        evidence(s, o, v, T0 + (int64_t)n, T0 + (int64_t)n, 90);
        if (!flushed_at && n % 4096 == 4095 && written_out(s))
            flushed_at = n;
    }
    if (!flushed_at)
        fail_msg("no write-out before the commit in %zu observables", n);
    for (size_t i = 0; i < n; i++) {
        if (!TWICE(i) && !LATE(i))
            continue;
        ip_of(i, ip);
        int64_t o = obs(s, TIX_OBS_IPV4, ip);
        if (TWICE(i))
            evidence(s, o, v, T0 - 1, T0 + 50000000, 50);
        if (LATE(i))
            evidence(s, o, sensor, LATE_AT, LATE_AT, 100);
    }
    commit(s);

    tix_store_stats st = stats(s);
    assert_int_equal(st.observables, n);
    assert_int_equal(st.evidence, n + (n + 1008) / 1009 + (n + 1012) / 1013);
    big_check c = {.n = n, .twice_and_late = true};
    check_all(s, &c);
}

/* Ids put returns stay the observables' ids, even when the store writes
 * its fold out between the put and the evidence that uses them. */
static void test_large_fold_ids_stable(void **state)
{
    fx *f = *state;
    tix_store *s = fresh(f);
    char ip[32];
    int64_t *ids = malloc(FLUSH_CAP * sizeof *ids);
    assert_non_null(ids);
    begin(s);
    int64_t v = source(s, "vendor-a", TIX_SOURCE_VENDOR);
    size_t n = 0, flushed_at = 0;
    for (; n < FLUSH_CAP && (!flushed_at || n < flushed_at + PAST_FLUSH); n++) {
        ip_of(n, ip);
        ids[n] = obs(s, TIX_OBS_IPV4, ip);
        if (!flushed_at && n % 4096 == 4095 && written_out(s))
            flushed_at = n;
    }
    if (!flushed_at)
        fail_msg("no write-out before the commit in %zu observables", n);
    for (size_t i = 0; i < n; i++)
        evidence(s, ids[i], v, T0 + (int64_t)i, T0 + (int64_t)i, 90);
    commit(s);
    assert_int_equal(stats(s).evidence, n);
    big_check c = {.n = n, .ids = ids};
    check_all(s, &c);
    free(ids);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_open_create_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_foreign_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_writes_need_transaction, setup, teardown),
        cmocka_unit_test_setup_teardown(test_uncommitted_invisible, setup, teardown),
        cmocka_unit_test_setup_teardown(test_source_put_defaults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fold_two_sources, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fold_across_transactions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_file_ids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rollback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_source_set_recomputes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_document_dedup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sample_dedup_and_lookup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_relationship_widens, setup, teardown),
        cmocka_unit_test_setup_teardown(test_object_keeps_newer, setup, teardown),
        cmocka_unit_test(test_confidence_rule),
        cmocka_unit_test_setup_teardown(test_large_fold_flush, setup, teardown),
        cmocka_unit_test_setup_teardown(test_large_fold_ids_stable, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
