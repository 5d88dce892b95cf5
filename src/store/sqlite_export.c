/* sqlite_export.c - the reads an export makes, each one pass over the file:
 * the selected observables in (type, value) order with their evidence
 * summed per (source, TLP, family); sums per source and per family for the
 * objects an export shares; the stored relationships whose two ends are
 * selected; and a read view that keeps those passes consistent.
 *
 * The selection is one SQL condition over `observable o LEFT JOIN
 * enrichment en`, with named parameters, so every pass selects exactly the
 * same observables. */
#include <stdio.h>
#include <string.h>

#include "core/grow.h"
#include "store/sqlite_int.h"

_Static_assert(TIX_POLICY_BLOCK == 0, "blocking verdict SQL");

#define FROM_SEL " FROM observable o LEFT JOIN enrichment en ON en.observable_id=o.id"

/* ---- the selection ------------------------------------------------------ */

static void sel_where(tix_buf *q, const tix_obs_select *sel, int64_t src)
{
    tix_buf_adds(q, " WHERE o.n_evidence>0");
    if (sel->types && (sel->types & TIX_OBS_ALL) != TIX_OBS_ALL) {
        const char *sep = " AND o.type IN (";
        for (int t = 0; t < TIX_OBS_COUNT; t++)
            if (sel->types & TIX_OBS_BIT(t)) {
                tix_buf_addf(q, "%s%d", sep, t);
                sep = ",";
            }
        tix_buf_adds(q, *sep == ',' ? ")" : " AND 0");
    }
    if (src)
        tix_buf_adds(q, " AND EXISTS(SELECT 1 FROM evidence x WHERE x.observable_id=o.id"
                        " AND x.source_id=:src)");
    if (sel->family)
        tix_buf_adds(q, " AND EXISTS(SELECT 1 FROM evidence x WHERE x.observable_id=o.id"
                        " AND x.family=:fam COLLATE NOCASE)");
    if (sel->since)
        tix_buf_adds(q, " AND o.last_seen>=:since");
    if (sel->min_confidence > 0)
        tix_buf_adds(q, " AND o.confidence>=:conf");
    if (sel->country)
        tix_buf_adds(q, " AND en.country=:cc COLLATE NOCASE");
    if (sel->constituency)
        tix_buf_adds(q, " AND en.constituency=:con COLLATE NOCASE");
    if (sel->not_blocked)
        tix_buf_adds(q, " AND NOT EXISTS(SELECT 1 FROM verdict v JOIN vlist l ON "
                        "l.id=v.list_id WHERE v.observable_id=o.id AND l.policy=0 AND NOT "
                        "(v.on_host AND l.kind=" TIX__STR(TIX_LIST_KIND_BENIGN_VALUE) "))");
}

static void bind_named_text(sqlite3_stmt *st, const char *name, const char *v)
{
    int i = sqlite3_bind_parameter_index(st, name);
    if (i > 0)
        sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
}

static void bind_named_int(sqlite3_stmt *st, const char *name, int64_t v)
{
    int i = sqlite3_bind_parameter_index(st, name);
    if (i > 0)
        sqlite3_bind_int64(st, i, v);
}

static void sel_bind(sqlite3_stmt *st, const tix_obs_select *sel, int64_t src)
{
    bind_named_int(st, ":src", src);
    bind_named_text(st, ":fam", sel->family);
    bind_named_int(st, ":since", sel->since);
    bind_named_int(st, ":conf", sel->min_confidence);
    bind_named_text(st, ":cc", sel->country);
    bind_named_text(st, ":con", sel->constituency);
}

/* Prepare head + the selection + tail, bound. */
static sqlite3_stmt *sel_prepare(sq_store *q, const char *head, const tix_obs_select *sel,
                                 int64_t src, const char *tail, tix_diag *d)
{
    tix_buf b = TIX_BUF_INIT(1 << 16);
    tix_buf_adds(&b, head);
    sel_where(&b, sel, src);
    tix_buf_adds(&b, tail);
    sqlite3_stmt *st = NULL;
    if (b.err)
        tix_diag_set(d, b.err, "building an export query: %s", tix_strerror(b.err));
    else if (sqlite3_prepare_v2(q->db, b.p, -1, &st, NULL) != SQLITE_OK)
        dberr(q, d, "preparing an export query");
    else
        sel_bind(st, sel, src);
    tix_buf_free(&b);
    return st;
}

