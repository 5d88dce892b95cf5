/* sqlite.c - the embedded store: one SQLite file in WAL mode.
 *
 * Every statement is prepared once per connection. Writes are batched by
 * the caller's transaction; per-observable summaries (first/last seen,
 * counts, confidence) are folded in memory (touched.c) and written once per
 * observable when the transaction commits, or earlier when the fold grows
 * large, still inside the same transaction. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/sqlite_int.h"
#include "store/share_backend.h"
#include "core/grow.h"
#include "store/touched.h"
#include "tix/time.h"


#define SAMPLE_COLS "id,sha256,sha1,md5,size,name,file_type,mime,first_seen,source_id,document_id"
#define EV_SELECT                                                                    \
    "SELECT e.observable_id,e.source_id,e.sample_id,e.document_id,e.line,e.offset,"  \
    "e.count,e.first_seen,e.last_seen,e.confidence,e.tlp,e.port,e.family,e.tags,"    \
    "e.place,e.flags,e.ingested,s.name,d.name,"                                   \
    "CASE WHEN sa.sha256 IS NULL THEN NULL ELSE lower(hex(sa.sha256)) END,sa.name,"        \
    "o.type,o.value,e.extractor FROM evidence e JOIN source s ON s.id=e.source_id "  \
    "JOIN observable o ON o.id=e.observable_id "                                     \
    "LEFT JOIN document d ON d.id=e.document_id "                                    \
    "LEFT JOIN sample sa ON sa.id=e.sample_id "

static const char *const sql[ST_COUNT] = {
    [ST_SRC_GET] = "SELECT id,name,kind,trust,created FROM source WHERE name=?",
    [ST_SRC_INS] = "INSERT INTO source(name,kind,trust,created) VALUES(?,?,?,?)",
    [ST_SRC_SET] = "UPDATE source SET kind=?,trust=? WHERE name=?",
    [ST_SRC_ALL] = "SELECT id,name,kind,trust,created FROM source ORDER BY name",
    [ST_SRC_TRUST] = "SELECT trust FROM source WHERE id=?",
    /* a full scan: changing a source's trust is rare, an index on every
     * evidence row would be paid on every ingest */
    [ST_SRC_OBS] = "SELECT DISTINCT observable_id FROM evidence WHERE source_id=?",
    [ST_DOC_GET] = "SELECT id,ingested,records FROM document WHERE sha256=? AND kind=?",
    [ST_DOC_INS] = "INSERT INTO document(sha256,kind,name,size,source_id,ingested) "
                   "VALUES(?,?,?,?,?,?)",
    [ST_DOC_REC] = "UPDATE document SET records=? WHERE id=?",
    [ST_SAMPLE_256] = "SELECT " SAMPLE_COLS " FROM sample WHERE sha256=?",
    [ST_SAMPLE_SHA1] = "SELECT " SAMPLE_COLS " FROM sample WHERE sha1=?",
    [ST_SAMPLE_MD5] = "SELECT " SAMPLE_COLS " FROM sample WHERE md5=?",
    [ST_SAMPLE_INS] = "INSERT INTO sample(sha256,sha1,md5,size,name,file_type,mime,"
                      "first_seen,source_id,document_id) VALUES(?,?,?,?,?,?,?,?,?,?)",
    [ST_OBS_FIND] = "SELECT id FROM observable WHERE uuid=? AND type=?",
    [ST_OBS_INS] = "INSERT INTO observable(id,type,value,uuid,first_seen,last_seen,"
                   "n_evidence,n_sources,confidence) VALUES(?,?,?,?,?,?,?,?,?)",
    [ST_OBS_MAXID] = "SELECT coalesce(max(id),0) FROM observable",
    [ST_OBS_GET] = "SELECT " OBS_COLS " FROM observable WHERE uuid=? ORDER BY type",
    [ST_OBS_UPD] = "UPDATE observable SET "
                   "first_seen=coalesce(min(first_seen,?1),first_seen,?1),"
                   "last_seen=coalesce(max(last_seen,?2),last_seen,?2),"
                   "n_evidence=n_evidence+?3,n_sources=?4,confidence=?5 WHERE id=?6",
    [ST_EV_INS] = "INSERT INTO evidence(observable_id,source_id,sample_id,document_id,"
                  "line,offset,count,first_seen,last_seen,confidence,tlp,port,family,"
                  "tags,place,flags,ingested,id,extractor) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    [ST_EV_MAXID] = "SELECT value FROM counter WHERE name='evidence'",
    [ST_EV_SETID] = "UPDATE counter SET value=? WHERE name='evidence'",
    [ST_EV_BY_OBS] = EV_SELECT "WHERE e.observable_id=? ORDER BY e.first_seen,e.id",
    [ST_EV_BY_SAMPLE] = EV_SELECT "WHERE e.sample_id=? ORDER BY e.offset,e.id",
    /* per source: its best evidence, weighed by its trust, and its count */
    [ST_SUP_GET] = "SELECT s.best*so.trust/100,s.n FROM support s "
                   "JOIN source so ON so.id=s.source_id WHERE s.observable_id=?",
    [ST_SUP_ADD] = "INSERT INTO support(observable_id,source_id,best,n) VALUES(?1,?2,?3,?4) "
                   "ON CONFLICT(observable_id,source_id) DO UPDATE SET best=max(best,?3),"
                   "n=n+?4",
    [ST_REL_UPSERT] = "INSERT INTO relationship(src,type,dst,source_id,document_id,"
                      "first_seen,last_seen,tlp) VALUES(?,?,?,?,?,?,?,?) "
                      "ON CONFLICT(src,type,dst,source_id) DO UPDATE SET "
                      "first_seen=min(first_seen,excluded.first_seen),"
                      "last_seen=max(last_seen,excluded.last_seen)",
    [ST_REL_BY] = "SELECT r.src,r.type,r.dst,r.source_id,r.document_id,r.first_seen,"
                  "r.last_seen,r.tlp,s.name FROM relationship r "
                  "JOIN source s ON s.id=r.source_id WHERE r.src=?1 "
                  "UNION ALL SELECT r.src,r.type,r.dst,r.source_id,r.document_id,"
                  "r.first_seen,r.last_seen,r.tlp,s.name FROM relationship r "
                  "JOIN source s ON s.id=r.source_id WHERE r.dst=?1 AND r.src<>?1",
    [ST_OBJ_UPSERT] = "INSERT INTO object(stix_id,type,name,created,modified,tlp,"
                      "source_id,document_id,json) VALUES(?,?,?,?,?,?,?,?,?) "
                      "ON CONFLICT(stix_id) DO UPDATE SET type=excluded.type,"
                      "name=excluded.name,created=excluded.created,"
                      "modified=excluded.modified,tlp=excluded.tlp,"
                      "source_id=excluded.source_id,document_id=excluded.document_id,"
                      "json=excluded.json WHERE excluded.modified>=object.modified",
    [ST_OBJ_GET] = "SELECT stix_id,type,name,created,modified,tlp,source_id,"
                   "document_id,json FROM object WHERE stix_id=?",
};


