/* stix.c - STIX 2.1 bundles in.
 *
 * Objects in a bundle refer to each other in any order, so the bundle is
 * read in phases: an index of every object (identities name sources,
 * marking definitions give TLPs, "indicates" relationships give indicators
 * their malware family, observed-data gives its SCOs their times), then the
 * observables (their bundle ids, often random UUIDs, become the
 * deterministic ids the sink returns), then the domain objects, and last the
 * relationships and sightings, whose ends are rewritten through the ids
 * found on the way.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "core/grow.h"
#include "feeds/internal.h"
#include "feeds/stix_pattern.h"
#include "tix/time.h"

enum { ST_PENDING, ST_MAPPED, ST_UNMAPPED, ST_BAD };

/* One value an object stands for, and the id the sink gave it. */
typedef struct {
    tix_obs_type type;
    char *value;
    char id[TIX_STIX_ID_MAX];   /* "" when the sink rejected the value */
} obsref;

typedef struct {
    const char *id, *type;      /* point into the JSON tree */
    json_t *o;
    size_t pos;                 /* in "objects" */
    int state;
    tix_tlp tlp;                /* of the object; for a marking, the one it is */
    obsref *obs;
    size_t nobs;
    const char *family;         /* malware an indicator indicates */
    int64_t first, last;        /* an SCO's times from observed-data */
    const char *source;         /* an SCO's source from observed-data */
    tix_tlp od_tlp;             /* an SCO's TLP from observed-data */
} entry;

typedef struct {
    const char *id;
    size_t i;
} by_id;

/* An identity outside the bundle, as the sink knows it (name NULL: not). */
typedef struct {
    char *id, *name;
} known_identity;

typedef struct {
    feed_ctx *c;
    entry *e;                   /* in bundle order */
    size_t n;
    by_id *idx;                 /* sorted by id */
    known_identity *known;      /* asked of the sink, in the order asked */
    size_t nknown, capknown;
} bundle;

/* ---- small JSON helpers ----------------------------------------------- */

