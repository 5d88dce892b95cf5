/* tix/store.h - where everything tix knows is kept.
 *
 * One record per observable, keyed by its STIX deterministic id, and the
 * evidence behind it: which source said so, from which sample and byte
 * offset or which feed file and line, when, how sure, under which TLP.
 * Samples, the documents (feed files, archives) things came from, STIX
 * objects and relationships complete the model.
 *
 * The interface is backend-neutral: the embedded default is SQLite (one
 * file); callers never see SQL. Writes happen inside a transaction opened
 * with tix_store_begin; until tix_store_commit nothing is visible, and a
 * crash or tix_store_rollback leaves the store exactly as it was. At commit
 * the store brings every touched observable's first/last seen, evidence
 * and source counts and confidence up to date.
 *
 * Strings in records returned by the store point into memory the store
 * owns; they stay valid until the next call on the same store.
 */
#ifndef TIX_STORE_H
#define TIX_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tix/error.h"
#include "tix/feed.h"
#include "tix/observable.h"

typedef struct tix_store tix_store;

#define TIX_SOURCE_KIND_MAP(X) \
    X(VENDOR, "vendor")        \
    X(FEED, "feed")            \
    X(PARTNER, "partner")      \
    X(SENSOR, "sensor")

typedef enum {
#define X(e, n) TIX_SOURCE_##e,
    TIX_SOURCE_KIND_MAP(X)
#undef X
    TIX_SOURCE_KIND_COUNT
} tix_source_kind;

const char *tix_source_kind_name(tix_source_kind k);
int tix_source_kind_from_name(const char *name); /* -1 when unknown */

/* ---- opening ---------------------------------------------------------- */

#define TIX_STORE_CREATE 1u   /* create the store if it does not exist */
#define TIX_STORE_READONLY 2u /* never write (show, list) */

/* uri: a file path, or "sqlite:PATH". The schema is created or migrated to
 * the current version on open (not with READONLY, which fails on an old
 * schema instead). Opening a path that does not exist fails with
 * TIX_ENOTFOUND unless CREATE is given. */
tix_err tix_store_open(tix_store **out, const char *uri, unsigned flags,
                       tix_diag *d);
void tix_store_close(tix_store *s); /* rolls back an open transaction */

/* "sqlite", and the schema version the store is at. */
const char *tix_store_backend(const tix_store *s);
int tix_store_schema_version(tix_store *s);
/* The time the store stamps on what it creates itself (a source's
 * creation); 0, the default, is the clock. For reproducible runs. */
void tix_store_set_now(tix_store *s, int64_t now);
/* The schema version this build writes. */
int tix_store_schema_current(void);

/* ---- transactions ----------------------------------------------------- */

tix_err tix_store_begin(tix_store *s, tix_diag *d);
tix_err tix_store_commit(tix_store *s, tix_diag *d);
void tix_store_rollback(tix_store *s);

/* ---- records ---------------------------------------------------------- */

typedef struct {
    int64_t id;
    const char *name;
    tix_source_kind kind;
    int trust; /* 0-100: how far its word alone is taken */
    int64_t created;
} tix_source;

/* Default trust of a new source of each kind. */
int tix_source_default_trust(tix_source_kind k);

typedef struct {
    int64_t id;
    uint8_t sha256[32], sha1[20], md5[16];
    uint64_t size;
    const char *name;      /* name it was first ingested under */
    const char *file_type; /* libmagic's description */
    const char *mime;
    int64_t first_seen;
    int64_t source_id;
    int64_t document_id;   /* the archive it came in, or 0 */
} tix_sample;

typedef struct {
    int64_t id;
    const char *kind;      /* feed format name, "archive", "sample" */
    const char *name;      /* path as given */
    uint8_t sha256[32];
    uint64_t size;
    int64_t source_id;
    int64_t ingested;
    uint64_t records;
} tix_document;

#define TIX_EV_CONTEXT 1u  /* context only: not for detection */
#define TIX_EV_DEFANGED 2u /* written in a defanged form */
#define TIX_EV_UTF16 4u    /* found as a UTF-16LE string */

typedef struct {
    int64_t observable_id;
    int64_t source_id;
    int64_t sample_id;     /* 0: not from a sample */
    int64_t document_id;   /* 0: none */
    uint64_t line;         /* in the document; 0: n/a */
    int64_t offset;        /* first byte in the sample; -1: n/a */
    uint32_t count;        /* occurrences this row stands for (>= 1) */
    int64_t first_seen, last_seen;
    int confidence;        /* 0-100 */
    tix_tlp tlp;
    int port;              /* 0: none */
    const char *family;    /* may be NULL */
    const char *tags;      /* may be NULL */
    const char *place;     /* record locator in JSON inputs; may be NULL */
    unsigned flags;        /* TIX_EV_* */
    int64_t ingested;
} tix_evidence;

typedef struct {
    const char *src, *type, *dst; /* STIX ids */
    int64_t source_id;
    int64_t document_id;
    int64_t first_seen, last_seen;
    tix_tlp tlp;
} tix_relationship;

typedef struct {
    const char *stix_id;
    const char *type;
    const char *name;
    int64_t created, modified;
    tix_tlp tlp;
    int64_t source_id;
    int64_t document_id;
    const char *json;
} tix_object;

typedef struct {
    int64_t id;
    tix_obs_type type;
    const char *value;
    char stix_id[TIX_STIX_ID_MAX];
    int64_t first_seen, last_seen;
    uint64_t n_evidence;
    uint32_t n_sources;
    int confidence;
} tix_obs_rec;

/* ---- writes (inside a transaction) ------------------------------------ */