static const struct store_ops sq_ops;

tix_err dberr(sq_store *q, tix_diag *d, const char *what)
{
    return tix_diag_set(d, TIX_EDB, "%s: %s: %s", q->path, what, sqlite3_errmsg(q->db));
}

static sqlite3_stmt *stmt(sq_store *q, int i, tix_diag *d)
{
    if (!q->st[i] &&
        sqlite3_prepare_v3(q->db, sql[i], -1, SQLITE_PREPARE_PERSISTENT, &q->st[i],
                           NULL) != SQLITE_OK) {
        dberr(q, d, "preparing a statement");
        return NULL;
    }
    return q->st[i];
}

void done(sqlite3_stmt *st)
{
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

void release(sq_store *q)
{
    for (int i = 0; i < q->nheld; i++)
        free(q->held[i]);
    q->nheld = 0;
}

/* A copy of a column's text that lives until the next get. */
const char *hold(sq_store *q, sqlite3_stmt *st, int col)
{
    const unsigned char *t = sqlite3_column_text(st, col);
    if (!t || q->nheld == (int)(sizeof q->held / sizeof q->held[0]))
        return NULL;
    char *c = strdup((const char *)t);
    if (c)
        q->held[q->nheld++] = c;
    return c;
}

void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

static void bind_id(sqlite3_stmt *st, int i, int64_t id)
{
    if (id > 0)
        sqlite3_bind_int64(st, i, id);
    else
        sqlite3_bind_null(st, i);
}

tix_err step_done(sq_store *q, sqlite3_stmt *st, tix_diag *d, const char *what)
{
    int rc = sqlite3_step(st);
    done(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return dberr(q, d, what);
    return TIX_EOK;
}

static void sq_close(tix_store *s)
{
    sq_store *q = (sq_store *)s;
    if (s->in_txn)
        sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
    for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(q->st[i]);
    for (int i = 0; i < SQV_SLOTS; i++)
        sqlite3_finalize(q->vst[i]);
    for (int i = 0; i < SQS_SLOTS; i++)
        sqlite3_finalize(q->sst[i]);
    tix_buf_free(&q->share_buf);
    free(q->share_keys);
    sqlite3_close(q->db);
    touch_free(&q->obs);
    touch_free(&q->sup);
    free(q->pend);
    tix_buf_free(&q->pend_vals);
    free(q->evs);
    tix_buf_free(&q->ev_strs);
    release(q);
    free(q->path);
    free(q);
}

static int sq_schema_version(tix_store *s)
{
    return sq_user_version(((sq_store *)s)->db);
}

tix_err store_sqlite_open(tix_store **out, const char *path, unsigned flags,
                          tix_diag *d)
{
    struct stat sb;
    bool exists = stat(path, &sb) == 0;
    if (!exists && !(flags & TIX_STORE_CREATE))
        return tix_diag_set(d, TIX_ENOTFOUND, "%s: no such store (run 'tix init')", path);
    if (exists && !S_ISREG(sb.st_mode))
        return tix_diag_set(d, TIX_EINVAL, "%s: not a regular file", path);

    sq_store *q = calloc(1, sizeof *q);
    if (!q || !(q->path = strdup(path))) {
        free(q);
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    }
    q->base.ops = &sq_ops;
    tix_buf_init(&q->pend_vals, (size_t)1 << 32);
    tix_buf_init(&q->ev_strs, (size_t)1 << 32);
    q->base.readonly = (flags & TIX_STORE_READONLY) != 0;
    int oflags = q->base.readonly ? SQLITE_OPEN_READONLY
                                  : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    tix_err e = TIX_EOK;
    if (sqlite3_open_v2(path, &q->db, oflags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        e = dberr(q, d, "opening");
        goto fail;
    }
    sqlite3_busy_timeout(q->db, 10000);
    sqlite3_extended_result_codes(q->db, 1);
    /* Look before setting anything up: journal_mode=WAL is a lasting change
     * of the file, not to be made to a database that is not ours, whether
     * opened for writing or not. */
    int v = sq_user_version(q->db);
    if (v < 0) {
        e = dberr(q, d, "not a tix store");
        goto fail;
    }
    if (v == 0 && exists && sb.st_size > 0) {
        sqlite3_stmt *st;
        int tables = 0;
        if (sqlite3_prepare_v2(q->db, "SELECT count(*) FROM sqlite_master", -1, &st,
                               NULL) == SQLITE_OK) {
            if (sqlite3_step(st) == SQLITE_ROW)
                tables = sqlite3_column_int(st, 0);
            sqlite3_finalize(st);
        }
        if (tables > 0) {
            e = tix_diag_set(d, TIX_EINVAL, "%s: a SQLite database, but not a tix store",
                             path);
            goto fail;
        }
    }
    /* WAL keeps readers going while one writer ingests, and a killed writer
     * leaves only an uncommitted tail that the next open discards.
     * synchronous=NORMAL: a commit survives a crash of tix; only a power
     * loss may take back the last commits, never corrupt the file. */
    const char *pragmas =
        q->base.readonly
            ? "PRAGMA query_only=1; PRAGMA cache_size=-65536;"
            : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
              "PRAGMA cache_size=-131072; PRAGMA temp_store=MEMORY;"
              "PRAGMA foreign_keys=OFF;";
    char *err = NULL;
    if (sqlite3_exec(q->db, pragmas, NULL, NULL, &err) != SQLITE_OK) {
        e = tix_diag_set(d, TIX_EDB, "%s: %s", path, err ? err : "cannot set up");
        sqlite3_free(err);
        goto fail;
    }
    if (v != tix_store_schema_current()) {
        if (q->base.readonly) {
            e = tix_diag_set(d, TIX_EUNSUPPORTED,
                             "%s: schema version %d, this tix reads %d (open it "
                             "for writing once to migrate)",
                             path, v, tix_store_schema_current());
            goto fail;
        }
        if ((e = sq_migrate(q->db, path, d)))
            goto fail;
    }
    *out = &q->base;
    return TIX_EOK;
fail:
    sq_close(&q->base);
    return e ? e : TIX_EDB;
}

/* ---- transactions ---- */

static tix_err sq_begin(tix_store *s, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    memset(q->trust_src, 0, sizeof q->trust_src);
    if (sqlite3_exec(q->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
        return dberr(q, d, "starting a transaction");
    sqlite3_stmt *st = stmt(q, ST_OBS_MAXID, d);
    if (!st || sqlite3_step(st) != SQLITE_ROW) {
        tix_err e = st ? dberr(q, d, "reading the last id") : TIX_EDB;
        if (st)
            done(st);
        sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
        return e;
    }
    q->next_id = q->pend_base = sqlite3_column_int64(st, 0) + 1;
    done(st);
    st = stmt(q, ST_EV_MAXID, d);
    if (!st || sqlite3_step(st) != SQLITE_ROW) {
        tix_err e = st ? dberr(q, d, "reading the evidence counter") : TIX_EDB;
        if (st)
            done(st);
        sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
        return e;
    }
    q->next_ev = q->first_ev = sqlite3_column_int64(st, 0) + 1;
    done(st);
    return TIX_EOK;
}

static size_t pend_slot(const uint8_t uuid[16], int type, size_t mask)
{
    uint64_t h;
    memcpy(&h, uuid, 8); /* a UUIDv5 is a SHA-1: its bytes are already mixed */
    return (size_t)(h ^ (uint64_t)type * 0x9E3779B97F4A7C15ull) & mask;
}

static pend_ent *pend_find(sq_store *q, const uint8_t uuid[16], int type)
{
    if (!q->pend_len)
        return NULL;
    size_t j = pend_slot(uuid, type, q->pend_cap - 1);
    while (q->pend[j].used) {
        if (q->pend[j].type == type && memcmp(q->pend[j].uuid, uuid, 16) == 0)
            return &q->pend[j];
        j = (j + 1) & (q->pend_cap - 1);
    }
    return NULL;
}

static int pend_grow(sq_store *q)
{
    size_t cap = q->pend_cap ? q->pend_cap * 2 : 1024;
    pend_ent *e = calloc(cap, sizeof *e);
    if (!e)
        return -1;
    for (size_t i = 0; i < q->pend_cap; i++) {
        if (!q->pend[i].used)
            continue;
        size_t j = pend_slot(q->pend[i].uuid, q->pend[i].type, cap - 1);
        while (e[j].used)
            j = (j + 1) & (cap - 1);
        e[j] = q->pend[i];
    }
    free(q->pend);
    q->pend = e;
    q->pend_cap = cap;
    return 0;
}

static int pend_cmp(const void *a, const void *b)
{
    const pend_ent *x = a, *y = b;
    int c = memcmp(x->uuid, y->uuid, 16);
    return c ? c : x->type - y->type;
}

static void pend_clear(sq_store *q)
{
    if (q->pend_len)
        memset(q->pend, 0, q->pend_cap * sizeof *q->pend);
    q->pend_len = 0;
    tix_buf_reset(&q->pend_vals);
    q->nevs = 0;
    tix_buf_reset(&q->ev_strs);
    q->pend_base = q->next_id;
}

static int ev_cmp(const void *a, const void *b)
{
    const ev_row *x = a, *y = b;
    if (x->obs != y->obs)
        return x->obs < y->obs ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static void bind_str(sq_store *q, sqlite3_stmt *st, int i, int64_t off)
{
    if (off >= 0)
        sqlite3_bind_text(st, i, q->ev_strs.p + off, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

static tix_err add_support(sq_store *q, int64_t obs, int64_t src, int best, int64_t n,
                           tix_diag *d)
{
    sqlite3_stmt *st = stmt(q, ST_SUP_ADD, d);
    if (!st)
        return TIX_EDB;
    sqlite3_bind_int64(st, 1, obs);
    sqlite3_bind_int64(st, 2, src);
    sqlite3_bind_int(st, 3, best);
    sqlite3_bind_int64(st, 4, n);
    return step_done(q, st, d, "summing support");
}

/* The buffered evidence, in (observable, id) order: new rows land at the
 * end of each observable's range. */
static tix_err write_evidence(sq_store *q, tix_diag *d)
{
    int64_t run = 0, run_obs = 0, run_src = 0;
    int run_best = 0;
    sqlite3_stmt *st = stmt(q, ST_EV_INS, d);
    if (!st)
        return TIX_EDB;
    if (q->nevs > 1) /* q->evs is NULL until the first evidence row */
        qsort(q->evs, q->nevs, sizeof *q->evs, ev_cmp);
    for (size_t i = 0; i < q->nevs; i++) {
        const ev_row *r = &q->evs[i];
        sqlite3_bind_int64(st, 1, r->obs);
        sqlite3_bind_int64(st, 2, r->src);
        bind_id(st, 3, r->sample);
        bind_id(st, 4, r->doc);
        if (r->line)
            sqlite3_bind_int64(st, 5, (int64_t)r->line);
        else
            sqlite3_bind_null(st, 5);
        if (r->offset >= 0)
            sqlite3_bind_int64(st, 6, r->offset);
        else
            sqlite3_bind_null(st, 6);
        sqlite3_bind_int64(st, 7, r->count);
        sqlite3_bind_int64(st, 8, r->first);
        sqlite3_bind_int64(st, 9, r->last);
        sqlite3_bind_int(st, 10, r->conf);
        sqlite3_bind_int(st, 11, r->tlp);
        if (r->port > 0)
            sqlite3_bind_int(st, 12, r->port);
        else
            sqlite3_bind_null(st, 12);
        bind_str(q, st, 13, r->family);
        bind_str(q, st, 14, r->tags);
        bind_str(q, st, 15, r->place);
        sqlite3_bind_int(st, 16, (int)r->flags);
        sqlite3_bind_int64(st, 17, r->ingested);
        sqlite3_bind_int64(st, 18, r->id);
        bind_str(q, st, 19, r->extractor);
        tix_err e = step_done(q, st, d, "adding evidence");
        if (e)
            return e;
        /* a run of rows of one (observable, source) is one support change */
        if (!run || run_obs != r->obs || run_src != r->src) {
            if (run && (e = add_support(q, run_obs, run_src, run_best, run, d)))
                return e;
            run_obs = r->obs;
            run_src = r->src;
            run_best = r->conf;
            run = 0;
        }
        if (r->conf > run_best)
            run_best = r->conf;
        run++;
    }
    if (run)
        return add_support(q, run_obs, run_src, run_best, run, d);
    return TIX_EOK;
}


static tix_err trust_of(sq_store *q, int64_t src, int *trust, tix_diag *d)
{
    unsigned slot = (unsigned)src & 7u;
    if (q->trust_src[slot] == src) {
        *trust = q->trust_val[slot];
        return TIX_EOK;
    }
    sqlite3_stmt *st = stmt(q, ST_SRC_TRUST, d);
    if (!st)
        return TIX_EDB;
    sqlite3_bind_int64(st, 1, src);
    int rc = sqlite3_step(st);
    *trust = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    done(st);
    if (rc != SQLITE_ROW)
        return tix_diag_set(d, TIX_EINVAL, "no source with id %lld", (long long)src);
    q->trust_src[slot] = src;
    q->trust_val[slot] = *trust;
    return TIX_EOK;
}

/* The confidence of an observable from every support row it has. */
static tix_err recompute(sq_store *q, int64_t obs, int *conf, uint32_t *nsrc,
                         tix_diag *d)
{
    sqlite3_stmt *st = stmt(q, ST_SUP_GET, d);
    if (!st)
        return TIX_EDB;
    tix_support sup[64];
    size_t n = 0;
    uint32_t total = 0;
    sqlite3_bind_int64(st, 1, obs);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        total++;
        if (n == 64) {
            /* keep the 64 strongest: more sources cannot lower the result */
            size_t weakest = 0;
            for (size_t i = 1; i < n; i++)
                if (sup[i].confidence < sup[weakest].confidence)
                    weakest = i;
            if (sqlite3_column_int(st, 0) <= sup[weakest].confidence)
                continue;
            n = weakest;
        }
        sup[n].confidence = sqlite3_column_int(st, 0);
        sup[n].n = (uint64_t)sqlite3_column_int64(st, 1);
        if (n < 64 && n == total - 1)
            n++;
        else
            n = 64;
    }
    done(st);
    if (rc != SQLITE_DONE)
        return dberr(q, d, "reading support");
    *conf = tix_confidence(sup, n);
    *nsrc = total;
    return TIX_EOK;
}

tix_err sq_flush(sq_store *q, tix_diag *d)
{
    sqlite3_stmt *ou = stmt(q, ST_OBS_UPD, d);
    if (!ou)
        return TIX_EDB;
    tix_err e;
    sqlite3_stmt *ins = stmt(q, ST_OBS_INS, d);
    if (!ins)
        return TIX_EDB;
    /* New observables are inserted in uuid order, so that the uuid index
     * grows in order within a batch. They keep the ids put handed out:
     * callers hold them (the very put that triggers this flush returns
     * one), so renumbering them here would send later evidence to another
     * observable. */
    size_t np = 0;
    for (size_t i = 0; i < q->pend_cap && np < q->pend_len; i++)
        if (q->pend[i].used)
            q->pend[np++] = q->pend[i];
    if (np > 1) /* q->pend is NULL until the first new observable */
        qsort(q->pend, np, sizeof *q->pend, pend_cmp);
    if ((e = write_evidence(q, d)))
        return e;
    for (size_t i = 0; i < np; i++) {
        pend_ent *p = &q->pend[i];
        bool fresh;
        touch_ent *t = touch_get(&q->obs, p->id, 0, &fresh);
        if (!t)
            return tix_diag_set(d, TIX_ENOMEM, "out of memory");
        int conf = 0;
        uint32_t nsrc = 0;
        if (t->n && t->nsup == 1) {
            tix_support one = {t->conf, t->n};
            conf = tix_confidence(&one, 1);
            nsrc = 1;
        } else if (t->n && (e = recompute(q, p->id, &conf, &nsrc, d))) {
            return e;
        }
        sqlite3_bind_int64(ins, 1, p->id);
        sqlite3_bind_int(ins, 2, p->type);
        sqlite3_bind_text(ins, 3, q->pend_vals.p + p->off, (int)p->len, SQLITE_STATIC);
        sqlite3_bind_blob(ins, 4, p->uuid, 16, SQLITE_STATIC);
        if (t->n) {
            sqlite3_bind_int64(ins, 5, t->first);
            sqlite3_bind_int64(ins, 6, t->last);
        } else {
            /* known only as a URL's host: never seen on its own */
            sqlite3_bind_null(ins, 5);
            sqlite3_bind_null(ins, 6);
        }
        sqlite3_bind_int64(ins, 7, (int64_t)t->n);
        sqlite3_bind_int(ins, 8, (int)nsrc);
        sqlite3_bind_int(ins, 9, conf);
        if ((e = step_done(q, ins, d, "adding an observable")))
            return e;
        t->used = true;
        t->created = true;
    }
    pend_clear(q);
    for (size_t i = 0; i < q->obs.cap; i++) {
        const touch_ent *t = &q->obs.e[i];
        if (!t->used || t->n == 0 || t->created)
            continue;
        int conf;
        uint32_t nsrc;
        if ((e = recompute(q, t->obs, &conf, &nsrc, d)))
            return e;
        sqlite3_bind_int64(ou, 1, t->first);
        sqlite3_bind_int64(ou, 2, t->last);
        sqlite3_bind_int64(ou, 3, (int64_t)t->n);
        sqlite3_bind_int(ou, 4, (int)nsrc);
        sqlite3_bind_int(ou, 5, conf);
        sqlite3_bind_int64(ou, 6, t->obs);
        if ((e = step_done(q, ou, d, "updating an observable")))
            return e;
    }
    touch_clear(&q->sup);
    touch_clear(&q->obs);
    return TIX_EOK;
}

static tix_err sq_commit(tix_store *s, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    tix_err e = sq_flush(q, d);
    if (e)
        return e;
    if (q->next_ev != q->first_ev) {
        sqlite3_stmt *st = stmt(q, ST_EV_SETID, d);
        if (!st)
            return TIX_EDB;
        sqlite3_bind_int64(st, 1, q->next_ev - 1);
        if ((e = step_done(q, st, d, "updating the evidence counter")))
            return e;
    }
    if (sqlite3_exec(q->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        return dberr(q, d, "committing");
    return TIX_EOK;
}

static void sq_rollback(tix_store *s)
{
    sq_store *q = (sq_store *)s;
    pend_clear(q);
    touch_clear(&q->sup);
    touch_clear(&q->obs);
    memset(q->trust_src, 0, sizeof q->trust_src);
    sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
}

/* ---- writes ---- */

static void read_source(sq_store *q, sqlite3_stmt *st, tix_source *out, bool keep)
{
    out->id = sqlite3_column_int64(st, 0);
    out->name = keep ? hold(q, st, 1) : (const char *)sqlite3_column_text(st, 1);
    out->kind = (tix_source_kind)sqlite3_column_int(st, 2);
    out->trust = sqlite3_column_int(st, 3);
    out->created = sqlite3_column_int64(st, 4);
}

static tix_err sq_source_get(tix_store *s, const char *name, tix_source *out, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    release(q);
    sqlite3_stmt *st = stmt(q, ST_SRC_GET, d);
    if (!st)
        return TIX_EDB;
    bind_text(st, 1, name);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_source(q, st, out, true);
    done(st);
    if (rc == SQLITE_ROW)
        return TIX_EOK;
    if (rc == SQLITE_DONE)
        return tix_diag_set(d, TIX_ENOTFOUND, "no source '%s'", name);
    return dberr(q, d, "reading a source");
}

static tix_err sq_source_put(tix_store *s, const char *name, tix_source_kind kind,
                             int trust, tix_source *out, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    tix_diag quiet = TIX_DIAG_INIT;
    tix_err e = sq_source_get(s, name, out, &quiet);
    if (e != TIX_ENOTFOUND)
        return e ? tix_diag_set(d, e, "%s", quiet.msg) : TIX_EOK;
    sqlite3_stmt *st = stmt(q, ST_SRC_INS, d);
    if (!st)
        return TIX_EDB;
    int64_t now = q->base.now ? q->base.now : tix_time_now();
    bind_text(st, 1, name);
    sqlite3_bind_int(st, 2, kind);
    sqlite3_bind_int(st, 3, trust);
    sqlite3_bind_int64(st, 4, now);
    if ((e = step_done(q, st, d, "adding a source")))
        return e;
    return sq_source_get(s, name, out, d);
}

static tix_err sq_source_set(tix_store *s, const char *name, tix_source_kind kind,
                             int trust, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    tix_source src;
    tix_err e = sq_source_get(s, name, &src, d);
    if (e)
        return e;
    sqlite3_stmt *st = stmt(q, ST_SRC_SET, d);
    if (!st)
        return TIX_EDB;
    sqlite3_bind_int(st, 1, kind);
    sqlite3_bind_int(st, 2, trust);
    bind_text(st, 3, name);
    if ((e = step_done(q, st, d, "updating a source")))
        return e;
    memset(q->trust_src, 0, sizeof q->trust_src);
    /* Every observable this source supports gets its confidence again. */
    if ((e = sq_flush(q, d)))
        return e;
    sqlite3_stmt *ids = stmt(q, ST_SRC_OBS, d), *ou = stmt(q, ST_OBS_UPD, d);
    if (!ids || !ou)
        return TIX_EDB;
    sqlite3_bind_int64(ids, 1, src.id);
    int rc;
    while ((rc = sqlite3_step(ids)) == SQLITE_ROW) {
        int64_t obs = sqlite3_column_int64(ids, 0);
        int conf;
        uint32_t nsrc;
        if ((e = recompute(q, obs, &conf, &nsrc, d))) {
            done(ids);
            return e;
        }
        /* first/last: min/max with themselves leaves them as they are */
        sqlite3_bind_null(ou, 1);
        sqlite3_bind_null(ou, 2);
        sqlite3_bind_int64(ou, 3, 0);
        sqlite3_bind_int(ou, 4, (int)nsrc);
        sqlite3_bind_int(ou, 5, conf);
        sqlite3_bind_int64(ou, 6, obs);
        if ((e = step_done(q, ou, d, "updating an observable"))) {
            done(ids);
            return e;
        }
    }
    done(ids);
    return rc == SQLITE_DONE ? TIX_EOK : dberr(q, d, "reading support");
}

static tix_err sq_document_put(tix_store *s, tix_document *io, bool *created, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    sqlite3_stmt *st = stmt(q, ST_DOC_GET, d);
    if (!st)
        return TIX_EDB;
    sqlite3_bind_blob(st, 1, io->sha256, 32, SQLITE_STATIC);
    bind_text(st, 2, io->kind);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        io->id = sqlite3_column_int64(st, 0);
        io->ingested = sqlite3_column_int64(st, 1);
        io->records = (uint64_t)sqlite3_column_int64(st, 2);
        *created = false;
    }
    done(st);
    if (rc == SQLITE_ROW)
        return TIX_EOK;
    if (rc != SQLITE_DONE)
        return dberr(q, d, "reading a document");
    if (!(st = stmt(q, ST_DOC_INS, d)))
        return TIX_EDB;
    sqlite3_bind_blob(st, 1, io->sha256, 32, SQLITE_STATIC);
    bind_text(st, 2, io->kind);
    bind_text(st, 3, io->name);
    sqlite3_bind_int64(st, 4, (int64_t)io->size);
    sqlite3_bind_int64(st, 5, io->source_id);
    sqlite3_bind_int64(st, 6, io->ingested);
    tix_err e = step_done(q, st, d, "adding a document");
    if (e)
        return e;
    io->id = sqlite3_last_insert_rowid(q->db);
    *created = true;
    return TIX_EOK;
}

static tix_err sq_document_set_records(tix_store *s, int64_t id, uint64_t n, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    sqlite3_stmt *st = stmt(q, ST_DOC_REC, d);
    if (!st)
        return TIX_EDB;
    sqlite3_bind_int64(st, 1, (int64_t)n);
    sqlite3_bind_int64(st, 2, id);
    return step_done(q, st, d, "updating a document");
}

static void read_sample(sq_store *q, sqlite3_stmt *st, tix_sample *out)
{
    memset(out, 0, sizeof *out);
    out->id = sqlite3_column_int64(st, 0);
    memcpy(out->sha256, sqlite3_column_blob(st, 1), 32);
    memcpy(out->sha1, sqlite3_column_blob(st, 2), 20);
    memcpy(out->md5, sqlite3_column_blob(st, 3), 16);
    out->size = (uint64_t)sqlite3_column_int64(st, 4);
    out->name = hold(q, st, 5);
    out->file_type = hold(q, st, 6);
    out->mime = hold(q, st, 7);
    out->first_seen = sqlite3_column_int64(st, 8);
    out->source_id = sqlite3_column_int64(st, 9);
    out->document_id = sqlite3_column_int64(st, 10);
}

static tix_err sq_sample_get(tix_store *s, const uint8_t *hash, size_t n,
                             tix_sample *out, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    release(q);
    int which = n == 32 ? ST_SAMPLE_256 : n == 20 ? ST_SAMPLE_SHA1 : ST_SAMPLE_MD5;
    sqlite3_stmt *st = stmt(q, which, d);
    if (!st)
        return TIX_EDB;
    sqlite3_bind_blob(st, 1, hash, (int)n, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_bytes(st, 1) == 32)
        read_sample(q, st, out);
    done(st);
    if (rc == SQLITE_ROW)
        return TIX_EOK;
    if (rc == SQLITE_DONE)
        return tix_diag_set(d, TIX_ENOTFOUND, "no such sample");
    return dberr(q, d, "reading a sample");
}

static tix_err sq_sample_put(tix_store *s, tix_sample *io, bool *created, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    sqlite3_stmt *st = stmt(q, ST_SAMPLE_256, d);
    if (!st)
        return TIX_EDB;
    sqlite3_bind_blob(st, 1, io->sha256, 32, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        io->id = sqlite3_column_int64(st, 0);
    done(st);
    if (rc == SQLITE_ROW) {
        *created = false;
        return TIX_EOK;
    }
    if (rc != SQLITE_DONE)
        return dberr(q, d, "reading a sample");
    if (!(st = stmt(q, ST_SAMPLE_INS, d)))
        return TIX_EDB;
    sqlite3_bind_blob(st, 1, io->sha256, 32, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, io->sha1, 20, SQLITE_STATIC);
    sqlite3_bind_blob(st, 3, io->md5, 16, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, (int64_t)io->size);
    bind_text(st, 5, io->name);
    bind_text(st, 6, io->file_type);
    bind_text(st, 7, io->mime);
    sqlite3_bind_int64(st, 8, io->first_seen);
    sqlite3_bind_int64(st, 9, io->source_id);
    bind_id(st, 10, io->document_id);
    tix_err e = step_done(q, st, d, "adding a sample");
    if (e)
        return e;
    io->id = sqlite3_last_insert_rowid(q->db);
    *created = true;
    return TIX_EOK;
}

static tix_err sq_observable_put(tix_store *s, tix_obs_type type, const char *value,
                                 size_t len, const uint8_t uuid[16], int64_t *id,
                                 bool *created, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    const pend_ent *p = pend_find(q, uuid, (int)type);
    if (p) {
        *id = p->id;
        if (created)
            *created = false;
        return TIX_EOK;
    }
    sqlite3_stmt *st = stmt(q, ST_OBS_FIND, d);
    if (!st)
        return TIX_EDB;
    sqlite3_bind_blob(st, 1, uuid, 16, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, type);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    done(st);
    if (rc == SQLITE_ROW) {
        if (created)
            *created = false;
        return TIX_EOK;
    }
    if (rc != SQLITE_DONE)
        return dberr(q, d, "looking up an observable");
    if ((q->pend_len + 1) * 4 > q->pend_cap * 3 && pend_grow(q) != 0)
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    size_t j = pend_slot(uuid, (int)type, q->pend_cap - 1);
    while (q->pend[j].used)
        j = (j + 1) & (q->pend_cap - 1);
    pend_ent *n = &q->pend[j];
    memcpy(n->uuid, uuid, 16);
    n->type = (int)type;
    n->used = true;
    n->id = q->next_id++;
    n->off = q->pend_vals.len;
    n->len = len;
    tix_buf_add(&q->pend_vals, value, len);
    if (q->pend_vals.err)
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    q->pend_len++;
    *id = n->id;
    if (created)
        *created = true;
    if (q->pend_len >= FLUSH_AT)
        return sq_flush(q, d);
    return TIX_EOK;
}

static int64_t keep_str(sq_store *q, const char *str)
{
    if (!str || !*str)
        return -1;
    int64_t off = (int64_t)q->ev_strs.len;
    tix_buf_add(&q->ev_strs, str, strlen(str) + 1);
    return off;
}

static tix_err sq_evidence_add(tix_store *s, const tix_evidence *ev, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    int64_t first = ev->first_seen, last = ev->last_seen > first ? ev->last_seen : first;
    if (tix__grow(&q->evs, &q->capevs, q->nevs, sizeof *q->evs, 1024) != 0)
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    ev_row *r = &q->evs[q->nevs];
    *r = (ev_row){
        .obs = ev->observable_id, .src = ev->source_id, .sample = ev->sample_id,
        .doc = ev->document_id, .id = q->next_ev, .offset = ev->offset,
        .first = first, .last = last, .ingested = ev->ingested, .line = ev->line,
        .family = keep_str(q, ev->family), .tags = keep_str(q, ev->tags),
        .place = keep_str(q, ev->place), .extractor = keep_str(q, ev->extractor),
        .count = ev->count ? ev->count : 1,
        .flags = ev->flags, .conf = ev->confidence,
        .tlp = ev->tlp < 0 ? TIX_TLP_AMBER : ev->tlp, .port = ev->port,
    };
    if (q->ev_strs.err)
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    q->nevs++;
    q->next_ev++;
    tix_err e;

    int trust;
    if ((e = trust_of(q, ev->source_id, &trust, d)))
        return e;
    bool fresh_o, fresh_s;
    touch_ent *o = touch_get(&q->obs, ev->observable_id, 0, &fresh_o);
    if (!o)
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    if (fresh_o) {
        /* provisional ids start at pend_base: made since the last flush */
        o->created = ev->observable_id >= q->pend_base;
        o->one_src = ev->source_id; /* the one source, until a second shows */
        o->nsup = 1;
    } else if (o->one_src != ev->source_id) {
        /* more than one source in this batch: count them in the pair map */
        if (o->one_src) {
            touch_ent *u = touch_get(&q->sup, ev->observable_id, o->one_src, &fresh_s);
            if (!u)
                return tix_diag_set(d, TIX_ENOMEM, "out of memory");
            o->one_src = 0;
        }
        touch_ent *u = touch_get(&q->sup, ev->observable_id, ev->source_id, &fresh_s);
        if (!u)
            return tix_diag_set(d, TIX_ENOMEM, "out of memory");
        if (fresh_s)
            o->nsup++;
    }
    int eff = ev->confidence * trust / 100;
    if (o->n == 0 || first < o->first)
        o->first = first;
    if (o->n == 0 || last > o->last)
        o->last = last;
    o->n++;
    if (eff > o->conf)
        o->conf = eff;
    if (q->sup.len >= FLUSH_AT || q->obs.len >= FLUSH_AT || q->nevs >= FLUSH_AT)
        return sq_flush(q, d);
    return TIX_EOK;
}

static tix_err sq_relationship_add(tix_store *s, const tix_relationship *r, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    sqlite3_stmt *st = stmt(q, ST_REL_UPSERT, d);
    if (!st)
        return TIX_EDB;
    int64_t first = r->first_seen, last = r->last_seen > first ? r->last_seen : first;
    bind_text(st, 1, r->src);
    bind_text(st, 2, r->type);
    bind_text(st, 3, r->dst);
    sqlite3_bind_int64(st, 4, r->source_id);
    bind_id(st, 5, r->document_id);
    sqlite3_bind_int64(st, 6, first);
    sqlite3_bind_int64(st, 7, last);
    sqlite3_bind_int(st, 8, r->tlp < 0 ? TIX_TLP_AMBER : r->tlp);
    return step_done(q, st, d, "adding a relationship");
}

static tix_err sq_object_put(tix_store *s, const tix_object *o, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    sqlite3_stmt *st = stmt(q, ST_OBJ_UPSERT, d);
    if (!st)
        return TIX_EDB;
    bind_text(st, 1, o->stix_id);
    bind_text(st, 2, o->type);
    bind_text(st, 3, o->name);
    sqlite3_bind_int64(st, 4, o->created);
    sqlite3_bind_int64(st, 5, o->modified);
    sqlite3_bind_int(st, 6, o->tlp < 0 ? TIX_TLP_AMBER : o->tlp);
    sqlite3_bind_int64(st, 7, o->source_id);
    bind_id(st, 8, o->document_id);
    bind_text(st, 9, o->json ? o->json : "{}");
    return step_done(q, st, d, "storing an object");
}

/* ---- reads ---- */

static tix_err sq_source_each(tix_store *s, tix_source_fn fn, void *ud, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    sqlite3_stmt *st = stmt(q, ST_SRC_ALL, d);
    if (!st)
        return TIX_EDB;
    int rc;
    tix_err e = TIX_EOK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        tix_source src;
        read_source(q, st, &src, false);
        if (fn(ud, &src)) {
            e = TIX_ESTOPPED;
            break;
        }
    }
    done(st);
    if (!e && rc != SQLITE_DONE)
        return dberr(q, d, "listing sources");
    return e;
}

void sq_read_obs(sqlite3_stmt *st, tix_obs_rec *r, const char *value)
{
    r->id = sqlite3_column_int64(st, 0);
    r->type = (tix_obs_type)sqlite3_column_int(st, 1);
    r->value = value;
    const uint8_t *u = sqlite3_column_blob(st, 3);
    char uuid[37];
    tix_uuid_format(u, uuid);
    snprintf(r->stix_id, sizeof r->stix_id, "%s--%s", tix_obs_stix_type(r->type), uuid);
    r->first_seen = sqlite3_column_int64(st, 4);
    r->last_seen = sqlite3_column_int64(st, 5);
    r->n_evidence = (uint64_t)sqlite3_column_int64(st, 6);
    r->n_sources = (uint32_t)sqlite3_column_int(st, 7);
    r->confidence = sqlite3_column_int(st, 8);
    r->status = sqlite3_column_count(st) > 9 ? (tix_vet_status)sqlite3_column_int(st, 9)
                                             : TIX_VET_CLEAR;
}

static tix_err sq_observable_get(tix_store *s, uint32_t types, const uint8_t uuid[16],
                                 tix_obs_rec *out, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    release(q);
    sqlite3_stmt *st = stmt(q, ST_OBS_GET, d);
    if (!st)
        return TIX_EDB;
    sqlite3_bind_blob(st, 1, uuid, 16, SQLITE_STATIC);
    int rc;
    bool found = false;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!(types & TIX_OBS_BIT(sqlite3_column_int(st, 1))))
            continue;
        sq_read_obs(st, out, hold(q, st, 2));
        found = true;
        break;
    }
    done(st);
    if (found)
        return TIX_EOK;
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return dberr(q, d, "reading an observable");
    return tix_diag_set(d, TIX_ENOTFOUND, "not in the store");
}

static tix_err sq_observable_each(tix_store *s, const tix_obs_filter *f, tix_obs_fn fn,
                                  void *ud, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    char query[1024];
    int n = snprintf(query, sizeof query,
                     "SELECT * FROM (SELECT " OBS_COLS "," OBS_STATUS
                     " AS status FROM observable o WHERE 1");
    if (f->types && f->types != TIX_OBS_ALL) {
        n += snprintf(query + n, sizeof query - (size_t)n, " AND o.type IN (");
        const char *sep = "";
        for (int t = 0; t < TIX_OBS_COUNT; t++)
            if (f->types & TIX_OBS_BIT(t)) {
                n += snprintf(query + n, sizeof query - (size_t)n, "%s%d", sep, t);
                sep = ",";
            }
        n += snprintf(query + n, sizeof query - (size_t)n, ")");
    }
    if (f->source)
        n += snprintf(query + n, sizeof query - (size_t)n,
                      " AND EXISTS(SELECT 1 FROM evidence e JOIN source so ON "
                      "so.id=e.source_id WHERE e.observable_id=o.id AND so.name=?1)");
    if (f->since)
        n += snprintf(query + n, sizeof query - (size_t)n, " AND o.last_seen>=?2");
    if (f->min_confidence > 0)
        n += snprintf(query + n, sizeof query - (size_t)n, " AND o.confidence>=?3");
    if (f->after_id > 0)
        n += snprintf(query + n, sizeof query - (size_t)n, " AND o.id>?5");
    n += snprintf(query + n, sizeof query - (size_t)n, ") WHERE 1");
    if (f->not_blocked)
        n += snprintf(query + n, sizeof query - (size_t)n, " AND status<2");
    if (f->status > 0)
        n += snprintf(query + n, sizeof query - (size_t)n, " AND status=%d", f->status - 1);
    n += snprintf(query + n, sizeof query - (size_t)n,
                  f->by_id ? " ORDER BY id" : " ORDER BY type,value");
    if (f->limit)
        snprintf(query + n, sizeof query - (size_t)n, " LIMIT ?4");
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(q->db, query, -1, &st, NULL) != SQLITE_OK)
        return dberr(q, d, "preparing a listing");
    if (f->source)
        bind_text(st, 1, f->source);
    if (f->since)
        sqlite3_bind_int64(st, 2, f->since);
    if (f->min_confidence > 0)
        sqlite3_bind_int(st, 3, f->min_confidence);
    if (f->limit)
        sqlite3_bind_int64(st, 4, (int64_t)f->limit);
    if (f->after_id > 0)
        sqlite3_bind_int64(st, 5, f->after_id);
    int rc;
    tix_err e = TIX_EOK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        tix_obs_rec r;
        sq_read_obs(st, &r, (const char *)sqlite3_column_text(st, 2));
        if (fn(ud, &r)) {
            e = TIX_ESTOPPED;
            break;
        }
    }
    if (!e && rc != SQLITE_DONE)
        e = dberr(q, d, "listing observables");
    sqlite3_finalize(st);
    return e;
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

static tix_err sq_evidence_each(tix_store *s, int64_t obs, int64_t sample,
                                tix_evidence_fn fn, void *ud, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    sqlite3_stmt *st = stmt(q, obs ? ST_EV_BY_OBS : ST_EV_BY_SAMPLE, d);
    if (!st)
        return TIX_EDB;
    sqlite3_bind_int64(st, 1, obs ? obs : sample);
    int rc;
    tix_err e = TIX_EOK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        tix_evidence_rec r;
        memset(&r, 0, sizeof r);
        tix_evidence *v = &r.ev;
        v->observable_id = sqlite3_column_int64(st, 0);
        v->source_id = sqlite3_column_int64(st, 1);
        v->sample_id = sqlite3_column_int64(st, 2);
        v->document_id = sqlite3_column_int64(st, 3);
        v->line = (uint64_t)sqlite3_column_int64(st, 4);
        v->offset = sqlite3_column_type(st, 5) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 5);
        v->count = (uint32_t)sqlite3_column_int64(st, 6);
        v->first_seen = sqlite3_column_int64(st, 7);
        v->last_seen = sqlite3_column_int64(st, 8);
        v->confidence = sqlite3_column_int(st, 9);
        v->tlp = (tix_tlp)sqlite3_column_int(st, 10);
        v->port = sqlite3_column_int(st, 11);
        v->family = col_text(st, 12);
        v->tags = col_text(st, 13);
        v->place = col_text(st, 14);
        v->flags = (unsigned)sqlite3_column_int(st, 15);
        v->ingested = sqlite3_column_int64(st, 16);
        r.source = col_text(st, 17);
        r.document = col_text(st, 18);
        r.sample_sha256 = col_text(st, 19);
        r.sample_name = col_text(st, 20);
        r.type = (tix_obs_type)sqlite3_column_int(st, 21);
        r.value = col_text(st, 22);
        v->extractor = col_text(st, 23);
        if (fn(ud, &r)) {
            e = TIX_ESTOPPED;
            break;
        }
    }
    done(st);
    if (!e && rc != SQLITE_DONE)
        return dberr(q, d, "reading evidence");
    return e;
}

static tix_err sq_relationship_each(tix_store *s, const char *stix_id,
                                    tix_relationship_fn fn, void *ud, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    sqlite3_stmt *st = stmt(q, ST_REL_BY, d);
    if (!st)
        return TIX_EDB;
    bind_text(st, 1, stix_id);
    int rc;
    tix_err e = TIX_EOK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        tix_relationship r = {
            col_text(st, 0), col_text(st, 1), col_text(st, 2),
            sqlite3_column_int64(st, 3), sqlite3_column_int64(st, 4),
            sqlite3_column_int64(st, 5), sqlite3_column_int64(st, 6),
            (tix_tlp)sqlite3_column_int(st, 7)};
        if (fn(ud, &r, col_text(st, 8))) {
            e = TIX_ESTOPPED;
            break;
        }
    }
    done(st);
    if (!e && rc != SQLITE_DONE)
        return dberr(q, d, "reading relationships");
    return e;
}

static tix_err sq_object_get(tix_store *s, const char *stix_id, tix_object *out,
                             tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    release(q);
    sqlite3_stmt *st = stmt(q, ST_OBJ_GET, d);
    if (!st)
        return TIX_EDB;
    bind_text(st, 1, stix_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->stix_id = hold(q, st, 0);
        out->type = hold(q, st, 1);
        out->name = hold(q, st, 2);
        out->created = sqlite3_column_int64(st, 3);
        out->modified = sqlite3_column_int64(st, 4);
        out->tlp = (tix_tlp)sqlite3_column_int(st, 5);
        out->source_id = sqlite3_column_int64(st, 6);
        out->document_id = sqlite3_column_int64(st, 7);
        out->json = hold(q, st, 8);
    }
    done(st);
    if (rc == SQLITE_ROW)
        return TIX_EOK;
    if (rc == SQLITE_DONE)
        return tix_diag_set(d, TIX_ENOTFOUND, "no object %s", stix_id);
    return dberr(q, d, "reading an object");
}

static tix_err count(sq_store *q, const char *query, uint64_t *out, tix_diag *d)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(q->db, query, -1, &st, NULL) != SQLITE_OK)
        return dberr(q, d, "counting");
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = (uint64_t)sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? TIX_EOK : dberr(q, d, "counting");
}