/* Pending writes of an open transaction are part of what is read. */
static tix_err settle(sq_store *q, tix_diag *d)
{
    return q->base.in_txn ? sq_flush(q, d) : TIX_EOK;
}

static const char *text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

/* ---- the walk ------------------------------------------------------------ */

/* Where a group's strings are in strs while it grows. */
typedef struct {
    size_t source, family, tags;
} str_offs;

typedef struct {
    tix_ev_group *g;
    size_t n, cap;
    str_offs *off;            /* parallel to g */
    size_t offcap;
    tix_buf strs;             /* the groups' strings, NUL-terminated */
} groups;

/* An offset into strs of a copy of s; (size_t)-1 for NULL. */
static size_t keep(groups *g, const char *s)
{
    if (!s)
        return (size_t)-1;
    size_t at = g->strs.len;
    tix_buf_add(&g->strs, s, strlen(s) + 1);
    return at;
}

static const char *kept(const groups *g, size_t off)
{
    return off == (size_t)-1 ? NULL : g->strs.p + off;
}

/* One row of the walk: an evidence group (columns G_0...) of the
 * observable in columns 0-13, which repeats on each of its groups' rows. */
enum { G_0 = 14 };

static tix_err add_group(groups *g, sqlite3_stmt *st, tix_diag *d)
{
    if (tix__grow(&g->g, &g->cap, g->n, sizeof *g->g, 8) ||
        tix__grow(&g->off, &g->offcap, g->n, sizeof *g->off, 8))
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    const char *fam = text(st, G_0 + 3);
    g->g[g->n] = (tix_ev_group){
        .source_id = sqlite3_column_int64(st, G_0),
        .tlp = (tix_tlp)sqlite3_column_int(st, G_0 + 2),
        .rows = (uint64_t)sqlite3_column_int64(st, G_0 + 4),
        .count = (uint64_t)sqlite3_column_int64(st, G_0 + 5),
        .first_seen = sqlite3_column_int64(st, G_0 + 6),
        .last_seen = sqlite3_column_int64(st, G_0 + 7),
        .ingested_first = sqlite3_column_int64(st, G_0 + 8),
        .ingested_last = sqlite3_column_int64(st, G_0 + 9),
        .confidence = sqlite3_column_int(st, G_0 + 10),
        .detect = sqlite3_column_int(st, G_0 + 11) == 0,
    };
    g->off[g->n].source = keep(g, text(st, G_0 + 1));
    g->off[g->n].family = keep(g, fam && *fam ? fam : NULL);
    g->off[g->n].tags = keep(g, text(st, G_0 + 12) ? text(st, G_0 + 12) : "");
    g->n++;
    return g->strs.err ? tix_diag_set(d, g->strs.err, "out of memory") : TIX_EOK;
}

/* The observable of the current row, its strings kept in g->strs too. */
static void read_obs(groups *g, sqlite3_stmt *st, tix_export_obs *r, size_t *v_at,
                     size_t *as_at, size_t *con_at)
{
    memset(r, 0, sizeof *r);
    const char *v = text(st, 2), *as = text(st, 12), *con = text(st, 13);
    *v_at = keep(g, v ? v : "");
    *as_at = keep(g, as);
    *con_at = keep(g, con);
    sq_read_obs(st, &r->obs, NULL);
    const char *cc = text(st, 10);
    if (cc)
        snprintf(r->country, sizeof r->country, "%s", cc);
    r->asn = (uint32_t)sqlite3_column_int64(st, 11);
}

