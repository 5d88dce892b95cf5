/* takedown.c - building a family's takedown list from the store.
 *
 * Three passes, because a record the store hands out lives only until the
 * next call on the store: first copy what tix_store_family_each yields,
 * then ask for each entry's verdicts, flags, place and evidence, then sort
 * and group. Everything is copied into the takedown, which outlives the
 * store.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tix/takedown.h"
#include "tix/time.h"

/* ---- names ---------------------------------------------------------- */

const char *tix_takedown_by_name(tix_takedown_by by)
{
    return by == TIX_TAKEDOWN_BY_COUNTRY ? "country" : "agency";
}

int tix_takedown_by_from_name(const char *name)
{
    if (strcmp(name, "agency") == 0)
        return TIX_TAKEDOWN_BY_AGENCY;
    if (strcmp(name, "country") == 0)
        return TIX_TAKEDOWN_BY_COUNTRY;
    return -1;
}

/* ---- freeing -------------------------------------------------------- */

static void entry_clear(tix_takedown_entry *e)
{
    free(e->value);
    free(e->ports);
    free(e->sources);
    free(e->extractors);
    free(e->as_name);
    free(e->constituency);
    free(e->const_email);
    free(e->const_kind);
    free(e->const_country);
    free(e->group);
    for (size_t i = 0; i < e->n_verdicts; i++) {
        free(e->verdicts[i].list);
        free(e->verdicts[i].entry);
        free(e->verdicts[i].note);
    }
    free(e->verdicts);
    for (size_t i = 0; i < e->n_flags; i++) {
        free(e->flags[i].flag);
        free(e->flags[i].evidence);
    }
    free(e->flags);
}

void tix_takedown_free(tix_takedown *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n_entries; i++)
        entry_clear(&t->entries[i]);
    for (size_t i = 0; i < t->n_blocked; i++)
        entry_clear(&t->blocked[i]);
    for (size_t i = 0; i < t->n_groups; i++)
        free(t->groups[i].name);
    free(t->entries);
    free(t->blocked);
    free(t->groups);
    free(t->family);
    free(t);
}

/* ---- reasons and warnings --------------------------------------------- */

static void add_verdict(tix_buf *b, const tix_takedown_verdict *v)
{
    tix_buf_adds(b, v->list);
    tix_buf_adds(b, ": ");
    tix_buf_adds(b, v->entry);
    if (v->on_host)
        tix_buf_adds(b, " (URL host)");
    if (v->note && *v->note)
        tix_buf_addf(b, " (%s)", v->note);
}

void tix_takedown_reasons(const tix_takedown_entry *e, tix_buf *b)
{
    size_t n = 0;
    for (size_t i = 0; i < e->n_verdicts; i++) {
        if (!e->verdicts[i].blocks)
            continue;
        if (n++)
            tix_buf_adds(b, "; ");
        add_verdict(b, &e->verdicts[i]);
    }
    /* the status says blocked but no verdict does: never silent */
    if (n == 0 && e->status == TIX_VET_BLOCKED)
        tix_buf_adds(b, "blocked by vetting");
}

void tix_takedown_warnings(const tix_takedown_entry *e, tix_buf *b)
{
    size_t n = 0;
    for (size_t i = 0; i < e->n_flags; i++) {
        if (n++)
            tix_buf_adds(b, "; ");
        tix_buf_adds(b, e->flags[i].flag);
        if (*e->flags[i].evidence) {
            tix_buf_adds(b, ": ");
            tix_buf_adds(b, e->flags[i].evidence);
        }
    }
    for (size_t i = 0; i < e->n_verdicts; i++) {
        if (e->verdicts[i].blocks)
            continue;
        if (n++)
            tix_buf_adds(b, "; ");
        add_verdict(b, &e->verdicts[i]);
    }
}

/* ---- pass 1: what the store knows of the family ----------------------- */

typedef struct {
    tix_takedown_entry *v;
    int64_t *id;             /* store ids, parallel to v */
    size_t n, cap;
    tix_err err;
} collect;

static char *dup_or_empty(const char *s) { return strdup(s ? s : ""); }

static char *dup_opt(const char *s, bool *bad)
{
    if (!s)
        return NULL;
    char *p = strdup(s);
    if (!p)
        *bad = true;
    return p;
}

