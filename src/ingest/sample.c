/* sample.c - sample files into the store: hashed, typed with libmagic,
 * scanned by the extractor; archives opened with libarchive (an encrypted
 * zip with the field's password "infected" or the user's). A plain file is
 * one transaction, an archive with everything in it is one transaction.
 *
 * Reading, hashing, typing and scanning a file (prepare) needs no store, so
 * for a directory it runs on worker threads, while the calling thread
 * stores the prepared samples in the directory's name order. */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <magic.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/grow.h"
#include "core/hex.h"
#include "ingest/classified.h"
#include "ingest/file.h"
#include "ingest/sink.h"
#include "tix/hash.h"
#include "tix/time.h"

/* Archives inside archives are opened to this depth. */
#define MAX_DEPTH 4
/* A member larger than this is reported, not read. */
#define MEMBER_MAX ((size_t)1 << 30)
/* libmagic looks at the head of a file only: headers of executables,
 * documents and archives are at the start, and its text heuristics cost
 * time in proportion to what they are given. */
#define MAGIC_HEAD (64u << 10)
/* Prepared samples waiting for the store, per worker. */
#define AHEAD 8

typedef struct {
    tix_obs_type type;
    size_t value_off, value_len; /* in vals */
    int64_t offset;
    uint32_t count;
    unsigned flags;
} fold_hit;

/* One sample, ready to be stored. */
typedef struct {
    char *name;
    int archive;           /* an archive: opened by the storing thread */
    tix_err err;
    tix_diag diag;
    uint64_t size;
    uint8_t sha256[32], sha1[20], md5[16];
    char *file_type, *mime;
    fold_hit *hits;        /* one per (type, value), first offset kept */
    size_t nhits, caphits;
    uint32_t *index;       /* open addressing into hits: 0 empty, else i+1 */
    size_t index_cap;
    tix_buf vals;
    classified cls;
} prep;

/* What a preparing thread owns. */
typedef struct {
    magic_t magic_desc, magic_mime;
    tix_scan *scan;
    tix_classifier *cls;   /* NULL: samples are not classified */
    prep *cur;             /* the sample on_hit folds into */
} worker;

typedef struct {
    tix_store *s;
    const tix_ingest_opts *o;
    const tix_extractor *ex;
    tix_ingest_stats *st;
    worker self;           /* the storing thread's own, for archives */
    store_sink k;
    int64_t now;
} sample_ctx;

static void report(const sample_ctx *c, const char *msg)
{
    if (c->o->report)
        c->o->report(c->o->report_ud, msg);
}

/* 1: an archive format tix opens; 2: compressed, an archive if a tar is in */
static int is_archive(const char *p, size_t n)
{
    if (n >= 4 && memcmp(p, "PK\3\4", 4) == 0)
        return 1;
    if (n >= 6 && memcmp(p, "7z\xBC\xAF\x27\x1C", 6) == 0)
        return 1;
    if (n >= 7 && memcmp(p, "Rar!\x1A\x07", 6) == 0)
        return 1;
    if (n >= 262 && memcmp(p + 257, "ustar", 5) == 0)
        return 1;
    if (n >= 3 && (unsigned char)p[0] == 0x1f && (unsigned char)p[1] == 0x8b)
        return 2;
    if (n >= 3 && memcmp(p, "BZh", 3) == 0)
        return 2;
    if (n >= 6 && memcmp(p, "\xFD" "7zXZ\0", 6) == 0)
        return 2;
    return 0;
}

static bool tar_inside(const char *data, size_t len)
{
    struct archive *a = archive_read_new();
    if (!a)
        return false;
    archive_read_support_filter_all(a);
    archive_read_support_format_tar(a);
    archive_read_support_format_gnutar(a);
    struct archive_entry *ent;
    bool ok = archive_read_open_memory(a, data, len) == ARCHIVE_OK &&
              archive_read_next_header(a, &ent) == ARCHIVE_OK;
    archive_read_free(a);
    return ok;
}

/* ---- preparing ---- */

static void prep_free(prep *p)
{
    free(p->name);
    free(p->file_type);
    free(p->mime);
    free(p->hits);
    free(p->index);
    tix_buf_free(&p->vals);
    classified_free(&p->cls);
    memset(p, 0, sizeof *p);
}

