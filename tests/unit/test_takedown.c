/* test_takedown.c - a family's takedown list built from a real store: the
 * entries and what they carry, grouping per agency and per country, the
 * blocked ones and their reasons, --since, the family in any case, the
 * refusal of unvetted observables, TLP, and the four writers. */
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
#include "tix/takedown.h"
#include "report/json.h"

/* ---- fixture: a store with one family's C&C servers ------------------------ */

typedef struct {
    char dir[256];
    char db[300];
    tix_store *s;
    int64_t src_feodo, src_vendor, src_local;
    int64_t s1, s2;          /* samples */
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

static int64_t source(fx *f, const char *name, tix_source_kind k)
{
    tix_source src;
    tix_diag d = TIX_DIAG_INIT;
    ok(tix_store_source_put(f->s, name, k, -1, &src, &d), name, &d);
    return src.id;
}

static int64_t sample(fx *f, uint8_t seed, const char *name)
{
    tix_sample sm = {.size = 1000, .name = name, .file_type = "data",
                     .mime = "application/octet-stream", .first_seen = ts("2024-02-01"),
                     .source_id = f->src_local};
    memset(sm.sha256, seed, sizeof sm.sha256);
    memset(sm.sha1, seed, sizeof sm.sha1);
    memset(sm.md5, seed, sizeof sm.md5);
    bool created;
    tix_diag d = TIX_DIAG_INIT;
    ok(tix_store_sample_put(f->s, &sm, &created, &d), "sample_put", &d);
    return sm.id;
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
    int64_t src, sample;
    const char *family;
    int port;
    const char *first, *last;
    tix_tlp tlp;
    const char *extractor;
} ev_spec;

static void ev(fx *f, int64_t o, ev_spec e)
{
    tix_evidence x = {.observable_id = o, .source_id = e.src, .sample_id = e.sample,
                      .offset = e.sample ? 0x120 : -1, .count = 1,
                      .first_seen = ts(e.first), .last_seen = ts(e.last ? e.last : e.first),
                      .confidence = 80, .tlp = e.tlp, .port = e.port, .family = e.family,
                      .extractor = e.extractor, .ingested = ts("2024-03-20")};
    tix_diag d = TIX_DIAG_INIT;
    ok(tix_store_evidence_add(f->s, &x, &d), "evidence_add", &d);
}

static void place(fx *f, int64_t o, const char *cc, uint32_t asn, const char *as_name,
                  const char *agency, const char *email, const char *kind)
{
    tix_enrichment en = {.observable_id = o, .asn = asn, .as_name = as_name,
                         .constituency = agency, .const_email = email, .const_kind = kind,
                         .const_country = agency ? cc : NULL,
                         .const_match = agency ? "rule" : NULL};
    snprintf(en.country, sizeof en.country, "%s", cc ? cc : "");
    tix_diag d = TIX_DIAG_INIT;
    ok(tix_store_enrichment_put(f->s, &en, &d), "enrichment_put", &d);
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

static void vet(fx *f)
{
    tix_vet_opts o = {.all = true, .now = ts("2024-03-20")};
    tix_diag d = TIX_DIAG_INIT;
    ok(tix_vet_store(f->s, &o, NULL, &d), "vet", &d);
}

/*  value                                 what                         group
 *  45.153.241.18        feed + sample config, ports 8443 and 443      CERT-Demoland
 *  91.215.85.10         feed, shared hosting (warns)                  Orchard Hosting
 *  203.0.113.41         documentation address: blocked                -
 *  185.174.101.7        "PLUMLOADER" from a vendor, sinkholed         -
 *  plumsync-update.top  sample config (domain)                        unassigned
 *  http://plumsync-update.top/gate.php   sample config (URL)          unassigned
 *  2a0d:5600:24::a1     vendor, placed in NL, no agency               unassigned (NL)
 *  77.83.247.81         feed, last seen 2023                          unassigned
 *  5.45.66.77           another family                                -            */
static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(f->dir, sizeof f->dir, "%s/tix_takedown.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->db, sizeof f->db, "%s/store.db", f->dir);
    *state = f;
    tix_diag d = TIX_DIAG_INIT;
    ok(tix_store_open(&f->s, f->db, TIX_STORE_CREATE, &d), "open", &d);

    begin(f);
    f->src_feodo = source(f, "feodo", TIX_SOURCE_FEED);
    f->src_vendor = source(f, "vendor-x", TIX_SOURCE_VENDOR);
    f->src_local = source(f, "local", TIX_SOURCE_VENDOR);
    f->s1 = sample(f, 0x11, "plum1.exe");
    f->s2 = sample(f, 0x22, "plum2.exe");
    int64_t a = obs(f, TIX_OBS_IPV4, "45.153.241.18");
    ev(f, a, (ev_spec){f->src_feodo, 0, "PlumLoader", 8443, "2024-02-02 07:14:09",
                       "2024-03-15", TIX_TLP_CLEAR, NULL});
    ev(f, a, (ev_spec){f->src_local, f->s1, "plumloader", 443, "2024-02-10", NULL,
                       TIX_TLP_AMBER, "plumloader-rc4 1.2"});
    int64_t b = obs(f, TIX_OBS_IPV4, "91.215.85.10");
    ev(f, b, (ev_spec){f->src_feodo, 0, "PlumLoader", 443, "2024-03-01", "2024-03-14",
                       TIX_TLP_CLEAR, NULL});
    int64_t c = obs(f, TIX_OBS_IPV4, "203.0.113.41");
    ev(f, c, (ev_spec){f->src_feodo, 0, "PlumLoader", 443, "2024-03-04", "2024-03-14",
                       TIX_TLP_CLEAR, NULL});
    int64_t dd = obs(f, TIX_OBS_IPV4, "185.174.101.7");
    ev(f, dd, (ev_spec){f->src_vendor, 0, "PLUMLOADER", 8080, "2024-02-20", "2024-03-12",
                        TIX_TLP_AMBER, NULL});
    int64_t e = obs(f, TIX_OBS_DOMAIN, "plumsync-update.top");
    ev(f, e, (ev_spec){f->src_local, f->s2, "PlumLoader", 0, "2024-03-05", NULL,
                       TIX_TLP_AMBER, "plumloader-rc4 1.2"});
    int64_t u = obs(f, TIX_OBS_URL, "http://plumsync-update.top/gate.php");
    ev(f, u, (ev_spec){f->src_local, f->s2, "PlumLoader", 0, "2024-03-05", NULL,
                       TIX_TLP_AMBER, "plumloader-rc4 1.2"});
    int64_t g = obs(f, TIX_OBS_IPV6, "2a0d:5600:24::a1");
    ev(f, g, (ev_spec){f->src_vendor, 0, "PlumLoader", 443, "2024-03-10", NULL,
                       TIX_TLP_AMBER, NULL});
    int64_t h = obs(f, TIX_OBS_IPV4, "77.83.247.81");
    ev(f, h, (ev_spec){f->src_feodo, 0, "PlumLoader", 447, "2023-05-01", "2023-06-01",
                       TIX_TLP_CLEAR, NULL});
    int64_t i = obs(f, TIX_OBS_IPV4, "5.45.66.77");
    ev(f, i, (ev_spec){f->src_feodo, 0, "DamsonRAT", 2222, "2024-03-01", NULL,
                       TIX_TLP_CLEAR, NULL});
    ok(tix_lists_store_builtins(f->s, &d), "builtins", &d);
    ok(tix_store_list_entry_add(f->s, "sinkhole", "185.174.101.7",
                                "taken over by CERT-Demoland", NULL, &d),
       "sinkhole", &d);
    commit(f);
    vet(f);

    begin(f);
    place(f, a, "DE", 64500, "Demo Hosting", "CERT-Demoland",
          "incident@cert-demoland.example", "cert");
    place(f, b, "DE", 64501, NULL, "Orchard Hosting abuse desk",
          "abuse@orchard-hosting.example", "hoster");
    place(f, dd, "DE", 0, NULL, "Demoland Police Cybercrime Unit",
          "cyber@police-demoland.example", "police");
    place(f, g, "NL", 64502, "Lowland Net", NULL, NULL, NULL);
    ok(tix_store_flag_set(f->s, b, "shared-hosting",
                          "do not seize: 25 unrelated domains resolved here", &d),
       "flag", &d);
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

static tix_takedown *build(fx *f, const char *family, int64_t since, tix_takedown_by by)
{
    tix_takedown_opts o = {.family = family, .since = since, .by = by,
                           .now = ts("2024-03-21T12:00:00Z")};
    tix_takedown *t = NULL;
    tix_diag d = TIX_DIAG_INIT;
    ok(tix_takedown_build(f->s, &o, &t, &d), "build", &d);
    assert_non_null(t);
    return t;
}

static const tix_takedown_entry *find(const tix_takedown_entry *v, size_t n,
                                      const char *value)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i].value, value) == 0)
            return &v[i];
    return NULL;
}

