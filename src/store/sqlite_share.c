/* sqlite_share.c - collections, their object versions, partners, grants,
 * TLP:RED naming, the audit log and TAXII status resources.
 *
 * The TLP rules are in the SQL of every read (VISIBLE below): the server
 * never filters rows after the fact, so a page, a manifest, an object's
 * versions and a delete all see exactly what the partner may see. */
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"
#include "core/varint.h"
#include "store/share_backend.h"
#include "store/sqlite_int.h"
#include "tix/time.h"

_Static_assert(TIX_TLP_RED == 4, "the TLP:RED value in VISIBLE");

/* Parameters 3 and 4: the partner's clearance and id. */
#define VISIBLE                                                                  \
    "o.tlp<=?3 AND (o.tlp<4 OR EXISTS(SELECT 1 FROM red_name r WHERE "           \
    "r.partner_id=?4 AND r.key=coalesce(o.root,o.stix_id)))"
/* 5: versions bits, 6: match[version] times, 7: types, 8: specs (JSON) */
#define FILTERS                                                                  \
    " AND ((o.vflags&?5)<>0 OR (?5&4)<>0 OR (?6 IS NOT NULL AND o.version IN "   \
    "(SELECT value FROM json_each(?6))))"                                        \
    " AND (?7 IS NULL OR o.type IN (SELECT value FROM json_each(?7)))"           \
    " AND (?8 IS NULL OR o.spec IN (SELECT value FROM json_each(?8)))"
#define READ_COLS(json) "SELECT o.added,o.stix_id,o.type,o.version,o.spec,o.tlp," json
/* Pages walk the collection in date_added order; a list of ids (10) is
 * found through the id index and sorted. */
#define READ_ALL(json)                                                           \
    READ_COLS(json) " FROM cobject o INDEXED BY cobject_page WHERE "             \
                    "o.collection_id=?1 AND o.added>?2 AND " VISIBLE FILTERS     \
                    " ORDER BY o.added LIMIT ?9"
#define READ_IDS(json)                                                           \
    READ_COLS(json) " FROM cobject o INDEXED BY cobject_id WHERE o.stix_id IN "  \
                    "(SELECT value FROM json_each(?10)) AND o.collection_id=?1 " \
                    "AND o.added>?2 AND " VISIBLE FILTERS                        \
                    " ORDER BY o.added LIMIT ?9"
#define COLL_COLS "id,uuid,name,title,description,kind,query,created,synced"
#define PARTNER_COLS                                                             \
    "p.id,p.name,p.kind,p.country,p.clearance,p.token_sha256,p.created,"          \
    "p.disabled,(SELECT count(*) FROM red_name r WHERE r.partner_id=p.id)"
#define GONE_COLS "added,collection_id,stix_id,version"

enum {
    S_GEN, S_GEN_BUMP,
    S_COLL_INS, S_COLL_BY, S_COLL_ALL, S_COLL_COUNT, S_COLL_MOVE, S_COLL_OBJ_DEL,
    S_COLL_REMOVE, S_COLL_GRANTS_DEL, S_COLL_STATUS_DEL, S_COLL_SYNCED,
    S_MAX_ADDED, S_LATEST, S_FIRST, S_SAME, S_OBJ_INS, S_FLAGS_CLR, S_FLAGS_FIX,
    S_GONE_ONE, S_DEL_ONE, S_SEEN_CLR, S_SEEN_INS, S_SYNC_COUNT, S_SYNC_GONE,
    S_SYNC_DEL,
    S_READ_ALL, S_READ_ALL_META, S_READ_IDS, S_READ_IDS_META,
    S_P_INS, S_P_TOKEN, S_P_DISABLE, S_P_GET, S_P_ALL, S_P_ID,
    S_G_ADD, S_G_GET, S_G_SET, S_G_DEL, S_G_ALL, S_RED_INS,
    S_A_INS, S_A_SEL, S_A_KEYS, S_A_OBJ,
    S_ST_INS, S_ST_GET,
    S_END
};
_Static_assert((int)S_END <= (int)SQS_SLOTS, "statement slots");

