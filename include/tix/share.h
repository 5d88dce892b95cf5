/* tix/share.h - what tix shares, with whom, and the record of it:
 * collections, partners, grants, TLP:RED naming and the audit log.
 *
 * A collection is what a TAXII partner reads: either a saved query over
 * the store ("Emotet C&C, Nigeria, active"), whose objects are
 * materialised by tix_collection_sync, or a plain store for what partners
 * POST. Each object version in a collection is one row with its
 * date_added (microseconds, strictly increasing over the whole store, so
 * a cursor never splits equal times and pages stay stable while objects
 * are added), its TLP and the key TLP:RED naming is done on.
 *
 * A partner sees a collection only when granted it, and within it only
 * objects at or below its clearance; a TLP:RED object only when named on
 * it (on its root observable, or on the object id when it has no root).
 * Every read below takes the partner's view and applies those rules in the
 * query itself: no caller filters afterwards.
 *
 * Writes need a transaction (tix_store_begin), as everywhere in the store.
 * Strings in records handed out point into memory the store owns; they
 * stay valid until the next call on the same store (or, for callbacks,
 * until the callback returns). docs/taxii.md describes the model.
 */
#ifndef TIX_SHARE_H
#define TIX_SHARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tix/buf.h"
#include "tix/error.h"
#include "tix/export.h"
#include "tix/feed.h"
#include "tix/store.h"
#include "tix/time.h"

/* ---- collections ------------------------------------------------------ */

typedef enum {
    TIX_COLLECTION_QUERY = 0, /* a saved query, materialised by a sync */
    TIX_COLLECTION_STORE = 1  /* what partners POST */
} tix_collection_kind;

/* "query", "store"; from_name returns -1 when unknown. */
const char *tix_collection_kind_name(tix_collection_kind k);
int tix_collection_kind_from_name(const char *name);

#define TIX_UUID_MAX 37 /* "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx" and NUL */

typedef struct {
    int64_t id;
    char uuid[TIX_UUID_MAX];  /* the TAXII collection id */
    const char *name;         /* unique among collections not removed */
    const char *title;
    const char *description;  /* may be NULL */
    tix_collection_kind kind;
    const char *query;        /* the saved query as given; NULL for stores */
    int64_t created;          /* UTC seconds */
    int64_t synced;           /* last sync, UTC seconds; 0: never */
    uint64_t objects;         /* objects (their latest versions) */
    uint64_t versions;        /* object versions (rows) */
} tix_collection;

/* Add a collection. name: 1-64 bytes of [A-Za-z0-9._-]; title NULL takes
 * the name; a query collection needs query, a store collection takes none.
 * A new random (v4) uuid is given; out (may be NULL) receives the record.
 * An existing name fails with TIX_EINVAL. */
tix_err tix_collection_add(tix_store *s, const char *name, tix_collection_kind kind,
                           const char *query, const char *title,
                           const char *description, tix_collection *out, tix_diag *d);

/* A collection by name or by uuid; TIX_ENOTFOUND when there is none.
 * objects and versions are counted. */
tix_err tix_collection_get(tix_store *s, const char *name_or_uuid, tix_collection *out,
                           tix_diag *d);

typedef int (*tix_collection_fn)(void *ud, const tix_collection *c);
/* Every collection, in name order; with counts false, objects and versions
 * are left 0 (counting reads every row). fn returning non-zero stops the
 * walk with TIX_ESTOPPED. */
tix_err tix_collection_each(tix_store *s, bool counts, tix_collection_fn fn, void *ud,
                            tix_diag *d);

/* Remove a collection: its objects, grants and status resources go; its
 * name is free again. What the audit log says was served from it stays
 * answerable (object ids and versions are kept apart for it).
 * *removed false when there is no such collection. */
tix_err tix_collection_rm(tix_store *s, const char *name, bool *removed, tix_diag *d);

/* ---- materialising a query collection --------------------------------- */

