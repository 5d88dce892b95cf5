/* test_feeds.c - the feed importers against real-layout files, through a
 * sink that canonicalises and records what it is handed; the CSV reader. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feeds/csv.h"
#include "tix/feed.h"
#include "tix/observable.h"
#include "tix/time.h"

/* ---- a sink that records ------------------------------------------------ */

typedef struct {
    tix_obs_type type;
    char value[256];      /* canonical */
    char id[TIX_STIX_ID_MAX];
    char first[TIX_TIME_MAX], last[TIX_TIME_MAX];
    int port, confidence;
    tix_tlp tlp;
    char family[80], tags[256]; /* "-" for NULL */
    uint64_t line;
    char where[64];
} seen;

#define MAX_SEEN 64

typedef struct {
    seen s[MAX_SEEN];
    size_t n;
    char skipped[8][512];
    size_t nskipped;
} sink_log;

static void copy_or_dash(char *out, size_t cap, const char *s)
{
    snprintf(out, cap, "%s", s ? s : "-");
}

/* What the ingest's sink does with a value: canonicalise it (a bad one is
 * TIX_EPARSE) and answer its STIX id. */
static tix_err rec_observe(void *ud, const tix_obs_in *o, char id[TIX_STIX_ID_MAX],
                           tix_diag *d)
{
    sink_log *l = ud;
    tix_buf b = TIX_BUF_INIT(0);
    tix_err e = tix_obs_canon(o->type, o->value, o->value_len, &b, d);
    if (e == TIX_EOK)
        e = tix_obs_stix_id(o->type, b.p, b.len, id, d);
    if (e == TIX_EOK) {
        assert_true(l->n < MAX_SEEN);
        seen *s = &l->s[l->n++];
        s->type = o->type;
        snprintf(s->value, sizeof s->value, "%s", b.p);
        snprintf(s->id, sizeof s->id, "%s", id);
        tix_time_format(o->first_seen, s->first);
        tix_time_format(o->last_seen, s->last);
        s->port = o->port;
        s->confidence = o->confidence;
        s->tlp = o->tlp;
        copy_or_dash(s->family, sizeof s->family, o->family);
        copy_or_dash(s->tags, sizeof s->tags, o->tags);
        s->line = o->line;
        copy_or_dash(s->where, sizeof s->where, o->where);
        /* Importers leave the source and the TLP to the ingest. */
        assert_null(o->source);
        assert_false(o->context_only);
    }
    tix_buf_free(&b);
    return e;
}

static tix_err rec_object(void *ud, const tix_object_in *o, tix_diag *d)
{
    (void)ud, (void)o, (void)d;
    fail_msg("feed importers emit no objects");
    return TIX_EINVAL;
}

static tix_err rec_relate(void *ud, const tix_rel_in *r, tix_diag *d)
{
    (void)ud, (void)r, (void)d;
    fail_msg("feed importers emit no relationships");
    return TIX_EINVAL;
}

/* Passive DNS as given: "rrname rrtype rdata" in value, times, count in
 * port (the sink canonicalises; importers pass what they read). */
static tix_err rec_resolve(void *ud, const tix_dns_in *r, tix_diag *d)
{
    sink_log *l = ud;
    if (strcmp(r->rdata, "reject.invalid") == 0)
        return tix_diag_set(d, TIX_EPARSE, "rdata '%s' is not wanted", r->rdata);
    assert_true(l->n < MAX_SEEN);
    seen *s = &l->s[l->n++];
    memset(s, 0, sizeof *s);
    snprintf(s->value, sizeof s->value, "%s %s %s", r->rrname, r->rrtype, r->rdata);
    tix_time_format(r->first_seen, s->first);
    tix_time_format(r->last_seen, s->last);
    s->port = (int)r->count;
    s->line = r->line;
    return TIX_EOK;
}

static void on_skip(void *ud, const char *msg)
{
    sink_log *l = ud;
    if (l->nskipped < 8)
        snprintf(l->skipped[l->nskipped++], sizeof l->skipped[0], "%s", msg);
}

typedef struct {
    sink_log log;
    tix_feed_stats st;
    tix_diag d;
    tix_err rc;
} run_result;

static run_result *run(tix_feed_format f, const char *name, const char *data, size_t len,
                       const char *map, bool skip_bad)
{
    run_result *r = calloc(1, sizeof *r);
    assert_non_null(r);
    tix_diag_clear(&r->d);
    tix_sink sink = {&r->log, rec_observe, rec_object, rec_relate, rec_resolve, NULL};
    tix_feed_opts o = {f, map, skip_bad, on_skip, &r->log};
    r->rc = tix_feed_read(&o, name, data, len, &sink, &r->st, &r->d);
    return r;
}

static run_result *run_str(tix_feed_format f, const char *name, const char *data,
                           const char *map, bool skip_bad)
{
    return run(f, name, data, strlen(data), map, skip_bad);
}

static char *slurp(const char *file, size_t *len)
{
    char path[512];
    snprintf(path, sizeof path, "%s/tests/data/feeds/%s", TIX_SOURCE_DIR, file);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        fail_msg("cannot open %s", path);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *p = malloc((size_t)n + 1);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)n, fp), (size_t)n);
    p[n] = 0;
    fclose(fp);
    *len = (size_t)n;
    return p;
}

static run_result *run_file(tix_feed_format f, const char *file, const char *map, bool skip_bad)
{
    size_t n;
    char *data = slurp(file, &n);
    run_result *r = run(f, file, data, n, map, skip_bad);
    free(data);
    return r;
}

static void expect_obs(const seen *s, tix_obs_type type, const char *value, int port,
                       const char *first, const char *last, const char *family,
                       const char *tags, uint64_t line)
{
    if (s->type != type || strcmp(s->value, value) != 0)
        fail_msg("got %s '%s', want %s '%s'", tix_obs_name(s->type), s->value,
                 tix_obs_name(type), value);
    assert_int_equal(s->port, port);
    assert_string_equal(s->first, first);
    assert_string_equal(s->last, last);
    assert_string_equal(s->family, family);
    assert_string_equal(s->tags, tags);
    assert_int_equal(s->line, line);
    assert_int_equal(s->tlp, TIX_TLP_UNSET);
    /* The id the sink answered is the deterministic one of the value. */
    char id[TIX_STIX_ID_MAX];
    assert_int_equal(tix_obs_stix_id(type, value, strlen(value), id, NULL), TIX_EOK);
    assert_string_equal(s->id, id);
}

