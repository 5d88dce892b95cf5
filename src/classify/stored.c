/* stored.c - rule files kept in the store, and the one compiled set
 * every ingest loads instead of compiling again. */
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"
#include "ingest/file.h"
#include "tix/classify.h"

/* The stored files, each name and text a copy of its own. */
typedef struct {
    tix_rule_file *v;
    size_t n, cap;
    bool oom;
} file_set;

static int on_file(void *ud, const tix_rule_file_rec *r)
{
    file_set *fs = ud;
    char *name = strdup(r->name), *text = malloc(r->len + 1);
    if (!name || !text ||
        tix__grow(&fs->v, &fs->cap, fs->n, sizeof *fs->v, 16) != 0) {
        free(name);
        free(text);
        fs->oom = true;
        return 1;
    }
    memcpy(text, r->text ? r->text : "", r->len);
    text[r->len] = 0;
    fs->v[fs->n++] = (tix_rule_file){name, text, r->len};
    return 0;
}

static void file_set_free(file_set *fs)
{
    for (size_t i = 0; i < fs->n; i++) {
        free((char *)fs->v[i].name);
        free((char *)fs->v[i].text);
    }
    free(fs->v);
    memset(fs, 0, sizeof *fs);
}

static tix_err stored_files(tix_store *s, file_set *fs, tix_diag *d)
{
    memset(fs, 0, sizeof *fs);
    tix_err e = tix_store_rule_file_each(s, true, on_file, fs, d);
    if (fs->oom)
        e = tix_diag_set(d, TIX_ENOMEM, "out of memory");
    if (e)
        file_set_free(fs);
    return e;
}

/* Compile every stored file and save the set. */
static tix_err rebuild(tix_store *s, size_t *count, tix_diag *d)
{
    file_set fs;
    tix_err e = stored_files(s, &fs, d);
    tix_rules *r = NULL;
    size_t bad = 0;
    if (!e)
        e = tix_rules_compile(fs.v, fs.n, NULL, NULL, &bad, &r, d);
    if (!e && bad)
        e = tix_diag_set(d, TIX_EPARSE, "%zu stored rule files no longer compile", bad);
    tix_buf blob = TIX_BUF_INIT((size_t)1 << 32);
    if (!e)
        e = tix_rules_save(r, &blob, d);
    if (!e)
        e = tix_store_rule_set_put(s, tix_rules_engine_version(), blob.p, blob.len, d);
    if (!e && count)
        *count = tix_rules_count(r);
    tix_buf_free(&blob);
    tix_rules_free(r);
    file_set_free(&fs);
    return e;
}

tix_err tix_rules_store_add(tix_store *s, const tix_rule_file *files, size_t n,
                            void (*report)(void *ud, const char *msg), void *ud,
                            tix_rules_stats *st, tix_diag *d)
{
    memset(st, 0, sizeof *st);
    for (size_t i = 0; i < n; i++) {
        tix_diag why = TIX_DIAG_INIT;
        size_t k;
        tix_err e = tix_rules_check(&files[i], &k, &why);
        if (e == TIX_EPARSE) {
            st->files_bad++;
            if (report)
                report(ud, why.msg);
            continue;
        }
        if (e)
            return tix_diag_set(d, e, "%s", why.msg);
        tix_rule_file_rec rec = {.name = files[i].name, .text = files[i].text,
                                 .len = files[i].len, .rules = (uint32_t)k};
        sha256_of(files[i].text, files[i].len, rec.sha256);
        bool changed;
        if ((e = tix_store_rule_file_put(s, &rec, &changed, d)))
            return e;
        if (changed)
            st->files_stored++;
        else
            st->files_same++;
    }
    return rebuild(s, &st->rules, d);
}

tix_err tix_rules_store_rm(tix_store *s, const char *name, bool *removed, tix_diag *d)
{
    tix_err e = tix_store_rule_file_rm(s, name, removed, d);
    if (e || !*removed)
        return e;
    return rebuild(s, NULL, d);
}

tix_err tix_rules_from_store(tix_store *s, tix_rules **out, tix_diag *d)
{
    *out = NULL;
    char *engine = NULL;
    void *blob = NULL;
    size_t len = 0;
    tix_err e = tix_store_rule_set_get(s, &engine, &blob, &len, d);
    if (e)
        return e;
    if (blob && strcmp(engine, tix_rules_engine_version()) == 0 &&
        tix_rules_load(blob, len, out, NULL) == TIX_EOK) {
        free(engine);
        free(blob);
        return TIX_EOK;
    }
    free(engine);
    free(blob);
    /* none stored, or from another libyara: compile what is stored */
    file_set fs;
    if ((e = stored_files(s, &fs, d)))
        return e;
    e = tix_rules_compile(fs.v, fs.n, NULL, NULL, NULL, out, d);
    file_set_free(&fs);
    return e;
}