static const char *jstr(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

static size_t jstrlen(const json_t *o, const char *key)
{
    return json_string_length(json_object_get(o, key));
}

/* ---- the index -------------------------------------------------------- */

static int cmp_id(const void *a, const void *b)
{
    const by_id *x = a, *y = b;
    int r = strcmp(x->id, y->id);
    return r ? r : (x->i > y->i) - (x->i < y->i);
}

static entry *find(bundle *b, const char *id)
{
    if (!id)
        return NULL;
    size_t lo = 0, hi = b->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int r = strcmp(b->idx[mid].id, id);
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < b->n && strcmp(b->idx[lo].id, id) == 0 ? &b->e[b->idx[lo].i] : NULL;
}

/* The name of an identity an earlier document carried (a bundle split in
 * TAXII pages, a producer that sends its identity once); each asked once. */
static const char *known_name(bundle *b, const char *ref)
{
    const tix_sink *k = b->c->sink;
    if (!k->identity_name || strncmp(ref, "identity--", 10) != 0)
        return NULL;
    for (size_t i = 0; i < b->nknown; i++)
        if (strcmp(b->known[i].id, ref) == 0)
            return b->known[i].name;
    if (tix__grow(&b->known, &b->capknown, b->nknown, sizeof *b->known, 4))
        return NULL;
    char *id = strdup(ref), *name = NULL;
    if (!id)
        return NULL;
    tix_diag ignored = TIX_DIAG_INIT; /* unknown or unreadable: no name */
    if (k->identity_name(k->ud, ref, &name, &ignored) != TIX_EOK)
        name = NULL;
    b->known[b->nknown++] = (known_identity){id, name};
    return name;
}

static const char *source_of(bundle *b, const json_t *o)
{
    const char *ref = jstr(o, "created_by_ref");
    if (!ref)
        return NULL;
    entry *who = find(b, ref);
    if (who)
        return strcmp(who->type, "identity") == 0 ? jstr(who->o, "name") : NULL;
    return known_name(b, ref);
}


/* What a marking-definition object says, TLP 1.0 or 2.0 style. */
static tix_tlp marking_tlp(const json_t *o)
{
    const char *t = NULL;
    const char *dt = jstr(o, "definition_type");
    if (dt && strcasecmp(dt, "tlp") == 0)
        t = jstr(json_object_get(o, "definition"), "tlp");
    if (!t)
        t = jstr(json_object_get(json_object_get(o, "extensions"), TIX_TLP2_EXTENSION),
                 "tlp_2_0");
    return t ? tix_tlp_parse(t, strlen(t)) : TIX_TLP_UNSET;
}

static tix_tlp ref_tlp(bundle *b, const char *ref)
{
    tix_tlp known = tix_tlp_of_marking_id(ref);
    if (known != TIX_TLP_UNSET)
        return known;
    entry *m = find(b, ref);
    return m && strcmp(m->type, "marking-definition") == 0 ? m->tlp : TIX_TLP_UNSET;
}

/* The most restrictive TLP among an object's markings. */
static tix_tlp object_tlp(bundle *b, const json_t *o)
{
    tix_tlp t = TIX_TLP_UNSET;
    size_t i;
    json_t *ref;
    json_array_foreach(json_object_get(o, "object_marking_refs"), i, ref) {
        const char *s = json_string_value(ref);
        tix_tlp r = s ? ref_tlp(b, s) : TIX_TLP_UNSET;
        if (r > t)
            t = r;
    }
    return t;
}

/* ---- reporting -------------------------------------------------------- */

/* A malformed object: reported at its id; e->state tells the caller to stop. */
static tix_err bad(bundle *b, entry *e, const char *why)
{
    e->state = ST_BAD;
    return feed_bad(b->c, 0, e->id, "%s", why);
}

static void unmapped(bundle *b, entry *e, const char *reason)
{
    e->state = ST_UNMAPPED;
    tix_feed_unmapped(b->c->st, reason);
}

/* Property key of o as a time; absent is 0. */
static tix_err get_time(bundle *b, entry *e, const char *key, int64_t *out)
{
    *out = 0;
    json_t *v = json_object_get(e->o, key);
    if (!v)
        return TIX_EOK;
    tix_diag d = TIX_DIAG_INIT;
    if (json_is_string(v) &&
        tix_time_parse(json_string_value(v), json_string_length(v), out, &d) == TIX_EOK)
        return TIX_EOK;
    char why[300];
    snprintf(why, sizeof why, "%s: %s", key, json_is_string(v) ? d.msg : "not a string");
    return bad(b, e, why);
}

/* ---- values an object stands for -------------------------------------- */

static tix_err add_obs(entry *e, tix_obs_type type, const char *v, size_t n)
{
    obsref *o = realloc(e->obs, (e->nobs + 1) * sizeof *o);
    if (!o)
        return TIX_ENOMEM;
    e->obs = o;
    char *s = malloc(n + 1);
    if (!s)
        return TIX_ENOMEM;
    memcpy(s, v, n);
    s[n] = 0;
    e->obs[e->nobs++] = (obsref){type, s, {0}};
    return TIX_EOK;
}

/* Hand e's values to the sink with what in says of them. With keep_ids the
 * ids are remembered for relationships; without, values the sink refused
 * before are not offered again. Returns through *any whether one was taken. */
static tix_err observe_all(bundle *b, entry *e, tix_obs_in *in, bool keep_ids,
                           bool *any)
{
    *any = false;
    for (size_t i = 0; i < e->nobs; i++) {
        char id[TIX_STIX_ID_MAX];
        if (!keep_ids && !e->obs[i].id[0])
            continue;
        in->type = e->obs[i].type;
        in->value = e->obs[i].value;
        in->value_len = strlen(e->obs[i].value);
        tix_err err = feed_observe(b->c, in, id);
        if (err)
            return err;
        if (keep_ids)
            memcpy(e->obs[i].id, id, sizeof id);
        *any |= id[0] != 0;
    }
    return TIX_EOK;
}

/* An observable-only object stands for nothing when every value was refused. */
static tix_err observe_values(bundle *b, entry *e, tix_obs_in *in)
{
    bool any;
    tix_err err = observe_all(b, e, in, true, &any);
    e->state = any ? ST_MAPPED : ST_BAD;
    return err;
}

/* ---- phase 1: index --------------------------------------------------- */

static tix_err index_objects(bundle *b, json_t *objs)
{
    b->e = calloc(json_array_size(objs) + 1, sizeof *b->e);
    b->idx = calloc(json_array_size(objs) + 1, sizeof *b->idx);
    if (!b->e || !b->idx)
        return tix_diag_set(b->c->d, TIX_ENOMEM, "out of memory");
    size_t i;
    json_t *o;
    json_array_foreach(objs, i, o) {
        const char *id = jstr(o, "id"), *type = jstr(o, "type");
        if (!id || !type) {
            char where[48];
            snprintf(where, sizeof where, "objects[%zu]", i);
            tix_err err = !json_is_object(o)
                              ? feed_bad(b->c, 0, where, "not a JSON object")
                              : feed_bad(b->c, 0, where, "object without %s",
                                         !type ? "type" : "id");
            if (err)
                return err;
            continue;
        }
        entry *e = &b->e[b->n];
        *e = (entry){.id = id, .type = type, .o = o, .pos = i, .tlp = TIX_TLP_UNSET,
                     .od_tlp = TIX_TLP_UNSET};
        if (strcmp(type, "marking-definition") == 0)
            e->tlp = marking_tlp(o);
        b->idx[b->n] = (by_id){id, b->n};
        b->n++;
    }
    qsort(b->idx, b->n, sizeof *b->idx, cmp_id);
    return TIX_EOK;
}

/* "indicator indicates malware" names the family of what the indicator
 * matches; the first such malware wins. */
static void link_family(bundle *b, entry *rel)
{
    const char *rt = jstr(rel->o, "relationship_type");
    if (!rt || strcmp(rt, "indicates") != 0)
        return;
    entry *src = find(b, jstr(rel->o, "source_ref"));
    entry *dst = find(b, jstr(rel->o, "target_ref"));
    if (src && dst && !src->family && strcmp(src->type, "indicator") == 0 &&
        strcmp(dst->type, "malware") == 0)
        src->family = jstr(dst->o, "name");
}

/* observed-data says when, by whom and under which marking its SCOs were
 * seen; STIX 2.1 SCOs carry none of that themselves. */
static void link_observed(bundle *b, entry *od)
{
    int64_t first = 0, last = 0;
    const char *f = jstr(od->o, "first_observed"), *l = jstr(od->o, "last_observed");
    if (f && tix_time_parse(f, strlen(f), &first, NULL) != TIX_EOK)
        first = 0;
    if (l && tix_time_parse(l, strlen(l), &last, NULL) != TIX_EOK)
        last = 0;
    const char *src = source_of(b, od->o);
    tix_tlp tlp = object_tlp(b, od->o);
    size_t i;
    json_t *ref;
    json_array_foreach(json_object_get(od->o, "object_refs"), i, ref) {
        entry *sco = find(b, json_string_value(ref));
        if (!sco)
            continue;
        if (first && (!sco->first || first < sco->first))
            sco->first = first;
        if (last > sco->last)
            sco->last = last;
        if (!sco->source)
            sco->source = src;
        if (tlp > sco->od_tlp)
            sco->od_tlp = tlp;
    }
}

/* ---- phase 2: observables --------------------------------------------- */

static tix_err observe_sco(bundle *b, entry *e)
{
    /* the stricter of the SCO's own marking and its observed-data's */
    tix_tlp own = object_tlp(b, e->o);
    tix_obs_in in = {
        .first_seen = e->first, .last_seen = e->last, .confidence = -1,
        .tlp = own > e->od_tlp ? own : e->od_tlp,
        .source = e->source ? e->source : source_of(b, e->o), .where = e->id};
    return observe_values(b, e, &in);
}

static tix_err do_value_sco(bundle *b, entry *e)
{
    static const struct { const char *type; tix_obs_type t; } map[] = {
        {"ipv4-addr", TIX_OBS_IPV4}, {"ipv6-addr", TIX_OBS_IPV6},
        {"domain-name", TIX_OBS_DOMAIN}, {"url", TIX_OBS_URL},
        {"email-addr", TIX_OBS_EMAIL},
        /* tix's SCO for wallets (docs/export.md): btc or xmr by its value */
        {"cryptocurrency-wallet", TIX_OBS_BTC}};
    const char *v = jstr(e->o, "value");
    if (!v) {
        char why[64];
        snprintf(why, sizeof why, "%s without value", e->type);
        return bad(b, e, why);
    }
    size_t n = jstrlen(e->o, "value");
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(e->type, map[i].type) == 0) {
            tix_obs_type t = map[i].t == TIX_OBS_BTC ? stix_wallet_type(v, n) : map[i].t;
            tix_err err = add_obs(e, t, v, n);
            if (err)
                return tix_diag_set(b->c->d, err, "out of memory");
        }
    return observe_sco(b, e);
}

