/* http.c - tix_taxii on a socket, with libmicrohttpd.
 *
 * The listening socket is bound here (so that port 0 can be asked for and
 * the real port known before the first request), then handed to MHD. A
 * request's raw target comes from MHD's URI log callback: MHD's own
 * decoding of the path and arguments is not used, tix_taxii_handle parses
 * the target itself. Bodies are collected up to max_body; a larger
 * Content-Length is answered 413 before the body is read. Response bodies
 * come from a pool and go back to it when MHD has sent them. */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "taxii/internal.h"

typedef struct rbuf {
    tix_buf b;
    struct tix_taxii_http *h;
    struct rbuf *next;
} rbuf;

typedef struct creq {
    tix_buf uri;
    tix_buf body;
    bool started, too_big;
    size_t discarded;
    struct creq *next;
} creq;

struct tix_taxii_http {
    tix_taxii *t;
    struct MHD_Daemon *d;
    int fd;
    char url[160];
    char *cert, *key;
    size_t max_body;
    pthread_mutex_t mu;
    rbuf *free_bufs;
    unsigned nfree_bufs;
    creq *free_reqs;
    unsigned nfree_reqs;
    char starterr[256];
    atomic_flag logged;         /* only the first message is kept */
};

#define POOL_KEEP 64
#define BUF_KEEP ((size_t)4 << 20) /* larger buffers are not pooled */

/* ---- pools ---- */

static rbuf *rbuf_get(struct tix_taxii_http *h)
{
    pthread_mutex_lock(&h->mu);
    rbuf *b = h->free_bufs;
    if (b) {
        h->free_bufs = b->next;
        h->nfree_bufs--;
    }
    pthread_mutex_unlock(&h->mu);
    if (!b && (b = calloc(1, sizeof *b))) {
        tix_buf_init(&b->b, 0);
        b->h = h;
    }
    return b;
}

static void rbuf_put(void *cls)
{
    rbuf *b = cls;
    struct tix_taxii_http *h = b->h;
    tix_buf_reset(&b->b);
    pthread_mutex_lock(&h->mu);
    if (h->nfree_bufs < POOL_KEEP && b->b.cap <= BUF_KEEP) {
        b->next = h->free_bufs;
        h->free_bufs = b;
        h->nfree_bufs++;
        b = NULL;
    }
    pthread_mutex_unlock(&h->mu);
    if (b) {
        tix_buf_free(&b->b);
        free(b);
    }
}

static creq *creq_get(struct tix_taxii_http *h)
{
    pthread_mutex_lock(&h->mu);
    creq *r = h->free_reqs;
    if (r) {
        h->free_reqs = r->next;
        h->nfree_reqs--;
    }
    pthread_mutex_unlock(&h->mu);
    if (!r && (r = calloc(1, sizeof *r))) {
        tix_buf_init(&r->uri, 65536);
        tix_buf_init(&r->body, h->max_body + 1);
    }
    if (r) {
        tix_buf_reset(&r->uri);
        tix_buf_reset(&r->body);
        r->started = r->too_big = false;
        r->discarded = 0;
        r->next = NULL;
    }
    return r;
}

static void creq_put(struct tix_taxii_http *h, creq *r)
{
    pthread_mutex_lock(&h->mu);
    if (h->nfree_reqs < POOL_KEEP && r->body.cap <= BUF_KEEP) {
        r->next = h->free_reqs;
        h->free_reqs = r;
        h->nfree_reqs++;
        r = NULL;
    }
    pthread_mutex_unlock(&h->mu);
    if (r) {
        tix_buf_free(&r->uri);
        tix_buf_free(&r->body);
        free(r);
    }
}

/* ---- MHD callbacks ---- */

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    (void)c;
    struct tix_taxii_http *h = cls;
    creq *r = creq_get(h);
    if (r)
        tix_buf_adds(&r->uri, uri ? uri : "");
    return r;
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
                    enum MHD_RequestTerminationCode toe)
{
    (void)c, (void)toe;
    if (*con_cls)
        creq_put(cls, *con_cls);
    *con_cls = NULL;
}