static int fold_rehash(prep *p)
{
    size_t cap = p->index_cap ? p->index_cap * 2 : 256;
    uint32_t *ix = calloc(cap, sizeof *ix);
    if (!ix)
        return -1;
    for (size_t i = 0; i < p->nhits; i++) {
        const fold_hit *h = &p->hits[i];
        size_t j = tix_hash32(p->vals.p + h->value_off, h->value_len, h->type) & (cap - 1);
        while (ix[j])
            j = (j + 1) & (cap - 1);
        ix[j] = (uint32_t)i + 1;
    }
    free(p->index);
    p->index = ix;
    p->index_cap = cap;
    return 0;
}

static int on_hit(void *ud, const tix_hit *h)
{
    prep *p = ((worker *)ud)->cur;
    if ((p->nhits + 1) * 2 > p->index_cap && fold_rehash(p) != 0)
        goto oom;
    size_t j = tix_hash32(h->value, h->value_len, h->type) & (p->index_cap - 1);
    while (p->index[j]) {
        fold_hit *f = &p->hits[p->index[j] - 1];
        if (f->type == h->type && f->value_len == h->value_len &&
            memcmp(p->vals.p + f->value_off, h->value, h->value_len) == 0) {
            f->count++;
            return 0; /* the first offset stands for all */
        }
        j = (j + 1) & (p->index_cap - 1);
    }
    if (tix__grow(&p->hits, &p->caphits, p->nhits, sizeof *p->hits, 64) != 0)
        goto oom;
    fold_hit *f = &p->hits[p->nhits];
    f->type = h->type;
    f->value_off = p->vals.len;
    f->value_len = h->value_len;
    f->offset = (int64_t)h->offset;
    f->count = 1;
    f->flags = (h->defanged ? TIX_EV_DEFANGED : 0) |
               (h->encoding == TIX_ENC_UTF16LE ? TIX_EV_UTF16 : 0);
    tix_buf_add(&p->vals, h->value, h->value_len);
    if (p->vals.err)
        goto oom;
    p->index[j] = (uint32_t)++p->nhits;
    return 0;
oom:
    p->err = TIX_ENOMEM;
    return 1;
}

static void digest(const EVP_MD *md, const void *data, size_t n, uint8_t *out)
{
    unsigned int len = 0;
    EVP_Digest(data, n, out, &len, md, NULL);
}

static char *dup_or_null(const char *s) { return s ? strdup(s) : NULL; }

/* Hash, type and scan one sample's bytes into p (whose name is set). */
static void prepare_bytes(worker *w, prep *p, const char *data, size_t len)
{
    p->size = len;
    tix_buf_init(&p->vals, (size_t)1 << 30);
    digest(EVP_sha256(), data, len, p->sha256);
    digest(EVP_sha1(), data, len, p->sha1);
    digest(EVP_md5(), data, len, p->md5);
    size_t head = len < MAGIC_HEAD ? len : MAGIC_HEAD;
    p->file_type = dup_or_null(magic_buffer(w->magic_desc, data, head));
    p->mime = dup_or_null(magic_buffer(w->magic_mime, data, head));
    w->cur = p;
    tix_err e = tix_scan_mem_range(w->scan, data, len, 0, len, &p->diag);
    if (e == TIX_ESTOPPED && p->err)
        tix_diag_set(&p->diag, p->err, "%s: out of memory", p->name);
    else if (e)
        p->err = e;
    if (p->err || !w->cls)
        return;
    tix_classification *res;
    tix_diag why = TIX_DIAG_INIT;
    e = tix_classify(w->cls, (const uint8_t *)data, len, &res, &why);
    if (e == TIX_ENOMEM || classified_take(&p->cls, res) != 0) {
        p->err = tix_diag_set(&p->diag, TIX_ENOMEM, "%s: out of memory", p->name);
    } else if (e) {
        /* a scan that gave up leaves the sample stored, unclassified */
        classified_free(&p->cls);
        if (!(p->cls.why = strdup(why.msg)))
            p->err = tix_diag_set(&p->diag, TIX_ENOMEM, "%s: out of memory", p->name);
    }
}

