/* http.c - GET with libcurl as a TAXII client needs it: the TAXII media
 * type asked for, Basic or Bearer credentials, responses held in a capped
 * buffer, the X-TAXII headers kept, timeouts, and redirects followed only
 * while they stay on the server the credentials are meant for. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "pull/http.h"
#include "pull/taxii.h"
#include "tix/tix.h"

#define MAX_REDIRECTS 5
#define CONNECT_TIMEOUT 30 /* seconds */
#define STALL_TIME 60      /* seconds without a byte before giving up */
#define HEADER_MAX 512     /* longest X-TAXII header value kept */

void taxii_resp_init(taxii_resp *r)
{
    memset(r, 0, sizeof *r);
    tix_buf_init(&r->body, 0);
    tix_buf_init(&r->date_first, HEADER_MAX);
    tix_buf_init(&r->date_last, HEADER_MAX);
    tix_buf_init(&r->content_type, HEADER_MAX);
    tix_buf_init(&r->url, TIX_PULL_URL_MAX * 4);
}

void taxii_resp_free(taxii_resp *r)
{
    tix_buf_free(&r->body);
    tix_buf_free(&r->date_first);
    tix_buf_free(&r->date_last);
    tix_buf_free(&r->content_type);
    tix_buf_free(&r->url);
}

/* Ready r for one more response (a redirect's target). */
static void resp_reset(taxii_resp *r, size_t max)
{
    r->status = 0;
    r->too_big = false;
    tix_buf_reset(&r->body);
    r->body.max = max;
    tix_buf_reset(&r->date_first);
    tix_buf_reset(&r->date_last);
    tix_buf_reset(&r->content_type);
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    taxii_resp *r = ud;
    size_t len = size * n;
    tix_buf_add(&r->body, p, len);
    if (r->body.err) {
        r->too_big = r->body.err == TIX_ETOOBIG;
        return 0; /* stops the transfer: CURLE_WRITE_ERROR */
    }
    return len;
}

/* A header line "Name: value\r\n" is name's when it names it (any case). */
static bool header_value(const char *line, size_t n, const char *name, tix_buf *out)
{
    size_t k = strlen(name);
    if (n <= k || strncasecmp(line, name, k) != 0 || line[k] != ':')
        return false;
    const char *v = line + k + 1, *end = line + n;
    while (v < end && (*v == ' ' || *v == '\t'))
        v++;
    while (end > v && isspace((unsigned char)end[-1]))
        end--;
    tix_buf_reset(out);
    tix_buf_add(out, v, (size_t)(end - v));
    if (out->err) /* longer than any timestamp: kept as unusable */
        tix_buf_reset(out), tix_buf_adds(out, "?");
    return true;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    taxii_resp *r = ud;
    size_t len = size * n;
    if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) { /* a new response begins */
        tix_buf_reset(&r->date_first);
        tix_buf_reset(&r->date_last);
        tix_buf_reset(&r->content_type);
    } else if (!header_value(p, len, "X-TAXII-Date-Added-Last", &r->date_last) &&
               !header_value(p, len, "X-TAXII-Date-Added-First", &r->date_first)) {
        (void)header_value(p, len, "Content-Type", &r->content_type);
    }
    return len;
}

