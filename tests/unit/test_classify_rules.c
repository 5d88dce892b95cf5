/* test_classify_rules.c - YARA rules through libyara: compiling with bad
 * files reported and skipped, families from meta or rule name, namespaces,
 * saving and loading, the store's rule set, and classifying many files in
 * order on several threads. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tix/classify.h"

static const char good_a[] =
    "rule alpha_loader : loader\n"
    "{\n"
    "    meta:\n"
    "        family = \"Alpha\"\n"
    "    strings:\n"
    "        $a = \"ALPHA-MARKER\"\n"
    "    condition:\n"
    "        $a\n"
    "}\n"
    "rule beta_generic { strings: $b = { 42 45 54 41 ?? 21 } condition: $b }\n";

/* the same rule name as in good_a: fine in its own namespace */
static const char good_b[] = "rule alpha_loader { strings: $x = \"OTHER\" condition: $x }\n";

static const char bad_line3[] = "rule ok { condition: true }\n"
                                "\n"
                                "rule broken { strings: $a = \"x\" condition: $b }\n";

typedef struct {
    char msgs[4][256];
    int n;
} reports;

static void on_report(void *ud, const char *msg)
{
    reports *r = ud;
    if (r->n < 4)
        snprintf(r->msgs[r->n], sizeof r->msgs[0], "%s", msg);
    r->n++;
}

static tix_rules *compile(const tix_rule_file *f, size_t n, reports *rep, size_t *bad)
{
    tix_rules *r = NULL;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_rules_compile(f, n, on_report, rep, bad, &r, &d), TIX_EOK);
    assert_non_null(r);
    return r;
}

static tix_classification *scan(tix_classifier *c, const char *data)
{
    tix_classification *res = NULL;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_classify(c, (const uint8_t *)data, strlen(data), &res, &d), TIX_EOK);
    return res;
}

static void test_bad_file_skipped_with_line(void **state)
{
    (void)state;
    tix_rule_file f[] = {
        {"a.yar", good_a, sizeof good_a - 1},
        {"bad.yar", bad_line3, sizeof bad_line3 - 1},
        {"b.yar", good_b, sizeof good_b - 1},
    };
    reports rep = {0};
    size_t bad = 99;
    tix_rules *r = compile(f, 3, &rep, &bad);
    assert_int_equal(bad, 1);
    assert_int_equal(rep.n, 1);
    assert_non_null(strstr(rep.msgs[0], "bad.yar:3: "));
    assert_non_null(strstr(rep.msgs[0], "$b"));
    size_t nx;
    tix_config_extractors(&nx);
    /* 2 + 1 rules of the good files, plus one built-in rule per extractor */
    assert_int_equal(tix_rules_count(r), 3 + nx);
    tix_rules_free(r);
}

static void test_check_alone(void **state)
{
    (void)state;
    size_t n = 0;
    tix_diag d = TIX_DIAG_INIT;
    tix_rule_file ok = {"a.yar", good_a, sizeof good_a - 1};
    assert_int_equal(tix_rules_check(&ok, &n, &d), TIX_EOK);
    assert_int_equal(n, 2);
    tix_rule_file empty = {"empty.yar", "// nothing\n", 11};
    assert_int_equal(tix_rules_check(&empty, &n, &d), TIX_EPARSE);
    assert_string_equal(d.msg, "empty.yar: no rules in it");
    tix_diag_clear(&d);
    static const char inc_text[] = "include \"/etc/passwd\"\nrule x { condition: true }\n";
    tix_rule_file inc = {"inc.yar", inc_text, sizeof inc_text - 1};
    assert_int_equal(tix_rules_check(&inc, &n, &d), TIX_EPARSE);
    assert_non_null(strstr(d.msg, "inc.yar:1: "));
    tix_diag_clear(&d);
    static const char nul_text[] = "rule x {\0 condition: true }";
    tix_rule_file nul = {"nul.yar", nul_text, sizeof nul_text - 1};
    assert_int_equal(tix_rules_check(&nul, &n, &d), TIX_EPARSE);
    assert_non_null(strstr(d.msg, "NUL"));
}