/* Emits every object the collection should hold, through emit(emit_ud, o);
 * emit returning non-zero means stop (the producer returns TIX_ESTOPPED). */
typedef tix_err (*tix_collection_producer)(void *ud, tix_stix_obj_fn emit,
                                           void *emit_ud, tix_diag *d);

typedef struct {
    uint64_t emitted;   /* objects the producer emitted */
    uint64_t added;     /* ids new to the collection */
    uint64_t changed;   /* ids whose content changed: a new version */
    uint64_t unchanged;
    uint64_t removed;   /* ids no longer emitted: removed, all versions */
} tix_sync_stats;

/* Make the collection's objects what producer emits: a new id is appended
 * (a new date_added), an id whose content differs from its latest version
 * is appended as a new version (earlier versions stay), an id emitted
 * again unchanged is left alone, and ids the producer no longer emits are
 * removed with all their versions. An object's version is its modified
 * time, else its created time, else its date_added. collection: name or
 * uuid of a query collection. In a transaction; st may be NULL. An
 * object without id, type or json fails the sync (nothing is changed once
 * the caller rolls back). */
tix_err tix_collection_sync(tix_store *s, const char *collection,
                            tix_collection_producer producer, void *ud,
                            tix_sync_stats *st, tix_diag *d);

/* Sync a query collection (name or uuid) with its saved query: the
 * objects `tix export --format stix` writes for that query (as of now; 0:
 * the clock). In a transaction; a query that does not parse fails with
 * the collection named and nothing changed. st may be NULL. */
tix_err tix_collection_refresh(tix_store *s, const char *collection, const char *query,
                               int64_t now, tix_sync_stats *st, tix_diag *d);

/* ---- objects: one partner's view -------------------------------------- */

/* Which versions of each object a read returns (bits, TAXII match[version]). */
#define TIX_VERSIONS_LAST 1u  /* the latest version (default) */
#define TIX_VERSIONS_FIRST 2u /* the earliest version */
#define TIX_VERSIONS_ALL 4u   /* every version */

/* A read of one collection for one partner. Rows come in date_added order
 * and only those the partner may see: tlp <= clearance, and TLP:RED only
 * when the partner is named on the row's root (or id, without a root). */
typedef struct {
    int64_t collection_id;
    int64_t partner_id;        /* whose TLP:RED naming applies */
    tix_tlp clearance;         /* the highest TLP the partner may receive */
    int64_t after;             /* only rows added after this (µs); 0: all */
    const char *const *ids;    /* match[id]: only these ids; n_ids 0: any */
    size_t n_ids;
    const char *const *types;  /* match[type] */
    size_t n_types;
    unsigned versions;         /* TIX_VERSIONS_*; 0: LAST, or with vtimes
                                  only those */
    const int64_t *vtimes;     /* match[version] timestamps (µs), ORed with
                                  the versions bits */
    size_t n_vtimes;
    const char *const *specs;  /* match[spec_version] */
    size_t n_specs;
    uint32_t limit;            /* rows at most; 0: no limit */
} tix_share_query;

typedef struct {
    int64_t added;             /* date_added, µs; the row's key */
    const char *stix_id;
    const char *type;
    int64_t version;           /* µs */
    const char *spec;          /* spec_version, "2.1" */
    tix_tlp tlp;
    const char *json;          /* the object, compact; NULL unless asked */
    size_t len;
} tix_share_row;

typedef int (*tix_share_row_fn)(void *ud, const tix_share_row *r);

/* The rows q selects, with their JSON when with_json. */
tix_err tix_share_read(tix_store *s, const tix_share_query *q, bool with_json,
                       tix_share_row_fn fn, void *ud, tix_diag *d);

/* One object version to add to a store collection. */
typedef struct {
    const char *id, *type;
    int64_t version;           /* µs; 0: its date_added */
    const char *spec;          /* NULL: "2.1" */
    tix_tlp tlp;
    const char *root;          /* NULL: the object itself */
    const char *json;
    size_t len;
} tix_share_obj;