static const char *const ssql[S_END] = {
    [S_GEN] = "SELECT value FROM counter WHERE name='share.generation'",
    [S_GEN_BUMP] = "UPDATE counter SET value=value+1 WHERE name='share.generation'",
    [S_COLL_INS] = "INSERT INTO collection(uuid,name,title,description,kind,query,created) "
                   "VALUES(?,?,?,?,?,?,?)",
    [S_COLL_BY] = "SELECT " COLL_COLS " FROM collection WHERE removed=0 AND "
                  "(name=?1 OR uuid=?1)",
    [S_COLL_ALL] = "SELECT " COLL_COLS " FROM collection WHERE removed=0 ORDER BY name",
    [S_COLL_COUNT] = "SELECT count(*),coalesce(sum(vflags&1),0) FROM cobject "
                     "INDEXED BY cobject_page WHERE collection_id=?",
    [S_COLL_MOVE] = "INSERT INTO cobject_gone SELECT " GONE_COLS ",?2 FROM cobject "
                    "WHERE collection_id=?1",
    [S_COLL_OBJ_DEL] = "DELETE FROM cobject WHERE collection_id=?",
    [S_COLL_REMOVE] = "UPDATE collection SET removed=1 WHERE id=?",
    [S_COLL_GRANTS_DEL] = "DELETE FROM share_grant WHERE collection_id=?",
    [S_COLL_STATUS_DEL] = "DELETE FROM taxii_status WHERE collection_id=?",
    [S_COLL_SYNCED] = "UPDATE collection SET synced=?2 WHERE id=?1",
    [S_MAX_ADDED] = "SELECT max(coalesce((SELECT max(added) FROM cobject),0),"
                    "coalesce((SELECT max(added) FROM cobject_gone),0))",
    [S_LATEST] = "SELECT added,version,digest FROM cobject WHERE stix_id=?1 AND "
                 "collection_id=?2 AND (vflags&1)<>0",
    [S_FIRST] = "SELECT added,version FROM cobject WHERE stix_id=?1 AND "
                "collection_id=?2 AND (vflags&2)<>0",
    [S_SAME] = "SELECT added FROM cobject WHERE stix_id=?1 AND collection_id=?2 AND "
               "version=?3 AND digest=?4",
    [S_OBJ_INS] = "INSERT INTO cobject(added,collection_id,stix_id,type,version,spec,tlp,"
                  "root,vflags,digest,json) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
    [S_FLAGS_CLR] = "UPDATE cobject SET vflags=vflags&~?2 WHERE added=?1",
    [S_FLAGS_FIX] =
        "UPDATE cobject SET vflags=(added=(SELECT added FROM cobject WHERE stix_id=?1 "
        "AND collection_id=?2 ORDER BY version DESC,added DESC LIMIT 1))|"
        "((added=(SELECT added FROM cobject WHERE stix_id=?1 AND collection_id=?2 "
        "ORDER BY version,added LIMIT 1))<<1) WHERE stix_id=?1 AND collection_id=?2",
    [S_GONE_ONE] = "INSERT INTO cobject_gone SELECT " GONE_COLS ",?2 FROM cobject "
                   "WHERE added=?1",
    [S_DEL_ONE] = "DELETE FROM cobject WHERE added=?",
    [S_SEEN_CLR] = "DELETE FROM temp.sync_seen",
    [S_SEEN_INS] = "INSERT OR IGNORE INTO temp.sync_seen VALUES(?)",
    [S_SYNC_COUNT] = "SELECT count(DISTINCT stix_id) FROM cobject WHERE collection_id=?1 "
                     "AND stix_id NOT IN (SELECT stix_id FROM temp.sync_seen)",
    [S_SYNC_GONE] = "INSERT INTO cobject_gone SELECT " GONE_COLS ",?2 FROM cobject "
                    "WHERE collection_id=?1 AND stix_id NOT IN "
                    "(SELECT stix_id FROM temp.sync_seen)",
    [S_SYNC_DEL] = "DELETE FROM cobject WHERE collection_id=?1 AND stix_id NOT IN "
                   "(SELECT stix_id FROM temp.sync_seen)",
    [S_READ_ALL] = READ_ALL("o.json"),
    [S_READ_ALL_META] = READ_ALL("NULL"),
    [S_READ_IDS] = READ_IDS("o.json"),
    [S_READ_IDS_META] = READ_IDS("NULL"),
    [S_P_INS] = "INSERT INTO partner(name,kind,country,clearance,token_sha256,created) "
                "VALUES(?,?,?,?,?,?)",
    [S_P_TOKEN] = "UPDATE partner SET token_sha256=? WHERE name=?",
    [S_P_DISABLE] = "UPDATE partner SET disabled=?1 WHERE name=?2 AND disabled=0",
    [S_P_GET] = "SELECT " PARTNER_COLS " FROM partner p WHERE p.name=?",
    [S_P_ALL] = "SELECT " PARTNER_COLS " FROM partner p ORDER BY p.name",
    [S_P_ID] = "SELECT id FROM partner WHERE name=?",
    [S_G_ADD] = "INSERT INTO share_grant(partner_id,collection_id,rights) VALUES(?1,?2,?3) "
                "ON CONFLICT(partner_id,collection_id) DO UPDATE SET rights=rights|?3",
    [S_G_GET] = "SELECT rights FROM share_grant WHERE partner_id=? AND collection_id=?",
    [S_G_SET] = "UPDATE share_grant SET rights=?3 WHERE partner_id=?1 AND collection_id=?2",
    [S_G_DEL] = "DELETE FROM share_grant WHERE partner_id=? AND collection_id=?",
    [S_G_ALL] = "SELECT g.partner_id,g.collection_id,p.name,c.name,c.uuid,g.rights "
                "FROM share_grant g JOIN partner p ON p.id=g.partner_id "
                "JOIN collection c ON c.id=g.collection_id "
                "WHERE ?1 IS NULL OR p.name=?1 ORDER BY p.name,c.name",
    [S_RED_INS] = "INSERT OR IGNORE INTO red_name(partner_id,key,added) VALUES(?,?,?)",
    [S_A_INS] = "INSERT INTO audit(time,partner_id,collection_id,method,request,status,n,"
                "kmin,kmax,keys,sha256) VALUES(?,?,?,?,?,?,?,?,?,?,?)",
    /* 1 partner, 2 collection, 3 since, 4-5 the object's smallest and
     * largest key: only rows whose key range can hold one of them */
    [S_A_SEL] = "SELECT a.id,a.time,a.partner_id,p.name,a.collection_id,c.name,c.uuid,"
                "a.method,a.request,a.status,a.n,a.kmin,a.keys,a.sha256 FROM audit a "
                "JOIN partner p ON p.id=a.partner_id "
                "LEFT JOIN collection c ON c.id=a.collection_id "
                "WHERE (?1 IS NULL OR p.name=?1) AND (?2 IS NULL OR c.name=?2 OR "
                "c.uuid=?2) AND a.time>=?3 AND (?4 IS NULL OR (a.kmax>=?4 AND "
                "a.kmin<=?5)) ORDER BY a.id",
    [S_A_KEYS] = "SELECT added FROM cobject WHERE stix_id=?1 UNION "
                 "SELECT added FROM cobject_gone WHERE stix_id=?1 ORDER BY 1",
    [S_A_OBJ] = "SELECT stix_id,version FROM cobject WHERE added=?1 UNION ALL "
                "SELECT stix_id,version FROM cobject_gone WHERE added=?1",
    [S_ST_INS] = "INSERT INTO taxii_status(id,partner_id,collection_id,created,json) "
                 "VALUES(?,?,?,?,?)",
    [S_ST_GET] = "SELECT json FROM taxii_status WHERE id=? AND partner_id=?",
};

static sqlite3_stmt *sst(sq_store *q, int i, tix_diag *d)
{
    if (!q->sst[i] &&
        sqlite3_prepare_v3(q->db, ssql[i], -1, SQLITE_PREPARE_PERSISTENT, &q->sst[i],
                           NULL) != SQLITE_OK) {
        dberr(q, d, "preparing a statement");
        return NULL;
    }
    return q->sst[i];
}