static void test_families_and_namespaces(void **state)
{
    (void)state;
    tix_rule_file f[] = {
        {"a.yar", good_a, sizeof good_a - 1},
        {"b.yar", good_b, sizeof good_b - 1},
    };
    reports rep = {0};
    tix_rules *r = compile(f, 2, &rep, NULL);
    tix_classifier *c;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_classifier_new(r, &c, &d), TIX_EOK);

    tix_classification *res = scan(c, "xx ALPHA-MARKER yy BETA\x01! OTHER");
    assert_int_equal(res->nmatches, 3);
    /* meta family names it, else the rule's name */
    assert_int_equal(res->nfamilies, 3);
    bool alpha = false, beta = false, other = false;
    for (size_t i = 0; i < res->nmatches; i++) {
        const tix_rule_match *m = &res->matches[i];
        if (strcmp(m->ns, "a.yar") == 0 && strcmp(m->rule, "alpha_loader") == 0)
            alpha = strcmp(m->family, "Alpha") == 0;
        if (strcmp(m->rule, "beta_generic") == 0)
            beta = strcmp(m->family, "beta_generic") == 0;
        if (strcmp(m->ns, "b.yar") == 0)
            other = strcmp(m->family, "alpha_loader") == 0;
    }
    assert_true(alpha && beta && other);
    assert_int_equal(res->state, TIX_CFG_NONE);
    assert_null(res->extractor);

    res = scan(c, "nothing to see");
    assert_int_equal(res->nmatches, 0);
    assert_int_equal(res->nfamilies, 0);
    /* an empty buffer is scanned like any other */
    tix_classification *e = NULL;
    assert_int_equal(tix_classify(c, NULL, 0, &e, &d), TIX_EOK);
    assert_int_equal(e->nmatches, 0);
    tix_classifier_free(c);
    tix_rules_free(r);
}

static void test_save_load(void **state)
{
    (void)state;
    tix_rule_file f = {"a.yar", good_a, sizeof good_a - 1};
    reports rep = {0};
    tix_rules *r = compile(&f, 1, &rep, NULL);
    tix_buf blob = TIX_BUF_INIT((size_t)1 << 30);
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_rules_save(r, &blob, &d), TIX_EOK);
    assert_true(blob.len > 100);
    tix_rules *back = NULL;
    assert_int_equal(tix_rules_load(blob.p, blob.len, &back, &d), TIX_EOK);
    assert_int_equal(tix_rules_count(back), tix_rules_count(r));
    tix_classifier *c;
    assert_int_equal(tix_classifier_new(back, &c, &d), TIX_EOK);
    tix_classification *res = scan(c, "..ALPHA-MARKER..");
    assert_int_equal(res->nmatches, 1);
    assert_string_equal(res->families[0], "Alpha");
    tix_classifier_free(c);
    /* a damaged blob is refused, not trusted */
    tix_rules *bad = NULL;
    blob.p[blob.len / 2] ^= 0x55;
    assert_int_not_equal(tix_rules_load(blob.p, 16, &bad, &d), TIX_EOK);
    assert_null(bad);
    tix_buf_free(&blob);
    tix_rules_free(back);
    tix_rules_free(r);
}

static int on_rule_file(void *ud, const tix_rule_file_rec *r)
{
    int *n = ud;
    assert_string_equal(r->name, "a.yar");
    assert_int_equal(r->rules, 2);
    (*n)++;
    return 0;
}