static uint64_t reason_count(const tix_feed_stats *st, const char *reason)
{
    for (size_t i = 0; i < st->nreasons; i++)
        if (strcmp(st->reasons[i].reason, reason) == 0)
            return st->reasons[i].n;
    return 0;
}

static void expect_ok(const run_result *r)
{
    if (r->rc != TIX_EOK)
        fail_msg("rc %d: %s", (int)r->rc, r->d.msg);
}

static void expect_fail(const run_result *r, tix_err rc, const char *prefix, const char *part)
{
    if (r->rc != rc)
        fail_msg("rc %d (%s), want %d", (int)r->rc, r->d.msg, (int)rc);
    if (strncmp(r->d.msg, prefix, strlen(prefix)) != 0 || !strstr(r->d.msg, part))
        fail_msg("message '%s', want '%s...%s...'", r->d.msg, prefix, part);
}

/* ---- Feodo Tracker ------------------------------------------------------ */

static void test_feodo_csv(void **state)
{
    (void)state;
    run_result *r = run_file(TIX_FEED_FEODO_CSV, "ipblocklist.csv", NULL, false);
    expect_ok(r);
    assert_int_equal(r->st.records, 4);
    assert_int_equal(r->st.observations, 4);
    assert_int_equal(r->st.skipped + r->st.unmapped, 0);
    assert_int_equal(r->log.n, 4);
    seen *s = r->log.s;
    expect_obs(&s[0], TIX_OBS_IPV4, "51.178.161.32", 4643, "2021-01-17T07:44:46Z",
               "2024-05-22T00:00:00Z", "Dridex", "-", 10);
    expect_obs(&s[1], TIX_OBS_IPV4, "162.243.103.246", 8080, "2022-06-04T21:24:53Z",
               "2024-05-20T00:00:00Z", "Emotet", "-", 11);
    /* Online that day, first seen later that day: not seen before it. */
    expect_obs(&s[2], TIX_OBS_IPV4, "50.16.16.211", 443, "2024-05-22T09:00:00Z",
               "2024-05-22T09:00:00Z", "QakBot", "-", 12);
    expect_obs(&s[3], TIX_OBS_IPV4, "185.117.73.115", 2222, "2023-11-02T14:12:09Z", "",
               "Pikabot", "-", 13);
    assert_int_equal(s[0].confidence, -1);
    assert_string_equal(s[0].where, "-");
    free(r);
}

static void test_feodo_json(void **state)
{
    (void)state;
    run_result *r = run_file(TIX_FEED_FEODO_JSON, "ipblocklist.json", NULL, false);
    expect_ok(r);
    assert_int_equal(r->st.records, 3);
    assert_int_equal(r->log.n, 3);
    seen *s = r->log.s;
    expect_obs(&s[0], TIX_OBS_IPV4, "51.178.161.32", 4643, "2021-01-17T07:44:46Z",
               "2022-11-15T00:00:00Z", "Dridex", "-", 2);
    expect_obs(&s[1], TIX_OBS_IPV4, "142.44.247.57", 4043, "2021-01-26T03:22:41Z",
               "2022-10-17T00:00:00Z", "Dridex", "-", 14);
    /* No first_seen: unknown, the sink decides. */
    expect_obs(&s[2], TIX_OBS_IPV4, "1.234.21.73", 6601, "", "2022-11-15T00:00:00Z",
               "Dridex", "-", 26);
    assert_string_equal(s[2].where, "[2]");
    free(r);
}

static const char feodo_bad[] =
    "# Firstseen banner\n"
    "\"first_seen_utc\",\"dst_ip\",\"dst_port\",\"c2_status\",\"last_online\",\"malware\"\n"
    "\"2021-01-17 07:44:46\",\"51.178.161.32\",\"4643\",\"online\",\"2024-05-22\",\"Dridex\"\n"
    "\"2021-01-17 07:44:46\",\"51.178.161.33\",\"70000\",\"online\",\"2024-05-22\",\"Dridex\"\n"
    "\"2021-13-17 07:44:46\",\"51.178.161.34\",\"443\",\"online\",\"2024-05-22\",\"Dridex\"\n"
    "\"2021-01-17 07:44:46\",\"51.178.161.35\",\"443\",\"online\"\n"
    "\"2021-01-17 07:44:46\",\"51.178.161.256\",\"443\",\"online\",\"\",\"Dridex\"\n"
    "\"2021-01-17 07:44:46\",\"\",\"443\",\"online\",\"\",\"Dridex\"\n"
    "\"2021-01-17 07:44:46\",\"51.178.161.36\",\"443\",\"online\",\"\",\"Dridex\"\n";

static void test_feodo_bad_records(void **state)
{
    (void)state;
    /* Without skip_bad the first bad record stops the read, at its line. */
    run_result *r = run_str(TIX_FEED_FEODO_CSV, "c2.csv", feodo_bad, NULL, false);
    expect_fail(r, TIX_EPARSE, "c2.csv:4: ", "bad port '70000'");
    assert_int_equal(r->log.n, 1);
    free(r);

    r = run_str(TIX_FEED_FEODO_CSV, "c2.csv", feodo_bad, NULL, true);
    expect_ok(r);
    assert_int_equal(r->st.records, 7);
    assert_int_equal(r->st.skipped, 5);
    assert_int_equal(r->st.observations, 2);
    assert_int_equal(r->log.n, 2);
    assert_int_equal(r->log.s[1].line, 9);
    assert_int_equal(r->log.nskipped, 5);
    assert_string_equal(r->log.skipped[0], "c2.csv:4: bad port '70000'");
    assert_string_equal(r->log.skipped[1],
                        "c2.csv:5: bad first_seen '2021-13-17 07:44:46'");
    assert_string_equal(r->log.skipped[2], "c2.csv:6: 4 fields, expected 6");
    /* The sink's own refusal is reported at the record's line too. */
    assert_string_equal(r->log.skipped[3], "c2.csv:7: '51.178.161.256' is not a valid ipv4");
    assert_string_equal(r->log.skipped[4], "c2.csv:8: no IP address");
    free(r);
}

