/* test_export.c - tix export on a store built here: the filter as a saved
 * query (parse, format, errors), the STIX object stream (order, ids,
 * determinism, versions), the TLP of every object (per observable, shared
 * objects, tlp_max), the selection (family, source, country, active), and
 * the four writers (STIX bundle, MISP, CSV, block list). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tix/tix.h"
#include "tix/export.h"

/* ---- fixture ------------------------------------------------------------------ */

typedef struct {
    char dir[256];
    char db[300];
    tix_store *s;
    int64_t feodo, partner, vendor;
    int64_t ip, dom, url, hash, btc, cve, asn, doc, old, mail;
} fx;

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb, (void)flag, (void)ftw;
    return remove(p);
}

static int64_t ts(const char *s)
{
    int64_t t;
    tix_diag d = TIX_DIAG_INIT;
    if (tix_time_parse(s, strlen(s), &t, &d) != TIX_EOK)
        fail_msg("time %s: %s", s, d.msg);
    return t;
}

static void ok(tix_err e, const char *what, const tix_diag *d)
{
    if (e != TIX_EOK)
        fail_msg("%s: %s", what, d->msg);
}

static void begin(fx *f)
{
    tix_diag d = TIX_DIAG_INIT;
    ok(tix_store_begin(f->s, &d), "begin", &d);
}

static void commit(fx *f)
{
    tix_diag d = TIX_DIAG_INIT;
    ok(tix_store_commit(f->s, &d), "commit", &d);
}

static int64_t source(fx *f, const char *name, tix_source_kind k)
{
    tix_source src;
    tix_diag d = TIX_DIAG_INIT;
    ok(tix_store_source_put(f->s, name, k, -1, &src, &d), name, &d);
    return src.id;
}

static int64_t obs(fx *f, tix_obs_type t, const char *v)
{
    int64_t id = 0;
    bool created;
    tix_diag d = TIX_DIAG_INIT;
    ok(tix_store_observable_put(f->s, t, v, strlen(v), &id, &created, &d), v, &d);
    return id;
}

typedef struct {
    int64_t src;
    const char *family, *tags;
    const char *first, *last;
    tix_tlp tlp;
    const char *ingested;     /* NULL: 2024-03-20 */
    unsigned flags;
} ev_spec;

static void ev(fx *f, int64_t o, ev_spec e)
{
    tix_evidence x = {.observable_id = o, .source_id = e.src, .offset = -1, .count = 2,
                      .first_seen = ts(e.first), .last_seen = ts(e.last ? e.last : e.first),
                      .confidence = 80, .tlp = e.tlp, .family = e.family, .tags = e.tags,
                      .flags = e.flags,
                      .ingested = ts(e.ingested ? e.ingested : "2024-03-20")};
    tix_diag d = TIX_DIAG_INIT;
    ok(tix_store_evidence_add(f->s, &x, &d), "evidence_add", &d);
}

static const char *sid(tix_obs_type type, const char *v)
{
    static char id[8][TIX_STIX_ID_MAX];
    static int k;
    k = (k + 1) % 8;
    tix_diag d = TIX_DIAG_INIT;
    ok(tix_obs_stix_id(type, v, strlen(v), id[k], &d), "stix id", &d);
    return id[k];
}

static void relate(fx *f, tix_obs_type ta, const char *a, const char *type,
                   tix_obs_type tb, const char *b, tix_tlp tlp)
{
    char src[TIX_STIX_ID_MAX];
    snprintf(src, sizeof src, "%s", sid(ta, a));
    tix_relationship r = {.src = src, .type = type, .dst = sid(tb, b),
                          .source_id = f->partner, .first_seen = ts("2024-03-01"),
                          .last_seen = ts("2024-03-10"), .tlp = tlp};
    tix_diag d = TIX_DIAG_INIT;
    ok(tix_store_relationship_add(f->s, &r, &d), "relationship_add", &d);
}

static void vet(fx *f)
{
    tix_vet_opts o = {.all = true, .now = ts("2024-03-20")};
    tix_diag d = TIX_DIAG_INIT;
    ok(tix_vet_store(f->s, &o, NULL, &d), "vet", &d);
}

#define IP "45.153.241.18"
#define DOM "evil-c2.top"
#define URL "http://evil-c2.top/gate.php"
#define SHA "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define BTC "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"
#define MAIL "ops@evil-c2.top"

/*  value            evidence                                          TLPs
 *  45.153.241.18    feodo PlumLoader; partner Kestrel, tag c2         CLEAR, RED
 *  evil-c2.top      partner kestrel, tag c2                           GREEN
 *  URL on it        vendor (no family), vendor Gorse                  AMBER, RED
 *  a sha256         partner                                           AMBER
 *  a btc wallet     partner                                           GREEN
 *  CVE-2021-44228   feodo                                             CLEAR
 *  AS64500          feodo                                             CLEAR
 *  203.0.113.41     feodo PlumLoader; documentation: blocked          CLEAR
 *  77.83.247.81     feodo, last seen 2023                             CLEAR
 *  ops@evil-c2.top  partner, context only                             RED
 * relationships: URL has-host domain (CLEAR), domain resolves-to IP (GREEN) */
