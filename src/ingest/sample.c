/* sample.c - sample files into the store: hashed, typed with libmagic,
 * scanned by the extractor; archives opened with libarchive (an encrypted
 * zip with the field's password "infected" or the user's). A plain file is
 * one transaction, an archive with everything in it is one transaction. */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <magic.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/grow.h"
#include "ingest/file.h"
#include "ingest/sink.h"
#include "tix/hash.h"
#include "tix/time.h"

/* Archives inside archives are opened to this depth. */
#define MAX_DEPTH 4
/* A member larger than this is reported, not read. */
#define MEMBER_MAX ((size_t)1 << 30)
/* libmagic looks at the head of a file only. */
#define MAGIC_HEAD (1u << 20)

typedef struct {
    tix_obs_type type;
    size_t value_off, value_len; /* in vals */
    int64_t offset;
    uint32_t count;
    unsigned flags;
} fold_hit;

typedef struct {
    tix_store *s;
    const tix_ingest_opts *o;
    const tix_extractor *ex;
    tix_ingest_stats *st;
    magic_t magic_desc, magic_mime;
    store_sink k;
    int64_t now;
    /* hits of the current sample, one per (type, value) */
    fold_hit *hits;
    size_t nhits, caphits;
    uint32_t *index; /* open addressing into hits, 0 = empty, else i + 1 */
    size_t index_cap;
    tix_buf vals;
    tix_err hit_err;
} sample_ctx;

static void report(const sample_ctx *c, const char *msg)
{
    if (c->o->report)
        c->o->report(c->o->report_ud, msg);
}

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
    /* compressed tar: gzip, bzip2, xz; only taken as an archive when a tar
     * is inside (checked when opening) */
    if (n >= 3 && ((unsigned char)p[0] == 0x1f && (unsigned char)p[1] == 0x8b))
        return 2;
    if (n >= 3 && memcmp(p, "BZh", 3) == 0)
        return 2;
    if (n >= 6 && memcmp(p, "\xFD" "7zXZ\0", 6) == 0)
        return 2;
    return 0;
}

/* ---- hits of one sample, folded per (type, value) ---- */

static void fold_reset(sample_ctx *c)
{
    c->nhits = 0;
    tix_buf_reset(&c->vals);
    if (c->index)
        memset(c->index, 0, c->index_cap * sizeof *c->index);
}

static int fold_rehash(sample_ctx *c)
{
    size_t cap = c->index_cap ? c->index_cap * 2 : 256;
    uint32_t *ix = calloc(cap, sizeof *ix);
    if (!ix)
        return -1;
    for (size_t i = 0; i < c->nhits; i++) {
        const fold_hit *h = &c->hits[i];
        size_t j = tix_hash32(c->vals.p + h->value_off, h->value_len, h->type) & (cap - 1);
        while (ix[j])
            j = (j + 1) & (cap - 1);
        ix[j] = (uint32_t)i + 1;
    }
    free(c->index);
    c->index = ix;
    c->index_cap = cap;
    return 0;
}

static int on_hit(void *ud, const tix_hit *h)
{
    sample_ctx *c = ud;
    unsigned flags = (h->defanged ? TIX_EV_DEFANGED : 0) |
                     (h->encoding == TIX_ENC_UTF16LE ? TIX_EV_UTF16 : 0);
    if ((c->nhits + 1) * 2 > c->index_cap && fold_rehash(c) != 0)
        goto oom;
    size_t j = tix_hash32(h->value, h->value_len, h->type) & (c->index_cap - 1);
    while (c->index[j]) {
        fold_hit *f = &c->hits[c->index[j] - 1];
        if (f->type == h->type && f->value_len == h->value_len &&
            memcmp(c->vals.p + f->value_off, h->value, h->value_len) == 0) {
            f->count++;
            return 0; /* the first offset stands for all */
        }
        j = (j + 1) & (c->index_cap - 1);
    }
    if (tix__grow(&c->hits, &c->caphits, c->nhits, sizeof *c->hits, 64) != 0)
        goto oom;
    fold_hit *f = &c->hits[c->nhits];
    f->type = h->type;
    f->value_off = c->vals.len;
    f->value_len = h->value_len;
    f->offset = (int64_t)h->offset;
    f->count = 1;
    f->flags = flags;
    tix_buf_add(&c->vals, h->value, h->value_len);
    if (c->vals.err)
        goto oom;
    c->index[j] = (uint32_t)++c->nhits;
    return 0;
oom:
    c->hit_err = TIX_ENOMEM;
    return 1;
}

/* ---- one sample ---- */

static void digest(const EVP_MD *md, const void *p, size_t n, uint8_t *out)
{
    unsigned int len = 0;
    EVP_Digest(p, n, out, &len, md, NULL);
}