/* "value@group value@group ..." of the active entries in order */
static char *order(const tix_takedown *t)
{
    tix_buf b = TIX_BUF_INIT(1 << 20);
    for (size_t i = 0; i < t->n_entries; i++)
        tix_buf_addf(&b, "%s%s@%s", i ? " " : "", t->entries[i].value, t->entries[i].group);
    return tix_buf_detach(&b, NULL);
}

static char *stix_id(tix_obs_type type, const char *v)
{
    static char id[TIX_STIX_ID_MAX];
    tix_diag d = TIX_DIAG_INIT;
    ok(tix_obs_stix_id(type, v, strlen(v), id, &d), "stix id", &d);
    return id;
}

static int confidence(fx *f, tix_obs_type type, const char *v)
{
    tix_obs_rec r;
    tix_diag d = TIX_DIAG_INIT;
    ok(tix_store_observable_get(f->s, type, v, strlen(v), &r, &d), "observable_get", &d);
    return r.confidence;
}

/* Line i (from 0) of s, in a static buffer. */
static const char *line(const char *s, int i)
{
    static char buf[4096];
    for (; i > 0 && s; i--)
        if ((s = strchr(s, '\n')))
            s++;
    if (!s)
        return "";
    size_t n = strcspn(s, "\n");
    snprintf(buf, sizeof buf, "%.*s", (int)n, s);
    return buf;
}