static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(f->dir, sizeof f->dir, "%s/tix_export.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->db, sizeof f->db, "%s/store.db", f->dir);
    *state = f;
    tix_diag d = TIX_DIAG_INIT;
    ok(tix_store_open(&f->s, f->db, TIX_STORE_CREATE, &d), "open", &d);
    tix_store_set_now(f->s, ts("2024-03-20"));

    begin(f);
    f->feodo = source(f, "feodo", TIX_SOURCE_FEED);
    f->partner = source(f, "partner", TIX_SOURCE_PARTNER);
    f->vendor = source(f, "vendor", TIX_SOURCE_VENDOR);
    f->ip = obs(f, TIX_OBS_IPV4, IP);
    ev(f, f->ip, (ev_spec){f->feodo, "PlumLoader", NULL, "2024-02-02", "2024-03-15",
                           TIX_TLP_CLEAR, NULL, 0});
    ev(f, f->ip, (ev_spec){f->partner, "Kestrel", "c2,partner-x", "2024-03-01", NULL,
                           TIX_TLP_RED, NULL, 0});
    f->dom = obs(f, TIX_OBS_DOMAIN, DOM);
    ev(f, f->dom, (ev_spec){f->partner, "kestrel", "c2", "2024-03-05", NULL,
                            TIX_TLP_GREEN, NULL, 0});
    f->url = obs(f, TIX_OBS_URL, URL);
    ev(f, f->url, (ev_spec){f->vendor, NULL, NULL, "2024-03-06", NULL, TIX_TLP_AMBER,
                            NULL, 0});
    ev(f, f->url, (ev_spec){f->vendor, "Gorse", NULL, "2024-03-07", NULL, TIX_TLP_RED,
                            NULL, 0});
    f->hash = obs(f, TIX_OBS_SHA256, SHA);
    ev(f, f->hash, (ev_spec){f->partner, NULL, NULL, "2024-03-08", NULL, TIX_TLP_AMBER,
                             NULL, 0});
    f->btc = obs(f, TIX_OBS_BTC, BTC);
    ev(f, f->btc, (ev_spec){f->partner, NULL, NULL, "2024-03-08", NULL, TIX_TLP_GREEN,
                            NULL, 0});
    f->cve = obs(f, TIX_OBS_CVE, "CVE-2021-44228");
    ev(f, f->cve, (ev_spec){f->feodo, NULL, NULL, "2024-03-09", NULL, TIX_TLP_CLEAR,
                            NULL, 0});
    f->asn = obs(f, TIX_OBS_ASN, "AS64500");
    ev(f, f->asn, (ev_spec){f->feodo, NULL, NULL, "2024-03-09", NULL, TIX_TLP_CLEAR,
                            NULL, 0});
    f->doc = obs(f, TIX_OBS_IPV4, "203.0.113.41");
    ev(f, f->doc, (ev_spec){f->feodo, "PlumLoader", NULL, "2024-03-04", NULL,
                            TIX_TLP_CLEAR, NULL, 0});
    f->old = obs(f, TIX_OBS_IPV4, "77.83.247.81");
    ev(f, f->old, (ev_spec){f->feodo, NULL, NULL, "2023-05-01", "2023-06-01",
                            TIX_TLP_CLEAR, NULL, 0});
    f->mail = obs(f, TIX_OBS_EMAIL, MAIL);
    ev(f, f->mail, (ev_spec){f->partner, NULL, NULL, "2024-03-02", NULL, TIX_TLP_RED,
                             NULL, TIX_EV_CONTEXT});
    relate(f, TIX_OBS_URL, URL, "has-host", TIX_OBS_DOMAIN, DOM, TIX_TLP_CLEAR);
    relate(f, TIX_OBS_DOMAIN, DOM, "resolves-to", TIX_OBS_IPV4, IP, TIX_TLP_GREEN);
    ok(tix_lists_store_builtins(f->s, &d), "builtins", &d);
    commit(f);
    vet(f);

    begin(f);
    tix_enrichment en = {.observable_id = f->ip, .asn = 64500, .as_name = "Demo Hosting",
                         .constituency = "CERT-Demoland", .const_country = "DE"};
    snprintf(en.country, sizeof en.country, "DE");
    ok(tix_store_enrichment_put(f->s, &en, &d), "enrichment_put", &d);
    commit(f);
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

/* ---- the stream, collected ------------------------------------------------------ */

typedef struct {
    char *id, *type, *root, *json;
    int64_t created, modified;
    tix_tlp tlp;
} got_obj;

typedef struct {
    got_obj *o;
    size_t n, cap;
    size_t stop_after;        /* 0: never stop */
} got;

static int collect(void *ud, const tix_stix_obj *o)
{
    got *g = ud;
    if (g->n == g->cap) {
        g->cap = g->cap ? g->cap * 2 : 64;
        g->o = realloc(g->o, g->cap * sizeof *g->o);
        assert_non_null(g->o);
    }
    assert_int_equal(strlen(o->json), o->len);
    assert_null(memchr(o->json, '\n', o->len));
    g->o[g->n++] = (got_obj){strdup(o->id), strdup(o->type),
                             o->root ? strdup(o->root) : NULL, strndup(o->json, o->len),
                             o->created, o->modified, o->tlp};
    return g->stop_after && g->n >= g->stop_after;
}

static void got_free(got *g)
{
    for (size_t i = 0; i < g->n; i++) {
        free(g->o[i].id);
        free(g->o[i].type);
        free(g->o[i].root);
        free(g->o[i].json);
    }
    free(g->o);
    memset(g, 0, sizeof *g);
}

static tix_export_filter filter(void)
{
    tix_export_filter f = {.tlp_max = TIX_TLP_UNSET, .now = ts("2024-03-21T12:00:00Z")};
    return f;
}

static void stream(fx *f, const tix_export_filter *flt, got *g)
{
    memset(g, 0, sizeof *g);
    tix_diag d = TIX_DIAG_INIT;
    ok(tix_export_stix_each(f->s, flt, collect, g, &d), "stix_each", &d);
}

static const got_obj *by_id(const got *g, const char *id)
{
    for (size_t i = 0; i < g->n; i++)
        if (strcmp(g->o[i].id, id) == 0)
            return &g->o[i];
    return NULL;
}

static size_t count_type(const got *g, const char *type)
{
    size_t n = 0;
    for (size_t i = 0; i < g->n; i++)
        n += strcmp(g->o[i].type, type) == 0;
    return n;
}

/* The object of a type whose JSON holds all of the given strings. */
static const got_obj *find(const got *g, const char *type, ...)
{
    for (size_t i = 0; i < g->n; i++) {
        if (strcmp(g->o[i].type, type) != 0)
            continue;
        va_list ap;
        va_start(ap, type);
        bool all = true;
        const char *s;
        while ((s = va_arg(ap, const char *)) != NULL)
            all &= strstr(g->o[i].json, s) != NULL;
        va_end(ap);
        if (all)
            return &g->o[i];
    }
    return NULL;
}

/* The id of an object tix derives, as the stream names it. */
static const char *derived(const char *type, const char *name)
{
    static char out[4][TIX_STIX_ID_MAX];
    static int k;
    k = (k + 1) % 4;
    /* uuid5(NAMESPACE_URL, "tix:stix:takedown"), as takedown_stix.c */
    static const uint8_t ns[16] = {0x9a, 0x73, 0x6e, 0xd5, 0x6d, 0x0e, 0x5f, 0x17,
                                   0x87, 0x42, 0xfb, 0xf0, 0xfc, 0xca, 0xa1, 0x84};
    uint8_t u[16];
    char s[37];
    assert_int_equal(tix_uuid5(ns, name, strlen(name), u), TIX_EOK);
    tix_uuid_format(u, s);
    snprintf(out[k], sizeof out[k], "%s--%s", type, s);
    return out[k];
}

static const char *marking(tix_tlp t)
{
    static const char *const m[] = {
        "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
        "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
        "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
        "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
        "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"};
    return m[t];
}

/* Every reference in v (keys *_ref, *_refs) into refs. */
static void refs_of(json_t *v, const char ***refs, size_t *n)
{
    const char *k;
    json_t *x;
    json_object_foreach(v, k, x) {
        size_t kl = strlen(k);
        bool one = kl > 4 && strcmp(k + kl - 4, "_ref") == 0;
        bool many = kl > 5 && strcmp(k + kl - 5, "_refs") == 0;
        if (one && json_is_string(x)) {
            *refs = realloc(*refs, (*n + 1) * sizeof **refs);
            (*refs)[(*n)++] = json_string_value(x);
        }
        size_t i;
        json_t *y;
        if (many)
            json_array_foreach(x, i, y) {
                *refs = realloc(*refs, (*n + 1) * sizeof **refs);
                (*refs)[(*n)++] = json_string_value(y);
            }
    }
}

/* ---- the filter as a saved query -------------------------------------------------- */

static char *canon(const char *query)
{
    tix_export_filter f;
    char *owned;
    tix_diag d = TIX_DIAG_INIT;
    ok(tix_export_filter_parse(query, &f, &owned, &d), query, &d);
    tix_buf b = TIX_BUF_INIT(4096);
    tix_export_filter_format(&f, &b);
    free(owned);
    return b.p ? tix_buf_detach(&b, NULL) : strdup("");
}

static void same_canon(const char *query, const char *want)
{
    char *got_s = canon(query);
    assert_string_equal(got_s, want);
    char *again = canon(got_s); /* the canonical form is a fixed point */
    assert_string_equal(again, want);
    free(got_s);
    free(again);
}

static void test_filter_parse(void **state)
{
    (void)state;
    tix_export_filter f;
    char *owned;
    tix_diag d = TIX_DIAG_INIT;
    ok(tix_export_filter_parse(
           "type=ipv4-addr,domain-name family=Emotet source=feodo since=2024-01-01 "
           "active=14 min-confidence=50 country=ng constituency=\"CERT \\\"NG\\\"\" "
           "tlp=amber",
           &f, &owned, &d),
       "parse", &d);
    assert_int_equal(f.types, TIX_OBS_BIT(TIX_OBS_IPV4) | TIX_OBS_BIT(TIX_OBS_DOMAIN));
    assert_string_equal(f.family, "Emotet");
    assert_string_equal(f.source, "feodo");
    assert_int_equal(f.since, ts("2024-01-01"));
    assert_true(f.active);
    assert_int_equal(f.active_days, 14);
    assert_int_equal(f.min_confidence, 50);
    assert_string_equal(f.country, "NG");
    assert_string_equal(f.constituency, "CERT \"NG\"");
    assert_int_equal(f.tlp_max, TIX_TLP_AMBER);
    assert_true(f.family >= owned && f.family < owned + 200);
    free(owned);

    same_canon("", "");
    same_canon("   ", "");
    same_canon("tlp=AMBER+STRICT  family=Emotet\ttype=domain,ipv4",
               "type=ipv4-addr,domain-name family=Emotet tlp=amber+strict");
    same_canon("type=hash", "type=file");
    same_canon("type=md5,sha256", "type=md5,sha256");
    same_canon("type=ip,url,btc", "type=ipv4-addr,ipv6-addr,url,btc");
    same_canon("type=cryptocurrency-wallet,vulnerability,autonomous-system",
               "type=cryptocurrency-wallet,vulnerability,autonomous-system");
    same_canon("type=all", "");
    same_canon("active", "active");
    same_canon("active=30", "active");
    same_canon("since=2024-05-01T10:30:00Z", "since=2024-05-01T10:30:00Z");
    same_canon("constituency=\"CERT Demo\\\\land\" source=\"\\\"q\\\"\"",
               "source=\"\\\"q\\\"\" constituency=\"CERT Demo\\\\land\"");
    same_canon("tlp=white country=de", "country=DE tlp=clear");
}

static void parse_fails(const char *query, const char *msg)
{
    tix_export_filter f;
    char *owned = (char *)"untouched";
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_export_filter_parse(query, &f, &owned, &d), TIX_EINVAL);
    assert_null(owned);
    if (!strstr(d.msg, msg))
        fail_msg("'%s': got '%s', want '%s'", query, d.msg, msg);
}