static tix_err sq_stats(tix_store *s, tix_store_stats *o, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    tix_err e;
    uint64_t pages = 0, psize = 0;
    if ((e = count(q, "SELECT count(*) FROM observable", &o->observables, d)) ||
        (e = count(q, "SELECT count(*) FROM evidence", &o->evidence, d)) ||
        (e = count(q, "SELECT count(*) FROM sample", &o->samples, d)) ||
        (e = count(q, "SELECT count(*) FROM source", &o->sources, d)) ||
        (e = count(q, "SELECT count(*) FROM document", &o->documents, d)) ||
        (e = count(q, "SELECT count(*) FROM relationship", &o->relationships, d)) ||
        (e = count(q, "SELECT count(*) FROM object", &o->objects, d)) ||
        (e = count(q, "PRAGMA page_count", &pages, d)) ||
        (e = count(q, "PRAGMA page_size", &psize, d)))
        return e;
    o->bytes = pages * psize;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(q->db, "SELECT type,count(*) FROM observable GROUP BY type",
                           -1, &st, NULL) != SQLITE_OK)
        return dberr(q, d, "counting");
    while (sqlite3_step(st) == SQLITE_ROW) {
        int t = sqlite3_column_int(st, 0);
        if (t >= 0 && t < TIX_OBS_COUNT)
            o->by_type[t] = (uint64_t)sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    return TIX_EOK;
}

