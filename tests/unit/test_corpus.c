/* test_corpus.c - precision and recall of the extractor on a labelled corpus.
 *
 * tests/corpus/extract.tsv holds one case per line: INPUT<TAB>EXPECTED.
 * INPUT is written with C escapes (\t \n \r \\ \xHH); EXPECTED is a
 * space-separated multiset of type:value in canonical form (docs/extract.md),
 * empty when nothing may be found. Lines starting with '#' and empty lines
 * are skipped. Every case is scanned on its own with tix_extract_mem() and
 * the hits are compared with EXPECTED as multisets: a hit matching an
 * expected item is a true positive, any other hit a false positive, an
 * expected item without a hit a false negative. Each mismatch is printed
 * with its corpus line, then per-type and overall precision and recall.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tix/tix.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CORPUS_PATH TIX_SOURCE_DIR "/tests/corpus/extract.tsv"
#define MIN_CASES 300
#define MIN_PRECISION 0.98
#define MIN_RECALL 0.98

/* Type names as the corpus spells them; independent of tix_obs_name() so
 * that a wrong name from the library shows up as a mismatch. */
static const char *const type_names[TIX_OBS_COUNT] = {
#define X(e, n, s) n,
    TIX_OBS_MAP(X)
#undef X
};

typedef struct {
    char *s;   /* "type:value", NUL-terminated, owned */
    int type;  /* tix_obs_type, or -1 when the library gave an unknown one */
    bool used; /* matched during the comparison */
} item;

typedef struct {
    item *v;
    size_t n, cap;
} item_list;

typedef struct {
    size_t line;
    unsigned char *input; /* owned */
    size_t input_len;
    item_list expected;
} corpus_case;

typedef struct {
    corpus_case *v;
    size_t n, cap;
} corpus;

typedef struct {
    size_t tp, fp, fn;
} counts;

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (q == NULL)
        fail_msg("out of memory");
    return q;
}

static char *xstrndup(const char *s, size_t n)
{
    char *p = xrealloc(NULL, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static void items_add(item_list *l, char *s, int type)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 8;
        l->v = xrealloc(l->v, l->cap * sizeof *l->v);
    }
    l->v[l->n].s = s;
    l->v[l->n].type = type;
    l->v[l->n].used = false;
    l->n++;
}

static void items_free(item_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].s);
    free(l->v);
    l->v = NULL;
    l->n = l->cap = 0;
}

static void corpus_free(corpus *c)
{
    for (size_t i = 0; i < c->n; i++) {
        free(c->v[i].input);
        items_free(&c->v[i].expected);
    }
    free(c->v);
    c->v = NULL;
    c->n = c->cap = 0;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot open %s", path);
    size_t cap = 1 << 16, n = 0;
    char *buf = xrealloc(NULL, cap);
    for (;;) {
        if (n == cap) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    bool bad = ferror(f) != 0;
    fclose(f);
    if (bad) {
        free(buf);
        fail_msg("cannot read %s", path);
    }
    *len = n;
    return buf;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode the C escapes of s[0..n) into a new buffer; NULL on a bad escape
 * (err then says which). */
static unsigned char *unescape(const char *s, size_t n, size_t *out_len,
                               char *err, size_t errlen)
{
    unsigned char *out = xrealloc(NULL, n);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\') {
            out[o++] = (unsigned char)s[i];
            continue;
        }
        if (i + 1 >= n) {
            snprintf(err, errlen, "backslash at end of input");
            free(out);
            return NULL;
        }
        char e = s[++i];
        switch (e) {
        case 't': out[o++] = '\t'; break;
        case 'n': out[o++] = '\n'; break;
        case 'r': out[o++] = '\r'; break;
        case '\\': out[o++] = '\\'; break;
        case 'x': {
            int hi = i + 1 < n ? hexval(s[i + 1]) : -1;
            int lo = i + 2 < n ? hexval(s[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                snprintf(err, errlen, "bad \\x escape (two hex digits needed)");
                free(out);
                return NULL;
            }
            out[o++] = (unsigned char)(hi << 4 | lo);
            i += 2;
            break;
        }
        default:
            snprintf(err, errlen, "unknown escape \\%c", e);
            free(out);
            return NULL;
        }
    }
    *out_len = o;
    return out;
}

static int type_from_name(const char *s, size_t n)
{
    for (int t = 0; t < TIX_OBS_COUNT; t++)
        if (strlen(type_names[t]) == n && memcmp(type_names[t], s, n) == 0)
            return t;
    return -1;
}

/* Parse EXPECTED (s[0..n)) into l. Returns false with err set on error. */
static bool parse_expected(const char *s, size_t n, item_list *l,
                           bool seen[TIX_OBS_COUNT], char *err, size_t errlen)
{
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        while (j < n && s[j] != ' ')
            j++;
        const char *tok = s + i;
        size_t len = j - i;
        if (len == 0) {
            snprintf(err, errlen, "empty item in EXPECTED (double or trailing space)");
            return false;
        }
        const char *colon = memchr(tok, ':', len);
        if (colon == NULL) {
            snprintf(err, errlen, "item '%.*s' is not type:value", (int)len, tok);
            return false;
        }
        int t = type_from_name(tok, (size_t)(colon - tok));
        if (t < 0) {
            snprintf(err, errlen, "unknown type '%.*s'", (int)(colon - tok), tok);
            return false;
        }
        if (colon + 1 == tok + len) {
            snprintf(err, errlen, "empty value in '%.*s'", (int)len, tok);
            return false;
        }
        for (size_t k = 0; k < len; k++) {
            if ((unsigned char)tok[k] < 0x20) {
                snprintf(err, errlen, "control byte in EXPECTED item '%.*s'", (int)len, tok);
                return false;
            }
        }
        items_add(l, xstrndup(tok, len), t);
        seen[t] = true;
        i = j + 1;
        if (j + 1 == n) {
            snprintf(err, errlen, "trailing space in EXPECTED");
            return false;
        }
    }
    return true;
}