static enum MHD_Result respond(struct tix_taxii_http *h, struct MHD_Connection *c,
                               const char *method, creq *r)
{
    rbuf *out = rbuf_get(h);
    if (!out)
        return MHD_NO;
    tix_taxii_request rq = {
        .method = method,
        .target = r->uri.err ? "" : r->uri.p ? r->uri.p : "/",
        .accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT),
        .content_type =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE),
        .authorization =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION),
        .body = r->body.p,
        .body_len = r->body.len,
        .body_too_large = r->too_big,
    };
    tix_taxii_response rs = {.body = &out->b};
    if (r->uri.err) {
        /* MHD keeps URIs within its memory limit; this cannot be reached
         * with the limit set below, but answer sanely if it is */
        rq.target = "/";
        rq.body_too_large = false;
    }
    tix_taxii_handle(h->t, &rq, &rs);
    struct MHD_Response *resp = MHD_create_response_from_buffer_with_free_callback_cls(
        out->b.len, out->b.p ? out->b.p : "", rbuf_put, out);
    if (!resp) {
        rbuf_put(out);
        return MHD_NO;
    }
    if (rs.content_type)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, rs.content_type);
    if (rs.date_added_first[0])
        MHD_add_response_header(resp, "X-TAXII-Date-Added-First", rs.date_added_first);
    if (rs.date_added_last[0])
        MHD_add_response_header(resp, "X-TAXII-Date-Added-Last", rs.date_added_last);
    if (rs.authenticate) {
        MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                                "Basic realm=\"tix\", charset=\"UTF-8\"");
        MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
                                "Bearer realm=\"tix\"");
    }
    if (rs.allow)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, rs.allow);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
    if (r->too_big)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)rs.status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *c, const char *url,
                                 const char *method, const char *version,
                                 const char *upload, size_t *upload_size, void **con_cls)
{
    (void)url, (void)version;
    struct tix_taxii_http *h = cls;
    creq *r = *con_cls;
    if (!r)
        return MHD_NO;
    if (!r->started) {
        r->started = true;
        const char *cl =
            MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl) {
            char *end;
            errno = 0;
            unsigned long long n = strtoull(cl, &end, 10);
            if (errno || end == cl || n > h->max_body) {
                r->too_big = true;
                return respond(h, c, method, r);
            }
        }
        return MHD_YES;
    }
    if (*upload_size) {
        if (!r->too_big) {
            if (r->body.len + *upload_size > h->max_body) {
                r->too_big = true;
                tix_buf_free(&r->body);
                tix_buf_init(&r->body, h->max_body + 1);
            } else {
                tix_buf_add(&r->body, upload, *upload_size);
            }
        }
        if (r->too_big) {
            /* a chunked body past the limit: read on, keeping nothing, up
             * to a bound, then drop the connection */
            r->discarded += *upload_size;
            if (r->discarded > 4 * h->max_body)
                return MHD_NO;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    return respond(h, c, method, r);
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 0)))
#endif
static void on_log(void *cls, const char *fmt, va_list ap)
{
    struct tix_taxii_http *h = cls;
    if (atomic_flag_test_and_set(&h->logged))
        return;
    vsnprintf(h->starterr, sizeof h->starterr, fmt, ap);
    size_t n = strlen(h->starterr);
    while (n && (h->starterr[n - 1] == '\n' || h->starterr[n - 1] == ' '))
        h->starterr[--n] = 0;
}

/* ---- start and stop ---- */

static tix_err read_pem(const char *path, char **out, tix_diag *d)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return tix_diag_set(d, TIX_EIO, "%s: %s", path, strerror(errno));
    tix_buf b = TIX_BUF_INIT((size_t)1 << 20);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        tix_buf_add(&b, chunk, n);
    bool failed = ferror(f);
    fclose(f);
    if (failed || b.err || !b.len) {
        tix_buf_free(&b);
        return tix_diag_set(d, TIX_EIO, "%s: %s", path,
                            failed ? "cannot read" : b.len ? "too large" : "empty");
    }
    *out = tix_buf_detach(&b, NULL);
    return TIX_EOK;
}

static tix_err bind_listen(struct tix_taxii_http *h, const char *where, bool tls,
                           tix_diag *d)
{
    char host[256], port[16];
    const char *colon;
    if (where[0] == '[') {
        const char *rb = strchr(where, ']');
        if (!rb || rb[1] != ':' || (size_t)(rb - where - 1) >= sizeof host)
            goto bad;
        memcpy(host, where + 1, (size_t)(rb - where - 1));
        host[rb - where - 1] = 0;
        colon = rb + 1;
    } else {
        colon = strrchr(where, ':');
        if (!colon || (size_t)(colon - where) >= sizeof host || strchr(where, ':') != colon)
            goto bad;
        memcpy(host, where, (size_t)(colon - where));
        host[colon - where] = 0;
    }
    if (!colon[1] || strlen(colon + 1) >= sizeof port ||
        strspn(colon + 1, "0123456789") != strlen(colon + 1) || atoi(colon + 1) > 65535)
        goto bad;
    snprintf(port, sizeof port, "%s", colon + 1);
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
                             .ai_flags = AI_PASSIVE | AI_NUMERICSERV};
    struct addrinfo *ai = NULL;
    int rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &ai);
    if (rc)
        return tix_diag_set(d, TIX_EINVAL, "--listen %s: %s", where, gai_strerror(rc));
    int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) {
        freeaddrinfo(ai);
        return tix_diag_set(d, TIX_EIO, "socket: %s", strerror(errno));
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) || listen(fd, 512)) {
        int err = errno;
        close(fd);
        freeaddrinfo(ai);
        return tix_diag_set(d, TIX_EIO, "%s: %s", where, strerror(err));
    }
    freeaddrinfo(ai);
    struct sockaddr_storage ss;
    socklen_t sl = sizeof ss;
    char addr[INET6_ADDRSTRLEN] = "";
    unsigned p = 0;
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0) {
        if (ss.ss_family == AF_INET6) {
            struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
            inet_ntop(AF_INET6, &s6->sin6_addr, addr, sizeof addr);
            p = ntohs(s6->sin6_port);
        } else {
            struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
            inet_ntop(AF_INET, &s4->sin_addr, addr, sizeof addr);
            p = ntohs(s4->sin_port);
        }
    }
    h->fd = fd;
    snprintf(h->url, sizeof h->url, "%s://%s%s%s:%u", tls ? "https" : "http",
             ss.ss_family == AF_INET6 ? "[" : "", addr, ss.ss_family == AF_INET6 ? "]" : "",
             p);
    return TIX_EOK;
