/* generic_csv.c - any CSV, read through a column map.
 *
 * The map names 1-based columns: "ip=2,port=3,first_seen=1". Value keys:
 * an observable type name (ipv4, domain, sha256, ...), "ip" (v4 or v6), or
 * "value" with "type" (a column holding the type name); several value
 * columns give several observations per row. The others: port, first_seen,
 * last_seen, confidence, family, tags, tlp. A first row none of whose value
 * columns holds a valid value is the header and is skipped.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feeds/csv.h"
#include "feeds/internal.h"
#include "tix/observable.h"

enum { K_PORT, K_FIRST, K_LAST, K_CONF, K_FAMILY, K_TAGS, K_TLP, K_TYPE, K_COUNT };
static const char *const meta_names[K_COUNT] = {
    "port", "first_seen", "last_seen", "confidence", "family", "tags", "tlp", "type",
};

/* A value column's kind besides the observable types. */
enum { V_IP = -10, V_TYPED = -11 };

#define MAX_VALUES 16

typedef struct {
    size_t meta[K_COUNT]; /* 1-based column; 0: not mapped */
    struct {
        int kind;         /* tix_obs_type, V_IP or V_TYPED */
        size_t col;
    } v[MAX_VALUES];
    size_t nv, maxcol;
    tix_buf family, tags, canon;
} gmap;

/* ---- the map ------------------------------------------------------------ */

