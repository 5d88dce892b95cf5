/* sqlite_classify.c - rule files, the compiled rule set, sample families,
 * configurations, and the per-family view a takedown list is made of. */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"
#include "tix/time.h"

enum {
    C_RULE_PUT = SQC_FIRST, C_RULE_RM, C_RULE_ALL, C_RULE_ALL_TEXT,
    C_SET_PUT, C_SET_GET, C_FAM_ADD, C_FAM_BY, C_CFG_PUT, C_CFG_BY,
    C_END
};
_Static_assert((int)C_END <= (int)SQV_SLOTS, "statement slots");

static const char *const csql[C_END - SQC_FIRST] = {
    [C_RULE_PUT - SQC_FIRST] =
        "INSERT INTO rule_file(name,sha256,text,rules,added) VALUES(?1,?2,?3,?4,?5) "
        "ON CONFLICT(name) DO UPDATE SET sha256=?2,text=?3,rules=?4,added=?5 "
        "WHERE sha256<>?2",
    [C_RULE_RM - SQC_FIRST] = "DELETE FROM rule_file WHERE name=?",
    [C_RULE_ALL - SQC_FIRST] =
        "SELECT name,sha256,NULL,length(text),rules,added FROM rule_file ORDER BY name",
    [C_RULE_ALL_TEXT - SQC_FIRST] =
        "SELECT name,sha256,text,length(text),rules,added FROM rule_file ORDER BY name",
    [C_SET_PUT - SQC_FIRST] = "INSERT OR REPLACE INTO rule_set(id,engine,blob) VALUES(1,?,?)",
    [C_SET_GET - SQC_FIRST] = "SELECT engine,blob FROM rule_set WHERE id=1",
    [C_FAM_ADD - SQC_FIRST] =
        "INSERT OR IGNORE INTO sample_family(sample_id,family,rule) VALUES(?,?,?)",
    [C_FAM_BY - SQC_FIRST] =
        "SELECT family,rule FROM sample_family WHERE sample_id=? ORDER BY family,rule",
    [C_CFG_PUT - SQC_FIRST] =
        "INSERT OR IGNORE INTO config(sample_id,family,extractor,extractor_version,"
        "build,campaign,json,extracted) VALUES(?,?,?,?,?,?,?,?)",
    [C_CFG_BY - SQC_FIRST] =
        "SELECT sample_id,family,extractor,extractor_version,build,campaign,json,"
        "extracted FROM config WHERE sample_id=? ORDER BY extracted,id",
};

static sqlite3_stmt *cst(sq_store *q, int i, tix_diag *d)
{
    return sqv_stmt(q, i, csql[i - SQC_FIRST], d);
}

static const char *col(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

tix_err sq_rule_file_put(tix_store *s, const tix_rule_file_rec *r, bool *changed,
                         tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    sqlite3_stmt *st = cst(q, C_RULE_PUT, d);
    if (!st)
        return TIX_EDB;
    bind_text(st, 1, r->name);
    sqlite3_bind_blob(st, 2, r->sha256, 32, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, r->text, (int)r->len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, r->rules);
    sqlite3_bind_int64(st, 5, r->added ? r->added : q->base.now ? q->base.now : tix_time_now());
    tix_err e = step_done(q, st, d, "storing a rule file");
    if (!e && changed)
        *changed = sqlite3_changes(q->db) > 0;
    return e;
}

tix_err sq_rule_file_rm(tix_store *s, const char *name, bool *removed, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    sqlite3_stmt *st = cst(q, C_RULE_RM, d);
    if (!st)
        return TIX_EDB;
    bind_text(st, 1, name);
    tix_err e = step_done(q, st, d, "removing a rule file");
    if (!e && removed)
        *removed = sqlite3_changes(q->db) > 0;
    return e;
}

tix_err sq_rule_file_each(tix_store *s, bool with_text, tix_rule_file_fn fn, void *ud,
                          tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    sqlite3_stmt *st = cst(q, with_text ? C_RULE_ALL_TEXT : C_RULE_ALL, d);
    if (!st)
        return TIX_EDB;
    int rc;
    tix_err e = TIX_EOK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        tix_rule_file_rec r = {
            .name = col(st, 0), .text = col(st, 2),
            .len = (size_t)sqlite3_column_int64(st, 3),
            .rules = (uint32_t)sqlite3_column_int64(st, 4),
            .added = sqlite3_column_int64(st, 5),
        };
        const void *h = sqlite3_column_blob(st, 1);
        if (h && sqlite3_column_bytes(st, 1) == 32)
            memcpy(r.sha256, h, 32);
        if (fn(ud, &r)) {
            e = TIX_ESTOPPED;
            break;
        }
    }
    done(st);
    if (!e && rc != SQLITE_DONE)
        return dberr(q, d, "listing rule files");
    return e;
}

