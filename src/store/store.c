/* store.c - the backend-neutral face of the store: argument checks,
 * dispatch, and the confidence rule every backend applies. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/hex.h"
#include "store/backend.h"
#include "tix/time.h"

static const char *const kind_names[] = {
#define X(e, n) n,
    TIX_SOURCE_KIND_MAP(X)
#undef X
};

const char *tix_source_kind_name(tix_source_kind k)
{
    return (unsigned)k < TIX_SOURCE_KIND_COUNT ? kind_names[k] : "?";
}

int tix_source_kind_from_name(const char *name)
{
    for (int i = 0; i < TIX_SOURCE_KIND_COUNT; i++)
        if (strcmp(name, kind_names[i]) == 0)
            return i;
    return -1;
}

int tix_source_default_trust(tix_source_kind k)
{
    /* A vendor's own analysis of a sample is what it knows best; a public
     * feed is curated but third-hand; a partner is vouched for; a sensor
     * records what touched it, which is often noise. */
    switch (k) {
    case TIX_SOURCE_VENDOR: return 80;
    case TIX_SOURCE_PARTNER: return 70;
    case TIX_SOURCE_FEED: return 60;
    case TIX_SOURCE_SENSOR: return 40;
    default: return 50;
    }
}

/* Each source is one opinion: its best evidence confidence c, made surer by
 * repetition with diminishing returns (n rows count as 1 + log2(n)/2
 * independent looks: four rows from one source count as much as a
 * second source with the same confidence). Sources then combine as independent opinions
 * (noisy-OR): 1 - prod(1 - p_s). */
int tix_confidence(const tix_support *sup, size_t n)
{
    double miss = 1.0;
    for (size_t i = 0; i < n; i++) {
        double c = sup[i].confidence / 100.0;
        if (c <= 0 || sup[i].n == 0)
            continue;
        if (c > 0.99)
            c = 0.99;
        double looks = 1.0 + 0.5 * log2((double)sup[i].n);
        miss *= pow(1.0 - c, looks);
    }
    int v = (int)lround(100.0 * (1.0 - miss));
    return v < 0 ? 0 : v > 100 ? 100 : v;
}

tix_err tix_store_open(tix_store **out, const char *uri, unsigned flags, tix_diag *d)
{
    *out = NULL;
    if (!uri || !*uri)
        return tix_diag_set(d, TIX_EINVAL, "no store given");
    if (strncmp(uri, "sqlite:", 7) == 0)
        return store_sqlite_open(out, uri + 7, flags, d);
    if (strncmp(uri, "postgres://", 11) == 0 || strncmp(uri, "postgresql://", 13) == 0)
        return tix_diag_set(d, TIX_EUNSUPPORTED,
                            "%s: this build has no PostgreSQL backend", uri);
    return store_sqlite_open(out, uri, flags, d);
}

void tix_store_close(tix_store *s)
{
    if (!s)
        return;
    tix_store_read_end(s);
    s->ops->close(s);
}

const char *tix_store_backend(const tix_store *s) { return s->ops->name; }
void tix_store_set_now(tix_store *s, int64_t now) { s->now = now; }
int tix_store_schema_version(tix_store *s) { return s->ops->schema_version(s); }

static tix_err need_txn(tix_store *s, tix_diag *d)
{
    if (s->readonly)
        return tix_diag_set(d, TIX_EINVAL, "store opened read-only");
    if (!s->in_txn)
        return tix_diag_set(d, TIX_EINVAL, "write outside a transaction");
    return TIX_EOK;
}

tix_err tix_store_begin(tix_store *s, tix_diag *d)
{
    if (s->readonly)
        return tix_diag_set(d, TIX_EINVAL, "store opened read-only");
    if (s->in_txn)
        return tix_diag_set(d, TIX_EINVAL, "transaction already open");
    if (s->in_read)
        return tix_diag_set(d, TIX_EINVAL, "a read view is open");
    tix_err e = s->ops->begin(s, d);
    if (e == TIX_EOK)
        s->in_txn = true;
    return e;
}

