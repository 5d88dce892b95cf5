/* flat.c - what the one-row-per-observable formats (CSV, MISP, block
 * lists) share: the walk, and a row's sums over the evidence it may carry.
 *
 * A row is one object, so it is marked with the most restrictive TLP of
 * what it says; with a TLP maximum, evidence above it is left out of the
 * row (and an observable with nothing left is withheld). */
#include <string.h>
#include <strings.h>

#include "export/internal.h"

void exp_flat_sum(const tix_export_obs *r, tix_tlp max, exp_flat *out)
{
    memset(out, 0, sizeof *out);
    out->most = TIX_TLP_CLEAR;
    for (size_t i = 0; i < r->n_groups; i++) {
        const tix_ev_group *g = &r->groups[i];
        if (g->tlp > max)
            continue;
        if (g->tlp > out->most)
            out->most = g->tlp;
        if (!out->first || g->first_seen < out->first)
            out->first = g->first_seen;
        if (g->last_seen > out->last)
            out->last = g->last_seen;
        out->rows += g->rows;
        out->detect |= g->detect;
    }
}

void exp_flat_sources(const tix_export_obs *r, tix_tlp max, const char *sep, tix_buf *b)
{
    int64_t last = 0;
    bool first = true;
    for (size_t i = 0; i < r->n_groups; i++) {
        const tix_ev_group *g = &r->groups[i];
        if (g->tlp > max || g->source_id == last)
            continue; /* groups come by source name */
        last = g->source_id;
        if (!first)
            tix_buf_adds(b, sep);
        first = false;
        tix_buf_adds(b, g->source ? g->source : "");
    }
}

/* Is t (n bytes) among the items already in b[from..] joined by sep? */
static bool listed(const tix_buf *b, size_t from, const char *sep, const char *t, size_t n)
{
    size_t sl = strlen(sep);
    for (size_t at = from; b->p && at < b->len;) {
        const char *end = strstr(b->p + at, sep);
        size_t len = end ? (size_t)(end - (b->p + at)) : b->len - at;
        if (len == n && strncasecmp(b->p + at, t, n) == 0)
            return true;
        at += len + sl;
    }
    return false;
}

void exp_flat_tags(const tix_export_obs *r, tix_tlp max, const char *sep,
                   bool (*keep)(const char *tag, size_t n), tix_buf *b)
{
    size_t from = 0;
    for (size_t i = 0; i < r->n_groups; i++) {
        const tix_ev_group *g = &r->groups[i];
        if (g->tlp > max)
            continue;
        for (const char *p = g->tags; p && *p;) {
            const char *end = strchr(p, ',');
            size_t n = end ? (size_t)(end - p) : strlen(p);
            const char *t = p;
            p += n + (end != NULL);
            while (n && (*t == ' ' || *t == '\t'))
                t++, n--;
            while (n && (t[n - 1] == ' ' || t[n - 1] == '\t'))
                n--;
            if (!n || (keep && !keep(t, n)) || listed(b, from, sep, t, n))
                continue;
            if (b->len > from)
                tix_buf_adds(b, sep);
            tix_buf_add(b, t, n);
        }
    }
}

typedef struct {
    exp_walk *w;
    int (*row)(void *ud, exp_walk *w, const exp_obs *v);
    void *ud;
} flat_ctx;

static int on_obs(void *ud, const tix_export_obs *r)
{
    flat_ctx *c = ud;
    exp_obs v;
    if (!exp_view(c->w, r, &v))
        return 0;
    return c->row(c->ud, c->w, &v);
}

tix_err exp_flat_walk(tix_store *s, const tix_export_filter *f, bool blocklist,
                      int (*row)(void *ud, exp_walk *w, const exp_obs *v), void *ud,
                      tix_export_stats *st, tix_diag *d)
{
    exp_walk w;
    tix_err e = tix_store_read_begin(s, d);
    if (e)
        return e;
    if ((e = exp_walk_init(&w, s, f, blocklist, d))) {
        tix_store_read_end(s);
        return e;
    }
    if (blocklist)
        w.sel.not_blocked = true;
    flat_ctx c = {&w, row, ud};
    e = tix_store_export_each(s, &w.sel, on_obs, &c, d);
    tix_store_read_end(s);
    if (!e && w.unvetted)
        e = exp_unvetted(&w);
    st->observables = w.exported;
    st->withheld_tlp = w.withheld;
    exp_walk_free(&w);
    return e;
}
