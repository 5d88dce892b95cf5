/* test_classify_config.c - the config extractors of the fictional families
 * (src/classify/family_*.c) against samples from tests/samplegen, and the
 * config helpers (tix_config_add_c2, tix_c2_format). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify/internal.h"
#include "classify/rc4.h"
#include "core/hex.h"
#include "samplegen.h"
#include "tix/classify.h"

/* ---- helpers -------------------------------------------------------------- */

static void generate(const sg_spec *s, tix_buf *b)
{
    char err[256] = "";
    tix_buf_reset(b);
    int rc = sg_generate(s, b, err, sizeof err);
    if (rc != 0)
        fail_msg("samplegen %s/%s: %s", s->family, s->build ? s->build : "-", err);
    assert_int_equal(b->err, TIX_EOK);
}

static const tix_config_extractor *extractor(const char *family)
{
    const tix_config_extractor *e = tix_config_extractor_by_family(family);
    assert_non_null(e);
    return e;
}

/* Run e over a private copy of exactly n bytes, so that AddressSanitizer
 * sees any read past the end. */
static tix_err run(const tix_config_extractor *e, const void *data, size_t n, tix_config *out,
                   tix_diag *why)
{
    uint8_t *copy = malloc(n ? n : 1);
    assert_non_null(copy);
    if (n)
        memcpy(copy, data, n);
    tix_diag_clear(why);
    tix_err rc = e->extract(n ? copy : NULL, n, out, why);
    free(copy);
    if (rc != TIX_EOK) {
        assert_int_not_equal(why->code, TIX_EOK);
        assert_true(why->msg[0] != 0); /* a failure always says why */
        assert_null(strchr(why->msg, '\n'));
    } else {
        assert_true(out->nc2 >= 1);
    }
    return rc;
}

static const uint8_t plum_mark[] = "<<PLUM::";
static const uint8_t kst_mark[6] = {'K', 's', 'T', 'r', 0xA5, 0x1C};
static const uint8_t gorse_mark[4] = {'G', 'R', 'S', 0x9F};

/* Offset of the family's config marker in a sample. */
static size_t marker_at(const char *family, const tix_buf *b)
{
    const void *m = plum_mark;
    size_t n = 8;
    if (strcmp(family, "kestrel") == 0) {
        m = kst_mark;
        n = sizeof kst_mark;
    } else if (strcmp(family, "gorse") == 0) {
        m = gorse_mark;
        n = sizeof gorse_mark;
    }
    const uint8_t *hit = memmem(b->p, b->len, m, n);
    assert_non_null(hit);
    /* exactly one: samplegen keeps chance copies out of its filler */
    assert_null(memmem(hit + 1, b->len - (size_t)(hit + 1 - (const uint8_t *)b->p), m, n));
    return (size_t)(hit - (const uint8_t *)b->p);
}

/* ---- what each sample must give back ------------------------------------ */

typedef struct {
    const char *family;
    const char *build; /* for samplegen */
    const char *campaign;
    const char *c2[4];
    size_t nc2;
    const char *want_build;
    const char *want_campaign;
    tix_c2 want[4];
    size_t nwant;
} rt_case;

#define PLUM_DEFAULT                                              \
    {{"https", "45.153.241.18", 8443, "/api/v2/sync"},            \
     {"https", "cdn-plumsync.top", 443, "/sync"}},                \
        2
#define PLUM_CUSTOM_IN                                                                     \
    {"http://Update.Plum-Cdn.test:8080/a/b.php?x=1", "https://[2001:db8::7]:443/",         \
     "198.51.100.4:9001", "tcp://203.0.113.5:4444"},                                       \
        4
#define PLUM_CUSTOM_OUT                                            \
    {{"http", "update.plum-cdn.test", 8080, "/a/b.php?x=1"},       \
     {"https", "2001:db8::7", 443, "/"},                           \
     {"", "198.51.100.4", 9001, ""},                               \
     {"tcp", "203.0.113.5", 4444, ""}},                            \
        4
#define KST_DEFAULT                                       \
    {{"http", "91.215.85.17", 7001, "/gate.php"},         \
     {"http", "91.215.85.142", 7001, "/gate.php"},        \
     {"http", "kestrel-panel.xyz", 7001, "/gate.php"}},   \
        3
#define KST_CUSTOM_IN \
    {"198.51.100.23:8080", "Panel.Kst.test:80/adm/gate2.php", "http://[2001:db8::99]:8443"}, 3