/* Read and prepare the file at p->name; archives are only recognised. */
static void prepare_file(worker *w, prep *p)
{
    in_file f;
    if ((p->err = in_file_open(&f, p->name, &p->diag)))
        return;
    int kind = is_archive(f.data, f.len);
    if (kind == 2 && !tar_inside(f.data, f.len))
        kind = 0;
    if (kind)
        p->archive = 1;
    else
        prepare_bytes(w, p, f.data, f.len);
    in_file_close(&f);
}

static tix_err worker_init(worker *w, const tix_extractor *ex, const tix_rules *rules,
                           tix_diag *d)
{
    memset(w, 0, sizeof *w);
    tix_err e = tix_scan_new(&w->scan, ex, on_hit, w, d);
    if (!e && rules)
        e = tix_classifier_new(rules, &w->cls, d);
    if (e)
        return e;
    /* compressed files are typed as what they are, not opened */
    w->magic_desc = magic_open(MAGIC_NO_CHECK_COMPRESS);
    w->magic_mime = magic_open(MAGIC_MIME_TYPE | MAGIC_NO_CHECK_COMPRESS);
    if (!w->magic_desc || !w->magic_mime || magic_load(w->magic_desc, NULL) != 0 ||
        magic_load(w->magic_mime, NULL) != 0)
        return tix_diag_set(d, TIX_EIO, "libmagic: cannot load its database: %s",
                            w->magic_desc && magic_error(w->magic_desc)
                                ? magic_error(w->magic_desc)
                                : "missing");
    return TIX_EOK;
}

static void worker_free(worker *w)
{
    tix_scan_free(w->scan);
    tix_classifier_free(w->cls);
    if (w->magic_desc)
        magic_close(w->magic_desc);
    if (w->magic_mime)
        magic_close(w->magic_mime);
    memset(w, 0, sizeof *w);
}

/* ---- storing (inside the caller's transaction) ---- */

static tix_err store_prepared(sample_ctx *c, prep *p, int64_t document_id, tix_diag *d)
{
    c->st->files++;
    tix_sample smp = {.size = p->size, .name = p->name, .file_type = p->file_type,
                      .mime = p->mime, .first_seen = c->now,
                      .source_id = c->k.source_id, .document_id = document_id};
    memcpy(smp.sha256, p->sha256, 32);
    memcpy(smp.sha1, p->sha1, 20);
    memcpy(smp.md5, p->md5, 16);
    bool created;
    tix_err e = tix_store_sample_put(c->s, &smp, &created, d);
    if (e)
        return e;
    char hex[65], id[TIX_STIX_ID_MAX];
    tix__hex_encode(p->sha256, 32, hex);
    if (!created) {
        c->st->samples_known++;
        if ((e = tix_obs_stix_id(TIX_OBS_SHA256, hex, 64, id, d)))
            return e;
        c->k.sample_id = smp.id;
        e = classified_store(&c->k, p->name, &p->cls, smp.id, id, d);
        c->k.sample_id = 0;
        return e;
    }
    c->st->samples_new++;

    c->k.sample_id = smp.id;
    tix_obs_in self = {.type = TIX_OBS_SHA256, .value = hex, .value_len = 64,
                       .confidence = -1, .tlp = TIX_TLP_UNSET};
    e = store_sink_observe_at(&c->k, &self, -1, 1, 0, id, d);
    for (size_t i = 0; !e && i < p->nhits; i++) {
        const fold_hit *h = &p->hits[i];
        tix_obs_in o = {.type = h->type, .value = p->vals.p + h->value_off,
                        .value_len = h->value_len, .confidence = -1,
                        .tlp = TIX_TLP_UNSET};
        tix_diag why = TIX_DIAG_INIT;
        char hid[TIX_STIX_ID_MAX];
        e = store_sink_observe_at(&c->k, &o, h->offset, h->count, h->flags, hid, &why);
        if (e)
            tix_diag_set(d, e, "%s: offset %lld: %s", p->name, (long long)h->offset,
                         why.msg);
    }
    if (!e)
        e = classified_store(&c->k, p->name, &p->cls, smp.id, id, d);
    c->k.sample_id = 0;
    return e;
}

/* ---- archives ---- */

