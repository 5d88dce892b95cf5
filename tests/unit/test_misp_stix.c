/* test_misp_stix.c - the MISP and STIX importers against a recording sink.
 *
 * The sink canonicalises values and computes their STIX ids the way the
 * store does, so the ids the importers relate are the real ones. Fixtures
 * are in tests/data/misp and tests/data/stix; small malformed inputs are
 * written inline.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feeds/stix_pattern.h"
#include "tix/feed.h"
#include "tix/tix.h"
#include "tix/time.h"

/* ---- the recording sink ------------------------------------------------ */

typedef struct {
    tix_obs_type type;
    char *value;                /* canonical */
    char id[TIX_STIX_ID_MAX];
    int64_t first, last;
    int confidence, port;
    tix_tlp tlp;
    char *family, *tags, *source, *where;
    bool context_only;
} r_obs;

typedef struct {
    char *id, *type, *name, *json, *source;
    int64_t created, modified;
    tix_tlp tlp;
} r_obj;

typedef struct {
    char *src, *type, *dst, *source;
    int64_t first, last;
    tix_tlp tlp;
} r_rel;

typedef struct {
    r_obs *obs;
    size_t nobs;
    r_obj *obj;
    size_t nobj;
    r_rel *rel;
    size_t nrel;
    char *skipped[16];
    size_t nskipped;
} rec;

static char *dup(const char *s)
{
    if (!s)
        return NULL;
    char *p = strdup(s);
    assert_non_null(p);
    return p;
}

static void *grow(void *p, size_t n, size_t size)
{
    void *q = realloc(p, (n + 1) * size);
    assert_non_null(q);
    return q;
}

static tix_err rec_observe(void *ud, const tix_obs_in *o, char id[TIX_STIX_ID_MAX],
                           tix_diag *d)
{
    rec *r = ud;
    tix_buf b = TIX_BUF_INIT(0);
    tix_err e = tix_obs_canon(o->type, o->value, o->value_len, &b, d);
    if (e == TIX_EOK)
        e = tix_obs_stix_id(o->type, b.p, b.len, id, d);
    if (e == TIX_EOK) {
        r->obs = grow(r->obs, r->nobs, sizeof *r->obs);
        r_obs *x = &r->obs[r->nobs++];
        *x = (r_obs){.type = o->type, .value = dup(b.p), .first = o->first_seen,
                     .last = o->last_seen, .confidence = o->confidence, .port = o->port,
                     .tlp = o->tlp, .family = dup(o->family), .tags = dup(o->tags),
                     .source = dup(o->source), .where = dup(o->where),
                     .context_only = o->context_only};
        memcpy(x->id, id, TIX_STIX_ID_MAX);
    }
    tix_buf_free(&b);
    return e;
}

static tix_err rec_object(void *ud, const tix_object_in *o, tix_diag *d)
{
    (void)d;
    rec *r = ud;
    r->obj = grow(r->obj, r->nobj, sizeof *r->obj);
    r->obj[r->nobj++] = (r_obj){dup(o->id), dup(o->type), dup(o->name), dup(o->json),
                                dup(o->source), o->created, o->modified, o->tlp};
    return TIX_EOK;
}

static tix_err rec_relate(void *ud, const tix_rel_in *x, tix_diag *d)
{
    (void)d;
    rec *r = ud;
    r->rel = grow(r->rel, r->nrel, sizeof *r->rel);
    r->rel[r->nrel++] = (r_rel){dup(x->src_id), dup(x->type), dup(x->dst_id),
                                dup(x->source), x->first_seen, x->last_seen, x->tlp};
    return TIX_EOK;
}

static void rec_skipped(void *ud, const char *msg)
{
    rec *r = ud;
    if (r->nskipped < 16)
        r->skipped[r->nskipped++] = dup(msg);
}

static void rec_free(rec *r)
{
    for (size_t i = 0; i < r->nobs; i++) {
        free(r->obs[i].value);
        free(r->obs[i].family);
        free(r->obs[i].tags);
        free(r->obs[i].source);
        free(r->obs[i].where);
    }
    for (size_t i = 0; i < r->nobj; i++) {
        free(r->obj[i].id);
        free(r->obj[i].type);
        free(r->obj[i].name);
        free(r->obj[i].json);
        free(r->obj[i].source);
    }
    for (size_t i = 0; i < r->nrel; i++) {
        free(r->rel[i].src);
        free(r->rel[i].type);
        free(r->rel[i].dst);
        free(r->rel[i].source);
    }
    for (size_t i = 0; i < r->nskipped; i++)
        free(r->skipped[i]);
    free(r->obs);
    free(r->obj);
    free(r->rel);
    memset(r, 0, sizeof *r);
}

/* ---- running an importer ----------------------------------------------- */

static char *load(const char *rel, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/tests/data/%s", TIX_SOURCE_DIR, rel);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot open %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *p = malloc((size_t)n + 1);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
    p[n] = 0;
    fclose(f);
    *len = (size_t)n;
    return p;
}

static tix_err run(tix_feed_format fmt, const char *name, const char *data, size_t len,
                   bool skip_bad, rec *r, tix_feed_stats *st, tix_diag *d)
{
    tix_feed_opts o = {.format = fmt, .skip_bad = skip_bad, .skipped = rec_skipped,
                       .skipped_ud = r};
    tix_sink sink = {r, rec_observe, rec_object, rec_relate, NULL, NULL};
    return tix_feed_read(&o, name, data, len, &sink, st, d);
}

static tix_err run_file(tix_feed_format fmt, const char *rel, bool skip_bad, rec *r,
                        tix_feed_stats *st, tix_diag *d)
{
    size_t len;
    char *data = load(rel, &len);
    const char *name = strrchr(rel, '/') + 1;
    tix_err e = run(fmt, name, data, len, skip_bad, r, st, d);
    free(data);
    return e;
}

static tix_err run_str(tix_feed_format fmt, const char *json, bool skip_bad, rec *r,
                       tix_feed_stats *st, tix_diag *d)
{
    return run(fmt, "x.json", json, strlen(json), skip_bad, r, st, d);
}

/* ---- looking things up ------------------------------------------------- */

static void idof(tix_obs_type t, const char *canon, char out[TIX_STIX_ID_MAX])
{
    assert_int_equal(tix_obs_stix_id(t, canon, strlen(canon), out, NULL), TIX_EOK);
}

static int64_t T(const char *iso)
{
    int64_t t;
    assert_int_equal(tix_time_parse(iso, strlen(iso), &t, NULL), TIX_EOK);
    return t;
}

/* The observation of value (canonical) at where (NULL: the first one). */
static const r_obs *obs(const rec *r, tix_obs_type t, const char *value, const char *where)
{
    for (size_t i = 0; i < r->nobs; i++)
        if (r->obs[i].type == t && strcmp(r->obs[i].value, value) == 0 &&
            (!where || (r->obs[i].where && strcmp(r->obs[i].where, where) == 0)))
            return &r->obs[i];
    fail_msg("no %s observation of '%s' at %s", tix_obs_name(t), value,
             where ? where : "any place");
    return NULL;
}

