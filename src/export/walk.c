/* walk.c - what every format does with the filter and each observable.
 *
 * The filter becomes the store's selection (active: not blocked and last
 * seen within active_days of now). Each observable gets the least and most
 * restrictive TLP of its evidence, when its evidence was first ingested
 * (created) and its version: the last ingest of its evidence or the last
 * change of a supporting source's trust, whichever is later, since either
 * can change what an export says of it (its confidence). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/grow.h"
#include "export/internal.h"
#include "tix/time.h"

typedef struct {
    int64_t *ids;
    size_t n, cap;
} id_list;

static int on_source(void *ud, const tix_source *src)
{
    id_list *l = ud;
    if (tix__grow(&l->ids, &l->cap, l->n, sizeof *l->ids, 16))
        return 1;
    l->ids[l->n++] = src->id;
    return 0;
}

static tix_err load_changed(exp_walk *w)
{
    id_list l = {0};
    tix_err e = tix_store_source_each(w->s, on_source, &l, w->d);
    if (e == TIX_ESTOPPED)
        e = tix_diag_set(w->d, TIX_ENOMEM, "out of memory");
    int64_t max = 0;
    for (size_t i = 0; !e && i < l.n; i++)
        if (l.ids[i] > max)
            max = l.ids[i];
    if (!e && l.n) {
        w->changed = calloc((size_t)max + 1, sizeof *w->changed);
        if (!w->changed)
            e = tix_diag_set(w->d, TIX_ENOMEM, "out of memory");
        else
            w->nchanged = (size_t)max + 1;
    }
    for (size_t i = 0; !e && i < l.n; i++)
        e = tix_store_source_changed(w->s, l.ids[i], &w->changed[l.ids[i]], w->d);
    free(l.ids);
    return e;
}

static tix_err load_through(exp_walk *w)
{
    char *v = NULL;
    tix_diag dd = TIX_DIAG_INIT;
    tix_err e = tix_store_setting_get(w->s, "vet.through", &v, &dd);
    w->through = e == TIX_EOK ? strtoll(v, NULL, 10) : 0;
    free(v);
    if (e && e != TIX_ENOTFOUND)
        return tix_diag_set(w->d, e, "%s", dd.msg);
    return TIX_EOK;
}

tix_err exp_walk_init(exp_walk *w, tix_store *s, const tix_export_filter *f,
                      bool need_vetted, tix_diag *d)
{
    memset(w, 0, sizeof *w);
    w->s = s;
    w->f = f;
    w->d = d;
    if (f->tlp_max < TIX_TLP_UNSET || f->tlp_max > TIX_TLP_RED)
        return tix_diag_set(d, TIX_EINVAL, "export filter: no such TLP level %d",
                            (int)f->tlp_max);
    if (f->min_confidence < 0 || f->min_confidence > 100)
        return tix_diag_set(d, TIX_EINVAL, "export filter: confidence %d is not within 0-100",
                            f->min_confidence);
    if (f->active_days < 0)
        return tix_diag_set(d, TIX_EINVAL, "export filter: active_days is negative");
    w->now = f->now ? f->now : tix_time_now();
    w->tlp_max = f->tlp_max == TIX_TLP_UNSET ? TIX_TLP_RED : f->tlp_max;
    w->sel = (tix_obs_select){
        .types = f->types, .family = f->family, .source = f->source, .since = f->since,
        .not_blocked = f->active, .min_confidence = f->min_confidence,
        .country = f->country, .constituency = f->constituency};
    if (f->active) {
        int64_t from = w->now - (int64_t)(f->active_days ? f->active_days : 30) * 86400;
        if (from > w->sel.since)
            w->sel.since = from;
    }
    w->need_vetted = need_vetted || f->active;
    tix_err e = w->need_vetted ? load_through(w) : TIX_EOK;
    if (!e)
        e = load_changed(w);
    if (e)
        exp_walk_free(w);
    return e;
}

void exp_walk_free(exp_walk *w)
{
    free(w->changed);
    w->changed = NULL;
    w->nchanged = 0;
}

tix_err exp_unvetted(exp_walk *w)
{
    return tix_diag_set(w->d, TIX_EINVAL,
                        "the selection holds observables stored after the last vetting "
                        "pass (ingested with --no-vet?); run 'tix vet' first");
}

bool exp_view(exp_walk *w, const tix_export_obs *r, exp_obs *v)
{
    v->r = r;
    v->least = TIX_TLP_RED;
    v->most = TIX_TLP_CLEAR;
    v->created = INT64_MAX;
    v->version = 0;
    for (size_t i = 0; i < r->n_groups; i++) {
        const tix_ev_group *g = &r->groups[i];
        if (g->tlp < v->least)
            v->least = g->tlp;
        if (g->tlp > v->most)
            v->most = g->tlp;
        if (g->ingested_first < v->created)
            v->created = g->ingested_first;
        int64_t ver = g->ingested_last;
        if (g->source_id > 0 && (size_t)g->source_id < w->nchanged &&
            w->changed[g->source_id] > ver)
            ver = w->changed[g->source_id];
        if (ver > v->version)
            v->version = ver;
    }
    if (!r->n_groups)
        return false;
    if (v->version < v->created)
        v->version = v->created;
    if (v->least > w->tlp_max) {
        w->withheld++;
        return false;
    }
    if (w->need_vetted && r->obs.id > w->through)
        w->unvetted++;
    w->exported++;
    return true;
}

bool exp_has_tag(const char *tags, const char *tag)
{
    size_t tl = strlen(tag);
    for (const char *p = tags; p && *p;) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        const char *a = p;
        while (n && (*a == ' ' || *a == '\t'))
            a++, n--;
        while (n && (a[n - 1] == ' ' || a[n - 1] == '\t'))
            n--;
        if (n == tl && strncasecmp(a, tag, n) == 0)
            return true;
        p += (end ? (size_t)(end - p) + 1 : strlen(p));
    }
    return false;
}

static int by_name(const void *a, const void *b)
{
    const exp_family *x = a, *y = b;
    int c = strcasecmp(x->name, y->name);
    return c ? c : strcmp(x->name, y->name);
}

size_t exp_families(const tix_export_obs *r, tix_tlp max, exp_family **out, size_t *cap)
{
    size_t n = 0;
    for (size_t i = 0; i < r->n_groups; i++) {
        const tix_ev_group *g = &r->groups[i];
        if (!g->family || g->tlp > max)
            continue;
        size_t k = 0;
        while (k < n && strcasecmp((*out)[k].name, g->family) != 0)
            k++;
        if (k < n) {
            if (g->tlp < (*out)[k].least)
                (*out)[k].least = g->tlp;
            continue;
        }
        if (tix__grow(out, cap, n, sizeof **out, 8))
            return SIZE_MAX;
        (*out)[n++] = (exp_family){g->family, g->tlp};
    }
    if (n > 1)
        qsort(*out, n, sizeof **out, by_name);
    return n;
}