#define KST_CUSTOM_OUT                                    \
    {{"http", "198.51.100.23", 8080, "/gate.php"},        \
     {"http", "panel.kst.test", 80, "/adm/gate2.php"},    \
     {"http", "2001:db8::99", 8443, "/gate.php"}},        \
        3

static const rt_case cases[] = {
    {"plumloader", NULL, NULL, {NULL}, 0, "2.4", "plum-q1", PLUM_DEFAULT},
    {"plumloader", "2", NULL, {NULL}, 0, "2.4", "plum-q1", PLUM_DEFAULT},
    {"plumloader", "1", NULL, {NULL}, 0, "1.9", "plum-q1", PLUM_DEFAULT},
    {"plumloader", "2", "Op Custard-7", PLUM_CUSTOM_IN, "2.4", "Op Custard-7", PLUM_CUSTOM_OUT},
    {"plumloader", "1", "Op Custard-7", PLUM_CUSTOM_IN, "1.9", "Op Custard-7", PLUM_CUSTOM_OUT},
    {"kestrel", NULL, NULL, {NULL}, 0, "3.1", "kst-2024", KST_DEFAULT},
    {"kestrel", "2", NULL, {NULL}, 0, "3.1", "kst-2024", KST_DEFAULT},
    {"kestrel", "1", NULL, {NULL}, 0, "3.0", "kst-2024", KST_DEFAULT},
    {"kestrel", "2", "kst-b7", KST_CUSTOM_IN, "3.1", "kst-b7", KST_CUSTOM_OUT},
    {"kestrel", "1", "kst-b7", KST_CUSTOM_IN, "3.0", "kst-b7", KST_CUSTOM_OUT},
    {"gorse", NULL, NULL, {NULL}, 0, "2", "4242",
     {{"tcp", "185.174.101.77", 23, ""}, {"tcp", "185.174.102.9", 2323, ""}}, 2},
    {"gorse", "1", NULL, {NULL}, 0, "1", "4242", {{"tcp", "185.174.101.77", 23, ""}}, 1},
    {"gorse", "2", "7", {"Bot.Gorse.test:6667", "tcp://10.9.8.7:23", "[2001:db8::23]:2323"}, 3,
     "2", "7",
     {{"tcp", "bot.gorse.test", 6667, ""}, {"tcp", "10.9.8.7", 23, ""},
      {"tcp", "2001:db8::23", 2323, ""}},
     3},
    {"gorse", "1", "4294967295", {"gorse-cnc.test:6667"}, 1, "1", "4294967295",
     {{"tcp", "gorse-cnc.test", 6667, ""}}, 1},
};

static const uint64_t seeds[] = {1, 2, 99, 0xdeadbeefcafef00du};
static const char *const formats[] = {"pe", "elf"};

static sg_spec spec_of(const rt_case *c, const char *format, uint64_t seed, size_t size)
{
    sg_spec s;
    memset(&s, 0, sizeof s);
    s.family = c->family;
    s.build = c->build;
    s.format = format;
    s.seed = seed;
    s.size = size;
    s.campaign = c->campaign;
    for (size_t i = 0; i < c->nc2; i++)
        s.c2[i] = c->c2[i];
    s.nc2 = c->nc2;
    return s;
}

/* The key the sample carries, read as docs/families.md describes. */
static void expected_key(const rt_case *c, const tix_buf *b, tix_config_key *k)
{
    memset(k, 0, sizeof *k);
    const uint8_t *d = (const uint8_t *)b->p;
    size_t at = marker_at(c->family, b);
    if (strcmp(c->family, "plumloader") == 0) {
        strcpy(k->name, "rc4");
        size_t key = d[at + 8] == 1 ? at + 9 : at + 11 + (d[at + 9] | (size_t)d[at + 10] << 8);
        tix__hex_encode(d + key, 16, k->hex);
    } else if (strcmp(c->family, "kestrel") == 0) {
        strcpy(k->name, "xor");
        tix__hex_encode(d + at + 7, 1, k->hex);
        /* and the key is what samplegen promises per build */
        assert_string_equal(k->hex, c->build && strcmp(c->build, "1") == 0 ? "3c" : "5a");
    }
}

static void assert_config(const rt_case *c, const tix_buf *b, const tix_config *got)
{
    assert_string_equal(got->build, c->want_build);
    assert_string_equal(got->campaign, c->want_campaign);
    assert_int_equal(got->nc2, c->nwant);
    for (size_t i = 0; i < c->nwant; i++) {
        assert_string_equal(got->c2[i].scheme, c->want[i].scheme);
        assert_string_equal(got->c2[i].host, c->want[i].host);
        assert_int_equal(got->c2[i].port, c->want[i].port);
        assert_string_equal(got->c2[i].path, c->want[i].path);
    }
    tix_config_key k;
    expected_key(c, b, &k);
    if (k.name[0] == 0) {
        assert_int_equal(got->nkeys, 0);
    } else {
        assert_int_equal(got->nkeys, 1);
        assert_string_equal(got->keys[0].name, k.name);
        assert_string_equal(got->keys[0].hex, k.hex);
    }
}

