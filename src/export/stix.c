/* stix.c - an export as a stream of STIX 2.1 objects.
 *
 * Three phases, each object before anything that refers to it:
 *  1. what the export shares: the TLP 2.0 marking definitions up to the
 *     filter's maximum, tix's own identity (the creator of everything it
 *     derives), the extension definition of cryptocurrency-wallet, an
 *     identity per source, a malware object per family;
 *  2. per observable, in (type, value) order: its SCO, indicator,
 *     relationships to its families, infrastructure, sightings (stix_obs.c);
 *  3. the store's relationships whose two ends were exported.
 *
 * A shared object carries the least restrictive TLP of the objects that
 * refer to it in this export, so that whoever may see a sighting sees its
 * source's identity, and nobody sees a source or a family that no object
 * visible to them names. Those TLPs come from sums the store makes per
 * source and per family before the walk (tix_store_export_sources,
 * tix_store_export_families), inside one read view with the walk, so the
 * two agree. Memory is per source and per family, never per observable. */
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"
#include "export/stix_ctx.h"

/* created of the OASIS TLP 2.0 marking definitions: 2022-10-01 */
#define TLP2_CREATED_MS INT64_C(1664582400000)

static const char *const wallet_schema =
    "A cryptocurrency wallet as tix exports it: {\"type\": \"cryptocurrency-wallet\", "
    "\"value\": ADDRESS}, with the common properties of a STIX 2.1 cyber-observable "
    "object. ADDRESS is a Bitcoin address (base58check P2PKH or P2SH, or bech32 or "
    "bech32m, checksum verified) or a Monero address (Keccak checksum verified), as "
    "written. The id is the STIX 2.1 deterministic id: UUIDv5 in the SCO namespace "
    "00abedb4-aa42-466c-9c01-fed23315a9b7 over {\"value\":ADDRESS}. Patterns name it "
    "as cryptocurrency-wallet:value.";

/* ---- writing objects ---------------------------------------------------------- */

void sx_head(sx *c, jobj *o, const char *type, const char *id, const char *by,
             int64_t created_ms, int64_t modified_ms)
{
    tix_buf_reset(&c->j);
    jo_begin(o, &c->j);
    jo_str(o, "type", type);
    jo_str(o, "spec_version", "2.1");
    jo_str(o, "id", id);
    if (by)
        jo_str(o, "created_by_ref", by);
    jo_ms(o, "created", created_ms);
    jo_ms(o, "modified", modified_ms < created_ms ? created_ms : modified_ms);
}

void sx_marked(jobj *o, tix_tlp t)
{
    jo_str1(o, "object_marking_refs", exp_tlp_marking(t));
    jo_end(o);
}

int sx_emit(sx *c, const char *id, const char *type, int64_t created_ms,
            int64_t modified_ms, tix_tlp tlp, const char *root)
{
    if (c->err)
        return 1;
    if (c->j.err || c->scratch.err) {
        c->err = tix_diag_set(c->w.d, c->j.err ? c->j.err : c->scratch.err,
                              "writing a STIX object: %s",
                              tix_strerror(c->j.err ? c->j.err : c->scratch.err));
        return 1;
    }
    tix_stix_obj o = {.id = id, .type = type, .created = created_ms,
                      .modified = modified_ms < created_ms ? created_ms : modified_ms,
                      .tlp = tlp, .root = root, .json = c->j.p, .len = c->j.len};
    c->objects++;
    if (c->fn(c->ud, &o)) {
        c->err = TIX_ESTOPPED;
        return 1;
    }
    return 0;
}

int sx_relate(sx *c, const char *src, const char *type, const char *dst, tix_tlp tlp,
              int64_t created_ms, int64_t modified_ms, const char *root, int64_t start,
              int64_t stop)
{
    char id[TIX_STIX_ID_MAX];
    if (exp_idv(id, "relationship", "relationship", src, type, dst, NULL)) {
        c->err = tix_diag_set(c->w.d, TIX_ENOMEM, "out of memory");
        return 1;
    }
    jobj o;
    sx_head(c, &o, "relationship", id, c->producer, created_ms, modified_ms);
    jo_str(&o, "relationship_type", type);
    jo_str(&o, "source_ref", src);
    jo_str(&o, "target_ref", dst);
    if (start > 0) {
        jo_ms(&o, "start_time", start * 1000);
        if (stop > start)
            jo_ms(&o, "stop_time", stop * 1000);
    }
    sx_marked(&o, tlp);
    return sx_emit(c, id, "relationship", created_ms, modified_ms, tlp, root);
}