static void test_filter_errors(void **state)
{
    (void)state;
    parse_fails("colour=red", "unknown term 'colour'");
    parse_fails("since=yesterday", "bad value in 'since=yesterday'");
    parse_fails("tlp=purple", "bad value in 'tlp=purple'");
    parse_fails("family=a family=b", "'family' is given twice");
    parse_fails("family", "'family': needs a value");
    parse_fails("family=", "bad value in 'family=': empty");
    parse_fails("family=\"Mummy Spider", "unterminated quote");
    parse_fails("family=\"a\"b", "text after the closing quote");
    parse_fails("active=0", "bad value in 'active=0'");
    parse_fails("min-confidence=101", "bad value in 'min-confidence=101'");
    parse_fails("country=NGA", "two-letter country code");
    parse_fails("type=planets", "unknown type 'planets'");
    parse_fails("type=md5 family=x bogus", "unknown term 'bogus'");
}

/* ---- the stream ------------------------------------------------------------------- */

static void test_stream_order_and_determinism(void **state)
{
    fx *f = *state;
    tix_export_filter flt = filter();
    got a, b;
    stream(f, &flt, &a);
    stream(f, &flt, &b);
    assert_int_equal(a.n, b.n);
    for (size_t i = 0; i < a.n; i++) /* byte for byte, in the same order */
        assert_string_equal(a.o[i].json, b.o[i].json);

    /* each object before anything that refers to it; ids unique; each
     * object marked with its own TLP */
    for (size_t i = 0; i < a.n; i++) {
        json_error_t je;
        json_t *o = json_loads(a.o[i].json, 0, &je);
        if (!o)
            fail_msg("object %zu is not JSON: %s", i, je.text);
        assert_string_equal(json_string_value(json_object_get(o, "id")), a.o[i].id);
        assert_string_equal(json_string_value(json_object_get(o, "type")), a.o[i].type);
        const char **refs = NULL;
        size_t nr = 0;
        refs_of(o, &refs, &nr);
        for (size_t k = 0; k < nr; k++) {
            bool earlier = false;
            for (size_t j = 0; j < i && !earlier; j++)
                earlier = strcmp(a.o[j].id, refs[k]) == 0;
            if (!earlier)
                fail_msg("%s refers to %s, not earlier in the stream", a.o[i].id, refs[k]);
        }
        free(refs);
        for (size_t j = 0; j < i; j++)
            if (strcmp(a.o[j].id, a.o[i].id) == 0)
                fail_msg("%s twice", a.o[i].id);
        if (strcmp(a.o[i].type, "marking-definition") != 0) {
            json_t *m = json_object_get(o, "object_marking_refs");
            assert_int_equal(json_array_size(m), 1);
            assert_string_equal(json_string_value(json_array_get(m, 0)),
                                marking(a.o[i].tlp));
        }
        assert_true(a.o[i].modified >= a.o[i].created);
        json_decref(o);
    }
    /* the first objects are the markings, CLEAR to RED */
    for (int t = TIX_TLP_CLEAR; t <= TIX_TLP_RED; t++) {
        assert_string_equal(a.o[t].type, "marking-definition");
        assert_string_equal(a.o[t].id, marking((tix_tlp)t));
        assert_int_equal(a.o[t].tlp, t);
    }
    /* observables in (type, value) order: the IPv4 SCOs */
    const char *order[] = {sid(TIX_OBS_IPV4, "203.0.113.41"), sid(TIX_OBS_IPV4, IP),
                           sid(TIX_OBS_IPV4, "77.83.247.81")};
    size_t at[3];
    for (int k = 0; k < 3; k++) {
        const got_obj *o = by_id(&a, order[k]);
        assert_non_null(o);
        at[k] = (size_t)(o - a.o);
    }
    assert_true(at[0] < at[1] && at[1] < at[2]);
    got_free(&a);
    got_free(&b);
}

