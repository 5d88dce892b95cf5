/* snapshot.c - observables copied out of a listing. */
#include <string.h>

#include "core/grow.h"
#include "store/snapshot.h"

static int keep(void *ud, const tix_obs_rec *r)
{
    obs_snapshot *o = ud;
    if (tix__grow(&o->v, &o->cap, o->n, sizeof *o->v, 4096))
        return 1;
    size_t len = strlen(r->value);
    o->v[o->n++] = (obs_item){r->id, r->type, o->vals.len, len};
    tix_buf_add(&o->vals, r->value, len + 1);
    return o->vals.err != TIX_EOK;
}

tix_err obs_snapshot_take(tix_store *s, const tix_obs_filter *f, obs_snapshot *out,
                          tix_diag *d)
{
    memset(out, 0, sizeof *out);
    tix_buf_init(&out->vals, TIX_BUF_MAX_DEFAULT);
    tix_err e = tix_store_observable_each(s, f, keep, out, d);
    if (e == TIX_ESTOPPED)
        e = tix_diag_set(d, TIX_ENOMEM, "out of memory holding the observables");
    if (e)
        obs_snapshot_free(out);
    return e;
}

void obs_snapshot_free(obs_snapshot *o)
{
    free(o->v);
    tix_buf_free(&o->vals);
    memset(o, 0, sizeof *o);
}