static int on_family(void *ud, const tix_family_obs *r)
{
    collect *c = ud;
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 64;
        tix_takedown_entry *v = realloc(c->v, cap * sizeof *v);
        if (v)
            c->v = v;
        int64_t *id = v ? realloc(c->id, cap * sizeof *id) : NULL;
        if (!v || !id) {
            c->err = TIX_ENOMEM;
            return 1;
        }
        c->id = id;
        c->cap = cap;
    }
    tix_takedown_entry *e = &c->v[c->n];
    memset(e, 0, sizeof *e);
    c->id[c->n++] = r->obs.id;
    e->type = r->obs.type;
    memcpy(e->stix_id, r->obs.stix_id, sizeof e->stix_id);
    e->status = r->obs.status;
    e->confidence = r->obs.confidence;
    e->first_seen = r->first_seen;
    e->last_seen = r->last_seen;
    e->n_samples = r->n_samples;
    e->n_sources = r->n_sources;
    e->tlp = TIX_TLP_UNSET;
    e->value = dup_or_empty(r->obs.value);
    e->ports = dup_or_empty(r->ports);
    e->sources = dup_or_empty(r->sources);
    e->extractors = dup_or_empty(r->extractors);
    if (!e->value || !e->ports || !e->sources || !e->extractors) {
        c->err = TIX_ENOMEM;
        return 1;
    }
    return 0;
}

/* ---- pass 2: vetting, place and evidence of each entry ---------------- */

typedef struct {
    char *name;
    uint64_t n;
} spelling;

typedef struct {
    tix_takedown_entry *e;
    const char *family;
    spelling *sp;            /* how the evidence spells the family */
    size_t n_sp;
    tix_err err;
} detail;

static int on_verdict(void *ud, const tix_verdict_rec *r)
{
    detail *x = ud;
    tix_takedown_entry *e = x->e;
    tix_takedown_verdict *v = realloc(e->verdicts, (e->n_verdicts + 1) * sizeof *v);
    if (!v) {
        x->err = TIX_ENOMEM;
        return 1;
    }
    e->verdicts = v;
    v += e->n_verdicts;
    bool bad = false;
    *v = (tix_takedown_verdict){
        .list = dup_or_empty(r->list),
        .entry = dup_or_empty(r->entry),
        .note = dup_opt(r->note, &bad),
        .match = r->match,
        .policy = r->policy,
        .kind = r->kind,
        .on_host = r->on_host,
        .blocks = tix_verdict_blocks(r->policy, r->kind, r->on_host),
    };
    e->n_verdicts++;
    if (bad || !v->list || !v->entry) {
        x->err = TIX_ENOMEM;
        return 1;
    }
    return 0;
}

static int on_flag(void *ud, const char *flag, const char *evidence)
{
    detail *x = ud;
    tix_takedown_entry *e = x->e;
    tix_takedown_flag *f = realloc(e->flags, (e->n_flags + 1) * sizeof *f);
    if (!f) {
        x->err = TIX_ENOMEM;
        return 1;
    }
    e->flags = f;
    f += e->n_flags++;
    f->flag = dup_or_empty(flag);
    f->evidence = dup_or_empty(evidence);
    if (!f->flag || !f->evidence) {
        x->err = TIX_ENOMEM;
        return 1;
    }
    return 0;
}

static int on_evidence(void *ud, const tix_evidence_rec *r)
{
    detail *x = ud;
    const tix_evidence *ev = &r->ev;
    /* all of the family's evidence, --since or not: the ports, sources and
     * dates of the entry come from all of it, so its TLP must too */
    if (!ev->family || strcasecmp(ev->family, x->family) != 0)
        return 0;
    /* evidence stored without a level was taken under the ingest's
     * default, amber */
    tix_tlp tlp = ev->tlp == TIX_TLP_UNSET ? TIX_TLP_AMBER : ev->tlp;
    if (tlp > x->e->tlp)
        x->e->tlp = tlp;
    for (size_t i = 0; i < x->n_sp; i++)
        if (strcmp(x->sp[i].name, ev->family) == 0) {
            x->sp[i].n++;
            return 0;
        }
    spelling *sp = realloc(x->sp, (x->n_sp + 1) * sizeof *sp);
    if (!sp) {
        x->err = TIX_ENOMEM;
        return 1;
    }
    x->sp = sp;
    if (!(sp[x->n_sp].name = strdup(ev->family))) {
        x->err = TIX_ENOMEM;
        return 1;
    }
    sp[x->n_sp++].n = 1;
    return 0;
}

/* A store error, or a callback's own (out of memory), as one error. */
static tix_err cb_err(tix_err e, tix_err own, tix_diag *d)
{
    if (e == TIX_ESTOPPED && own) {
        tix_diag_clear(d);
        return tix_diag_set(d, own, "%s", tix_strerror(own));
    }
    return e;
}