tix_err tix_store_commit(tix_store *s, tix_diag *d)
{
    if (!s->in_txn)
        return tix_diag_set(d, TIX_EINVAL, "no transaction to commit");
    tix_err e = s->ops->commit(s, d);
    if (e != TIX_EOK)
        s->ops->rollback(s);
    s->in_txn = false;
    return e;
}

void tix_store_rollback(tix_store *s)
{
    if (s->in_txn)
        s->ops->rollback(s);
    s->in_txn = false;
}

static tix_err check_trust(int trust, tix_diag *d)
{
    if (trust > 100)
        return tix_diag_set(d, TIX_EINVAL, "trust %d is not within 0-100", trust);
    return TIX_EOK;
}

tix_err tix_store_source_put(tix_store *s, const char *name, tix_source_kind kind,
                             int trust, tix_source *out, tix_diag *d)
{
    tix_err e = need_txn(s, d);
    if (e)
        return e;
    if (!name || !*name || strlen(name) > 200)
        return tix_diag_set(d, TIX_EINVAL, "a source needs a name of 1-200 bytes");
    if ((unsigned)kind >= TIX_SOURCE_KIND_COUNT)
        return tix_diag_set(d, TIX_EINVAL, "unknown source kind");
    if ((e = check_trust(trust, d)))
        return e;
    if (trust < 0)
        trust = tix_source_default_trust(kind);
    return s->ops->source_put(s, name, kind, trust, out, d);
}

tix_err tix_store_source_set(tix_store *s, const char *name, tix_source_kind kind,
                             int trust, tix_diag *d)
{
    tix_err e = need_txn(s, d);
    if (e || (e = check_trust(trust, d)))
        return e;
    if ((unsigned)kind >= TIX_SOURCE_KIND_COUNT || trust < 0)
        return tix_diag_set(d, TIX_EINVAL, "a source needs a kind and a trust");
    tix_source old;
    if ((e = s->ops->source_get(s, name, &old, d)))
        return e;
    if (old.kind == kind && old.trust == trust)
        return TIX_EOK;
    if ((e = s->ops->source_set(s, name, kind, trust, d)))
        return e;
    /* Exports version what they derive from a source's word by the time
     * it last changed (tix_store_source_changed). */
    char key[48], when[24];
    snprintf(key, sizeof key, "source.changed.%lld", (long long)old.id);
    snprintf(when, sizeof when, "%lld", (long long)(s->now ? s->now : tix_time_now()));
    return s->ops->setting_set(s, key, when, d);
}

tix_err tix_store_source_changed(tix_store *s, int64_t source_id, int64_t *when,
                                 tix_diag *d)
{
    char key[48], *v = NULL;
    snprintf(key, sizeof key, "source.changed.%lld", (long long)source_id);
    *when = 0;
    tix_diag dd = TIX_DIAG_INIT;
    tix_err e = s->ops->setting_get(s, key, &v, &dd);
    if (e == TIX_ENOTFOUND)
        return TIX_EOK;
    if (e)
        return tix_diag_set(d, e, "%s", dd.msg);
    *when = strtoll(v, NULL, 10);
    free(v);
    return TIX_EOK;
}

tix_err tix_store_document_put(tix_store *s, tix_document *io, bool *created,
                               tix_diag *d)
{
    tix_err e = need_txn(s, d);
    return e ? e : s->ops->document_put(s, io, created, d);
}

tix_err tix_store_document_set_records(tix_store *s, int64_t id, uint64_t records,
                                       tix_diag *d)
{
    tix_err e = need_txn(s, d);
    return e ? e : s->ops->document_set_records(s, id, records, d);
}

tix_err tix_store_sample_put(tix_store *s, tix_sample *io, bool *created, tix_diag *d)
{
    tix_err e = need_txn(s, d);
    return e ? e : s->ops->sample_put(s, io, created, d);
}


