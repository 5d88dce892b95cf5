/* threatfox.c - abuse.ch ThreatFox IOC exports (full and recent).
 *
 * CSV: a '#' banner whose last line names the columns, then rows whose
 * quoted fields are separated by `", "`:
 *   # "first_seen_utc","ioc_id","ioc_value","ioc_type","threat_type",
 *   #   "fk_malware","malware_alias","malware_printable","last_seen_utc",
 *   #   "confidence_level","reference","tags","anonymous","reporter"
 *   "2024-07-16 05:25:36", "1301610", "8.134.12.90:7777", "ip:port", ...
 * and a closing "# Number of entries" comment. Empty values are "" or None.
 * JSON: one object keyed by ioc_id; each value is an array holding the IOC
 * object (ioc_value, ioc_type, threat_type, malware, malware_alias,
 * malware_printable, first_seen_utc, last_seen_utc, confidence_level,
 * reference, tags, anonymous, reporter), nulls for empty values.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feeds/csv.h"
#include "feeds/internal.h"

enum {
    F_FIRST, F_ID, F_VALUE, F_TYPE, F_THREAT, F_MALWARE, F_ALIAS, F_PRINTABLE,
    F_LAST, F_CONF, F_REF, F_TAGS, F_ANON, F_REPORTER, F_COUNT
};

/* What one ThreatFox IOC says, whichever file it came from. */
typedef struct {
    feed_field first, value, type, threat, malware, printable, last, conf, tags, reporter;
    uint64_t line;
    const char *where;
} tf_rec;

typedef struct {
    tix_buf family, tags, jtags;
} scratch;

static const struct {
    const char *name;
    tix_obs_type type;
} types[] = {
    {"domain", TIX_OBS_DOMAIN}, {"url", TIX_OBS_URL},       {"md5_hash", TIX_OBS_MD5},
    {"sha1_hash", TIX_OBS_SHA1}, {"sha256_hash", TIX_OBS_SHA256},
};

/* Sets o's type, value and port; 0 when the type is one tix has no place
 * for, -1 when an ip:port value has no valid port. */
static int value_of(const tf_rec *t, tix_obs_in *o)
{
    feed_field type = feed_trim(t->type), v = feed_trim(t->value);
    o->value = v.p;
    o->value_len = v.n;
    if (feed_eq(type.p, type.n, "ip:port")) {
        bool v6;
        if (!feed_host_port(v.p, v.n, &o->value, &o->value_len, &o->port, &v6))
            return -1;
        o->type = v6 ? TIX_OBS_IPV6 : TIX_OBS_IPV4;
        return 1;
    }
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (feed_eq(type.p, type.n, types[i].name)) {
            o->type = types[i].type;
            return 1;
        }
    return 0;
}

/* malware_printable names the family for people; "Unknown malware" (and
 * fk_malware "unknown") means none is known. */
static const char *family_of(tix_buf *b, const tf_rec *t)
{
    feed_field p = feed_trim(t->printable), m = feed_trim(t->malware);
    if (!feed_none(p.p, p.n) && !feed_eq(p.p, p.n, "Unknown malware"))
        return feed_str(b, p.p, p.n);
    if (!feed_none(m.p, m.n) && !feed_eq(m.p, m.n, "unknown"))
        return feed_str(b, m.p, m.n);
    tix_buf_reset(b);
    return NULL;
}