static void test_stream_objects(void **state)
{
    fx *f = *state;
    tix_export_filter flt = filter();
    got g;
    stream(f, &flt, &g);
    const char *ip = sid(TIX_OBS_IPV4, IP);
    char ind[TIX_STIX_ID_MAX];
    char name[200];
    snprintf(name, sizeof name, "indicator|%s", ip);
    snprintf(ind, sizeof ind, "%s", derived("indicator", name));

    /* the SCO keeps the store's deterministic id */
    const got_obj *o = by_id(&g, ip);
    assert_non_null(o);
    assert_string_equal(o->type, "ipv4-addr");
    assert_non_null(strstr(o->json, "\"value\":\"" IP "\""));
    assert_string_equal(o->root, ip);
    /* the indicator: pattern, times, confidence, labels at its own TLP */
    o = by_id(&g, ind);
    assert_non_null(o);
    assert_non_null(strstr(o->json, "\"pattern\":\"[ipv4-addr:value = '" IP "']\""));
    assert_non_null(strstr(o->json, "\"pattern_type\":\"stix\""));
    assert_non_null(strstr(o->json, "\"valid_from\":\"2024-02-02T00:00:00.000Z\""));
    assert_non_null(strstr(o->json, "\"indicator_types\":[\"malicious-activity\"]"));
    assert_non_null(strstr(o->json, "\"labels\":[\"PlumLoader\"]"));
    assert_null(strstr(o->json, "Kestrel")); /* named only in RED evidence */
    assert_string_equal(o->root, ip);
    /* patterns of the other types */
    assert_non_null(find(&g, "indicator", "[file:hashes.'SHA-256' = '" SHA "']", NULL));
    assert_non_null(find(&g, "indicator", "[autonomous-system:number = 64500]", NULL));
    assert_non_null(find(&g, "indicator", "[cryptocurrency-wallet:value = '" BTC "']", NULL));
    /* all of the mail's evidence is context only: not for detection */
    assert_non_null(find(&g, "indicator", "[email-addr:value = '" MAIL "']",
                         "\"indicator_types\":[\"unknown\"]", NULL));
    assert_non_null(find(&g, "file", "\"hashes\":{\"SHA-256\":\"" SHA "\"}", NULL));
    assert_non_null(find(&g, "autonomous-system", "\"number\":64500", NULL));
    /* a CVE is a vulnerability, sighted, with no indicator */
    const char *cve = sid(TIX_OBS_CVE, "CVE-2021-44228");
    o = by_id(&g, cve);
    assert_non_null(o);
    assert_string_equal(o->type, "vulnerability");
    assert_non_null(strstr(o->json, "\"external_references\":[{\"source_name\":\"cve\","
                                    "\"external_id\":\"CVE-2021-44228\"}]"));
    assert_non_null(find(&g, "sighting", cve, NULL));
    assert_null(find(&g, "indicator", "CVE-2021-44228", NULL));
    /* a wallet: tix's SCO, declared by an extension definition */
    const char *ext = derived("extension-definition",
                              "extension-definition|cryptocurrency-wallet");
    o = by_id(&g, ext);
    assert_non_null(o);
    assert_non_null(strstr(o->json, "\"extension_types\":[\"new-sco\"]"));
    assert_int_equal(o->tlp, TIX_TLP_GREEN); /* the wallet's */
    o = by_id(&g, sid(TIX_OBS_BTC, BTC));
    assert_non_null(o);
    assert_string_equal(o->type, "cryptocurrency-wallet");
    assert_non_null(strstr(o->json, ext));

    /* families: malware with the takedown list's ids, spelled as most say */
    const got_obj *plum = by_id(&g, derived("malware", "malware|plumloader"));
    const got_obj *kes = by_id(&g, derived("malware", "malware|kestrel"));
    assert_non_null(plum);
    assert_non_null(kes);
    assert_non_null(strstr(plum->json, "\"name\":\"PlumLoader\",\"is_family\":true"));
    assert_null(plum->root);
    /* indicates, with the TLP of the evidence naming the family */
    o = find(&g, "relationship", "\"indicates\"", ind, kes->id, NULL);
    assert_non_null(o);
    assert_int_equal(o->tlp, TIX_TLP_RED);
    assert_string_equal(o->root, ip);
    o = find(&g, "relationship", "\"indicates\"", ind, plum->id, NULL);
    assert_non_null(o);
    assert_int_equal(o->tlp, TIX_TLP_CLEAR);
    /* C&C infrastructure: family or c2; consists-of the SCO, controls */
    snprintf(name, sizeof name, "infrastructure|c2|%s", ip);
    const got_obj *inf = by_id(&g, derived("infrastructure", name));
    assert_non_null(inf);
    assert_non_null(strstr(inf->json, "\"infrastructure_types\":[\"command-and-control\"]"));
    assert_int_equal(inf->tlp, TIX_TLP_CLEAR);
    assert_non_null(find(&g, "relationship", "\"consists-of\"", inf->id, ip, NULL));
    o = find(&g, "relationship", "\"controls\"", inf->id, kes->id, NULL);
    assert_non_null(o);
    assert_int_equal(o->tlp, TIX_TLP_RED);
    /* a hash is no C&C */
    snprintf(name, sizeof name, "infrastructure|c2|%s", sid(TIX_OBS_SHA256, SHA));
    assert_null(by_id(&g, derived("infrastructure", name)));
    /* sightings: one per source, where sighted: its identity */
    const got_obj *feodo = by_id(&g, derived("identity", "identity|source|feodo"));
    assert_non_null(feodo);
    assert_non_null(strstr(feodo->json, "\"name\":\"feodo\",\"identity_class\":\"organization\""));
    o = find(&g, "sighting", ind, feodo->id, NULL);
    assert_non_null(o);
    assert_non_null(strstr(o->json, "\"first_seen\":\"2024-02-02T00:00:00.000Z\","
                                    "\"last_seen\":\"2024-03-15T00:00:00.000Z\",\"count\":2"));
    assert_non_null(strstr(o->json, "\"where_sighted_refs\":[\"" ));
    assert_int_equal(count_type(&g, "sighting"), 11);
    /* the store's relationships whose ends are both exported */
    o = find(&g, "relationship", "\"has-host\"", sid(TIX_OBS_URL, URL),
             sid(TIX_OBS_DOMAIN, DOM), NULL);
    assert_non_null(o);
    assert_non_null(strstr(o->json, "\"start_time\":\"2024-03-01T00:00:00.000Z\","
                                    "\"stop_time\":\"2024-03-10T00:00:00.000Z\""));
    assert_string_equal(o->root, sid(TIX_OBS_URL, URL));
    assert_non_null(find(&g, "relationship", "\"resolves-to\"", NULL));
    got_free(&g);
}

