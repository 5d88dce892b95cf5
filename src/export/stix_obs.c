/* stix_obs.c - the STIX objects one observable stands for.
 *
 *   SCO            the observable, with the store's deterministic id (a CVE
 *                  is a vulnerability SDO; a wallet the cryptocurrency-wallet
 *                  SCO of tix's extension definition)
 *   indicator      a STIX pattern matching it ("indicator|" + SCO id)
 *   indicates      indicator -> malware, per family its evidence names (a
 *                  vulnerability: malware -exploits-> vulnerability)
 *   infrastructure command-and-control, for an IP, domain or URL whose
 *                  evidence names a family or carries the tag c2; it
 *                  consists-of the SCO and controls each malware
 *   sighting       per source: how often, first and last seen, where
 *                  sighted: the source's identity
 *
 * TLPs: the SCO and indicator take the least restrictive TLP of the
 * evidence (someone shared the value at that level); a family link the
 * least restrictive TLP of the evidence naming that family; the
 * infrastructure that of the evidence making it a C&C; a sighting the most
 * restrictive TLP of its source's evidence. The indicator's labels are the
 * families (and c2) that evidence at its own TLP names, so that it never
 * names more than its marking allows. root is the SCO id for all of them. */
#include <stdlib.h>
#include <string.h>

#include "export/stix_ctx.h"

static const char *const hash_algo[] = {"MD5", "SHA-1", "SHA-256", "SHA-512"};

static bool is_hash(tix_obs_type t) { return t >= TIX_OBS_MD5 && t <= TIX_OBS_SHA512; }
static bool is_wallet(tix_obs_type t) { return t == TIX_OBS_BTC || t == TIX_OBS_XMR; }
static bool is_host(tix_obs_type t)
{
    return t == TIX_OBS_IPV4 || t == TIX_OBS_IPV6 || t == TIX_OBS_DOMAIN || t == TIX_OBS_URL;
}

static int fail(sx *c, tix_err e)
{
    if (!c->err)
        c->err = tix_diag_set(c->w.d, e, "writing STIX: %s", tix_strerror(e));
    return 1;
}

/* ---- the observable itself ------------------------------------------------------ */

static int sco(sx *c, const exp_obs *v)
{
    const tix_obs_rec *r = &v->r->obs;
    const char *type = tix_obs_stix_type(r->type);
    int64_t cr = v->created * 1000, mo = v->version * 1000;
    jobj o;
    if (r->type == TIX_OBS_CVE) {
        jobj ref;
        sx_head(c, &o, type, r->stix_id, c->producer, cr, mo);
        jo_str(&o, "name", r->value);
        jo_key(&o, "external_references");
        tix_buf_addc(&c->j, '[');
        jo_begin(&ref, &c->j);
        jo_str(&ref, "source_name", "cve");
        jo_str(&ref, "external_id", r->value);
        jo_end(&ref);
        tix_buf_addc(&c->j, ']');
        sx_marked(&o, v->least);
        return sx_emit(c, r->stix_id, type, cr, mo, v->least, r->stix_id);
    }
    tix_buf_reset(&c->j);
    jo_begin(&o, &c->j);
    jo_str(&o, "type", type);
    jo_str(&o, "spec_version", "2.1");
    jo_str(&o, "id", r->stix_id);
    if (is_hash(r->type)) {
        jobj h;
        jo_key(&o, "hashes");
        jo_begin(&h, &c->j);
        jo_str(&h, hash_algo[r->type - TIX_OBS_MD5], r->value);
        jo_end(&h);
    } else if (r->type == TIX_OBS_ASN) {
        jo_key(&o, "number");
        tix_buf_adds(&c->j, r->value + 2); /* canonical: "AS" and digits */
    } else {
        jo_str(&o, "value", r->value);
    }
    if (is_wallet(r->type)) {
        jobj ext, def;
        jo_key(&o, "extensions");
        jo_begin(&ext, &c->j);
        jo_key(&ext, c->ext);
        jo_begin(&def, &c->j);
        jo_str(&def, "extension_type", "new-sco");
        jo_end(&def);
        jo_end(&ext);
    }
    sx_marked(&o, v->least);
    return sx_emit(c, r->stix_id, type, cr, mo, v->least, r->stix_id);
}

/* A STIX string literal: quotes and backslashes escaped. */
static void literal(tix_buf *b, const char *s)
{
    tix_buf_addc(b, '\'');
    for (; *s; s++) {
        if (*s == '\'' || *s == '\\')
            tix_buf_addc(b, '\\');
        tix_buf_addc(b, *s);
    }
    tix_buf_addc(b, '\'');
}