/* The 16 bytes of "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" (and a NUL). */
static int parse_uuid(const char *u, uint8_t uuid[16])
{
    if (u[8] != '-' || u[13] != '-' || u[18] != '-' || u[23] != '-' || u[36] != 0)
        return -1;
    return tix__hex_decode(u, 4, uuid) || tix__hex_decode(u + 9, 2, uuid + 4) ||
                   tix__hex_decode(u + 14, 2, uuid + 6) ||
                   tix__hex_decode(u + 19, 2, uuid + 8) ||
                   tix__hex_decode(u + 24, 6, uuid + 10)
               ? -1
               : 0;
}

tix_err tix_store_observable_put(tix_store *s, tix_obs_type type, const char *value,
                                 size_t len, int64_t *id, bool *created, tix_diag *d)
{
    tix_err e = need_txn(s, d);
    if (e)
        return e;
    char sid[TIX_STIX_ID_MAX];
    uint8_t uuid[16];
    uint32_t types;
    if ((e = tix_obs_stix_id(type, value, len, sid, d)) ||
        (e = store_parse_stix_id(sid, uuid, &types, d)))
        return e;
    return s->ops->observable_put(s, type, value, len, uuid, id, created, d);
}

tix_err tix_store_observable_put_id(tix_store *s, tix_obs_type type, const char *value,
                                    size_t len, const char *stix_id, int64_t *id,
                                    bool *created, tix_diag *d)
{
    tix_err e = need_txn(s, d);
    if (e)
        return e;
    uint8_t uuid[16];
    const char *st = tix_obs_stix_type(type);
    size_t stl = st ? strlen(st) : 0;
    if (!st || strncmp(stix_id, st, stl) != 0 || strncmp(stix_id + stl, "--", 2) != 0 ||
        parse_uuid(stix_id + stl + 2, uuid) != 0)
        return tix_diag_set(d, TIX_EINVAL, "'%.80s' is not the id of a %s", stix_id,
                            tix_obs_name(type));
    return s->ops->observable_put(s, type, value, len, uuid, id, created, d);
}

tix_err tix_store_evidence_add(tix_store *s, const tix_evidence *ev, tix_diag *d)
{
    tix_err e = need_txn(s, d);
    if (e)
        return e;
    if (ev->observable_id <= 0 || ev->source_id <= 0)
        return tix_diag_set(d, TIX_EINVAL, "evidence needs an observable and a source");
    if (ev->confidence < 0 || ev->confidence > 100)
        return tix_diag_set(d, TIX_EINVAL, "confidence %d is not within 0-100",
                            ev->confidence);
    return s->ops->evidence_add(s, ev, d);
}

tix_err tix_store_relationship_add(tix_store *s, const tix_relationship *r, tix_diag *d)
{
    tix_err e = need_txn(s, d);
    if (e)
        return e;
    if (!r->src || !r->dst || !r->type || !*r->src || !*r->dst || !*r->type)
        return tix_diag_set(d, TIX_EINVAL, "a relationship needs two ends and a type");
    return s->ops->relationship_add(s, r, d);
}

tix_err tix_store_object_put(tix_store *s, const tix_object *o, tix_diag *d)
{
    tix_err e = need_txn(s, d);
    if (e)
        return e;
    if (!o->stix_id || !o->type || !strstr(o->stix_id, "--"))
        return tix_diag_set(d, TIX_EINVAL, "an object needs a STIX id and a type");
    return s->ops->object_put(s, o, d);
}

tix_err tix_store_source_get(tix_store *s, const char *name, tix_source *out,
                             tix_diag *d)
{
    return s->ops->source_get(s, name, out, d);
}

tix_err tix_store_source_each(tix_store *s, tix_source_fn fn, void *ud, tix_diag *d)
{
    return s->ops->source_each(s, fn, ud, d);
}

