/* sqlite_vet.c - the SQLite backend's vetting tables: warninglists and
 * their entries, verdicts, collateral flags, enrichment, passive DNS and
 * settings. */
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"
#include "tix/time.h"

enum {
    V_LIST_GET, V_LIST_INS, V_LIST_UPD, V_LIST_ENTRIES_DEL, V_ENTRY_INS, V_ENTRY_DEL,
    V_LIST_POLICY, V_LIST_ALL, V_LIST_ID, V_LIST_ENTRIES, V_VERDICT_CLEAR,
    V_FLAG_CLEAR, V_VERDICT_INS, V_VERDICT_BY, V_FLAG_SET, V_FLAG_BY, V_ENRICH_CLEAR,
    V_ENRICH_PUT, V_ENRICH_GET, V_RES_UPSERT, V_RES_BY_NAME, V_RES_BY_DATA,
    V_SET_GET, V_SET_PUT, V_FLAG_DROP, V_COUNT
};

static const char *const vsql[V_COUNT] = {
    [V_LIST_GET] = "SELECT id,version,policy_set FROM vlist WHERE name=?",
    [V_LIST_INS] = "INSERT INTO vlist(name,title,description,version,match,origin,policy,"
                   "kind,applies,loaded) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)",
    [V_LIST_UPD] = "UPDATE vlist SET title=?2,description=?3,version=?4,match=?5,"
                   "origin=?6,policy=CASE WHEN policy_set THEN policy ELSE ?7 END,"
                   "kind=?8,applies=?9,loaded=?10 WHERE id=?1",
    [V_LIST_ENTRIES_DEL] = "DELETE FROM vlist_entry WHERE list_id=?",
    [V_ENTRY_INS] = "INSERT OR IGNORE INTO vlist_entry(list_id,value,note) VALUES(?,?,?)",
    [V_ENTRY_DEL] = "DELETE FROM vlist_entry WHERE list_id=? AND value=?",
    [V_LIST_POLICY] = "UPDATE vlist SET policy=?,policy_set=1 WHERE name=?",
    [V_LIST_ALL] = "SELECT l.id,l.name,l.title,l.description,l.version,l.match,l.origin,"
                   "l.policy,l.kind,l.applies,l.policy_set,l.loaded,"
                   "(SELECT count(*) FROM vlist_entry e WHERE e.list_id=l.id) "
                   "FROM vlist l ORDER BY l.name",
    [V_LIST_ID] = "SELECT id,name,title,description,version,match,origin,policy,kind,"
                  "applies FROM vlist WHERE name=?",
    [V_LIST_ENTRIES] = "SELECT value,note FROM vlist_entry WHERE list_id=? ORDER BY value",
    [V_VERDICT_CLEAR] = "DELETE FROM verdict WHERE observable_id>?",
    [V_FLAG_CLEAR] = "DELETE FROM flag WHERE observable_id>?",
    [V_VERDICT_INS] = "INSERT OR REPLACE INTO verdict(observable_id,list_id,match,entry,"
                      "note,on_host) VALUES(?,?,?,?,?,?)",
    [V_VERDICT_BY] = "SELECT v.observable_id,v.list_id,l.name,v.match,v.entry,v.note,"
                     "v.on_host,l.policy,l.kind FROM verdict v JOIN vlist l ON "
                     "l.id=v.list_id WHERE v.observable_id=? ORDER BY l.policy,l.name",
    [V_FLAG_SET] = "INSERT OR REPLACE INTO flag(observable_id,flag,evidence) VALUES(?,?,?)",
    [V_FLAG_BY] = "SELECT flag,evidence FROM flag WHERE observable_id=? ORDER BY flag",
    [V_ENRICH_CLEAR] = "DELETE FROM enrichment WHERE observable_id>?",
    [V_ENRICH_PUT] = "INSERT OR REPLACE INTO enrichment(observable_id,country,asn,as_name,"
                     "reg_domain,constituency,const_email,const_kind,const_country,"
                     "const_match) VALUES(?,?,?,?,?,?,?,?,?,?)",
    [V_ENRICH_GET] = "SELECT country,asn,as_name,reg_domain,constituency,const_email,"
                     "const_kind,const_country,const_match FROM enrichment "
                     "WHERE observable_id=?",
    [V_RES_UPSERT] = "INSERT INTO resolution(rrname,rrtype,rdata,first_seen,last_seen,"
                     "count,source_id) VALUES(?,?,?,?,?,?,?) "
                     "ON CONFLICT(rrname,rrtype,rdata,source_id) DO UPDATE SET "
                     "first_seen=min(first_seen,excluded.first_seen),"
                     "last_seen=max(last_seen,excluded.last_seen),"
                     "count=count+excluded.count",
    [V_RES_BY_NAME] = "SELECT rrname,rrtype,rdata,first_seen,last_seen,count,source_id "
                      "FROM resolution WHERE rrname=? AND last_seen>=? "
                      "ORDER BY last_seen DESC,rdata",
    [V_RES_BY_DATA] = "SELECT rrname,rrtype,rdata,first_seen,last_seen,count,source_id "
                      "FROM resolution WHERE rdata=? AND last_seen>=? "
                      "ORDER BY last_seen DESC,rrname",
    [V_FLAG_DROP] = "DELETE FROM flag WHERE flag=?",
    [V_SET_GET] = "SELECT value FROM setting WHERE name=?",
    [V_SET_PUT] = "INSERT OR REPLACE INTO setting(name,value) VALUES(?,?)",
};