static const char *col(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

static int64_t now_s(sq_store *q)
{
    return q->base.now ? q->base.now : tix_time_now();
}

/* One row wanted: TIX_ENOTFOUND (without a message) when there is none. */
static tix_err step_row(sq_store *q, sqlite3_stmt *st, tix_diag *d, const char *what)
{
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        return TIX_EOK;
    done(st);
    return rc == SQLITE_DONE ? TIX_ENOTFOUND : dberr(q, d, what);
}

static tix_err int_query(sq_store *q, int slot, int64_t a, int64_t *out, tix_diag *d,
                         const char *what)
{
    sqlite3_stmt *st = sst(q, slot, d);
    if (!st)
        return TIX_EDB;
    if (a)
        sqlite3_bind_int64(st, 1, a);
    tix_err e = step_row(q, st, d, what);
    if (e == TIX_EOK) {
        *out = sqlite3_column_int64(st, 0);
        done(st);
    }
    return e;
}

static tix_err bump(sq_store *q, tix_diag *d)
{
    sqlite3_stmt *st = sst(q, S_GEN_BUMP, d);
    return st ? step_done(q, st, d, "counting a change") : TIX_EDB;
}

static tix_err sq_generation(tix_store *s, int64_t *gen, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    tix_err e = int_query(q, S_GEN, 0, gen, d, "reading the share generation");
    return e == TIX_ENOTFOUND ? tix_diag_set(d, TIX_EDB, "no share generation") : e;
}

static tix_err sq_cache_limit(tix_store *s, unsigned kib, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA cache_size=-%u", kib);
    if (sqlite3_exec(q->db, pragma, NULL, NULL, NULL) != SQLITE_OK)
        return dberr(q, d, "limiting the page cache");
    return TIX_EOK;
}

/* ---- collections ---- */

static void read_coll(sq_store *q, sqlite3_stmt *st, tix_collection *c, bool keep)
{
    memset(c, 0, sizeof *c);
    c->id = sqlite3_column_int64(st, 0);
    const char *u = col(st, 1);
    snprintf(c->uuid, sizeof c->uuid, "%s", u ? u : "");
    c->name = keep ? hold(q, st, 2) : col(st, 2);
    c->title = keep ? hold(q, st, 3) : col(st, 3);
    c->description = keep ? hold(q, st, 4) : col(st, 4);
    c->kind = (tix_collection_kind)sqlite3_column_int(st, 5);
    c->query = keep ? hold(q, st, 6) : col(st, 6);
    c->created = sqlite3_column_int64(st, 7);
    c->synced = sqlite3_column_int64(st, 8);
}

static tix_err count_objects(sq_store *q, tix_collection *c, tix_diag *d)
{
    sqlite3_stmt *st = sst(q, S_COLL_COUNT, d);
    if (!st)
        return TIX_EDB;
    sqlite3_bind_int64(st, 1, c->id);
    tix_err e = step_row(q, st, d, "counting a collection's objects");
    if (e)
        return e == TIX_ENOTFOUND ? TIX_EOK : e;
    c->versions = (uint64_t)sqlite3_column_int64(st, 0);
    c->objects = (uint64_t)sqlite3_column_int64(st, 1);
    done(st);
    return TIX_EOK;
}

static tix_err coll_id(sq_store *q, const char *key, int64_t *id, tix_collection_kind *kind,
                       tix_diag *d)
{
    sqlite3_stmt *st = sst(q, S_COLL_BY, d);
    if (!st)
        return TIX_EDB;
    bind_text(st, 1, key);
    tix_err e = step_row(q, st, d, "finding a collection");
    if (e == TIX_ENOTFOUND)
        return tix_diag_set(d, TIX_ENOTFOUND, "no collection %s", key);
    if (e)
        return e;
    *id = sqlite3_column_int64(st, 0);
    if (kind)
        *kind = (tix_collection_kind)sqlite3_column_int(st, 5);
    done(st);
    return TIX_EOK;
}

static tix_err partner_id(sq_store *q, const char *name, int64_t *id, tix_diag *d)
{
    sqlite3_stmt *st = sst(q, S_P_ID, d);
    if (!st)
        return TIX_EDB;
    bind_text(st, 1, name);
    tix_err e = step_row(q, st, d, "finding a partner");
    if (e == TIX_ENOTFOUND)
        return tix_diag_set(d, TIX_ENOTFOUND, "no partner %s", name);
    if (e)
        return e;
    *id = sqlite3_column_int64(st, 0);
    done(st);
    return TIX_EOK;
}

static tix_err sq_coll_add(tix_store *s, const char *uuid, const char *name,
                           tix_collection_kind kind, const char *query, const char *title,
                           const char *description, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    int64_t id;
    tix_err e = coll_id(q, name, &id, NULL, NULL);
    if (e == TIX_EOK)
        return tix_diag_set(d, TIX_EINVAL, "a collection %s exists already", name);
    if (e != TIX_ENOTFOUND)
        return coll_id(q, name, &id, NULL, d);
    sqlite3_stmt *st = sst(q, S_COLL_INS, d);
    if (!st)
        return TIX_EDB;
    bind_text(st, 1, uuid);
    bind_text(st, 2, name);
    bind_text(st, 3, title);
    bind_text(st, 4, description);
    sqlite3_bind_int(st, 5, kind);
    bind_text(st, 6, query);
    sqlite3_bind_int64(st, 7, now_s(q));
    if ((e = step_done(q, st, d, "adding a collection")))
        return e;
    return bump(q, d);
}

static tix_err sq_coll_get(tix_store *s, const char *key, tix_collection *out, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    release(q);
    sqlite3_stmt *st = sst(q, S_COLL_BY, d);
    if (!st)
        return TIX_EDB;
    bind_text(st, 1, key);
    tix_err e = step_row(q, st, d, "reading a collection");
    if (e == TIX_ENOTFOUND)
        return tix_diag_set(d, TIX_ENOTFOUND, "no collection %s", key);
    if (e)
        return e;
    read_coll(q, st, out, true);
    done(st);
    return count_objects(q, out, d);
}

static tix_err sq_coll_each(tix_store *s, bool counts, tix_collection_fn fn, void *ud,
                            tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    /* counting uses another statement: read the list first, strings as
     * offsets into strs (which moves while it grows) */
    sqlite3_stmt *st = sst(q, S_COLL_ALL, d);
    if (!st)
        return TIX_EDB;
    struct item {
        tix_collection c;
        size_t off[4];
    } *v = NULL;
    size_t n = 0, cap = 0;
    tix_buf strs = TIX_BUF_INIT(0);
    int rc;
    tix_err e = TIX_EOK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (tix__grow(&v, &cap, n, sizeof *v, 16)) {
            e = tix_diag_set(d, TIX_ENOMEM, "out of memory");
            break;
        }
        struct item *it = &v[n++];
        read_coll(q, st, &it->c, false);
        const char *f[4] = {it->c.name, it->c.title, it->c.description, it->c.query};
        for (int i = 0; i < 4; i++) {
            it->off[i] = f[i] ? strs.len : SIZE_MAX;
            if (f[i])
                tix_buf_add(&strs, f[i], strlen(f[i]) + 1);
        }
    }
    done(st);
    if (!e && rc != SQLITE_DONE)
        e = dberr(q, d, "listing collections");
    if (!e && strs.err)
        e = tix_diag_set(d, strs.err, "out of memory");
    for (size_t i = 0; !e && i < n; i++) {
        struct item *it = &v[i];
        const char *f[4];
        for (int j = 0; j < 4; j++)
            f[j] = it->off[j] == SIZE_MAX ? NULL : strs.p + it->off[j];
        it->c.name = f[0];
        it->c.title = f[1];
        it->c.description = f[2];
        it->c.query = f[3];
        if (counts && (e = count_objects(q, &it->c, d)))
            break;
        if (fn(ud, &it->c))
            e = TIX_ESTOPPED;
    }
    free(v);
    tix_buf_free(&strs);
    return e;
}

