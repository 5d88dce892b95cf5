/* collection.c - a query collection brought up to date with its saved
 * query.
 *
 * The collection's objects are what `tix export --format stix --query Q`
 * would write, object by object: the exporter's stream is handed to
 * tix_collection_sync, which appends what is new or changed and drops what
 * the query no longer selects. Both run on the caller's connection inside
 * its transaction, so a refresh is seen whole or not at all.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tix/export.h"
#include "tix/share.h"

typedef struct {
    tix_store *s;
    const tix_export_filter *f;
} producer_ctx;

static tix_err produce(void *ud, tix_stix_obj_fn emit, void *emit_ud, tix_diag *d)
{
    producer_ctx *p = ud;
    return tix_export_stix_each(p->s, p->f, emit, emit_ud, d);
}

tix_err tix_collection_refresh(tix_store *s, const char *collection, const char *query,
                               int64_t now, tix_sync_stats *st, tix_diag *d)
{
    char *owned = NULL;
    tix_export_filter f;
    tix_diag pd = TIX_DIAG_INIT;
    tix_err e = tix_export_filter_parse(query, &f, &owned, &pd);
    if (e) {
        free(owned);
        return tix_diag_set(d, e, "collection %s: query: %s", collection, pd.msg);
    }
    f.now = now;
    producer_ctx p = {s, &f};
    e = tix_collection_sync(s, collection, produce, &p, st, d);
    free(owned);
    return e;
}