sqlite3_stmt *sqv_stmt(sq_store *q, int i, const char *text, tix_diag *d)
{
    if (!q->vst[i] &&
        sqlite3_prepare_v3(q->db, text, -1, SQLITE_PREPARE_PERSISTENT, &q->vst[i],
                           NULL) != SQLITE_OK) {
        dberr(q, d, "preparing a statement");
        return NULL;
    }
    return q->vst[i];
}

static sqlite3_stmt *vst(sq_store *q, int i, tix_diag *d)
{
    return sqv_stmt(q, i, vsql[i], d);
}

static int64_t now_of(sq_store *q)
{
    return q->base.now ? q->base.now : tix_time_now();
}

static tix_err list_id(sq_store *q, const char *name, int64_t *id, int64_t *version,
                       bool *policy_set, tix_diag *d)
{
    sqlite3_stmt *st = vst(q, V_LIST_GET, d);
    if (!st)
        return TIX_EDB;
    bind_text(st, 1, name);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        if (version)
            *version = sqlite3_column_int64(st, 1);
        if (policy_set)
            *policy_set = sqlite3_column_int(st, 2) != 0;
    }
    done(st);
    if (rc == SQLITE_ROW)
        return TIX_EOK;
    if (rc != SQLITE_DONE)
        return dberr(q, d, "reading a list");
    return tix_diag_set(d, TIX_ENOTFOUND, "no list called '%s'", name);
}

tix_err sq_list_put(tix_store *s, const tix_list *l, int *outcome, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    int64_t id = 0, version = 0;
    tix_diag probe = TIX_DIAG_INIT;
    tix_err e = list_id(q, l->name, &id, &version, NULL, &probe);
    if (e && e != TIX_ENOTFOUND)
        return tix_diag_set(d, e, "%s", probe.msg);
    bool exists = e == TIX_EOK;
    if (exists && version >= l->version) {
        *outcome = 0;
        return TIX_EOK;
    }
    sqlite3_stmt *st = vst(q, exists ? V_LIST_UPD : V_LIST_INS, d);
    if (!st)
        return TIX_EDB;
    if (exists)
        sqlite3_bind_int64(st, 1, id);
    else
        bind_text(st, 1, l->name);
    bind_text(st, 2, l->title);
    bind_text(st, 3, l->description);
    sqlite3_bind_int64(st, 4, l->version);
    sqlite3_bind_int(st, 5, (int)l->match);
    sqlite3_bind_int(st, 6, (int)l->origin);
    sqlite3_bind_int(st, 7, (int)l->policy);
    sqlite3_bind_int(st, 8, (int)l->kind);
    sqlite3_bind_int64(st, 9, l->applies);
    sqlite3_bind_int64(st, 10, now_of(q));
    if ((e = step_done(q, st, d, "storing a list")))
        return e;
    if (!exists)
        id = sqlite3_last_insert_rowid(q->db);
    else if (l->origin != TIX_LIST_BUILTIN || l->n > 0) {
        /* the built-in sinkhole list brings no entries: those stored are
         * the user's and stay */
        sqlite3_stmt *del = vst(q, V_LIST_ENTRIES_DEL, d);
        if (!del)
            return TIX_EDB;
        sqlite3_bind_int64(del, 1, id);
        if ((e = step_done(q, del, d, "replacing a list's entries")))
            return e;
    }
    sqlite3_stmt *ins = vst(q, V_ENTRY_INS, d);
    if (!ins)
        return TIX_EDB;
    for (size_t i = 0; i < l->n; i++) {
        sqlite3_bind_int64(ins, 1, id);
        bind_text(ins, 2, l->entries[i]);
        bind_text(ins, 3, l->notes ? l->notes[i] : NULL);
        if ((e = step_done(q, ins, d, "storing a list entry")))
            return e;
    }
    *outcome = exists ? 2 : 1;
    return TIX_EOK;
}