static tix_err store_hits(sample_ctx *c, const char *name, tix_diag *d)
{
    char id[TIX_STIX_ID_MAX];
    for (size_t i = 0; i < c->nhits; i++) {
        const fold_hit *h = &c->hits[i];
        tix_obs_in o = {.type = h->type, .value = c->vals.p + h->value_off,
                        .value_len = h->value_len, .confidence = -1,
                        .tlp = TIX_TLP_UNSET};
        tix_diag why = TIX_DIAG_INIT;
        tix_err e = store_sink_observe_at(&c->k, &o, h->offset, h->count, h->flags, id, &why);
        if (e)
            return tix_diag_set(d, e, "%s: offset %lld: %s", name, (long long)h->offset,
                                why.msg);
    }
    return TIX_EOK;
}

/* Store one sample's bytes (inside the caller's transaction). */
static tix_err one_sample(sample_ctx *c, const char *name, const char *data, size_t len,
                          int64_t document_id, tix_diag *d)
{
    c->st->files++;
    tix_sample smp = {.size = len, .name = name, .first_seen = c->now,
                      .source_id = c->k.source_id, .document_id = document_id};
    digest(EVP_sha256(), data, len, smp.sha256);
    digest(EVP_sha1(), data, len, smp.sha1);
    digest(EVP_md5(), data, len, smp.md5);
    size_t head = len < MAGIC_HEAD ? len : MAGIC_HEAD;
    smp.file_type = c->magic_desc ? magic_buffer(c->magic_desc, data, head) : NULL;
    smp.mime = c->magic_mime ? magic_buffer(c->magic_mime, data, head) : NULL;
    bool created;
    tix_err e = tix_store_sample_put(c->s, &smp, &created, d);
    if (e)
        return e;
    if (!created) {
        c->st->samples_known++;
        return TIX_EOK;
    }
    c->st->samples_new++;

    char hex[65], id[TIX_STIX_ID_MAX];
    hex_of(smp.sha256, 32, hex);
    c->k.sample_id = smp.id;
    tix_obs_in self = {.type = TIX_OBS_SHA256, .value = hex, .value_len = 64,
                       .confidence = -1, .tlp = TIX_TLP_UNSET};
    if ((e = store_sink_observe_at(&c->k, &self, -1, 1, 0, id, d)))
        goto out;

    fold_reset(c);
    c->hit_err = TIX_EOK;
    tix_diag why = TIX_DIAG_INIT;
    e = tix_extract_mem(c->ex, data, len, on_hit, c, &why);
    if (e == TIX_ESTOPPED && c->hit_err)
        e = c->hit_err;
    if (e) {
        tix_diag_set(d, e, "%s: %s", name, why.msg[0] ? why.msg : tix_strerror(e));
        goto out;
    }
    e = store_hits(c, name, d);
out:
    c->k.sample_id = 0;
    return e;
}

/* ---- archives ---- */

static tix_err archive_members(sample_ctx *c, const char *name, const char *data,
                               size_t len, int64_t document_id, int depth, tix_diag *d);

static tix_err read_member(struct archive *a, const char *where, char **out,
                           size_t *outlen, int64_t size_hint, tix_diag *d)
{
    size_t cap = size_hint > 0 && (uint64_t)size_hint < MEMBER_MAX ? (size_t)size_hint + 1 : 65536;
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
        e = tix_diag_set(d, TIX_EPARSE, "%s: not a readable archive: %s", name,
                         archive_error_string(a) ? archive_error_string(a) : "unknown");
        goto out;
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
        if (depth < MAX_DEPTH && is_archive(m, mlen) == 1)
            e = archive_members(c, where.p, m, mlen, document_id, depth + 1, d);
        else
            e = one_sample(c, where.p, m, mlen, document_id, d);
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
out:
    archive_read_free(a);
    return e;
}

/* A compressed file is an archive only when a tar is inside. */
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

/* ---- one input file: one transaction ---- */

static tix_err ingest_file(sample_ctx *c, const char *path, tix_diag *d)
{
    in_file f;
    tix_err e = in_file_open(&f, path, d);
    if (e)
        return e;
    int kind = is_archive(f.data, f.len);
    if (kind == 2 && !tar_inside(f.data, f.len))
        kind = 0;
    if ((e = tix_store_begin(c->s, d)))
        goto out;
    if (kind) {
        tix_document doc = {.kind = "archive", .name = path, .size = f.len,
                            .source_id = c->k.source_id, .ingested = c->now};
        sha256_of(f.data, f.len, doc.sha256);
        bool created;
        if ((e = tix_store_document_put(c->s, &doc, &created, d)))
            goto fail;
        if (!created) {
            c->st->documents_known++;
            char t[TIX_TIME_MAX], msg[600];
            tix_time_format(doc.ingested, t);
            snprintf(msg, sizeof msg, "%s: already ingested on %s; nothing added", path, t);
            report(c, msg);
            tix_store_rollback(c->s);
            goto out;
        }
        c->k.document_id = doc.id;
        uint64_t before = c->st->files;
        e = archive_members(c, path, f.data, f.len, doc.id, 1, d);
        c->k.document_id = 0;
        if (e)
            goto fail;
        if ((e = tix_store_document_set_records(c->s, doc.id, c->st->files - before, d)))
            goto fail;
        c->st->documents_new++;
    } else if ((e = one_sample(c, path, f.data, f.len, 0, d))) {
        goto fail;
    }
    if ((e = tix_store_commit(c->s, d)))
        goto fail;
    goto out;
fail:
    tix_store_rollback(c->s);
out:
    in_file_close(&f);
    return e;
}