static const struct store_ops sq_ops = {
    "sqlite",
    sq_close,
    sq_schema_version,
    sq_begin,
    sq_commit,
    sq_rollback,
    sq_source_put,
    sq_source_set,
    sq_document_put,
    sq_document_set_records,
    sq_sample_put,
    sq_observable_put,
    sq_evidence_add,
    sq_relationship_add,
    sq_object_put,
    sq_source_get,
    sq_source_each,
    sq_observable_get,
    sq_observable_each,
    sq_evidence_each,
    sq_relationship_each,
    sq_sample_get,
    sq_object_get,
    sq_stats,
    sq_list_put,
    sq_list_entry,
    sq_list_set_policy,
    sq_list_each,
    sq_list_get,
    sq_vet_clear,
    sq_verdict_add,
    sq_verdict_each,
    sq_flag_set,
    sq_flag_clear,
    sq_flag_each,
    sq_enrich_clear,
    sq_enrichment_put,
    sq_enrichment_get,
    sq_resolution_add,
    sq_resolution_each,
    sq_shared_hosts,
    sq_setting_get,
    sq_setting_set,
    sq_rule_file_put,
    sq_rule_file_rm,
    sq_rule_file_each,
    sq_rule_set_put,
    sq_rule_set_get,
    sq_sample_family_add,
    sq_sample_family_each,
    sq_config_put,
    sq_config_each,
    sq_family_each,
    &sq_export_ops,
    &sq_share_ops,
};