static void test_feodo_wrong_format(void **state)
{
    (void)state;
    /* The JSON list given as CSV: fails on its first line, skip_bad or not. */
    size_t n;
    char *json = slurp("ipblocklist.json", &n);
    run_result *r = run(TIX_FEED_FEODO_CSV, "ipblocklist.json", json, n, NULL, true);
    expect_fail(r, TIX_EPARSE, "ipblocklist.json:1: ", "not a Feodo Tracker CSV");
    assert_int_equal(r->st.skipped, 0);
    free(r);
    free(json);

    /* And the CSV given as JSON: a syntax error with its line. */
    r = run_file(TIX_FEED_FEODO_JSON, "ipblocklist.csv", NULL, true);
    expect_fail(r, TIX_EPARSE, "ipblocklist.csv:1: ", "");
    free(r);

    /* Valid JSON of another shape. */
    r = run_str(TIX_FEED_FEODO_JSON, "x.json", "[\n  {\"ioc\": \"1.2.3.4\"}\n]\n", NULL, true);
    expect_fail(r, TIX_EPARSE, "x.json:2: ", "not a Feodo Tracker JSON");
    free(r);
    /* A first record the reader cannot even split is no Feodo CSV either. */
    r = run_str(TIX_FEED_FEODO_CSV, "x.csv", "#\n\"a,b\n1,2\n", NULL, true);
    expect_fail(r, TIX_EPARSE, "x.csv:2: ", "unterminated quoted field: not a Feodo Tracker CSV");
    free(r);
    r = run_str(TIX_FEED_FEODO_JSON, "x.json", "{\"a\": 1}", NULL, false);
    expect_fail(r, TIX_EPARSE, "x.json:1: ", "not a JSON array");
    free(r);
}

static void test_feodo_json_bad_entry(void **state)
{
    (void)state;
    const char *j = "[\n"
                    " {\"ip_address\": \"1.2.3.4\", \"port\": 443, \"malware\": \"QakBot\"},\n"
                    " {\"ip_address\": \"1.2.3.5\", \"port\": \"x\"},\n"
                    " 17,\n"
                    " {\"ip_address\": \"1.2.3.6\", \"port\": \"8080\", \"last_online\": null}\n"
                    "]\n";
    run_result *r = run_str(TIX_FEED_FEODO_JSON, "f.json", j, NULL, false);
    expect_fail(r, TIX_EPARSE, "f.json:3: ", "bad port 'x'");
    free(r);
    r = run_str(TIX_FEED_FEODO_JSON, "f.json", j, NULL, true);
    expect_ok(r);
    assert_int_equal(r->st.records, 4);
    assert_int_equal(r->st.skipped, 2);
    assert_int_equal(r->log.n, 2);
    assert_string_equal(r->log.skipped[1], "f.json:4: not an entry with an ip_address");
    expect_obs(&r->log.s[1], TIX_OBS_IPV4, "1.2.3.6", 8080, "", "", "-", "-", 5);
    free(r);
}

static void test_empty_files(void **state)
{
    (void)state;
    static const tix_feed_format all[] = {
        TIX_FEED_FEODO_CSV,    TIX_FEED_FEODO_JSON,    TIX_FEED_URLHAUS_CSV,
        TIX_FEED_THREATFOX_CSV, TIX_FEED_THREATFOX_JSON, TIX_FEED_SPAMHAUS_DROP,
        TIX_FEED_CSV,
    };
    static const char *const bodies[] = {"", "\n\n", "# only\n# comments\r\n"};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        for (size_t k = 0; k < 3; k++) {
            bool json = all[i] == TIX_FEED_FEODO_JSON || all[i] == TIX_FEED_THREATFOX_JSON;
            if (json && k == 2)
                continue;
            run_result *r = run_str(all[i], "e", bodies[k], "ip=1", false);
            if (r->rc != TIX_EOK)
                fail_msg("%s on body %zu: %s", tix_feed_name(all[i]), k, r->d.msg);
            assert_int_equal(r->st.records, 0);
            free(r);
        }
    run_result *r = run_str(TIX_FEED_SPAMHAUS_DROP, "e", "; Spamhaus DROP List\n;\n", NULL, false);
    expect_ok(r);
    assert_int_equal(r->st.records, 0);
    free(r);
}

/* ---- URLhaus ------------------------------------------------------------ */

static void test_urlhaus_csv(void **state)
{
    (void)state;
    run_result *r = run_file(TIX_FEED_URLHAUS_CSV, "csv.txt", NULL, false);
    expect_ok(r);
    assert_int_equal(r->st.records, 4);
    assert_int_equal(r->log.n, 4);
    seen *s = r->log.s;
    expect_obs(&s[0], TIX_OBS_URL, "http://42.229.169.27:32848/Mozi.m", 0,
               "2024-10-27T14:19:30Z", "2024-10-27T14:19:30Z", "Mozi",
               "32-bit,elf,mips,Mozi,malware_download", 10);
    /* A quoted comma stays in the URL; no last_online: unknown. */
    expect_obs(&s[1], TIX_OBS_URL, "https://docs-invoice.top/invoice,2024.exe", 0,
               "2024-10-27T14:10:05Z", "", "RemcosRAT", "exe,RemcosRAT,malware_download", 11);
    expect_obs(&s[2], TIX_OBS_URL, "http://fingerprint-veri.info/", 0, "2024-10-27T13:59:41Z",
               "", "-", "malware_download", 12);
    expect_obs(&s[3], TIX_OBS_URL, "http://117.215.247.141:45698/bin.sh", 0,
               "2024-10-26T08:01:13Z", "2024-10-27T09:00:00Z", "Mozi",
               "32-bit,elf,mips,Mozi,malware_download", 13);
    free(r);

    /* Feodo rows are six fields: not URLhaus. */
    r = run_file(TIX_FEED_URLHAUS_CSV, "ipblocklist.csv", NULL, true);
    expect_fail(r, TIX_EPARSE, "ipblocklist.csv:9: ", "6 fields where a URLhaus CSV has 9");
    free(r);
}