static tix_err walk(sample_ctx *c, const char *path, int depth, tix_diag *d);

static tix_err ingest_path(sample_ctx *c, const char *path, int depth, tix_diag *d)
{
    struct stat sb;
    if (lstat(path, &sb) != 0)
        return tix_diag_set(d, errno == ENOENT ? TIX_ENOTFOUND : TIX_EIO, "%s: %s", path,
                            strerror(errno));
    if (S_ISDIR(sb.st_mode))
        return walk(c, path, depth, d);
    if (S_ISLNK(sb.st_mode) && depth > 0)
        return TIX_EOK; /* links below a directory are not followed */
    tix_diag why = TIX_DIAG_INIT;
    tix_err e = ingest_file(c, path, &why);
    if (e && c->o->skip_bad && e != TIX_EDB && e != TIX_ENOMEM) {
        c->st->skipped++;
        char msg[600];
        snprintf(msg, sizeof msg, "%s (skipped)", why.msg);
        report(c, msg);
        return TIX_EOK;
    }
    if (e)
        tix_diag_set(d, e, "%s", why.msg);
    return e;
}

static tix_err walk(sample_ctx *c, const char *path, int depth, tix_diag *d)
{
    if (depth > 64)
        return tix_diag_set(d, TIX_EINVAL, "%s: directories nested too deep", path);
    struct dirent **names;
    int n = scandir(path, &names, NULL, alphasort);
    if (n < 0)
        return tix_diag_set(d, TIX_EIO, "%s: %s", path, strerror(errno));
    tix_err e = TIX_EOK;
    tix_buf p = TIX_BUF_INIT(65536);
    for (int i = 0; i < n; i++) {
        const char *nm = names[i]->d_name;
        if (!e && strcmp(nm, ".") != 0 && strcmp(nm, "..") != 0) {
            tix_buf_reset(&p);
            tix_buf_addf(&p, "%s%s%s", path,
                         path[strlen(path) - 1] == '/' ? "" : "/", nm);
            e = p.err ? tix_diag_set(d, TIX_ETOOBIG, "%s: path too long", path)
                      : ingest_path(c, p.p, depth + 1, d);
        }
        free(names[i]);
    }
    free(names);
    tix_buf_free(&p);
    return e;
}

tix_err tix_ingest_samples(tix_store *s, const tix_ingest_opts *o, const tix_extractor *ex,
                           const char *path, tix_ingest_stats *st, tix_diag *d)
{
    if (!o->source || !*o->source)
        return tix_diag_set(d, TIX_EINVAL, "no source named");
    sample_ctx c = {.s = s, .o = o, .ex = ex, .st = st};
    c.now = o->now ? o->now : tix_time_now();
    tix_buf_init(&c.vals, (size_t)1 << 30);
    store_sink_init(&c.k, s, o, st, c.now);
    c.k.tlp = o->tlp != TIX_TLP_UNSET ? o->tlp : TIX_TLP_AMBER;
    tix_err e;
    /* The source is made once, in its own transaction, so that every file
     * after it can be committed or rolled back on its own. */
    tix_source src;
    if ((e = tix_store_begin(s, d)))
        goto out;
    if ((e = tix_store_source_put(s, o->source, o->kind, o->trust, &src, d)) ||
        (e = tix_store_commit(s, d))) {
        tix_store_rollback(s);
        goto out;
    }
    c.k.source_id = src.id;
    c.magic_desc = magic_open(MAGIC_NONE);
    c.magic_mime = magic_open(MAGIC_MIME_TYPE);
    if (!c.magic_desc || !c.magic_mime || magic_load(c.magic_desc, NULL) != 0 ||
        magic_load(c.magic_mime, NULL) != 0) {
        e = tix_diag_set(d, TIX_EIO, "libmagic: cannot load its database: %s",
                         c.magic_desc && magic_error(c.magic_desc)
                             ? magic_error(c.magic_desc)
                             : "missing");
        goto out;
    }
    e = ingest_path(&c, path, 0, d);
out:
    if (c.magic_desc)
        magic_close(c.magic_desc);
    if (c.magic_mime)
        magic_close(c.magic_mime);
    store_sink_free(&c.k);
    tix_buf_free(&c.vals);
    free(c.hits);
    free(c.index);
    return e;
}