tix_err sq_list_entry(tix_store *s, const char *list, const char *value,
                      const char *note, bool add, bool *changed, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    int64_t id;
    tix_err e = list_id(q, list, &id, NULL, NULL, d);
    if (e)
        return e;
    sqlite3_stmt *st = vst(q, add ? V_ENTRY_INS : V_ENTRY_DEL, d);
    if (!st)
        return TIX_EDB;
    sqlite3_bind_int64(st, 1, id);
    bind_text(st, 2, value);
    if (add)
        bind_text(st, 3, note);
    if ((e = step_done(q, st, d, "changing a list entry")))
        return e;
    *changed = sqlite3_changes(q->db) > 0;
    return TIX_EOK;
}

tix_err sq_list_set_policy(tix_store *s, const char *list, tix_policy p, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    sqlite3_stmt *st = vst(q, V_LIST_POLICY, d);
    if (!st)
        return TIX_EDB;
    sqlite3_bind_int(st, 1, (int)p);
    bind_text(st, 2, list);
    tix_err e = step_done(q, st, d, "setting a list's policy");
    if (!e && sqlite3_changes(q->db) == 0)
        return tix_diag_set(d, TIX_ENOTFOUND, "no list called '%s'", list);
    return e;
}

tix_err sq_list_each(tix_store *s, tix_list_fn fn, void *ud, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    sqlite3_stmt *st = vst(q, V_LIST_ALL, d);
    if (!st)
        return TIX_EDB;
    int rc;
    tix_err e = TIX_EOK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        tix_list_rec r = {
            .id = sqlite3_column_int64(st, 0),
            .name = (const char *)sqlite3_column_text(st, 1),
            .title = (const char *)sqlite3_column_text(st, 2),
            .description = (const char *)sqlite3_column_text(st, 3),
            .version = sqlite3_column_int64(st, 4),
            .match = (tix_match_type)sqlite3_column_int(st, 5),
            .origin = (tix_list_origin)sqlite3_column_int(st, 6),
            .policy = (tix_policy)sqlite3_column_int(st, 7),
            .kind = (tix_list_kind)sqlite3_column_int(st, 8),
            .applies = (uint32_t)sqlite3_column_int64(st, 9),
            .policy_set = sqlite3_column_int(st, 10) != 0,
            .loaded = sqlite3_column_int64(st, 11),
            .entries = (uint64_t)sqlite3_column_int64(st, 12),
        };
        if (fn(ud, &r)) {
            e = TIX_ESTOPPED;
            break;
        }
    }
    done(st);
    if (!e && rc != SQLITE_DONE)
        return dberr(q, d, "listing lists");
    return e;
}

static char *dup_col(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? strdup((const char *)t) : NULL;
}