/* Parse the whole corpus text; false with err ("corpus:LINE: ...") on the
 * first malformed line. */
static bool parse_corpus(const char *text, size_t len, corpus *c,
                         bool seen[TIX_OBS_COUNT], char *err, size_t errlen)
{
    char msg[200];
    size_t line = 0, pos = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - text) : len;
        const char *s = text + pos;
        size_t n = end - pos;
        pos = end + 1;
        line++;
        if (n > 0 && s[n - 1] == '\r')
            n--;
        if (n == 0 || s[0] == '#')
            continue;
        const char *tab = memchr(s, '\t', n);
        if (tab == NULL) {
            snprintf(err, errlen, "corpus:%zu: no tab between INPUT and EXPECTED", line);
            return false;
        }
        size_t in_n = (size_t)(tab - s);
        const char *exp = tab + 1;
        size_t exp_n = n - in_n - 1;
        if (memchr(exp, '\t', exp_n) != NULL) {
            snprintf(err, errlen, "corpus:%zu: more than one tab (write \\t inside INPUT)", line);
            return false;
        }
        if (c->n == c->cap) {
            c->cap = c->cap ? 2 * c->cap : 256;
            c->v = xrealloc(c->v, c->cap * sizeof *c->v);
        }
        corpus_case *cc = &c->v[c->n];
        memset(cc, 0, sizeof *cc);
        cc->line = line;
        cc->input = unescape(s, in_n, &cc->input_len, msg, sizeof msg);
        if (cc->input == NULL) {
            snprintf(err, errlen, "corpus:%zu: %s", line, msg);
            return false;
        }
        c->n++; /* owned by c from here on, freed by corpus_free */
        if (!parse_expected(exp, exp_n, &cc->expected, seen, msg, sizeof msg)) {
            snprintf(err, errlen, "corpus:%zu: %s", line, msg);
            return false;
        }
    }
    return true;
}

static int collect_hit(void *ud, const tix_hit *hit)
{
    item_list *found = ud;
    const char *name = tix_obs_name(hit->type);
    int t = name != NULL ? (int)hit->type : -1;
    if (name == NULL)
        name = "?";
    size_t nl = strlen(name);
    char *s = xrealloc(NULL, nl + 1 + hit->value_len + 1);
    memcpy(s, name, nl);
    s[nl] = ':';
    memcpy(s + nl + 1, hit->value, hit->value_len);
    s[nl + 1 + hit->value_len] = '\0';
    items_add(found, s, t);
    return 0;
}