/* ---- building ------------------------------------------------------------- */

static void test_entries(void **state)
{
    fx *f = *state;
    tix_takedown *t = build(f, "PlumLoader", 0, TIX_TAKEDOWN_BY_AGENCY);
    assert_string_equal(t->family, "PlumLoader");
    assert_int_equal(t->made, ts("2024-03-21T12:00:00Z"));
    assert_int_equal(t->since, 0);
    assert_int_equal(t->n_entries, 6);
    assert_int_equal(t->n_blocked, 2);
    assert_int_equal(t->tlp, TIX_TLP_AMBER);

    const tix_takedown_entry *a = find(t->entries, t->n_entries, "45.153.241.18");
    assert_non_null(a);
    assert_int_equal(a->type, TIX_OBS_IPV4);
    assert_string_equal(a->stix_id, stix_id(TIX_OBS_IPV4, "45.153.241.18"));
    assert_string_equal(a->ports, "443,8443");
    assert_int_equal(a->first_seen, ts("2024-02-02T07:14:09Z"));
    assert_int_equal(a->last_seen, ts("2024-03-15"));
    assert_int_equal(a->n_samples, 1);
    assert_int_equal(a->n_sources, 2);
    assert_string_equal(a->sources, "feodo,local");
    assert_string_equal(a->extractors, "plumloader-rc4 1.2");
    assert_int_equal(a->tlp, TIX_TLP_AMBER); /* the sample's, stricter than the feed's */
    assert_int_equal(a->status, TIX_VET_CLEAR);
    assert_string_equal(a->country, "DE");
    assert_int_equal(a->asn, 64500);
    assert_string_equal(a->as_name, "Demo Hosting");
    assert_string_equal(a->constituency, "CERT-Demoland");
    assert_string_equal(a->const_email, "incident@cert-demoland.example");
    assert_string_equal(a->const_kind, "cert");
    assert_string_equal(a->group, "CERT-Demoland");
    assert_int_equal(a->n_verdicts, 0);
    assert_int_equal(a->n_flags, 0);

    /* a flag warns and stays in the list, with its evidence */
    const tix_takedown_entry *b = find(t->entries, t->n_entries, "91.215.85.10");
    assert_non_null(b);
    assert_int_equal(b->status, TIX_VET_WARN);
    assert_int_equal(b->n_flags, 1);
    assert_string_equal(b->flags[0].flag, "shared-hosting");
    assert_int_equal(b->tlp, TIX_TLP_CLEAR);
    assert_null(b->as_name);
    tix_buf w = TIX_BUF_INIT(1 << 16);
    tix_takedown_warnings(b, &w);
    assert_string_equal(w.p, "shared-hosting: do not seize: 25 unrelated domains resolved "
                             "here");
    tix_buf_free(&w);

    /* a domain and the URL on it are two entries; no port is "" */
    const tix_takedown_entry *dom = find(t->entries, t->n_entries, "plumsync-update.top");
    const tix_takedown_entry *url =
        find(t->entries, t->n_entries, "http://plumsync-update.top/gate.php");
    assert_non_null(dom);
    assert_non_null(url);
    assert_int_equal(dom->type, TIX_OBS_DOMAIN);
    assert_int_equal(url->type, TIX_OBS_URL);
    assert_string_equal(dom->ports, "");
    assert_int_equal(dom->n_samples, 1);
    assert_string_equal(dom->group, "unassigned");
    assert_null(dom->constituency);
    assert_string_equal(dom->country, "");

    const tix_takedown_entry *g = find(t->entries, t->n_entries, "2a0d:5600:24::a1");
    assert_non_null(g);
    assert_int_equal(g->type, TIX_OBS_IPV6);
    assert_string_equal(g->group, "unassigned (NL)");

    /* the other family is nowhere */
    assert_null(find(t->entries, t->n_entries, "5.45.66.77"));
    assert_null(find(t->blocked, t->n_blocked, "5.45.66.77"));
    tix_takedown_free(t);
}