/* A hashes key as producers write it ("SHA-256", "sha256", "MD5"). */
static int hash_key_type(const char *k)
{
    static const struct { const char *a, *b; tix_obs_type t; } h[] = {
        {"md5", "md5", TIX_OBS_MD5}, {"sha-1", "sha1", TIX_OBS_SHA1},
        {"sha-256", "sha256", TIX_OBS_SHA256}, {"sha-512", "sha512", TIX_OBS_SHA512}};
    for (size_t i = 0; i < sizeof h / sizeof h[0]; i++)
        if (strcasecmp(k, h[i].a) == 0 || strcasecmp(k, h[i].b) == 0)
            return (int)h[i].t;
    return -1;
}

static tix_err do_file(bundle *b, entry *e)
{
    const char *k;
    json_t *v;
    json_object_foreach(json_object_get(e->o, "hashes"), k, v) {
        int t = hash_key_type(k);
        if (t < 0 || !json_is_string(v))
            continue;
        if (add_obs(e, (tix_obs_type)t, json_string_value(v), json_string_length(v)))
            return tix_diag_set(b->c->d, TIX_ENOMEM, "out of memory");
    }
    if (!e->nobs) {
        unmapped(b, e, "STIX file without MD5/SHA-1/SHA-256/SHA-512");
        return TIX_EOK;
    }
    return observe_sco(b, e);
}