/* ---- ThreatFox ---------------------------------------------------------- */

static const char sha256[] = "923fa80da84e45636a62f779913559a07420a1c6e21f093d87ddfe04bda683c4";

static void test_threatfox_csv(void **state)
{
    (void)state;
    run_result *r = run_file(TIX_FEED_THREATFOX_CSV, "full.csv", NULL, false);
    expect_ok(r);
    assert_int_equal(r->st.records, 6);
    assert_int_equal(r->st.observations, 5);
    assert_int_equal(r->st.unmapped, 1);
    assert_int_equal(reason_count(&r->st, "threatfox ioc_type sha3_384_hash"), 1);
    assert_int_equal(r->log.n, 5);
    seen *s = r->log.s;
    expect_obs(&s[0], TIX_OBS_URL, "http://rocheholding.top/rudolph/five/fre.php", 0,
               "2024-07-16T06:45:19Z", "2024-07-16T08:11:39Z", "Loki Password Stealer (PWS)",
               "lokibot,botnet_cc,reporter:abuse_ch", 10);
    assert_int_equal(s[0].confidence, 75);
    expect_obs(&s[1], TIX_OBS_IPV4, "8.134.12.90", 7777, "2024-07-16T05:25:36Z", "",
               "Cobalt Strike", "CobaltStrike,cs-watermark-987654321,botnet_cc,reporter:abuse_ch",
               11);
    assert_int_equal(s[1].confidence, 100);
    expect_obs(&s[2], TIX_OBS_DOMAIN, "update-check.example.net", 0, "2024-07-16T04:10:02Z",
               "", "-", "botnet_cc,reporter:anonymous", 12);
    assert_int_equal(s[2].confidence, 50);
    expect_obs(&s[3], TIX_OBS_MD5, "0f1e2d3c4b5a69788796a5b4c3d2e1f0", 0,
               "2024-07-15T22:01:44Z", "", "Agent Tesla", "agenttesla,payload,reporter:Virus_Deck",
               13);
    expect_obs(&s[4], TIX_OBS_SHA256, sha256, 0, "2024-07-15T21:30:00Z", "", "Agent Tesla",
               "agenttesla,payload,reporter:Virus_Deck", 14);
    free(r);
}

static void test_threatfox_csv_bad(void **state)
{
    (void)state;
    const char *t =
        "# \"first_seen_utc\",\"ioc_id\",\"ioc_value\",...\n"
        "\"2024-07-16 05:25:36\", \"1\", \"8.134.12.90\", \"ip:port\", \"botnet_cc\", "
        "\"win.x\", \"None\", \"X\", \"\", \"100\", \"None\", \"None\", \"0\", \"abuse_ch\"\n"
        "\"2024-07-16 05:25:36\", \"2\", \"[2001:db8::1]:8443\", \"ip:port\", \"botnet_cc\", "
        "\"win.x\", \"None\", \"X\", \"\", \"101\", \"None\", \"None\", \"0\", \"abuse_ch\"\n"
        "\"2024-07-16 05:25:36\", \"3\", \"[2001:db8::1]:8443\", \"ip:port\", \"botnet_cc\", "
        "\"win.x\", \"None\", \"X\", \"\", \"90\", \"None\", \"None\", \"0\", \"abuse_ch\"\n"
        "\"2024-07-16 05:25:36\", \"4\", \"\", \"url\", \"botnet_cc\", "
        "\"win.x\", \"None\", \"X\", \"\", \"90\", \"None\", \"None\", \"0\", \"abuse_ch\"\n"
        "\"2024-07-16 05:25:36\", \"5\", \"a@b.example\", \"email\", \"botnet_cc\", "
        "\"win.x\", \"None\", \"X\", \"\", \"90\", \"None\", \"None\", \"0\", \"abuse_ch\"\n"
        "# Number of entries: 5\n";
    run_result *r = run_str(TIX_FEED_THREATFOX_CSV, "tf.csv", t, NULL, true);
    expect_ok(r);
    assert_int_equal(r->st.records, 5);
    assert_int_equal(r->st.skipped, 3);
    assert_int_equal(r->st.unmapped, 1);
    assert_int_equal(reason_count(&r->st, "threatfox ioc_type email"), 1);
    assert_string_equal(r->log.skipped[0], "tf.csv:2: ip:port value '8.134.12.90' has no valid port");
    assert_string_equal(r->log.skipped[1], "tf.csv:3: bad confidence_level '101'");
    assert_string_equal(r->log.skipped[2], "tf.csv:5: no ioc_value");
    assert_int_equal(r->log.n, 1);
    expect_obs(&r->log.s[0], TIX_OBS_IPV6, "2001:db8::1", 8443, "2024-07-16T05:25:36Z", "",
               "X", "botnet_cc,reporter:abuse_ch", 4);
    free(r);
}

static void test_threatfox_json(void **state)
{
    (void)state;
    run_result *r = run_file(TIX_FEED_THREATFOX_JSON, "full.json", NULL, false);
    expect_ok(r);
    assert_int_equal(r->st.records, 3);
    assert_int_equal(r->st.unmapped, 1);
    assert_int_equal(reason_count(&r->st, "threatfox ioc_type sha3_384_hash"), 1);
    assert_int_equal(r->log.n, 2);
    seen *s = r->log.s;
    expect_obs(&s[0], TIX_OBS_URL, "http://rocheholding.top/rudolph/five/fre.php", 0,
               "2024-07-16T06:45:19Z", "2024-07-16T08:11:39Z", "Loki Password Stealer (PWS)",
               "lokibot,botnet_cc,reporter:abuse_ch", 2);
    assert_int_equal(s[0].confidence, 75);
    assert_string_equal(s[0].where, "ioc 1301611");
    expect_obs(&s[1], TIX_OBS_IPV4, "8.134.12.90", 7777, "2024-07-16T05:25:36Z", "",
               "Cobalt Strike", "CobaltStrike,cs-watermark-987654321,botnet_cc,reporter:abuse_ch",
               19);
    assert_int_equal(s[1].confidence, 100);
    free(r);
}