static void test_blocked(void **state)
{
    fx *f = *state;
    tix_takedown *t = build(f, "PlumLoader", 0, TIX_TAKEDOWN_BY_AGENCY);
    /* never among the entries to act on */
    assert_null(find(t->entries, t->n_entries, "185.174.101.7"));
    assert_null(find(t->entries, t->n_entries, "203.0.113.41"));
    assert_int_equal(t->n_blocked, 2);
    /* in value order */
    assert_string_equal(t->blocked[0].value, "185.174.101.7");
    assert_string_equal(t->blocked[1].value, "203.0.113.41");

    const tix_takedown_entry *s = &t->blocked[0];
    assert_int_equal(s->status, TIX_VET_BLOCKED);
    assert_string_equal(s->group, "Demoland Police Cybercrime Unit");
    tix_buf r = TIX_BUF_INIT(1 << 16);
    tix_takedown_reasons(s, &r);
    assert_string_equal(r.p, "sinkhole: 185.174.101.7 (taken over by CERT-Demoland)");
    tix_buf_reset(&r);
    tix_takedown_reasons(&t->blocked[1], &r);
    assert_non_null(strstr(r.p, "iana-ipv4-special: 203.0.113.0/24"));
    assert_int_equal(t->blocked[1].status, TIX_VET_BLOCKED);
    tix_buf_free(&r);
    tix_takedown_free(t);
}

static void test_groups_by_agency(void **state)
{
    fx *f = *state;
    tix_takedown *t = build(f, "PlumLoader", 0, TIX_TAKEDOWN_BY_AGENCY);
    char *o = order(t);
    assert_string_equal(o, "45.153.241.18@CERT-Demoland "
                           "91.215.85.10@Orchard Hosting abuse desk "
                           "77.83.247.81@unassigned "
                           "http://plumsync-update.top/gate.php@unassigned "
                           "plumsync-update.top@unassigned "
                           "2a0d:5600:24::a1@unassigned (NL)");
    free(o);
    assert_int_equal(t->n_groups, 4);
    assert_string_equal(t->groups[0].name, "CERT-Demoland");
    assert_string_equal(t->groups[0].email, "incident@cert-demoland.example");
    assert_string_equal(t->groups[0].kind, "cert");
    assert_string_equal(t->groups[0].country, "DE");
    assert_int_equal(t->groups[0].first, 0);
    assert_int_equal(t->groups[0].n, 1);
    assert_string_equal(t->groups[2].name, "unassigned");
    assert_null(t->groups[2].email);
    assert_int_equal(t->groups[2].first, 2);
    assert_int_equal(t->groups[2].n, 3);
    assert_string_equal(t->groups[3].name, "unassigned (NL)");
    tix_takedown_free(t);
}

static void test_groups_by_country(void **state)
{
    fx *f = *state;
    tix_takedown *t = build(f, "PlumLoader", 0, TIX_TAKEDOWN_BY_COUNTRY);
    char *o = order(t);
    assert_string_equal(o, "77.83.247.81@?? "
                           "http://plumsync-update.top/gate.php@?? "
                           "plumsync-update.top@?? "
                           "45.153.241.18@DE 91.215.85.10@DE "
                           "2a0d:5600:24::a1@NL");
    free(o);
    assert_int_equal(t->n_groups, 3);
    assert_string_equal(t->groups[1].name, "DE");
    assert_int_equal(t->groups[1].n, 2);
    assert_null(t->groups[1].email); /* a country has no one contact */
    assert_string_equal(t->blocked[0].group, "DE");
    tix_takedown_free(t);
}

static void test_since_and_case(void **state)
{
    fx *f = *state;
    tix_takedown *t = build(f, "plumLOADER", ts("2024-01-01"), TIX_TAKEDOWN_BY_AGENCY);
    assert_string_equal(t->family, "PlumLoader"); /* as the evidence spells it */
    assert_int_equal(t->since, ts("2024-01-01"));
    assert_int_equal(t->n_entries, 5);
    assert_null(find(t->entries, t->n_entries, "77.83.247.81"));
    assert_int_equal(t->n_blocked, 2);
    tix_takedown_free(t);

    t = build(f, "PlumLoader", ts("2024-03-13"), TIX_TAKEDOWN_BY_AGENCY);
    char *o = order(t);
    assert_string_equal(o, "45.153.241.18@CERT-Demoland "
                           "91.215.85.10@Orchard Hosting abuse desk");
    free(o);
    assert_int_equal(t->n_blocked, 1);
    assert_string_equal(t->blocked[0].value, "203.0.113.41");
    tix_takedown_free(t);

    /* a family nobody named: no error, nothing in it */
    t = build(f, "NoSuchFamily", 0, TIX_TAKEDOWN_BY_AGENCY);
    assert_int_equal(t->n_entries, 0);
    assert_int_equal(t->n_blocked, 0);
    assert_int_equal(t->n_groups, 0);
    assert_string_equal(t->family, "NoSuchFamily");
    tix_takedown_free(t);
}