static tix_err read_member(struct archive *a, const char *where, char **out,
                           size_t *outlen, int64_t size_hint, tix_diag *d)
{
    size_t cap = size_hint >= 0 && (uint64_t)size_hint < MEMBER_MAX
                     ? (size_t)size_hint + 1
                     : 65536;
    size_t n = 0;
    char *b = malloc(cap);
    if (!b)
        return tix_diag_set(d, TIX_ENOMEM, "%s: out of memory", where);
    for (;;) {
        if (n == cap) {
            if (cap >= MEMBER_MAX) {
                free(b);
                return tix_diag_set(d, TIX_ETOOBIG, "%s: member larger than 1 GiB", where);
            }
            char *nb = realloc(b, cap * 2);
            if (!nb) {
                free(b);
                return tix_diag_set(d, TIX_ENOMEM, "%s: out of memory", where);
            }
            b = nb;
            cap *= 2;
        }
        la_ssize_t r = archive_read_data(a, b + n, cap - n);
        if (r < 0) {
            const char *why = archive_error_string(a);
            tix_err e = tix_diag_set(d, TIX_EPARSE, "%s: %s", where,
                                     why ? why : "cannot read the member");
            free(b);
            return e;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    *out = b;
    *outlen = n;
    return TIX_EOK;
}

static tix_err archive_members(sample_ctx *c, const char *name, const char *data,
                               size_t len, int64_t document_id, int depth, tix_diag *d)
{
    struct archive *a = archive_read_new();
    if (!a)
        return tix_diag_set(d, TIX_ENOMEM, "%s: out of memory", name);
    archive_read_support_filter_all(a);
    archive_read_support_format_zip(a);
    archive_read_support_format_7zip(a);
    archive_read_support_format_rar(a);
    archive_read_support_format_rar5(a);
    archive_read_support_format_tar(a);
    archive_read_support_format_gnutar(a);
    archive_read_add_passphrase(a, "infected");
    if (c->o->password && *c->o->password)
        archive_read_add_passphrase(a, c->o->password);
    tix_err e = TIX_EOK;
    if (archive_read_open_memory(a, data, len) != ARCHIVE_OK) {
        const char *why = archive_error_string(a);
        e = tix_diag_set(d, TIX_EPARSE, "%s: not a readable archive: %s", name,
                         why ? why : "unknown format");
        archive_read_free(a);
        return e;
    }
    struct archive_entry *ent;
    tix_buf where = TIX_BUF_INIT(8192);
    int r;
    while ((r = archive_read_next_header(a, &ent)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
        if (archive_entry_filetype(ent) != AE_IFREG)
            continue;
        const char *mname = archive_entry_pathname_utf8(ent);
        if (!mname)
            mname = archive_entry_pathname(ent);
        tix_buf_reset(&where);
        tix_buf_addf(&where, "%s!%s", name, mname ? mname : "?");
        if (where.err) {
            e = tix_diag_set(d, TIX_ETOOBIG, "%s: member name too long", name);
            break;
        }
        char *m = NULL;
        size_t mlen = 0;
        int64_t hint = archive_entry_size_is_set(ent) ? archive_entry_size(ent) : -1;
        if ((e = read_member(a, where.p, &m, &mlen, hint, d)))
            break;
        if (depth < MAX_DEPTH && is_archive(m, mlen) == 1) {
            e = archive_members(c, where.p, m, mlen, document_id, depth + 1, d);
        } else {
            prep p = {0};
            p.name = strdup(where.p);
            if (!p.name) {
                e = tix_diag_set(d, TIX_ENOMEM, "out of memory");
            } else {
                prepare_bytes(&c->self, &p, m, mlen);
                e = p.err ? tix_diag_set(d, p.err, "%s", p.diag.msg)
                          : store_prepared(c, &p, document_id, d);
            }
            prep_free(&p);
        }
        free(m);
        if (e)
            break;
    }
    if (!e && r != ARCHIVE_EOF) {
        const char *why = archive_error_string(a);
        e = tix_diag_set(d, TIX_EPARSE, "%s: %s", name,
                         why ? why : "damaged or truncated archive");
    }
    tix_buf_free(&where);
    archive_read_free(a);
    return e;
}

static tix_err ingest_archive(sample_ctx *c, const char *path, tix_diag *d)
{
    in_file f;
    tix_err e = in_file_open(&f, path, d);
    if (e)
        return e;
    tix_document doc = {.kind = "archive", .name = path, .size = f.len,
                        .source_id = c->k.source_id, .ingested = c->now};
    sha256_of(f.data, f.len, doc.sha256);
    bool created;
    if ((e = tix_store_document_put(c->s, &doc, &created, d)))
        goto out;
    if (!created) {
        c->st->documents_known++;
        store_sink_already(c->o, path, doc.ingested);
        goto out;
    }
    c->k.document_id = doc.id;
    uint64_t before = c->st->files;
    e = archive_members(c, path, f.data, f.len, doc.id, 1, d);
    c->k.document_id = 0;
    if (!e)
        e = tix_store_document_set_records(c->s, doc.id, c->st->files - before, d);
    if (!e)
        c->st->documents_new++;
out:
    in_file_close(&f);
    return e;
}

/* One prepared input file: its own transaction. */
static tix_err store_file(sample_ctx *c, prep *p, tix_diag *d)
{
    if (p->err)
        return tix_diag_set(d, p->err, "%s", p->diag.msg);
    tix_ingest_stats saved = *c->st;
    tix_err e = tix_store_begin(c->s, d);
    if (e)
        return e;
    /* the source comes with the first file stored (see tix_ingest_samples) */
    tix_source src;
    e = tix_store_source_put(c->s, c->o->source, c->o->kind, c->o->trust, &src, d);
    if (!e) {
        c->k.source_id = src.id;
        e = p->archive ? ingest_archive(c, p->name, d) : store_prepared(c, p, 0, d);
    }
    if (!e)
        e = tix_store_commit(c->s, d);
    if (e) {
        tix_store_rollback(c->s);
        *c->st = saved; /* nothing of it was stored, so nothing is counted */
    }
    return e;
}

/* A failure of one file: skipped with a report under skip_bad, unless the
 * store itself failed. */
static tix_err file_failed(sample_ctx *c, tix_err e, const tix_diag *why, tix_diag *d)
{
    if (c->o->skip_bad && e != TIX_EDB && e != TIX_ENOMEM) {
        c->st->skipped++;
        char msg[600];
        snprintf(msg, sizeof msg, "%s (skipped)", why->msg);
        report(c, msg);
        return TIX_EOK;
    }
    return tix_diag_set(d, e, "%s", why->msg);
}

/* ---- the pipeline ---- */

typedef struct {
    sample_ctx *c;
    in_paths *paths;
    prep *slots;           /* ring of nslots, slot i % nslots holds file i */
    bool *ready;
    size_t nslots;
    size_t next;           /* next file a worker takes */
    size_t stored;         /* files the storing thread is done with */
    bool stop;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    const tix_extractor *ex;
} pipeline;

static void *work(void *arg)
{
    pipeline *pl = arg;
    worker w;
    tix_diag d = TIX_DIAG_INIT;
    tix_err init = worker_init(&w, pl->ex, pl->c->o->rules, &d);
    for (;;) {
        pthread_mutex_lock(&pl->mu);
        while (!pl->stop && pl->next < pl->paths->n && pl->next >= pl->stored + pl->nslots)
            pthread_cond_wait(&pl->cv, &pl->mu);
        if (pl->stop || pl->next >= pl->paths->n) {
            pthread_mutex_unlock(&pl->mu);
            break;
        }
        size_t i = pl->next++;
        pthread_mutex_unlock(&pl->mu);
        prep *p = &pl->slots[i % pl->nslots];
        memset(p, 0, sizeof *p);
        p->name = strdup(pl->paths->v[i]);
        if (init) {
            p->err = init;
            p->diag = d;
        } else if (!p->name) {
            p->err = tix_diag_set(&p->diag, TIX_ENOMEM, "out of memory");
        } else {
            prepare_file(&w, p);
        }
        pthread_mutex_lock(&pl->mu);
        pl->ready[i % pl->nslots] = true;
        pthread_cond_broadcast(&pl->cv);
        pthread_mutex_unlock(&pl->mu);
    }
    worker_free(&w);
    return NULL;
}

static int worker_count(size_t files)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        n = 1;
    if (n > 8)
        n = 8;
    return files < (size_t)n ? (int)files : (int)n;
}

static tix_err run_pipeline(sample_ctx *c, in_paths *paths, tix_diag *d)
{
    int nw = worker_count(paths->n);
    pipeline pl = {.c = c, .paths = paths, .ex = c->ex};
    pl.nslots = (size_t)nw * AHEAD;
    pl.slots = calloc(pl.nslots, sizeof *pl.slots);
    pl.ready = calloc(pl.nslots, sizeof *pl.ready);
    pthread_t *tids = calloc((size_t)nw, sizeof *tids);
    if (!pl.slots || !pl.ready || !tids) {
        free(pl.slots);
        free(pl.ready);
        free(tids);
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    }
    pthread_mutex_init(&pl.mu, NULL);
    pthread_cond_init(&pl.cv, NULL);
    int started = 0;
    tix_err e = TIX_EOK;
    for (; started < nw; started++)
        if (pthread_create(&tids[started], NULL, work, &pl) != 0)
            break;
    if (started == 0)
        e = tix_diag_set(d, TIX_ENOMEM, "cannot start a thread");
    for (size_t i = 0; !e && i < paths->n; i++) {
        size_t s = i % pl.nslots;
        pthread_mutex_lock(&pl.mu);
        while (!pl.ready[s])
            pthread_cond_wait(&pl.cv, &pl.mu);
        pthread_mutex_unlock(&pl.mu);
        tix_diag why = TIX_DIAG_INIT;
        tix_err fe = store_file(c, &pl.slots[s], &why);
        if (fe)
            e = file_failed(c, fe, &why, d);
        prep_free(&pl.slots[s]);
        pthread_mutex_lock(&pl.mu);
        pl.ready[s] = false;
        pl.stored = i + 1;
        pthread_cond_broadcast(&pl.cv);
        pthread_mutex_unlock(&pl.mu);
    }
    pthread_mutex_lock(&pl.mu);
    pl.stop = true;
    pthread_cond_broadcast(&pl.cv);
    pthread_mutex_unlock(&pl.mu);
    for (int t = 0; t < started; t++)
        pthread_join(tids[t], NULL);
    for (size_t s = 0; s < pl.nslots; s++)
        if (pl.ready[s])
            prep_free(&pl.slots[s]);
    pthread_mutex_destroy(&pl.mu);
    pthread_cond_destroy(&pl.cv);
    free(pl.slots);
    free(pl.ready);
    free(tids);
    return e;
}

tix_err tix_ingest_samples(tix_store *s, const tix_ingest_opts *o, const tix_extractor *ex,
                           const char *path, tix_ingest_stats *st, tix_diag *d)
{
    if (!o->source || !*o->source)
        return tix_diag_set(d, TIX_EINVAL, "no source named");
    sample_ctx c = {.s = s, .o = o, .ex = ex, .st = st};
    c.now = o->now ? o->now : tix_time_now();
    store_sink_init(&c.k, s, o, st, c.now);
    c.k.tlp = o->tlp != TIX_TLP_UNSET ? o->tlp : TIX_TLP_AMBER;
    in_paths paths = {0};
    tix_err e;
    /* The source is only checked here: it is made in the transaction of
     * the first file stored, so that an ingest that stores nothing leaves
     * no source behind, with a kind and trust that then could not be given
     * again (an existing source keeps its own). */
    tix_source src;
    if ((e = tix_store_begin(s, d)))
        goto out;
    e = tix_store_source_put(s, o->source, o->kind, o->trust, &src, d);
    tix_store_rollback(s);
    if (e)
        goto out;
    if ((e = worker_init(&c.self, ex, o->rules, d)) || (e = in_paths_collect(path, &paths, d)))
        goto out;
    if (paths.n == 1) {
        prep p = {0};
        if (!(p.name = strdup(paths.v[0]))) {
            e = tix_diag_set(d, TIX_ENOMEM, "out of memory");
            goto out;
        }
        prepare_file(&c.self, &p);
        tix_diag why = TIX_DIAG_INIT;
        tix_err fe = store_file(&c, &p, &why);
        if (fe)
            e = file_failed(&c, fe, &why, d);
        prep_free(&p);
    } else if (paths.n > 1) {
        e = run_pipeline(&c, &paths, d);
    }
out:
    in_paths_free(&paths);
    worker_free(&c.self);
    store_sink_free(&c.k);
    return e;
}
