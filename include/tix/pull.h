/* tix/pull.h - a collection of another TAXII 2.1 server into the store.
 *
 * tix_pull asks a TAXII 2.1 server (OASIS TAXII 2.1, section 5.4 "Get
 * Objects") for the objects of one collection added after the point the
 * last pull reached, a page at a time, following "next" while "more" is
 * true. Each page is ingested as one STIX 2.1 bundle document, in one
 * transaction together with the new resume point: a page and the point
 * after it are stored together or not at all, so a pull that fails half
 * way keeps the pages before the failure and the next pull goes on from
 * there.
 *
 * The resume point is the server's own X-TAXII-Date-Added-Last of the
 * last stored page, kept exactly as the server wrote it, in the store
 * setting "pull.added_after <API root>collections/<id>/".
 */
#ifndef TIX_PULL_H
#define TIX_PULL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tix/buf.h"
#include "tix/error.h"
#include "tix/ingest.h"
#include "tix/store.h"

#define TIX_PULL_MAX_PAGES 10000                 /* default page cap */
#define TIX_PULL_MAX_PAGE_BYTES ((size_t)64 << 20) /* default response cap */
#define TIX_PULL_TIMEOUT 300                     /* default seconds per request */

/* A timestamp as TAXII servers write it, with room for any fraction. */
#define TIX_PULL_TS_MAX 64
#define TIX_PULL_URL_MAX 2048

typedef struct {
    /* The API root (https://host/api/), or the server's discovery URL
     * (https://host/taxii2/), whose "default" API root is taken, else its
     * only one. Credentials do not belong in the URL. */
    const char *url;
    const char *collection;  /* the collection's id */
    /* HTTP Basic with user and password, or a bearer token; neither is
     * ever part of a message. */
    const char *user, *password;
    const char *token;
    const char *cafile;      /* CA certificates (PEM) to verify the server
                                with; NULL: the system's */
    bool insecure;           /* do not verify the server's certificate */
    unsigned limit;          /* objects per page to ask for; 0: the server's
                                default (servers may send fewer) */
    /* added_after of the first request instead of the stored resume point:
     * a timestamp in any form tix_time_parse reads (sent as RFC 3339, or
     * exactly as given when it already is); with all, none at all. */
    const char *from;
    bool all;
    unsigned max_pages;      /* stop (cleanly) after this many; 0: default */
    size_t max_page_bytes;   /* a larger response fails; 0: default */
    long timeout;            /* seconds per request; 0: default */
} tix_pull_opts;

typedef struct {
    char api_root[TIX_PULL_URL_MAX]; /* the API root pulled from */
    char from[TIX_PULL_TS_MAX];      /* added_after of the first request;
                                        "": from the beginning */
    char resume[TIX_PULL_TS_MAX];    /* the stored resume point now; "": none */
    bool resume_moved;               /* this pull stored a new one */
    bool more;                       /* stopped at max_pages with more to come */
    unsigned pages;                  /* pages fetched and stored */
    unsigned failed_page;            /* on error, the page that was not
                                        stored; 0: the error came before the
                                        first page or after the last stored
                                        one (a server that loops) */
    uint64_t objects;                /* objects in them */
    char url[TIX_PULL_URL_MAX];      /* the last request, on error the
                                        failing one */
    tix_ingest_stats ingest;         /* what the pages added */
} tix_pull_stats;

/* Pull what is new in the collection into s. io says how pages are
 * ingested (source, kind, TLP, notes); a NULL or empty io->source is the
 * server's host name. Notes (a page ingested before, a server that sends
 * no X-TAXII-Date-Added-Last, credentials over plain HTTP) go to
 * io->report. On error nothing of the failing page is stored, the pages
 * before it are; d says which page, the request, the HTTP status and the
 * server's TAXII error (title and description). st is filled either way. */
tix_err tix_pull(tix_store *s, const tix_pull_opts *po, const tix_ingest_opts *io,
                 tix_pull_stats *st, tix_diag *d);

/* The name of the setting that keeps the resume point of a collection
 * under an API root (as tix_pull_stats.api_root says it), into out. */
void tix_pull_setting_name(const char *api_root, const char *collection, tix_buf *out);

#endif