static size_t count_obs(const rec *r, tix_obs_type t, const char *value)
{
    size_t n = 0;
    for (size_t i = 0; i < r->nobs; i++)
        n += r->obs[i].type == t && strcmp(r->obs[i].value, value) == 0;
    return n;
}

static const r_obj *object(const rec *r, const char *id)
{
    for (size_t i = 0; i < r->nobj; i++)
        if (strcmp(r->obj[i].id, id) == 0)
            return &r->obj[i];
    fail_msg("no object %s", id);
    return NULL;
}

static const r_rel *rel(const rec *r, const char *src, const char *type, const char *dst)
{
    for (size_t i = 0; i < r->nrel; i++)
        if (strcmp(r->rel[i].src, src) == 0 && strcmp(r->rel[i].type, type) == 0 &&
            strcmp(r->rel[i].dst, dst) == 0)
            return &r->rel[i];
    fail_msg("no relationship %s %s %s", src, type, dst);
    return NULL;
}

static uint64_t reason(const tix_feed_stats *st, const char *why)
{
    for (size_t i = 0; i < st->nreasons; i++)
        if (strcmp(st->reasons[i].reason, why) == 0)
            return st->reasons[i].n;
    return 0;
}

static void str_eq(const char *got, const char *want)
{
    if (!want) {
        if (got)
            fail_msg("got '%s', want NULL", got);
        return;
    }
    if (!got)
        fail_msg("got NULL, want '%s'", want);
    assert_string_equal(got, want);
}

/* ---- MISP -------------------------------------------------------------- */

#define MISP_EVENT "x-misp-event--5c066053-0e94-46eb-9746-4b7d950d210f"
#define EMOTET_TAGS "misp-galaxy:malpedia=\"Emotet\",type:OSINT"

static void test_misp_event_counts(void **state)
{
    (void)state;
    rec r = {0};
    tix_feed_stats st;
    tix_diag d = TIX_DIAG_INIT;
    tix_err e = run_file(TIX_FEED_MISP, "misp/event.json", false, &r, &st, &d);
    if (e)
        fail_msg("%s", d.msg);
    assert_int_equal(st.records, 24);
    assert_int_equal(st.observations, 18);
    assert_int_equal(r.nobs, 18);
    assert_int_equal(st.objects, 1);
    assert_int_equal(st.relationships, 19); /* 18 reported-in, 1 resolves-to */
    assert_int_equal(st.skipped, 0);
    assert_int_equal(st.unmapped, 7);
    assert_int_equal(reason(&st, "MISP attribute type link"), 1);
    assert_int_equal(reason(&st, "MISP attribute type text"), 1);
    assert_int_equal(reason(&st, "MISP attribute type mutex"), 1);
    assert_int_equal(reason(&st, "MISP attribute type uri"), 1);
    assert_int_equal(reason(&st, "MISP attribute type filename"), 1);
    assert_int_equal(reason(&st, "MISP attribute type size-in-bytes"), 1);
    assert_int_equal(reason(&st, "MISP deleted attribute"), 1);
    assert_int_equal(st.nreasons, 7);
    rec_free(&r);
}

static void test_misp_event_object(void **state)
{
    (void)state;
    rec r = {0};
    tix_feed_stats st;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(run_file(TIX_FEED_MISP, "misp/event.json", false, &r, &st, &d), TIX_EOK);
    const r_obj *ev = object(&r, MISP_EVENT);
    str_eq(ev->type, "x-misp-event");
    str_eq(ev->name, "Emotet phishing wave targeting invoices");
    str_eq(ev->source, "CIRCL");
    assert_int_equal(ev->tlp, TIX_TLP_AMBER);
    assert_int_equal(ev->created, T("2024-03-01"));
    assert_int_equal(ev->modified, 1709290200);
    /* the header, compact, without the attributes */
    assert_non_null(strstr(ev->json, "\"info\":\"Emotet phishing wave targeting invoices\""));
    assert_non_null(strstr(ev->json, "\"Tag\":["));
    assert_null(strstr(ev->json, "\"Attribute\""));
    assert_null(strstr(ev->json, "\"Object\""));
    assert_null(strstr(ev->json, "\n"));
    /* every observation names the event that reported it */
    for (size_t i = 0; i < r.nobs; i++) {
        const r_rel *x = rel(&r, r.obs[i].id, "reported-in", MISP_EVENT);
        assert_int_equal(x->tlp, r.obs[i].tlp);
        str_eq(x->source, "CIRCL");
    }
    rec_free(&r);
}

