/* bundle.c - the STIX object stream as one bundle: an object per line
 * inside "objects", so that a bundle of millions of objects can be read by
 * line-oriented tools as well as by JSON parsers.
 *
 * Every object of the stream is in it but the extension definition of
 * cryptocurrency-wallet (see on_obj). The bundle id is UUIDv5 over the canonical filter and the ingest times of
 * the evidence it rests on: the same store and filter give the same bundle,
 * byte for byte. */
#include <string.h>

#include "export/internal.h"

typedef struct {
    exp_out *o;
    const tix_export_filter *f;
    bool any;
    bool bad;
    uint64_t left_out;
} bundle_ctx;

static void start(void *ud, const exp_stix_info *i)
{
    bundle_ctx *c = ud;
    tix_buf name = TIX_BUF_INIT(TIX_BUF_MAX_DEFAULT);
    tix_buf_adds(&name, "bundle|");
    tix_export_filter_format(c->f, &name);
    tix_buf_addf(&name, "|%lld|%lld", (long long)i->first, (long long)i->last);
    char id[TIX_STIX_ID_MAX] = "";
    if (name.err || exp_id(id, "bundle", name.p, name.len))
        c->bad = true;
    tix_buf_free(&name);
    tix_buf_adds(&c->o->b, "{\"type\":\"bundle\",\"id\":\"");
    tix_buf_adds(&c->o->b, id);
    tix_buf_adds(&c->o->b, "\",\"objects\":[");
}

static int on_obj(void *ud, const tix_stix_obj *o)
{
    bundle_ctx *c = ud;
    /* The OASIS bundle schema takes no extension definition: one matches
     * both core.json and cyber-observable-core.json in its oneOf. The
     * definition of cryptocurrency-wallet stays in the object stream (a
     * TAXII collection serves it) and in docs/export.md. */
    if (strcmp(o->type, "extension-definition") == 0) {
        c->left_out++;
        return 0;
    }
    tix_buf_adds(&c->o->b, c->any ? ",\n" : "\n");
    tix_buf_add(&c->o->b, o->json, o->len);
    c->any = true;
    exp_out_flush(c->o, false);
    return c->bad || c->o->err != TIX_EOK;
}

tix_err exp_write_stix(tix_store *s, const tix_export_filter *f, exp_out *o,
                       tix_export_stats *st, tix_diag *d)
{
    bundle_ctx c = {.o = o, .f = f};
    tix_err e = exp_stix_run(s, f, on_obj, &c, start, st, d);
    if (e == TIX_ESTOPPED)
        e = c.bad ? tix_diag_set(d, TIX_ENOMEM, "writing the bundle: out of memory")
                  : tix_diag_set(d, o->err, "%s", o->why);
    if (st)
        st->objects -= c.left_out;
    if (!e) {
        tix_buf_adds(&o->b, "\n]}\n");
        if (c.bad)
            e = tix_diag_set(d, TIX_ENOMEM, "writing the bundle: out of memory");
    }
    return e;
}