tix_err sq_list_get(tix_store *s, const char *name, tix_list **out, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    *out = NULL;
    sqlite3_stmt *st = vst(q, V_LIST_ID, d);
    if (!st)
        return TIX_EDB;
    bind_text(st, 1, name);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        done(st);
        if (rc == SQLITE_DONE)
            return tix_diag_set(d, TIX_ENOTFOUND, "no list called '%s'", name);
        return dberr(q, d, "reading a list");
    }
    int64_t id = sqlite3_column_int64(st, 0);
    tix_list *l;
    tix_err e = tix_list_new(&l, name, (tix_match_type)sqlite3_column_int(st, 5),
                             (tix_list_origin)sqlite3_column_int(st, 6), d);
    if (e) {
        done(st);
        return e;
    }
    l->title = dup_col(st, 2);
    l->description = dup_col(st, 3);
    l->version = sqlite3_column_int64(st, 4);
    l->policy = (tix_policy)sqlite3_column_int(st, 7);
    l->kind = (tix_list_kind)sqlite3_column_int(st, 8);
    l->applies = (uint32_t)sqlite3_column_int64(st, 9);
    done(st);
    sqlite3_stmt *en = vst(q, V_LIST_ENTRIES, d);
    if (!en) {
        tix_list_free(l);
        return TIX_EDB;
    }
    sqlite3_bind_int64(en, 1, id);
    while (!e && (rc = sqlite3_step(en)) == SQLITE_ROW) {
        /* An entry stored by an older tix may no longer be accepted; it
         * must not make the whole list unusable. */
        tix_diag skip = TIX_DIAG_INIT;
        tix_err ae = tix_list_add(l, (const char *)sqlite3_column_text(en, 0),
                                  (const char *)sqlite3_column_text(en, 1), &skip);
        if (ae == TIX_ENOMEM)
            e = tix_diag_set(d, ae, "reading list '%s': out of memory", name);
    }
    done(en);
    if (!e && rc != SQLITE_DONE)
        e = dberr(q, d, "reading a list's entries");
    if (e) {
        tix_list_free(l);
        return e;
    }
    *out = l;
    return TIX_EOK;
}

static tix_err clear_after(sq_store *q, int which, int64_t after, tix_diag *d)
{
    sqlite3_stmt *st = vst(q, which, d);
    if (!st)
        return TIX_EDB;
    sqlite3_bind_int64(st, 1, after);
    return step_done(q, st, d, "clearing earlier results");
}

tix_err sq_vet_clear(tix_store *s, int64_t after, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    tix_err e = clear_after(q, V_VERDICT_CLEAR, after, d);
    return e ? e : clear_after(q, V_FLAG_CLEAR, after, d);
}

tix_err sq_enrich_clear(tix_store *s, int64_t after, tix_diag *d)
{
    return clear_after((sq_store *)s, V_ENRICH_CLEAR, after, d);
}

tix_err sq_verdict_add(tix_store *s, int64_t obs, int64_t list, tix_match_type m,
                       const char *entry, const char *note, bool on_host, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    sqlite3_stmt *st = vst(q, V_VERDICT_INS, d);
    if (!st)
        return TIX_EDB;
    sqlite3_bind_int64(st, 1, obs);
    sqlite3_bind_int64(st, 2, list);
    sqlite3_bind_int(st, 3, (int)m);
    bind_text(st, 4, entry);
    bind_text(st, 5, note);
    sqlite3_bind_int(st, 6, on_host);
    return step_done(q, st, d, "storing a verdict");
}

tix_err sq_verdict_each(tix_store *s, int64_t obs, tix_verdict_fn fn, void *ud,
                        tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    sqlite3_stmt *st = vst(q, V_VERDICT_BY, d);
    if (!st)
        return TIX_EDB;
    sqlite3_bind_int64(st, 1, obs);
    int rc;
    tix_err e = TIX_EOK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        tix_verdict_rec v = {
            .observable_id = sqlite3_column_int64(st, 0),
            .list_id = sqlite3_column_int64(st, 1),
            .list = (const char *)sqlite3_column_text(st, 2),
            .match = (tix_match_type)sqlite3_column_int(st, 3),
            .entry = (const char *)sqlite3_column_text(st, 4),
            .note = (const char *)sqlite3_column_text(st, 5),
            .on_host = sqlite3_column_int(st, 6) != 0,
            .policy = (tix_policy)sqlite3_column_int(st, 7),
            .kind = (tix_list_kind)sqlite3_column_int(st, 8),
        };
        if (fn(ud, &v)) {
            e = TIX_ESTOPPED;
            break;
        }
    }
    done(st);
    if (!e && rc != SQLITE_DONE)
        return dberr(q, d, "reading verdicts");
    return e;
}

tix_err sq_flag_set(tix_store *s, int64_t obs, const char *flag, const char *evidence,
                    tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    sqlite3_stmt *st = vst(q, V_FLAG_SET, d);
    if (!st)
        return TIX_EDB;
    sqlite3_bind_int64(st, 1, obs);
    bind_text(st, 2, flag);
    bind_text(st, 3, evidence);
    return step_done(q, st, d, "storing a flag");
}

tix_err sq_flag_clear(tix_store *s, const char *flag, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    sqlite3_stmt *st = vst(q, V_FLAG_DROP, d);
    if (!st)
        return TIX_EDB;
    bind_text(st, 1, flag);
    return step_done(q, st, d, "clearing a flag");
}