static tix_err do_asn(bundle *b, entry *e)
{
    json_t *num = json_object_get(e->o, "number");
    if (!json_is_integer(num) || json_integer_value(num) < 0)
        return bad(b, e, "autonomous-system without number");
    char as[32];
    snprintf(as, sizeof as, "AS%" PRId64, (int64_t)json_integer_value(num));
    if (add_obs(e, TIX_OBS_ASN, as, strlen(as)))
        return tix_diag_set(b->c->d, TIX_ENOMEM, "out of memory");
    return observe_sco(b, e);
}

/* The CVE a vulnerability names, in its name or its external references. */
static const char *vuln_cve(const json_t *o)
{
    const char *name = jstr(o, "name");
    if (name && strncasecmp(name, "CVE-", 4) == 0)
        return name;
    size_t i;
    json_t *ref;
    json_array_foreach(json_object_get(o, "external_references"), i, ref) {
        const char *sn = jstr(ref, "source_name"), *id = jstr(ref, "external_id");
        if (sn && id && strcasecmp(sn, "cve") == 0)
            return id;
    }
    return NULL;
}

static tix_err do_sdo(bundle *b, entry *e);

/* An object's created and modified times; a bad one marks e ST_BAD. */
static tix_err get_created_modified(bundle *b, entry *e, int64_t *created,
                                    int64_t *modified)
{
    tix_err err = get_time(b, e, "created", created);
    if (!err && e->state != ST_BAD)
        err = get_time(b, e, "modified", modified);
    return err;
}