static tix_err place(tix_store *s, int64_t id, tix_takedown_entry *e, tix_diag *d)
{
    tix_enrichment en;
    tix_diag none = TIX_DIAG_INIT;
    tix_err err = tix_store_enrichment_get(s, id, &en, &none);
    if (err == TIX_ENOTFOUND)
        return TIX_EOK;
    if (err)
        return tix_diag_set(d, err, "%s", none.msg);
    memcpy(e->country, en.country, sizeof e->country);
    e->country[sizeof e->country - 1] = 0;
    e->asn = en.asn;
    bool bad = false;
    e->as_name = dup_opt(en.as_name, &bad);
    e->constituency = dup_opt(en.constituency, &bad);
    if (en.constituency) {
        e->const_email = dup_opt(en.const_email, &bad);
        e->const_kind = dup_opt(en.const_kind, &bad);
        e->const_country = dup_opt(en.const_country, &bad);
    }
    return bad ? tix_diag_set(d, TIX_ENOMEM, "out of memory") : TIX_EOK;
}

static tix_err details(tix_store *s, int64_t id, detail *x, tix_diag *d)
{
    x->err = TIX_EOK;
    tix_err e = tix_store_verdict_each(s, id, on_verdict, x, d);
    if (!e)
        e = tix_store_flag_each(s, id, on_flag, x, d);
    if (!e)
        e = tix_store_evidence_each(s, id, on_evidence, x, d);
    if ((e = cb_err(e, x->err, d)))
        return e;
    return place(s, id, x->e, d);
}

/* Observables of the family stored after the last vetting pass. */
static tix_err unvetted(tix_store *s, const collect *c, size_t *n, tix_diag *d)
{
    char *v = NULL;
    tix_diag dd = TIX_DIAG_INIT;
    tix_err e = tix_store_setting_get(s, "vet.through", &v, &dd);
    int64_t through = 0;
    if (e == TIX_EOK)
        through = strtoll(v, NULL, 10);
    free(v);
    if (e && e != TIX_ENOTFOUND)
        return tix_diag_set(d, e, "%s", dd.msg);
    *n = 0;
    for (size_t i = 0; i < c->n; i++)
        if (c->id[i] > through)
            ++*n;
    return TIX_EOK;
}

/* ---- pass 3: keys, order, groups -------------------------------------- */

static tix_err group_key(tix_takedown_entry *e, tix_takedown_by by)
{
    tix_buf b = TIX_BUF_INIT(TIX_BUF_MAX_DEFAULT);
    if (by == TIX_TAKEDOWN_BY_COUNTRY)
        tix_buf_adds(&b, e->country[0] ? e->country : "??");
    else if (e->constituency)
        tix_buf_adds(&b, e->constituency);
    else if (e->country[0])
        tix_buf_addf(&b, "unassigned (%s)", e->country);
    else
        tix_buf_adds(&b, "unassigned");
    if (b.err) {
        tix_buf_free(&b);
        return TIX_ENOMEM;
    }
    e->group = tix_buf_detach(&b, NULL);
    return TIX_EOK;
}

static int by_value(const tix_takedown_entry *a, const tix_takedown_entry *b)
{
    int c = strcmp(a->value, b->value);
    return c ? c : (a->type > b->type) - (a->type < b->type);
}

static int cmp_value(const void *pa, const void *pb) { return by_value(pa, pb); }

static int cmp_group(const void *pa, const void *pb)
{
    const tix_takedown_entry *a = pa, *b = pb;
    int c = strcmp(a->group, b->group);
    return c ? c : by_value(a, b);
}

static tix_err make_groups(tix_takedown *t)
{
    for (size_t i = 0; i < t->n_entries; i++) {
        tix_takedown_entry *e = &t->entries[i];
        if (t->n_groups && strcmp(t->groups[t->n_groups - 1].name, e->group) == 0) {
            t->groups[t->n_groups - 1].n++;
            continue;
        }
        tix_takedown_group *g = realloc(t->groups, (t->n_groups + 1) * sizeof *g);
        if (!g)
            return TIX_ENOMEM;
        t->groups = g;
        g += t->n_groups;
        *g = (tix_takedown_group){.first = i, .n = 1};
        if (!(g->name = strdup(e->group)))
            return TIX_ENOMEM;
        t->n_groups++;
        /* every entry of an agency group has that constituency */
        if (t->by == TIX_TAKEDOWN_BY_AGENCY && e->constituency) {
            g->email = e->const_email;
            g->kind = e->const_kind;
            g->country = e->const_country;
        }
    }
    return TIX_EOK;
}