tix_err sq_flag_each(tix_store *s, int64_t obs, tix_flag_fn fn, void *ud, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    sqlite3_stmt *st = vst(q, V_FLAG_BY, d);
    if (!st)
        return TIX_EDB;
    sqlite3_bind_int64(st, 1, obs);
    int rc;
    tix_err e = TIX_EOK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(ud, (const char *)sqlite3_column_text(st, 0),
               (const char *)sqlite3_column_text(st, 1))) {
            e = TIX_ESTOPPED;
            break;
        }
    done(st);
    if (!e && rc != SQLITE_DONE)
        return dberr(q, d, "reading flags");
    return e;
}

tix_err sq_enrichment_put(tix_store *s, const tix_enrichment *en, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    sqlite3_stmt *st = vst(q, V_ENRICH_PUT, d);
    if (!st)
        return TIX_EDB;
    sqlite3_bind_int64(st, 1, en->observable_id);
    bind_text(st, 2, en->country[0] ? en->country : NULL);
    if (en->asn)
        sqlite3_bind_int64(st, 3, en->asn);
    bind_text(st, 4, en->as_name);
    bind_text(st, 5, en->reg_domain);
    bind_text(st, 6, en->constituency);
    bind_text(st, 7, en->const_email);
    bind_text(st, 8, en->const_kind);
    bind_text(st, 9, en->const_country);
    bind_text(st, 10, en->const_match);
    return step_done(q, st, d, "storing an enrichment");
}

tix_err sq_enrichment_get(tix_store *s, int64_t obs, tix_enrichment *out, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    release(q);
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = vst(q, V_ENRICH_GET, d);
    if (!st)
        return TIX_EDB;
    sqlite3_bind_int64(st, 1, obs);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->observable_id = obs;
        const unsigned char *cc = sqlite3_column_text(st, 0);
        if (cc)
            snprintf(out->country, sizeof out->country, "%s", (const char *)cc);
        out->asn = (uint32_t)sqlite3_column_int64(st, 1);
        out->as_name = hold(q, st, 2);
        out->reg_domain = hold(q, st, 3);
        out->constituency = hold(q, st, 4);
        out->const_email = hold(q, st, 5);
        out->const_kind = hold(q, st, 6);
        out->const_country = hold(q, st, 7);
        out->const_match = hold(q, st, 8);
    }
    done(st);
    if (rc == SQLITE_ROW)
        return TIX_EOK;
    if (rc != SQLITE_DONE)
        return dberr(q, d, "reading an enrichment");
    return tix_diag_set(d, TIX_ENOTFOUND, "no enrichment");
}

tix_err sq_resolution_add(tix_store *s, const tix_resolution *r, bool *created,
                          tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    sqlite3_stmt *st = vst(q, V_RES_UPSERT, d);
    if (!st)
        return TIX_EDB;
    bind_text(st, 1, r->rrname);
    bind_text(st, 2, r->rrtype);
    bind_text(st, 3, r->rdata);
    sqlite3_bind_int64(st, 4, r->first_seen);
    sqlite3_bind_int64(st, 5, r->last_seen);
    sqlite3_bind_int64(st, 6, (int64_t)(r->count ? r->count : 1));
    sqlite3_bind_int64(st, 7, r->source_id);
    /* an insert hands out a new rowid; a merge leaves it */
    int64_t before = sqlite3_last_insert_rowid(q->db);
    int rc = sqlite3_step(st);
    bool fresh = rc == SQLITE_DONE && sqlite3_last_insert_rowid(q->db) != before;
    done(st);
    if (rc != SQLITE_DONE)
        return dberr(q, d, "storing a resolution");
    if (created)
        *created = fresh;
    return TIX_EOK;
}

tix_err sq_resolution_each(tix_store *s, const char *rrname, const char *rdata,
                           int64_t since, tix_resolution_fn fn, void *ud, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    sqlite3_stmt *st = vst(q, rrname ? V_RES_BY_NAME : V_RES_BY_DATA, d);
    if (!st)
        return TIX_EDB;
    bind_text(st, 1, rrname ? rrname : rdata);
    sqlite3_bind_int64(st, 2, since);
    int rc;
    tix_err e = TIX_EOK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        tix_resolution r = {
            .rrname = (const char *)sqlite3_column_text(st, 0),
            .rrtype = (const char *)sqlite3_column_text(st, 1),
            .rdata = (const char *)sqlite3_column_text(st, 2),
            .first_seen = sqlite3_column_int64(st, 3),
            .last_seen = sqlite3_column_int64(st, 4),
            .count = (uint64_t)sqlite3_column_int64(st, 5),
            .source_id = sqlite3_column_int64(st, 6),
        };
        if (fn(ud, &r)) {
            e = TIX_ESTOPPED;
            break;
        }
    }
    done(st);
    if (!e && rc != SQLITE_DONE)
        return dberr(q, d, "reading resolutions");
    return e;
}

