/* test_pull.c - the TAXII client without a network (src/pull/taxii.c): URLs
 * and their escaping, envelopes, bundles made of pages, discovery and error
 * documents, timestamps; and what tix_pull stands on in the ingest layer: a
 * document in memory stored in one transaction with what before_commit
 * writes, and identities of earlier documents naming sources. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "pull/taxii.h"
#include "tix/tix.h"

/* ---- URLs ------------------------------------------------------------------ */

static void test_escape(void **state)
{
    (void)state;
    tix_buf b = TIX_BUF_INIT(0);
    taxii_escape(&b, "2024-03-01T02:34:10.12Z");
    assert_string_equal(b.p, "2024-03-01T02%3A34%3A10.12Z");
    tix_buf_reset(&b);
    taxii_escape(&b, "a b+c/d&e=f?g#h~i_j\xc3\xa9%");
    assert_string_equal(b.p, "a%20b%2Bc%2Fd%26e%3Df%3Fg%23h~i_j%C3%A9%25");
    tix_buf_free(&b);
}

static void test_objects_url(void **state)
{
    (void)state;
    tix_buf b = TIX_BUF_INIT(0);
    taxii_objects_url(&b, "https://h.example/api/", "91a7b528-80eb", NULL, 0, NULL);
    assert_string_equal(b.p, "https://h.example/api/collections/91a7b528-80eb/objects/");
    tix_buf_reset(&b);
    /* the same added_after and limit go with next */
    taxii_objects_url(&b, "https://h.example/api/", "c/1", "2024-03-01T02:34:10.120000Z", 100,
                      "a+b/c=");
    assert_string_equal(b.p, "https://h.example/api/collections/c%2F1/objects/"
                             "?added_after=2024-03-01T02%3A34%3A10.120000Z&limit=100"
                             "&next=a%2Bb%2Fc%3D");
    tix_buf_reset(&b);
    taxii_objects_url(&b, "http://h/r/", "c", "", 0, "n1");
    assert_string_equal(b.p, "http://h/r/collections/c/objects/?next=n1");
    tix_buf_reset(&b);
    taxii_objects_url(&b, "http://h/r/", "c", NULL, 7, "");
    assert_string_equal(b.p, "http://h/r/collections/c/objects/?limit=7");
    tix_buf_free(&b);
}

static void test_base_url(void **state)
{
    (void)state;
    tix_buf b = TIX_BUF_INIT(0);
    tix_diag d = TIX_DIAG_INIT;
    bool disc = true;
    assert_int_equal(taxii_base_url("https://h.example:8443/api1", &b, &disc, &d), TIX_EOK);
    assert_string_equal(b.p, "https://h.example:8443/api1/");
    assert_false(disc);
    assert_int_equal(taxii_base_url("HTTP://h.example/taxii2/", &b, &disc, &d), TIX_EOK);
    assert_string_equal(b.p, "http://h.example/taxii2/");
    assert_true(disc);
    assert_int_equal(taxii_base_url("http://h.example/taxii2", &b, &disc, &d), TIX_EOK);
    assert_string_equal(b.p, "http://h.example/taxii2/");
    assert_true(disc);
    assert_int_equal(taxii_base_url("http://h.example/", &b, &disc, &d), TIX_EOK);
    assert_false(disc);
    assert_int_equal(taxii_base_url("http://h.example/x/taxii2/api/", &b, &disc, &d),
                     TIX_EOK);
    assert_false(disc);

    /* a secret in the URL is refused and not repeated */
    assert_int_equal(taxii_base_url("https://u:s3cr3t@h.example/api/", &b, &disc, &d),
                     TIX_EINVAL);
    assert_non_null(strstr(d.msg, "credentials do not belong in the URL"));
    assert_null(strstr(d.msg, "s3cr3t"));
    tix_diag_clear(&d);
    assert_int_equal(taxii_base_url("ftp://h.example/api/", &b, &disc, &d), TIX_EINVAL);
    assert_non_null(strstr(d.msg, "http or https"));
    tix_diag_clear(&d);
    assert_int_equal(taxii_base_url("https://h.example/api/?x=1", &b, &disc, &d),
                     TIX_EINVAL);
    assert_non_null(strstr(d.msg, "no query"));
    tix_diag_clear(&d);
    assert_int_equal(taxii_base_url("h.example/api/", &b, &disc, &d), TIX_EINVAL);
    assert_non_null(strstr(d.msg, "is not a URL"));
    tix_buf_free(&b);
}