static void test_threatfox_json_errors(void **state)
{
    (void)state;
    run_result *r = run_str(TIX_FEED_THREATFOX_JSON, "tf.json",
                            "{\n  \"1\": [\n    {\"ioc_value\": \"x\",}\n  ]\n}\n", NULL, true);
    expect_fail(r, TIX_EPARSE, "tf.json:3: ", "");
    free(r);
    /* An API answer is not an export. */
    r = run_str(TIX_FEED_THREATFOX_JSON, "api.json",
                "{\"query_status\": \"ok\", \"data\": []}", NULL, true);
    expect_fail(r, TIX_EPARSE, "api.json:1: ", "not a ThreatFox JSON export");
    free(r);
    r = run_file(TIX_FEED_THREATFOX_JSON, "ipblocklist.json", NULL, true);
    expect_fail(r, TIX_EPARSE, "ipblocklist.json:1: ", "not a JSON object keyed by ioc_id");
    free(r);
    /* Later entries are records: skipped, counted, at their line. */
    r = run_str(TIX_FEED_THREATFOX_JSON, "tf.json",
                "{\n \"1\": [{\"ioc_value\": \"evil-cdn.xyz\", \"ioc_type\": \"domain\", "
                "\"tags\": [\"a\", \"b\"], \"confidence_level\": \"80\"}],\n"
                " \"2\": {\"ioc_value\": \"x\"},\n"
                " \"3\": [{\"ioc_value\": \"1.2.3.4:0\", \"ioc_type\": \"ip:port\"}]\n}\n",
                NULL, true);
    expect_ok(r);
    assert_int_equal(r->st.records, 3);
    assert_int_equal(r->st.skipped, 2);
    assert_string_equal(r->log.skipped[0], "tf.json:3: not an array of IOC objects");
    assert_string_equal(r->log.skipped[1], "tf.json:4: ip:port value '1.2.3.4:0' has no valid port");
    expect_obs(&r->log.s[0], TIX_OBS_DOMAIN, "evil-cdn.xyz", 0, "", "", "-", "a,b", 2);
    assert_int_equal(r->log.s[0].confidence, 80);
    free(r);
}

/* ---- Spamhaus ----------------------------------------------------------- */

static void test_spamhaus_text(void **state)
{
    (void)state;
    run_result *r = run_file(TIX_FEED_SPAMHAUS_DROP, "drop.txt", NULL, false);
    expect_ok(r);
    assert_int_equal(r->st.records, 4);
    assert_int_equal(r->log.n, 4);
    seen *s = r->log.s;
    expect_obs(&s[0], TIX_OBS_IPV4, "1.10.16.0/20", 0, "", "", "-", "SBL256894", 5);
    expect_obs(&s[2], TIX_OBS_IPV4, "1.32.128.0/18", 0, "", "", "-", "SBL286275", 7);
    /* tix keeps IPv6 prefixes as it keeps IPv4 ones. */
    expect_obs(&s[3], TIX_OBS_IPV6, "2001:678:738::/48", 0, "", "", "-", "SBL522183", 8);
    free(r);

    r = run_str(TIX_FEED_SPAMHAUS_DROP, "d.txt",
                "; DROP\r\n1.10.16.0/20 ; SBL1\r\n1.2.3.0/33 ; SBL2\r\n; x\r\nzz.example ; SBL3\r\n"
                "5.8.37.0/24\r\n", NULL, true);
    expect_ok(r);
    assert_int_equal(r->st.records, 4);
    assert_int_equal(r->st.skipped, 2);
    assert_string_equal(r->log.skipped[0], "d.txt:3: '1.2.3.0/33' is not a valid ipv4");
    assert_string_equal(r->log.skipped[1], "d.txt:5: not a CIDR: 'zz.example ; SBL3'");
    expect_obs(&r->log.s[1], TIX_OBS_IPV4, "5.8.37.0/24", 0, "", "", "-", "-", 6);
    free(r);
}

static void test_spamhaus_json(void **state)
{
    (void)state;
    run_result *r = run_file(TIX_FEED_SPAMHAUS_DROP, "drop_v4.json", NULL, false);
    expect_ok(r);
    assert_int_equal(r->st.records, 3); /* the metadata line is not one */
    assert_int_equal(r->log.n, 3);
    expect_obs(&r->log.s[0], TIX_OBS_IPV4, "1.10.16.0/20", 0, "", "", "-",
               "SBL256894,rir:apnic", 1);
    expect_obs(&r->log.s[2], TIX_OBS_IPV4, "1.32.128.0/18", 0, "", "", "-",
               "SBL286275,rir:apnic", 3);
    free(r);

    r = run_file(TIX_FEED_SPAMHAUS_DROP, "drop_v6.json", NULL, false);
    expect_ok(r);
    assert_int_equal(r->st.records, 2);
    expect_obs(&r->log.s[0], TIX_OBS_IPV6, "2001:678:738::/48", 0, "", "", "-",
               "SBL522183,rir:ripencc", 1);
    expect_obs(&r->log.s[1], TIX_OBS_IPV6, "2a06:e480::/29", 0, "", "", "-",
               "SBL301771,rir:ripencc", 2);
    free(r);

    r = run_str(TIX_FEED_SPAMHAUS_DROP, "d.json",
                "{\"cidr\":\"1.10.16.0/20\",\"sblid\":\"SBL1\"}\n{\"cidr\":\"1.2\n"
                "{\"sblid\":\"SBL3\"}\n{\"cidr\":\"9.9.9.0/24\"}\n", NULL, false);
    expect_fail(r, TIX_EPARSE, "d.json:2: ", "");
    free(r);
    r = run_str(TIX_FEED_SPAMHAUS_DROP, "d.json",
                "{\"cidr\":\"1.10.16.0/20\",\"sblid\":\"SBL1\"}\n{\"cidr\":\"1.2\n"
                "{\"sblid\":\"SBL3\"}\n{\"cidr\":\"9.9.9.0/24\"}\n", NULL, true);
    expect_ok(r);
    assert_int_equal(r->st.records, 4);
    assert_int_equal(r->st.skipped, 2);
    assert_string_equal(r->log.skipped[1], "d.json:3: no cidr in '{\"sblid\":\"SBL3\"}'");
    expect_obs(&r->log.s[1], TIX_OBS_IPV4, "9.9.9.0/24", 0, "", "", "-", "-", 4);
    free(r);
}