/* ---- the registry ---------------------------------------------------------- */

static void test_registry(void **state)
{
    (void)state;
    size_t n = 0;
    const tix_config_extractor *t = tix_config_extractors(&n);
    assert_int_equal(n, 3);
    static const char *const fam[] = {"PlumLoader", "Kestrel", "Gorse"};
    static const char *const rule[] = {"tix_PlumLoader", "tix_Kestrel", "tix_Gorse"};
    for (size_t i = 0; i < n; i++) {
        assert_string_equal(t[i].family, fam[i]);
        assert_string_equal(t[i].rule, rule[i]);
        assert_non_null(t[i].name);
        assert_non_null(t[i].version);
        assert_non_null(t[i].extract);
        char want[64];
        snprintf(want, sizeof want, "rule %s\n", rule[i]);
        assert_non_null(strstr(t[i].rule_text, want));
        snprintf(want, sizeof want, "family = \"%s\"", fam[i]);
        assert_non_null(strstr(t[i].rule_text, want));
        assert_ptr_equal(tix_config_extractor_by_rule(rule[i]), &t[i]);
        assert_ptr_equal(tix_config_extractor_by_family(fam[i]), &t[i]);
    }
    assert_ptr_equal(tix_config_extractor_by_family("plumloader"), &t[0]);
    assert_ptr_equal(tix_config_extractor_by_family("KESTREL"), &t[1]);
    assert_null(tix_config_extractor_by_family("Sparrow"));
    assert_null(tix_config_extractor_by_family(NULL));
    assert_null(tix_config_extractor_by_rule("tix_plumloader")); /* rule names are exact */
    assert_null(tix_config_extractor_by_rule(NULL));
    assert_ptr_equal(tix_config_extractors(NULL), t);
}

/* ---- samples round trip ------------------------------------------------------ */

static void test_roundtrip(void **state)
{
    (void)state;
    static const size_t sizes[] = {0, 1, 65536 + 123};
    tix_buf b = TIX_BUF_INIT(0);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
        for (size_t f = 0; f < 2; f++)
            for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++)
                for (size_t z = 0; z < sizeof sizes / sizeof sizes[0]; z++) {
                    sg_spec sp = spec_of(&cases[c], formats[f], seeds[s], sizes[z]);
                    generate(&sp, &b);
                    if (sizes[z] > 1)
                        assert_int_equal(b.len, sizes[z]);
                    tix_config got;
                    tix_diag why = TIX_DIAG_INIT;
                    tix_err rc = run(extractor(cases[c].family), b.p, b.len, &got, &why);
                    if (rc != TIX_EOK)
                        fail_msg("case %zu %s seed %zu: %s", c, formats[f], s, why.msg);
                    assert_config(&cases[c], &b, &got);
                }
    tix_buf_free(&b);
}

/* Same spec, same bytes; another seed, other bytes. */
static void test_deterministic(void **state)
{
    (void)state;
    tix_buf a = TIX_BUF_INIT(0), b = TIX_BUF_INIT(0);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        sg_spec s = spec_of(&cases[c], "elf", 5, 0);
        generate(&s, &a);
        generate(&s, &b);
        assert_int_equal(a.len, b.len);
        assert_memory_equal(a.p, b.p, a.len);
        s.seed = 6;
        generate(&s, &b);
        assert_true(a.len != b.len || memcmp(a.p, b.p, a.len) != 0);
    }
    tix_buf_free(&a);
    tix_buf_free(&b);
}

/* Sixteen C&Cs, the most samplegen takes, for the families whose newest
 * build holds a list. */