static void test_resolve_host_server(void **state)
{
    (void)state;
    tix_buf b = TIX_BUF_INIT(0);
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(taxii_resolve("https://h:8443/taxii2/", "/api1/", &b, &d), TIX_EOK);
    assert_string_equal(b.p, "https://h:8443/api1/");
    assert_int_equal(taxii_resolve("https://h:8443/taxii2/", "../api2/", &b, &d), TIX_EOK);
    assert_string_equal(b.p, "https://h:8443/api2/");
    assert_int_equal(taxii_resolve("https://h/taxii2/", "https://other/r/", &b, &d), TIX_EOK);
    assert_string_equal(b.p, "https://other/r/");

    assert_int_equal(taxii_host("https://[2001:db8::1]:8443/api/", &b, &d), TIX_EOK);
    assert_string_equal(b.p, "2001:db8::1");
    assert_int_equal(taxii_host("https://taxii.partner.example/api/", &b, &d), TIX_EOK);
    assert_string_equal(b.p, "taxii.partner.example");

    assert_true(taxii_same_server("http://h:80/a/", "http://h/b/"));
    assert_true(taxii_same_server("https://h/a/", "https://H:443/b/"));
    assert_true(taxii_same_server("http://h/a/", "https://h/a/")); /* upgrade */
    assert_false(taxii_same_server("https://h/a/", "http://h/a/"));
    assert_false(taxii_same_server("http://h:8000/a/", "http://h:8001/a/"));
    assert_false(taxii_same_server("http://127.0.0.1/a/", "http://localhost/a/"));
    assert_false(taxii_same_server("http://h/a/", "http://h.evil.example/a/"));

    assert_true(taxii_is_loopback("http://127.0.0.1:9/api/"));
    assert_true(taxii_is_loopback("http://localhost/api/"));
    assert_true(taxii_is_loopback("http://[::1]:8080/api/"));
    assert_false(taxii_is_loopback("http://taxii.example/api/"));

    taxii_url_shown(&b, "http://h/short", 120);
    assert_string_equal(b.p, "http://h/short");
    char longer[300];
    memset(longer, 'x', sizeof longer - 1);
    memcpy(longer, "http://h/", 9);
    memcpy(longer + sizeof longer - 9, "&next=42", 9);
    taxii_url_shown(&b, longer, 120);
    assert_int_equal(b.len, 120);
    assert_memory_equal(b.p, "http://h/", 9);
    assert_non_null(strstr(b.p, "...x"));
    assert_string_equal(b.p + b.len - 8, "&next=42");
    tix_buf_free(&b);
}

/* ---- envelopes and bundles ------------------------------------------------------- */

static void test_envelope(void **state)
{
    (void)state;
    taxii_envelope env;
    tix_diag d = TIX_DIAG_INIT;
    const char *full = "{\"more\":true,\"next\":\"tok-1\",\"objects\":[{\"type\":\"ipv4-addr\","
                       "\"id\":\"ipv4-addr--1\",\"value\":\"192.0.2.1\"}]}";
    assert_int_equal(taxii_envelope_parse(full, strlen(full), &env, &d), TIX_EOK);
    assert_true(env.more);
    assert_string_equal(env.next, "tok-1");
    assert_int_equal(json_array_size(env.objects), 1);
    taxii_envelope_free(&env);

    /* every member is optional: {} is an empty last page */
    assert_int_equal(taxii_envelope_parse("{}", 2, &env, &d), TIX_EOK);
    assert_false(env.more);
    assert_null(env.next);
    assert_null(env.objects);
    taxii_envelope_free(&env);
    const char *empty_next = "{\"more\":false,\"next\":\"\",\"objects\":null}";
    assert_int_equal(taxii_envelope_parse(empty_next, strlen(empty_next), &env, &d), TIX_EOK);
    assert_null(env.next);
    taxii_envelope_free(&env);
}