static void test_store(void **state)
{
    (void)state;
    char path[] = "/tmp/tix-test-rules-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    tix_store *s;
    tix_diag d = TIX_DIAG_INIT;
    assert_int_equal(tix_store_open(&s, path, TIX_STORE_CREATE, &d), TIX_EOK);

    /* no rule files: the built-in rules alone */
    tix_rules *r = NULL;
    assert_int_equal(tix_rules_from_store(s, &r, &d), TIX_EOK);
    size_t nx;
    tix_config_extractors(&nx);
    assert_int_equal(tix_rules_count(r), nx);
    tix_rules_free(r);

    tix_rule_file f[] = {
        {"a.yar", good_a, sizeof good_a - 1},
        {"bad.yar", bad_line3, sizeof bad_line3 - 1},
    };
    reports rep = {0};
    tix_rules_stats st;
    assert_int_equal(tix_store_begin(s, &d), TIX_EOK);
    assert_int_equal(tix_rules_store_add(s, f, 2, on_report, &rep, &st, &d), TIX_EOK);
    assert_int_equal(tix_store_commit(s, &d), TIX_EOK);
    assert_int_equal(st.files_stored, 1);
    assert_int_equal(st.files_bad, 1);
    assert_int_equal(st.rules, 2 + nx);
    assert_int_equal(rep.n, 1);
    int n = 0;
    assert_int_equal(tix_store_rule_file_each(s, false, on_rule_file, &n, &d), TIX_EOK);
    assert_int_equal(n, 1);

    /* the same file again changes nothing */
    assert_int_equal(tix_store_begin(s, &d), TIX_EOK);
    assert_int_equal(tix_rules_store_add(s, f, 1, NULL, NULL, &st, &d), TIX_EOK);
    assert_int_equal(tix_store_commit(s, &d), TIX_EOK);
    assert_int_equal(st.files_same, 1);
    assert_int_equal(st.files_stored, 0);

    assert_int_equal(tix_rules_from_store(s, &r, &d), TIX_EOK);
    assert_int_equal(tix_rules_count(r), 2 + nx);
    tix_rules_free(r);

    /* a set from another libyara is compiled again from the files */
    assert_int_equal(tix_store_begin(s, &d), TIX_EOK);
    assert_int_equal(tix_store_rule_set_put(s, "0.0.1", "junk", 4, &d), TIX_EOK);
    assert_int_equal(tix_store_commit(s, &d), TIX_EOK);
    assert_int_equal(tix_rules_from_store(s, &r, &d), TIX_EOK);
    assert_int_equal(tix_rules_count(r), 2 + nx);
    tix_rules_free(r);

    bool removed;
    assert_int_equal(tix_store_begin(s, &d), TIX_EOK);
    assert_int_equal(tix_rules_store_rm(s, "a.yar", &removed, &d), TIX_EOK);
    assert_int_equal(tix_store_commit(s, &d), TIX_EOK);
    assert_true(removed);
    assert_int_equal(tix_rules_from_store(s, &r, &d), TIX_EOK);
    assert_int_equal(tix_rules_count(r), nx);
    tix_rules_free(r);
    tix_store_close(s);
    unlink(path);
}

/* ---- many files, in order, on several threads ---- */

typedef struct {
    char **paths;
    size_t n, seen;
    bool in_order;
    size_t matched, errors;
} walk;

static int on_file(void *ud, const char *path, uint64_t size, const tix_classification *c,
                   const tix_diag *err)
{
    walk *w = ud;
    if (w->seen >= w->n || strcmp(path, w->paths[w->seen]) != 0)
        w->in_order = false;
    w->seen++;
    if (err) {
        w->errors++;
        return 0;
    }
    /* every third file carries the marker */
    bool want = (w->seen - 1) % 3 == 0;
    if (want != (c->nmatches == 1) || size == 0)
        w->in_order = false;
    w->matched += c->nmatches;
    return 0;
}

static void test_files_in_order(void **state)
{
    (void)state;
    char dir[] = "/tmp/tix-test-cls-XXXXXX";
    assert_non_null(mkdtemp(dir));
    enum { N = 60 };
    char *paths[N + 1];
    for (int i = 0; i < N; i++) {
        paths[i] = malloc(strlen(dir) + 32);
        sprintf(paths[i], "%s/f%03d", dir, i);
        FILE *f = fopen(paths[i], "wb");
        assert_non_null(f);
        for (int k = 0; k < 2000 + i * 37; k++)
            fputc('a' + (k * 7 + i) % 26, f);
        if (i % 3 == 0)
            fputs("ALPHA-MARKER", f);
        fclose(f);
    }
    paths[N] = malloc(strlen(dir) + 32);
    sprintf(paths[N], "%s/missing", dir);
    tix_rule_file f = {"a.yar", good_a, sizeof good_a - 1};
    reports rep = {0};
    tix_rules *r = compile(&f, 1, &rep, NULL);
    for (int threads = 1; threads <= 4; threads++) {
        walk w = {.paths = paths, .n = N + 1, .in_order = true};
        tix_diag d = TIX_DIAG_INIT;
        assert_int_equal(tix_classify_files(r, paths, N + 1, threads, on_file, &w, &d), TIX_EOK);
        assert_true(w.in_order);
        assert_int_equal(w.seen, N + 1);
        assert_int_equal(w.matched, N / 3);
        assert_int_equal(w.errors, 1);
    }
    tix_rules_free(r);
    for (int i = 0; i <= N; i++) {
        unlink(paths[i]);
        free(paths[i]);
    }
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_file_skipped_with_line),
        cmocka_unit_test(test_check_alone),
        cmocka_unit_test(test_families_and_namespaces),
        cmocka_unit_test(test_save_load),
        cmocka_unit_test(test_store),
        cmocka_unit_test(test_files_in_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