static double ratio(size_t num, size_t den)
{
    return den ? (double)num / (double)den : 1.0;
}

static void test_corpus_precision_recall(void **state)
{
    (void)state;
    char err[320] = {0};
    bool seen[TIX_OBS_COUNT] = {false};
    corpus c = {NULL, 0, 0};

    size_t len = 0;
    char *text = read_file(CORPUS_PATH, &len);
    bool ok = parse_corpus(text, len, &c, seen, err, sizeof err);
    free(text);
    if (!ok) {
        corpus_free(&c);
        fail_msg("%s", err);
    }

    tix_diag d = TIX_DIAG_INIT;
    tix_extractor *ex = NULL;
    if (tix_extractor_new(&ex, 0, &d) != TIX_EOK) {
        corpus_free(&c);
        fail_msg("tix_extractor_new: %s", d.msg);
    }

    counts per[TIX_OBS_COUNT + 1]; /* last slot: hits of an unknown type */
    memset(per, 0, sizeof per);
    size_t failed_scans = 0;
    for (size_t i = 0; i < c.n; i++) {
        corpus_case *cc = &c.v[i];
        item_list found = {NULL, 0, 0};
        tix_diag_clear(&d);
        tix_err rc = tix_extract_mem(ex, cc->input, cc->input_len, collect_hit, &found, &d);
        if (rc != TIX_EOK) {
            printf("corpus:%zu: tix_extract_mem failed: %s (%s)\n", cc->line,
                   tix_strerror(rc), d.msg);
            failed_scans++;
        }
        for (size_t e = 0; e < cc->expected.n; e++) {
            item *want = &cc->expected.v[e];
            want->used = false;
            for (size_t f = 0; f < found.n; f++) {
                if (!found.v[f].used && strcmp(found.v[f].s, want->s) == 0) {
                    found.v[f].used = want->used = true;
                    break;
                }
            }
            if (want->used) {
                per[want->type].tp++;
            } else {
                per[want->type].fn++;
                printf("corpus:%zu: missing %s\n", cc->line, want->s);
            }
        }
        for (size_t f = 0; f < found.n; f++) {
            if (found.v[f].used)
                continue;
            per[found.v[f].type >= 0 ? found.v[f].type : TIX_OBS_COUNT].fp++;
            printf("corpus:%zu: unexpected %s\n", cc->line, found.v[f].s);
        }
        items_free(&found);
    }
    tix_extractor_free(ex);

    counts all = {0, 0, 0};
    printf("%-8s %6s %6s %6s %10s %10s\n", "type", "tp", "fp", "fn", "precision", "recall");
    for (int t = 0; t <= TIX_OBS_COUNT; t++) {
        const char *name = t < TIX_OBS_COUNT ? type_names[t] : "unknown";
        if (t == TIX_OBS_COUNT && per[t].fp == 0)
            continue;
        printf("%-8s %6zu %6zu %6zu %10.4f %10.4f\n", name, per[t].tp, per[t].fp,
               per[t].fn, ratio(per[t].tp, per[t].tp + per[t].fp),
               ratio(per[t].tp, per[t].tp + per[t].fn));
        all.tp += per[t].tp;
        all.fp += per[t].fp;
        all.fn += per[t].fn;
    }
    double precision = ratio(all.tp, all.tp + all.fp);
    double recall = ratio(all.tp, all.tp + all.fn);
    size_t ncases = c.n;
    printf("precision=%.4f recall=%.4f (tp=%zu fp=%zu fn=%zu) over %zu cases\n",
           precision, recall, all.tp, all.fp, all.fn, ncases);
    fflush(stdout);
    corpus_free(&c);

    if (ncases < MIN_CASES)
        fail_msg("corpus has %zu cases, at least %d wanted", ncases, MIN_CASES);
    for (int t = 0; t < TIX_OBS_COUNT; t++)
        if (!seen[t])
            fail_msg("no corpus case expects a %s", type_names[t]);
    if (failed_scans > 0)
        fail_msg("%zu scans failed", failed_scans);
    if (precision < MIN_PRECISION)
        fail_msg("precision %.4f below %.2f", precision, MIN_PRECISION);
    if (recall < MIN_RECALL)
        fail_msg("recall %.4f below %.2f", recall, MIN_RECALL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_corpus_precision_recall),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