static void expect_envelope_error(const char *doc, const char *msg)
{
    taxii_envelope env;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(taxii_envelope_parse(doc, strlen(doc), &env, &d), TIX_EPARSE);
    if (strncmp(d.msg, msg, strlen(msg)) != 0)
        fail_msg("%s: got '%s', want '%s...'", doc, d.msg, msg);
    assert_null(env.root);
}

static void test_envelope_errors(void **state)
{
    (void)state;
    /* the offset is that of the byte where it went wrong, from 0 */
    expect_envelope_error("{\"more\": true,, \"objects\": []}",
                          "malformed JSON at byte 14 (line 1, column 15): ");
    expect_envelope_error("{\"objects\": [\n{\"type\": \"url\"},\n#]}",
                          "malformed JSON at byte 31 (line 3, column 1): ");
    /* cut short: the offset is the length */
    expect_envelope_error("{\"more\": true, \"objects\": [{\"type\"",
                          "malformed JSON at byte 34 (line 1, column 34): ");
    expect_envelope_error("", "malformed JSON at byte 0 ");
    expect_envelope_error("[]", "not a TAXII envelope: the document is an array");
    expect_envelope_error("{\"more\":\"yes\"}", "not a TAXII envelope: \"more\" is a string");
    expect_envelope_error("{\"next\":3}", "not a TAXII envelope: \"next\" is a number");
    expect_envelope_error("{\"objects\":{}}",
                          "not a TAXII envelope: \"objects\" is an object");
}

static void test_bundle(void **state)
{
    (void)state;
    const char *page = "{\"more\":false,\"objects\":[{\"type\":\"domain-name\",\"spec_version\":"
                       "\"2.1\",\"id\":\"domain-name--1\",\"value\":\"evil.example\"},"
                       "{\"type\":\"url\",\"id\":\"url--2\",\"value\":\"http://x.example/\"}]}";
    taxii_envelope env;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(taxii_envelope_parse(page, strlen(page), &env, &d), TIX_EOK);
    tix_buf b = TIX_BUF_INIT(0), again = TIX_BUF_INIT(0);
    assert_int_equal(taxii_bundle(&env, &b, &d), TIX_EOK);
    json_t *j = json_loadb(b.p, b.len, 0, NULL);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "type")), "bundle");
    const char *id = json_string_value(json_object_get(j, "id"));
    assert_int_equal(strlen(id), strlen("bundle--") + 36);
    assert_memory_equal(id, "bundle--", 8);
    assert_int_equal(id[8 + 14], '5'); /* a UUIDv5 */
    assert_true(json_equal(json_object_get(j, "objects"), env.objects));
    /* the same page is the same document */
    assert_int_equal(taxii_bundle(&env, &again, &d), TIX_EOK);
    assert_string_equal(b.p, again.p);
    taxii_envelope_free(&env);

    /* other objects, another id */
    const char *other = "{\"objects\":[{\"type\":\"url\",\"id\":\"url--3\",\"value\":\"http://y/\"}]}";
    assert_int_equal(taxii_envelope_parse(other, strlen(other), &env, &d), TIX_EOK);
    assert_int_equal(taxii_bundle(&env, &again, &d), TIX_EOK);
    json_t *k = json_loadb(again.p, again.len, 0, NULL);
    assert_string_not_equal(json_string_value(json_object_get(k, "id")), id);
    json_decref(k);
    json_decref(j);
    taxii_envelope_free(&env);

    assert_int_equal(taxii_envelope_parse("{}", 2, &env, &d), TIX_EOK);
    assert_int_equal(taxii_bundle(&env, &b, &d), TIX_EOK);
    assert_non_null(strstr(b.p, "\",\"objects\":[]}"));
    taxii_envelope_free(&env);
    tix_buf_free(&b);
    tix_buf_free(&again);
}