static void test_unvetted_refused(void **state)
{
    fx *f = *state;
    begin(f);
    int64_t n = obs(f, TIX_OBS_DOMAIN, "sinkhole-maybe.top");
    ev(f, n, (ev_spec){f->src_feodo, 0, "PlumLoader", 443, "2024-03-10", NULL,
                       TIX_TLP_CLEAR, NULL});
    commit(f);
    tix_takedown_opts o = {.family = "PlumLoader"};
    tix_takedown *t = (tix_takedown *)1;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_takedown_build(f->s, &o, &t, &d), TIX_EINVAL);
    assert_null(t);
    assert_non_null(strstr(d.msg, "1 of the 9 observables of PlumLoader"));
    assert_non_null(strstr(d.msg, "tix vet"));
    /* other families are not held back by it */
    t = build(f, "DamsonRAT", 0, TIX_TAKEDOWN_BY_AGENCY);
    assert_int_equal(t->n_entries, 1);
    tix_takedown_free(t);
    vet(f);
    t = build(f, "PlumLoader", 0, TIX_TAKEDOWN_BY_AGENCY);
    assert_non_null(find(t->entries, t->n_entries, "sinkhole-maybe.top"));
    tix_takedown_free(t);

    tix_takedown_opts bad = {.family = ""};
    tix_diag_clear(&d);
    assert_int_equal(tix_takedown_build(f->s, &bad, &t, &d), TIX_EINVAL);
}

static void test_tlp_follows_evidence(void **state)
{
    fx *f = *state;
    begin(f);
    int64_t n = obs(f, TIX_OBS_IPV4, "94.232.41.105");
    ev(f, n, (ev_spec){f->src_vendor, 0, "RedFam", 443, "2024-03-10", NULL, TIX_TLP_RED,
                       NULL});
    int64_t m = obs(f, TIX_OBS_IPV4, "94.232.41.106");
    ev(f, m, (ev_spec){f->src_feodo, 0, "RedFam", 443, "2024-03-10", NULL, TIX_TLP_CLEAR,
                       NULL});
    commit(f);
    vet(f);
    tix_takedown *t = build(f, "redfam", 0, TIX_TAKEDOWN_BY_AGENCY);
    assert_int_equal(t->n_entries, 2);
    assert_int_equal(t->tlp, TIX_TLP_RED);
    assert_int_equal(find(t->entries, 2, "94.232.41.106")->tlp, TIX_TLP_CLEAR);
    tix_buf b = TIX_BUF_INIT(1 << 20);
    tix_diag d = TIX_DIAG_INIT;
    ok(tix_takedown_write_stix(t, &b, &d), "stix", &d);
    assert_non_null(strstr(b.p, "\"object_marking_refs\":[\"marking-definition--"
                                "e828b379-4e03-4974-9ac4-e53a884c97c1\"]"));
    assert_null(strstr(b.p, "55d920b0"));
    tix_buf_reset(&b);
    ok(tix_takedown_write_text(t, &b, &d), "text", &d);
    assert_string_equal(line(b.p, 1), "TLP:RED (1 entry has such evidence); made "
                                      "2024-03-21T12:00:00Z; grouped by agency");
    tix_buf_free(&b);
    tix_takedown_free(t);

    /* older evidence still counts: the sources and ports shown include it */
    begin(f);
    ev(f, n, (ev_spec){f->src_feodo, 0, "RedFam", 443, "2024-03-19", NULL, TIX_TLP_CLEAR,
                       NULL});
    commit(f);
    t = build(f, "RedFam", ts("2024-03-15"), TIX_TAKEDOWN_BY_AGENCY);
    assert_int_equal(t->n_entries, 1);
    assert_string_equal(t->entries[0].value, "94.232.41.105");
    assert_string_equal(t->entries[0].sources, "feodo,vendor-x");
    assert_int_equal(t->entries[0].tlp, TIX_TLP_RED);
    assert_int_equal(t->tlp, TIX_TLP_RED);
    tix_takedown_free(t);
}

/* ---- writers ---------------------------------------------------------------- */

static char *render(const tix_takedown *t, tix_takedown_format fmt)
{
    tix_buf b = TIX_BUF_INIT(1 << 22);
    tix_diag d = TIX_DIAG_INIT;
    ok(tix_takedown_write(t, fmt, &b, &d), tix_takedown_format_name(fmt), &d);
    return tix_buf_detach(&b, NULL);
}