static void test_misp_attributes(void **state)
{
    (void)state;
    rec r = {0};
    tix_feed_stats st;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(run_file(TIX_FEED_MISP, "misp/event.json", false, &r, &st, &d), TIX_EOK);

    const r_obs *o = obs(&r, TIX_OBS_IPV4, "185.100.87.2", "Event[0].Attribute[0]");
    assert_int_equal(o->tlp, TIX_TLP_AMBER);
    str_eq(o->source, "CIRCL");
    str_eq(o->family, "Emotet");
    str_eq(o->tags, EMOTET_TAGS ",misp-category:Network activity");
    assert_false(o->context_only);
    assert_int_equal(o->first, 1709290000);
    assert_int_equal(o->last, 0);
    assert_int_equal(o->confidence, -1);
    assert_int_equal(o->port, 0);

    o = obs(&r, TIX_OBS_IPV6, "2001:db8::1", "Event[0].Attribute[1]");
    assert_int_equal(o->port, 8443);

    /* domain|ip: both, and the resolution between them */
    char did[TIX_STIX_ID_MAX], iid[TIX_STIX_ID_MAX];
    idof(TIX_OBS_DOMAIN, "paypal-secure-login.xyz", did);
    idof(TIX_OBS_IPV4, "192.0.2.10", iid);
    str_eq(obs(&r, TIX_OBS_DOMAIN, "paypal-secure-login.xyz", "Event[0].Attribute[2]")->id, did);
    str_eq(obs(&r, TIX_OBS_IPV4, "192.0.2.10", "Event[0].Attribute[2]")->id, iid);
    const r_rel *res = rel(&r, did, "resolves-to", iid);
    assert_int_equal(res->tlp, TIX_TLP_AMBER);
    str_eq(res->source, "CIRCL");

    assert_false(obs(&r, TIX_OBS_URL, "http://paypal-secure-login.xyz/gate.php", NULL)->context_only);

    /* an attribute's TLP tag overrides the event's */
    o = obs(&r, TIX_OBS_MD5, "7573f1429f285f385207eb60b9f8c3cc", NULL);
    assert_int_equal(o->tlp, TIX_TLP_RED);
    str_eq(o->tags, EMOTET_TAGS ",misp-category:Payload delivery");

    /* so does its galaxy: TrickBot, not the event's Emotet */
    o = obs(&r, TIX_OBS_SHA256,
            "5e585fd3fab5cb85a941179b4df835cef988f0281af9f47878024f539c302df5",
            "Event[0].Attribute[7]");
    str_eq(o->family, "TrickBot");
    str_eq(o->tags, EMOTET_TAGS ",misp-category:Payload delivery,"
                    "misp-galaxy:malpedia=\"TrickBot\",kill-chain:Delivery");
    assert_int_equal(o->tlp, TIX_TLP_AMBER);

    /* to_ids false, "0" */
    assert_true(obs(&r, TIX_OBS_EMAIL, "billing@paypal-secure-login.xyz", NULL)->context_only);
    assert_true(obs(&r, TIX_OBS_CVE, "CVE-2017-11882", NULL)->context_only);
    assert_true(obs(&r, TIX_OBS_ASN, "AS13335", "Event[0].Attribute[10]")->context_only);
    assert_false(obs(&r, TIX_OBS_BTC, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", NULL)->context_only);

    o = obs(&r, TIX_OBS_DOMAIN, "mail.paypal-secure-login.xyz", "Event[0].Attribute[15]");
    assert_int_equal(o->first, T("2024-02-28T06:15:00Z"));
    assert_int_equal(o->last, T("2024-03-01T18:00:00Z"));
    obs(&r, TIX_OBS_IPV4, "198.51.100.0/24", "Event[0].Attribute[16]");

    /* nothing from the unmapped, deleted or path-only attributes */
    assert_int_equal(count_obs(&r, TIX_OBS_IPV4, "203.0.113.200"), 0);
    rec_free(&r);
}

static void test_misp_objects(void **state)
{
    (void)state;
    rec r = {0};
    tix_feed_stats st;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(run_file(TIX_FEED_MISP, "misp/event.json", false, &r, &st, &d), TIX_EOK);
    /* attributes of a MISP object take its first_seen */
    const r_obs *o = obs(&r, TIX_OBS_MD5, "2a0791f4c26dce8872037b993a29714d",
                         "Event[0].Object[0].Attribute[1]");
    assert_int_equal(o->first, T("2024-02-27T00:00:00Z"));
    str_eq(o->family, "Emotet");
    obs(&r, TIX_OBS_SHA1, "1e2a8139b93ab77740badc2a67bc3c14760eea57",
        "Event[0].Object[0].Attribute[2]");
    obs(&r, TIX_OBS_SHA256, "85c63cfe133f096280fd3b225541ee052406ffe3bbcefd8eb6be8f512495346e",
        "Event[0].Object[0].Attribute[3]");
    o = obs(&r, TIX_OBS_DOMAIN, "cdn.paypal-secure-login.xyz", "Event[0].Object[1].Attribute[0]");
    assert_int_equal(o->tlp, TIX_TLP_AMBER);
    assert_int_equal(o->first, 1709290000);
    o = obs(&r, TIX_OBS_IPV4, "192.0.2.77", "Event[0].Object[1].Attribute[1]");
    assert_int_equal(o->tlp, TIX_TLP_CLEAR);
    rec_free(&r);
}

#define QAKBOT_EVENT "x-misp-event--8a4f1c2e-7b3d-4e5f-9a1b-2c3d4e5f6a7b"
#define BAD_IP_MSG "response.json: Event[1].Attribute[1]: '192.0.2.300' is not a valid ipv4"

static void test_misp_response_strict(void **state)
{
    (void)state;
    rec r = {0};
    tix_feed_stats st;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(run_file(TIX_FEED_MISP, "misp/response.json", false, &r, &st, &d),
                     TIX_EPARSE);
    assert_string_equal(d.msg, BAD_IP_MSG);
    assert_int_equal(r.nobs, 3); /* what came before the bad value */
    rec_free(&r);
}

static void test_misp_response_skip_bad(void **state)
{
    (void)state;
    rec r = {0};
    tix_feed_stats st;
    tix_diag d = TIX_DIAG_INIT;
    tix_err e = run_file(TIX_FEED_MISP, "misp/response.json", true, &r, &st, &d);
    if (e)
        fail_msg("%s", d.msg);
    assert_int_equal(st.records, 4);
    assert_int_equal(st.skipped, 1);
    assert_int_equal(r.nskipped, 1);
    assert_string_equal(r.skipped[0], BAD_IP_MSG);
    assert_int_equal(st.observations, 3);
    assert_int_equal(st.objects, 2);
    assert_int_equal(st.relationships, 3);

    /* the uuid is lower-cased into the id */
    const r_obj *ev = object(&r, QAKBOT_EVENT);
    assert_int_equal(ev->tlp, TIX_TLP_GREEN);
    str_eq(ev->source, "Example CERT");
    const r_obs *o = obs(&r, TIX_OBS_URL, "https://shop-invoices.example.org/docs/inv.zip",
                         "Event[0].Attribute[0]");
    assert_int_equal(o->tlp, TIX_TLP_GREEN);
    assert_int_equal(o->first, 1712059000); /* a number, not a string */
    str_eq(o->family, NULL);                 /* a threat actor is no family */
    str_eq(o->tags, "misp-galaxy:threat-actor=\"TA570\",misp-category:Payload delivery");
    rel(&r, o->id, "reported-in", QAKBOT_EVENT);
    o = obs(&r, TIX_OBS_SHA1, "68e89fead6bf38be96b8461de2259be3aed4f069", NULL);
    str_eq(o->family, "QakBot");

    /* an event without tags: no TLP, the ingest decides */
    o = obs(&r, TIX_OBS_IPV4, "192.0.2.201", "Event[1].Attribute[0]");
    assert_int_equal(o->tlp, TIX_TLP_UNSET);
    str_eq(o->source, "Example CERT");
    const r_obj *ev2 = object(&r, "x-misp-event--9b5a2d3f-8c4e-4f60-8b2c-3d4e5f6a7b8c");
    assert_int_equal(ev2->modified, 1712145600);
    rec_free(&r);
}

/* A list of events, and a bare event as PyMISP writes it. */
static void test_misp_shapes(void **state)
{
    (void)state;
    static const char *const docs[] = {
        "[{\"Event\": {\"uuid\": \"11111111-2222-4333-8444-555555555555\", \"info\": \"a\","
        " \"Attribute\": [{\"type\": \"ip-dst\", \"value\": \"192.0.2.1\", \"to_ids\": 1}]}}]",
        "{\"uuid\": \"11111111-2222-4333-8444-555555555555\", \"info\": \"a\","
        " \"Attribute\": [{\"type\": \"ip-dst\", \"value\": \"192.0.2.1\", \"to_ids\": true}]}",
        "{\"response\": [{\"Event\": {\"uuid\": \"11111111-2222-4333-8444-555555555555\","
        " \"Attribute\": [{\"type\": \"ip-dst\", \"value\": \"192.0.2.1\"}]}}]}",
    };
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        rec r = {0};
        tix_feed_stats st;
        tix_diag d = TIX_DIAG_INIT;
        tix_err e = run_str(TIX_FEED_MISP, docs[i], false, &r, &st, &d);
        if (e)
            fail_msg("doc %zu: %s", i, d.msg);
        assert_int_equal(r.nobs, 1);
        assert_int_equal(r.nobj, 1);
        str_eq(r.obs[0].where, "Event[0].Attribute[0]");
        assert_false(r.obs[0].context_only);
        rel(&r, r.obs[0].id, "reported-in", "x-misp-event--11111111-2222-4333-8444-555555555555");
        rec_free(&r);
    }
}

static void misp_fails(const char *json, const char *msg)
{
    rec r = {0};
    tix_feed_stats st;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(run_str(TIX_FEED_MISP, json, false, &r, &st, &d), TIX_EPARSE);
    assert_string_equal(d.msg, msg);
    rec_free(&r);
}

#define EV(attrs) \
    "{\"Event\": {\"uuid\": \"11111111-2222-4333-8444-555555555555\", \"Attribute\": [" attrs "]}}"

static void test_misp_errors(void **state)
{
    (void)state;
    misp_fails("{\"Event\": {\n  \"info\": \"x\",,\n}}", "x.json:2: string or '}' expected near ','");
    misp_fails("{\"foo\": 1}", "x.json: not a MISP event (expected {\"Event\": ...}, "
                               "{\"response\": [...]} or a list of events)");
    misp_fails("{\"Event\": {\"info\": \"no uuid\", \"Attribute\": []}}",
               "x.json: Event[0]: MISP event without a valid uuid");
    misp_fails(EV("{\"type\": \"ip-dst|port\", \"value\": \"192.0.2.1|99999\"}"),
               "x.json: Event[0].Attribute[0]: MISP ip-dst|port '192.0.2.1|99999': bad port");
    misp_fails(EV("{\"type\": \"domain|ip\", \"value\": \"example.com\"}"),
               "x.json: Event[0].Attribute[0]: MISP domain|ip 'example.com': "
               "no '|' between domain and address");
    misp_fails(EV("{\"type\": \"md5\"}"), "x.json: Event[0].Attribute[0]: MISP md5 without value");
    misp_fails(EV("{\"value\": \"x\"}"), "x.json: Event[0].Attribute[0]: MISP attribute without type");
    misp_fails(EV("{\"type\": \"ip-dst\", \"value\": \"192.0.2.1\", \"timestamp\": \"soon\"}"),
               "x.json: Event[0].Attribute[0]: MISP ip-dst '192.0.2.1': "
               "unreadable timestamp, first_seen or last_seen");
    /* a refused value of a mapped type is malformed, not unmapped */
    misp_fails(EV("{\"type\": \"sha256\", \"value\": \"abc\"}"),
               "x.json: Event[0].Attribute[0]: 'abc' is not a valid sha256");
}

/* The first malware tag names the family; actors do not; MITRE's " - S0367"
 * is not part of the name. */
static void test_misp_family(void **state)
{
    (void)state;
    rec r = {0};
    tix_feed_stats st;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(
        run_str(TIX_FEED_MISP,
                EV("{\"type\": \"ip-dst\", \"value\": \"192.0.2.1\", \"Tag\": ["
                   "{\"name\": \"misp-galaxy:threat-actor=\\\"TA542\\\"\"},"
                   "{\"name\": \"misp-galaxy:mitre-malware=\\\"Emotet - S0367\\\"\"},"
                   "{\"name\": \"misp-galaxy:malpedia=\\\"Geodo\\\"\"},"
                   "{\"name\": \"tlp:amber\"}, {\"name\": \"TLP:GREEN\"}]}"),
                false, &r, &st, &d),
        TIX_EOK);
    assert_int_equal(r.nobs, 1);
    str_eq(r.obs[0].family, "Emotet");
    /* several TLP tags: the most restrictive */
    assert_int_equal(r.obs[0].tlp, TIX_TLP_AMBER);
    str_eq(r.obs[0].tags, "misp-galaxy:threat-actor=\"TA542\","
                          "misp-galaxy:mitre-malware=\"Emotet - S0367\",misp-galaxy:malpedia=\"Geodo\"");
    rec_free(&r);
}

/* A domain|ip whose address is refused: the domain stays, without a
 * resolution to nothing. */
static void test_misp_half_bad_pair(void **state)
{
    (void)state;
    rec r = {0};
    tix_feed_stats st;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(run_str(TIX_FEED_MISP,
                             EV("{\"type\": \"domain|ip\", \"value\": \"example.com|300.1.1.1\"}"),
                             true, &r, &st, &d), TIX_EOK);
    assert_int_equal(st.skipped, 1);
    assert_int_equal(r.nobs, 1);
    assert_int_equal(r.nrel, 1);
    str_eq(r.rel[0].type, "reported-in");
    rec_free(&r);
}

/* ---- STIX patterns ----------------------------------------------------- */

static void pattern_ok(const char *pat, size_t n, const tix_obs_type *types,
                       const char *const *values)
{
    stix_pat p = {0};
    char why[STIX_PAT_WHY_MAX];
    tix_err e = stix_pattern_parse(pat, strlen(pat), &p, why);
    if (e)
        fail_msg("%s: %d %s", pat, (int)e, why);
    assert_int_equal(p.n, n);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(p.v[i].type, types[i]);
        assert_string_equal(p.v[i].value, values[i]);
        assert_int_equal(p.v[i].len, strlen(values[i]));
    }
    stix_pattern_free(&p);
}