/* ---- discovery and error documents ------------------------------------------------- */

static void test_discovery(void **state)
{
    (void)state;
    tix_buf b = TIX_BUF_INIT(0);
    tix_diag d = TIX_DIAG_INIT;
    const char *base = "https://taxii.example/taxii2/";
    const char *def = "{\"title\":\"t\",\"default\":\"https://taxii.example/api2/\","
                      "\"api_roots\":[\"https://taxii.example/api1/\","
                      "\"https://taxii.example/api2/\"]}";
    assert_int_equal(taxii_discovery_root(def, strlen(def), base, &b, &d), TIX_EOK);
    assert_string_equal(b.p, "https://taxii.example/api2/");
    const char *one = "{\"title\":\"t\",\"api_roots\":[\"/trustgroup1/\"]}";
    assert_int_equal(taxii_discovery_root(one, strlen(one), base, &b, &d), TIX_EOK);
    assert_string_equal(b.p, "https://taxii.example/trustgroup1/");
    const char *two = "{\"api_roots\":[\"https://a.example/r1/\",\"https://a.example/r2/\"]}";
    assert_int_equal(taxii_discovery_root(two, strlen(two), base, &b, &d), TIX_EINVAL);
    assert_string_equal(d.msg, "the server has no default API root; give one of: "
                               "https://a.example/r1/, https://a.example/r2/");
    tix_diag_clear(&d);
    assert_int_equal(taxii_discovery_root("{\"title\":\"t\"}", 13, base, &b, &d),
                     TIX_ENOTFOUND);
    tix_diag_clear(&d);
    assert_int_equal(taxii_discovery_root("{\"a\":", 5, base, &b, &d), TIX_EPARSE);
    assert_non_null(strstr(d.msg, "malformed JSON at byte 5"));
    tix_buf_free(&b);
}

static void test_error_text(void **state)
{
    (void)state;
    tix_buf b = TIX_BUF_INIT(0);
    const char *e = "{\"title\":\"Unauthorized\",\"description\":\"bad\\ncredentials\\t \","
                    "\"http_status\":\"401\"}";
    taxii_error_text(e, strlen(e), &b);
    assert_string_equal(b.p, "Unauthorized: bad credentials");
    tix_buf_reset(&b);
    taxii_error_text("{\"title\":\"Gone\"}", 16, &b);
    assert_string_equal(b.p, "Gone");
    tix_buf_reset(&b);
    taxii_error_text("<html>502 Bad Gateway</html>", 28, &b);
    assert_int_equal(b.len, 0);
    taxii_error_text(NULL, 0, &b);
    assert_int_equal(b.len, 0);
    char big[600];
    snprintf(big, sizeof big, "{\"title\":\"%0300d\"}", 7);
    taxii_error_text(big, strlen(big), &b);
    assert_int_equal(b.len, 163); /* 160 and "..." */
    tix_buf_free(&b);
}

/* ---- timestamps ------------------------------------------------------------------- */