static bool is_blocked(const tix_takedown_entry *e)
{
    if (e->status == TIX_VET_BLOCKED)
        return true;
    /* the status is computed from the verdicts; ask them too, so that a
     * disagreement can only ever leave something out */
    for (size_t i = 0; i < e->n_verdicts; i++)
        if (e->verdicts[i].blocks)
            return true;
    return false;
}

static tix_err split(tix_takedown *t, collect *c)
{
    t->entries = malloc((c->n ? c->n : 1) * sizeof *t->entries);
    t->blocked = malloc((c->n ? c->n : 1) * sizeof *t->blocked);
    if (!t->entries || !t->blocked)
        return TIX_ENOMEM;
    for (size_t i = 0; i < c->n; i++) {
        tix_takedown_entry *e = &c->v[i];
        if (is_blocked(e)) {
            e->status = TIX_VET_BLOCKED;
            t->blocked[t->n_blocked++] = *e;
        } else {
            if (e->n_flags && e->status < TIX_VET_WARN)
                e->status = TIX_VET_WARN;
            t->entries[t->n_entries++] = *e;
        }
        if (e->tlp > t->tlp)
            t->tlp = e->tlp;
    }
    /* the entries moved: c no longer owns them */
    c->n = 0;
    qsort(t->entries, t->n_entries, sizeof *t->entries, cmp_group);
    qsort(t->blocked, t->n_blocked, sizeof *t->blocked, cmp_value);
    return make_groups(t);
}

/* ---- building ----------------------------------------------------------- */

static char *family_name(const char *asked, const spelling *sp, size_t n)
{
    /* the spelling most evidence uses; on a tie the first in byte order */
    const spelling *best = NULL;
    for (size_t i = 0; i < n; i++)
        if (!best || sp[i].n > best->n ||
            (sp[i].n == best->n && strcmp(sp[i].name, best->name) < 0))
            best = &sp[i];
    return strdup(best ? best->name : asked);
}

tix_err tix_takedown_build(tix_store *s, const tix_takedown_opts *o, tix_takedown **out,
                           tix_diag *d)
{
    *out = NULL;
    if (!o || !o->family || !*o->family)
        return tix_diag_set(d, TIX_EINVAL, "a takedown needs a family");
    if (o->by != TIX_TAKEDOWN_BY_AGENCY && o->by != TIX_TAKEDOWN_BY_COUNTRY)
        return tix_diag_set(d, TIX_EINVAL, "unknown grouping %d", (int)o->by);
    tix_takedown *t = calloc(1, sizeof *t);
    if (!t)
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    t->made = o->now ? o->now : tix_time_now();
    t->since = o->since;
    t->by = o->by;
    t->tlp = TIX_TLP_AMBER; /* a target list before the action: never less */

    collect c = {0};
    detail x = {.family = o->family};
    uint32_t types = TIX_OBS_BIT(TIX_OBS_IPV4) | TIX_OBS_BIT(TIX_OBS_IPV6) |
                     TIX_OBS_BIT(TIX_OBS_DOMAIN) | TIX_OBS_BIT(TIX_OBS_URL);
    tix_err e = tix_store_family_each(s, o->family, o->since, types, on_family, &c, d);
    if ((e = cb_err(e, c.err, d)))
        goto out;
    size_t n_unvetted = 0;
    if ((e = unvetted(s, &c, &n_unvetted, d)))
        goto out;
    if (n_unvetted) {
        e = tix_diag_set(d, TIX_EINVAL,
                         "%zu of the %zu observables of %s were stored after the last "
                         "vetting pass (ingested with --no-vet?); run 'tix vet' first",
                         n_unvetted, c.n, o->family);
        goto out;
    }
    for (size_t i = 0; i < c.n; i++) {
        x.e = &c.v[i];
        if ((e = details(s, c.id[i], &x, d)) || (e = group_key(x.e, t->by))) {
            if (e == TIX_ENOMEM)
                tix_diag_set(d, e, "out of memory");
            goto out;
        }
        if (x.e->tlp == TIX_TLP_UNSET) /* no evidence row matched: the default */
            x.e->tlp = TIX_TLP_AMBER;
    }
    if (!(t->family = family_name(o->family, x.sp, x.n_sp)) || (e = split(t, &c))) {
        e = tix_diag_set(d, TIX_ENOMEM, "out of memory");
        goto out;
    }
out:
    for (size_t i = 0; i < c.n; i++)
        entry_clear(&c.v[i]);
    free(c.v);
    free(c.id);
    for (size_t i = 0; i < x.n_sp; i++)
        free(x.sp[i].name);
    free(x.sp);
    if (e) {
        tix_takedown_free(t);
        return e;
    }
    *out = t;
    return TIX_EOK;
}
