/* snapshot.h - the (id, type, value) of a filtered set of observables, held
 * in memory so that a pass can write while it works through them. Not API. */
#ifndef TIX_STORE_SNAPSHOT_H
#define TIX_STORE_SNAPSHOT_H

#include "tix/buf.h"
#include "tix/store.h"

typedef struct {
    int64_t id;
    tix_obs_type type;
    size_t off, len; /* value in vals */
} obs_item;

typedef struct {
    obs_item *v;
    size_t n, cap;
    tix_buf vals;    /* NUL-terminated values */
} obs_snapshot;

tix_err obs_snapshot_take(tix_store *s, const tix_obs_filter *f, obs_snapshot *out,
                          tix_diag *d);
static inline const char *obs_snapshot_value(const obs_snapshot *o, size_t i)
{
    return o->vals.p + o->v[i].off;
}
void obs_snapshot_free(obs_snapshot *o);

#endif
