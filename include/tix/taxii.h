/* tix/taxii.h - the TAXII 2.1 server: collections of the store served to
 * partners, each seeing only what it is granted and cleared for, every
 * answer logged in the store's audit log before it leaves.
 *
 * Two layers. tix_taxii is the server without a network: a request
 * (method, target, the headers that matter, body) in, a response (status,
 * headers, body) out; routing, authentication, content negotiation and
 * every endpoint are there, so tests and the fuzz target call it directly.
 * tix_taxii_http puts it on a socket with libmicrohttpd (HTTP or HTTPS).
 *
 * A tix_taxii opens its own store connections (read-only ones for reads,
 * one for POST and DELETE, one for the audit log) from the store's URI,
 * and is safe to call from many threads at once. docs/taxii.md describes
 * the endpoints, the status codes and the audit log.
 */
#ifndef TIX_TAXII_H
#define TIX_TAXII_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tix/buf.h"
#include "tix/error.h"
#include "tix/share.h"
#include "tix/store.h"

typedef struct tix_taxii tix_taxii;

/* Brings a query collection up to date: called with the collection's name
 * and saved query, inside a transaction on the server's write connection
 * s (typically: tix_collection_sync with a producer that runs the query).
 * A failure is logged and rolled back; the collection keeps what it had. */
typedef tix_err (*tix_taxii_refresh_fn)(void *ud, tix_store *s, const char *collection,
                                        const char *query, tix_diag *d);

#define TIX_TAXII_MAX_BODY_DEFAULT ((size_t)16 << 20)

typedef struct {
    const char *store;          /* the store's URI (as tix_store_open takes it) */
    const char *title;          /* of discovery and the API root; NULL: "tix" */
    size_t max_body;            /* largest request body; 0: 16 MiB */
    uint32_t page_default;      /* objects per page without limit; 0: 100 */
    uint32_t page_max;          /* a larger limit is lowered to this; 0: 1000 */
    unsigned readers;           /* read-only store connections; 0: 8 */
    tix_taxii_refresh_fn refresh; /* NULL: query collections serve what was
                                   last synced */
    void *refresh_ud;
    unsigned refresh_seconds;   /* refresh every N seconds; 0: only at open */
    /* Problems the server meets on its own (a failed refresh, a store
     * error behind a 500); NULL: not reported. Called from any thread. */
    void (*log)(void *ud, const char *msg);
    void *log_ud;
} tix_taxii_opts;

/* Open the store connections, load the next-link key (made and kept in
 * the store on first use), start the audit writer and, with a refresh
 * callback, refresh every query collection once before returning. */
tix_err tix_taxii_open(tix_taxii **out, const tix_taxii_opts *o, tix_diag *d);
/* Wait for nothing: callers must have stopped calling tix_taxii_handle.
 * The audit log is flushed. NULL is a no-op. */
void tix_taxii_close(tix_taxii *t);

/* The absolute URL discovery names the API root under
 * ("https://taxii.example.org:9443"); without one, "/api/" is relative.
 * Set it before serving. */
tix_err tix_taxii_set_base_url(tix_taxii *t, const char *url, tix_diag *d);

/* Refresh every query collection now (the refresh callback's job). */
tix_err tix_taxii_refresh(tix_taxii *t, tix_diag *d);

typedef struct {
    const char *method;         /* "GET", "POST", "DELETE", ... */
    const char *target;         /* the request-target as received: the path,
                                   percent-encoded, and the query after '?' */
    const char *accept;         /* header values; NULL when absent */
    const char *content_type;
    const char *authorization;
    const void *body;
    size_t body_len;
    bool body_too_large;        /* the transport refused a body over max_body */
} tix_taxii_request;

#define TIX_TAXII_MEDIA "application/taxii+json;version=2.1"
#define TIX_STIX_MEDIA "application/stix+json;version=2.1"

typedef struct {
    int status;                 /* HTTP status */
    const char *content_type;   /* NULL when the body is empty */
    bool authenticate;          /* 401: send WWW-Authenticate (Basic, Bearer) */
    const char *allow;          /* 405: the methods the resource takes */
    char date_added_first[TIX_TIME_US_MAX]; /* X-TAXII-Date-Added-First; "" */
    char date_added_last[TIX_TIME_US_MAX];  /* X-TAXII-Date-Added-Last; "" */
    tix_buf *body;              /* IN: the caller's buffer, reset and filled */
} tix_taxii_response;

/* Answer one request. Never fails: errors are TAXII error messages with
 * their HTTP status. A request from an authenticated partner is in the
 * audit log, committed, before this returns; when it cannot be logged the
 * answer is a 500 that carries nothing. */
void tix_taxii_handle(tix_taxii *t, const tix_taxii_request *rq, tix_taxii_response *rs);

/* ---- HTTP ------------------------------------------------------------ */

typedef struct tix_taxii_http tix_taxii_http;

typedef struct {
    const char *listen;         /* "ADDR:PORT" or "[V6ADDR]:PORT"; port 0
                                   picks a free one; NULL: 127.0.0.1:9443 */
    const char *tls_cert;       /* PEM certificate (chain) and key files:
                                   both for HTTPS, neither for HTTP */
    const char *tls_key;
    const char *public_url;     /* the base URL discovery names; NULL: the
                                   scheme and the address listened on */
    unsigned threads;           /* 0: a thread per connection; N: a pool */
    unsigned timeout;           /* idle connection timeout, s; 0: 30 */
    unsigned max_connections;   /* 0: 256 */
} tix_taxii_http_opts;

#define TIX_TAXII_LISTEN_DEFAULT "127.0.0.1:9443"

/* Listen and serve t until tix_taxii_http_stop. */
tix_err tix_taxii_http_start(tix_taxii_http **out, tix_taxii *t,
                             const tix_taxii_http_opts *o, tix_diag *d);
/* "http://127.0.0.1:40123": the scheme and the address bound (the real
 * port when 0 was asked for). */
const char *tix_taxii_http_url(const tix_taxii_http *h);
/* Stop accepting, finish the requests in flight, close. NULL is a no-op. */
void tix_taxii_http_stop(tix_taxii_http *h);

#endif
