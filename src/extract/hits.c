/* hits.c - a window's hits, sorted by offset and handed to the caller. */
#include <stdlib.h>
#include <string.h>

#include "extract/internal.h"

static int rec_cmp(const void *a, const void *b)
{
    const struct tix__rec *x = a, *y = b;
    if (x->offset != y->offset)
        return x->offset < y->offset ? -1 : 1;
    if (x->type != y->type)
        return x->type < y->type ? -1 : 1;
    return x->voff < y->voff ? -1 : x->voff > y->voff;
}

tix_err tix__hits_flush(struct tix__hits *h, tix_hit_fn fn, void *ud,
                        tix_diag *d)
{
    tix_err rc = TIX_EOK;
    /* the text scans keep their hits in order; the UTF-16 strings of a
     * window come after its ASCII hits, so merge when they interleave */
    for (size_t i = 1; i < h->n; i++) {
        if (rec_cmp(&h->v[i - 1], &h->v[i]) > 0) {
            qsort(h->v, h->n, sizeof *h->v, rec_cmp);
            break;
        }
    }
    const struct tix__rec *prev = NULL;
    for (size_t i = 0; i < h->n; i++) {
        const struct tix__rec *r = &h->v[i];
        const char *val = h->vals.p + r->voff;
        /* the same value at the same place from two routes is one hit */
        if (prev && prev->offset == r->offset && prev->type == r->type &&
            prev->vlen == r->vlen &&
            memcmp(h->vals.p + prev->voff, val, r->vlen) == 0)
            continue;
        prev = r;
        tix_hit hit = {
            .type = (tix_obs_type)r->type,
            .value = val,
            .value_len = r->vlen,
            .offset = r->offset,
            .raw_len = r->raw_len,
            .encoding = (tix_encoding)r->enc,
            .defanged = r->defanged != 0,
        };
        if (fn(ud, &hit) != 0) {
            rc = tix_diag_set(d, TIX_ESTOPPED, "stopped by caller");
            break;
        }
    }
    h->n = 0;
    tix_buf_reset(&h->vals);
    return rc;
}

void tix__hits_free(struct tix__hits *h)
{
    free(h->v);
    h->v = NULL;
    h->n = h->cap = 0;
    tix_buf_free(&h->vals);
}
