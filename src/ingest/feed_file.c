/* feed_file.c - one feed, MISP or STIX document (a file, or bytes in
 * memory) in one transaction. */
#include <stdio.h>
#include <string.h>

#include "ingest/file.h"
#include "ingest/sink.h"
#include "tix/time.h"

/* Publishers of these formats release them as TLP:CLEAR. */
static tix_tlp default_tlp(const tix_ingest_opts *o, tix_feed_format f)
{
    if (o->tlp != TIX_TLP_UNSET)
        return o->tlp;
    switch (f) {
    case TIX_FEED_FEODO_CSV:
    case TIX_FEED_FEODO_JSON:
    case TIX_FEED_URLHAUS_CSV:
    case TIX_FEED_THREATFOX_CSV:
    case TIX_FEED_THREATFOX_JSON:
    case TIX_FEED_SPAMHAUS_DROP:
        return TIX_TLP_CLEAR;
    default:
        return TIX_TLP_AMBER;
    }
}

/* One document in memory, in one transaction with what o->before_commit
 * writes. */
static tix_err ingest_doc(tix_store *s, const tix_ingest_opts *o, const tix_feed_opts *fo,
                          const char *name, const void *data, size_t len,
                          tix_ingest_stats *st, tix_diag *d)
{
    if (!o->source || !*o->source)
        return tix_diag_set(d, TIX_EINVAL, "%s: no source named", name);
    st->files++;
    int64_t now = o->now ? o->now : tix_time_now();
    store_sink k;
    store_sink_init(&k, s, o, st, now);
    k.tlp = default_tlp(o, fo->format);
    tix_source src;
    tix_document doc = {.kind = tix_feed_name(fo->format), .name = name,
                        .size = len, .ingested = now};
    sha256_of(data, len, doc.sha256);
    bool created = false;
    tix_feed_stats fs;
    tix_err e;
    if ((e = tix_store_begin(s, d)))
        goto out;
    if ((e = tix_store_source_put(s, o->source, o->kind, o->trust, &src, d)))
        goto fail;
    k.source_id = doc.source_id = src.id;
    if ((e = tix_store_document_put(s, &doc, &created, d)))
        goto fail;
    if (!created) {
        store_sink_already(o, name, doc.ingested);
        st->documents_known++;
        if (!o->before_commit) {
            tix_store_rollback(s);
            goto out;
        }
        if ((e = o->before_commit(o->before_commit_ud, s, d)) ||
            (e = tix_store_commit(s, d)))
            goto fail;
        goto out;
    }
    k.document_id = doc.id;
    tix_sink sink = store_sink_iface(&k);
    tix_feed_opts fopts = *fo;
    if (!fopts.skipped) {
        fopts.skipped = o->report;
        fopts.skipped_ud = o->report_ud;
    }
    fopts.skip_bad = fo->skip_bad || o->skip_bad;
    e = tix_feed_read(&fopts, name, data, len, &sink, &fs, d);
    store_sink_add_stats(st, &fs);
    if (e)
        goto fail;
    if ((e = tix_store_document_set_records(s, doc.id, fs.records, d)) ||
        (o->before_commit && (e = o->before_commit(o->before_commit_ud, s, d))) ||
        (e = tix_store_commit(s, d)))
        goto fail;
    st->documents_new++;
    goto out;
fail:
    tix_store_rollback(s);
out:
    store_sink_free(&k);
    return e;
}

tix_err tix_ingest_feed(tix_store *s, const tix_ingest_opts *o, const tix_feed_opts *fo,
                        const char *path, tix_ingest_stats *st, tix_diag *d)
{
    if (!o->source || !*o->source)
        return tix_diag_set(d, TIX_EINVAL, "%s: no source named", path);
    in_file f;
    tix_err e = in_file_open(&f, path, d);
    if (e)
        return e;
    const char *name = strcmp(path, "-") == 0 ? "(stdin)" : path;
    e = ingest_doc(s, o, fo, name, f.data, f.len, st, d);
    in_file_close(&f);
    return e;
}

tix_err tix_ingest_feed_mem(tix_store *s, const tix_ingest_opts *o,
                            const tix_feed_opts *fo, const char *name,
                            const void *data, size_t len, tix_ingest_stats *st,
                            tix_diag *d)
{
    if (!name || !*name)
        return tix_diag_set(d, TIX_EINVAL, "a document in memory needs a name");
    if (!data && len)
        return tix_diag_set(d, TIX_EINVAL, "%s: no data", name);
    return ingest_doc(s, o, fo, name, data ? data : "", len, st, d);
}