static void pattern_not(const char *pat, tix_err want, const char *reason)
{
    stix_pat p = {0};
    char why[STIX_PAT_WHY_MAX];
    tix_err e = stix_pattern_parse(pat, strlen(pat), &p, why);
    if (e != want)
        fail_msg("%s: got %d (%s), want %d", pat, (int)e, why, (int)want);
    assert_string_equal(why, reason);
    assert_int_equal(p.n, 0);
    assert_null(p.v);
}

static void test_pattern_mapped(void **state)
{
    (void)state;
    pattern_ok("[ipv4-addr:value = '198.51.100.1']", 1, (tix_obs_type[]){TIX_OBS_IPV4},
               (const char *[]){"198.51.100.1"});
    pattern_ok("[domain-name:value = 'a.example.com' OR domain-name:value == 'b.example.com']", 2,
               (tix_obs_type[]){TIX_OBS_DOMAIN, TIX_OBS_DOMAIN},
               (const char *[]){"a.example.com", "b.example.com"});
    pattern_ok("[url:value = 'http://x.example/'] OR ([email-addr:value = 'a@b.example'] "
               "OR [ipv6-addr:value = '2001:db8::1'])", 3,
               (tix_obs_type[]){TIX_OBS_URL, TIX_OBS_EMAIL, TIX_OBS_IPV6},
               (const char *[]){"http://x.example/", "a@b.example", "2001:db8::1"});
    pattern_ok("[(file:hashes.'SHA-256' = 'aa' OR file:hashes.MD5 = 'bb') OR "
               "file:hashes.'sha1' = 'cc' OR file:hashes.SHA512 = 'dd' OR "
               "file:hashes.'SHA-1' = 'ee']", 5,
               (tix_obs_type[]){TIX_OBS_SHA256, TIX_OBS_MD5, TIX_OBS_SHA1, TIX_OBS_SHA512,
                                TIX_OBS_SHA1},
               (const char *[]){"aa", "bb", "cc", "dd", "ee"});
    pattern_ok("[autonomous-system:number = 64500]", 1, (tix_obs_type[]){TIX_OBS_ASN},
               (const char *[]){"AS64500"});
    /* \' and \\ are the only escapes */
    pattern_ok("[url:value = 'http://x.example/o\\'brien\\\\y']", 1, (tix_obs_type[]){TIX_OBS_URL},
               (const char *[]){"http://x.example/o'brien\\y"});
    /* IN is a disjunction of equalities; blanks and comments anywhere */
    pattern_ok(" [ ipv4-addr:value IN ('192.0.2.1', '192.0.2.2') ] /* c2 */\n"
               "// two of them\n", 2, (tix_obs_type[]){TIX_OBS_IPV4, TIX_OBS_IPV4},
               (const char *[]){"192.0.2.1", "192.0.2.2"});
}

