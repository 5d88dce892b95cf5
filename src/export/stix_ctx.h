/* stix_ctx.h - the state of one STIX object stream (stix.c, stix_obs.c).
 * Not API. */
#ifndef TIX_EXPORT_STIX_CTX_H
#define TIX_EXPORT_STIX_CTX_H

#include "export/internal.h"

/* A source as an identity: on when some sighting of it is exported. */
typedef struct {
    int64_t id;
    char *name;
    char ident[TIX_STIX_ID_MAX];
    int tlp;                  /* least restrictive over its sightings; > RED: none */
    int64_t first, last;      /* ingest times of its evidence */
} sx_source;

/* A malware family, whatever its case. */
typedef struct {
    char *key;                /* lower case */
    char *name;               /* the spelling most of its evidence uses */
    uint64_t best;            /* rows with that spelling */
    char id[TIX_STIX_ID_MAX];
    int tlp;                  /* least restrictive of the rows naming it */
    int64_t first, last;
} sx_family;

typedef struct {
    exp_walk w;
    tix_stix_obj_fn fn;
    void *ud;
    tix_buf j;                /* the object being written */
    tix_buf scratch;          /* patterns, names */
    tix_err err;              /* sticky: the first failure */
    uint64_t objects;
    /* tix itself, the creator of what it derives */
    char producer[TIX_STIX_ID_MAX];
    int producer_tlp;         /* least restrictive of everything; > RED: none */
    int64_t first, last;      /* ingest times of all the evidence */
    int64_t max_id;
    /* the extension definition of cryptocurrency-wallet */
    char ext[TIX_STIX_ID_MAX];
    int ext_tlp;
    int64_t ext_first, ext_last;
    sx_source *src;           /* by id */
    size_t nsrc, capsrc;
    sx_family *fam;           /* by key */
    size_t nfam, capfam;
    exp_family *fams;         /* one observable's families */
    size_t capfams;
} sx;

#define SX_NONE (TIX_TLP_RED + 1)

/* ---- stix.c ------------------------------------------------------------------ */

/* The header every SDO and SRO starts with; by: created_by_ref or NULL. */
void sx_head(sx *c, jobj *o, const char *type, const char *id, const char *by,
             int64_t created_ms, int64_t modified_ms);
/* object_marking_refs, and the object's end. */
void sx_marked(jobj *o, tix_tlp t);
/* Hand the object in c->j to the caller; non-zero when the stream stops. */
int sx_emit(sx *c, const char *id, const char *type, int64_t created_ms,
            int64_t modified_ms, tix_tlp tlp, const char *root);
/* A relationship src -type-> dst; start/stop in seconds (0: none). */
int sx_relate(sx *c, const char *src, const char *type, const char *dst, tix_tlp tlp,
              int64_t created_ms, int64_t modified_ms, const char *root, int64_t start,
              int64_t stop);
sx_source *sx_source_of(sx *c, int64_t id);
sx_family *sx_family_of(sx *c, const char *name);

/* ---- stix_obs.c ---------------------------------------------------------------- */

/* Everything one observable stands for (the tix_store_export_each callback). */
int sx_observable(void *ud, const tix_export_obs *r);

#endif