/* ---- TLP --------------------------------------------------------------------------- */

static void test_tlp_per_object(void **state)
{
    fx *f = *state;
    tix_export_filter flt = filter();
    got g;
    stream(f, &flt, &g);
    /* an observable's SCO and indicator: the least restrictive evidence */
    assert_int_equal(by_id(&g, sid(TIX_OBS_IPV4, IP))->tlp, TIX_TLP_CLEAR);
    assert_int_equal(by_id(&g, sid(TIX_OBS_URL, URL))->tlp, TIX_TLP_AMBER);
    assert_int_equal(by_id(&g, sid(TIX_OBS_EMAIL, MAIL))->tlp, TIX_TLP_RED);
    /* a sighting: the most restrictive of its source's evidence */
    const got_obj *partner = by_id(&g, derived("identity", "identity|source|partner"));
    const got_obj *vendor = by_id(&g, derived("identity", "identity|source|vendor"));
    assert_non_null(partner);
    assert_non_null(vendor);
    char ind[TIX_STIX_ID_MAX], name[200];
    snprintf(name, sizeof name, "indicator|%s", sid(TIX_OBS_IPV4, IP));
    snprintf(ind, sizeof ind, "%s", derived("indicator", name));
    const got_obj *o = find(&g, "sighting", ind, partner->id, NULL);
    assert_non_null(o);
    assert_int_equal(o->tlp, TIX_TLP_RED);
    o = find(&g, "sighting", ind, derived("identity", "identity|source|feodo"), NULL);
    assert_int_equal(o->tlp, TIX_TLP_CLEAR);
    snprintf(name, sizeof name, "indicator|%s", sid(TIX_OBS_URL, URL));
    snprintf(ind, sizeof ind, "%s", derived("indicator", name));
    o = find(&g, "sighting", ind, vendor->id, NULL);
    assert_non_null(o);
    assert_int_equal(o->tlp, TIX_TLP_RED);  /* AMBER and RED rows */
    assert_non_null(strstr(o->json, "\"count\":4"));
    /* a stored relationship: the most restrictive of its ends and rows */
    o = find(&g, "relationship", "\"has-host\"", NULL);
    assert_int_equal(o->tlp, TIX_TLP_AMBER); /* URL AMBER, domain GREEN, row CLEAR */
    o = find(&g, "relationship", "\"resolves-to\"", NULL);
    assert_int_equal(o->tlp, TIX_TLP_GREEN); /* domain GREEN, IP CLEAR, row GREEN */
    got_free(&g);
}

static void test_tlp_shared_objects(void **state)
{
    fx *f = *state;
    tix_export_filter flt = filter();
    got g;
    stream(f, &flt, &g);
    /* the least restrictive of the objects that refer to them */
    assert_int_equal(by_id(&g, derived("malware", "malware|plumloader"))->tlp, TIX_TLP_CLEAR);
    /* Kestrel: RED for the IP, GREEN for the domain */
    assert_int_equal(by_id(&g, derived("malware", "malware|kestrel"))->tlp, TIX_TLP_GREEN);
    assert_int_equal(by_id(&g, derived("malware", "malware|gorse"))->tlp, TIX_TLP_RED);
    assert_int_equal(by_id(&g, derived("identity", "identity|source|feodo"))->tlp,
                     TIX_TLP_CLEAR);
    /* partner: RED for the IP and the mail, GREEN for the domain and wallet */
    assert_int_equal(by_id(&g, derived("identity", "identity|source|partner"))->tlp,
                     TIX_TLP_GREEN);
    /* vendor's only sighting is RED (its URL evidence is AMBER and RED) */
    assert_int_equal(by_id(&g, derived("identity", "identity|source|vendor"))->tlp,
                     TIX_TLP_RED);
    const got_obj *tix = by_id(&g, derived("identity", "identity|tix"));
    assert_non_null(tix);
    assert_int_equal(tix->tlp, TIX_TLP_CLEAR);
    /* shared objects have no root; the observables' objects have theirs */
    for (size_t i = 0; i < g.n; i++) {
        bool shared = strcmp(g.o[i].type, "marking-definition") == 0 ||
                      strcmp(g.o[i].type, "identity") == 0 ||
                      strcmp(g.o[i].type, "malware") == 0 ||
                      strcmp(g.o[i].type, "extension-definition") == 0;
        if (shared)
            assert_null(g.o[i].root);
        else
            assert_non_null(g.o[i].root);
    }
    got_free(&g);
}

static void test_tlp_max(void **state)
{
    fx *f = *state;
    tix_export_filter flt = filter();
    flt.tlp_max = TIX_TLP_AMBER;
    got g;
    stream(f, &flt, &g);
    for (size_t i = 0; i < g.n; i++)
        if (g.o[i].tlp > TIX_TLP_AMBER)
            fail_msg("%s is %s", g.o[i].id, tix_tlp_name(g.o[i].tlp));
    /* no RED marking, no family or source named only in RED */
    assert_null(by_id(&g, marking(TIX_TLP_RED)));
    assert_non_null(by_id(&g, marking(TIX_TLP_AMBER)));
    assert_null(by_id(&g, derived("malware", "malware|gorse")));
    assert_null(by_id(&g, derived("identity", "identity|source|vendor")));
    for (size_t i = 0; i < g.n; i++) {
        assert_null(strstr(g.o[i].json, "Gorse"));
        assert_null(strstr(g.o[i].json, MAIL)); /* all its evidence is RED */
    }
    /* the URL is there (AMBER), without its RED sighting */
    assert_non_null(by_id(&g, sid(TIX_OBS_URL, URL)));
    char ind[TIX_STIX_ID_MAX], name[200];
    snprintf(name, sizeof name, "indicator|%s", sid(TIX_OBS_URL, URL));
    snprintf(ind, sizeof ind, "%s", derived("indicator", name));
    assert_null(find(&g, "sighting", ind, NULL));
    /* Kestrel stays, through the GREEN domain; the IP's RED link goes */
    const got_obj *kes = by_id(&g, derived("malware", "malware|kestrel"));
    assert_non_null(kes);
    snprintf(name, sizeof name, "indicator|%s", sid(TIX_OBS_IPV4, IP));
    snprintf(ind, sizeof ind, "%s", derived("indicator", name));
    assert_null(find(&g, "relationship", ind, kes->id, NULL));
    got_free(&g);

    /* counts: the mail is withheld */
    tix_export_stats st;
    tix_diag d = TIX_DIAG_INIT;
    FILE *out = tmpfile();
    ok(tix_export_write(f->s, &flt, TIX_EXPORT_STIX, out, &st, &d), "write", &d);
    fclose(out);
    assert_int_equal(st.withheld_tlp, 1);
    assert_int_equal(st.observables, 9);
    flt.tlp_max = TIX_TLP_CLEAR;
    out = tmpfile();
    ok(tix_export_write(f->s, &flt, TIX_EXPORT_STIX, out, &st, &d), "write", &d);
    fclose(out);
    /* CLEAR: the IP, CVE, AS, documentation and old address */
    assert_int_equal(st.observables, 5);
    assert_int_equal(st.withheld_tlp, 5);
}

