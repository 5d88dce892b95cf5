/* hits.c - recording hits: where a stretch of refanged text is in the
 * input, the hit list kept in offset order, and its delivery to the caller. */
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"
#include "extract/token.h"

/* Index of the first edit that ends after i (t->ed->n if none). Lookups
 * come in nearly increasing order, so walk from the last answer. */
static size_t edit_after(struct tix__text *t, size_t i)
{
    const struct tix__edit *v = t->ed->v;
    size_t k = t->ecur, n = t->ed->n;
    if (k > n)
        k = n;
    while (k > 0 && v[k - 1].qend > i)
        k--;
    while (k < n && v[k].qend <= i)
        k++;
    t->ecur = k;
    return k;
}

/* Input offset of text index i, given k = edit_after(t, i). */
static uint64_t offset_at(const struct tix__text *t, size_t i, size_t k)
{
    uint64_t shift = 0;
    if (k > 0)
        shift = t->ed->v[k - 1].shift;
    /* inside a replacement: its first raw byte */
    if (k < t->ed->n && t->ed->v[k].q <= i)
        i = t->ed->v[k].q;
    return t->base + (uint64_t)t->stride * (i + shift);
}

/* Where p[s..e) is in the input, and whether it spans a replacement. */
static void map_span(struct tix__text *t, size_t s, size_t e,
                     uint64_t *off, uint64_t *end, bool *edit)
{
    if (t->ed == NULL || t->ed->n == 0) {
        *off = t->base + (uint64_t)t->stride * s;
        *end = t->base + (uint64_t)t->stride * e;
        *edit = false;
        return;
    }
    size_t k = edit_after(t, s);
    *off = offset_at(t, s, k);
    *edit = k < t->ed->n && t->ed->v[k].q < e;
    while (k < t->ed->n && t->ed->v[k].qend <= e - 1)
        k++;
    *end = offset_at(t, e - 1, k) + t->stride;
}

bool tix__edited(struct tix__text *t, size_t s, size_t e)
{
    if (t->ed == NULL || t->ed->n == 0)
        return false;
    size_t k = edit_after(t, s);
    return k < t->ed->n && t->ed->v[k].q < e;
}

/* The value just canonicalised into t->out->vals from mark on becomes a
 * hit for p[s..e), if the type is wanted and the hit is in range. */
static int add_hit(struct tix__text *t, tix_obs_type type, size_t s, size_t e,
                   size_t mark, bool defanged)
{
    struct tix__hits *h = t->out;
    uint64_t off, end;
    bool edit;
    map_span(t, s, e, &off, &end, &edit);
    if (!(t->ex->types & TIX_OBS_BIT(type)) || off < t->lo || off >= t->hi ||
        h->vals.err != TIX_EOK) {
        tix_err err = h->vals.err;
        h->vals.len = mark;
        if (h->vals.p)
            h->vals.p[mark] = '\0';
        return err == TIX_EOK ? 0 : -1;
    }
    if (tix__grow(&h->v, &h->cap, h->n, sizeof *h->v, 256) != 0)
        return -1;
    /* keep the list in offset order: hits arrive almost sorted (a run is
     * seen before the anchors of its block), so this moves a few at most */
    size_t at_ = h->n;
    while (at_ > 0 && (h->v[at_ - 1].offset > off ||
                       (h->v[at_ - 1].offset == off && h->v[at_ - 1].type > type)))
        at_--;
    if (at_ < h->n)
        memmove(&h->v[at_ + 1], &h->v[at_], (h->n - at_) * sizeof *h->v);
    h->n++;
    h->v[at_] = (struct tix__rec){
        .offset = off,
        .raw_len = end - off,
        .voff = (uint32_t)mark,
        .vlen = (uint32_t)(h->vals.len - mark),
        .type = (uint8_t)type,
        .enc = (uint8_t)t->enc,
        .defanged = defanged || edit,
    };
    tix_buf_addc(&h->vals, '\0');
    return h->vals.err == TIX_EOK ? 0 : -1;
}


/* Canonicalise p[s..e) with fn and record it; false when invalid. */
bool tix__try_hit(struct tix__text *t, tix_obs_type type, canon_fn fn,
                  size_t s, size_t e, bool defanged, int *err)
{
    size_t mark = t->out->vals.len;
    if (!fn((const char *)t->p + s, e - s, &t->out->vals)) {
        t->out->vals.len = mark;
        if (t->out->vals.p)
            t->out->vals.p[mark] = '\0';
        return false;
    }
    if (add_hit(t, type, s, e, mark, defanged) != 0)
        *err = -1;
    return true;
}

bool tix__add_value(struct tix__text *t, tix_obs_type type, size_t s,
                    size_t e, const char *value, size_t len, bool defanged,
                    int *err)
{
    size_t mark = t->out->vals.len;
    tix_buf_add(&t->out->vals, value, len);
    if (add_hit(t, type, s, e, mark, defanged) != 0)
        *err = -1;
    return true;
}

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
    tix_buf_free(&h->scratch);
}