tix_err sq_rule_set_put(tix_store *s, const char *engine, const void *blob, size_t len,
                        tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    sqlite3_stmt *st = cst(q, C_SET_PUT, d);
    if (!st)
        return TIX_EDB;
    bind_text(st, 1, engine);
    sqlite3_bind_blob64(st, 2, blob ? blob : "", len, SQLITE_STATIC);
    return step_done(q, st, d, "storing the compiled rules");
}

tix_err sq_rule_set_get(tix_store *s, char **engine, void **blob, size_t *len,
                        tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    *engine = NULL;
    *blob = NULL;
    *len = 0;
    sqlite3_stmt *st = cst(q, C_SET_GET, d);
    if (!st)
        return TIX_EDB;
    int rc = sqlite3_step(st);
    tix_err e = TIX_EOK;
    if (rc == SQLITE_ROW) {
        size_t n = (size_t)sqlite3_column_bytes(st, 1);
        const void *b = sqlite3_column_blob(st, 1);
        const char *en = col(st, 0);
        *engine = strdup(en ? en : "");
        *blob = malloc(n ? n : 1);
        if (!*engine || !*blob) {
            free(*engine);
            free(*blob);
            *engine = NULL;
            *blob = NULL;
            e = tix_diag_set(d, TIX_ENOMEM, "out of memory");
        } else {
            if (n)
                memcpy(*blob, b, n);
            *len = n;
        }
    } else if (rc != SQLITE_DONE) {
        e = dberr(q, d, "reading the compiled rules");
    }
    done(st);
    return e;
}

tix_err sq_sample_family_add(tix_store *s, int64_t sample_id, const char *family,
                             const char *rule, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    sqlite3_stmt *st = cst(q, C_FAM_ADD, d);
    if (!st)
        return TIX_EDB;
    sqlite3_bind_int64(st, 1, sample_id);
    bind_text(st, 2, family);
    bind_text(st, 3, rule);
    return step_done(q, st, d, "tagging a sample");
}

tix_err sq_sample_family_each(tix_store *s, int64_t sample_id, tix_sample_family_fn fn,
                              void *ud, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    sqlite3_stmt *st = cst(q, C_FAM_BY, d);
    if (!st)
        return TIX_EDB;
    sqlite3_bind_int64(st, 1, sample_id);
    int rc;
    tix_err e = TIX_EOK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(ud, col(st, 0), col(st, 1))) {
            e = TIX_ESTOPPED;
            break;
        }
    done(st);
    if (!e && rc != SQLITE_DONE)
        return dberr(q, d, "reading a sample's families");
    return e;
}

tix_err sq_config_put(tix_store *s, const tix_config_rec *c, bool *created, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    sqlite3_stmt *st = cst(q, C_CFG_PUT, d);
    if (!st)
        return TIX_EDB;
    sqlite3_bind_int64(st, 1, c->sample_id);
    bind_text(st, 2, c->family);
    bind_text(st, 3, c->extractor);
    bind_text(st, 4, c->extractor_version ? c->extractor_version : "");
    bind_text(st, 5, c->build && *c->build ? c->build : NULL);
    bind_text(st, 6, c->campaign && *c->campaign ? c->campaign : NULL);
    bind_text(st, 7, c->json ? c->json : "{}");
    sqlite3_bind_int64(st, 8, c->extracted ? c->extracted : tix_time_now());
    tix_err e = step_done(q, st, d, "storing a configuration");
    if (!e && created)
        *created = sqlite3_changes(q->db) > 0;
    return e;
}