/* ---- versions ------------------------------------------------------------------------ */

static void test_versions(void **state)
{
    fx *f = *state;
    tix_export_filter flt = filter();
    got a, b, c;
    stream(f, &flt, &a);
    const char *ip = sid(TIX_OBS_IPV4, IP), *dom = sid(TIX_OBS_DOMAIN, DOM);
    char ind[TIX_STIX_ID_MAX], name[200];
    snprintf(name, sizeof name, "indicator|%s", ip);
    snprintf(ind, sizeof ind, "%s", derived("indicator", name));
    int64_t t0 = ts("2024-03-20") * 1000;
    assert_int_equal(by_id(&a, ind)->created, t0);
    assert_int_equal(by_id(&a, ind)->modified, t0);
    assert_non_null(strstr(by_id(&a, ind)->json, "\"modified\":\"2024-03-20T00:00:00.000Z\""));

    /* new evidence: a new version of what derives from it */
    begin(f);
    ev(f, f->ip, (ev_spec){f->feodo, "PlumLoader", NULL, "2024-03-18", NULL, TIX_TLP_CLEAR,
                           "2024-03-22T08:00:00Z", 0});
    commit(f);
    stream(f, &flt, &b);
    int64_t t1 = ts("2024-03-22T08:00:00Z") * 1000;
    assert_int_equal(by_id(&b, ind)->created, t0);
    assert_int_equal(by_id(&b, ind)->modified, t1);
    assert_int_equal(by_id(&b, ip)->modified, t1);
    assert_int_equal(by_id(&b, dom)->modified, t0); /* untouched */
    assert_string_equal(by_id(&b, dom)->json, by_id(&a, dom)->json);

    /* a source's trust changes the confidence of what it supports */
    tix_store_set_now(f->s, ts("2024-03-23"));
    tix_diag d = TIX_DIAG_INIT;
    begin(f);
    ok(tix_store_source_set(f->s, "partner", TIX_SOURCE_PARTNER, 20, &d), "source_set", &d);
    commit(f);
    stream(f, &flt, &c);
    snprintf(name, sizeof name, "indicator|%s", dom);
    char dind[TIX_STIX_ID_MAX];
    snprintf(dind, sizeof dind, "%s", derived("indicator", name));
    assert_int_equal(by_id(&c, dind)->modified, ts("2024-03-23") * 1000);
    assert_string_not_equal(by_id(&c, dind)->json, by_id(&b, dind)->json);
    /* the sighting says the source's own confidence: unchanged */
    const got_obj *partner = by_id(&c, derived("identity", "identity|source|partner"));
    const got_obj *s1 = find(&b, "sighting", dind, partner->id, NULL);
    const got_obj *s2 = find(&c, "sighting", dind, partner->id, NULL);
    assert_string_equal(s1->json, s2->json);
    /* the same trust again changes nothing */
    tix_store_set_now(f->s, ts("2024-03-24"));
    begin(f);
    ok(tix_store_source_set(f->s, "partner", TIX_SOURCE_PARTNER, 20, &d), "source_set", &d);
    commit(f);
    got e;
    stream(f, &flt, &e);
    assert_int_equal(by_id(&e, dind)->modified, ts("2024-03-23") * 1000);
    got_free(&a);
    got_free(&b);
    got_free(&c);
    got_free(&e);
}

/* ---- selection ------------------------------------------------------------------------ */

static size_t scos(const got *g)
{
    size_t n = 0;
    static const char *const t[] = {"ipv4-addr", "ipv6-addr", "domain-name", "url",
                                    "email-addr", "file", "cryptocurrency-wallet",
                                    "vulnerability", "autonomous-system"};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        n += count_type(g, t[i]);
    return n;
}

static void test_selection(void **state)
{
    fx *f = *state;
    tix_export_filter flt = filter();
    got g;
    flt.family = "KESTREL";
    stream(f, &flt, &g);
    assert_int_equal(scos(&g), 2); /* the IP and the domain */
    assert_non_null(by_id(&g, sid(TIX_OBS_IPV4, IP)));
    assert_non_null(by_id(&g, sid(TIX_OBS_DOMAIN, DOM)));
    /* the IP's other family comes along; the URL's does not */
    assert_non_null(by_id(&g, derived("malware", "malware|plumloader")));
    assert_null(by_id(&g, derived("malware", "malware|gorse")));
    /* both ends selected: the domain resolves to the IP; the URL is out */
    assert_non_null(find(&g, "relationship", "\"resolves-to\"", NULL));
    assert_null(find(&g, "relationship", "\"has-host\"", NULL));
    got_free(&g);

    flt = filter();
    flt.source = "vendor";
    stream(f, &flt, &g);
    assert_int_equal(scos(&g), 1);
    assert_non_null(by_id(&g, sid(TIX_OBS_URL, URL)));
    got_free(&g);

    flt = filter();
    flt.source = "nobody";
    stream(f, &flt, &g);
    assert_int_equal(scos(&g), 0);
    assert_null(by_id(&g, derived("identity", "identity|tix")));
    assert_int_equal(count_type(&g, "marking-definition"), 5);
    got_free(&g);

    flt = filter();
    flt.country = "de";
    flt.constituency = "cert-demoland";
    stream(f, &flt, &g);
    assert_int_equal(scos(&g), 1);
    assert_non_null(by_id(&g, sid(TIX_OBS_IPV4, IP)));
    got_free(&g);

    flt = filter();
    flt.types = TIX_OBS_BIT(TIX_OBS_SHA256) | TIX_OBS_BIT(TIX_OBS_ASN);
    flt.min_confidence = 10;
    stream(f, &flt, &g);
    assert_int_equal(scos(&g), 2);
    got_free(&g);

    /* active: not blocked (the documentation address), seen in 30 days */
    flt = filter();
    flt.active = true;
    stream(f, &flt, &g);
    assert_null(by_id(&g, sid(TIX_OBS_IPV4, "203.0.113.41")));
    assert_null(by_id(&g, sid(TIX_OBS_IPV4, "77.83.247.81")));
    assert_int_equal(scos(&g), 8);
    got_free(&g);
    flt.active_days = 400;
    stream(f, &flt, &g);
    assert_non_null(by_id(&g, sid(TIX_OBS_IPV4, "77.83.247.81")));
    assert_null(by_id(&g, sid(TIX_OBS_IPV4, "203.0.113.41")));
    got_free(&g);

    flt = filter();
    flt.since = ts("2024-03-06");
    stream(f, &flt, &g);
    assert_null(by_id(&g, sid(TIX_OBS_IPV4, "203.0.113.41"))); /* last seen 03-04 */
    assert_non_null(by_id(&g, sid(TIX_OBS_IPV4, IP)));       /* last seen 03-15 */
    got_free(&g);
}