static void test_pattern_unmapped(void **state)
{
    (void)state;
    static const struct { const char *pat, *why; } cases[] = {
        {"[ipv4-addr:value = '1.2.3.4' AND ipv4-addr:value = '5.6.7.8']", "STIX pattern with AND"},
        {"[ipv4-addr:value = '1.2.3.4'] AND [domain-name:value = 'x.com']", "STIX pattern with AND"},
        /* the combination matters more than the odd property before it */
        {"[file:name = 'x.exe' AND file:hashes.MD5 = 'aa']", "STIX pattern with AND"},
        {"[ipv4-addr:value = '1.2.3.4'] FOLLOWEDBY [domain-name:value = 'x.com']",
         "STIX pattern with FOLLOWEDBY"},
        {"[file:name MATCHES '^a.*']", "STIX pattern operator MATCHES"},
        {"[domain-name:value LIKE '%.x.com']", "STIX pattern operator LIKE"},
        {"[ipv4-addr:value != '10.0.0.1']", "STIX pattern operator !="},
        {"[ipv4-addr:value <> '10.0.0.1']", "STIX pattern operator <>"},
        {"[file:size > 1000]", "STIX pattern operator >"},
        {"[ipv4-addr:value NOT = '10.0.0.1']", "STIX pattern operator NOT ="},
        {"[ipv4-addr:value NOT IN ('10.0.0.1')]", "STIX pattern operator NOT IN"},
        {"[ipv4-addr:value ISSUBSET '10.0.0.0/8']", "STIX pattern operator ISSUBSET"},
        {"[EXISTS file:name]", "STIX pattern operator EXISTS"},
        {"[domain-name:value = 'x.com'] WITHIN 300 SECONDS", "STIX pattern qualifier WITHIN"},
        {"[domain-name:value = 'x.com'] REPEATS 5 TIMES WITHIN 600 SECONDS",
         "STIX pattern qualifier REPEATS"},
        {"[domain-name:value = 'x.com'] START t'2024-01-01T00:00:00Z' STOP t'2024-02-01T00:00:00Z'",
         "STIX pattern qualifier START"},
        {"[file:name = 'invoice.exe']", "STIX pattern property file:name"},
        {"[file:hashes.'SSDEEP' = '3:a:b']", "STIX pattern property file:hashes.'SSDEEP'"},
        {"[ipv4-addr:resolves_to_refs[*].value = 'aa:bb']",
         "STIX pattern property ipv4-addr:resolves_to_refs[*].value"},
        {"[ipv4-addr:value = 5]", "STIX pattern non-string value"},
        {"[autonomous-system:number = '64500']", "STIX pattern non-integer AS number"},
        {"[ipv4-addr:value IN ()]", "STIX pattern without values"},
        {"[ipv4-addr:value = '1.2.3.4'] OR [mutex:name = 'm']", "STIX pattern property mutex:name"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        pattern_not(cases[i].pat, TIX_EUNSUPPORTED, cases[i].why);
}

static void test_pattern_syntax(void **state)
{
    (void)state;
    static const struct { const char *pat, *why; } cases[] = {
        {"", "STIX pattern: expected '[' at offset 0"},
        {"ipv4-addr:value = '1.2.3.4'", "STIX pattern: expected '[' at offset 0"},
        {"[ipv4-addr:value = '1.2.3.4'", "STIX pattern: expected ']' at offset 28"},
        {"[ipv4-addr:value = '1.2.3.4]", "STIX pattern: unterminated string at offset 19"},
        {"[ipv4-addr:value = 'a\\x']", "STIX pattern: bad escape in string at offset 21"},
        {"[ipv4-addr:value = 'a'] OR", "STIX pattern: expected '[' at offset 26"},
        {"[ipv4-addr:value = 'a' or ipv4-addr:value = 'b']",
         "STIX pattern: expected ']' at offset 23"},
        {"[ipv4-addr:value 'a']", "STIX pattern: expected an operator at offset 17"},
        {"[ipv4-addr = 'a']", "STIX pattern: expected ':' at offset 11"},
        {"[ipv4-addr:value = ]", "STIX pattern: expected a literal at offset 19"},
        {"[a:b = 'x'] junk", "STIX pattern: unexpected text at offset 12"},
        {"[a:b = 'x'] /* open", "STIX pattern: unterminated comment at offset 12"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        pattern_not(cases[i].pat, TIX_EPARSE, cases[i].why);
    /* hostile nesting is refused, not recursed into */
    char deep[400];
    memset(deep, '(', 200);
    strcpy(deep + 200, "[a:b = 'x']");
    pattern_not(deep, TIX_EPARSE, "STIX pattern: nested too deeply at offset 64");
}

/* ---- STIX bundles ------------------------------------------------------ */

#define CERT "identity--2e6baecf-c6f9-4a34-aa40-67a9f8218061"
#define S_IPV4 "ipv4-addr--36fff0d5-b511-4dff-8ddd-6f2cf1363ad7"
#define S_DOMAIN "domain-name--6a510443-d253-4e33-ad4d-4fe6440fabf2"
#define S_URL "url--14d57228-3456-4527-ad9f-c33997078ffd"
#define S_FILE "file--139dff84-f859-4dac-8130-1e20d1646316"
#define S_ASN "autonomous-system--56866f05-7896-4559-a1aa-6fbb4cd06ea8"
#define S_EMAIL "email-addr--3ceb622a-74ec-451d-a326-dfec5b0fc9de"
#define S_MUTEX "mutex--e374daa5-348f-482b-a3dc-af66db38757e"
#define S_IPV6 "ipv6-addr--59837246-9efe-45ef-bc28-7a03a7e56fe4"
#define OD "observed-data--fcf5f692-8c8e-4cf0-9446-4e7ef40ea41d"
#define V_CVE "vulnerability--4931a85c-c292-4ceb-90be-c5563abb7935"
#define V_OTHER "vulnerability--f131eb2f-0f8b-406d-8283-4bb9fb64296c"
#define I_IPV4 "indicator--70165b35-f962-4235-9052-4a43e04fe423"
#define I_DOMAINS "indicator--3206cb5c-bab3-494d-8ce9-b4082072a71a"
#define I_URL_EMAIL "indicator--d60372f9-9b96-486f-b1d0-7ae3463f0a59"
#define I_HASHES "indicator--39b1f905-ee8b-4c9d-bcfe-1058dbd156f5"
#define I_ASN "indicator--8167339c-317a-4068-9849-e07e87d2a88b"
#define I_IPV6 "indicator--8f08c737-f471-4934-8ab0-673555e68960"
#define I_AND "indicator--0b6e32aa-1182-4f90-a29c-c80581f83e0e"
#define M_EMOTET "malware--fe5d67f0-10d7-4613-a048-5935c003975c"
#define INFRA "infrastructure--c004f1b7-9bf6-4f19-b2ec-4548a0cc290e"
#define TA "threat-actor--9e7953ed-0e30-4342-8831-7cbf25ef6163"
#define ISET "intrusion-set--73895eb7-2063-4a11-b44d-250e667d29a4"
#define REPORT "report--71bebe10-00ed-4522-ba74-bb8187ef8bf7"
#define SG_IND "sighting--568d7347-347c-4099-b3fe-3be86e83c2af"
#define SG_SCO "sighting--d7151932-6aac-4fab-9969-1e59588f1628"
#define EXT_AP "attack-pattern--a62a8db3-f23a-4d8f-afd6-9dbc77e7813b"

#define PAYLOAD_SHA256 "57312732d5af9cb3785067f8032a41a0c3d023b8ebe0a6a8cde1c1dff99714ff"
#define PAYLOAD_MD5 "de6e054c353621f674be9a676a73480e"
#define INVOICE_SHA256 "091b572abf984382a95b9455e407f284e24bfb616890abc3fcdb2be68813f39d"
#define INVOICE_MD5 "84526b14f61640f5ad42037e6819180a"

static int setup_bundle(void **state)
{
    rec *r = calloc(1, sizeof *r);
    tix_feed_stats *st = calloc(1, sizeof *st);
    assert_non_null(r);
    assert_non_null(st);
    tix_diag d = TIX_DIAG_INIT;
    tix_err e = run_file(TIX_FEED_STIX, "stix/bundle.json", false, r, st, &d);
    if (e)
        fail_msg("%s", d.msg);
    void **both = calloc(2, sizeof *both);
    assert_non_null(both);
    both[0] = r;
    both[1] = st;
    *state = both;
    return 0;
}

static int teardown_bundle(void **state)
{
    void **both = *state;
    rec_free(both[0]);
    free(both[0]);
    free(both[1]);
    free(both);
    return 0;
}

static void test_stix_counts(void **state)
{
    const tix_feed_stats *st = ((void **)*state)[1];
    assert_int_equal(st->records, 57);
    assert_int_equal(st->observations, 20);
    assert_int_equal(st->objects, 18);
    assert_int_equal(st->relationships, 18);
    assert_int_equal(st->skipped, 0);
    assert_int_equal(st->unmapped, 18);
    static const struct { const char *why; uint64_t n; } want[] = {
        {"STIX marking-definition statement", 1},
        {"STIX type mutex", 1},
        {"STIX file without MD5/SHA-1/SHA-256/SHA-512", 1},
        {"STIX pattern with AND", 1},
        {"STIX pattern operator MATCHES", 1},
        {"STIX pattern with FOLLOWEDBY", 1},
        {"STIX pattern qualifier REPEATS", 1},
        {"STIX pattern operator !=", 1},
        {"STIX pattern property file:name", 1},
        {"STIX pattern type sigma", 1},
        {"STIX pattern operator LIKE", 1},
        {"STIX revoked object", 1},
        {"STIX relationship with an unmapped end", 2},
        {"STIX sighting of malware", 1},
        {"STIX sighting of an unmapped object", 1},
        {"STIX type language-content", 1},
        {"STIX type x-acme-ticket", 1},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++)
        if (reason(st, want[i].why) != want[i].n)
            fail_msg("reason '%s': %llu, want %llu", want[i].why,
                     (unsigned long long)reason(st, want[i].why),
                     (unsigned long long)want[i].n);
    assert_int_equal(st->nreasons, sizeof want / sizeof want[0]);
}

static void test_stix_scos(void **state)
{
    const rec *r = ((void **)*state)[0];
    /* observed-data gives times and source; the stricter TLP of the SCO's
     * own (green) and its observed-data's (red, defined after its use) */
    const r_obs *o = obs(r, TIX_OBS_IPV4, "198.51.100.23", S_IPV4);
    assert_int_equal(o->tlp, TIX_TLP_RED);
    assert_int_equal(o->first, T("2024-03-01T10:00:00Z"));
    assert_int_equal(o->last, T("2024-03-02T11:00:00Z"));
    str_eq(o->source, "CERT-Example");
    assert_int_equal(o->confidence, -1);
    o = obs(r, TIX_OBS_DOMAIN, "cdn-update.badhost.top", S_DOMAIN);
    assert_int_equal(o->tlp, TIX_TLP_RED);
    str_eq(o->source, "CERT-Example");
    o = obs(r, TIX_OBS_URL, "http://cdn-update.badhost.top/dl/payload.bin", S_URL);
    assert_int_equal(o->tlp, TIX_TLP_UNSET);
    str_eq(o->source, NULL);
    assert_int_equal(o->first, 0);
    obs(r, TIX_OBS_SHA256, PAYLOAD_SHA256, S_FILE);
    obs(r, TIX_OBS_MD5, PAYLOAD_MD5, S_FILE);
    obs(r, TIX_OBS_ASN, "AS64500", S_ASN);
    obs(r, TIX_OBS_EMAIL, "ops@badhost.top", S_EMAIL);
    obs(r, TIX_OBS_IPV6, "2001:db8::5", S_IPV6);
    o = obs(r, TIX_OBS_CVE, "CVE-2021-44228", V_CVE);
    str_eq(o->source, "CERT-Example");
    assert_int_equal(o->first, T("2024-03-01T09:00:00Z"));
    /* a vulnerability without a CVE is kept as an object */
    str_eq(object(r, V_OTHER)->type, "vulnerability");
}

static void test_stix_indicators(void **state)
{
    const rec *r = ((void **)*state)[0];
    const r_obs *o = obs(r, TIX_OBS_IPV4, "203.0.113.45", I_IPV4);
    assert_int_equal(o->tlp, TIX_TLP_AMBER_STRICT);
    assert_int_equal(o->confidence, 85);
    str_eq(o->family, "Emotet"); /* from "indicates" */
    str_eq(o->tags, "c2,malicious-activity");
    str_eq(o->source, "CERT-Example");
    assert_int_equal(o->first, T("2024-03-01T00:00:00Z"));
    assert_int_equal(o->last, T("2024-06-01T00:00:00Z"));
    assert_false(o->context_only);

    /* no valid_until: modified */
    o = obs(r, TIX_OBS_DOMAIN, "login-paypa1.example.com", I_DOMAINS);
    assert_int_equal(o->last, T("2024-03-05T12:00:00Z"));
    assert_int_equal(o->tlp, TIX_TLP_CLEAR);
    assert_int_equal(o->confidence, -1);
    str_eq(o->family, NULL);
    str_eq(o->tags, "phishing");
    obs(r, TIX_OBS_DOMAIN, "secure-paypa1.example.com", I_DOMAINS);
    obs(r, TIX_OBS_URL, "http://badhost.top/o'brien/x\\y", I_URL_EMAIL);
    obs(r, TIX_OBS_EMAIL, "ops@badhost.top", I_URL_EMAIL);
    assert_int_equal(obs(r, TIX_OBS_SHA256, INVOICE_SHA256, I_HASHES)->confidence, 60);
    obs(r, TIX_OBS_MD5, INVOICE_MD5, I_HASHES);
    obs(r, TIX_OBS_ASN, "AS64501", I_ASN);
    obs(r, TIX_OBS_IPV6, "2001:db8::bad:1", I_IPV6);

    /* the indicator itself, and what it is based on */
    const r_obj *ind = object(r, I_IPV4);
    str_eq(ind->type, "indicator");
    str_eq(ind->name, "Emotet C2 203.0.113.45");
    assert_int_equal(ind->tlp, TIX_TLP_AMBER_STRICT);
    str_eq(ind->source, "CERT-Example");
    char id[TIX_STIX_ID_MAX];
    idof(TIX_OBS_IPV4, "203.0.113.45", id);
    const r_rel *x = rel(r, I_IPV4, "based-on", id);
    assert_int_equal(x->tlp, TIX_TLP_AMBER_STRICT);
    idof(TIX_OBS_SHA256, INVOICE_SHA256, id);
    rel(r, I_HASHES, "based-on", id);
    idof(TIX_OBS_MD5, INVOICE_MD5, id);
    rel(r, I_HASHES, "based-on", id);

    /* nothing of the unmapped ones */
    assert_int_equal(count_obs(r, TIX_OBS_IPV4, "203.0.113.9"), 0);
    assert_int_equal(count_obs(r, TIX_OBS_IPV4, "203.0.113.99"), 0);
    for (size_t i = 0; i < r->nobj; i++)
        assert_string_not_equal(r->obj[i].id, I_AND);
}

static void test_stix_objects(void **state)
{
    const rec *r = ((void **)*state)[0];
    const r_obj *m = object(r, M_EMOTET);
    str_eq(m->type, "malware");
    str_eq(m->name, "Emotet");
    str_eq(m->source, "CERT-Example");
    assert_int_equal(m->created, T("2024-03-01T09:00:00Z"));
    assert_int_equal(m->tlp, TIX_TLP_UNSET);
    assert_non_null(strstr(m->json, "\"is_family\":true"));
    assert_null(strstr(m->json, "\n"));
    str_eq(object(r, INFRA)->name, "Emotet C2 tier 1");
    str_eq(object(r, CERT)->name, "CERT-Example");
    str_eq(object(r, TA)->type, "threat-actor");
    assert_int_equal(object(r, OD)->tlp, TIX_TLP_RED);
    /* a statement marking is no TLP */
    assert_int_equal(object(r, REPORT)->tlp, TIX_TLP_UNSET);
}

static void test_stix_relationships(void **state)
{
    const rec *r = ((void **)*state)[0];
    char ip[TIX_STIX_ID_MAX], dom[TIX_STIX_ID_MAX], sha[TIX_STIX_ID_MAX],
        md5[TIX_STIX_ID_MAX], cve[TIX_STIX_ID_MAX];
    idof(TIX_OBS_IPV4, "198.51.100.23", ip);
    idof(TIX_OBS_DOMAIN, "cdn-update.badhost.top", dom);
    idof(TIX_OBS_SHA256, PAYLOAD_SHA256, sha);
    idof(TIX_OBS_MD5, PAYLOAD_MD5, md5);
    idof(TIX_OBS_CVE, "CVE-2021-44228", cve);

    /* SCO ends rewritten to deterministic ids, whatever the bundle order */
    const r_rel *x = rel(r, INFRA, "consists-of", ip);
    assert_int_equal(x->tlp, TIX_TLP_RED);
    str_eq(x->source, "CERT-Example");
    rel(r, dom, "resolves-to", ip);
    rel(r, INFRA, "consists-of", sha);
    rel(r, INFRA, "consists-of", md5);
    rel(r, M_EMOTET, "exploits", cve);
    /* SDO ends as they are, in the bundle or not */
    rel(r, I_IPV4, "indicates", M_EMOTET);
    rel(r, ISET, "attributed-to", TA);
    rel(r, ISET, "uses", EXT_AP);
    x = rel(r, M_EMOTET, "beacons-to", INFRA);
    assert_int_equal(x->first, T("2024-03-01T00:00:00Z"));
    assert_int_equal(x->last, T("2024-03-31T00:00:00Z"));
    str_eq(x->source, NULL);

    /* no random SCO id leaks out */
    static const char *const scos[] = {S_IPV4, S_DOMAIN, S_URL, S_FILE, S_ASN,
                                       S_EMAIL, S_MUTEX, S_IPV6, V_CVE};
    for (size_t i = 0; i < r->nrel; i++)
        for (size_t k = 0; k < sizeof scos / sizeof scos[0]; k++) {
            assert_string_not_equal(r->rel[i].src, scos[k]);
            assert_string_not_equal(r->rel[i].dst, scos[k]);
        }
}

static void test_stix_sightings(void **state)
{
    const rec *r = ((void **)*state)[0];
    const r_obs *o = obs(r, TIX_OBS_IPV4, "203.0.113.45", SG_IND);
    str_eq(o->tags, "sighting,count:3");
    assert_int_equal(o->first, T("2024-03-10T08:00:00Z"));
    assert_int_equal(o->last, T("2024-03-12T18:30:00Z"));
    assert_int_equal(o->tlp, TIX_TLP_GREEN);
    str_eq(o->source, "Acme SOC");
    str_eq(o->family, "Emotet");
    o = obs(r, TIX_OBS_DOMAIN, "cdn-update.badhost.top", SG_SCO);
    str_eq(o->tags, "sighting,count:1");
    assert_int_equal(o->first, T("2024-03-11T00:00:00Z"));
    assert_int_equal(o->last, 0);
    assert_int_equal(o->tlp, TIX_TLP_UNSET);
    str_eq(o->source, "Acme SOC");
    assert_int_equal(count_obs(r, TIX_OBS_IPV4, "203.0.113.45"), 2);
}

static void stix_fails(const char *json, const char *msg)
{
    rec r = {0};
    tix_feed_stats st;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(run_str(TIX_FEED_STIX, json, false, &r, &st, &d), TIX_EPARSE);
    assert_string_equal(d.msg, msg);
    rec_free(&r);
}

#define BUNDLE(objs) "{\"type\": \"bundle\", \"id\": \"bundle--0b2c3d4e-5f60-4a1b-8c2d-3e4f5a6b7c8d\"," \
                     " \"objects\": [" objs "]}"
#define IND(id, pattern, from) \
    "{\"type\": \"indicator\", \"spec_version\": \"2.1\", \"id\": \"" id "\"," \
    " \"created\": \"2024-01-01T00:00:00Z\", \"modified\": \"2024-01-01T00:00:00Z\"," \
    " \"pattern\": \"" pattern "\", \"pattern_type\": \"stix\", \"valid_from\": \"" from "\"}"
#define BAD_IP "{\"type\": \"ipv4-addr\", \"id\": \"ipv4-addr--aaaaaaaa-1111-4222-8333-444444444444\"," \
               " \"value\": \"999.1.2.3\"}"
#define REL_TO_BAD_IP "{\"type\": \"relationship\", \"id\": \"relationship--bbbbbbbb-1111-4222-8333-444444444444\"," \
                      " \"relationship_type\": \"related-to\"," \
                      " \"source_ref\": \"ipv4-addr--aaaaaaaa-1111-4222-8333-444444444444\"," \
                      " \"target_ref\": \"malware--cccccccc-1111-4222-8333-444444444444\"}"
#define REL_NO_SRC "{\"type\": \"relationship\", \"id\": \"relationship--dddddddd-1111-4222-8333-444444444444\"," \
                   " \"relationship_type\": \"uses\", \"target_ref\": \"malware--cccccccc-1111-4222-8333-444444444444\"}"

static void test_stix_errors(void **state)
{
    (void)state;
    stix_fails("{\"type\": \"bundle\",\n \"objects\": [}", "x.json:2: unexpected token near '}'");
    stix_fails("{\"type\": \"report\", \"objects\": []}", "x.json: not a STIX bundle (type is 'report')");
    stix_fails("[1, 2]", "x.json: not a STIX bundle (type is missing)");
    stix_fails("{\"type\": \"bundle\", \"id\": \"bundle--0b2c3d4e-5f60-4a1b-8c2d-3e4f5a6b7c8d\"}",
               "x.json: STIX bundle without \"objects\"");
    stix_fails(BUNDLE("{\"type\": \"malware\", \"name\": \"x\"}"),
               "x.json: objects[0]: object without id");
    stix_fails(BUNDLE("[]"), "x.json: objects[0]: not a JSON object");
    stix_fails(BUNDLE(BAD_IP), "x.json: ipv4-addr--aaaaaaaa-1111-4222-8333-444444444444: "
                               "'999.1.2.3' is not a valid ipv4");
    stix_fails(BUNDLE(REL_NO_SRC), "x.json: relationship--dddddddd-1111-4222-8333-444444444444: "
                                   "relationship without source_ref");
    stix_fails(BUNDLE(IND("indicator--eeeeeeee-1111-4222-8333-444444444444",
                          "[ipv4-addr:value = '1.2.3.4'", "2024-01-01T00:00:00Z")),
               "x.json: indicator--eeeeeeee-1111-4222-8333-444444444444: "
               "STIX pattern: expected ']' at offset 28");
    stix_fails(BUNDLE(IND("indicator--eeeeeeee-1111-4222-8333-444444444444",
                          "[ipv4-addr:value = '1.2.3.4']", "yesterday")),
               "x.json: indicator--eeeeeeee-1111-4222-8333-444444444444: "
               "valid_from: not a timestamp: 'yesterday'");
}

#define SIGHT_IND "{\"type\": \"sighting\", \"id\": \"sighting--ffffffff-1111-4222-8333-444444444444\"," \
                  " \"sighting_of_ref\": \"indicator--eeeeeeee-1111-4222-8333-444444444444\"}"

static void test_stix_skip_bad(void **state)
{
    (void)state;
    rec r = {0};
    tix_feed_stats st;
    tix_diag d = TIX_DIAG_INIT;
    tix_err e = run_str(TIX_FEED_STIX,
                        BUNDLE(REL_TO_BAD_IP "," BAD_IP "," REL_NO_SRC ","
                               IND("indicator--eeeeeeee-1111-4222-8333-444444444444",
                                   "[ipv4-addr:value = '1.2.3.4' OR ipv4-addr:value = '1.2.3.400']",
                                   "2024-01-01T00:00:00Z") "," SIGHT_IND),
                        true, &r, &st, &d);
    if (e)
        fail_msg("%s", d.msg);
    assert_int_equal(st.records, 5);
    assert_int_equal(st.skipped, 3); /* the sighting does not offer 1.2.3.400 again */
    assert_int_equal(r.nskipped, 3);
    assert_string_equal(r.skipped[0], "x.json: ipv4-addr--aaaaaaaa-1111-4222-8333-444444444444: "
                                      "'999.1.2.3' is not a valid ipv4");
    assert_string_equal(r.skipped[1], "x.json: indicator--eeeeeeee-1111-4222-8333-444444444444: "
                                      "'1.2.3.400' is not a valid ipv4");
    assert_string_equal(r.skipped[2], "x.json: relationship--dddddddd-1111-4222-8333-444444444444: "
                                      "relationship without source_ref");
    /* the indicator keeps its good value; the relationship to the skipped
     * SCO has nothing to point at */
    assert_int_equal(r.nobs, 2);
    str_eq(r.obs[1].value, "1.2.3.4");
    str_eq(r.obs[1].tags, "sighting");
    assert_int_equal(r.nobj, 1);
    assert_int_equal(r.nrel, 1);
    str_eq(r.rel[0].type, "based-on");
    assert_int_equal(reason(&st, "STIX relationship with an unmapped end"), 1);
    rec_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_misp_event_counts),
        cmocka_unit_test(test_misp_event_object),
        cmocka_unit_test(test_misp_attributes),
        cmocka_unit_test(test_misp_objects),
        cmocka_unit_test(test_misp_response_strict),
        cmocka_unit_test(test_misp_response_skip_bad),
        cmocka_unit_test(test_misp_shapes),
        cmocka_unit_test(test_misp_errors),
        cmocka_unit_test(test_misp_family),
        cmocka_unit_test(test_misp_half_bad_pair),
        cmocka_unit_test(test_pattern_mapped),
        cmocka_unit_test(test_pattern_unmapped),
        cmocka_unit_test(test_pattern_syntax),
        cmocka_unit_test_setup_teardown(test_stix_counts, setup_bundle, teardown_bundle),
        cmocka_unit_test_setup_teardown(test_stix_scos, setup_bundle, teardown_bundle),
        cmocka_unit_test_setup_teardown(test_stix_indicators, setup_bundle, teardown_bundle),
        cmocka_unit_test_setup_teardown(test_stix_objects, setup_bundle, teardown_bundle),
        cmocka_unit_test_setup_teardown(test_stix_relationships, setup_bundle, teardown_bundle),
        cmocka_unit_test_setup_teardown(test_stix_sightings, setup_bundle, teardown_bundle),
        cmocka_unit_test(test_stix_errors),
        cmocka_unit_test(test_stix_skip_bad),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