/* Find the source called name, or create it with kind and trust (trust < 0:
 * the kind's default). An existing source keeps its kind and trust. */
tix_err tix_store_source_put(tix_store *s, const char *name, tix_source_kind kind,
                             int trust, tix_source *out, tix_diag *d);
/* Change an existing source's kind and trust; confidences of its
 * observables are recomputed. */
tix_err tix_store_source_set(tix_store *s, const char *name, tix_source_kind kind,
                             int trust, tix_diag *d);

/* Record a document by (sha256, kind). *created is false when the same
 * bytes were already ingested as this kind (from any source: the same file
 * under another name would count its evidence twice); io->id and
 * io->ingested then describe the earlier ingest. */
tix_err tix_store_document_put(tix_store *s, tix_document *io, bool *created,
                               tix_diag *d);
tix_err tix_store_document_set_records(tix_store *s, int64_t id, uint64_t records,
                                       tix_diag *d);

/* Record a sample by sha256; *created is false when it is already known
 * (io->id is then the existing one and nothing is changed). */
tix_err tix_store_sample_put(tix_store *s, tix_sample *io, bool *created,
                             tix_diag *d);

/* Find or create the observable (type, canonical value). */
tix_err tix_store_observable_put(tix_store *s, tix_obs_type type, const char *value,
                                 size_t len, int64_t *id, bool *created, tix_diag *d);
/* The same, for a caller that has already computed the STIX id. */
tix_err tix_store_observable_put_id(tix_store *s, tix_obs_type type, const char *value,
                                    size_t len, const char *stix_id, int64_t *id,
                                    bool *created, tix_diag *d);

tix_err tix_store_evidence_add(tix_store *s, const tix_evidence *e, tix_diag *d);

/* Relationships are unique per (src, type, dst, source): adding one again
 * widens its first/last seen. */
tix_err tix_store_relationship_add(tix_store *s, const tix_relationship *r,
                                   tix_diag *d);

/* Objects are unique per STIX id; a newer `modified` replaces an older one. */
tix_err tix_store_object_put(tix_store *s, const tix_object *o, tix_diag *d);

/* ---- reads ------------------------------------------------------------ */

tix_err tix_store_source_get(tix_store *s, const char *name, tix_source *out,
                             tix_diag *d);
typedef int (*tix_source_fn)(void *ud, const tix_source *src);
tix_err tix_store_source_each(tix_store *s, tix_source_fn fn, void *ud, tix_diag *d);

tix_err tix_store_observable_get(tix_store *s, tix_obs_type type, const char *value,
                                 size_t len, tix_obs_rec *out, tix_diag *d);
/* By STIX id ("ipv4-addr--..."); a file id may match md5, sha1, sha256 or
 * sha512 observables: the first is returned. */
tix_err tix_store_observable_by_stix_id(tix_store *s, const char *stix_id,
                                        tix_obs_rec *out, tix_diag *d);

typedef struct {
    uint32_t types;          /* TIX_OBS_BIT mask; 0: all */
    const char *source;      /* only observables with evidence from it */
    int64_t since;           /* last seen at or after; 0: any */
    int min_confidence;      /* 0: any */
    uint64_t limit;          /* 0: no limit */
} tix_obs_filter;

typedef int (*tix_obs_fn)(void *ud, const tix_obs_rec *r);
/* In (type, value) order. fn returning non-zero stops with TIX_ESTOPPED. */
tix_err tix_store_observable_each(tix_store *s, const tix_obs_filter *f,
                                  tix_obs_fn fn, void *ud, tix_diag *d);

typedef struct {
    tix_evidence ev;
    const char *source;      /* source name */
    const char *document;    /* document name, or NULL */
    const char *sample_sha256; /* hex, or NULL */
    const char *sample_name;
    tix_obs_type type;       /* of the observable (for listings by sample) */
    const char *value;
} tix_evidence_rec;

typedef int (*tix_evidence_fn)(void *ud, const tix_evidence_rec *r);
/* The evidence for one observable, oldest first. */
tix_err tix_store_evidence_each(tix_store *s, int64_t observable_id,
                                tix_evidence_fn fn, void *ud, tix_diag *d);
/* What one sample yielded, by offset. */
tix_err tix_store_sample_evidence_each(tix_store *s, int64_t sample_id,
                                       tix_evidence_fn fn, void *ud, tix_diag *d);

typedef int (*tix_relationship_fn)(void *ud, const tix_relationship *r,
                                   const char *source);
/* Relationships with stix_id at either end. */
tix_err tix_store_relationship_each(tix_store *s, const char *stix_id,
                                    tix_relationship_fn fn, void *ud, tix_diag *d);

/* By hex or raw hash: sha256 (64 hex), sha1 (40) or md5 (32). */
tix_err tix_store_sample_get(tix_store *s, const char *hex, tix_sample *out,
                             tix_diag *d);
tix_err tix_store_object_get(tix_store *s, const char *stix_id, tix_object *out,
                             tix_diag *d);

typedef struct {
    uint64_t observables, evidence, samples, sources, documents, relationships,
        objects;
    uint64_t by_type[TIX_OBS_COUNT];
    uint64_t bytes;          /* size of the store on disk */
} tix_store_stats;
tix_err tix_store_stats_get(tix_store *s, tix_store_stats *out, tix_diag *d);

/* Confidence of an observable from its support: for each source, the best
 * confidence c of its evidence and the number n of its evidence rows.
 * Documented in docs/store.md. */
typedef struct {
    int confidence; /* best evidence confidence from this source, 0-100 */
    uint64_t n;     /* evidence rows from this source */
} tix_support;
int tix_confidence(const tix_support *sup, size_t n);

#endif