/* A vulnerability with a CVE is the cve observable; any other is an SDO. */
static tix_err do_vulnerability(bundle *b, entry *e)
{
    const char *cve = vuln_cve(e->o);
    if (!cve)
        return do_sdo(b, e);
    if (add_obs(e, TIX_OBS_CVE, cve, strlen(cve)))
        return tix_diag_set(b->c->d, TIX_ENOMEM, "out of memory");
    int64_t created, modified;
    tix_err err = get_created_modified(b, e, &created, &modified);
    if (err || e->state == ST_BAD)
        return err;
    tix_obs_in in = {.first_seen = created, .last_seen = modified, .confidence = -1,
                     .tlp = object_tlp(b, e->o), .source = source_of(b, e->o),
                     .where = e->id};
    return observe_values(b, e, &in);
}

/* ---- phase 3: domain objects ------------------------------------------ */

static tix_err emit_object(bundle *b, entry *e)
{
    int64_t created, modified;
    tix_err err = get_created_modified(b, e, &created, &modified);
    if (err || e->state == ST_BAD)
        return err;
    char *json = json_dumps(e->o, JSON_COMPACT);
    if (!json)
        return tix_diag_set(b->c->d, TIX_ENOMEM, "out of memory");
    tix_object_in in = {.id = e->id, .type = e->type, .name = jstr(e->o, "name"),
                        .created = created, .modified = modified, .json = json,
                        .tlp = object_tlp(b, e->o), .source = source_of(b, e->o)};
    err = feed_object(b->c, &in);
    free(json);
    if (!err)
        e->state = ST_MAPPED;
    return err;
}

static bool revoked(bundle *b, entry *e)
{
    if (!json_is_true(json_object_get(e->o, "revoked")))
        return false;
    unmapped(b, e, "STIX revoked object");
    return true;
}

static tix_err do_sdo(bundle *b, entry *e)
{
    return revoked(b, e) ? TIX_EOK : emit_object(b, e);
}

/* labels and indicator_types, comma-separated, in buf. */
static void indicator_tags(const json_t *o, tix_buf *buf)
{
    static const char *const keys[] = {"labels", "indicator_types"};
    for (size_t k = 0; k < 2; k++) {
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(o, keys[k]), i, v) {
            if (!json_is_string(v))
                continue;
            if (buf->len)
                tix_buf_addc(buf, ',');
            tix_buf_add(buf, json_string_value(v), json_string_length(v));
        }
    }
}

static int confidence_of(const json_t *o)
{
    json_t *c = json_object_get(o, "confidence");
    return json_is_integer(c) && json_integer_value(c) >= 0 && json_integer_value(c) <= 100
               ? (int)json_integer_value(c) : -1;
}

/* The pattern's values into e->obs; false when the indicator is not mapped
 * (already reported). */
static bool indicator_values(bundle *b, entry *e, tix_err *err)
{
    const char *pt = jstr(e->o, "pattern_type");
    if (pt && strcmp(pt, "stix") != 0) {
        char r[64];
        snprintf(r, sizeof r, "STIX pattern type %s", pt);
        unmapped(b, e, r);
        return false;
    }
    const char *pat = jstr(e->o, "pattern");
    if (!pat) {
        *err = bad(b, e, "indicator without pattern");
        return false;
    }
    stix_pat sp = {0};
    char why[STIX_PAT_WHY_MAX];
    tix_err pe = stix_pattern_parse(pat, jstrlen(e->o, "pattern"), &sp, why);
    if (pe == TIX_EUNSUPPORTED) {
        unmapped(b, e, why);
        return false;
    }
    if (pe != TIX_EOK) {
        *err = pe == TIX_EPARSE ? bad(b, e, why) : tix_diag_set(b->c->d, pe, "%s", why);
        return false;
    }
    for (size_t i = 0; i < sp.n && !*err; i++)
        if (add_obs(e, sp.v[i].type, sp.v[i].value, sp.v[i].len))
            *err = tix_diag_set(b->c->d, TIX_ENOMEM, "out of memory");
    stix_pattern_free(&sp);
    return !*err;
}