tix_err tix_store_observable_get(tix_store *s, tix_obs_type type, const char *value,
                                 size_t len, tix_obs_rec *out, tix_diag *d)
{
    char sid[TIX_STIX_ID_MAX];
    uint8_t uuid[16];
    uint32_t types;
    tix_err e;
    if ((e = tix_obs_stix_id(type, value, len, sid, d)) ||
        (e = store_parse_stix_id(sid, uuid, &types, d)))
        return e;
    return s->ops->observable_get(s, TIX_OBS_BIT(type), uuid, out, d);
}

tix_err tix_store_observable_by_stix_id(tix_store *s, const char *stix_id,
                                        tix_obs_rec *out, tix_diag *d)
{
    uint8_t uuid[16];
    uint32_t types;
    tix_err e = store_parse_stix_id(stix_id, uuid, &types, d);
    return e ? e : s->ops->observable_get(s, types, uuid, out, d);
}

tix_err tix_store_observable_each(tix_store *s, const tix_obs_filter *f,
                                  tix_obs_fn fn, void *ud, tix_diag *d)
{
    static const tix_obs_filter all = {0};
    return s->ops->observable_each(s, f ? f : &all, fn, ud, d);
}

tix_err tix_store_evidence_each(tix_store *s, int64_t observable_id,
                                tix_evidence_fn fn, void *ud, tix_diag *d)
{
    return s->ops->evidence_each(s, observable_id, 0, fn, ud, d);
}

tix_err tix_store_sample_evidence_each(tix_store *s, int64_t sample_id,
                                       tix_evidence_fn fn, void *ud, tix_diag *d)
{
    return s->ops->evidence_each(s, 0, sample_id, fn, ud, d);
}

tix_err tix_store_relationship_each(tix_store *s, const char *stix_id,
                                    tix_relationship_fn fn, void *ud, tix_diag *d)
{
    return s->ops->relationship_each(s, stix_id, fn, ud, d);
}


tix_err tix_store_sample_get(tix_store *s, const char *hex, tix_sample *out,
                             tix_diag *d)
{
    size_t n = strlen(hex);
    uint8_t raw[32];
    if (n != 64 && n != 40 && n != 32)
        return tix_diag_set(d, TIX_EINVAL, "'%.80s' is not an md5, sha1 or sha256", hex);
    if (tix__hex_decode(hex, n / 2, raw) != 0)
        return tix_diag_set(d, TIX_EINVAL, "'%.80s' is not hexadecimal", hex);
    return s->ops->sample_get(s, raw, n / 2, out, d);
}

tix_err tix_store_object_get(tix_store *s, const char *stix_id, tix_object *out,
                             tix_diag *d)
{
    return s->ops->object_get(s, stix_id, out, d);
}

tix_err tix_store_stats_get(tix_store *s, tix_store_stats *out, tix_diag *d)
{
    memset(out, 0, sizeof *out);
    return s->ops->stats(s, out, d);
}

tix_err store_parse_stix_id(const char *stix_id, uint8_t uuid[16], uint32_t *types,
                            tix_diag *d)
{
    const char *dash = strstr(stix_id, "--");
    if (!dash || strlen(dash + 2) != 36)
        return tix_diag_set(d, TIX_EINVAL, "'%.80s' is not a STIX id", stix_id);
    size_t tl = (size_t)(dash - stix_id);
    *types = 0;
    for (int t = 0; t < TIX_OBS_COUNT; t++) {
        const char *st = tix_obs_stix_type((tix_obs_type)t);
        if (strlen(st) == tl && memcmp(st, stix_id, tl) == 0)
            *types |= TIX_OBS_BIT(t);
    }
    if (!*types)
        return tix_diag_set(d, TIX_ENOTFOUND, "'%.80s' is not an observable id", stix_id);
    if (parse_uuid(dash + 2, uuid) != 0)
        return tix_diag_set(d, TIX_EINVAL, "'%.80s' is not a STIX id", stix_id);
    return TIX_EOK;
}

/* ---- vetting, enrichment, passive DNS ----------------------------------- */