static void test_stop_and_errors(void **state)
{
    fx *f = *state;
    tix_export_filter flt = filter();
    got g = {.stop_after = 3};
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_export_stix_each(f->s, &flt, collect, &g, &d), TIX_ESTOPPED);
    assert_int_equal(g.n, 3);
    got_free(&g);
    /* a read view is closed again: the store takes writes */
    begin(f);
    commit(f);

    flt.tlp_max = (tix_tlp)9;
    assert_int_equal(tix_export_stix_each(f->s, &flt, collect, &g, &d), TIX_EINVAL);
    got_free(&g);

    /* unvetted observables stop exports to act on; nothing is written */
    begin(f);
    int64_t late = obs(f, TIX_OBS_IPV4, "94.232.41.105");
    ev(f, late, (ev_spec){f->feodo, NULL, NULL, "2024-03-19", NULL, TIX_TLP_CLEAR, NULL, 0});
    commit(f);
    flt = filter();
    FILE *out = tmpfile();
    tix_diag d2 = TIX_DIAG_INIT;
    assert_int_equal(tix_export_write(f->s, &flt, TIX_EXPORT_BLOCKLIST, out, NULL, &d2),
                     TIX_EINVAL);
    assert_non_null(strstr(d2.msg, "run 'tix vet' first"));
    assert_int_equal(ftell(out), 0);
    fclose(out);
    flt.active = true;
    tix_diag d3 = TIX_DIAG_INIT;
    assert_int_equal(tix_export_stix_each(f->s, &flt, collect, &g, &d3), TIX_EINVAL);
    assert_int_equal(g.n, 0); /* refused before the first object */
    got_free(&g);
    /* other exports take them */
    flt.active = false;
    out = tmpfile();
    tix_export_stats st;
    ok(tix_export_write(f->s, &flt, TIX_EXPORT_CSV, out, &st, &d), "csv", &d);
    assert_int_equal(st.observables, 11);
    fclose(out);
}

/* ---- the writers ------------------------------------------------------------------------- */

static char *write_to_string(fx *f, const tix_export_filter *flt, tix_export_format fmt,
                             tix_export_stats *st)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    tix_diag d = TIX_DIAG_INIT;
    ok(tix_export_write(f->s, flt, fmt, out, st, &d), tix_export_format_name(fmt), &d);
    fclose(out);
    return buf;
}

static void test_bundle(void **state)
{
    fx *f = *state;
    tix_export_filter flt = filter();
    tix_export_stats st;
    char *s = write_to_string(f, &flt, TIX_EXPORT_STIX, &st);
    json_error_t je;
    json_t *b = json_loads(s, 0, &je);
    if (!b)
        fail_msg("bundle is not JSON: %s", je.text);
    assert_string_equal(json_string_value(json_object_get(b, "type")), "bundle");
    assert_int_equal(strncmp(json_string_value(json_object_get(b, "id")), "bundle--", 8), 0);
    json_t *objs = json_object_get(b, "objects");
    /* every object of the stream but the extension definition */
    got g;
    stream(f, &flt, &g);
    assert_int_equal(json_array_size(objs), g.n - 1);
    assert_int_equal(st.objects, g.n - 1);
    assert_int_equal(st.observables, 10);
    assert_int_equal(st.withheld_tlp, 0);
    size_t k = 0;
    for (size_t i = 0; i < g.n; i++) {
        if (strcmp(g.o[i].type, "extension-definition") == 0)
            continue;
        const char *id = json_string_value(json_object_get(json_array_get(objs, k++), "id"));
        assert_string_equal(id, g.o[i].id);
    }
    got_free(&g);
    /* one object per line; the same bundle twice */
    assert_int_equal(strncmp(s, "{\"type\":\"bundle\",\"id\":\"bundle--", 31), 0);
    char *again = write_to_string(f, &flt, TIX_EXPORT_STIX, NULL);
    assert_string_equal(s, again);
    size_t lines = 0;
    for (const char *p = s; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, json_array_size(objs) + 2);
    json_decref(b);
    free(s);
    free(again);
}

static json_t *attr_of(json_t *attrs, const char *value)
{
    size_t i;
    json_t *a;
    json_array_foreach(attrs, i, a)
        if (strcmp(json_string_value(json_object_get(a, "value")), value) == 0)
            return a;
    return NULL;
}

static bool has_tag(json_t *a, const char *name)
{
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(a, "Tag"), i, t)
        if (strcmp(json_string_value(json_object_get(t, "name")), name) == 0)
            return true;
    return false;
}