static void test_csv(void **state)
{
    fx *f = *state;
    tix_takedown *t = build(f, "PlumLoader", 0, TIX_TAKEDOWN_BY_AGENCY);
    char *csv = render(t, TIX_TAKEDOWN_CSV);
    assert_string_equal(line(csv, 0),
                        "group,status,type,value,ports,first_seen,last_seen,samples,sources,"
                        "source_names,extractors,confidence,country,asn,as_name,"
                        "constituency,email,tlp,flags,warnings,reasons,stix_id");
    char want[2048];
    snprintf(want, sizeof want,
             "CERT-Demoland,active,ipv4,45.153.241.18,\"443,8443\",2024-02-02T07:14:09Z,"
             "2024-03-15T00:00:00Z,1,2,\"feodo,local\",plumloader-rc4 1.2,%d,DE,64500,"
             "Demo Hosting,CERT-Demoland,incident@cert-demoland.example,amber,,,,%s",
             confidence(f, TIX_OBS_IPV4, "45.153.241.18"),
             stix_id(TIX_OBS_IPV4, "45.153.241.18"));
    assert_string_equal(line(csv, 1), want);
    snprintf(want, sizeof want,
             "Orchard Hosting abuse desk,active,ipv4,91.215.85.10,443,2024-03-01T00:00:00Z,"
             "2024-03-14T00:00:00Z,0,1,feodo,,%d,DE,64501,,Orchard Hosting abuse desk,"
             "abuse@orchard-hosting.example,clear,shared-hosting,shared-hosting: do not "
             "seize: 25 unrelated domains resolved here,,%s",
             confidence(f, TIX_OBS_IPV4, "91.215.85.10"),
             stix_id(TIX_OBS_IPV4, "91.215.85.10"));
    assert_string_equal(line(csv, 2), want);
    snprintf(want, sizeof want,
             "unassigned,active,domain,plumsync-update.top,,2024-03-05T00:00:00Z,"
             "2024-03-05T00:00:00Z,1,1,local,plumloader-rc4 1.2,%d,,,,,,amber,,,,%s",
             confidence(f, TIX_OBS_DOMAIN, "plumsync-update.top"),
             stix_id(TIX_OBS_DOMAIN, "plumsync-update.top"));
    assert_string_equal(line(csv, 5), want);
    /* blocked rows last, with their reasons */
    snprintf(want, sizeof want,
             "Demoland Police Cybercrime Unit,blocked,ipv4,185.174.101.7,8080,"
             "2024-02-20T00:00:00Z,2024-03-12T00:00:00Z,0,1,vendor-x,,%d,DE,,,"
             "Demoland Police Cybercrime Unit,cyber@police-demoland.example,amber,,,"
             "sinkhole: 185.174.101.7 (taken over by CERT-Demoland),%s",
             confidence(f, TIX_OBS_IPV4, "185.174.101.7"),
             stix_id(TIX_OBS_IPV4, "185.174.101.7"));
    assert_string_equal(line(csv, 7), want);
    assert_memory_equal(line(csv, 8), "unassigned,blocked,ipv4,203.0.113.41,", 37);
    assert_string_equal(line(csv, 9), "");
    free(csv);
    tix_takedown_free(t);
}

static void test_jsonl(void **state)
{
    fx *f = *state;
    tix_takedown *t = build(f, "PlumLoader", 0, TIX_TAKEDOWN_BY_AGENCY);
    char *js = render(t, TIX_TAKEDOWN_JSONL);
    int n = 0;
    bool saw_sinkhole = false, saw_a = false;
    for (const char *p = js; *p; n++) {
        size_t len = strcspn(p, "\n");
        json_error_t err;
        json_t *o = json_loadb(p, len, 0, &err);
        if (!o)
            fail_msg("line %d: %s", n + 1, err.text);
        const char *value = json_string_value(json_object_get(o, "value"));
        assert_non_null(value);
        assert_string_equal(json_string_value(json_object_get(o, "family")), "PlumLoader");
        assert_non_null(json_string_value(json_object_get(o, "group")));
        bool blocked = json_is_true(json_object_get(o, "blocked"));
        assert_true(json_is_boolean(json_object_get(o, "blocked")));
        assert_int_equal(blocked, n >= 6); /* the active ones first */
        if (strcmp(value, "45.153.241.18") == 0) {
            saw_a = true;
            json_t *ports = json_object_get(o, "ports");
            assert_int_equal(json_array_size(ports), 2);
            assert_int_equal(json_integer_value(json_array_get(ports, 0)), 443);
            assert_int_equal(json_integer_value(json_array_get(ports, 1)), 8443);
            assert_string_equal(json_string_value(json_object_get(o, "first_seen")),
                                "2024-02-02T07:14:09Z");
            assert_int_equal(json_integer_value(json_object_get(o, "samples")), 1);
            assert_int_equal(json_integer_value(json_object_get(o, "sources")), 2);
            assert_string_equal(
                json_string_value(json_array_get(json_object_get(o, "source_names"), 1)),
                "local");
            assert_int_equal(json_integer_value(json_object_get(o, "asn")), 64500);
            json_t *c = json_object_get(o, "constituency");
            assert_string_equal(json_string_value(json_object_get(c, "email")),
                                "incident@cert-demoland.example");
            assert_string_equal(json_string_value(json_object_get(o, "id")),
                                stix_id(TIX_OBS_IPV4, "45.153.241.18"));
            assert_null(json_object_get(o, "reasons"));
        }
        if (strcmp(value, "185.174.101.7") == 0) {
            saw_sinkhole = true;
            assert_true(blocked);
            json_t *r = json_object_get(o, "reasons");
            assert_int_equal(json_array_size(r), 1);
            assert_string_equal(json_string_value(json_array_get(r, 0)),
                                "sinkhole: 185.174.101.7 (taken over by CERT-Demoland)");
            json_t *v = json_array_get(json_object_get(o, "verdicts"), 0);
            assert_string_equal(json_string_value(json_object_get(v, "list")), "sinkhole");
            assert_true(json_is_true(json_object_get(v, "blocks")));
        }
        if (strcmp(value, "plumsync-update.top") == 0) {
            assert_true(json_is_null(json_object_get(o, "country")));
            assert_true(json_is_null(json_object_get(o, "constituency")));
            assert_int_equal(json_array_size(json_object_get(o, "ports")), 0);
        }
        json_decref(o);
        p += len + (p[len] == '\n');
    }
    assert_int_equal(n, 8);
    assert_true(saw_a);
    assert_true(saw_sinkhole);
    free(js);
    tix_takedown_free(t);
}