static tix_err need_name(const char *name, const char *what, tix_diag *d)
{
    if (!name || !*name)
        return tix_diag_set(d, TIX_EINVAL, "%s needs a name", what);
    return TIX_EOK;
}

tix_err tix_store_list_put(tix_store *s, const tix_list *l, int *outcome, tix_diag *d)
{
    int dummy;
    tix_err e = need_txn(s, d);
    if (e || (e = need_name(l->name, "a list", d)))
        return e;
    return s->ops->list_put(s, l, outcome ? outcome : &dummy, d);
}

tix_err tix_store_list_entry_add(tix_store *s, const char *list, const char *value,
                                 const char *note, bool *added, tix_diag *d)
{
    bool dummy;
    tix_err e = need_txn(s, d);
    if (e || (e = need_name(value, "a list entry", d)))
        return e;
    return s->ops->list_entry(s, list, value, note, true, added ? added : &dummy, d);
}

tix_err tix_store_list_entry_rm(tix_store *s, const char *list, const char *value,
                                bool *removed, tix_diag *d)
{
    bool dummy;
    tix_err e = need_txn(s, d);
    return e ? e
             : s->ops->list_entry(s, list, value, NULL, false, removed ? removed : &dummy,
                                  d);
}

tix_err tix_store_list_set_policy(tix_store *s, const char *list, tix_policy p,
                                  tix_diag *d)
{
    tix_err e = need_txn(s, d);
    if (e)
        return e;
    if (p != TIX_POLICY_BLOCK && p != TIX_POLICY_WARN)
        return tix_diag_set(d, TIX_EINVAL, "a policy is block or warn");
    return s->ops->list_set_policy(s, list, p, d);
}

tix_err tix_store_list_each(tix_store *s, tix_list_fn fn, void *ud, tix_diag *d)
{
    return s->ops->list_each(s, fn, ud, d);
}

tix_err tix_store_list_get(tix_store *s, const char *name, tix_list **out, tix_diag *d)
{
    return s->ops->list_get(s, name, out, d);
}

tix_err tix_store_vet_clear(tix_store *s, int64_t after_id, tix_diag *d)
{
    tix_err e = need_txn(s, d);
    return e ? e : s->ops->vet_clear(s, after_id, d);
}

tix_err tix_store_verdict_add(tix_store *s, int64_t observable_id, int64_t list_id,
                              tix_match_type m, const char *entry, const char *note,
                              bool on_host, tix_diag *d)
{
    tix_err e = need_txn(s, d);
    if (e || (e = need_name(entry, "a verdict", d)))
        return e;
    return s->ops->verdict_add(s, observable_id, list_id, m, entry, note, on_host, d);
}

tix_err tix_store_verdict_each(tix_store *s, int64_t observable_id, tix_verdict_fn fn,
                               void *ud, tix_diag *d)
{
    return s->ops->verdict_each(s, observable_id, fn, ud, d);
}

tix_err tix_store_flag_set(tix_store *s, int64_t observable_id, const char *flag,
                           const char *evidence, tix_diag *d)
{
    tix_err e = need_txn(s, d);
    if (e || (e = need_name(flag, "a flag", d)))
        return e;
    return s->ops->flag_set(s, observable_id, flag, evidence ? evidence : "", d);
}

tix_err tix_store_flag_clear(tix_store *s, const char *flag, tix_diag *d)
{
    tix_err e = need_txn(s, d);
    if (e || (e = need_name(flag, "a flag", d)))
        return e;
    return s->ops->flag_clear(s, flag, d);
}

tix_err tix_store_flag_each(tix_store *s, int64_t observable_id, tix_flag_fn fn,
                            void *ud, tix_diag *d)
{
    return s->ops->flag_each(s, observable_id, fn, ud, d);
}

tix_err tix_store_enrich_clear(tix_store *s, int64_t after_id, tix_diag *d)
{
    tix_err e = need_txn(s, d);
    return e ? e : s->ops->enrich_clear(s, after_id, d);
}