static tix_err relate_based_on(bundle *b, entry *e, tix_tlp tlp, const char *source)
{
    for (size_t i = 0; i < e->nobs; i++) {
        if (!e->obs[i].id[0])
            continue;
        tix_rel_in r = {.src_id = e->id, .type = "based-on", .dst_id = e->obs[i].id,
                        .tlp = tlp, .source = source};
        tix_err err = feed_relate(b->c, &r);
        if (err)
            return err;
    }
    return TIX_EOK;
}

static tix_err do_indicator(bundle *b, entry *e)
{
    tix_err err = TIX_EOK;
    if (revoked(b, e) || !indicator_values(b, e, &err))
        return err;
    int64_t from, until, modified;
    err = get_time(b, e, "valid_from", &from);
    if (!err && e->state != ST_BAD)
        err = get_time(b, e, "valid_until", &until);
    if (!err && e->state != ST_BAD)
        err = get_time(b, e, "modified", &modified);
    if (!err && e->state != ST_BAD)
        err = emit_object(b, e);
    if (err || e->state == ST_BAD)
        return err;
    tix_buf tags = TIX_BUF_INIT(TIX_BUF_MAX_DEFAULT);
    indicator_tags(e->o, &tags);
    if (tags.err) {
        tix_buf_free(&tags);
        return tix_diag_set(b->c->d, TIX_ENOMEM, "out of memory");
    }
    tix_obs_in in = {.first_seen = from, .last_seen = until ? until : modified,
                     .confidence = confidence_of(e->o), .tlp = object_tlp(b, e->o),
                     .family = e->family, .tags = tags.p, .source = source_of(b, e->o),
                     .where = e->id};
    bool any;
    err = observe_all(b, e, &in, true, &any);
    tix_buf_free(&tags);
    if (!err)
        err = relate_based_on(b, e, in.tlp, in.source);
    return err;
}

/* Marking definitions are read in phase 1; a TLP one is used up there, any
 * other (a statement, a custom extension) is nothing tix holds. */
static tix_err do_marking(bundle *b, entry *e)
{
    if (e->tlp != TIX_TLP_UNSET)
        return TIX_EOK;
    const char *dt = jstr(e->o, "definition_type");
    char r[64];
    snprintf(r, sizeof r, "STIX marking-definition%s%s", dt ? " " : "", dt ? dt : "");
    unmapped(b, e, r);
    return TIX_EOK;
}

static tix_err do_unknown(bundle *b, entry *e)
{
    char r[64];
    snprintf(r, sizeof r, "STIX type %s", e->type);
    unmapped(b, e, r);
    return TIX_EOK;
}

/* ---- phase 4: relationships and sightings ----------------------------- */

/* The ids a reference stands for in tix: an observable's deterministic ids,
 * an emitted object's own id, or, outside the bundle, the reference as is.
 * Returns the number of ids (0: it stands for nothing tix holds). */
static size_t resolve(bundle *b, const char *ref, const char ***ids)
{
    entry *t = find(b, ref);
    *ids = NULL;
    if (t && t->state != ST_MAPPED)
        return 0;
    /* an indicator keeps its own id; its values hang off it by based-on */
    bool values = t && t->nobs && strcmp(t->type, "indicator") != 0;
    const char **v = calloc(values ? t->nobs : 1, sizeof *v);
    if (!v)
        return SIZE_MAX;
    size_t k = 0;
    if (!values)
        v[k++] = ref;
    else
        for (size_t i = 0; i < t->nobs; i++)
            if (t->obs[i].id[0])
                v[k++] = t->obs[i].id;
    *ids = v;
    return k;
}

