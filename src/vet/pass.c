/* pass.c - vetting the observables of a store: the lists it keeps (and the
 * built-in ones), passive DNS for sinkholed names and shared hosts, and the
 * collateral flags a takedown must respect. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/grow.h"
#include "store/snapshot.h"
#include "tix/store.h"
#include "tix/time.h"
#include "tix/vet.h"

const char *tix_vet_status_name(tix_vet_status s)
{
    switch (s) {
    case TIX_VET_CLEAR: return "ok";
    case TIX_VET_WARN: return "warn";
    case TIX_VET_BLOCKED: return "blocked";
    }
    return "?";
}

typedef struct {
    tix_vetter *v;
    int64_t *store_id; /* per vetter list */
} lists;

typedef struct {
    char **names;
    int64_t *ids;
    size_t n, cap, capids;
} namelist;

static int note_name(void *ud, const tix_list_rec *r)
{
    namelist *nl = ud;
    if (tix__grow(&nl->names, &nl->cap, nl->n, sizeof *nl->names, 64) ||
        tix__grow(&nl->ids, &nl->capids, nl->n, sizeof *nl->ids, 64))
        return 1;
    nl->ids[nl->n] = r->id;
    return !(nl->names[nl->n++] = strdup(r->name));
}

static void namelist_free(namelist *nl)
{
    for (size_t i = 0; i < nl->n; i++)
        free(nl->names[i]);
    free(nl->names);
    free(nl->ids);
}

static bool has_name(const namelist *nl, const char *name)
{
    for (size_t i = 0; i < nl->n; i++)
        if (strcmp(nl->names[i], name) == 0)
            return true;
    return false;
}

static tix_err fill(tix_store *s, tix_vetter *v, namelist *nl, tix_vet_stats *st,
                    tix_diag *d)
{
    tix_err e = tix_store_list_each(s, note_name, nl, d);
    if (e == TIX_ESTOPPED)
        e = tix_diag_set(d, TIX_ENOMEM, "out of memory");
    for (size_t i = 0; !e && i < nl->n; i++) {
        tix_list *l;
        if ((e = tix_store_list_get(s, nl->names[i], &l, d)))
            break;
        st->entries += l->n;
        st->lists++;
        e = tix_vetter_add(v, l, d);
    }
    if (e)
        return e;
    /* built-ins the store does not keep yet still count */
    tix_list **bl;
    size_t nb;
    if ((e = tix_lists_builtin(&bl, &nb, d)))
        return e;
    for (size_t i = 0; i < nb; i++) {
        if (!e && !has_name(nl, bl[i]->name)) {
            st->entries += bl[i]->n;
            st->lists++;
            e = tix_vetter_add(v, bl[i], d);
        } else {
            tix_list_free(bl[i]);
        }
    }
    free(bl);
    return e ? e : tix_vetter_build(v, d);
}

tix_err tix_vetter_from_store(tix_store *s, tix_vetter **out, tix_vet_stats *st,
                              tix_diag *d)
{
    tix_vet_stats dummy = {0};
    namelist nl = {0};
    tix_err e = tix_vetter_new(out, d);
    if (!e)
        e = fill(s, *out, &nl, st ? st : &dummy, d);
    namelist_free(&nl);
    if (e) {
        tix_vetter_free(*out);
        *out = NULL;
    }
    return e;
}

/* Built-ins go into the store the first time (and again when a newer tix
 * knows more), so they are listed, get policies and take user entries. */
tix_err tix_lists_store_builtins(tix_store *s, tix_diag *d)
{
    tix_list **bl;
    size_t nb;
    tix_err e = tix_lists_builtin(&bl, &nb, d);
    for (size_t i = 0; !e && i < nb; i++)
        e = tix_store_list_put(s, bl[i], NULL, d);
    if (!e)
        tix_lists_free(bl, nb);
    return e;
}

/* With every list stored, vetter list i is stored list i (both in name
 * order: the store lists by name, and fill() adds in that order). */
static tix_err load_lists(tix_store *s, lists *ls, tix_vet_stats *st, tix_diag *d)
{
    namelist nl = {0};
    tix_err e = tix_vetter_new(&ls->v, d);
    if (!e)
        e = fill(s, ls->v, &nl, st, d);
    if (!e && tix_vetter_count(ls->v) != nl.n)
        e = tix_diag_set(d, TIX_EINVAL, "the store's lists changed while loading");
    if (!e) {
        ls->store_id = nl.ids;
        nl.ids = NULL;
    }
    namelist_free(&nl);
    return e;
}