static tix_err emit(feed_ctx *c, const tf_rec *t, scratch *s)
{
    uint64_t at = t->line;
    tix_obs_in o;
    feed_obs_init(&o, at);
    o.where = t->where;
    if (feed_none(t->value.p, t->value.n))
        return feed_bad(c, at, t->where, "no ioc_value");
    int kind = value_of(t, &o);
    if (kind == 0) {
        feed_field type = feed_trim(t->type);
        char why[64];
        snprintf(why, sizeof why, "threatfox ioc_type %.*s", FEED_SHOW(type.p, type.n));
        tix_feed_unmapped(c->st, why);
        return TIX_EOK;
    }
    if (kind < 0)
        return feed_bad(c, at, t->where, "ip:port value '%.*s' has no valid port",
                        FEED_SHOW(t->value.p, t->value.n));
    if (feed_time(t->first.p, t->first.n, &o.first_seen))
        return feed_bad(c, at, t->where, "bad first_seen_utc '%.*s'",
                        FEED_SHOW(t->first.p, t->first.n));
    if (feed_time(t->last.p, t->last.n, &o.last_seen))
        return feed_bad(c, at, t->where, "bad last_seen_utc '%.*s'",
                        FEED_SHOW(t->last.p, t->last.n));
    o.last_seen = feed_last_seen(o.first_seen, o.last_seen);
    if (!feed_none(t->conf.p, t->conf.n) &&
        (o.confidence = feed_int(t->conf.p, t->conf.n, 0, 100)) == INT32_MIN)
        return feed_bad(c, at, t->where, "bad confidence_level '%.*s'",
                        FEED_SHOW(t->conf.p, t->conf.n));
    o.family = family_of(&s->family, t);
    tix_buf_reset(&s->tags);
    feed_tags_add(&s->tags, "", t->tags.p, t->tags.n);
    feed_tags_add(&s->tags, "", t->threat.p, t->threat.n);
    feed_tags_add(&s->tags, "reporter:", t->reporter.p, t->reporter.n);
    o.tags = s->tags.len ? s->tags.p : NULL;
    tix_err e = s->family.err ? s->family.err : s->tags.err;
    if (e)
        return tix_diag_set(c->d, e, "%s", tix_strerror(e));
    char id[TIX_STIX_ID_MAX];
    return feed_observe(c, &o, id);
}

/* ---- CSV ---------------------------------------------------------------- */

static bool csv_header(const feed_csv *r, void *ud)
{
    (void)ud;
    return r->nf > 0 && feed_eq(r->f[0].p, r->f[0].n, "first_seen_utc");
}

static tix_err csv_row(feed_ctx *c, const feed_csv *r, void *ud)
{
    const feed_field *f = r->f;
    tf_rec t = {f[F_FIRST], f[F_VALUE], f[F_TYPE],  f[F_THREAT], f[F_MALWARE],
                f[F_PRINTABLE], f[F_LAST], f[F_CONF], f[F_TAGS], f[F_REPORTER],
                r->rec_line, NULL};
    return emit(c, &t, ud);
}

static void scratch_free(scratch *s)
{
    tix_buf_free(&s->family);
    tix_buf_free(&s->tags);
    tix_buf_free(&s->jtags);
}

tix_err feed_threatfox_csv(feed_ctx *c)
{
    scratch s = {TIX_BUF_INIT(0), TIX_BUF_INIT(0), TIX_BUF_INIT(0)};
    feed_csv_spec spec = {',', "ThreatFox CSV export", F_COUNT, false, csv_header, csv_row, &s};
    tix_err e = feed_csv_each(c, &spec);
    scratch_free(&s);
    return e;
}

/* ---- JSON --------------------------------------------------------------- */

/* The first of two spellings present: exports and API answers differ. */
static feed_field either(const json_t *o, const char *a, const char *b, char num[24])
{
    feed_field f = feed_json_field(o, a, num);
    return json_object_get(o, a) ? f : feed_json_field(o, b, num);
}

/* tags are a comma-separated string in exports, an array in API answers. */
static feed_field tags_of(const json_t *o, tix_buf *b, char num[24])
{
    const json_t *t = json_object_get(o, "tags");
    if (!json_is_array(t))
        return feed_json_field(o, "tags", num);
    tix_buf_reset(b);
    size_t i;
    const json_t *v;
    json_array_foreach(t, i, v)
        if (json_is_string(v))
            feed_tags_add(b, "", json_string_value(v), json_string_length(v));
    return (feed_field){b->len ? b->p : "", b->len, 0};
}

static bool is_ioc(const json_t *o)
{
    return json_is_object(o) &&
           (json_object_get(o, "ioc_value") || json_object_get(o, "ioc"));
}