bad:
    return tix_diag_set(d, TIX_EINVAL, "--listen %s: not ADDR:PORT or [ADDR]:PORT", where);
}

tix_err tix_taxii_http_start(tix_taxii_http **out, tix_taxii *t, const tix_taxii_http_opts *o,
                             tix_diag *d)
{
    *out = NULL;
    static const tix_taxii_http_opts none = {0};
    if (!o)
        o = &none;
    if (!o->tls_cert != !o->tls_key)
        return tix_diag_set(d, TIX_EINVAL, "TLS needs both a certificate and a key");
    bool tls = o->tls_cert != NULL;
    if (tls && MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES)
        return tix_diag_set(d, TIX_EUNSUPPORTED, "this libmicrohttpd has no TLS");
    struct tix_taxii_http *h = calloc(1, sizeof *h);
    if (!h)
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    h->t = t;
    h->fd = -1;
    atomic_flag_clear(&h->logged);
    h->max_body = t->max_body;
    pthread_mutex_init(&h->mu, NULL);
    tix_err e;
    if (tls && ((e = read_pem(o->tls_cert, &h->cert, d)) || (e = read_pem(o->tls_key, &h->key, d))))
        goto fail;
    if ((e = bind_listen(h, o->listen ? o->listen : TIX_TAXII_LISTEN_DEFAULT, tls, d)))
        goto fail;
    if ((e = tix_taxii_set_base_url(t, o->public_url ? o->public_url : h->url, d)))
        goto fail;
    unsigned flags = MHD_USE_ERROR_LOG | MHD_USE_INTERNAL_POLLING_THREAD;
    unsigned threads = o->threads;
    if (threads == 0)
        flags |= MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL;
    else
        flags |= MHD_USE_EPOLL;
    if (tls)
        flags |= MHD_USE_TLS;
    struct MHD_OptionItem opts[16];
    int n = 0;
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_LISTEN_SOCKET, h->fd, NULL};
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_URI_LOG_CALLBACK, (intptr_t)on_uri, h};
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_done, h};
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT,
                                        o->timeout ? o->timeout : 30, NULL};
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_LIMIT,
                                        o->max_connections ? o->max_connections : 256, NULL};
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_MEMORY_LIMIT, 64 * 1024, NULL};
    if (threads > 1)
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE, threads, NULL};
    if (tls) {
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0, h->cert};
        opts[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0, h->key};
    }
    opts[n++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
    /* the logger first: MHD complains about anything logged before it */
    h->d = MHD_start_daemon(flags, 0, NULL, NULL, on_access, h, MHD_OPTION_EXTERNAL_LOGGER,
                            on_log, h, MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
    if (!h->d) {
        e = tix_diag_set(d, TIX_EIO, "cannot start the HTTP%s server%s%s", tls ? "S" : "",
                         h->starterr[0] ? ": " : "", h->starterr);
        goto fail;
    }
    h->fd = -1; /* MHD closes it when it stops */
    *out = h;
    return TIX_EOK;
fail:
    tix_taxii_http_stop(h);
    return e;
}

const char *tix_taxii_http_url(const tix_taxii_http *h) { return h->url; }

void tix_taxii_http_stop(tix_taxii_http *h)
{
    if (!h)
        return;
    if (h->d)
        MHD_stop_daemon(h->d); /* waits for the requests in flight */
    if (h->fd >= 0)
        close(h->fd);
    while (h->free_bufs) {
        rbuf *b = h->free_bufs;
        h->free_bufs = b->next;
        tix_buf_free(&b->b);
        free(b);
    }
    while (h->free_reqs) {
        creq *r = h->free_reqs;
        h->free_reqs = r->next;
        tix_buf_free(&r->uri);
        tix_buf_free(&r->body);
        free(r);
    }
    pthread_mutex_destroy(&h->mu);
    free(h->cert);
    if (h->key) {
        memset(h->key, 0, strlen(h->key));
        free(h->key);
    }
    free(h);
}