static void test_timestamps(void **state)
{
    (void)state;
    assert_int_equal(taxii_ts_cmp("2024-03-01T02:34:10.12Z", "2024-03-01T02:34:10.120000Z"), 0);
    assert_true(taxii_ts_cmp("2024-03-01T02:34:10.1Z", "2024-03-01T02:34:10.12Z") < 0);
    assert_true(taxii_ts_cmp("2024-03-01T02:34:10Z", "2024-03-01T02:34:10.000001Z") < 0);
    assert_true(taxii_ts_cmp("2024-03-01T02:34:10.999999999Z", "2024-03-01T02:34:11Z") < 0);
    assert_true(taxii_ts_cmp("2024-03-02T00:00:00Z", "2024-03-01T23:59:59.9Z") > 0);
    assert_int_equal(taxii_ts_cmp("2024-03-01T03:34:10.5+01:00", "2024-03-01T02:34:10.5Z"), 0);

    assert_true(taxii_ts_valid("2024-03-01T02:34:10.120000Z", TIX_PULL_TS_MAX));
    assert_false(taxii_ts_valid("", TIX_PULL_TS_MAX));
    assert_false(taxii_ts_valid(" 2024-03-01T02:34:10Z", TIX_PULL_TS_MAX));
    assert_false(taxii_ts_valid("2024-03-01T02:34:10Z ", TIX_PULL_TS_MAX));
    assert_false(taxii_ts_valid("soon", TIX_PULL_TS_MAX));
    assert_false(taxii_ts_valid("2024-03-01T02:34:10.1234567890Z", 20));

    char out[TIX_PULL_TS_MAX];
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(taxii_ts_from_user("2024-03-02", out, sizeof out, &d), TIX_EOK);
    assert_string_equal(out, "2024-03-02T00:00:00Z");
    assert_int_equal(taxii_ts_from_user("2024-03-01T02:34:10.120Z", out, sizeof out, &d),
                     TIX_EOK);
    assert_string_equal(out, "2024-03-01T02:34:10.120Z");
    assert_int_equal(taxii_ts_from_user("2024-03-01 10:00:00+02:00", out, sizeof out, &d),
                     TIX_EOK);
    assert_string_equal(out, "2024-03-01T08:00:00Z");
    assert_int_equal(taxii_ts_from_user("yesterday", out, sizeof out, &d), TIX_EINVAL);
    assert_non_null(strstr(d.msg, "'yesterday' is not a time"));
}

static void test_setting_name(void **state)
{
    (void)state;
    tix_buf b = TIX_BUF_INIT(0);
    tix_pull_setting_name("https://h.example/api/", "91a7b528", &b);
    assert_string_equal(b.p, "pull.added_after https://h.example/api/collections/91a7b528/");
    tix_buf_free(&b);
}