/* One pass over the recent A/AAAA records, grouped by address. A name
 * counts as unrelated unless it is itself an observable that no benign
 * list cleared (a known-bad name on the same host is the operator's own,
 * sinkholed or not). */
tix_err sq_shared_hosts(tix_store *s, int64_t since, uint64_t threshold,
                        tix_shared_host_fn fn, void *ud, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    static const char query[] =
        "WITH bad(name) AS (SELECT o.value FROM observable o WHERE o.type=?3 AND NOT "
        "EXISTS(SELECT 1 FROM verdict v JOIN vlist l ON l.id=v.list_id WHERE "
        "v.observable_id=o.id AND l.policy=0 AND l.kind<>?6)), "
        "names(ip, name) AS (SELECT DISTINCT r.rdata, r.rrname FROM resolution r "
        "WHERE r.last_seen>=?1 AND r.rrtype IN ('A','AAAA') AND r.rrname NOT IN "
        "(SELECT name FROM bad)), "
        "hosts(ip, n) AS (SELECT ip, count(*) FROM names GROUP BY ip HAVING count(*)>=?2) "
        "SELECT o.id, h.ip, h.n, (SELECT group_concat(name, ', ') FROM (SELECT name "
        "FROM names WHERE ip=h.ip ORDER BY name LIMIT 3)) FROM hosts h JOIN observable "
        "o ON o.value=h.ip AND o.type IN (?4,?5) WHERE NOT EXISTS(SELECT 1 FROM "
        "verdict v JOIN vlist l ON l.id=v.list_id WHERE v.observable_id=o.id AND "
        "l.policy=0) ORDER BY h.n DESC, h.ip";
    sqlite3_stmt *st = sqv_stmt(q, V_COUNT, query, d);
    if (!st)
        return TIX_EDB;
    sqlite3_bind_int64(st, 1, since);
    sqlite3_bind_int64(st, 2, (int64_t)threshold);
    sqlite3_bind_int(st, 3, TIX_OBS_DOMAIN);
    sqlite3_bind_int(st, 4, TIX_OBS_IPV4);
    sqlite3_bind_int(st, 5, TIX_OBS_IPV6);
    sqlite3_bind_int(st, 6, TIX_LIST_KIND_SINKHOLE);
    int rc;
    tix_err e = TIX_EOK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        tix_shared_host h = {
            .observable_id = sqlite3_column_int64(st, 0),
            .ip = (const char *)sqlite3_column_text(st, 1),
            .names = (uint64_t)sqlite3_column_int64(st, 2),
            .examples = (const char *)sqlite3_column_text(st, 3),
        };
        if (fn(ud, &h)) {
            e = TIX_ESTOPPED;
            break;
        }
    }
    done(st);
    if (!e && rc != SQLITE_DONE)
        return dberr(q, d, "counting names per host");
    return e;
}

tix_err sq_setting_get(tix_store *s, const char *name, char **out, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    *out = NULL;
    sqlite3_stmt *st = vst(q, V_SET_GET, d);
    if (!st)
        return TIX_EDB;
    bind_text(st, 1, name);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *out = dup_col(st, 0);
    done(st);
    if (rc == SQLITE_ROW)
        return *out ? TIX_EOK : tix_diag_set(d, TIX_ENOMEM, "out of memory");
    if (rc != SQLITE_DONE)
        return dberr(q, d, "reading a setting");
    return tix_diag_set(d, TIX_ENOTFOUND, "%s is not set", name);
}

tix_err sq_setting_set(tix_store *s, const char *name, const char *value, tix_diag *d)
{
    sq_store *q = (sq_store *)s;
    sqlite3_stmt *st = vst(q, V_SET_PUT, d);
    if (!st)
        return TIX_EDB;
    bind_text(st, 1, name);
    bind_text(st, 2, value);
    return step_done(q, st, d, "storing a setting");
}