static tix_err json_ioc(feed_ctx *c, const json_t *o, uint64_t line, const char *where,
                        scratch *s)
{
    c->st->records++;
    if (!is_ioc(o))
        return feed_bad(c, line, where, "not an IOC object with an ioc_value");
    char n[10][24];
    tf_rec t = {either(o, "first_seen_utc", "first_seen", n[0]),
                either(o, "ioc_value", "ioc", n[1]),
                feed_json_field(o, "ioc_type", n[2]),
                feed_json_field(o, "threat_type", n[3]),
                either(o, "malware", "fk_malware", n[4]),
                feed_json_field(o, "malware_printable", n[5]),
                either(o, "last_seen_utc", "last_seen", n[6]),
                feed_json_field(o, "confidence_level", n[7]),
                tags_of(o, &s->jtags, n[8]),
                feed_json_field(o, "reporter", n[9]),
                line,
                where};
    if (s->jtags.err)
        return tix_diag_set(c->d, s->jtags.err, "%s", tix_strerror(s->jtags.err));
    return emit(c, &t, s);
}

/* The IOCs filed under one ioc_id. */
static tix_err json_entry(feed_ctx *c, const char *key, const json_t *v, uint64_t line,
                          bool first, scratch *s)
{
    char where[64];
    snprintf(where, sizeof where, "ioc %.40s", key);
    if (first && !(json_is_array(v) && is_ioc(json_array_get(v, 0))))
        return feed_wrong_format(c, line, "'%.40s' does not hold an array of IOC objects: "
                                          "not a ThreatFox JSON export", key);
    if (!json_is_array(v)) {
        c->st->records++;
        return feed_bad(c, line, where, "not an array of IOC objects");
    }
    size_t i;
    const json_t *o;
    json_array_foreach(v, i, o) {
        tix_err e = json_ioc(c, o, line, where, s);
        if (e)
            return e;
    }
    return TIX_EOK;
}

/* The line of the i-th member when the scan agrees on its key; 0 when the
 * document has duplicate keys and the two no longer line up. */
static uint64_t line_of(const feed_ctx *c, const feed_json_item *items, size_t n, size_t i,
                        const char *key, size_t klen)
{
    if (i >= n || items[i].key_len != klen ||
        memcmp(c->data + items[i].key_off, key, klen) != 0)
        return 0;
    return items[i].line;
}

static tix_err json_members(feed_ctx *c, json_t *root, scratch *s)
{
    size_t n = json_object_size(root);
    feed_json_item *items = calloc(n + 1, sizeof *items);
    if (!items)
        return tix_diag_set(c->d, TIX_ENOMEM, "%s", tix_strerror(TIX_ENOMEM));
    size_t got = feed_json_items(c->data, c->len, items, n + 1);
    if (got > n)
        got = n;
    tix_err e = TIX_EOK;
    size_t i = 0;
    for (void *it = json_object_iter(root); it && !e; it = json_object_iter_next(root, it), i++) {
        const char *key = json_object_iter_key(it);
        uint64_t line = line_of(c, items, got, i, key, json_object_iter_key_len(it));
        e = json_entry(c, key, json_object_iter_value(it), line, i == 0, s);
    }
    free(items);
    return e;
}

tix_err feed_threatfox_json(feed_ctx *c)
{
    if (feed_blank(c->data, c->len))
        return TIX_EOK;
    json_t *root;
    tix_err e = feed_json_load(c->name, c->data, c->len, &root, c->d);
    if (e)
        return e;
    if (!json_is_object(root)) {
        json_decref(root);
        return feed_wrong_format(c, 1, "not a JSON object keyed by ioc_id: "
                                       "not a ThreatFox JSON export");
    }
    scratch s = {TIX_BUF_INIT(0), TIX_BUF_INIT(0), TIX_BUF_INIT(0)};
    e = json_members(c, root, &s);
    scratch_free(&s);
    json_decref(root);
    return e;
}