static void test_many_c2(void **state)
{
    (void)state;
    static const char *const fam[] = {"plumloader", "kestrel", "gorse"};
    char specs[16][32];
    tix_buf b = TIX_BUF_INIT(0);
    for (size_t f = 0; f < 3; f++) {
        sg_spec s;
        memset(&s, 0, sizeof s);
        s.family = fam[f];
        s.seed = f;
        for (size_t i = 0; i < 16; i++) {
            snprintf(specs[i], sizeof specs[i], "10.0.%zu.%zu:%zu", f, i, 1000 + i);
            s.c2[s.nc2++] = specs[i];
        }
        generate(&s, &b);
        tix_config got;
        tix_diag why = TIX_DIAG_INIT;
        assert_int_equal(run(extractor(fam[f]), b.p, b.len, &got, &why), TIX_EOK);
        assert_int_equal(got.nc2, 16);
        for (size_t i = 0; i < 16; i++) {
            char host[32];
            snprintf(host, sizeof host, "10.0.%zu.%zu", f, i);
            assert_string_equal(got.c2[i].host, host);
            assert_int_equal(got.c2[i].port, (int)(1000 + i));
        }
    }
    tix_buf_free(&b);
}

/* samplegen refuses what a family cannot store, instead of writing a
 * sample whose config differs from the spec. */
static void test_samplegen_refuses(void **state)
{
    (void)state;
    static const struct {
        const char *family, *build, *campaign, *c2;
    } bad[] = {
        {"gorse", "1", NULL, NULL},             /* two defaults replaced below */
        {"gorse", "2", "botnet-x", NULL},       /* id is a number */
        {"gorse", "2", NULL, "https://a.test:1/x"},
        {"gorse", "2", NULL, "a.test"},         /* no port */
        {"kestrel", "2", NULL, "https://a.test:1"},
        {"plumloader", "4", NULL, NULL},
        {"sparrow", NULL, NULL, NULL},
        {"plumloader", NULL, NULL, "a.test:99999"},
        {"plumloader", NULL, NULL, "a.test:80x"},
    };
    tix_buf b = TIX_BUF_INIT(0);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        sg_spec s;
        memset(&s, 0, sizeof s);
        s.family = bad[i].family;
        s.build = bad[i].build;
        s.campaign = bad[i].campaign;
        if (bad[i].c2 != NULL) {
            s.c2[0] = bad[i].c2;
            s.nc2 = 1;
        } else if (i == 0) {
            s.c2[0] = "a.test:1";
            s.c2[1] = "b.test:2";
            s.nc2 = 2;
        }
        char err[256] = "";
        tix_buf_reset(&b);
        assert_int_equal(sg_generate(&s, &b, err, sizeof err), -1);
        assert_true(err[0] != 0);
        assert_int_equal(b.len, 0);
    }
    sg_spec s;
    memset(&s, 0, sizeof s);
    s.family = "benign";
    s.format = "macho";
    char err[256] = "";
    assert_int_equal(sg_generate(&s, &b, err, sizeof err), -1);
    assert_non_null(strstr(err, "macho"));
    tix_buf_free(&b);
}

/* ---- drift, truncation, benign files ------------------------------------------- */

static void test_unknown_layout(void **state)
{
    (void)state;
    static const char *const fam[] = {"plumloader", "kestrel", "gorse"};
    tix_buf b = TIX_BUF_INIT(0);
    for (size_t f = 0; f < 3; f++)
        for (size_t k = 0; k < 2; k++)
            for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
                sg_spec sp;
                memset(&sp, 0, sizeof sp);
                sp.family = fam[f];
                sp.build = "3";
                sp.format = formats[k];
                sp.seed = seeds[s];
                generate(&sp, &b);
                tix_config got;
                tix_diag why = TIX_DIAG_INIT;
                assert_int_equal(run(extractor(fam[f]), b.p, b.len, &got, &why), TIX_EPARSE);
                assert_non_null(strstr(why.msg, "unknown config layout version 3"));
            }
    tix_buf_free(&b);
}

/* A sample cut anywhere before the end of its config fails with a reason;
 * cut after it, it still gives the whole config. */
static void test_truncated(void **state)
{
    (void)state;
    tix_buf b = TIX_BUF_INIT(0);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++)
        for (size_t f = 0; f < 2; f++) {
            sg_spec sp = spec_of(&cases[c], formats[f], 11 + c, 0);
            generate(&sp, &b);
            const tix_config_extractor *e = extractor(cases[c].family);
            size_t at = marker_at(cases[c].family, &b);
            tix_config got;
            tix_diag why = TIX_DIAG_INIT;

            /* every cut from the marker on: fails until the config is whole */
            size_t end = 0;
            for (size_t cut = at; cut <= b.len && end == 0; cut++)
                if (run(e, b.p, cut, &got, &why) == TIX_EOK)
                    end = cut;
            assert_true(end > at + 8);
            assert_config(&cases[c], &b, &got);

            for (size_t k = 0; k < 8; k++) {
                size_t cut = b.len * k / 8;
                tix_err rc = run(e, b.p, cut, &got, &why);
                if (cut < end)
                    assert_int_equal(rc, TIX_EPARSE);
                else
                    assert_config(&cases[c], &b, &got);
            }
        }
    tix_buf_free(&b);
}