static void test_spamhaus_wrong_format(void **state)
{
    (void)state;
    run_result *r = run_file(TIX_FEED_SPAMHAUS_DROP, "ipblocklist.csv", NULL, true);
    expect_fail(r, TIX_EPARSE, "ipblocklist.csv:9: ", "not a Spamhaus DROP list");
    free(r);
    r = run_file(TIX_FEED_SPAMHAUS_DROP, "full.json", NULL, true);
    expect_fail(r, TIX_EPARSE, "full.json:1: ", "not Spamhaus DROP JSON lines");
    free(r);
}

/* ---- generic CSV -------------------------------------------------------- */

static const char generic_map[] =
    "first_seen=1, value=2, type=3, port=4, confidence=5, tlp=6, family=7, tags=8";

static void test_generic_csv(void **state)
{
    (void)state;
    run_result *r = run_file(TIX_FEED_CSV, "generic.csv", generic_map, false);
    if (r->rc != TIX_EOK)
        fail_msg("%s", r->d.msg);
    assert_int_equal(r->st.records, 5); /* the header row is not one */
    assert_int_equal(r->st.unmapped, 1);
    assert_int_equal(reason_count(&r->st, "csv type regkey"), 1);
    assert_int_equal(r->log.n, 4);
    seen *s = r->log.s;
    assert_int_equal(s[0].type, TIX_OBS_IPV4);
    assert_string_equal(s[0].value, "203.0.113.7");
    assert_int_equal(s[0].port, 8443);
    assert_int_equal(s[0].confidence, 80);
    assert_int_equal(s[0].tlp, TIX_TLP_AMBER);
    assert_string_equal(s[0].family, "IcedID");
    assert_string_equal(s[0].tags, "c2,partner-x");
    assert_string_equal(s[0].first, "2024-05-01T10:00:00Z");
    assert_int_equal(s[0].line, 3);
    assert_int_equal(s[1].type, TIX_OBS_DOMAIN);
    assert_string_equal(s[1].first, "2024-05-02T11:30:00Z");
    assert_int_equal(s[1].port, 0);
    assert_int_equal(s[1].tlp, TIX_TLP_GREEN);
    assert_string_equal(s[1].family, "-");
    assert_string_equal(s[1].tags, "phishing");
    assert_int_equal(s[2].type, TIX_OBS_MD5);
    assert_int_equal(s[2].confidence, -1);
    assert_int_equal(s[2].tlp, TIX_TLP_CLEAR);
    assert_string_equal(s[2].tags, "-");
    assert_int_equal(s[3].type, TIX_OBS_IPV6);
    assert_string_equal(s[3].value, "2001:db8::dead:beef");
    assert_int_equal(s[3].tlp, TIX_TLP_RED);
    assert_int_equal(s[3].line, 7);
    free(r);

    /* No header; two value columns make two observations of one record. */
    r = run_str(TIX_FEED_CSV, "flows.csv",
                "10.0.0.1,185.100.87.2,443\n10.0.0.2,evil-cdn.xyz,80\n",
                "ip=1,domain=2,ip=2,port=3", true);
    expect_ok(r);
    assert_int_equal(r->st.records, 2);
    /* 185.100.87.2 is no domain and evil-cdn.xyz no ip: each one refused. */
    assert_int_equal(r->st.skipped, 2);
    assert_int_equal(r->log.n, 4);
    assert_string_equal(r->log.s[0].value, "10.0.0.1");
    assert_string_equal(r->log.s[1].value, "185.100.87.2");
    assert_int_equal(r->log.s[1].port, 443);
    assert_string_equal(r->log.s[3].value, "evil-cdn.xyz");
    assert_int_equal(r->log.s[3].type, TIX_OBS_DOMAIN);
    free(r);
}

static void test_generic_csv_bad(void **state)
{
    (void)state;
    const char *t = "ip,when,tlp\n1.2.3.4,2024-01-01,amber\n1.2.3.5,yesterday,amber\n"
                    "1.2.3.6,2024-01-01,purple\n,2024-01-01,amber\n1.2.3.7\n";
    run_result *r = run_str(TIX_FEED_CSV, "g.csv", t, "ip=1,first_seen=2,tlp=3", true);
    expect_ok(r);
    assert_int_equal(r->st.records, 5);
    assert_int_equal(r->st.skipped, 4);
    assert_string_equal(r->log.skipped[0], "g.csv:3: bad first_seen 'yesterday'");
    assert_string_equal(r->log.skipped[1], "g.csv:4: unknown TLP 'purple'");
    assert_string_equal(r->log.skipped[2], "g.csv:5: no value in the mapped columns");
    assert_string_equal(r->log.skipped[3], "g.csv:6: 1 field, expected at least 3");
    free(r);

    /* Too few columns for the map on the first row: another file. */
    r = run_str(TIX_FEED_CSV, "g.csv", "1.2.3.4\n", "ip=1,port=2", true);
    expect_fail(r, TIX_EPARSE, "g.csv:1: ", "1 field where a CSV matching the column map");
    free(r);
}