static void pattern(tix_buf *b, const tix_obs_rec *r)
{
    tix_buf_reset(b);
    if (is_hash(r->type)) {
        tix_buf_addf(b, "[file:hashes.'%s' = ", hash_algo[r->type - TIX_OBS_MD5]);
        literal(b, r->value);
    } else if (r->type == TIX_OBS_ASN) {
        tix_buf_addf(b, "[autonomous-system:number = %s", r->value + 2);
    } else {
        tix_buf_addf(b, "[%s:value = ", tix_obs_stix_type(r->type));
        literal(b, r->value);
    }
    tix_buf_addc(b, ']');
}

static int indicator(sx *c, const exp_obs *v, const char *id, size_t nlabels)
{
    const tix_obs_rec *r = &v->r->obs;
    int64_t cr = v->created * 1000, mo = v->version * 1000;
    jobj o;
    sx_head(c, &o, "indicator", id, c->producer, cr, mo);
    /* evidence that is context only (MISP to_ids false) is not for detection */
    bool detect = false;
    for (size_t i = 0; i < v->r->n_groups; i++)
        detect |= v->r->groups[i].detect;
    jo_str(&o, "name", r->value);
    jo_str1(&o, "indicator_types", detect ? "malicious-activity" : "unknown");
    pattern(&c->scratch, r);
    jo_strn(&o, "pattern", c->scratch.p ? c->scratch.p : "", c->scratch.len);
    jo_str(&o, "pattern_type", "stix");
    jo_str(&o, "pattern_version", "2.1");
    jo_ms(&o, "valid_from", (r->first_seen ? r->first_seen : v->created) * 1000);
    jo_int(&o, "confidence", r->confidence);
    bool c2 = false;
    for (size_t i = 0; i < v->r->n_groups; i++)
        if (v->r->groups[i].tlp == v->least && exp_has_tag(v->r->groups[i].tags, "c2"))
            c2 = true;
    if (nlabels || c2) {
        const char *sep = "";
        jo_key(&o, "labels");
        tix_buf_addc(&c->j, '[');
        for (size_t i = 0; i < nlabels; i++, sep = ",") {
            tix_buf_adds(&c->j, sep);
            j_str(&c->j, c->fams[i].name);
        }
        if (c2) {
            tix_buf_adds(&c->j, sep);
            j_str(&c->j, "c2");
        }
        tix_buf_addc(&c->j, ']');
    }
    sx_marked(&o, v->least);
    return sx_emit(c, id, "indicator", cr, mo, v->least, r->stix_id);
}

/* ---- families and C&C ------------------------------------------------------------- */

static int families(sx *c, const exp_obs *v, const char *ind, size_t n)
{
    const tix_obs_rec *r = &v->r->obs;
    int64_t cr = v->created * 1000, mo = v->version * 1000;
    for (size_t i = 0; i < n; i++) {
        sx_family *f = sx_family_of(c, c->fams[i].name);
        if (!f || f->tlp > (int)c->w.tlp_max)
            continue; /* cannot be: the sums saw this evidence */
        int stop = r->type == TIX_OBS_CVE
                       ? sx_relate(c, f->id, "exploits", r->stix_id, c->fams[i].least, cr,
                                   mo, r->stix_id, 0, 0)
                       : sx_relate(c, ind, "indicates", f->id, c->fams[i].least, cr, mo,
                                   r->stix_id, 0, 0);
        if (stop)
            return 1;
    }
    return 0;
}

static int infrastructure(sx *c, const exp_obs *v, size_t n)
{
    const tix_export_obs *x = v->r;
    const tix_obs_rec *r = &x->obs;
    int tlp = SX_NONE;
    int64_t first = 0, last = 0;
    for (size_t i = 0; i < x->n_groups; i++) {
        const tix_ev_group *g = &x->groups[i];
        if (g->tlp > c->w.tlp_max || !(g->family || exp_has_tag(g->tags, "c2")))
            continue;
        if ((int)g->tlp < tlp)
            tlp = g->tlp;
        if (!first || g->first_seen < first)
            first = g->first_seen;
        if (g->last_seen > last)
            last = g->last_seen;
    }
    if (tlp == SX_NONE)
        return 0;
    char id[TIX_STIX_ID_MAX];
    if (exp_idv(id, "infrastructure", "infrastructure", "c2", r->stix_id, NULL))
        return fail(c, TIX_ENOMEM);
    int64_t cr = v->created * 1000, mo = v->version * 1000;
    jobj o;
    sx_head(c, &o, "infrastructure", id, c->producer, cr, mo);
    jo_str(&o, "name", r->value);
    jo_str1(&o, "infrastructure_types", "command-and-control");
    if (first > 0 && last >= first) {
        jo_ms(&o, "first_seen", first * 1000);
        jo_ms(&o, "last_seen", last * 1000);
    }
    sx_marked(&o, (tix_tlp)tlp);
    if (sx_emit(c, id, "infrastructure", cr, mo, (tix_tlp)tlp, r->stix_id) ||
        sx_relate(c, id, "consists-of", r->stix_id, (tix_tlp)tlp, cr, mo, r->stix_id, 0, 0))
        return 1;
    for (size_t i = 0; i < n; i++) {
        sx_family *f = sx_family_of(c, c->fams[i].name);
        if (f && f->tlp <= (int)c->w.tlp_max &&
            sx_relate(c, id, "controls", f->id, c->fams[i].least, cr, mo, r->stix_id, 0, 0))
            return 1;
    }
    return 0;
}