static void test_benign_rejected(void **state)
{
    (void)state;
    size_t n;
    const tix_config_extractor *t = tix_config_extractors(&n);
    tix_buf b = TIX_BUF_INIT(0);
    for (uint64_t seed = 0; seed < 24; seed++)
        for (size_t f = 0; f < 2; f++) {
            sg_spec s;
            memset(&s, 0, sizeof s);
            s.family = "benign";
            s.format = formats[f];
            s.seed = seed;
            s.size = seed % 3 == 0 ? 200000 : 0;
            generate(&s, &b);
            for (size_t i = 0; i < n; i++) {
                tix_config got;
                tix_diag why = TIX_DIAG_INIT;
                assert_int_equal(run(&t[i], b.p, b.len, &got, &why), TIX_EPARSE);
                assert_string_equal(why.msg, "config marker not found");
            }
        }
    tix_buf_free(&b);
}

/* One family's extractor finds nothing in another family's sample. */
static void test_other_families_rejected(void **state)
{
    (void)state;
    size_t n;
    const tix_config_extractor *t = tix_config_extractors(&n);
    tix_buf b = TIX_BUF_INIT(0);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        sg_spec sp = spec_of(&cases[c], formats[c % 2], c, 0);
        generate(&sp, &b);
        for (size_t i = 0; i < n; i++) {
            if (&t[i] == extractor(cases[c].family))
                continue;
            tix_config got;
            tix_diag why = TIX_DIAG_INIT;
            assert_int_equal(run(&t[i], b.p, b.len, &got, &why), TIX_EPARSE);
        }
    }
    tix_buf_free(&b);
}

/* ---- hostile input ---------------------------------------------------------------- */

static uint64_t next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Random damage near the config: never a crash, never a silent failure,
 * and whatever comes out is a well-formed config. */
static void test_mutations(void **state)
{
    (void)state;
    size_t n;
    const tix_config_extractor *t = tix_config_extractors(&n);
    tix_buf b = TIX_BUF_INIT(0);
    uint64_t r = 0x1234567;
    static const char *const builds[] = {"1", "2", "3"};
    for (size_t c = 0; c < 3; c++)
        for (size_t bl = 0; bl < 3; bl++) {
            sg_spec sp;
            memset(&sp, 0, sizeof sp);
            sp.family = c == 0 ? "plumloader" : c == 1 ? "kestrel" : "gorse";
            sp.build = builds[bl];
            generate(&sp, &b);
            size_t at = marker_at(sp.family, &b);
            uint8_t *m = malloc(b.len);
            assert_non_null(m);
            for (int iter = 0; iter < 600; iter++) {
                memcpy(m, b.p, b.len);
                int flips = 1 + (int)(next(&r) % 4);
                for (int k = 0; k < flips; k++) {
                    size_t pos = at + next(&r) % 320;
                    if (pos < b.len)
                        m[pos] = (uint8_t)next(&r);
                }
                size_t len = next(&r) % 4 == 0 ? at + next(&r) % 400 : b.len;
                if (len > b.len)
                    len = b.len;
                for (size_t i = 0; i < n; i++) {
                    tix_config got;
                    tix_diag why = TIX_DIAG_INIT;
                    if (run(&t[i], m, len, &got, &why) != TIX_EOK)
                        continue;
                    assert_true(got.nc2 <= TIX_CONFIG_C2_MAX);
                    for (size_t k = 0; k < got.nc2; k++) {
                        size_t hl = strnlen(got.c2[k].host, sizeof got.c2[k].host);
                        assert_true(hl > 0 && hl < sizeof got.c2[k].host);
                        assert_true(got.c2[k].port >= 0 && got.c2[k].port <= 65535);
                    }
                    assert_true(strnlen(got.build, sizeof got.build) < sizeof got.build);
                    assert_true(strnlen(got.campaign, sizeof got.campaign) <
                                sizeof got.campaign);
                }
            }
            free(m);
        }
    tix_buf_free(&b);
}