tix_err tix_store_enrichment_put(tix_store *s, const tix_enrichment *en, tix_diag *d)
{
    tix_err e = need_txn(s, d);
    return e ? e : s->ops->enrichment_put(s, en, d);
}

tix_err tix_store_enrichment_get(tix_store *s, int64_t observable_id, tix_enrichment *out,
                                 tix_diag *d)
{
    return s->ops->enrichment_get(s, observable_id, out, d);
}

tix_err tix_store_resolution_add(tix_store *s, const tix_resolution *r, bool *created,
                                 tix_diag *d)
{
    tix_err e = need_txn(s, d);
    if (e)
        return e;
    if (!r->rrname || !*r->rrname || !r->rrtype || !*r->rrtype || !r->rdata || !*r->rdata)
        return tix_diag_set(d, TIX_EINVAL, "a resolution needs rrname, rrtype and rdata");
    if (r->last_seen < r->first_seen)
        return tix_diag_set(d, TIX_EINVAL, "a resolution's last_seen precedes its first_seen");
    return s->ops->resolution_add(s, r, created, d);
}

tix_err tix_store_resolution_each(tix_store *s, const char *rrname, const char *rdata,
                                  int64_t since, tix_resolution_fn fn, void *ud,
                                  tix_diag *d)
{
    if (!rrname && !rdata)
        return tix_diag_set(d, TIX_EINVAL, "resolutions of what name or address?");
    return s->ops->resolution_each(s, rrname, rdata, since, fn, ud, d);
}

tix_err tix_store_shared_hosts(tix_store *s, int64_t since, uint64_t threshold,
                               tix_shared_host_fn fn, void *ud, tix_diag *d)
{
    return s->ops->shared_hosts(s, since, threshold ? threshold : 1, fn, ud, d);
}

tix_err tix_store_setting_get(tix_store *s, const char *name, char **out, tix_diag *d)
{
    return s->ops->setting_get(s, name, out, d);
}

tix_err tix_store_setting_set(tix_store *s, const char *name, const char *value,
                              tix_diag *d)
{
    tix_err e = need_txn(s, d);
    if (e || (e = need_name(name, "a setting", d)))
        return e;
    return s->ops->setting_set(s, name, value ? value : "", d);
}

/* ---- classification ---- */

tix_err tix_store_rule_file_put(tix_store *s, const tix_rule_file_rec *r, bool *changed,
                                tix_diag *d)
{
    tix_err e = need_txn(s, d);
    if (e || (e = need_name(r->name, "a rule file", d)))
        return e;
    if (!r->text)
        return tix_diag_set(d, TIX_EINVAL, "%s: no rule text", r->name);
    return s->ops->rule_file_put(s, r, changed, d);
}

tix_err tix_store_rule_file_rm(tix_store *s, const char *name, bool *removed, tix_diag *d)
{
    tix_err e = need_txn(s, d);
    if (e || (e = need_name(name, "a rule file", d)))
        return e;
    return s->ops->rule_file_rm(s, name, removed, d);
}

tix_err tix_store_rule_file_each(tix_store *s, bool with_text, tix_rule_file_fn fn,
                                 void *ud, tix_diag *d)
{
    return s->ops->rule_file_each(s, with_text, fn, ud, d);
}

tix_err tix_store_rule_set_put(tix_store *s, const char *engine, const void *blob,
                               size_t len, tix_diag *d)
{
    tix_err e = need_txn(s, d);
    if (e || (e = need_name(engine, "the rule engine", d)))
        return e;
    return s->ops->rule_set_put(s, engine, blob, len, d);
}

tix_err tix_store_rule_set_get(tix_store *s, char **engine, void **blob, size_t *len,
                               tix_diag *d)
{
    return s->ops->rule_set_get(s, engine, blob, len, d);
}