tix_err sq_config_each(tix_store *s, int64_t sample_id, tix_config_rec_fn fn, void *ud,
                       tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    sqlite3_stmt *st = cst(q, C_CFG_BY, d);
    if (!st)
        return TIX_EDB;
    sqlite3_bind_int64(st, 1, sample_id);
    int rc;
    tix_err e = TIX_EOK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        tix_config_rec c = {
            .sample_id = sqlite3_column_int64(st, 0), .family = col(st, 1),
            .extractor = col(st, 2), .extractor_version = col(st, 3),
            .build = col(st, 4) ? col(st, 4) : "", .campaign = col(st, 5) ? col(st, 5) : "",
            .json = col(st, 6), .extracted = sqlite3_column_int64(st, 7),
        };
        if (fn(ud, &c)) {
            e = TIX_ESTOPPED;
            break;
        }
    }
    done(st);
    if (!e && rc != SQLITE_DONE)
        return dberr(q, d, "reading configurations");
    return e;
}

/* The family's evidence is summed per observable first, so the per-row
 * lists below only look at the observables that have any. */
#define FAMILY_EV "e.observable_id=o.id AND e.family=?1 COLLATE NOCASE"

tix_err sq_family_each(tix_store *s, const char *family, int64_t since, uint32_t types,
                       tix_family_obs_fn fn, void *ud, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    tix_err e = sq_flush(q, d);
    if (e)
        return e;
    char query[3072];
    int n = snprintf(
        query, sizeof query,
        "SELECT " OBS_COLS "," OBS_STATUS ","
        "(SELECT group_concat(port, ',') FROM (SELECT DISTINCT e.port FROM evidence e "
        "WHERE " FAMILY_EV " AND e.port IS NOT NULL ORDER BY e.port)),"
        "f.first, f.last, f.nsamples, f.nsources,"
        "(SELECT group_concat(name, ',') FROM (SELECT DISTINCT so.name FROM evidence e "
        "JOIN source so ON so.id=e.source_id WHERE " FAMILY_EV " ORDER BY so.name)),"
        "(SELECT group_concat(x, ',') FROM (SELECT DISTINCT e.extractor x FROM evidence "
        "e WHERE " FAMILY_EV " AND e.extractor IS NOT NULL ORDER BY x)) "
        "FROM (SELECT observable_id oid, min(first_seen) first, max(last_seen) last, "
        "count(DISTINCT sample_id) nsamples, count(DISTINCT source_id) nsources "
        "FROM evidence WHERE family=?1 COLLATE NOCASE GROUP BY observable_id "
        "HAVING max(last_seen)>=?2) f JOIN observable o ON o.id=f.oid");
    if (types) {
        const char *sep = " WHERE o.type IN (";
        for (int t = 0; t < TIX_OBS_COUNT; t++)
            if (types & TIX_OBS_BIT(t)) {
                n += snprintf(query + n, sizeof query - (size_t)n, "%s%d", sep, t);
                sep = ",";
            }
        n += snprintf(query + n, sizeof query - (size_t)n, ")");
    }
    snprintf(query + n, sizeof query - (size_t)n, " ORDER BY o.type, o.value");
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(q->db, query, -1, &st, NULL) != SQLITE_OK)
        return dberr(q, d, "preparing a family listing");
    bind_text(st, 1, family);
    sqlite3_bind_int64(st, 2, since);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        tix_family_obs r;
        memset(&r, 0, sizeof r);
        sq_read_obs(st, &r.obs, col(st, 2));
        r.ports = col(st, 10) ? col(st, 10) : "";
        r.first_seen = sqlite3_column_int64(st, 11);
        r.last_seen = sqlite3_column_int64(st, 12);
        r.n_samples = (uint32_t)sqlite3_column_int64(st, 13);
        r.n_sources = (uint32_t)sqlite3_column_int64(st, 14);
        r.sources = col(st, 15) ? col(st, 15) : "";
        r.extractors = col(st, 16) ? col(st, 16) : "";
        if (fn(ud, &r)) {
            e = TIX_ESTOPPED;
            break;
        }
    }
    if (!e && rc != SQLITE_DONE)
        e = dberr(q, d, "listing a family");
    sqlite3_finalize(st);
    return e;
}