static const char *kind_flag(tix_list_kind k)
{
    switch (k) {
    case TIX_LIST_KIND_CLOUD:
    case TIX_LIST_KIND_CDN:
    case TIX_LIST_KIND_DYNDNS:
    case TIX_LIST_KIND_SHORTENER: return tix_list_kind_name(k);
    default: return NULL;
    }
}

static const char *kind_advice(tix_list_kind k)
{
    switch (k) {
    case TIX_LIST_KIND_CLOUD: return "a cloud provider's range; act through the provider";
    case TIX_LIST_KIND_CDN:
        return "a CDN edge shared by many sites; act on the origin, not the edge";
    case TIX_LIST_KIND_DYNDNS:
        return "a dynamic-DNS provider's zone; ask the provider to suspend the name";
    case TIX_LIST_KIND_SHORTENER:
        return "a URL shortener; ask the service to disable the link";
    default: return "";
    }
}

typedef struct {
    tix_store *s;
    tix_vetter *v;
    lists *ls;
    int64_t obs;
    bool taken[64];    /* per list index < 64: already has a verdict */
    const bool *seen;  /* lists with a verdict on this observable */
    size_t nseen;
    tix_vet_stats *st;
    bool blocked;
    tix_err err;
    tix_diag *d;
} dns_ctx;

/* A recent NS or A/AAAA record of the name that points into a sinkhole
 * list: the name has been taken over by a researcher or an authority. */
static int on_record(void *ud, const tix_resolution *r)
{
    dns_ctx *c = ud;
    tix_obs_type t;
    if (strcmp(r->rrtype, "NS") == 0)
        t = TIX_OBS_DOMAIN;
    else if (strcmp(r->rrtype, "A") == 0)
        t = TIX_OBS_IPV4;
    else if (strcmp(r->rrtype, "AAAA") == 0)
        t = TIX_OBS_IPV6;
    else
        return 0;
    tix_verdict vs[32];
    size_t n = tix_vetter_check(c->v, t, r->rdata, strlen(r->rdata), vs, 32);
    if (n > 32)
        n = 32;
    for (size_t i = 0; i < n; i++) {
        const tix_list *l = tix_vetter_list(c->v, vs[i].list);
        if (l->kind != TIX_LIST_KIND_SINKHOLE || (vs[i].list < 64 && c->taken[vs[i].list]))
            continue;
        char entry[600], note[400], day[TIX_TIME_MAX];
        tix_time_format(r->last_seen, day);
        day[10] = 0;
        snprintf(entry, sizeof entry, "%s %s", r->rrtype, r->rdata);
        snprintf(note, sizeof note, "passive DNS, last seen %s; list entry %s%s%s", day,
                 vs[i].entry, vs[i].note ? ": " : "", vs[i].note ? vs[i].note : "");
        c->err = tix_store_verdict_add(c->s, c->obs, c->ls->store_id[vs[i].list],
                                       strcmp(r->rrtype, "NS") == 0 ? TIX_MATCH_HOSTNAME
                                                                    : TIX_MATCH_CIDR,
                                       entry, note, false, c->d);
        if (c->err)
            return 1;
        if (vs[i].list < 64)
            c->taken[vs[i].list] = true;
        c->st->verdicts++;
        if (l->policy == TIX_POLICY_BLOCK)
            c->blocked = true;
    }
    return 0;
}

typedef struct {
    tix_store *s;
    unsigned days;
    tix_vet_stats *st;
    tix_err err;
    tix_diag *d;
} shared_ctx;

static int on_shared(void *ud, const tix_shared_host *h)
{
    shared_ctx *c = ud;
    char ev[512];
    snprintf(ev, sizeof ev,
             "do not seize: %llu unrelated domains resolved here in the last %u days "
             "(%s%s)",
             (unsigned long long)h->names, c->days, h->examples ? h->examples : "",
             h->names > 3 ? ", ..." : "");
    c->err = tix_store_flag_set(c->s, h->observable_id, "shared-hosting", ev, c->d);
    c->st->shared_hosts++;
    return c->err != TIX_EOK;
}

static bool have_pdns(tix_store *s)
{
    char *v = NULL;
    tix_err e = tix_store_setting_get(s, "pdns.records", &v, NULL);
    bool yes = !e && v && strcmp(v, "0") != 0;
    free(v);
    return yes;
}