/* Hand the observable gathered in g over, its pointers fixed. */
static int hand_over(groups *g, tix_export_obs *r, size_t v_at, size_t as_at,
                     size_t con_at, tix_export_obs_fn fn, void *ud)
{
    r->obs.value = kept(g, v_at);
    r->as_name = kept(g, as_at);
    r->constituency = kept(g, con_at);
    for (size_t i = 0; i < g->n; i++) {
        g->g[i].source = kept(g, g->off[i].source);
        g->g[i].family = kept(g, g->off[i].family);
        g->g[i].tags = kept(g, g->off[i].tags);
    }
    r->groups = g->g;
    r->n_groups = g->n;
    return fn(ud, r);
}

/* One pass: the evidence of the selected observables summed per (observable,
 * source, TLP, family) and sorted by (type, value): a sort SQLite spills
 * to disk, instead of a query per observable. */
static tix_err sq_export_each(tix_store *s, const tix_obs_select *sel, int64_t src,
                              tix_export_obs_fn fn, void *ud, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    tix_err e = settle(q, d);
    if (e)
        return e;
    sqlite3_stmt *st = sel_prepare(
        q,
        "SELECT o.id,o.type,o.value,o.uuid,o.first_seen,o.last_seen,o.n_evidence,"
        "o.n_sources,o.confidence," OBS_STATUS ",en.country,en.asn,en.as_name,"
        "en.constituency,e.source_id,so.name,e.tlp,e.family,count(*),sum(e.count),"
        "min(e.first_seen),max(e.last_seen),min(e.ingested),max(e.ingested),"
        "max(e.confidence),min(e.flags&1),group_concat(DISTINCT e.tags)" FROM_SEL
        " JOIN evidence e ON e.observable_id=o.id JOIN source so ON so.id=e.source_id",
        sel, src,
        " GROUP BY o.id,e.source_id,e.tlp,e.family "
        "ORDER BY o.type,o.value,o.id,so.name,e.tlp,e.family",
        d);
    if (!st)
        return TIX_EDB;
    groups g = {.strs = TIX_BUF_INIT(TIX_BUF_MAX_DEFAULT)};
    tix_export_obs r;
    size_t v_at = 0, as_at = 0, con_at = 0;
    int64_t cur = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(st, 0);
        if (id != cur) {
            if (cur && hand_over(&g, &r, v_at, as_at, con_at, fn, ud)) {
                e = TIX_ESTOPPED;
                break;
            }
            g.n = 0;
            tix_buf_reset(&g.strs);
            read_obs(&g, st, &r, &v_at, &as_at, &con_at);
            cur = id;
        }
        if ((e = add_group(&g, st, d)))
            break;
    }
    if (!e && rc != SQLITE_DONE)
        e = dberr(q, d, "reading observables for an export");
    if (!e && cur && hand_over(&g, &r, v_at, as_at, con_at, fn, ud))
        e = TIX_ESTOPPED;
    sqlite3_finalize(st);
    free(g.g);
    free(g.off);
    tix_buf_free(&g.strs);
    return e;
}

/* ---- sums for the shared objects ------------------------------------------ */

static tix_err sq_export_sources(tix_store *s, const tix_obs_select *sel, int64_t src,
                                 tix_export_source_fn fn, void *ud, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    tix_err e = settle(q, d);
    if (e)
        return e;
    sqlite3_stmt *st = sel_prepare(
        q,
        "SELECT g.t,g.sid,so.name,count(*),min(g.mx),min(g.mn),min(g.fi),max(g.la),"
        "max(g.oid) FROM (SELECT o.type t,o.id oid,e.source_id sid,max(e.tlp) mx,"
        "min(e.tlp) mn,min(e.ingested) fi,max(e.ingested) la" FROM_SEL
        " JOIN evidence e ON e.observable_id=o.id",
        sel, src,
        " GROUP BY o.id,e.source_id) g JOIN source so ON so.id=g.sid "
        "GROUP BY g.t,g.sid ORDER BY g.t,g.sid",
        d);
    if (!st)
        return TIX_EDB;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        tix_export_source_sum r = {
            .type = (tix_obs_type)sqlite3_column_int(st, 0),
            .source_id = sqlite3_column_int64(st, 1),
            .source = text(st, 2),
            .observables = (uint64_t)sqlite3_column_int64(st, 3),
            .min_of_max = (tix_tlp)sqlite3_column_int(st, 4),
            .min_tlp = (tix_tlp)sqlite3_column_int(st, 5),
            .ingested_first = sqlite3_column_int64(st, 6),
            .ingested_last = sqlite3_column_int64(st, 7),
            .max_id = sqlite3_column_int64(st, 8),
        };
        if (fn(ud, &r)) {
            e = TIX_ESTOPPED;
            break;
        }
    }
    if (!e && rc != SQLITE_DONE)
        e = dberr(q, d, "summing sources for an export");
    sqlite3_finalize(st);
    return e;
}