static tix_err run_id_now(sq_store *q, int slot, int64_t id, int64_t now, tix_diag *d,
                          const char *what)
{
    sqlite3_stmt *st = sst(q, slot, d);
    if (!st)
        return TIX_EDB;
    sqlite3_bind_int64(st, 1, id);
    if (now)
        sqlite3_bind_int64(st, 2, now);
    return step_done(q, st, d, what);
}

static tix_err sq_coll_rm(tix_store *s, const char *name, bool *removed, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    int64_t id;
    *removed = false;
    tix_err e = coll_id(q, name, &id, NULL, NULL);
    if (e == TIX_ENOTFOUND)
        return TIX_EOK;
    if (e)
        return coll_id(q, name, &id, NULL, d);
    int64_t now = tix_time_now_us();
    if ((e = run_id_now(q, S_COLL_MOVE, id, now, d, "keeping removed ids")) ||
        (e = run_id_now(q, S_COLL_OBJ_DEL, id, 0, d, "removing objects")) ||
        (e = run_id_now(q, S_COLL_GRANTS_DEL, id, 0, d, "removing grants")) ||
        (e = run_id_now(q, S_COLL_STATUS_DEL, id, 0, d, "removing status resources")) ||
        (e = run_id_now(q, S_COLL_REMOVE, id, 0, d, "removing a collection")))
        return e;
    *removed = true;
    return bump(q, d);
}

/* ---- object versions ---- */

static int64_t digest_of(const char *json, size_t len)
{
    unsigned char h[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)json, len, h);
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | h[i];
    return (int64_t)v;
}

/* The date_added of the next row: after every row ever added, and now. */
static tix_err next_added(sq_store *q, int64_t *last, tix_diag *d)
{
    int64_t now = tix_time_now_us();
    if (*last < 0) {
        tix_err e = int_query(q, S_MAX_ADDED, 0, last, d, "reading the last date_added");
        if (e == TIX_ENOTFOUND)
            *last = 0;
        else if (e)
            return e;
    }
    *last = now > *last ? now : *last + 1;
    return TIX_EOK;
}

static tix_err clear_flag(sq_store *q, int64_t added, unsigned bit, tix_diag *d)
{
    sqlite3_stmt *st = sst(q, S_FLAGS_CLR, d);
    if (!st)
        return TIX_EDB;
    sqlite3_bind_int64(st, 1, added);
    sqlite3_bind_int(st, 2, (int)bit);
    return step_done(q, st, d, "marking versions");
}

/* The row (added, version) of o->id in coll marked with slot's flag;
 * TIX_ENOTFOUND when the id has no row yet. */
static tix_err marked(sq_store *q, int slot, const char *id, int64_t coll, int64_t *added,
                      int64_t *version, tix_diag *d)
{
    sqlite3_stmt *st = sst(q, slot, d);
    if (!st)
        return TIX_EDB;
    bind_text(st, 1, id);
    sqlite3_bind_int64(st, 2, coll);
    tix_err e = step_row(q, st, d, "reading an object's versions");
    if (e)
        return e;
    *added = sqlite3_column_int64(st, 0);
    *version = sqlite3_column_int64(st, 1);
    done(st);
    return TIX_EOK;
}

/* Insert o as a new version of its id, keeping the marks right: latest is
 * the greatest version (the newest row among equals), first the least
 * (the oldest row among equals). */
static tix_err insert_version(sq_store *q, int64_t coll, const tix_share_obj *o,
                              int64_t digest, int64_t *last, int64_t *added_at,
                              tix_diag *d)
{
    tix_err e = next_added(q, last, d);
    if (e)
        return e;
    int64_t added = *last, version = o->version ? o->version : added;
    int64_t m_added, m_version;
    unsigned flags = 0;
    e = marked(q, S_LATEST, o->id, coll, &m_added, &m_version, d);
    if (e == TIX_ENOTFOUND) {
        flags |= TIX_VERSIONS_LAST;
    } else if (e) {
        return e;
    } else if (version >= m_version) {
        flags |= TIX_VERSIONS_LAST;
        if ((e = clear_flag(q, m_added, TIX_VERSIONS_LAST, d)))
            return e;
    }
    e = marked(q, S_FIRST, o->id, coll, &m_added, &m_version, d);
    if (e == TIX_ENOTFOUND) {
        flags |= TIX_VERSIONS_FIRST;
    } else if (e) {
        return e;
    } else if (version < m_version) {
        flags |= TIX_VERSIONS_FIRST;
        if ((e = clear_flag(q, m_added, TIX_VERSIONS_FIRST, d)))
            return e;
    }
    sqlite3_stmt *st = sst(q, S_OBJ_INS, d);
    if (!st)
        return TIX_EDB;
    sqlite3_bind_int64(st, 1, added);
    sqlite3_bind_int64(st, 2, coll);
    bind_text(st, 3, o->id);
    bind_text(st, 4, o->type);
    sqlite3_bind_int64(st, 5, version);
    bind_text(st, 6, o->spec ? o->spec : "2.1");
    sqlite3_bind_int(st, 7, o->tlp);
    bind_text(st, 8, o->root);
    sqlite3_bind_int(st, 9, (int)flags);
    sqlite3_bind_int64(st, 10, digest);
    sqlite3_bind_text(st, 11, o->json, (int)o->len, SQLITE_STATIC);
    if ((e = step_done(q, st, d, "adding an object version")))
        return e;
    if (added_at)
        *added_at = added;
    return TIX_EOK;
}

static tix_err sq_add(tix_store *s, int64_t coll, const tix_share_obj *o, int64_t *added_at,
                      bool *dup, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    int64_t digest = digest_of(o->json, o->len), last = -1;
    if (added_at)
        *added_at = 0;
    if (dup)
        *dup = false;
    if (o->version) {
        sqlite3_stmt *st = sst(q, S_SAME, d);
        if (!st)
            return TIX_EDB;
        bind_text(st, 1, o->id);
        sqlite3_bind_int64(st, 2, coll);
        sqlite3_bind_int64(st, 3, o->version);
        sqlite3_bind_int64(st, 4, digest);
        tix_err e = step_row(q, st, d, "looking for the same version");
        if (e == TIX_EOK) {
            done(st);
            if (dup)
                *dup = true;
            return TIX_EOK;
        }
        if (e != TIX_ENOTFOUND)
            return e;
    }
    return insert_version(q, coll, o, digest, &last, added_at, d);
}

/* ---- reads ---- */

static void json_list(tix_buf *b, const char *const *v, size_t n)
{
    tix_buf_addc(b, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            tix_buf_addc(b, ',');
        tix_buf_addc(b, '"');
        tix_buf_add_json(b, v[i], strlen(v[i]));
        tix_buf_addc(b, '"');
    }
    tix_buf_addc(b, ']');
}

/* Bind q to a read statement; lists go into q->share_buf (offsets kept in
 * off[] since the buffer may move while it grows). */