/* ---- the ingest layer: a document in memory, with its resume point ------------------ */

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
    snprintf(f->dir, sizeof f->dir, "%s/tix_pull.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(f->dir)) {
        free(f);
        return -1;
    }
    snprintf(f->db, sizeof f->db, "%s/store.db", f->dir);
    tix_diag d = TIX_DIAG_INIT;
    if (tix_store_open(&f->s, f->db, TIX_STORE_CREATE, &d) != TIX_EOK) {
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

typedef struct {
    const char *value;   /* written to "test.point" */
    bool fail;
    int calls;
} hook;

static tix_err write_point(void *ud, tix_store *s, tix_diag *d)
{
    hook *h = ud;
    h->calls++;
    if (h->fail)
        return tix_diag_set(d, TIX_EIO, "the hook failed");
    return tix_store_setting_set(s, "test.point", h->value, d);
}

static char *point(tix_store *s)
{
    char *v = NULL;
    if (tix_store_setting_get(s, "test.point", &v, NULL) != TIX_EOK)
        return NULL;
    return v;
}

static bool has_observable(tix_store *s, const char *ip)
{
    tix_obs_rec r;
    return tix_store_observable_get(s, TIX_OBS_IPV4, ip, strlen(ip), &r, NULL) == TIX_EOK;
}

static const char bundle1[] =
    "{\"type\":\"bundle\",\"id\":\"bundle--1\",\"objects\":["
    "{\"type\":\"identity\",\"spec_version\":\"2.1\",\"id\":\"identity--"
    "2e6baecf-c6f9-4a34-aa40-67a9f8218061\",\"created\":\"2024-01-01T00:00:00Z\","
    "\"modified\":\"2024-01-01T00:00:00Z\",\"name\":\"CERT-Partner\"},"
    "{\"type\":\"ipv4-addr\",\"id\":\"ipv4-addr--a\",\"value\":\"45.153.241.18\"}]}";
/* page 2: an indicator by the identity page 1 carried */
static const char bundle2[] =
    "{\"type\":\"bundle\",\"id\":\"bundle--2\",\"objects\":["
    "{\"type\":\"indicator\",\"spec_version\":\"2.1\",\"id\":\"indicator--"
    "70165b35-f962-4235-9052-4a43e04fe423\",\"created\":\"2024-01-02T00:00:00Z\","
    "\"modified\":\"2024-01-02T00:00:00Z\",\"created_by_ref\":\"identity--"
    "2e6baecf-c6f9-4a34-aa40-67a9f8218061\",\"pattern\":\"[ipv4-addr:value = "
    "'91.215.85.10']\",\"pattern_type\":\"stix\",\"valid_from\":\"2024-01-02T00:00:00Z\"}]}";

static tix_err ingest(fx *f, const char *name, const char *doc, hook *h,
                      tix_ingest_stats *st, tix_diag *d)
{
    tix_ingest_opts o = {.source = "taxii.example", .kind = TIX_SOURCE_PARTNER, .trust = -1,
                         .tlp = TIX_TLP_UNSET, .now = 1710000000,
                         .before_commit = h ? write_point : NULL, .before_commit_ud = h};
    tix_feed_opts fo = {.format = TIX_FEED_STIX};
    memset(st, 0, sizeof *st);
    return tix_ingest_feed_mem(f->s, &o, &fo, name, doc, strlen(doc), st, d);
}

static void test_feed_mem_with_point(void **state)
{
    fx *f = *state;
    tix_ingest_stats st;
    tix_diag d = TIX_DIAG_INIT;
    hook h = {.value = "2024-03-01T00:00:00.5Z"};
    assert_int_equal(ingest(f, "https://t/api/page1", bundle1, &h, &st, &d), TIX_EOK);
    assert_int_equal(h.calls, 1);
    assert_int_equal(st.documents_new, 1);
    assert_int_equal(st.observables_new, 1);
    assert_true(has_observable(f->s, "45.153.241.18"));
    char *v = point(f->s);
    assert_non_null(v);
    assert_string_equal(v, "2024-03-01T00:00:00.5Z");
    free(v);

    /* the hook fails: neither the page nor the point is stored */
    hook bad = {.value = "2024-03-02T00:00:00Z", .fail = true};
    assert_int_equal(ingest(f, "https://t/api/page2", bundle2, &bad, &st, &d), TIX_EIO);
    assert_string_equal(d.msg, "the hook failed");
    assert_false(has_observable(f->s, "91.215.85.10"));
    v = point(f->s);
    assert_string_equal(v, "2024-03-01T00:00:00.5Z");
    free(v);

    /* the same bytes again: nothing added, but the point is stored */
    tix_diag_clear(&d);
    hook again = {.value = "2024-03-03T00:00:00Z"};
    assert_int_equal(ingest(f, "https://t/api/page1-again", bundle1, &again, &st, &d), TIX_EOK);
    assert_int_equal(again.calls, 1);
    assert_int_equal(st.documents_known, 1);
    assert_int_equal(st.documents_new, 0);
    v = point(f->s);
    assert_string_equal(v, "2024-03-03T00:00:00Z");
    free(v);

    /* without a hook, a document known before changes nothing at all */
    assert_int_equal(ingest(f, "https://t/api/page1-third", bundle1, NULL, &st, &d), TIX_EOK);
    assert_int_equal(st.documents_known, 1);

    /* a malformed document: the hook is not called, nothing stored */
    hook unused = {.value = "2030-01-01T00:00:00Z"};
    assert_int_equal(ingest(f, "https://t/api/bad", "{\"type\":\"bundle\",\"objects\":[", &unused,
                            &st, &d), TIX_EPARSE);
    assert_int_equal(unused.calls, 0);
    assert_non_null(strstr(d.msg, "https://t/api/bad:"));
    v = point(f->s);
    assert_string_equal(v, "2024-03-03T00:00:00Z");
    free(v);
}

static int named(void *ud, const tix_evidence_rec *r)
{
    snprintf(ud, 64, "%s", r->source);
    return 0;
}

static void test_identity_of_earlier_page(void **state)
{
    fx *f = *state;
    tix_ingest_stats st;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(ingest(f, "page1", bundle1, NULL, &st, &d), TIX_EOK);
    assert_int_equal(ingest(f, "page2", bundle2, NULL, &st, &d), TIX_EOK);
    tix_obs_rec r;
    assert_int_equal(tix_store_observable_get(f->s, TIX_OBS_IPV4, "91.215.85.10", 12, &r, &d),
                     TIX_EOK);
    char source[64] = "";
    assert_int_equal(tix_store_evidence_each(f->s, r.id, named, source, &d), TIX_EOK);
    assert_string_equal(source, "CERT-Partner");
}

static void test_feed_mem_arguments(void **state)
{
    fx *f = *state;
    tix_ingest_stats st = {0};
    tix_diag d = TIX_DIAG_INIT;
    tix_ingest_opts o = {.source = "x", .trust = -1, .tlp = TIX_TLP_UNSET};
    tix_feed_opts fo = {.format = TIX_FEED_STIX};
    assert_int_equal(tix_ingest_feed_mem(f->s, &o, &fo, "", "{}", 2, &st, &d), TIX_EINVAL);
    tix_diag_clear(&d);
    o.source = NULL;
    assert_int_equal(tix_ingest_feed_mem(f->s, &o, &fo, "n", "{}", 2, &st, &d), TIX_EINVAL);
    assert_string_equal(d.msg, "n: no source named");
}

/* tix_pull's own checks, and a server that is not there: nothing stored */
static void test_pull_fails_cleanly(void **state)
{
    fx *f = *state;
    tix_pull_stats st;
    tix_diag d = TIX_DIAG_INIT;
    tix_ingest_opts io = {.kind = TIX_SOURCE_PARTNER, .trust = -1, .tlp = TIX_TLP_UNSET};
    tix_pull_opts po = {.url = "http://127.0.0.1:1/api", .collection = "c1", .limit = 5,
                        .timeout = 5};
    assert_int_equal(tix_pull(f->s, &po, &io, &st, &d), TIX_EIO);
    const char *want = "http://127.0.0.1:1/api/collections/c1/objects/?limit=5: page 1: ";
    assert_memory_equal(d.msg, want, strlen(want));
    assert_string_equal(st.api_root, "http://127.0.0.1:1/api/");
    assert_string_equal(st.url, "http://127.0.0.1:1/api/collections/c1/objects/?limit=5");
    assert_int_equal(st.failed_page, 1);
    assert_int_equal(st.pages, 0);
    assert_string_equal(st.resume, "");
    tix_store_stats ss;
    assert_int_equal(tix_store_stats_get(f->s, &ss, &d), TIX_EOK);
    assert_int_equal(ss.documents, 0);

    tix_diag_clear(&d);
    po.url = "https://user:pa55@127.0.0.1:1/api/";
    assert_int_equal(tix_pull(f->s, &po, &io, &st, &d), TIX_EINVAL);
    assert_null(strstr(d.msg, "pa55"));
    tix_diag_clear(&d);
    po.url = "http://127.0.0.1:1/api/";
    po.collection = "";
    assert_int_equal(tix_pull(f->s, &po, &io, &st, &d), TIX_EINVAL);
    assert_string_equal(d.msg, "no collection given");
    tix_diag_clear(&d);
    po.collection = "c1";
    po.from = "next week";
    assert_int_equal(tix_pull(f->s, &po, &io, &st, &d), TIX_EINVAL);
    assert_non_null(strstr(d.msg, "'next week' is not a time"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_escape),
        cmocka_unit_test(test_objects_url),
        cmocka_unit_test(test_base_url),
        cmocka_unit_test(test_resolve_host_server),
        cmocka_unit_test(test_envelope),
        cmocka_unit_test(test_envelope_errors),
        cmocka_unit_test(test_bundle),
        cmocka_unit_test(test_discovery),
        cmocka_unit_test(test_error_text),
        cmocka_unit_test(test_timestamps),
        cmocka_unit_test(test_setting_name),
        cmocka_unit_test_setup_teardown(test_feed_mem_with_point, setup, teardown),
        cmocka_unit_test_setup_teardown(test_identity_of_earlier_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_feed_mem_arguments, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pull_fails_cleanly, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