static tix_err map_err(tix_diag *d, const char *map, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static tix_err map_err(tix_diag *d, const char *map, const char *fmt, ...)
{
    char why[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return tix_diag_set(d, TIX_EINVAL, "csv: bad --map '%.100s': %s", map, why);
}

static tix_err map_key(gmap *m, const char *map, const char *k, size_t kn, size_t col,
                       tix_diag *d)
{
    for (int i = 0; i < K_COUNT; i++)
        if (feed_eq(k, kn, meta_names[i])) {
            if (m->meta[i])
                return map_err(d, map, "'%.*s' is mapped twice", FEED_SHOW(k, kn));
            m->meta[i] = col;
            return TIX_EOK;
        }
    int kind = feed_eq(k, kn, "ip") ? V_IP
             : feed_eq(k, kn, "value") ? V_TYPED
             : tix_obs_from_name(k, kn);
    if (kind == -1)
        return map_err(d, map, "unknown key '%.*s' (use an observable type, ip, value "
                               "with type, port, first_seen, last_seen, confidence, "
                               "family, tags or tlp)", FEED_SHOW(k, kn));
    if (m->nv == MAX_VALUES)
        return map_err(d, map, "more than %d value columns", MAX_VALUES);
    m->v[m->nv].kind = kind;
    m->v[m->nv++].col = col;
    return TIX_EOK;
}

static tix_err map_item(gmap *m, const char *map, const char *p, size_t n, tix_diag *d)
{
    feed_field item = feed_trim((feed_field){p, n, 0});
    const char *eq = memchr(item.p, '=', item.n);
    if (!eq)
        return map_err(d, map, "'%.*s' is not KEY=COLUMN", FEED_SHOW(item.p, item.n));
    feed_field k = feed_trim((feed_field){item.p, (size_t)(eq - item.p), 0});
    feed_field v = feed_trim((feed_field){eq + 1, (size_t)(item.p + item.n - eq - 1), 0});
    int col = feed_int(v.p, v.n, 1, 100000);
    if (col == INT32_MIN)
        return map_err(d, map, "the column of '%.*s' is not a number from 1",
                       FEED_SHOW(k.p, k.n));
    if ((size_t)col > m->maxcol)
        m->maxcol = (size_t)col;
    return map_key(m, map, k.p, k.n, (size_t)col, d);
}

static tix_err map_parse(gmap *m, const char *map, tix_diag *d)
{
    if (!map || feed_blank(map, strlen(map)))
        return tix_diag_set(d, TIX_EINVAL, "csv: a column map is required (--map), "
                                           "e.g. ip=2,port=3,first_seen=1");
    for (const char *p = map; *p;) {
        const char *comma = strchr(p, ',');
        size_t n = comma ? (size_t)(comma - p) : strlen(p);
        tix_err e = map_item(m, map, p, n, d);
        if (e)
            return e;
        p += n + (comma != NULL);
    }
    bool typed = false;
    for (size_t i = 0; i < m->nv; i++)
        typed |= m->v[i].kind == V_TYPED;
    if (m->nv == 0)
        return map_err(d, map, "no value column (ip=N, domain=N, ..., or value=N with "
                               "type=N)");
    if (typed != (m->meta[K_TYPE] != 0))
        return map_err(d, map, "value=N and type=N go together");
    return TIX_EOK;
}

/* ---- rows --------------------------------------------------------------- */

static feed_field col(const feed_csv *r, size_t c)
{
    return c && c <= r->nf ? feed_trim(r->f[c - 1]) : (feed_field){"", 0, 0};
}

/* The type a value column gives its value: -1 when the type column names
 * no type tix knows (why then says which). */
static int type_of(const gmap *m, const feed_csv *r, size_t i, feed_field v, char why[64])
{
    int k = m->v[i].kind;
    if (k == V_TYPED) {
        feed_field t = col(r, m->meta[K_TYPE]);
        char low[16];
        size_t n = t.n < sizeof low ? t.n : 0;
        for (size_t j = 0; j < n; j++)
            low[j] = (char)(t.p[j] >= 'A' && t.p[j] <= 'Z' ? t.p[j] + 32 : t.p[j]);
        k = feed_eq(low, n, "ip") ? V_IP : tix_obs_from_name(low, n);
        if (k == -1) {
            snprintf(why, 64, "csv type %.*s", FEED_SHOW(t.p, t.n));
            return -1;
        }
    }
    if (k == V_IP)
        return memchr(v.p, ':', v.n) ? TIX_OBS_IPV6 : TIX_OBS_IPV4;
    return k;
}

/* The first row is the header when no value column holds a valid value. */
static bool header(const feed_csv *r, void *ud)
{
    gmap *m = ud;
    if (r->nf < m->maxcol)
        return false;
    char why[64];
    for (size_t i = 0; i < m->nv; i++) {
        feed_field v = col(r, m->v[i].col);
        int t = type_of(m, r, i, v, why);
        tix_buf_reset(&m->canon);
        if (t >= 0 && v.n && tix_obs_canon((tix_obs_type)t, v.p, v.n, &m->canon, NULL) == TIX_EOK)
            return false;
    }
    return true;
}

/* Everything but the value; a message in why when a field is bad. */
static bool meta(gmap *m, const feed_csv *r, tix_obs_in *o, char why[128])
{
    feed_field f = col(r, m->meta[K_PORT]);
    if (!feed_none(f.p, f.n) && (o->port = feed_port(f.p, f.n)) < 0)
        return snprintf(why, 128, "bad port '%.*s'", FEED_SHOW(f.p, f.n)), false;
    f = col(r, m->meta[K_FIRST]);
    if (feed_time(f.p, f.n, &o->first_seen))
        return snprintf(why, 128, "bad first_seen '%.*s'", FEED_SHOW(f.p, f.n)), false;
    f = col(r, m->meta[K_LAST]);
    if (feed_time(f.p, f.n, &o->last_seen))
        return snprintf(why, 128, "bad last_seen '%.*s'", FEED_SHOW(f.p, f.n)), false;
    o->last_seen = feed_last_seen(o->first_seen, o->last_seen);
    f = col(r, m->meta[K_CONF]);
    if (!feed_none(f.p, f.n) && (o->confidence = feed_int(f.p, f.n, 0, 100)) == INT32_MIN)
        return snprintf(why, 128, "bad confidence '%.*s'", FEED_SHOW(f.p, f.n)), false;
    /* An unreadable TLP could hide a RED marking: never guess it away. */
    f = col(r, m->meta[K_TLP]);
    if (f.n && (o->tlp = tix_tlp_parse(f.p, f.n)) == TIX_TLP_UNSET)
        return snprintf(why, 128, "unknown TLP '%.*s'", FEED_SHOW(f.p, f.n)), false;
    f = col(r, m->meta[K_FAMILY]);
    o->family = feed_str(&m->family, f.p, f.n);
    f = col(r, m->meta[K_TAGS]);
    tix_buf_reset(&m->tags);
    feed_tags_add(&m->tags, "", f.p, f.n);
    o->tags = m->tags.len ? m->tags.p : NULL;
    return true;
}

static tix_err row(feed_ctx *c, const feed_csv *r, void *ud)
{
    gmap *m = ud;
    uint64_t at = r->rec_line;
    tix_obs_in o;
    feed_obs_init(&o, at);
    char why[128];
    if (!meta(m, r, &o, why))
        return feed_bad(c, at, NULL, "%s", why);
    tix_err e = m->family.err ? m->family.err : m->tags.err;
    if (e)
        return tix_diag_set(c->d, e, "%s", tix_strerror(e));
    size_t seen = 0;
    for (size_t i = 0; i < m->nv; i++) {
        feed_field v = col(r, m->v[i].col);
        if (feed_none(v.p, v.n))
            continue;
        seen++;
        int t = type_of(m, r, i, v, why);
        if (t < 0) {
            tix_feed_unmapped(c->st, why);
            continue;
        }
        o.type = (tix_obs_type)t;
        o.value = v.p;
        o.value_len = v.n;
        char id[TIX_STIX_ID_MAX];
        if ((e = feed_observe(c, &o, id)))
            return e;
    }
    return seen ? TIX_EOK : feed_bad(c, at, NULL, "no value in the mapped columns");
}

tix_err feed_generic_csv(feed_ctx *c)
{
    gmap m = {.family = TIX_BUF_INIT(0), .tags = TIX_BUF_INIT(0), .canon = TIX_BUF_INIT(0)};
    tix_err e = map_parse(&m, c->o->map, c->d);
    if (!e) {
        feed_csv_spec s = {',', "CSV matching the column map", m.maxcol, true, header, row, &m};
        e = feed_csv_each(c, &s);
    }
    tix_buf_free(&m.family);
    tix_buf_free(&m.tags);
    tix_buf_free(&m.canon);
    return e;
}