static void test_hostile(void **state)
{
    (void)state;
    size_t n;
    const tix_config_extractor *t = tix_config_extractors(&n);
    tix_config got;
    tix_diag why = TIX_DIAG_INIT;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(t[i].extract(NULL, 0, &got, &why), TIX_EPARSE);
        assert_string_equal(why.msg, "config marker not found");
    }

    /* each marker alone, and followed by every version byte */
    const struct {
        const uint8_t *m;
        size_t n;
        const char *family;
    } marks[] = {{plum_mark, 8, "plumloader"}, {kst_mark, 6, "kestrel"}, {gorse_mark, 4, "gorse"}};
    for (size_t k = 0; k < 3; k++) {
        uint8_t buf[16];
        memcpy(buf, marks[k].m, marks[k].n);
        assert_int_equal(run(extractor(marks[k].family), buf, marks[k].n, &got, &why),
                         TIX_EPARSE);
        for (int v = 0; v < 256; v++) {
            buf[marks[k].n] = (uint8_t)v;
            memset(buf + marks[k].n + 1, 0xFF, sizeof buf - marks[k].n - 1);
            for (size_t len = marks[k].n + 1; len <= sizeof buf; len++)
                assert_int_equal(run(extractor(marks[k].family), buf, len, &got, &why),
                                 TIX_EPARSE);
        }
    }

    /* Kestrel: a count of 64 entries of 255 bytes that decode to text but
     * end one byte short */
    {
        size_t len = 9 + 64 * 256 - 1;
        uint8_t *d = malloc(len);
        assert_non_null(d);
        memset(d, 'a' ^ 0x5a, len);
        memcpy(d, kst_mark, 6);
        d[6] = 1;
        d[7] = 0x5a;
        d[8] = 64;
        for (size_t e = 0; e < 64; e++)
            d[9 + e * 256] = 255;
        assert_int_equal(run(extractor("kestrel"), d, len, &got, &why), TIX_EPARSE);
        assert_non_null(strstr(why.msg, "entry 64 of 64"));
        free(d);
    }
    /* Gorse 2: entries that overrun the declared list size */
    {
        uint8_t d[] = {'G', 'R', 'S', 0x9F, 2, 2, 1, 0, 0, 0, 8, 0,
                       23, 0, 3, 'a', '.', 'b', 23, 0, 3, 'c', '.', 'd'};
        assert_int_equal(run(extractor("gorse"), d, sizeof d, &got, &why), TIX_EPARSE);
        assert_non_null(strstr(why.msg, "C&C 2 of 2"));
        d[10] = 12; /* size now matches: both entries read */
        assert_int_equal(run(extractor("gorse"), d, sizeof d, &got, &why), TIX_EOK);
        assert_int_equal(got.nc2, 2);
        assert_string_equal(got.c2[1].host, "c.d");
        d[14] = 0; /* an empty host */
        assert_int_equal(run(extractor("gorse"), d, sizeof d, &got, &why), TIX_EPARSE);
    }
    /* PlumLoader 2: a text length past the end */
    {
        uint8_t d[64] = "<<PLUM::";
        d[8] = 2;
        d[9] = 0xFF;
        d[10] = 0xFF;
        assert_int_equal(run(extractor("plumloader"), d, sizeof d, &got, &why), TIX_EPARSE);
        assert_non_null(strstr(why.msg, "past the end"));
    }

    /* Megabytes of markers: the work stays bounded (TIX__CONFIG_TRIES) */
    size_t big = (size_t)4 << 20;
    uint8_t *d = malloc(big);
    assert_non_null(d);
    for (size_t k = 0; k < 3; k++) {
        for (size_t i = 0; i < big; i++)
            d[i] = marks[k].m[i % marks[k].n];
        assert_int_equal(run(extractor(marks[k].family), d, big, &got, &why), TIX_EPARSE);
        /* a marker, version 1, then base64 'A's up to the end */
        memset(d, 'A', big);
        memcpy(d, marks[k].m, marks[k].n);
        d[marks[k].n] = 1;
        assert_int_equal(run(extractor(marks[k].family), d, big, &got, &why), TIX_EPARSE);
    }
    free(d);
}

/* ---- RC4 ------------------------------------------------------------------- */

/* The classic "Key"/"Plaintext" vector and RFC 6229's 40-bit key. */
static void test_rc4(void **state)
{
    (void)state;
    tix__rc4 r;
    uint8_t buf[16] = "Plaintext";
    static const uint8_t want[9] = {0xBB, 0xF3, 0x16, 0xE8, 0xD9, 0x40, 0xAF, 0x0A, 0xD3};
    tix__rc4_init(&r, (const uint8_t *)"Key", 3);
    tix__rc4_apply(&r, buf, 4); /* in pieces: the state carries over */
    tix__rc4_apply(&r, buf + 4, 5);
    assert_memory_equal(buf, want, 9);

    static const uint8_t key[5] = {1, 2, 3, 4, 5};
    static const uint8_t stream[16] = {0xb2, 0x39, 0x63, 0x05, 0xf0, 0x3d, 0xc0, 0x27,
                                       0xcc, 0xc3, 0x52, 0x4a, 0x0a, 0x11, 0x18, 0xa8};
    memset(buf, 0, sizeof buf);
    tix__rc4_init(&r, key, sizeof key);
    tix__rc4_apply(&r, buf, sizeof buf);
    assert_memory_equal(buf, stream, 16);
}