static json_t *by_id(json_t *objects, const char *id)
{
    size_t i;
    json_t *o;
    json_array_foreach(objects, i, o)
    {
        if (strcmp(json_string_value(json_object_get(o, "id")), id) == 0)
            return o;
    }
    return NULL;
}

static void test_stix(void **state)
{
    fx *f = *state;
    tix_takedown *t = build(f, "PlumLoader", 0, TIX_TAKEDOWN_BY_AGENCY);
    char *js = render(t, TIX_TAKEDOWN_STIX);
    json_error_t err;
    json_t *bundle = json_loads(js, 0, &err);
    if (!bundle)
        fail_msg("stix: %s", err.text);
    assert_string_equal(json_string_value(json_object_get(bundle, "type")), "bundle");
    assert_memory_equal(json_string_value(json_object_get(bundle, "id")), "bundle--", 8);
    json_t *objects = json_object_get(bundle, "objects");
    const char *amber = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";
    json_t *m = by_id(objects, amber);
    assert_non_null(m);
    assert_string_equal(json_string_value(json_object_get(m, "name")), "TLP:AMBER");

    size_t i, n_malware = 0, n_infra = 0, n_sco = 0, n_consists = 0, n_controls = 0;
    const char *malware_id = NULL;
    json_t *o;
    json_array_foreach(objects, i, o)
    {
        const char *type = json_string_value(json_object_get(o, "type"));
        if (strcmp(type, "marking-definition") != 0) {
            json_t *refs = json_object_get(o, "object_marking_refs");
            assert_int_equal(json_array_size(refs), 1);
            assert_string_equal(json_string_value(json_array_get(refs, 0)), amber);
        }
        if (strcmp(type, "malware") == 0) {
            n_malware++;
            malware_id = json_string_value(json_object_get(o, "id"));
            assert_true(json_is_true(json_object_get(o, "is_family")));
            assert_string_equal(json_string_value(json_object_get(o, "name")), "PlumLoader");
        } else if (strcmp(type, "infrastructure") == 0) {
            n_infra++;
            assert_string_equal(
                json_string_value(json_array_get(json_object_get(o, "infrastructure_types"),
                                                 0)),
                "command-and-control");
        } else if (strcmp(type, "relationship") == 0) {
            const char *rt = json_string_value(json_object_get(o, "relationship_type"));
            const char *src = json_string_value(json_object_get(o, "source_ref"));
            const char *dst = json_string_value(json_object_get(o, "target_ref"));
            assert_memory_equal(src, "infrastructure--", 16);
            if (strcmp(rt, "consists-of") == 0) {
                n_consists++;
                assert_non_null(by_id(objects, dst)); /* the SCO is in the bundle */
            } else {
                assert_string_equal(rt, "controls");
                n_controls++;
            }
        } else if (strcmp(type, "ipv4-addr") == 0 || strcmp(type, "ipv6-addr") == 0 ||
                   strcmp(type, "domain-name") == 0 || strcmp(type, "url") == 0) {
            n_sco++;
        }
    }
    assert_int_equal(n_malware, 1);
    assert_int_equal(n_infra, 4);
    assert_int_equal(n_controls, 4);
    assert_int_equal(n_sco, 6);
    assert_int_equal(n_consists, 6);
    /* blocked entries are not in the bundle at all */
    assert_null(strstr(js, "185.174.101.7"));
    assert_null(strstr(js, "203.0.113.41"));
    assert_null(by_id(objects, stix_id(TIX_OBS_IPV4, "185.174.101.7")));
    json_t *sco = by_id(objects, stix_id(TIX_OBS_URL, "http://plumsync-update.top/gate.php"));
    assert_non_null(sco);
    assert_string_equal(json_string_value(json_object_get(sco, "value")),
                        "http://plumsync-update.top/gate.php");
    assert_non_null(strstr(js, "\"name\":\"PlumLoader C&C \xe2\x80\x94 CERT-Demoland\""));
    assert_non_null(strstr(js, "\"created\":\"2024-03-21T12:00:00.000Z\""));

    /* the malware id is the family's, whatever the case asked and the time */
    char *mw = strdup(malware_id);
    json_decref(bundle);
    free(js);
    tix_takedown_free(t);
    tix_takedown_opts opt = {.family = "PLUMLOADER", .now = ts("2025-01-01")};
    tix_diag d = TIX_DIAG_INIT;
    ok(tix_takedown_build(f->s, &opt, &t, &d), "build", &d);
    js = render(t, TIX_TAKEDOWN_STIX);
    assert_non_null(strstr(js, mw));
    free(mw);
    free(js);
    tix_takedown_free(t);
}