static tix_err relate_all(bundle *b, tix_rel_in *r, const char **src, size_t ns,
                          const char **dst, size_t nd)
{
    for (size_t i = 0; i < ns; i++)
        for (size_t j = 0; j < nd; j++) {
            r->src_id = src[i];
            r->dst_id = dst[j];
            tix_err err = feed_relate(b->c, r);
            if (err)
                return err;
        }
    return TIX_EOK;
}

static tix_err do_relationship(bundle *b, entry *e)
{
    const char *rt = jstr(e->o, "relationship_type");
    const char *sr = jstr(e->o, "source_ref"), *tr = jstr(e->o, "target_ref");
    if (!rt || !sr || !tr)
        return bad(b, e, !rt ? "relationship without relationship_type"
                         : !sr ? "relationship without source_ref"
                               : "relationship without target_ref");
    int64_t start, stop;
    tix_err err = get_time(b, e, "start_time", &start);
    if (!err && e->state != ST_BAD)
        err = get_time(b, e, "stop_time", &stop);
    if (err || e->state == ST_BAD)
        return err;
    const char **src, **dst;
    size_t ns = resolve(b, sr, &src), nd = resolve(b, tr, &dst);
    if (ns == SIZE_MAX || nd == SIZE_MAX)
        err = tix_diag_set(b->c->d, TIX_ENOMEM, "out of memory");
    else if (!ns || !nd)
        unmapped(b, e, "STIX relationship with an unmapped end");
    else {
        tix_rel_in r = {.type = rt, .first_seen = start, .last_seen = stop,
                        .tlp = object_tlp(b, e->o), .source = source_of(b, e->o)};
        err = relate_all(b, &r, src, ns, dst, nd);
    }
    free(src);
    free(dst);
    return err;
}

static tix_err do_sighting(bundle *b, entry *e)
{
    const char *of = jstr(e->o, "sighting_of_ref");
    if (!of)
        return bad(b, e, "sighting without sighting_of_ref");
    entry *t = find(b, of);
    char r[64];
    if (!t || t->state != ST_MAPPED || !t->nobs) {
        snprintf(r, sizeof r, "STIX sighting of %s",
                 !t ? "an object not in the bundle"
                    : t->state != ST_MAPPED ? "an unmapped object" : t->type);
        unmapped(b, e, r);
        return TIX_EOK;
    }
    int64_t first, last;
    tix_err err = get_time(b, e, "first_seen", &first);
    if (!err && e->state != ST_BAD)
        err = get_time(b, e, "last_seen", &last);
    if (err || e->state == ST_BAD)
        return err;
    char tags[48] = "sighting";
    json_t *count = json_object_get(e->o, "count");
    if (json_is_integer(count))
        snprintf(tags, sizeof tags, "sighting,count:%" PRId64, (int64_t)json_integer_value(count));
    tix_obs_in in = {.first_seen = first, .last_seen = last,
                     .confidence = confidence_of(e->o), .tlp = object_tlp(b, e->o),
                     .family = t->family, .tags = tags, .source = source_of(b, e->o),
                     .where = e->id};
    bool any;
    err = observe_all(b, t, &in, false, &any);
    if (!err)
        e->state = ST_MAPPED;
    return err;
}

/* ---- dispatch --------------------------------------------------------- */