#define SET(opt, val)                                                  \
    do {                                                               \
        if (curl_easy_setopt(c->h, opt, val) != CURLE_OK)              \
            return fail_open(c, d, #opt);                              \
    } while (0)

static tix_err fail_open(taxii_http *c, tix_diag *d, const char *what)
{
    taxii_http_close(c);
    return tix_diag_set(d, TIX_EUNSUPPORTED, "libcurl refused %s", what);
}

tix_err taxii_http_open(taxii_http *c, const tix_pull_opts *o, tix_diag *d)
{
    memset(c, 0, sizeof *c);
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        return tix_diag_set(d, TIX_EIO, "libcurl could not start");
    c->h = curl_easy_init();
    if (!c->h) {
        curl_global_cleanup();
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    }
    c->max_bytes = o->max_page_bytes ? o->max_page_bytes : TIX_PULL_MAX_PAGE_BYTES;
    c->timeout = o->timeout > 0 ? o->timeout : TIX_PULL_TIMEOUT;
    c->headers = curl_slist_append(NULL, "Accept: " TAXII_MEDIA_TYPE);
    if (!c->headers) {
        taxii_http_close(c);
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    }
    SET(CURLOPT_HTTPHEADER, c->headers);
    SET(CURLOPT_USERAGENT, "tix/" TIX_VERSION);
#if LIBCURL_VERSION_NUM >= 0x075500 /* 7.85.0 */
    SET(CURLOPT_PROTOCOLS_STR, "http,https");
#else
    SET(CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
    SET(CURLOPT_FOLLOWLOCATION, 0L); /* followed here, on the same server only */
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_CONNECTTIMEOUT, c->timeout < CONNECT_TIMEOUT ? c->timeout
                                                             : (long)CONNECT_TIMEOUT);
    SET(CURLOPT_TIMEOUT, c->timeout);
    SET(CURLOPT_LOW_SPEED_LIMIT, 1L);
    SET(CURLOPT_LOW_SPEED_TIME, (long)STALL_TIME);
    SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->max_bytes);
    SET(CURLOPT_ACCEPT_ENCODING, ""); /* every encoding libcurl decodes; the
                                         cap applies to the decoded bytes */
    SET(CURLOPT_ERRORBUFFER, c->errbuf);
    SET(CURLOPT_WRITEFUNCTION, on_body);
    SET(CURLOPT_HEADERFUNCTION, on_header);
    if (o->token && *o->token) {
        SET(CURLOPT_HTTPAUTH, (long)CURLAUTH_BEARER);
        SET(CURLOPT_XOAUTH2_BEARER, o->token);
    } else if (o->user && *o->user) {
        SET(CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        SET(CURLOPT_USERNAME, o->user);
        SET(CURLOPT_PASSWORD, o->password ? o->password : "");
    }
    if (o->cafile && *o->cafile)
        SET(CURLOPT_CAINFO, o->cafile);
    if (o->insecure) {
        SET(CURLOPT_SSL_VERIFYPEER, 0L);
        SET(CURLOPT_SSL_VERIFYHOST, 0L);
    }
    return TIX_EOK;
}

void taxii_http_close(taxii_http *c)
{
    if (c->h) {
        curl_easy_cleanup(c->h);
        curl_global_cleanup();
    }
    curl_slist_free_all(c->headers);
    memset(c, 0, sizeof *c);
}

static tix_err transfer_error(taxii_http *c, CURLcode rc, taxii_resp *r, tix_diag *d)
{
    if (r->too_big || rc == CURLE_FILESIZE_EXCEEDED)
        return tix_diag_set(d, TIX_ETOOBIG, "response larger than %zu bytes; not read",
                            c->max_bytes);
    if (rc == CURLE_OPERATION_TIMEDOUT)
        return tix_diag_set(d, TIX_EIO, "no complete answer within %ld s (%s)", c->timeout,
                            c->errbuf[0] ? c->errbuf : curl_easy_strerror(rc));
    return tix_diag_set(d, TIX_EIO, "%s",
                        c->errbuf[0] ? c->errbuf : curl_easy_strerror(rc));
}

tix_err taxii_http_get(taxii_http *c, const char *url, taxii_resp *r, tix_diag *d)
{
    tix_buf_reset(&r->url);
    tix_buf_adds(&r->url, url);
    for (int hop = 0;; hop++) {
        if (r->url.err)
            return tix_diag_set(d, TIX_ETOOBIG, "URL too long");
        resp_reset(r, c->max_bytes);
        c->errbuf[0] = 0;
        if (curl_easy_setopt(c->h, CURLOPT_URL, r->url.p) != CURLE_OK ||
            curl_easy_setopt(c->h, CURLOPT_WRITEDATA, r) != CURLE_OK ||
            curl_easy_setopt(c->h, CURLOPT_HEADERDATA, r) != CURLE_OK)
            return tix_diag_set(d, TIX_ENOMEM, "out of memory");
        CURLcode rc = curl_easy_perform(c->h);
        if (rc != CURLE_OK)
            return transfer_error(c, rc, r, d);
        curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &r->status);
        char *to = NULL;
        if (r->status < 300 || r->status >= 400 || r->status == 304 ||
            curl_easy_getinfo(c->h, CURLINFO_REDIRECT_URL, &to) != CURLE_OK || !to)
            return TIX_EOK;
        if (!taxii_same_server(r->url.p, to)) {
            tix_buf shown = TIX_BUF_INIT(0);
            taxii_url_shown(&shown, to, 120);
            tix_err e = tix_diag_set(d, TIX_EIO, "HTTP %ld redirects to %s, another "
                                     "server; not followed", r->status,
                                     shown.p ? shown.p : "?");
            tix_buf_free(&shown);
            return e;
        }
        if (hop == MAX_REDIRECTS)
            return tix_diag_set(d, TIX_EIO, "more than %d redirects", MAX_REDIRECTS);
        tix_buf next = TIX_BUF_INIT(TIX_PULL_URL_MAX * 4);
        tix_buf_adds(&next, to); /* `to` lives in the handle: copy it first */
        tix_buf_reset(&r->url);
        tix_buf_add(&r->url, next.p ? next.p : "", next.len);
        if (next.err)
            r->url.err = next.err;
        tix_buf_free(&next);
    }
}
