/* sqlite_int.h - the SQLite backend's pieces. Not API. */
#ifndef TIX_STORE_SQLITE_INT_H
#define TIX_STORE_SQLITE_INT_H

#include <sqlite3.h>
#include <stdio.h>

#include "store/backend.h"
#include "store/touched.h"

#define OBS_COLS "id,type,value,uuid,first_seen,last_seen,n_evidence,n_sources,confidence"
/* 0 clear, 1 warn, 2 blocked: the strongest verdict of observable o */
/* (a collateral flag warns too; tix_verdict_blocks is the rule) */
#define TIX__STR2(x) #x
#define TIX__STR(x) TIX__STR2(x)
#define TIX_LIST_KIND_BENIGN_VALUE 8
_Static_assert(TIX_LIST_KIND_BENIGN == TIX_LIST_KIND_BENIGN_VALUE, "status SQL");
#define OBS_STATUS                                                                   \
    "max((SELECT coalesce(max(CASE WHEN l.policy=0 AND NOT (v.on_host AND l.kind="   \
    TIX__STR(TIX_LIST_KIND_BENIGN_VALUE) ") THEN 2 ELSE 1 END),0) FROM "             \
    "verdict v JOIN vlist l ON l.id=v.list_id WHERE v.observable_id=o.id),"           \
    "EXISTS(SELECT 1 FROM flag f WHERE f.observable_id=o.id))"

/* sqlite.c's statements */
enum {
    ST_SRC_GET, ST_SRC_INS, ST_SRC_SET, ST_SRC_ALL, ST_SRC_TRUST, ST_SRC_OBS,
    ST_DOC_GET, ST_DOC_INS, ST_DOC_REC,
    ST_SAMPLE_256, ST_SAMPLE_SHA1, ST_SAMPLE_MD5, ST_SAMPLE_INS,
    ST_OBS_FIND, ST_OBS_INS, ST_OBS_GET, ST_OBS_UPD, ST_OBS_MAXID,
    ST_EV_INS, ST_EV_BY_OBS, ST_EV_BY_SAMPLE,
    ST_SUP_GET, ST_SUP_ADD, ST_EV_MAXID, ST_EV_SETID,
    ST_REL_UPSERT, ST_REL_BY,
    ST_OBJ_UPSERT, ST_OBJ_GET,
    ST_COUNT
};

/* statement slots: sqlite_vet.c's from 0, sqlite_classify.c's from SQC_FIRST;
 * sqlite_share.c has its own */
enum { SQV_SLOTS = 64, SQC_FIRST = 40, SQS_SLOTS = 48 };

/* Fold this many (observable, source) pairs before writing them out. */
#define FLUSH_AT 262144

/* An observable created in this transaction and not yet written: it is
 * inserted once, at the flush, with its summary complete. */
typedef struct {
    uint8_t uuid[16];
    int type;
    bool used;
    int64_t id;
    size_t off, len; /* value in pending_vals */
} pend_ent;

/* An evidence row waiting for the flush; strings are offsets into
 * ev_strs, -1 for none. */
typedef struct {
    int64_t obs, src, sample, doc, id, offset, first, last, ingested;
    uint64_t line;
    int64_t family, tags, place, extractor;
    uint32_t count, flags;
    int conf, tlp, port;
} ev_row;

typedef struct {
    struct tix_store base;
    sqlite3 *db;
    char *path;
    sqlite3_stmt *st[ST_COUNT];
    touch_map obs;  /* (observable, 0) */
    touch_map sup;  /* (observable, source) */
    pend_ent *pend; /* open addressing by uuid */
    size_t pend_cap, pend_len;
    tix_buf pend_vals;
    int64_t next_id; /* ids are given here: one writer holds the lock */
    int64_t next_ev, first_ev; /* evidence ids, and the first of this txn */
    int64_t pend_base; /* first provisional id since the last flush */
    ev_row *evs;       /* evidence since the last flush */
    size_t nevs, capevs;
    tix_buf ev_strs;
    int64_t trust_src[8]; /* a tiny cache: sources are few per transaction */
    int trust_val[8];
    char *held[16]; /* strings handed out by the last get */
    int nheld;
    sqlite3_stmt *vst[SQV_SLOTS]; /* sqlite_vet.c's statements */
    int cache_size; /* the page cache's, while a read view has its own */
    sqlite3_stmt *sst[SQS_SLOTS]; /* sqlite_share.c's statements */
    tix_buf share_buf;            /* sqlite_share.c's scratch (filter lists) */
    int64_t *share_keys;          /* and its key array */
    size_t share_nkeys, share_capkeys;
} sq_store;