static const struct {
    const char *type;
    int phase;
    tix_err (*fn)(bundle *b, entry *e);
} handlers[] = {
    {"ipv4-addr", 2, do_value_sco}, {"ipv6-addr", 2, do_value_sco},
    {"domain-name", 2, do_value_sco}, {"url", 2, do_value_sco},
    {"email-addr", 2, do_value_sco}, {"cryptocurrency-wallet", 2, do_value_sco},
    {"file", 2, do_file},
    {"autonomous-system", 2, do_asn}, {"vulnerability", 2, do_vulnerability},
    {"indicator", 3, do_indicator}, {"marking-definition", 3, do_marking},
    {"attack-pattern", 3, do_sdo}, {"campaign", 3, do_sdo},
    {"course-of-action", 3, do_sdo}, {"grouping", 3, do_sdo},
    {"identity", 3, do_sdo}, {"incident", 3, do_sdo},
    {"infrastructure", 3, do_sdo}, {"intrusion-set", 3, do_sdo},
    {"location", 3, do_sdo}, {"malware", 3, do_sdo},
    {"malware-analysis", 3, do_sdo}, {"note", 3, do_sdo},
    {"observed-data", 3, do_sdo}, {"opinion", 3, do_sdo},
    {"report", 3, do_sdo}, {"threat-actor", 3, do_sdo}, {"tool", 3, do_sdo},
    {"relationship", 4, do_relationship}, {"sighting", 4, do_sighting},
};

static size_t handler_of(const char *type)
{
    size_t n = sizeof handlers / sizeof handlers[0];
    for (size_t i = 0; i < n; i++)
        if (strcmp(type, handlers[i].type) == 0)
            return i;
    return n;
}

static tix_err run_phase(bundle *b, int phase)
{
    size_t nh = sizeof handlers / sizeof handlers[0];
    for (size_t i = 0; i < b->n; i++) {
        entry *e = &b->e[i];
        size_t h = handler_of(e->type);
        int p = h < nh ? handlers[h].phase : 3;
        if (p != phase)
            continue;
        tix_err err = h < nh ? handlers[h].fn(b, e) : do_unknown(b, e);
        if (err)
            return err;
    }
    return TIX_EOK;
}

static tix_err read_bundle(bundle *b, json_t *objs)
{
    b->c->st->records += json_array_size(objs);
    tix_err err = index_objects(b, objs);
    if (err)
        return err;
    for (size_t i = 0; i < b->n; i++) {
        if (strcmp(b->e[i].type, "relationship") == 0)
            link_family(b, &b->e[i]);
        else if (strcmp(b->e[i].type, "observed-data") == 0)
            link_observed(b, &b->e[i]);
    }
    for (int phase = 2; phase <= 4 && !err; phase++)
        err = run_phase(b, phase);
    return err;
}

static void free_bundle(bundle *b)
{
    for (size_t i = 0; i < b->n; i++) {
        for (size_t k = 0; k < b->e[i].nobs; k++)
            free(b->e[i].obs[k].value);
        free(b->e[i].obs);
    }
    free(b->e);
    free(b->idx);
    for (size_t i = 0; i < b->nknown; i++) {
        free(b->known[i].id);
        free(b->known[i].name);
    }
    free(b->known);
}

tix_err feed_stix(feed_ctx *c)
{
    json_error_t je;
    json_t *root = json_loadb(c->data, c->len, 0, &je);
    if (!root)
        return tix_diag_set(c->d, TIX_EPARSE, "%s:%d: %s", c->name, je.line, je.text);
    const char *type = jstr(root, "type");
    json_t *objs = json_object_get(root, "objects");
    tix_err err;
    if (!type || strcmp(type, "bundle") != 0)
        err = tix_diag_set(c->d, TIX_EPARSE, "%s: not a STIX bundle (type is %s%s%s)",
                           c->name, type ? "'" : "", type ? type : "missing",
                           type ? "'" : "");
    else if (!json_is_array(objs))
        err = tix_diag_set(c->d, TIX_EPARSE, "%s: STIX bundle without \"objects\"",
                           c->name);
    else {
        bundle b = {.c = c};
        err = read_bundle(&b, objs);
        free_bundle(&b);
    }
    json_decref(root);
    return err;
}