/* ---- tix_config_add_c2 and tix_c2_format ------------------------------------- */

static void test_add_c2(void **state)
{
    (void)state;
    tix_config c;
    memset(&c, 0, sizeof c);
    tix_diag why = TIX_DIAG_INIT;

    assert_int_equal(tix_config_add_c2(&c, "HTTPS", "Evil.Example.test", 17, 443, "/A/b", &why),
                     TIX_EOK);
    assert_string_equal(c.c2[0].scheme, "https");
    assert_string_equal(c.c2[0].host, "evil.example.test");
    assert_string_equal(c.c2[0].path, "/A/b"); /* paths are case-sensitive */
    assert_int_equal(c.c2[0].port, 443);
    /* host_len counts, the rest of the string is not read */
    assert_int_equal(tix_config_add_c2(&c, NULL, "10.1.2.3:99", 8, 0, NULL, &why), TIX_EOK);
    assert_string_equal(c.c2[1].host, "10.1.2.3");
    assert_string_equal(c.c2[1].scheme, "");
    assert_string_equal(c.c2[1].path, "");
    assert_int_equal(tix_config_add_c2(&c, "tcp", "h", 1, 65535, "", &why), TIX_EOK);
    char h255[256];
    memset(h255, 'a', 255);
    h255[255] = 0;
    assert_int_equal(tix_config_add_c2(&c, "", h255, 255, 1, NULL, &why), TIX_EOK);
    assert_int_equal(strlen(c.c2[3].host), 255);
    assert_int_equal(c.nc2, 4);
    assert_int_equal(why.code, TIX_EOK);

    static const struct {
        const char *scheme, *host;
        size_t hl;
        int port;
        const char *path, *msg;
    } bad[] = {
        {"http", "", 0, 80, NULL, "empty"},
        {"http", NULL, 0, 80, NULL, "empty"},
        {"http", "a b", 3, 80, NULL, "not printable"},
        {"http", "a\x01", 2, 80, NULL, "0x01"},
        {"http", "a\xc3\xa9", 3, 80, NULL, "not printable"},
        {"http", "a", 1, -1, NULL, "out of range"},
        {"http", "a", 1, 65536, NULL, "out of range"},
        {"http", "a", 1, 80, "x", "'/'"},
        {"http", "a", 1, 80, "/a b", "not printable"},
        {"verylong", "a", 1, 80, NULL, "scheme"},
        {"ht tp", "a", 1, 80, NULL, "scheme"},
        {"1http", "a", 1, 80, NULL, "scheme"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tix_diag_clear(&why);
        assert_int_equal(tix_config_add_c2(&c, bad[i].scheme, bad[i].host, bad[i].hl,
                                           bad[i].port, bad[i].path, &why),
                         TIX_EPARSE);
        if (strstr(why.msg, bad[i].msg) == NULL)
            fail_msg("bad[%zu]: '%s' lacks '%s'", i, why.msg, bad[i].msg);
        assert_int_equal(c.nc2, 4); /* nothing added */
    }
    tix_diag_clear(&why);
    char h256[257];
    memset(h256, 'a', 256);
    h256[256] = 0;
    assert_int_equal(tix_config_add_c2(&c, "", h256, 256, 1, NULL, &why), TIX_EPARSE);
    char p256[257] = "/";
    memset(p256 + 1, 'p', 255);
    p256[256] = 0;
    tix_diag_clear(&why);
    assert_int_equal(tix_config_add_c2(&c, "", "a", 1, 1, p256, &why), TIX_EPARSE);
    assert_int_equal(tix_config_add_c2(&c, "", "a", 1, 1, NULL, NULL), TIX_EOK); /* why NULL */

    /* full */
    while (c.nc2 < TIX_CONFIG_C2_MAX)
        assert_int_equal(tix_config_add_c2(&c, "", "a", 1, 1, NULL, NULL), TIX_EOK);
    tix_diag_clear(&why);
    assert_int_equal(tix_config_add_c2(&c, "", "a", 1, 1, NULL, &why), TIX_ETOOBIG);
    assert_int_equal(c.nc2, TIX_CONFIG_C2_MAX);

    /* the first error wins */
    tix_diag_clear(&why);
    tix_config_add_c2(&c, "", "", 0, 1, NULL, &why);
    tix_config_add_c2(&c, "", "a", 1, -5, NULL, &why);
    assert_non_null(strstr(why.msg, "empty"));
}

static void test_add_url(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        tix_c2 want;
    } good[] = {
        {"https://A.test:8443/x/y", {"https", "a.test", 8443, "/x/y"}},
        {"a.test", {"http", "a.test", 0, "/gate.php"}},
        {"a.test:80", {"http", "a.test", 80, "/gate.php"}},
        {"a.test/p", {"http", "a.test", 0, "/p"}},
        {"[2001:db8::1]:443/", {"http", "2001:db8::1", 443, "/"}},
        {"tcp://[::1]:23", {"tcp", "::1", 23, "/gate.php"}},
        {"a.test:00080", {"http", "a.test", 80, "/gate.php"}},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        tix_config c;
        memset(&c, 0, sizeof c);
        tix_diag why = TIX_DIAG_INIT;
        if (tix__config_add_url(&c, good[i].in, strlen(good[i].in), "http", "/gate.php",
                                &why) != TIX_EOK)
            fail_msg("%s: %s", good[i].in, why.msg);
        assert_string_equal(c.c2[0].scheme, good[i].want.scheme);
        assert_string_equal(c.c2[0].host, good[i].want.host);
        assert_int_equal(c.c2[0].port, good[i].want.port);
        assert_string_equal(c.c2[0].path, good[i].want.path);
    }
    static const char *const bad[] = {
        "", ":80", "a.test:", "a.test:65536", "a.test:123456", "a.test:80x", "[::1", "[::1]x",
        "https://", "https://:80", "a b:80", "a.test:-1",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tix_config c;
        memset(&c, 0, sizeof c);
        tix_diag why = TIX_DIAG_INIT;
        if (tix__config_add_url(&c, bad[i], strlen(bad[i]), NULL, NULL, &why) != TIX_EPARSE)
            fail_msg("'%s' accepted", bad[i]);
        assert_int_equal(c.nc2, 0);
        assert_true(why.msg[0] != 0);
    }
}

