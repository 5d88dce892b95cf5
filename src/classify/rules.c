/* rules.c - YARA rule files compiled with libyara, saved and loaded.
 *
 * Each file is first compiled on its own: libyara's compiler cannot be
 * used again after an error, so one bad file would otherwise take the
 * others down with it. The files that compile are then compiled together,
 * each in a namespace named after it (two files may both have a rule
 * "generic_loader"), with the config extractors' rules in "tix". */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yara.h>

#include "classify/rules_int.h"
#include "tix/classify.h"

/* yr_initialize/yr_finalize count, but are not thread-safe themselves. */
static pthread_mutex_t init_mu = PTHREAD_MUTEX_INITIALIZER;

static tix_err engine_up(tix_diag *d)
{
    pthread_mutex_lock(&init_mu);
    int rc = yr_initialize();
    pthread_mutex_unlock(&init_mu);
    return rc == ERROR_SUCCESS ? TIX_EOK
                               : tix_diag_set(d, TIX_ENOMEM, "libyara: cannot initialise (%d)", rc);
}

static void engine_down(void)
{
    pthread_mutex_lock(&init_mu);
    yr_finalize();
    pthread_mutex_unlock(&init_mu);
}

const char *tix_rules_engine_version(void) { return YR_VERSION; }

typedef struct {
    const char *file;
    char first[240];  /* the first error, "FILE:LINE: message" */
    int errors;
} compile_report;

static void on_compile(int level, const char *file_name, int line, const YR_RULE *rule,
                       const char *message, void *ud)
{
    (void)file_name;
    (void)rule;
    compile_report *r = ud;
    if (level != YARA_ERROR_LEVEL_ERROR)
        return; /* warnings (slow rules) do not keep a file out */
    if (r->errors++ == 0)
        snprintf(r->first, sizeof r->first, "%s:%d: %s", r->file, line, message);
}

/* Stored rules must stand alone: an include would read whatever file has
 * that name on the machine that compiles them next. */
static const char *no_include(const char *name, const char *calling_file,
                              const char *calling_ns, void *ud)
{
    (void)name;
    (void)calling_file;
    (void)calling_ns;
    (void)ud;
    return NULL;
}

/* Compile one text into c; 0 or the number of errors (first in rep). */
static int add_text(YR_COMPILER *c, const char *text, size_t len, const char *ns,
                    compile_report *rep)
{
    if (memchr(text, 0, len)) {
        snprintf(rep->first, sizeof rep->first, "%s: a NUL byte: not a rule file", rep->file);
        return 1;
    }
    /* libyara wants a terminated string */
    char *z = malloc(len + 1);
    if (!z) {
        snprintf(rep->first, sizeof rep->first, "%s: out of memory", rep->file);
        return 1;
    }
    memcpy(z, text, len);
    z[len] = 0;
    yr_compiler_set_callback(c, on_compile, rep);
    yr_compiler_set_include_callback(c, no_include, NULL, NULL);
    int n = yr_compiler_add_string(c, z, ns);
    free(z);
    if (n && !rep->errors)
        snprintf(rep->first, sizeof rep->first, "%s: does not compile", rep->file);
    return n;
}

static size_t count_rules(YR_RULES *r)
{
    size_t n = 0;
    YR_RULE *rule;
    yr_rules_foreach(r, rule) n++;
    return n;
}

tix_err tix_rules_check(const tix_rule_file *f, size_t *nrules, tix_diag *d)
{
    *nrules = 0;
    tix_err e = engine_up(d);
    if (e)
        return e;
    YR_COMPILER *c = NULL;
    compile_report rep = {.file = f->name};
    if (yr_compiler_create(&c) != ERROR_SUCCESS) {
        e = tix_diag_set(d, TIX_ENOMEM, "libyara: cannot create a compiler");
    } else if (add_text(c, f->text, f->len, f->name, &rep)) {
        e = tix_diag_set(d, TIX_EPARSE, "%s", rep.first);
    } else {
        YR_RULES *r = NULL;
        if (yr_compiler_get_rules(c, &r) != ERROR_SUCCESS) {
            e = tix_diag_set(d, TIX_ENOMEM, "%s: libyara cannot finish the rules", f->name);
        } else {
            *nrules = count_rules(r);
            yr_rules_destroy(r);
            if (*nrules == 0)
                e = tix_diag_set(d, TIX_EPARSE, "%s: no rules in it", f->name);
        }
    }
    if (c)
        yr_compiler_destroy(c);
    engine_down();
    return e;
}

