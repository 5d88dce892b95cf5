/* internal.h - the TAXII server's pieces. Not API.
 *
 * server.c   the tix_taxii object: store connections, the partner cache,
 *            per-request scratch, the audit writer (group commit), refresh
 * handler.c  tix_taxii_handle: routes, authentication, negotiation, GETs
 * params.c   paths, query strings, media types, next links
 * post.c     POST of objects, DELETE of an object, status resources
 * http.c     libmicrohttpd
 */
#ifndef TIX_TAXII_INTERNAL_H
#define TIX_TAXII_INTERNAL_H

#include <openssl/evp.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdbool.h>
#include <stdint.h>

#include "tix/share.h"
#include "tix/taxii.h"

/* ---- the partner cache: who a token is, and what it may read ---- */

typedef struct {
    int64_t id;
    char uuid[TIX_UUID_MAX];
    char *name, *title, *description;
    tix_collection_kind kind;
} cp_coll;

typedef struct {
    uint32_t coll;              /* index into cache.c */
    unsigned rights;            /* TIX_GRANT_* */
} cp_grant;

typedef struct {
    int64_t id;
    char name[65];
    uint8_t hash[32];
    tix_tlp clearance;
    bool disabled;
    uint32_t grant0, ngrants;   /* its grants: cache.g[grant0..+ngrants),
                                   in collection name order */
} cp_partner;

typedef struct {
    int refs;                   /* under tix_taxii.cache_mu */
    int64_t gen;                /* tix_share_generation it was built at */
    cp_partner *p;
    size_t np;
    cp_grant *g;
    size_t ng;
    cp_coll *c;
    size_t nc;
    int32_t *tab;               /* token hash -> index into p; -1 empty */
    size_t tabmask;
} cp_cache;

/* ---- per-request scratch, pooled: no allocation per request ---- */

typedef struct scratch {
    EVP_MD_CTX *md;
    tix_buf params;             /* decoded query values (reserved up front) */
    tix_buf tmp;
    int64_t *keys;              /* what the answer carries, for the audit log */
    size_t nkeys, capkeys;
    struct scratch *next;
} scratch;

typedef struct reader {
    tix_store *s;
    struct reader *next;
} reader;

/* An audit row waiting for the writer; it lives on the requester's stack
 * until the writer posts done (each requester is woken alone: no herd on
 * one condition variable). */
typedef struct audit_item {
    tix_audit_rec rec;
    bool ok;
    sem_t done;
    struct audit_item *next;
} audit_item;

struct tix_taxii {
    char *store_uri;
    char *title;
    char *base_url;             /* NULL: relative */
    size_t max_body;
    uint32_t page_default, page_max;
    void (*log)(void *ud, const char *msg);
    void *log_ud;
    tix_taxii_refresh_fn refresh;
    void *refresh_ud;
    unsigned refresh_seconds;

    uint8_t next_key[32];       /* HMAC key of next links */

    pthread_mutex_t pool_mu;
    pthread_cond_t pool_cv;
    reader *readers;            /* free read-only connections */
    unsigned nreaders, maxreaders;
    scratch *scratches;         /* free scratch */

    pthread_mutex_t cache_mu;
    cp_cache *cache;

    pthread_mutex_t write_mu;   /* POST, DELETE, refresh */
    pthread_mutex_t post_mu;    /* one POST body parsed at a time */
    tix_store *w;

    pthread_mutex_t audit_mu;
    pthread_cond_t audit_cv;    /* work for the writer */
    audit_item *aq_head, *aq_tail;
    bool audit_stop;
    pthread_t audit_thread;
    tix_store *aw;              /* the audit writer's connection */
    bool audit_running;

    pthread_mutex_t refresh_mu;
    pthread_cond_t refresh_cv;
    bool refresh_stop;
    bool refresh_running;
    pthread_t refresh_thread;
};