static tix_err sq_export_families(tix_store *s, const tix_obs_select *sel, int64_t src,
                                  tix_export_family_fn fn, void *ud, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    tix_err e = settle(q, d);
    if (e)
        return e;
    sqlite3_stmt *st = sel_prepare(
        q,
        "SELECT e.family,count(*),min(e.tlp),min(e.ingested),max(e.ingested)" FROM_SEL
        " JOIN evidence e ON e.observable_id=o.id",
        sel, src,
        " AND e.family IS NOT NULL AND e.family<>'' GROUP BY e.family ORDER BY e.family",
        d);
    if (!st)
        return TIX_EDB;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        tix_export_family_sum r = {
            .family = text(st, 0),
            .rows = (uint64_t)sqlite3_column_int64(st, 1),
            .min_tlp = (tix_tlp)sqlite3_column_int(st, 2),
            .ingested_first = sqlite3_column_int64(st, 3),
            .ingested_last = sqlite3_column_int64(st, 4),
        };
        if (fn(ud, &r)) {
            e = TIX_ESTOPPED;
            break;
        }
    }
    if (!e && rc != SQLITE_DONE)
        e = dberr(q, d, "summing families for an export");
    sqlite3_finalize(st);
    return e;
}

/* ---- relationships --------------------------------------------------------- */

/* One end of a relationship: is it selected, and its evidence's sums. The
 * last answer is kept: rows come in src order, so a sample's many
 * communicates-with rows ask about it once. */
typedef struct {
    char id[TIX_STIX_ID_MAX];
    bool in;
    tix_tlp tlp;
    int64_t first, last;
} end_memo;

static tix_err look_end(sq_store *q, sqlite3_stmt *st, const char *id, end_memo *m,
                        tix_diag *d)
{
    if (strcmp(m->id, id) == 0)
        return TIX_EOK;
    snprintf(m->id, sizeof m->id, "%s", id);
    m->in = false;
    uint8_t uuid[16];
    uint32_t types;
    if (strlen(id) >= TIX_STIX_ID_MAX || store_parse_stix_id(id, uuid, &types, NULL))
        return TIX_EOK;  /* no observable: an object, an indicator, an event */
    sqlite3_bind_blob(st, sqlite3_bind_parameter_index(st, ":uuid"), uuid, 16,
                      SQLITE_STATIC);
    sqlite3_bind_int64(st, sqlite3_bind_parameter_index(st, ":tmask"), types);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        m->in = true;
        m->tlp = (tix_tlp)sqlite3_column_int(st, 0);
        m->first = sqlite3_column_int64(st, 1);
        m->last = sqlite3_column_int64(st, 2);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        m->id[0] = 0;
        return dberr(q, d, "reading a relationship's end");
    }
    return TIX_EOK;
}