tix_err tix_store_sample_family_add(tix_store *s, int64_t sample_id, const char *family,
                                    const char *rule, tix_diag *d)
{
    tix_err e = need_txn(s, d);
    if (e || (e = need_name(family, "a family", d)) || (e = need_name(rule, "a rule", d)))
        return e;
    return s->ops->sample_family_add(s, sample_id, family, rule, d);
}

tix_err tix_store_sample_family_each(tix_store *s, int64_t sample_id,
                                     tix_sample_family_fn fn, void *ud, tix_diag *d)
{
    return s->ops->sample_family_each(s, sample_id, fn, ud, d);
}

tix_err tix_store_config_put(tix_store *s, const tix_config_rec *c, bool *created,
                             tix_diag *d)
{
    tix_err e = need_txn(s, d);
    if (e || (e = need_name(c->family, "a family", d)) ||
        (e = need_name(c->extractor, "an extractor", d)))
        return e;
    return s->ops->config_put(s, c, created, d);
}

tix_err tix_store_config_each(tix_store *s, int64_t sample_id, tix_config_rec_fn fn,
                              void *ud, tix_diag *d)
{
    return s->ops->config_each(s, sample_id, fn, ud, d);
}

tix_err tix_store_family_each(tix_store *s, const char *family, int64_t since,
                              uint32_t types, tix_family_obs_fn fn, void *ud,
                              tix_diag *d)
{
    tix_err e = need_name(family, "a family", d);
    if (e)
        return e;
    return s->ops->family_each(s, family, since, types, fn, ud, d);
}

/* ---- exports ------------------------------------------------------------ */

/* The source a selection names, as the backend wants it. */
static tix_err select_source(tix_store *s, const tix_obs_select *sel, int64_t *id,
                             tix_diag *d)
{
    *id = 0;
    if (!sel->source)
        return TIX_EOK;
    tix_source src;
    tix_diag dd = TIX_DIAG_INIT;
    tix_err e = s->ops->source_get(s, sel->source, &src, &dd);
    if (e == TIX_ENOTFOUND) {
        *id = -1;
        return TIX_EOK;
    }
    if (e)
        return tix_diag_set(d, e, "%s", dd.msg);
    *id = src.id;
    return TIX_EOK;
}

tix_err tix_store_export_each(tix_store *s, const tix_obs_select *sel,
                              tix_export_obs_fn fn, void *ud, tix_diag *d)
{
    int64_t src;
    tix_err e = select_source(s, sel, &src, d);
    return e ? e : s->ops->exp->each(s, sel, src, fn, ud, d);
}

tix_err tix_store_export_sources(tix_store *s, const tix_obs_select *sel,
                                 tix_export_source_fn fn, void *ud, tix_diag *d)
{
    int64_t src;
    tix_err e = select_source(s, sel, &src, d);
    return e ? e : s->ops->exp->sources(s, sel, src, fn, ud, d);
}

tix_err tix_store_export_families(tix_store *s, const tix_obs_select *sel,
                                  tix_export_family_fn fn, void *ud, tix_diag *d)
{
    int64_t src;
    tix_err e = select_source(s, sel, &src, d);
    return e ? e : s->ops->exp->families(s, sel, src, fn, ud, d);
}

tix_err tix_store_export_relationships(tix_store *s, const tix_obs_select *sel,
                                       tix_export_rel_fn fn, void *ud, tix_diag *d)
{
    int64_t src;
    tix_err e = select_source(s, sel, &src, d);
    return e ? e : s->ops->exp->relationships(s, sel, src, fn, ud, d);
}

tix_err tix_store_read_begin(tix_store *s, tix_diag *d)
{
    if (s->in_txn || s->in_read)
        return s->in_read ? tix_diag_set(d, TIX_EINVAL, "read view already open")
                          : TIX_EOK;
    tix_err e = s->ops->exp->read_begin(s, d);
    if (!e)
        s->in_read = true;
    return e;
}

void tix_store_read_end(tix_store *s)
{
    if (!s->in_read)
        return;
    s->ops->exp->read_end(s);
    s->in_read = false;
}