/* server.c */
reader *taxii_reader_get(tix_taxii *t);
void taxii_reader_put(tix_taxii *t, reader *r);
scratch *taxii_scratch_get(tix_taxii *t);
void taxii_scratch_put(tix_taxii *t, scratch *s);
/* Note k (a date_added) among what the answer carries; false on OOM. */
bool taxii_keep_key(scratch *sc, int64_t k);
/* The cache as of the store's generation now (rd: a read connection);
 * NULL when it cannot be loaded. Release with taxii_cache_put. */
cp_cache *taxii_cache_get(tix_taxii *t, tix_store *rd, tix_diag *d);
void taxii_cache_put(tix_taxii *t, cp_cache *c);
/* The partner whose token hashes to h; NULL when none. */
const cp_partner *taxii_cache_find(const cp_cache *c, const uint8_t h[32]);
/* Queue r for the audit writer and wait until it is committed; false when
 * it could not be. */
bool taxii_audit(tix_taxii *t, const tix_audit_rec *r);
void taxii_log(tix_taxii *t, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* ---- a request being answered ---- */

enum route_kind {
    R_DISCOVERY, R_API_ROOT, R_STATUS, R_COLLECTIONS, R_COLLECTION, R_OBJECTS,
    R_OBJECT, R_VERSIONS, R_MANIFEST, R_COUNT
};

#define M_GET 1u
#define M_POST 2u
#define M_DELETE 4u

#define FILTER_MAX 256          /* values in one match[...] list */

/* The query parameters of a request, decoded. Strings point into
 * scratch.params. */
typedef struct {
    bool has_after;
    int64_t after;
    uint32_t limit;             /* 0: not given */
    bool has_next;
    int64_t next_cursor;        /* from a verified next */
    const char *ids[FILTER_MAX];
    size_t n_ids;
    const char *types[FILTER_MAX];
    size_t n_types;
    unsigned versions;          /* TIX_VERSIONS_* */
    int64_t vtimes[FILTER_MAX];
    size_t n_vtimes;
    const char *specs[FILTER_MAX];
    size_t n_specs;
} params;

typedef struct {
    tix_taxii *t;
    const tix_taxii_request *rq;
    tix_taxii_response *rs;
    scratch *sc;
    reader *rd;                 /* held while reading */
    cp_cache *cache;
    const cp_partner *partner;  /* authenticated, or NULL */
    const char *query;          /* the raw query string, or NULL */
    size_t query_len;
    enum route_kind route;
    char coll_uuid[TIX_UUID_MAX];
    char object_id[320];
    char status_id[TIX_UUID_MAX];
    const cp_coll *coll;        /* the collection, when granted */
    unsigned rights;
    int64_t audit_coll;         /* the collection id for the audit row */
    params p;
} req;

/* handler.c */
void taxii_error(req *r, int status, const char *title, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* Make r->rd a read connection (held until the request ends); false after
 * answering 503. */
bool taxii_need_reader(req *r);

/* params.c */
/* Split the raw path into segments, percent-decoded into out (NUL
 * separated; segs point there). 0; 1 for more than maxsegs segments (no
 * route is that deep); -1 for a malformed path. */
int taxii_path_split(const char *path, size_t len, char *out, size_t outcap,
                     const char **segs, size_t maxsegs, size_t *nsegs);
/* Parse the query string for route; false after answering 400. */
bool taxii_params_parse(req *r);
/* Whether an Accept header lets a TAXII 2.1 answer through (NULL: yes). */
bool taxii_accept_ok(const char *accept);
/* Whether a POST's Content-Type is one objects are taken in. */
bool taxii_content_type_ok(const char *ct);
/* The next link after cursor for this request (27+ characters) into out. */
void taxii_next_make(req *r, int64_t cursor, tix_buf *out);
/* Base64 (standard alphabet) decoding for Basic auth; -1 on bad input. */
int taxii_b64_decode(const char *in, size_t len, uint8_t *out, size_t cap, size_t *n);
/* "2016-04-06T20:03:48.123Z" for a version (ms when it is whole ms). */
void taxii_version_format(int64_t us, char out[TIX_TIME_US_MAX]);

/* post.c */
void taxii_post_objects(req *r);
void taxii_delete_object(req *r);
void taxii_get_status(req *r);

#endif