static tix_err bind_query(sq_store *x, sqlite3_stmt *st, const tix_share_query *q,
                          tix_diag *d)
{
    tix_buf *b = &x->share_buf;
    tix_buf_reset(b);
    size_t off[5] = {0}, len[5] = {0};
    bool has[5] = {false};
    if (q->n_vtimes) {
        off[0] = b->len;
        tix_buf_addc(b, '[');
        for (size_t i = 0; i < q->n_vtimes; i++) {
            if (i)
                tix_buf_addc(b, ',');
            tix_buf_addf(b, "%lld", (long long)q->vtimes[i]);
        }
        tix_buf_addc(b, ']');
        len[0] = b->len - off[0];
        has[0] = true;
    }
    const char *const *lists[3] = {q->types, q->specs, q->ids};
    size_t counts[3] = {q->n_types, q->n_specs, q->n_ids};
    for (int i = 0; i < 3; i++)
        if (counts[i]) {
            off[i + 1] = b->len;
            json_list(b, lists[i], counts[i]);
            len[i + 1] = b->len - off[i + 1];
            has[i + 1] = true;
        }
    if (b->err)
        return tix_diag_set(d, b->err, "filter lists too large");
    sqlite3_bind_int64(st, 1, q->collection_id);
    sqlite3_bind_int64(st, 2, q->after);
    sqlite3_bind_int(st, 3, q->clearance);
    sqlite3_bind_int64(st, 4, q->partner_id);
    unsigned v = q->versions ? q->versions : q->n_vtimes ? 0 : TIX_VERSIONS_LAST;
    sqlite3_bind_int(st, 5, (int)v);
    int params[4] = {6, 7, 8, 10};
    for (int i = 0; i < 4; i++)
        if (has[i])
            sqlite3_bind_text(st, params[i], b->p + off[i], (int)len[i], SQLITE_STATIC);
    sqlite3_bind_int64(st, 9, q->limit ? (int64_t)q->limit : -1);
    return TIX_EOK;
}

static tix_err sq_read(tix_store *s, const tix_share_query *q, bool with_json,
                       tix_share_row_fn fn, void *ud, tix_diag *d)
{
    sq_store *x = (sq_store *)s;
    int slot = q->n_ids ? (with_json ? S_READ_IDS : S_READ_IDS_META)
                        : (with_json ? S_READ_ALL : S_READ_ALL_META);
    sqlite3_stmt *st = sst(x, slot, d);
    if (!st)
        return TIX_EDB;
    tix_err e = bind_query(x, st, q, d);
    if (e) {
        done(st);
        return e;
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        tix_share_row r = {
            .added = sqlite3_column_int64(st, 0), .stix_id = col(st, 1),
            .type = col(st, 2), .version = sqlite3_column_int64(st, 3),
            .spec = col(st, 4), .tlp = (tix_tlp)sqlite3_column_int(st, 5),
        };
        if (with_json) {
            r.json = col(st, 6);
            r.len = (size_t)sqlite3_column_bytes(st, 6);
        }
        if (fn(ud, &r)) {
            e = TIX_ESTOPPED;
            break;
        }
    }
    done(st);
    if (!e && rc != SQLITE_DONE)
        return dberr(x, d, "reading a collection");
    return e;
}

static int collect_key(void *ud, const tix_share_row *r)
{
    sq_store *q = ud;
    if (tix__grow(&q->share_keys, &q->share_capkeys, q->share_nkeys,
                  sizeof *q->share_keys, 64))
        return 1;
    q->share_keys[q->share_nkeys++] = r->added;
    return 0;
}

static tix_err fix_flags(sq_store *q, const char *stix_id, int64_t coll, tix_diag *d)
{
    sqlite3_stmt *st = sst(q, S_FLAGS_FIX, d);
    if (!st)
        return TIX_EDB;
    bind_text(st, 1, stix_id);
    sqlite3_bind_int64(st, 2, coll);
    return step_done(q, st, d, "marking versions");
}

static tix_err sq_del(tix_store *s, const tix_share_query *qq, int64_t **keys, size_t *n,
                      tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    *keys = NULL;
    *n = 0;
    tix_share_query all = *qq;
    all.limit = 0;
    q->share_nkeys = 0;
    tix_err e = sq_read(s, &all, false, collect_key, q, d);
    if (e == TIX_ESTOPPED)
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    if (e)
        return e;
    size_t nk = q->share_nkeys;
    if (!nk)
        return TIX_EOK;
    int64_t *out = malloc(nk * sizeof *out);
    if (!out)
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    memcpy(out, q->share_keys, nk * sizeof *out);
    int64_t now = tix_time_now_us();
    for (size_t i = 0; !e && i < nk; i++) {
        if (!(e = run_id_now(q, S_GONE_ONE, out[i], now, d, "keeping a removed id")))
            e = run_id_now(q, S_DEL_ONE, out[i], 0, d, "removing an object version");
    }
    /* every id touched (a list of ids, or the object the query names) */
    for (size_t i = 0; !e && i < qq->n_ids; i++)
        e = fix_flags(q, qq->ids[i], qq->collection_id, d);
    if (e) {
        free(out);
        return e;
    }
    *keys = out;
    *n = nk;
    return TIX_EOK;
}

/* ---- sync ---- */

typedef struct {
    sq_store *q;
    int64_t coll;
    int64_t last;           /* the last date_added handed out */
    tix_sync_stats st;
    tix_err err;
    tix_diag *d;
} sync_ctx;

static int sync_one(void *ud, const tix_stix_obj *o)
{
    sync_ctx *c = ud;
    sq_store *q = c->q;
    tix_diag *d = c->d;
    if (!o->id || !o->type || !o->json || !tix_stix_id_valid(o->id, strlen(o->id))) {
        c->err = tix_diag_set(d, TIX_EINVAL, "sync: an object without a valid id, "
                                             "type or JSON (%.80s)",
                              o->id ? o->id : "no id");
        return 1;
    }
    c->st.emitted++;
    sqlite3_stmt *st = sst(q, S_SEEN_INS, d);
    if (!st || (c->err = (bind_text(st, 1, o->id), step_done(q, st, d, "sync")))) {
        if (!st)
            c->err = TIX_EDB;
        return 1;
    }
    size_t len = o->len ? o->len : strlen(o->json);
    int64_t digest = digest_of(o->json, len);
    int64_t ms = o->modified ? o->modified : o->created;
    tix_share_obj so = {.id = o->id, .type = o->type, .version = ms * 1000, .spec = "2.1",
                        .tlp = o->tlp, .root = o->root, .json = o->json, .len = len};
    if (o->tlp < TIX_TLP_CLEAR || o->tlp > TIX_TLP_RED) {
        c->err = tix_diag_set(d, TIX_EINVAL, "sync: %s has no TLP", o->id);
        return 1;
    }
    st = sst(q, S_LATEST, d);
    if (!st) {
        c->err = TIX_EDB;
        return 1;
    }
    bind_text(st, 1, o->id);
    sqlite3_bind_int64(st, 2, c->coll);
    tix_err e = step_row(q, st, d, "sync");
    bool exists = e == TIX_EOK;
    if (exists) {
        int64_t version = sqlite3_column_int64(st, 1), dg = sqlite3_column_int64(st, 2);
        done(st);
        if (dg == digest && (!so.version || version == so.version)) {
            c->st.unchanged++;
            return 0;
        }
    } else if (e != TIX_ENOTFOUND) {
        c->err = e;
        return 1;
    }
    if ((c->err = insert_version(q, c->coll, &so, digest, &c->last, NULL, d)))
        return 1;
    if (exists)
        c->st.changed++;
    else
        c->st.added++;
    return 0;
}