static tix_err vet_items(tix_store *s, lists *ls, const obs_snapshot *it, bool pdns,
                         int64_t since, tix_vet_stats *st, tix_diag *d)
{
    tix_verdict vs[64];
    tix_err e = TIX_EOK;
    for (size_t i = 0; !e && i < it->n; i++) {
        const obs_item *o = &it->v[i];
        const char *val = obs_snapshot_value(it, i);
        size_t n = tix_vetter_check(ls->v, o->type, val, o->len, vs, 64);
        if (n > 64)
            n = 64;
        dns_ctx c = {.s = s, .v = ls->v, .ls = ls, .obs = o->id, .st = st, .d = d};
        bool warned = false;
        for (size_t k = 0; !e && k < n; k++) {
            const tix_list *l = tix_vetter_list(ls->v, vs[k].list);
            e = tix_store_verdict_add(s, o->id, ls->store_id[vs[k].list], vs[k].match,
                                      vs[k].entry, vs[k].note, vs[k].on_host != 0, d);
            st->verdicts++;
            if (vs[k].list < 64)
                c.taken[vs[k].list] = true;
            if (tix_verdict_blocks(l->policy, l->kind, vs[k].on_host))
                c.blocked = true;
            else
                warned = true;
            const char *flag = kind_flag(l->kind);
            if (!e && flag) {
                char ev[700];
                snprintf(ev, sizeof ev, "%s%s in %s (%s %s): %s", vs[k].on_host ? "host " : "",
                         val, l->name, tix_match_name(vs[k].match), vs[k].entry,
                         kind_advice(l->kind));
                e = tix_store_flag_set(s, o->id, flag, ev, d);
                st->flagged++;
            }
        }
        if (!e && pdns && o->type == TIX_OBS_DOMAIN) {
            e = tix_store_resolution_each(s, val, NULL, since, on_record, &c, d);
            if (e == TIX_ESTOPPED)
                e = c.err;
        }
        st->vetted++;
        if (c.blocked)
            st->blocked++;
        else if (warned)
            st->warned++;
    }
    return e;
}

static double seconds_since(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

tix_err tix_vet_store(tix_store *s, const tix_vet_opts *o, tix_vet_stats *st, tix_diag *d)
{
    static const tix_vet_opts defaults = {0};
    tix_vet_stats dummy;
    if (!o)
        o = &defaults;
    if (!st)
        st = &dummy;
    memset(st, 0, sizeof *st);
    unsigned days = o->window_days ? o->window_days : 30;
    uint64_t threshold = o->shared_threshold ? o->shared_threshold : 20;
    int64_t now = o->now ? o->now : tix_time_now();
    int64_t since = now - (int64_t)days * 86400;

    tix_err e = tix_store_begin(s, d);
    if (e)
        return e;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    lists ls = {0};
    obs_snapshot it = {0};
    int64_t after = 0;
    if (!o->all) {
        char *v = NULL;
        if (tix_store_setting_get(s, "vet.through", &v, NULL) == TIX_EOK)
            after = strtoll(v, NULL, 10);
        free(v);
    }
    if ((e = tix_lists_store_builtins(s, d)) || (e = load_lists(s, &ls, st, d)))
        goto out;
    st->load_seconds = seconds_since(&t0);

    tix_obs_filter f = {.after_id = after, .by_id = true};
    if ((e = obs_snapshot_take(s, &f, &it, d)) || (e = tix_store_vet_clear(s, after, d)))
        goto out;
    bool pdns = have_pdns(s);
    if ((e = vet_items(s, &ls, &it, pdns, since, st, d)))
        goto out;
    if (pdns) {
        shared_ctx sc = {s, days, st, TIX_EOK, d};
        if ((e = tix_store_flag_clear(s, "shared-hosting", d)))
            goto out;
        e = tix_store_shared_hosts(s, since, threshold, on_shared, &sc, d);
        if (e == TIX_ESTOPPED)
            e = sc.err;
        if (e)
            goto out;
    }
    if (it.n) {
        char through[24];
        snprintf(through, sizeof through, "%lld", (long long)it.v[it.n - 1].id);
        e = tix_store_setting_set(s, "vet.through", through, d);
    }
out:
    tix_vetter_free(ls.v);
    free(ls.store_id);
    obs_snapshot_free(&it);
    if (e) {
        tix_store_rollback(s);
        return e;
    }
    return tix_store_commit(s, d);
}