/* Add o to collection_id as a new version, in a transaction. The same id,
 * version and content already there adds nothing (*added_at 0, *dup true);
 * otherwise *added_at is its date_added. Either may be NULL. */
tix_err tix_share_add(tix_store *s, int64_t collection_id, const tix_share_obj *o,
                      int64_t *added_at, bool *dup, tix_diag *d);

/* Remove the rows q selects (q->limit ignored) and keep the latest/first
 * marks of what is left right; *keys receives their date_added values,
 * ascending (the caller frees it), *n how many. In a transaction. */
tix_err tix_share_delete(tix_store *s, const tix_share_query *q, int64_t **keys,
                         size_t *n, tix_diag *d);

/* ---- partners --------------------------------------------------------- */

#define TIX_PARTNER_KIND_MAP(X) \
    X(POLICE, "police")         \
    X(CERT, "cert")             \
    X(VENDOR, "vendor")

typedef enum {
#define X(e, n) TIX_PARTNER_##e,
    TIX_PARTNER_KIND_MAP(X)
#undef X
    TIX_PARTNER_KIND_COUNT
} tix_partner_kind;

const char *tix_partner_kind_name(tix_partner_kind k);
int tix_partner_kind_from_name(const char *name); /* -1 when unknown */

/* "tix_" and 43 characters of base64url: 32 random bytes. */
#define TIX_TOKEN_PREFIX "tix_"
#define TIX_TOKEN_MAX 64

typedef struct {
    int64_t id;
    const char *name;
    tix_partner_kind kind;
    char country[3];           /* ISO 3166 alpha-2, upper case */
    tix_tlp clearance;
    uint8_t token_sha256[32];  /* SHA-256 of the token; the token is not kept */
    int64_t created;
    int64_t disabled;          /* when revoked (UTC seconds); 0: active */
    uint64_t red_names;        /* TLP:RED keys it is named on */
} tix_partner;

/* Add a partner and give it a new token, written to token (shown once:
 * only its hash is stored). name: 1-64 bytes of [A-Za-z0-9._-]; country:
 * two letters. An existing name fails with TIX_EINVAL. */
tix_err tix_partner_add(tix_store *s, const char *name, tix_partner_kind kind,
                        const char *country, tix_tlp clearance,
                        char token[TIX_TOKEN_MAX], tix_diag *d);
/* Replace the partner's token with a new one (re-enabling nothing). */
tix_err tix_partner_rotate(tix_store *s, const char *name, char token[TIX_TOKEN_MAX],
                           tix_diag *d);
/* Revoke the partner: its token no longer authenticates. */
tix_err tix_partner_disable(tix_store *s, const char *name, tix_diag *d);
tix_err tix_partner_get(tix_store *s, const char *name, tix_partner *out, tix_diag *d);
typedef int (*tix_partner_fn)(void *ud, const tix_partner *p);
/* In name order. */
tix_err tix_partner_each(tix_store *s, tix_partner_fn fn, void *ud, tix_diag *d);

/* SHA-256 of a token as sent, the key partners are found by. */
void tix_token_hash(const char *token, size_t len, uint8_t out[32]);

/* ---- grants ----------------------------------------------------------- */

#define TIX_GRANT_READ 1u
#define TIX_GRANT_WRITE 2u

typedef struct {
    int64_t partner_id, collection_id;
    const char *partner, *collection;
    char collection_uuid[TIX_UUID_MAX];
    unsigned rights;           /* TIX_GRANT_* */
} tix_grant;

/* Add rights (TIX_GRANT_*) on a collection (name or uuid) to a partner.
 * Write on a query collection fails: its objects come from its query. */
tix_err tix_grant_add(tix_store *s, const char *partner, const char *collection,
                      unsigned rights, tix_diag *d);
/* Take rights away (0: all of them; the grant goes when none is left).
 * *removed false when the partner held none of them. */