static void test_generic_map_errors(void **state)
{
    (void)state;
    static const struct {
        const char *map, *part;
    } bad[] = {
        {NULL, "a column map is required"},
        {"  ", "a column map is required"},
        {"port=2", "no value column"},
        {"ip=0", "is not a number from 1"},
        {"ip=x", "is not a number from 1"},
        {"ip", "'ip' is not KEY=COLUMN"},
        {"addr=1", "unknown key 'addr'"},
        {"value=1", "value=N and type=N go together"},
        {"ip=1,type=2", "value=N and type=N go together"},
        {"ip=1,port=2,port=3", "'port' is mapped twice"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        run_result *r = run_str(TIX_FEED_CSV, "g.csv", "1.2.3.4,80\n", bad[i].map, false);
        if (r->rc != TIX_EINVAL || !strstr(r->d.msg, bad[i].part) ||
            strncmp(r->d.msg, "csv: ", 5) != 0)
            fail_msg("map '%s': rc %d '%s', want '%s'", bad[i].map ? bad[i].map : "(null)",
                     (int)r->rc, r->d.msg, bad[i].part);
        assert_int_equal(r->st.records, 0);
        free(r);
    }
}

/* ---- the CSV reader ----------------------------------------------------- */

static void expect_fields(feed_csv *r, uint64_t line, size_t nf, ...)
{
    assert_int_equal(feed_csv_next(r), 1);
    assert_int_equal(r->rec_line, line);
    if (r->nf != nf)
        fail_msg("line %llu: %zu fields, want %zu", (unsigned long long)line, r->nf, nf);
    va_list ap;
    va_start(ap, nf);
    for (size_t i = 0; i < nf; i++) {
        const char *want = va_arg(ap, const char *);
        if (r->f[i].n != strlen(want) || memcmp(r->f[i].p, want, r->f[i].n) != 0)
            fail_msg("line %llu field %zu: '%.*s', want '%s'", (unsigned long long)line, i,
                     (int)r->f[i].n, r->f[i].p, want);
    }
    va_end(ap);
}

static void test_csv_reader(void **state)
{
    (void)state;
    const char *t = "# comment, \"with quotes\n"
                    "a,b,c\r\n"
                    "\r\n"
                    "\"x \"\"quoted\"\" y\",\"multi\nline\",\"\"\n"
                    "\"1\", \"2\",  \"3\"\n"
                    "  \n"
                    ", ,\"\"\"\"\n"
                    "\"first \"\"\", \"second \"\"\"\n"
                    "last,row";
    feed_csv r;
    feed_csv_init(&r, t, strlen(t), ',', '#');
    expect_fields(&r, 2, 3, "a", "b", "c");
    expect_fields(&r, 4, 3, "x \"quoted\" y", "multi\nline", "");
    expect_fields(&r, 6, 3, "1", "2", "3");
    expect_fields(&r, 8, 3, "", " ", "\"");
    /* Two escaped fields in one record: both copies stay valid. */
    expect_fields(&r, 9, 2, "first \"", "second \"");
    expect_fields(&r, 10, 2, "last", "row");
    assert_int_equal(feed_csv_next(&r), 0);
    assert_int_equal(feed_csv_next(&r), 0);
    feed_csv_free(&r);
}

static void test_csv_reader_errors(void **state)
{
    (void)state;
    /* A quote that closes nothing is part of the value. */
    const char *t = "\"a\"x\", \"b\"\"\"c\" \r\n"
                    "ok,1\n"
                    "\"open,2\n"
                    "next,3\n";
    feed_csv r;
    feed_csv_init(&r, t, strlen(t), ',', 0);
    expect_fields(&r, 1, 2, "a\"x", "b\"\"c");
    expect_fields(&r, 2, 2, "ok", "1");
    /* An unterminated quote costs its own line, not the rest of the file. */
    assert_int_equal(feed_csv_next(&r), -1);
    assert_int_equal(r.rec_line, 3);
    assert_string_equal(r.err, "unterminated quoted field");
    expect_fields(&r, 4, 2, "next", "3");
    assert_int_equal(feed_csv_next(&r), 0);
    feed_csv_free(&r);

    /* Without a comment character '#' is data. */
    feed_csv_init(&r, "#a,b", 4, ',', 0);
    expect_fields(&r, 1, 2, "#a", "b");
    feed_csv_free(&r);
}

static void test_helpers(void **state)
{
    (void)state;
    assert_int_equal(feed_port("443", 3), 443);
    assert_int_equal(feed_port(" 65535 ", 7), 65535);
    assert_int_equal(feed_port("0", 1), -1);
    assert_int_equal(feed_port("65536", 5), -1);
    assert_int_equal(feed_port("44a", 3), -1);
    assert_int_equal(feed_port("", 0), -1);
    assert_true(feed_none("None", 4));
    assert_true(feed_none(" ", 1));
    assert_false(feed_none("none0", 5));
    const char *h;
    size_t hn;
    int port;
    bool v6;
    assert_true(feed_host_port("1.2.3.4:80", 10, &h, &hn, &port, &v6));
    assert_int_equal(hn, 7);
    assert_int_equal(port, 80);
    assert_false(v6);
    assert_true(feed_host_port("[::1]:8443", 10, &h, &hn, &port, &v6));
    assert_int_equal(hn, 3);
    assert_memory_equal(h, "::1", 3);
    assert_true(v6);
    assert_false(feed_host_port("1.2.3.4", 7, &h, &hn, &port, &v6));
    assert_false(feed_host_port(":80", 3, &h, &hn, &port, &v6));
    assert_false(feed_host_port("[::1]80", 7, &h, &hn, &port, &v6));

    tix_buf b = TIX_BUF_INIT(0);
    feed_tags_add(&b, "", " a, None ,,b ", 13);
    feed_tags_add(&b, "reporter:", "x", 1);
    feed_tags_add(&b, "", "None", 4);
    assert_string_equal(b.p, "a,b,reporter:x");
    tix_buf_free(&b);

    /* Lines of the values inside the top-level array or object. */
    const char *j = "{\n \"a\": [1,\n 2],\n \"b\\\"\": {\"x\": \"}\"},\n \"c\": 3\n}";
    feed_json_item it[4];
    assert_int_equal(feed_json_items(j, strlen(j), it, 4), 3);
    assert_int_equal(it[0].line, 2);
    assert_int_equal(it[1].line, 4);
    assert_int_equal(it[1].key_len, 3);
    assert_memory_equal(j + it[1].key_off, "b\\\"", 3);
    assert_int_equal(it[2].line, 5);
    assert_int_equal(feed_json_items("[]", 2, it, 4), 0);
    assert_int_equal(feed_json_items("[\n1,\n\"x\"\n]", 10, it, 4), 2);
    assert_int_equal(it[1].line, 3);
}


static void test_pdns_csv(void **state)
{
    (void)state;
    run_result *r = run_str(TIX_FEED_PDNS, "p.csv",
                            "# exported 2026-10-01\n"
                            "Query,Type,Answer,time_first,Time_Last,count\n"
                            "evil.example.net.,A,192.0.2.7,1759363200,2026-10-02,4\n"
                            "\"evil.example.net\",NS,ns1.sinkhole.example.,,,\n"
                            "evil.example.net,TXT,\"v=spf1 -all\",,,\n",
                            NULL, false);
    assert_int_equal(r->rc, TIX_EOK);
    assert_int_equal(r->st.records, 3);
    assert_int_equal(r->st.resolutions, 2);
    assert_int_equal(r->st.unmapped, 1);
    assert_string_equal(r->st.reasons[0].reason, "rrtype TXT");
    assert_int_equal(r->log.n, 2);
    assert_string_equal(r->log.s[0].value, "evil.example.net. A 192.0.2.7");
    assert_string_equal(r->log.s[0].first, "2025-10-02T00:00:00Z");
    assert_string_equal(r->log.s[0].last, "2026-10-02T00:00:00Z");
    assert_int_equal(r->log.s[0].port, 4);
    assert_int_equal(r->log.s[0].line, 3);
    assert_string_equal(r->log.s[1].value, "evil.example.net NS ns1.sinkhole.example.");
    assert_string_equal(r->log.s[1].first, "");
    free(r);
}

static void test_pdns_jsonl(void **state)
{
    (void)state;
    run_result *r = run_str(
        TIX_FEED_PDNS, "p.jsonl",
        "{\"count\": 12, \"time_first\": 1700000000, \"rrtype\": \"A\", "
        "\"rrname\": \"c2.example.org\", \"rdata\": \"198.51.100.9\", \"time_last\": 1700086400}\n"
        "\n"
        "{\"cond\":\"begin\"}\n"
        "{\"obj\":{\"rrname\":\"c2.example.org.\",\"rrtype\":\"AAAA\",\"rdata\":[\"2001:db8::1\","
        "\"2001:db8::2\"],\"zone_time_first\":1700000000,\"zone_time_last\":1700000100}}\n"
        "{\"cond\":\"succeeded\"}\n",
        NULL, false);
    assert_int_equal(r->rc, TIX_EOK);
    assert_int_equal(r->st.records, 3);
    assert_int_equal(r->log.n, 3);
    assert_string_equal(r->log.s[0].value, "c2.example.org A 198.51.100.9");
    assert_string_equal(r->log.s[0].first, "2023-11-14T22:13:20Z");
    assert_int_equal(r->log.s[0].port, 12);
    assert_string_equal(r->log.s[2].value, "c2.example.org. AAAA 2001:db8::2");
    assert_string_equal(r->log.s[2].last, "2023-11-14T22:15:00Z");
    assert_int_equal(r->log.s[2].line, 4);
    free(r);
}

static void test_pdns_errors(void **state)
{
    (void)state;
    run_result *r = run_str(TIX_FEED_PDNS, "h.csv", "name,value\na.example,1.2.3.4\n", NULL,
                            true);
    assert_int_equal(r->rc, TIX_EPARSE);
    assert_string_equal(r->d.msg, "h.csv:1: a passive-DNS CSV needs a header with rrname, "
                                  "rrtype and rdata columns");
    free(r);
    r = run_str(TIX_FEED_PDNS, "t.csv",
                "rrname,rrtype,rdata,first_seen\na.example,A,192.0.2.1,yesterday\n", NULL,
                false);
    assert_int_equal(r->rc, TIX_EPARSE);
    assert_string_equal(r->d.msg, "t.csv:2: first_seen 'yesterday' is not a time");
    free(r);
    r = run_str(TIX_FEED_PDNS, "j.jsonl",
                "{\"rrname\":\"a.example\",\"rrtype\":\"A\",\"rdata\":\"192.0.2.1\"}\n"
                "{\"rrname\":\"a.example\",\"rrtype\":\"A\",\"rdata\":\n"
                "{\"rrname\":\"a.example\",\"rrtype\":\"A\"}\n"
                "{\"rrname\":\"a.example\",\"rrtype\":\"CNAME\",\"rdata\":\"reject.invalid\"}\n"
                "{\"rrname\":\"b.example\",\"rrtype\":\"A\",\"rdata\":\"192.0.2.2\","
                "\"time_first\":20,\"time_last\":10}\n",
                NULL, true);
    assert_int_equal(r->rc, TIX_EOK);
    assert_int_equal(r->st.skipped, 4);
    assert_int_equal(r->log.n, 1);
    assert_true(strncmp(r->log.skipped[0], "j.jsonl:2: not a JSON object: ", 30) == 0);
    assert_string_equal(r->log.skipped[1], "j.jsonl:3: a passive-DNS record needs string "
                                           "rrname and rrtype, and rdata");
    assert_string_equal(r->log.skipped[2], "j.jsonl:4: rdata 'reject.invalid' is not wanted");
    assert_string_equal(r->log.skipped[3], "j.jsonl:5: last_seen precedes first_seen");
    free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_feodo_csv),
        cmocka_unit_test(test_feodo_json),
        cmocka_unit_test(test_feodo_bad_records),
        cmocka_unit_test(test_feodo_wrong_format),
        cmocka_unit_test(test_feodo_json_bad_entry),
        cmocka_unit_test(test_empty_files),
        cmocka_unit_test(test_urlhaus_csv),
        cmocka_unit_test(test_threatfox_csv),
        cmocka_unit_test(test_threatfox_csv_bad),
        cmocka_unit_test(test_threatfox_json),
        cmocka_unit_test(test_threatfox_json_errors),
        cmocka_unit_test(test_spamhaus_text),
        cmocka_unit_test(test_spamhaus_json),
        cmocka_unit_test(test_spamhaus_wrong_format),
        cmocka_unit_test(test_generic_csv),
        cmocka_unit_test(test_generic_csv_bad),
        cmocka_unit_test(test_generic_map_errors),
        cmocka_unit_test(test_csv_reader),
        cmocka_unit_test(test_csv_reader_errors),
        cmocka_unit_test(test_helpers),
        cmocka_unit_test(test_pdns_csv),
        cmocka_unit_test(test_pdns_jsonl),
        cmocka_unit_test(test_pdns_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