static tix_err sq_coll_sync(tix_store *s, int64_t coll, tix_collection_producer producer,
                            void *ud, tix_sync_stats *out, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    char *err = NULL;
    if (sqlite3_exec(q->db,
                     "CREATE TEMP TABLE IF NOT EXISTS sync_seen(stix_id TEXT PRIMARY KEY) "
                     "WITHOUT ROWID",
                     NULL, NULL, &err) != SQLITE_OK) {
        tix_err e = tix_diag_set(d, TIX_EDB, "%s: sync: %s", q->path, err ? err : "?");
        sqlite3_free(err);
        return e;
    }
    sqlite3_stmt *st = sst(q, S_SEEN_CLR, d);
    tix_err e = st ? step_done(q, st, d, "sync") : TIX_EDB;
    if (e)
        return e;
    sync_ctx c = {.q = q, .coll = coll, .last = -1, .d = d};
    e = producer(ud, sync_one, &c, d);
    if (c.err)
        e = c.err;
    if (!e) {
        int64_t removed = 0;
        st = sst(q, S_SYNC_COUNT, d);
        if (!st)
            e = TIX_EDB;
        else if (!(e = (sqlite3_bind_int64(st, 1, coll), step_row(q, st, d, "sync")))) {
            removed = sqlite3_column_int64(st, 0);
            done(st);
        }
        if (e == TIX_ENOTFOUND)
            e = TIX_EOK;
        c.st.removed = (uint64_t)removed;
        if (!e && removed)
            e = run_id_now(q, S_SYNC_GONE, coll, tix_time_now_us(), d, "sync");
        if (!e && removed)
            e = run_id_now(q, S_SYNC_DEL, coll, 0, d, "sync");
        if (!e)
            e = run_id_now(q, S_COLL_SYNCED, coll, now_s(q), d, "sync");
    }
    st = sst(q, S_SEEN_CLR, NULL);
    if (st)
        step_done(q, st, NULL, "sync");
    if (!e && out)
        *out = c.st;
    return e;
}

/* ---- partners and grants ---- */

static void read_partner(sq_store *q, sqlite3_stmt *st, tix_partner *p, bool keep)
{
    memset(p, 0, sizeof *p);
    p->id = sqlite3_column_int64(st, 0);
    p->name = keep ? hold(q, st, 1) : col(st, 1);
    p->kind = (tix_partner_kind)sqlite3_column_int(st, 2);
    const char *c = col(st, 3);
    snprintf(p->country, sizeof p->country, "%s", c ? c : "");
    p->clearance = (tix_tlp)sqlite3_column_int(st, 4);
    const void *h = sqlite3_column_blob(st, 5);
    if (h && sqlite3_column_bytes(st, 5) == 32)
        memcpy(p->token_sha256, h, 32);
    p->created = sqlite3_column_int64(st, 6);
    p->disabled = sqlite3_column_int64(st, 7);
    p->red_names = (uint64_t)sqlite3_column_int64(st, 8);
}

static tix_err sq_partner_add(tix_store *s, const char *name, tix_partner_kind kind,
                              const char *country, tix_tlp clearance, const uint8_t hash[32],
                              tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    int64_t id;
    tix_err e = partner_id(q, name, &id, NULL);
    if (e == TIX_EOK)
        return tix_diag_set(d, TIX_EINVAL, "a partner %s exists already", name);
    if (e != TIX_ENOTFOUND)
        return partner_id(q, name, &id, d);
    sqlite3_stmt *st = sst(q, S_P_INS, d);
    if (!st)
        return TIX_EDB;
    bind_text(st, 1, name);
    sqlite3_bind_int(st, 2, kind);
    bind_text(st, 3, country);
    sqlite3_bind_int(st, 4, clearance);
    sqlite3_bind_blob(st, 5, hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, now_s(q));
    if ((e = step_done(q, st, d, "adding a partner")))
        return e;
    return bump(q, d);
}

static tix_err sq_partner_token(tix_store *s, const char *name, const uint8_t hash[32],
                                tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    int64_t id;
    tix_err e = partner_id(q, name, &id, d);
    if (e)
        return e;
    sqlite3_stmt *st = sst(q, S_P_TOKEN, d);
    if (!st)
        return TIX_EDB;
    sqlite3_bind_blob(st, 1, hash, 32, SQLITE_STATIC);
    bind_text(st, 2, name);
    if ((e = step_done(q, st, d, "replacing a token")))
        return e;
    return bump(q, d);
}

static tix_err sq_partner_disable(tix_store *s, const char *name, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    int64_t id;
    tix_err e = partner_id(q, name, &id, d);
    if (e)
        return e;
    sqlite3_stmt *st = sst(q, S_P_DISABLE, d);
    if (!st)
        return TIX_EDB;
    sqlite3_bind_int64(st, 1, now_s(q) ? now_s(q) : 1);
    bind_text(st, 2, name);
    if ((e = step_done(q, st, d, "revoking a partner")))
        return e;
    return bump(q, d);
}

static tix_err sq_partner_get(tix_store *s, const char *name, tix_partner *out, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    release(q);
    sqlite3_stmt *st = sst(q, S_P_GET, d);
    if (!st)
        return TIX_EDB;
    bind_text(st, 1, name);
    tix_err e = step_row(q, st, d, "reading a partner");
    if (e == TIX_ENOTFOUND)
        return tix_diag_set(d, TIX_ENOTFOUND, "no partner %s", name);
    if (e)
        return e;
    read_partner(q, st, out, true);
    done(st);
    return TIX_EOK;
}

static tix_err sq_partner_each(tix_store *s, tix_partner_fn fn, void *ud, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    sqlite3_stmt *st = sst(q, S_P_ALL, d);
    if (!st)
        return TIX_EDB;
    int rc;
    tix_err e = TIX_EOK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        tix_partner p;
        read_partner(q, st, &p, false);
        if (fn(ud, &p)) {
            e = TIX_ESTOPPED;
            break;
        }
    }
    done(st);
    if (!e && rc != SQLITE_DONE)
        return dberr(q, d, "listing partners");
    return e;
}