static void test_text(void **state)
{
    fx *f = *state;
    tix_takedown *t = build(f, "PlumLoader", ts("2024-01-01"), TIX_TAKEDOWN_BY_AGENCY);
    char *txt = render(t, TIX_TAKEDOWN_TEXT);
    assert_string_equal(line(txt, 0), "Takedown list of PlumLoader C&C servers: 5 to act on "
                                      "in 4 groups, 2 left out (blocked)");
    assert_string_equal(line(txt, 1), "TLP:AMBER; made 2024-03-21T12:00:00Z; evidence last "
                                      "seen since 2024-01-01T00:00:00Z; grouped by agency");
    assert_string_equal(line(txt, 3),
                        "CERT-Demoland <incident@cert-demoland.example> (cert, DE): 1 server");
    assert_non_null(strstr(txt, "\n  VALUE "));
    assert_non_null(strstr(txt, "\nunassigned: 2 servers\n"));
    assert_non_null(strstr(txt, "\nunassigned (NL): 1 server\n"));
    assert_non_null(strstr(txt, "shared-hosting: do not seize: 25 unrelated domains"));
    assert_non_null(strstr(txt, "\nLeft out (blocked): 2\n"));
    const char *left = strstr(txt, "Left out");
    assert_non_null(strstr(left, "185.174.101.7"));
    assert_non_null(strstr(left, "sinkhole: 185.174.101.7 (taken over by CERT-Demoland)"));
    /* the rows: value, type, ports, dates, samples, sources, country, ASN */
    const char *row = strstr(txt, "\n  45.153.241.18");
    assert_non_null(row);
    char r[512];
    snprintf(r, sizeof r, "%.*s", (int)strcspn(row + 1, "\n"), row + 1);
    assert_non_null(strstr(r, "ipv4"));
    assert_non_null(strstr(r, "443,8443"));
    assert_non_null(strstr(r, "2024-02-02  2024-03-15"));
    assert_non_null(strstr(r, "AS64500"));
    free(txt);
    tix_takedown_free(t);

    /* by country: the agency is a column */
    t = build(f, "PlumLoader", 0, TIX_TAKEDOWN_BY_COUNTRY);
    txt = render(t, TIX_TAKEDOWN_TEXT);
    assert_non_null(strstr(txt, "\nDE: 2 servers\n"));
    assert_non_null(strstr(txt, "AGENCY"));
    assert_non_null(strstr(txt, "Orchard Hosting abuse desk"));
    free(txt);
    tix_takedown_free(t);
}

static void test_names(void **state)
{
    (void)state;
    assert_int_equal(tix_takedown_format_from_name("stix"), TIX_TAKEDOWN_STIX);
    assert_int_equal(tix_takedown_format_from_name("xml"), -1);
    assert_string_equal(tix_takedown_format_name(TIX_TAKEDOWN_JSONL), "jsonl");
    assert_int_equal(tix_takedown_by_from_name("country"), TIX_TAKEDOWN_BY_COUNTRY);
    assert_int_equal(tix_takedown_by_from_name("Agency"), -1);
    tix_takedown_free(NULL);

    /* a note that is not UTF-8 still makes JSON: U+FFFD for the bad bytes */
    json_t *j = tix__json_str("caf\xe9 \xe2\x80\x94 ok");
    assert_non_null(j);
    assert_string_equal(json_string_value(j), "caf\xef\xbf\xbd \xe2\x80\x94 ok");
    json_decref(j);
    assert_true(json_is_null(tix__json_str(NULL)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_entries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_blocked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_groups_by_agency, setup, teardown),
        cmocka_unit_test_setup_teardown(test_groups_by_country, setup, teardown),
        cmocka_unit_test_setup_teardown(test_since_and_case, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unvetted_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tlp_follows_evidence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_csv, setup, teardown),
        cmocka_unit_test_setup_teardown(test_jsonl, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stix, setup, teardown),
        cmocka_unit_test_setup_teardown(test_text, setup, teardown),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