static tix_err sq_export_relationships(tix_store *s, const tix_obs_select *sel,
                                       int64_t src, tix_export_rel_fn fn, void *ud,
                                       tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    tix_err e = settle(q, d);
    if (e)
        return e;
    sqlite3_stmt *end = sel_prepare(
        q,
        "SELECT min(e.tlp),min(e.ingested),max(e.ingested)" FROM_SEL
        " JOIN evidence e ON e.observable_id=o.id",
        sel, src, " AND o.uuid=:uuid AND ((:tmask>>o.type)&1)", d);
    if (!end)
        return TIX_EDB;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(q->db,
                           "SELECT src,type,dst,min(tlp),min(first_seen),max(last_seen) "
                           "FROM relationship GROUP BY src,type,dst ORDER BY src,type,dst",
                           -1, &st, NULL) != SQLITE_OK) {
        sqlite3_finalize(end);
        return dberr(q, d, "preparing an export query");
    }
    end_memo a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *sid = text(st, 0), *type = text(st, 1), *did = text(st, 2);
        if (!sid || !type || !did)
            continue;
        if ((e = look_end(q, end, sid, &a, d)))
            break;
        if (!a.in)
            continue;
        if ((e = look_end(q, end, did, &b, d)))
            break;
        if (!b.in)
            continue;
        tix_export_rel r = {
            .src = sid, .type = type, .dst = did,
            .tlp = (tix_tlp)sqlite3_column_int(st, 3),
            .first_seen = sqlite3_column_int64(st, 4),
            .last_seen = sqlite3_column_int64(st, 5),
            .end_tlp = {a.tlp, b.tlp},
            .end_ingested_first = {a.first, b.first},
            .end_ingested_last = {a.last, b.last},
        };
        if (fn(ud, &r)) {
            e = TIX_ESTOPPED;
            break;
        }
    }
    if (!e && rc != SQLITE_DONE)
        e = dberr(q, d, "reading relationships for an export");
    sqlite3_finalize(st);
    sqlite3_finalize(end);
    return e;
}

/* ---- the read view ----------------------------------------------------------- */

/* The page cache of a read view, KiB. SQLite sizes a sort's memory by the
 * page cache, and an export runs three sorts at once: with the handle's
 * usual cache (64-128 MiB, for random reads) a million-observable export
 * would take 200 MiB; this keeps it near 50 at the same speed, whatever
 * the store's size. */
#define READ_VIEW_CACHE_KIB 16384

static void set_cache(sq_store *q, int pages_or_kib)
{
    char pragma[48];
    snprintf(pragma, sizeof pragma, "PRAGMA cache_size=%d", pages_or_kib);
    sqlite3_exec(q->db, pragma, NULL, NULL, NULL);
}

static tix_err sq_read_begin(tix_store *s, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    /* An export sorts what it reads: on a handle that writes (temp_store
     * MEMORY for ingests), the sort would hold all of it in memory. Files
     * keep it bounded by the cache. */
    if (!s->readonly)
        sqlite3_exec(q->db, "PRAGMA temp_store=FILE", NULL, NULL, NULL);
    sqlite3_stmt *st;
    q->cache_size = 0;
    if (sqlite3_prepare_v2(q->db, "PRAGMA cache_size", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            q->cache_size = sqlite3_column_int(st, 0);
        sqlite3_finalize(st);
    }
    set_cache(q, -READ_VIEW_CACHE_KIB);
    tix_err e = TIX_EOK;
    if (sqlite3_exec(q->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        e = dberr(q, d, "starting a read");
    /* the snapshot is taken at the first read: take it now */
    else if (sqlite3_exec(q->db, "SELECT count(*) FROM source", NULL, NULL, NULL) !=
             SQLITE_OK) {
        e = dberr(q, d, "starting a read");
        sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
    }
    if (e) {
        if (q->cache_size)
            set_cache(q, q->cache_size);
        if (!s->readonly)
            sqlite3_exec(q->db, "PRAGMA temp_store=MEMORY", NULL, NULL, NULL);
    }
    return e;
}

static void sq_read_end(tix_store *s)
{
    sq_store *q = (sq_store *)s;
    sqlite3_exec(q->db, "COMMIT", NULL, NULL, NULL);
    if (q->cache_size)
        set_cache(q, q->cache_size);
    if (!s->readonly)
        sqlite3_exec(q->db, "PRAGMA temp_store=MEMORY", NULL, NULL, NULL);
}

const struct store_export_ops sq_export_ops = {
    sq_read_begin,
    sq_read_end,
    sq_export_each,
    sq_export_sources,
    sq_export_families,
    sq_export_relationships,
};