static tix_err sq_grant_add(tix_store *s, const char *partner, const char *collection,
                            unsigned rights, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    int64_t pid, cid;
    tix_collection_kind kind;
    tix_err e;
    if ((e = partner_id(q, partner, &pid, d)) || (e = coll_id(q, collection, &cid, &kind, d)))
        return e;
    if ((rights & TIX_GRANT_WRITE) && kind == TIX_COLLECTION_QUERY)
        return tix_diag_set(d, TIX_EINVAL,
                            "%s is a query collection: its objects come from its query, "
                            "partners cannot write to it",
                            collection);
    sqlite3_stmt *st = sst(q, S_G_ADD, d);
    if (!st)
        return TIX_EDB;
    sqlite3_bind_int64(st, 1, pid);
    sqlite3_bind_int64(st, 2, cid);
    sqlite3_bind_int(st, 3, (int)rights);
    if ((e = step_done(q, st, d, "granting")))
        return e;
    return bump(q, d);
}

static tix_err sq_grant_rm(tix_store *s, const char *partner, const char *collection,
                           unsigned rights, bool *removed, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    int64_t pid, cid;
    tix_err e;
    *removed = false;
    if ((e = partner_id(q, partner, &pid, d)) || (e = coll_id(q, collection, &cid, NULL, d)))
        return e;
    sqlite3_stmt *st = sst(q, S_G_GET, d);
    if (!st)
        return TIX_EDB;
    sqlite3_bind_int64(st, 1, pid);
    sqlite3_bind_int64(st, 2, cid);
    e = step_row(q, st, d, "reading a grant");
    if (e == TIX_ENOTFOUND)
        return TIX_EOK;
    if (e)
        return e;
    unsigned have = (unsigned)sqlite3_column_int(st, 0);
    done(st);
    unsigned take = rights ? rights : have;
    if (!(have & take))
        return TIX_EOK;
    unsigned left = have & ~take;
    st = sst(q, left ? S_G_SET : S_G_DEL, d);
    if (!st)
        return TIX_EDB;
    sqlite3_bind_int64(st, 1, pid);
    sqlite3_bind_int64(st, 2, cid);
    if (left)
        sqlite3_bind_int(st, 3, (int)left);
    if ((e = step_done(q, st, d, "revoking a grant")))
        return e;
    *removed = true;
    return bump(q, d);
}

static tix_err sq_grant_each(tix_store *s, const char *partner, tix_grant_fn fn, void *ud,
                             tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    sqlite3_stmt *st = sst(q, S_G_ALL, d);
    if (!st)
        return TIX_EDB;
    bind_text(st, 1, partner);
    int rc;
    tix_err e = TIX_EOK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        tix_grant g = {
            .partner_id = sqlite3_column_int64(st, 0),
            .collection_id = sqlite3_column_int64(st, 1),
            .partner = col(st, 2), .collection = col(st, 3),
            .rights = (unsigned)sqlite3_column_int(st, 5),
        };
        const char *u = col(st, 4);
        snprintf(g.collection_uuid, sizeof g.collection_uuid, "%s", u ? u : "");
        if (fn(ud, &g)) {
            e = TIX_ESTOPPED;
            break;
        }
    }
    done(st);
    if (!e && rc != SQLITE_DONE)
        return dberr(q, d, "listing grants");
    return e;
}

static tix_err sq_red_allow(tix_store *s, const char *partner, const char *key, bool *added,
                            tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    int64_t pid;
    tix_err e = partner_id(q, partner, &pid, d);
    if (e)
        return e;
    sqlite3_stmt *st = sst(q, S_RED_INS, d);
    if (!st)
        return TIX_EDB;
    sqlite3_bind_int64(st, 1, pid);
    bind_text(st, 2, key);
    sqlite3_bind_int64(st, 3, now_s(q));
    if ((e = step_done(q, st, d, "naming a partner")))
        return e;
    if (added)
        *added = sqlite3_changes(q->db) > 0;
    return TIX_EOK;
}

/* ---- audit ---- */

#define AUDIT_REQUEST_MAX 512

static tix_err sq_audit_add(tix_store *s, const tix_audit_rec *r, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    sqlite3_stmt *st = sst(q, S_A_INS, d);
    if (!st)
        return TIX_EDB;
    tix_buf *b = &q->share_buf;
    tix_buf_reset(b);
    if (r->n_keys > 1 && tix_buf_reserve(b, (r->n_keys - 1) * TIX_VARINT_MAX) == 0) {
        uint8_t *p = (uint8_t *)b->p;
        size_t n = 0;
        for (size_t i = 1; i < r->n_keys; i++)
            n += tix__varint_put(p + n, (uint64_t)(r->keys[i] - r->keys[i - 1]));
        b->len = n;
    }
    if (b->err)
        return tix_diag_set(d, b->err, "audit: too many keys");
    sqlite3_bind_int64(st, 1, r->time ? r->time : tix_time_now_us());
    sqlite3_bind_int64(st, 2, r->partner_id);
    if (r->collection_id > 0)
        sqlite3_bind_int64(st, 3, r->collection_id);
    else
        sqlite3_bind_null(st, 3);
    bind_text(st, 4, r->method ? r->method : "");
    const char *req = r->request ? r->request : "";
    size_t rl = strlen(req);
    sqlite3_bind_text(st, 5, req, (int)(rl > AUDIT_REQUEST_MAX ? AUDIT_REQUEST_MAX : rl),
                      SQLITE_STATIC);
    sqlite3_bind_int(st, 6, r->status);
    sqlite3_bind_int64(st, 7, (int64_t)r->n_keys);
    if (r->n_keys) {
        sqlite3_bind_int64(st, 8, r->keys[0]);
        sqlite3_bind_int64(st, 9, r->keys[r->n_keys - 1]);
        sqlite3_bind_blob(st, 10, b->p ? b->p : "", (int)b->len, SQLITE_STATIC);
    }
    if (r->has_sha256)
        sqlite3_bind_blob(st, 11, r->sha256, 32, SQLITE_STATIC);
    return step_done(q, st, d, "logging a request");
}

/* Decode a row's keys into q->share_keys; -1 when the blob is damaged. */
static int decode_keys(sq_store *q, int64_t kmin, const uint8_t *p, size_t len, int64_t n)
{
    q->share_nkeys = 0;
    if (n <= 0)
        return 0;
    int64_t k = kmin;
    for (int64_t i = 0; i < n; i++) {
        if (i) {
            uint64_t delta;
            size_t used = tix__varint_get(p, len, &delta);
            if (!used)
                return -1;
            p += used;
            len -= used;
            k += (int64_t)delta;
        }
        if (tix__grow(&q->share_keys, &q->share_capkeys, q->share_nkeys,
                      sizeof *q->share_keys, 128))
            return -1;
        q->share_keys[q->share_nkeys++] = k;
    }
    return 0;
}