/* ---- the sums of phase 1 -------------------------------------------------------- */

sx_source *sx_source_of(sx *c, int64_t id)
{
    size_t lo = 0, hi = c->nsrc;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->src[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < c->nsrc && c->src[lo].id == id ? &c->src[lo] : NULL;
}

static size_t family_slot(sx *c, const char *key, bool *found)
{
    size_t lo = 0, hi = c->nfam;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(c->fam[mid].key, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = lo < c->nfam && strcmp(c->fam[lo].key, key) == 0;
    return lo;
}

sx_family *sx_family_of(sx *c, const char *name)
{
    tix_buf_reset(&c->scratch);
    exp_add_lower(&c->scratch, name);
    if (c->scratch.err)
        return NULL;
    bool found;
    size_t at = family_slot(c, c->scratch.p ? c->scratch.p : "", &found);
    return found ? &c->fam[at] : NULL;
}

static void widen(int64_t *first, int64_t *last, int64_t f, int64_t l)
{
    if (!*first || f < *first)
        *first = f;
    if (l > *last)
        *last = l;
}

static int on_source_sum(void *ud, const tix_export_source_sum *r)
{
    sx *c = ud;
    if (r->min_tlp < c->producer_tlp)
        c->producer_tlp = r->min_tlp;
    widen(&c->first, &c->last, r->ingested_first, r->ingested_last);
    if (r->max_id > c->max_id)
        c->max_id = r->max_id;
    if (r->type == TIX_OBS_BTC || r->type == TIX_OBS_XMR) {
        if (r->min_tlp < c->ext_tlp)
            c->ext_tlp = r->min_tlp;
        widen(&c->ext_first, &c->ext_last, r->ingested_first, r->ingested_last);
    }
    sx_source *x = sx_source_of(c, r->source_id);
    if (!x) {
        if (tix__grow(&c->src, &c->capsrc, c->nsrc, sizeof *c->src, 16))
            return 1;
        size_t at = 0;
        while (at < c->nsrc && c->src[at].id < r->source_id)
            at++;
        memmove(&c->src[at + 1], &c->src[at], (c->nsrc - at) * sizeof *c->src);
        x = &c->src[at];
        *x = (sx_source){.id = r->source_id, .name = strdup(r->source ? r->source : ""),
                         .tlp = SX_NONE};
        c->nsrc++;
        if (!x->name ||
            exp_idv(x->ident, "identity", "identity", "source", x->name, NULL))
            return 1;
    }
    if (r->min_of_max < x->tlp)
        x->tlp = r->min_of_max;
    widen(&x->first, &x->last, r->ingested_first, r->ingested_last);
    return 0;
}

static int on_family_sum(void *ud, const tix_export_family_sum *r)
{
    sx *c = ud;
    tix_buf_reset(&c->scratch);
    exp_add_lower(&c->scratch, r->family);
    if (c->scratch.err)
        return 1;
    bool found;
    size_t at = family_slot(c, c->scratch.p, &found);
    if (!found) {
        if (tix__grow(&c->fam, &c->capfam, c->nfam, sizeof *c->fam, 16))
            return 1;
        memmove(&c->fam[at + 1], &c->fam[at], (c->nfam - at) * sizeof *c->fam);
        sx_family *f = &c->fam[at];
        *f = (sx_family){.key = strdup(c->scratch.p), .name = strdup(r->family),
                         .best = r->rows, .tlp = SX_NONE};
        c->nfam++;
        if (!f->key || !f->name || exp_idv(f->id, "malware", "malware", f->key, NULL))
            return 1;
    }
    sx_family *f = &c->fam[at];
    if (found && r->rows > f->best) { /* ties keep the first in byte order */
        char *n = strdup(r->family);
        if (!n)
            return 1;
        free(f->name);
        f->name = n;
        f->best = r->rows;
    }
    if (r->min_tlp < f->tlp)
        f->tlp = r->min_tlp;
    widen(&f->first, &f->last, r->ingested_first, r->ingested_last);
    return 0;
}

/* ---- phase 1 ------------------------------------------------------------------ */

static int marking(sx *c, tix_tlp t)
{
    static const char *const names[] = {"TLP:CLEAR", "TLP:GREEN", "TLP:AMBER",
                                        "TLP:AMBER+STRICT", "TLP:RED"};
    const char *id = exp_tlp_marking(t);
    jobj o, ext, def;
    tix_buf_reset(&c->j);
    jo_begin(&o, &c->j);
    jo_str(&o, "type", "marking-definition");
    jo_str(&o, "spec_version", "2.1");
    jo_str(&o, "id", id);
    jo_ms(&o, "created", TLP2_CREATED_MS);
    jo_str(&o, "name", names[t]);
    jo_key(&o, "extensions");
    jo_begin(&ext, &c->j);
    jo_key(&ext, TIX_TLP2_EXTENSION);
    jo_begin(&def, &c->j);
    jo_str(&def, "extension_type", "property-extension");
    jo_str(&def, "tlp_2_0", tix_tlp_name(t));
    jo_end(&def);
    jo_end(&ext);
    jo_end(&o);
    return sx_emit(c, id, "marking-definition", TLP2_CREATED_MS, TLP2_CREATED_MS, t, NULL);
}

static int producer(sx *c)
{
    jobj o;
    sx_head(c, &o, "identity", c->producer, NULL, c->first * 1000, c->last * 1000);
    jo_str(&o, "name", "tix");
    jo_str(&o, "description", "The tix threat-intelligence engine, which derived these "
                              "objects from the evidence of the sources it names.");
    jo_str(&o, "identity_class", "system");
    sx_marked(&o, (tix_tlp)c->producer_tlp);
    return sx_emit(c, c->producer, "identity", c->first * 1000, c->last * 1000,
                   (tix_tlp)c->producer_tlp, NULL);
}

static int extension(sx *c)
{
    jobj o;
    int64_t cr = c->ext_first * 1000, mo = c->ext_last * 1000;
    sx_head(c, &o, "extension-definition", c->ext, c->producer, cr, mo);
    jo_str(&o, "name", "cryptocurrency-wallet");
    jo_str(&o, "description", "A cryptocurrency wallet address: what STIX 2.1 has no "
                              "cyber-observable object for.");
    jo_str(&o, "schema", wallet_schema);
    jo_str(&o, "version", "1.0");
    jo_str1(&o, "extension_types", "new-sco");
    sx_marked(&o, (tix_tlp)c->ext_tlp);
    return sx_emit(c, c->ext, "extension-definition", cr, mo, (tix_tlp)c->ext_tlp, NULL);
}

static int identity(sx *c, const sx_source *x)
{
    jobj o;
    sx_head(c, &o, "identity", x->ident, c->producer, x->first * 1000, x->last * 1000);
    jo_str(&o, "name", x->name);
    jo_str(&o, "identity_class", "organization");
    sx_marked(&o, (tix_tlp)x->tlp);
    return sx_emit(c, x->ident, "identity", x->first * 1000, x->last * 1000,
                   (tix_tlp)x->tlp, NULL);
}

static int malware(sx *c, const sx_family *f)
{
    jobj o;
    sx_head(c, &o, "malware", f->id, c->producer, f->first * 1000, f->last * 1000);
    jo_str(&o, "name", f->name);
    jo_bool(&o, "is_family", true);
    sx_marked(&o, (tix_tlp)f->tlp);
    return sx_emit(c, f->id, "malware", f->first * 1000, f->last * 1000, (tix_tlp)f->tlp,
                   NULL);
}

static int by_name(const void *a, const void *b)
{
    const sx_source *const *x = a, *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

static int phase1(sx *c)
{
    tix_tlp max = c->w.tlp_max;
    for (int t = TIX_TLP_CLEAR; t <= (int)max; t++)
        if (marking(c, (tix_tlp)t))
            return 1;
    if (c->producer_tlp <= (int)max && producer(c))
        return 1;
    if (c->ext_tlp <= (int)max && extension(c))
        return 1;
    /* identities in name order */
    const sx_source **order = malloc((c->nsrc ? c->nsrc : 1) * sizeof *order);
    if (!order) {
        c->err = tix_diag_set(c->w.d, TIX_ENOMEM, "out of memory");
        return 1;
    }
    for (size_t i = 0; i < c->nsrc; i++)
        order[i] = &c->src[i];
    qsort(order, c->nsrc, sizeof *order, by_name);
    int stop = 0;
    for (size_t i = 0; i < c->nsrc && !stop; i++)
        if (order[i]->tlp <= (int)max)
            stop = identity(c, order[i]);
    free(order);
    for (size_t i = 0; i < c->nfam && !stop; i++)
        if (c->fam[i].tlp <= (int)max)
            stop = malware(c, &c->fam[i]);
    return stop;
}

/* ---- phase 3 ------------------------------------------------------------------- */

static bool rel_type_ok(const char *t)
{
    if (!*t)
        return false;
    for (; *t; t++)
        if (!((*t >= 'a' && *t <= 'z') || (*t >= '0' && *t <= '9') || *t == '-'))
            return false;
    return true;
}

static int on_rel(void *ud, const tix_export_rel *r)
{
    sx *c = ud;
    int max = (int)c->w.tlp_max;
    int t = r->tlp;
    for (int i = 0; i < 2; i++)
        if (r->end_tlp[i] > t)
            t = r->end_tlp[i];
    if (r->end_tlp[0] > max || r->end_tlp[1] > max || t > max || !rel_type_ok(r->type))
        return 0;
    int64_t cr = r->end_ingested_first[0] > r->end_ingested_first[1]
                     ? r->end_ingested_first[0] : r->end_ingested_first[1];
    int64_t mo = r->end_ingested_last[0] > r->end_ingested_last[1]
                     ? r->end_ingested_last[0] : r->end_ingested_last[1];
    return sx_relate(c, r->src, r->type, r->dst, (tix_tlp)t, cr * 1000, mo * 1000, r->src,
                     r->first_seen, r->last_seen);
}

/* ---- the run ----------------------------------------------------------------------- */

static void sx_free(sx *c)
{
    for (size_t i = 0; i < c->nsrc; i++)
        free(c->src[i].name);
    for (size_t i = 0; i < c->nfam; i++) {
        free(c->fam[i].key);
        free(c->fam[i].name);
    }
    free(c->src);
    free(c->fam);
    free(c->fams);
    tix_buf_free(&c->j);
    tix_buf_free(&c->scratch);
    exp_walk_free(&c->w);
}

/* A walk's error: the callback's stop, or what it recorded. */
static tix_err settle(sx *c, tix_err e)
{
    if (c->err)
        return c->err;
    if (e == TIX_ESTOPPED)
        return tix_diag_set(c->w.d, TIX_ENOMEM, "out of memory");
    return e;
}

static tix_err run(sx *c, tix_store *s, void (*start)(void *ud, const exp_stix_info *i))
{
    tix_diag *d = c->w.d;
    tix_err e = tix_store_export_sources(s, &c->w.sel, on_source_sum, c, d);
    if (!(e = settle(c, e)))
        e = settle(c, tix_store_export_families(s, &c->w.sel, on_family_sum, c, d));
    if (e)
        return e;
    if (c->w.need_vetted && c->max_id > c->w.through)
        return exp_unvetted(&c->w);
    if (exp_idv(c->producer, "identity", "identity", "tix", NULL) ||
        exp_idv(c->ext, "extension-definition", "extension-definition",
                "cryptocurrency-wallet", NULL))
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    if (start) {
        exp_stix_info i = {c->first, c->last};
        start(c->ud, &i);
    }
    if (phase1(c))
        return c->err;
    e = tix_store_export_each(s, &c->w.sel, sx_observable, c, d);
    if ((e = settle(c, e)))
        return e;
    e = tix_store_export_relationships(s, &c->w.sel, on_rel, c, d);
    return settle(c, e);
}

tix_err exp_stix_run(tix_store *s, const tix_export_filter *f, tix_stix_obj_fn fn,
                     void *ud, void (*start)(void *ud, const exp_stix_info *i),
                     tix_export_stats *st, tix_diag *d)
{
    sx c;
    memset(&c, 0, sizeof c);
    c.fn = fn;
    c.ud = ud;
    c.producer_tlp = c.ext_tlp = SX_NONE;
    tix_buf_init(&c.j, TIX_BUF_MAX_DEFAULT);
    tix_buf_init(&c.scratch, TIX_BUF_MAX_DEFAULT);
    tix_err e = tix_store_read_begin(s, d);
    if (e) {
        sx_free(&c);
        return e;
    }
    if (!(e = exp_walk_init(&c.w, s, f, false, d)))
        e = run(&c, s, start);
    tix_store_read_end(s);
    if (st) {
        st->observables = c.w.exported;
        st->objects = c.objects;
        st->withheld_tlp = c.w.withheld;
    }
    sx_free(&c);
    return e;
}

tix_err tix_export_stix_each(tix_store *s, const tix_export_filter *f, tix_stix_obj_fn fn,
                             void *ud, tix_diag *d)
{
    return exp_stix_run(s, f, fn, ud, NULL, NULL, d);
}