/* Shared by sqlite.c and sqlite_vet.c. */
tix_err dberr(sq_store *q, tix_diag *d, const char *what);
void done(sqlite3_stmt *st);
void release(sq_store *q);
const char *hold(sq_store *q, sqlite3_stmt *st, int col);
void bind_text(sqlite3_stmt *st, int i, const char *s);
tix_err step_done(sq_store *q, sqlite3_stmt *st, tix_diag *d, const char *what);
/* sqlite_vet.c */
tix_err sq_list_put(tix_store *s, const tix_list *l, int *outcome, tix_diag *d);
tix_err sq_list_entry(tix_store *s, const char *list, const char *value,
                      const char *note, bool add, bool *changed, tix_diag *d);
tix_err sq_list_set_policy(tix_store *s, const char *list, tix_policy p, tix_diag *d);
tix_err sq_list_each(tix_store *s, tix_list_fn fn, void *ud, tix_diag *d);
tix_err sq_list_get(tix_store *s, const char *name, tix_list **out, tix_diag *d);
tix_err sq_vet_clear(tix_store *s, int64_t after, tix_diag *d);
tix_err sq_verdict_add(tix_store *s, int64_t obs, int64_t list, tix_match_type m,
                       const char *entry, const char *note, bool on_host, tix_diag *d);
tix_err sq_verdict_each(tix_store *s, int64_t obs, tix_verdict_fn fn, void *ud,
                        tix_diag *d);
tix_err sq_flag_set(tix_store *s, int64_t obs, const char *flag, const char *evidence,
                    tix_diag *d);
tix_err sq_flag_clear(tix_store *s, const char *flag, tix_diag *d);
tix_err sq_flag_each(tix_store *s, int64_t obs, tix_flag_fn fn, void *ud, tix_diag *d);
tix_err sq_enrich_clear(tix_store *s, int64_t after, tix_diag *d);
tix_err sq_enrichment_put(tix_store *s, const tix_enrichment *en, tix_diag *d);
tix_err sq_enrichment_get(tix_store *s, int64_t obs, tix_enrichment *out, tix_diag *d);
tix_err sq_resolution_add(tix_store *s, const tix_resolution *r, bool *created,
                          tix_diag *d);
tix_err sq_resolution_each(tix_store *s, const char *rrname, const char *rdata,
                           int64_t since, tix_resolution_fn fn, void *ud, tix_diag *d);
tix_err sq_shared_hosts(tix_store *s, int64_t since, uint64_t threshold,
                        tix_shared_host_fn fn, void *ud, tix_diag *d);
tix_err sq_setting_get(tix_store *s, const char *name, char **out, tix_diag *d);
tix_err sq_setting_set(tix_store *s, const char *name, const char *value, tix_diag *d);

/* The statement for slot i of sqlite_vet.c, prepared on first use. */
sqlite3_stmt *sqv_stmt(sq_store *q, int i, const char *sql, tix_diag *d);

/* A row of OBS_COLS (then OBS_STATUS, if selected) into r. */
void sq_read_obs(sqlite3_stmt *st, tix_obs_rec *r, const char *value);
/* Write out what is buffered (pending observables and evidence). */
tix_err sq_flush(sq_store *q, tix_diag *d);

/* sqlite_classify.c */
tix_err sq_rule_file_put(tix_store *s, const tix_rule_file_rec *r, bool *changed,
                         tix_diag *d);
tix_err sq_rule_file_rm(tix_store *s, const char *name, bool *removed, tix_diag *d);
tix_err sq_rule_file_each(tix_store *s, bool with_text, tix_rule_file_fn fn, void *ud,
                          tix_diag *d);
tix_err sq_rule_set_put(tix_store *s, const char *engine, const void *blob, size_t len,
                        tix_diag *d);
tix_err sq_rule_set_get(tix_store *s, char **engine, void **blob, size_t *len,
                        tix_diag *d);
tix_err sq_sample_family_add(tix_store *s, int64_t sample_id, const char *family,
                             const char *rule, tix_diag *d);
tix_err sq_sample_family_each(tix_store *s, int64_t sample_id, tix_sample_family_fn fn,
                              void *ud, tix_diag *d);
tix_err sq_config_put(tix_store *s, const tix_config_rec *c, bool *created, tix_diag *d);
tix_err sq_config_each(tix_store *s, int64_t sample_id, tix_config_rec_fn fn, void *ud,
                       tix_diag *d);
tix_err sq_family_each(tix_store *s, const char *family, int64_t since, uint32_t types,
                       tix_family_obs_fn fn, void *ud, tix_diag *d);

/* sqlite_export.c */
extern const struct store_export_ops sq_export_ops;

int sq_user_version(sqlite3 *db);
tix_err sq_migrate(sqlite3 *db, const char *path, tix_diag *d);

#endif