static bool has_any(const int64_t *keys, size_t n, const int64_t *want, size_t nw)
{
    /* both ascending: a merge */
    size_t i = 0, j = 0;
    while (i < n && j < nw) {
        if (keys[i] == want[j])
            return true;
        if (keys[i] < want[j])
            i++;
        else
            j++;
    }
    return false;
}

static tix_err sq_audit_each(tix_store *s, const tix_audit_filter *f, tix_audit_fn fn,
                             void *ud, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    int64_t *want = NULL;
    size_t nw = 0, capw = 0;
    tix_err e = TIX_EOK;
    sqlite3_stmt *st;
    if (f->object_id) {
        st = sst(q, S_A_KEYS, d);
        if (!st)
            return TIX_EDB;
        bind_text(st, 1, f->object_id);
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            if (tix__grow(&want, &capw, nw, sizeof *want, 16)) {
                e = tix_diag_set(d, TIX_ENOMEM, "out of memory");
                break;
            }
            want[nw++] = sqlite3_column_int64(st, 0);
        }
        done(st);
        if (!e && rc != SQLITE_DONE)
            e = dberr(q, d, "finding an object's versions");
        if (e || !nw) {
            free(want);
            return e;
        }
    }
    st = sst(q, S_A_SEL, d);
    if (!st) {
        free(want);
        return TIX_EDB;
    }
    bind_text(st, 1, f->partner);
    bind_text(st, 2, f->collection);
    sqlite3_bind_int64(st, 3, f->since);
    if (nw) {
        sqlite3_bind_int64(st, 4, want[0]);
        sqlite3_bind_int64(st, 5, want[nw - 1]);
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int64_t n = sqlite3_column_int64(st, 10);
        const uint8_t *blob = sqlite3_column_blob(st, 12);
        size_t blen = (size_t)sqlite3_column_bytes(st, 12);
        if (decode_keys(q, sqlite3_column_int64(st, 11), blob, blen, n)) {
            e = tix_diag_set(d, TIX_EDB, "%s: audit row %lld: damaged keys", q->path,
                             (long long)sqlite3_column_int64(st, 0));
            break;
        }
        if (nw && !has_any(q->share_keys, q->share_nkeys, want, nw))
            continue;
        tix_audit_rec r = {
            .id = sqlite3_column_int64(st, 0), .time = sqlite3_column_int64(st, 1),
            .partner_id = sqlite3_column_int64(st, 2), .partner = col(st, 3),
            .collection_id = sqlite3_column_int64(st, 4), .collection = col(st, 5),
            .method = col(st, 7), .request = col(st, 8),
            .status = sqlite3_column_int(st, 9),
            .keys = q->share_keys, .n_keys = q->share_nkeys,
        };
        const char *u = col(st, 6);
        snprintf(r.collection_uuid, sizeof r.collection_uuid, "%s", u ? u : "");
        const void *h = sqlite3_column_blob(st, 13);
        if (h && sqlite3_column_bytes(st, 13) == 32) {
            memcpy(r.sha256, h, 32);
            r.has_sha256 = true;
        }
        if (fn(ud, &r)) {
            e = TIX_ESTOPPED;
            break;
        }
    }
    done(st);
    free(want);
    if (!e && rc != SQLITE_DONE)
        return dberr(q, d, "reading the audit log");
    return e;
}

static tix_err sq_audit_objects(tix_store *s, const tix_audit_rec *r, tix_audit_obj_fn fn,
                                void *ud, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    /* r->keys may be q->share_keys: copy them first */
    int64_t *keys = r->n_keys ? malloc(r->n_keys * sizeof *keys) : NULL;
    if (r->n_keys && !keys)
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    if (r->n_keys)
        memcpy(keys, r->keys, r->n_keys * sizeof *keys);
    sqlite3_stmt *st = sst(q, S_A_OBJ, d);
    tix_err e = st ? TIX_EOK : TIX_EDB;
    for (size_t i = 0; !e && i < r->n_keys; i++) {
        sqlite3_bind_int64(st, 1, keys[i]);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            if (fn(ud, keys[i], col(st, 0), sqlite3_column_int64(st, 1)))
                e = TIX_ESTOPPED;
        } else if (rc != SQLITE_DONE) {
            e = dberr(q, d, "reading what a request sent");
        }
        done(st);
    }
    free(keys);
    return e;
}

/* ---- status resources ---- */

static tix_err sq_status_put(tix_store *s, const char *id, int64_t partner, int64_t coll,
                             const char *json, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    sqlite3_stmt *st = sst(q, S_ST_INS, d);
    if (!st)
        return TIX_EDB;
    bind_text(st, 1, id);
    sqlite3_bind_int64(st, 2, partner);
    sqlite3_bind_int64(st, 3, coll);
    sqlite3_bind_int64(st, 4, now_s(q));
    bind_text(st, 5, json);
    return step_done(q, st, d, "keeping a status resource");
}

static tix_err sq_status_get(tix_store *s, const char *id, int64_t partner, tix_buf *out,
                             tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    sqlite3_stmt *st = sst(q, S_ST_GET, d);
    if (!st)
        return TIX_EDB;
    bind_text(st, 1, id);
    sqlite3_bind_int64(st, 2, partner);
    tix_err e = step_row(q, st, d, "reading a status resource");
    if (e == TIX_ENOTFOUND)
        return tix_diag_set(d, TIX_ENOTFOUND, "no status %s", id);
    if (e)
        return e;
    tix_buf_add(out, sqlite3_column_text(st, 0), (size_t)sqlite3_column_bytes(st, 0));
    done(st);
    return out->err ? tix_diag_set(d, out->err, "status resource too large") : TIX_EOK;
}

const struct share_ops sq_share_ops = {
    .generation = sq_generation,
    .cache_limit = sq_cache_limit,
    .coll_add = sq_coll_add,
    .coll_get = sq_coll_get,
    .coll_each = sq_coll_each,
    .coll_rm = sq_coll_rm,
    .coll_sync = sq_coll_sync,
    .read = sq_read,
    .add = sq_add,
    .del = sq_del,
    .partner_add = sq_partner_add,
    .partner_token = sq_partner_token,
    .partner_disable = sq_partner_disable,
    .partner_get = sq_partner_get,
    .partner_each = sq_partner_each,
    .grant_add = sq_grant_add,
    .grant_rm = sq_grant_rm,
    .grant_each = sq_grant_each,
    .red_allow = sq_red_allow,
    .audit_add = sq_audit_add,
    .audit_each = sq_audit_each,
    .audit_objects = sq_audit_objects,
    .status_put = sq_status_put,
    .status_get = sq_status_get,
};