static void test_misp(void **state)
{
    fx *f = *state;
    tix_export_filter flt = filter();
    tix_export_stats st;
    char *s = write_to_string(f, &flt, TIX_EXPORT_MISP, &st);
    json_error_t je;
    json_t *root = json_loads(s, 0, &je);
    if (!root)
        fail_msg("MISP is not JSON: %s", je.text);
    json_t *ev = json_object_get(root, "Event");
    assert_string_equal(json_string_value(json_object_get(json_object_get(ev, "Orgc"), "name")),
                        "tix");
    assert_int_equal(strlen(json_string_value(json_object_get(ev, "uuid"))), 36);
    assert_string_equal(json_string_value(json_object_get(ev, "date")), "2024-03-20");
    json_t *attrs = json_object_get(ev, "Attribute");
    assert_int_equal(json_array_size(attrs), 10);
    assert_int_equal(st.objects, 10);
    json_t *a = attr_of(attrs, IP);
    assert_string_equal(json_string_value(json_object_get(a, "type")), "ip-dst");
    assert_string_equal(json_string_value(json_object_get(a, "category")), "Network activity");
    assert_true(json_is_true(json_object_get(a, "to_ids")));
    assert_string_equal(json_string_value(json_object_get(a, "first_seen")),
                        "2024-02-02T00:00:00.000000+00:00");
    assert_true(has_tag(a, "tlp:red")); /* it carries the RED evidence */
    assert_true(has_tag(a, "misp-galaxy:malpedia=\"Kestrel\""));
    assert_true(has_tag(a, "misp-galaxy:malpedia=\"PlumLoader\""));
    assert_true(has_tag(a, "c2"));
    assert_non_null(strstr(json_string_value(json_object_get(a, "comment")),
                           "sources: feodo, partner"));
    /* vetting blocked it, or it is context only: not for detection */
    assert_true(json_is_false(json_object_get(attr_of(attrs, "203.0.113.41"), "to_ids")));
    assert_true(json_is_false(json_object_get(attr_of(attrs, MAIL), "to_ids")));
    assert_string_equal(json_string_value(json_object_get(attr_of(attrs, MAIL), "type")),
                        "email-src");
    assert_string_equal(json_string_value(json_object_get(attr_of(attrs, BTC), "type")), "btc");
    assert_string_equal(
        json_string_value(json_object_get(attr_of(attrs, "CVE-2021-44228"), "type")),
        "vulnerability");
    assert_string_equal(json_string_value(json_object_get(attr_of(attrs, "AS64500"), "type")),
                        "AS");
    assert_string_equal(json_string_value(json_object_get(attr_of(attrs, SHA), "type")),
                        "sha256");
    /* the event: the most restrictive TLP of its attributes */
    assert_true(has_tag(ev, "tlp:red"));
    json_decref(root);
    free(s);

    /* below AMBER: the RED evidence and the family it names are left out */
    flt.tlp_max = TIX_TLP_AMBER;
    s = write_to_string(f, &flt, TIX_EXPORT_MISP, &st);
    root = json_loads(s, 0, &je);
    ev = json_object_get(root, "Event");
    attrs = json_object_get(ev, "Attribute");
    assert_int_equal(json_array_size(attrs), 9);
    a = attr_of(attrs, IP);
    assert_true(has_tag(a, "tlp:clear"));
    assert_false(has_tag(a, "misp-galaxy:malpedia=\"Kestrel\""));
    assert_null(strstr(s, "Gorse"));
    assert_true(has_tag(ev, "tlp:amber"));
    assert_int_equal(st.withheld_tlp, 1);
    json_decref(root);
    free(s);
}

static void test_csv(void **state)
{
    fx *f = *state;
    tix_export_filter flt = filter();
    tix_export_stats st;
    char *s = write_to_string(f, &flt, TIX_EXPORT_CSV, &st);
    assert_int_equal(strncmp(s, "type,value,stix_id,first_seen,last_seen,confidence,tlp,"
                                "sources,families,tags,country,asn,as_name,constituency,"
                                "status,evidence\n", 111), 0);
    char want[512];
    /* the confidence is the store's */
    tix_obs_rec r;
    tix_diag d = TIX_DIAG_INIT;
    ok(tix_store_observable_get(f->s, TIX_OBS_IPV4, IP, strlen(IP), &r, &d), "get", &d);
    snprintf(want, sizeof want,
             "\nipv4," IP ",%s,2024-02-02T00:00:00Z,2024-03-15T00:00:00Z,%d,red,"
             "\"feodo,partner\",\"Kestrel,PlumLoader\",\"c2,partner-x\",DE,64500,"
             "Demo Hosting,CERT-Demoland,ok,2\n",
             sid(TIX_OBS_IPV4, IP), r.confidence);
    if (!strstr(s, want))
        fail_msg("missing %s in\n%s", want, s);
    assert_non_null(strstr(s, "\nipv4,203.0.113.41,"));
    assert_non_null(strstr(s, ",blocked,1\n"));
    size_t lines = 0;
    for (const char *p = s; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 11);
    assert_int_equal(st.objects, 10);
    free(s);

    /* at most CLEAR: only the CLEAR evidence speaks */
    flt.tlp_max = TIX_TLP_CLEAR;
    s = write_to_string(f, &flt, TIX_EXPORT_CSV, &st);
    snprintf(want, sizeof want,
             "\nipv4," IP ",%s,2024-02-02T00:00:00Z,2024-03-15T00:00:00Z,%d,clear,"
             "feodo,PlumLoader,,DE,",
             sid(TIX_OBS_IPV4, IP), r.confidence);
    if (!strstr(s, want))
        fail_msg("missing %s in\n%s", want, s);
    assert_null(strstr(s, "partner"));
    assert_null(strstr(s, DOM ","));
    free(s);
}

static void test_blocklist(void **state)
{
    fx *f = *state;
    tix_export_filter flt = filter();
    tix_export_stats st;
    char *s = write_to_string(f, &flt, TIX_EXPORT_BLOCKLIST, &st);
    assert_string_equal(s, "# tix blocklist: type=ipv4-addr,ipv6-addr,domain-name,url\n"
                           "# made 2024-03-21T12:00:00Z; never what vetting blocked\n"
                           IP "\n77.83.247.81\n" DOM "\n" URL "\n");
    assert_int_equal(st.objects, 4);
    free(s);
    flt.types = TIX_OBS_BIT(TIX_OBS_SHA256) | TIX_OBS_BIT(TIX_OBS_IPV4);
    flt.tlp_max = TIX_TLP_GREEN;
    flt.active = true;
    s = write_to_string(f, &flt, TIX_EXPORT_BLOCKLIST, &st);
    assert_string_equal(s, "# tix blocklist: type=ipv4-addr,sha256 active tlp=green\n"
                           "# made 2024-03-21T12:00:00Z; never what vetting blocked\n"
                           IP "\n");
    assert_int_equal(st.withheld_tlp, 1); /* the AMBER hash */
    free(s);
}

static void test_names(void **state)
{
    (void)state;
    for (int i = 0; i <= TIX_EXPORT_BLOCKLIST; i++)
        assert_int_equal(tix_export_format_from_name(tix_export_format_name((tix_export_format)i)),
                         i);
    assert_int_equal(tix_export_format_from_name("xml"), -1);
    uint32_t m;
    tix_diag d = TIX_DIAG_INIT;
    ok(tix_export_types_parse("file,ip", &m, &d), "types", &d);
    assert_int_equal(m, TIX_OBS_BIT(TIX_OBS_MD5) | TIX_OBS_BIT(TIX_OBS_SHA1) |
                            TIX_OBS_BIT(TIX_OBS_SHA256) | TIX_OBS_BIT(TIX_OBS_SHA512) |
                            TIX_OBS_BIT(TIX_OBS_IPV4) | TIX_OBS_BIT(TIX_OBS_IPV6));
    assert_int_equal(tix_export_types_parse(",", &m, &d), TIX_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_filter_parse),
        cmocka_unit_test(test_filter_errors),
        cmocka_unit_test(test_names),
        cmocka_unit_test_setup_teardown(test_stream_order_and_determinism, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stream_objects, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tlp_per_object, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tlp_shared_objects, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tlp_max, setup, teardown),
        cmocka_unit_test_setup_teardown(test_versions, setup, teardown),
        cmocka_unit_test_setup_teardown(test_selection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_and_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bundle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_misp, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csv, setup, teardown),
        cmocka_unit_test_setup_teardown(test_blocklist, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