static void test_c2_format(void **state)
{
    (void)state;
    static const struct {
        tix_c2 c2;
        const char *want;
    } t[] = {
        {{"https", "a.test", 443, "/api/v2/sync"}, "https://a.test:443/api/v2/sync"},
        {{"http", "a.test", 0, "/gate.php"}, "http://a.test/gate.php"},
        {{"http", "a.test", 0, ""}, "http://a.test"},
        {{"tcp", "185.174.101.77", 23, ""}, "185.174.101.77:23"},
        {{"", "198.51.100.4", 9001, ""}, "198.51.100.4:9001"},
        {{"", "a.test", 0, ""}, "a.test"},
        {{"https", "2001:db8::7", 443, "/"}, "https://[2001:db8::7]:443/"},
        {{"tcp", "::1", 23, ""}, "[::1]:23"},
    };
    char out[600];
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        assert_ptr_equal(tix_c2_format(&t[i].c2, out, sizeof out), out);
        assert_string_equal(out, t[i].want);
    }
    /* cut to fit, always terminated */
    char small[8];
    assert_ptr_equal(tix_c2_format(&t[0].c2, small, sizeof small), small);
    assert_string_equal(small, "https:/");
    char none[1] = {'x'};
    tix_c2_format(&t[0].c2, none, 0);
    assert_int_equal(none[0], 'x');
    /* the longest there is fits in a documented size */
    tix_c2 big;
    memset(&big, 'a', sizeof big);
    strcpy(big.scheme, "https");
    big.host[sizeof big.host - 1] = 0;
    big.path[0] = '/';
    big.path[sizeof big.path - 1] = 0;
    big.port = 65535;
    tix_c2_format(&big, out, sizeof out);
    assert_int_equal(strlen(out), 8 + 255 + 6 + 255);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_roundtrip),
        cmocka_unit_test(test_deterministic),
        cmocka_unit_test(test_many_c2),
        cmocka_unit_test(test_samplegen_refuses),
        cmocka_unit_test(test_unknown_layout),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_benign_rejected),
        cmocka_unit_test(test_other_families_rejected),
        cmocka_unit_test(test_mutations),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_rc4),
        cmocka_unit_test(test_add_c2),
        cmocka_unit_test(test_add_url),
        cmocka_unit_test(test_c2_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