tix_err tix_grant_rm(tix_store *s, const char *partner, const char *collection,
                     unsigned rights, bool *removed, tix_diag *d);
typedef int (*tix_grant_fn)(void *ud, const tix_grant *g);
/* Grants of one partner (name), or of all (NULL), by partner then collection. */
tix_err tix_grant_each(tix_store *s, const char *partner, tix_grant_fn fn, void *ud,
                       tix_diag *d);

/* Name a partner on TLP:RED objects: key is an observable's SCO id (the
 * root of the objects derived from it) or an object id. *added false when
 * it was named already. Either id form must look like "type--uuid". */
tix_err tix_red_allow(tix_store *s, const char *partner, const char *key, bool *added,
                      tix_diag *d);

/* A number that changes whenever collections, partners or grants change:
 * a server caching them reloads when it moves. */
tix_err tix_share_generation(tix_store *s, int64_t *gen, tix_diag *d);

/* Keep at most kib KiB of pages in memory on this store connection: a
 * server's connections that only append (the audit log) or read a page
 * at a time need little, and memory must not grow with the store. */
tix_err tix_share_cache_limit(tix_store *s, unsigned kib, tix_diag *d);

/* ---- audit ------------------------------------------------------------ */

typedef struct {
    int64_t id;
    int64_t time;              /* µs since the epoch */
    int64_t partner_id;
    const char *partner;       /* on reads */
    int64_t collection_id;     /* 0: none */
    const char *collection;    /* on reads; NULL without a collection */
    char collection_uuid[TIX_UUID_MAX];
    const char *method;        /* "GET" */
    const char *request;       /* path and query, as answered (capped) */
    int status;                /* HTTP status */
    const int64_t *keys;       /* date_added of each object version sent,
                                  ascending */
    size_t n_keys;
    bool has_sha256;
    uint8_t sha256[32];        /* of the response body */
} tix_audit_rec;

/* Log a request (in a transaction). keys are stored delta-encoded. */
tix_err tix_audit_add(tix_store *s, const tix_audit_rec *r, tix_diag *d);

typedef struct {
    const char *partner;       /* name; NULL: any */
    const char *object_id;     /* only requests that sent some version of it */
    const char *collection;    /* name or uuid; NULL: any */
    int64_t since;             /* µs; 0: any */
} tix_audit_filter;

typedef int (*tix_audit_fn)(void *ud, const tix_audit_rec *r);
/* Oldest first. A partner, object or collection that does not exist
 * gives nothing (not an error). */
tix_err tix_audit_each(tix_store *s, const tix_audit_filter *f, tix_audit_fn fn,
                       void *ud, tix_diag *d);

typedef int (*tix_audit_obj_fn)(void *ud, int64_t key, const char *stix_id,
                                int64_t version);
/* The object id and version behind each key of r (also of objects removed
 * since), in key order. */
tix_err tix_audit_objects(tix_store *s, const tix_audit_rec *r, tix_audit_obj_fn fn,
                          void *ud, tix_diag *d);

/* ---- TAXII status resources ------------------------------------------- */

/* Keep the status resource id (a uuid) of a partner's POST. */
tix_err tix_share_status_put(tix_store *s, const char *id, int64_t partner_id,
                             int64_t collection_id, const char *json, tix_diag *d);
/* Append it to out; TIX_ENOTFOUND unless partner_id posted it. */
tix_err tix_share_status_get(tix_store *s, const char *id, int64_t partner_id,
                             tix_buf *out, tix_diag *d);

/* ---- helpers ---------------------------------------------------------- */

/* A random (v4) uuid, lower case. */
tix_err tix_uuid4(char out[TIX_UUID_MAX], tix_diag *d);
/* "type--uuid" with a STIX type (lower-case letters, digits, '-';
 * 3-250 characters) and a uuid in canonical form. */
bool tix_stix_id_valid(const char *id, size_t len);

#endif