/* ---- sightings ----------------------------------------------------------------------- */

static int sighting(sx *c, const exp_obs *v, const char *of, size_t from, size_t to)
{
    const tix_ev_group *g = v->r->groups;
    tix_tlp most = TIX_TLP_CLEAR;
    int64_t first = 0, last = 0, ing_first = 0, ing_last = 0;
    uint64_t count = 0;
    int conf = 0;
    for (size_t i = from; i < to; i++) {
        if (g[i].tlp > most)
            most = g[i].tlp;
        if (!first || g[i].first_seen < first)
            first = g[i].first_seen;
        if (g[i].last_seen > last)
            last = g[i].last_seen;
        if (!ing_first || g[i].ingested_first < ing_first)
            ing_first = g[i].ingested_first;
        if (g[i].ingested_last > ing_last)
            ing_last = g[i].ingested_last;
        count += g[i].count;
        if (g[i].confidence > conf)
            conf = g[i].confidence;
    }
    sx_source *src = sx_source_of(c, g[from].source_id);
    if (most > c->w.tlp_max || !src || src->tlp > (int)c->w.tlp_max)
        return 0;
    char id[TIX_STIX_ID_MAX];
    if (exp_idv(id, "sighting", "sighting", of, src->name, NULL))
        return fail(c, TIX_ENOMEM);
    int64_t cr = ing_first * 1000, mo = ing_last * 1000;
    jobj o;
    /* the source says it saw it: its identity created the sighting */
    sx_head(c, &o, "sighting", id, src->ident, cr, mo);
    if (first > 0) {
        jo_ms(&o, "first_seen", first * 1000);
        jo_ms(&o, "last_seen", (last >= first ? last : first) * 1000);
    }
    jo_int(&o, "count", (int64_t)(count > 999999999 ? 999999999 : count));
    jo_str(&o, "sighting_of_ref", of);
    jo_str1(&o, "where_sighted_refs", src->ident);
    jo_bool(&o, "summary", true);
    jo_int(&o, "confidence", conf);
    sx_marked(&o, most);
    return sx_emit(c, id, "sighting", cr, mo, most, v->r->obs.stix_id);
}

static int sightings(sx *c, const exp_obs *v, const char *of)
{
    const tix_export_obs *x = v->r;
    for (size_t i = 0; i < x->n_groups;) {
        size_t j = i + 1;
        while (j < x->n_groups && x->groups[j].source_id == x->groups[i].source_id)
            j++;
        if (sighting(c, v, of, i, j))
            return 1;
        i = j;
    }
    return 0;
}

int sx_observable(void *ud, const tix_export_obs *r)
{
    sx *c = ud;
    exp_obs v;
    if (c->err)
        return 1;
    if (!exp_view(&c->w, r, &v))
        return 0;
    const char *scoid = r->obs.stix_id;
    char ind[TIX_STIX_ID_MAX];
    if (exp_idv(ind, "indicator", "indicator", scoid, NULL))
        return fail(c, TIX_ENOMEM);
    bool cve = r->obs.type == TIX_OBS_CVE;
    /* labels: the families named at the indicator's own TLP */
    size_t nl = cve ? 0 : exp_families(r, v.least, &c->fams, &c->capfams);
    if (nl == SIZE_MAX)
        return fail(c, TIX_ENOMEM);
    if (sco(c, &v) || (!cve && indicator(c, &v, ind, nl)))
        return 1;
    size_t nf = exp_families(r, c->w.tlp_max, &c->fams, &c->capfams);
    if (nf == SIZE_MAX)
        return fail(c, TIX_ENOMEM);
    if (families(c, &v, ind, nf) || (is_host(r->obs.type) && infrastructure(c, &v, nf)))
        return 1;
    return sightings(c, &v, cve ? scoid : ind);
}