tix_err tix_rules_compile(const tix_rule_file *files, size_t n,
                          void (*report)(void *ud, const char *msg), void *ud,
                          size_t *bad, tix_rules **out, tix_diag *d)
{
    *out = NULL;
    size_t nbad = 0;
    bool *ok = calloc(n ? n : 1, sizeof *ok);
    if (!ok)
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        tix_diag why = TIX_DIAG_INIT;
        size_t k;
        tix_err e = tix_rules_check(&files[i], &k, &why);
        if (e && e != TIX_EPARSE) {
            free(ok);
            return tix_diag_set(d, e, "%s", why.msg);
        }
        ok[i] = e == TIX_EOK;
        if (!ok[i]) {
            nbad++;
            if (report)
                report(ud, why.msg);
        }
    }
    if (bad)
        *bad = nbad;

    tix_err e = engine_up(d);
    if (e) {
        free(ok);
        return e;
    }
    YR_COMPILER *c = NULL;
    tix_rules *r = calloc(1, sizeof *r);
    if (!r || yr_compiler_create(&c) != ERROR_SUCCESS) {
        e = tix_diag_set(d, TIX_ENOMEM, "out of memory");
        goto out;
    }
    size_t nx;
    const tix_config_extractor *x = tix_config_extractors(&nx);
    for (size_t i = 0; i < nx; i++) {
        compile_report rep = {.file = x[i].name};
        if (add_text(c, x[i].rule_text, strlen(x[i].rule_text), TIX_RULES_BUILTIN_NS, &rep)) {
            /* a build error of tix itself, caught by its tests */
            e = tix_diag_set(d, TIX_EPARSE, "built-in rule of %s", rep.first);
            goto out;
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (!ok[i])
            continue;
        compile_report rep = {.file = files[i].name};
        if (add_text(c, files[i].text, files[i].len, files[i].name, &rep)) {
            /* alone it compiled: together it clashes (e.g. a namespace
             * given twice with the same rule) */
            e = tix_diag_set(d, TIX_EPARSE, "%s", rep.first);
            goto out;
        }
    }
    if (yr_compiler_get_rules(c, &r->yr) != ERROR_SUCCESS) {
        e = tix_diag_set(d, TIX_ENOMEM, "libyara cannot finish the rules");
        goto out;
    }
    r->count = count_rules(r->yr);
    *out = r;
    r = NULL;
out:
    if (c)
        yr_compiler_destroy(c);
    free(ok);
    if (r) {
        free(r);
        engine_down();
    }
    return e;
}

/* ---- saving and loading through libyara's streams ---- */

typedef struct {
    tix_buf *out;
    const uint8_t *in;
    size_t len, pos;
} stream_ctx;

static size_t stream_write(const void *p, size_t size, size_t count, void *ud)
{
    stream_ctx *s = ud;
    tix_buf_add(s->out, p, size * count);
    return s->out->err ? 0 : count;
}

static size_t stream_read(void *p, size_t size, size_t count, void *ud)
{
    stream_ctx *s = ud;
    if (size == 0)
        return 0;
    size_t avail = (s->len - s->pos) / size;
    size_t k = count < avail ? count : avail;
    memcpy(p, s->in + s->pos, k * size);
    s->pos += k * size;
    return k;
}

tix_err tix_rules_save(const tix_rules *r, tix_buf *out, tix_diag *d)
{
    stream_ctx s = {.out = out};
    YR_STREAM st = {.user_data = &s, .write = stream_write};
    if (yr_rules_save_stream(r->yr, &st) != ERROR_SUCCESS || out->err)
        return tix_diag_set(d, TIX_ENOMEM, "cannot write the compiled rules");
    return TIX_EOK;
}

tix_err tix_rules_load(const void *blob, size_t len, tix_rules **out, tix_diag *d)
{
    *out = NULL;
    tix_err e = engine_up(d);
    if (e)
        return e;
    tix_rules *r = calloc(1, sizeof *r);
    if (!r) {
        engine_down();
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    }
    stream_ctx s = {.in = blob, .len = len};
    YR_STREAM st = {.user_data = &s, .read = stream_read};
    int rc = yr_rules_load_stream(&st, &r->yr);
    if (rc != ERROR_SUCCESS) {
        free(r);
        engine_down();
        return tix_diag_set(d, TIX_EPARSE,
                            rc == ERROR_UNSUPPORTED_FILE_VERSION
                                ? "compiled rules from another libyara: compile them again"
                                : "compiled rules unreadable (libyara error %d)",
                            rc);
    }
    r->count = count_rules(r->yr);
    *out = r;
    return TIX_EOK;
}

void tix_rules_free(tix_rules *r)
{
    if (!r)
        return;
    yr_rules_destroy(r->yr);
    free(r);
    engine_down();
}

size_t tix_rules_count(const tix_rules *r) { return r ? r->count : 0; }
