/* http.h - the TAXII client's GET requests, with libcurl. Not API. */
#ifndef TIX_PULL_HTTP_H
#define TIX_PULL_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include <curl/curl.h>

#include "tix/buf.h"
#include "tix/error.h"
#include "tix/pull.h"

typedef struct {
    CURL *h;
    struct curl_slist *headers;
    size_t max_bytes;
    long timeout;
    char errbuf[CURL_ERROR_SIZE];
} taxii_http;

typedef struct {
    long status;               /* HTTP status of the last response */
    tix_buf body;              /* at most the client's max_bytes */
    tix_buf date_first, date_last; /* X-TAXII-Date-Added-First/-Last as sent,
                                      blanks around them removed; "" none */
    tix_buf content_type;      /* "" none */
    tix_buf url;               /* the URL that answered, after redirects */
    bool too_big;
} taxii_resp;

/* A client with o's credentials, TLS settings, size cap and timeout. */
tix_err taxii_http_open(taxii_http *c, const tix_pull_opts *o, tix_diag *d);
void taxii_http_close(taxii_http *c);

void taxii_resp_init(taxii_resp *r);
void taxii_resp_free(taxii_resp *r);

/* GET url with Accept: the TAXII 2.1 media type. Redirects are followed
 * (at most 5) only on the same server (taxii_same_server). Any HTTP status
 * is TIX_EOK, with r->status set; a failed transfer, a response over the
 * size cap (TIX_ETOOBIG), a redirect elsewhere fail with a message that
 * does not name the URL (the caller does). */
tix_err taxii_http_get(taxii_http *c, const char *url, taxii_resp *r, tix_diag *d);

#endif
