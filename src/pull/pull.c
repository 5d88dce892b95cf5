/* pull.c - a TAXII 2.1 collection into the store, page by page.
 *
 * Get Objects (TAXII 2.1 section 5.4) with added_after at the stored
 * resume point and the caller's limit; while the envelope says "more",
 * the same request again with the server's "next" (section 3.4: the same
 * filters with next), or, when the server gives no next, with added_after
 * at the page's X-TAXII-Date-Added-Last (the other way section 3.4
 * allows). Objects come sorted by date_added, so the X-TAXII-Date-Added-
 * Last of a stored page is where the next pull starts; it is written in
 * the page's own transaction, and only ever forward.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"
#include "pull/http.h"
#include "pull/taxii.h"
#include "tix/pull.h"

#define EMPTY_PAGES_MAX 100 /* "more" with nothing in it, in a row */
#define URL_SHOWN 120       /* bytes of a URL in a message */

void tix_pull_setting_name(const char *api_root, const char *collection, tix_buf *out)
{
    tix_buf_reset(out);
    tix_buf_adds(out, "pull.added_after ");
    tix_buf_adds(out, api_root);
    tix_buf_adds(out, "collections/");
    tix_buf_adds(out, collection);
    tix_buf_addc(out, '/');
}

typedef struct {
    tix_store *s;
    const tix_pull_opts *po;
    const tix_ingest_opts *io;
    tix_pull_stats *st;
    taxii_http http;
    taxii_resp resp;
    tix_buf setting;       /* the resume point's setting name */
    tix_buf url, shown;    /* the request; the URL as messages show it */
    tix_buf bundle;
    char point[TIX_PULL_TS_MAX]; /* what the page's transaction stores; "" none */
    char now_at[TIX_PULL_TS_MAX];  /* the stored point once that transaction commits */
    bool moves;                    /* ... and whether it moved it */
    uint64_t *seen;        /* hashes of the "next" values followed */
    size_t nseen, capseen;
} puller;

static void note(puller *p, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

static void note(puller *p, const char *fmt, ...)
{
    if (!p->io->report)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    p->io->report(p->io->report_ud, msg);
}

static void copy_str(char *out, size_t cap, const char *s)
{
    snprintf(out, cap, "%s", s ? s : "");
}

/* The resume point moves only forward: two pulls of one collection at a
 * time, or one from an earlier --from, never take it back. Called inside
 * the page's transaction. */
static tix_err store_point(void *ud, tix_store *s, tix_diag *d)
{
    puller *p = ud;
    if (!p->point[0])
        return TIX_EOK;
    char *cur = NULL;
    tix_err e = tix_store_setting_get(s, p->setting.p, &cur, d);
    if (e == TIX_ENOTFOUND) {
        tix_diag_clear(d);
        e = TIX_EOK;
    }
    p->moves = !e && (!cur || !taxii_ts_valid(cur, TIX_PULL_TS_MAX) ||
                      taxii_ts_cmp(p->point, cur) > 0);
    if (p->moves)
        e = tix_store_setting_set(s, p->setting.p, p->point, d);
    if (!e)
        copy_str(p->now_at, sizeof p->now_at, p->moves ? p->point : cur);
    free(cur);
    return e;
}

/* The page's transaction committed: what it stored is the resume point. */
static void point_stored(puller *p)
{
    if (!p->point[0])
        return;
    copy_str(p->st->resume, sizeof p->st->resume, p->now_at);
    p->st->resume_moved |= p->moves;
}

/* One request; what failed is said with the request it was. */
static tix_err get(puller *p, const char *what, const char *url, tix_diag *d)
{
    copy_str(p->st->url, sizeof p->st->url, url);
    taxii_url_shown(&p->shown, url, URL_SHOWN);
    tix_diag why = TIX_DIAG_INIT;
    if (taxii_http_get(&p->http, url, &p->resp, &why))
        return tix_diag_set(d, why.code, "%s: %s: %s", p->shown.p, what, why.msg);
    if (p->resp.status == 200) {
        const char *ct = p->resp.content_type.p ? p->resp.content_type.p : "";
        if (*ct && !strstr(ct, "json"))
            return tix_diag_set(d, TIX_EPARSE, "%s: %s: not a TAXII answer (Content-Type "
                                "%.60s)", p->shown.p, what, ct);
        return TIX_EOK;
    }
    tix_buf text = TIX_BUF_INIT(0);
    taxii_error_text(p->resp.body.p, p->resp.body.len, &text);
    tix_err e = tix_diag_set(d, p->resp.status == 404 ? TIX_ENOTFOUND : TIX_EIO,
                             "%s: %s: HTTP %ld%s%s", p->shown.p, what, p->resp.status,
                             text.len ? ": " : "", text.len ? text.p : "");
    tix_buf_free(&text);
    return e;
}

/* The API root: the URL given, or the one its discovery document names. */
static tix_err api_root(puller *p, tix_diag *d)
{
    bool discovery = false;
    tix_buf base = TIX_BUF_INIT(TIX_PULL_URL_MAX - 1);
    tix_err e = taxii_base_url(p->po->url, &base, &discovery, d);
    if (!e && discovery && !(e = get(p, "discovery", base.p, d))) {
        tix_buf root = TIX_BUF_INIT(TIX_PULL_URL_MAX - 1);
        tix_diag why = TIX_DIAG_INIT;
        e = taxii_discovery_root(p->resp.body.p, p->resp.body.len, base.p, &root, &why);
        if (e)
            tix_diag_set(d, e, "%s: discovery: %s", p->shown.p, why.msg);
        else
            e = taxii_base_url(root.p, &base, &discovery, d);
        tix_buf_free(&root);
    }
    if (!e)
        copy_str(p->st->api_root, sizeof p->st->api_root, base.p);
    tix_buf_free(&base);
    return e;
}

/* Whether the server sent this next before (a loop); remembers it. */
static bool seen_before(puller *p, const char *next)
{
    uint64_t h = 14695981039346656037u;
    for (const unsigned char *c = (const unsigned char *)next; *c; c++)
        h = (h ^ *c) * 1099511628211u;
    for (size_t i = 0; i < p->nseen; i++)
        if (p->seen[i] == h)
            return true;
    if (tix__grow(&p->seen, &p->capseen, p->nseen, sizeof *p->seen, 16) == 0)
        p->seen[p->nseen++] = h;
    return false;
}

/* One page: its objects as one bundle document, with the resume point
 * after it, in one transaction. A page without objects is no document; it
 * only moves the point, if it names one. */
static tix_err store_page(puller *p, unsigned page, const taxii_envelope *env,
                          tix_diag *d)
{
    size_t n = env->objects ? json_array_size(env->objects) : 0;
    tix_err e;
    if (n == 0) {
        if (!p->point[0])
            return TIX_EOK;
        if ((e = tix_store_begin(p->s, d)))
            return e;
        if ((e = store_point(p, p->s, d)) || (e = tix_store_commit(p->s, d))) {
            tix_store_rollback(p->s);
            return e;
        }
        point_stored(p);
        return TIX_EOK;
    }
    tix_diag why = TIX_DIAG_INIT;
    if ((e = taxii_bundle(env, &p->bundle, &why)))
        return tix_diag_set(d, e, "%s: page %u: %s", p->shown.p, page, why.msg);
    tix_ingest_opts io = *p->io;
    io.before_commit = store_point;
    io.before_commit_ud = p;
    tix_feed_opts fo = {.format = TIX_FEED_STIX};
    /* the document is named by the request, as messages show it */
    e = tix_ingest_feed_mem(p->s, &io, &fo, p->shown.p, p->bundle.p, p->bundle.len,
                            &p->st->ingest, &why);
    if (e)
        return tix_diag_set(d, e, "page %u: %s", page, why.msg);
    point_stored(p);
    p->st->objects += n;
    return TIX_EOK;
}

static tix_err pull_pages(puller *p, tix_diag *d)
{
    const tix_pull_opts *po = p->po;
    unsigned max_pages = po->max_pages ? po->max_pages : TIX_PULL_MAX_PAGES;
    char after[TIX_PULL_TS_MAX];
    copy_str(after, sizeof after, p->st->from);
    char *next = NULL;
    unsigned empty = 0;
    tix_err e = TIX_EOK;
    for (unsigned page = 1;; page++) {
        tix_buf_reset(&p->url);
        taxii_objects_url(&p->url, p->st->api_root, po->collection, after, po->limit, next);
        if (p->url.err) {
            e = tix_diag_set(d, TIX_ETOOBIG, "page %u: request URL too long", page);
            break;
        }
        char what[32];
        snprintf(what, sizeof what, "page %u", page);
        p->st->failed_page = page; /* until it is stored */
        if ((e = get(p, what, p->url.p, d)))
            break;
        taxii_envelope env;
        tix_diag why = TIX_DIAG_INIT;
        if ((e = taxii_envelope_parse(p->resp.body.p, p->resp.body.len, &env, &why))) {
            tix_diag_set(d, e, "%s: page %u: %s", p->shown.p, page, why.msg);
            break;
        }
        /* the page's X-TAXII-Date-Added-Last, when usable, is the point after it */
        const char *last = p->resp.date_last.p ? p->resp.date_last.p : "";
        bool have_last = taxii_ts_valid(last, TIX_PULL_TS_MAX);
        size_t n = env.objects ? json_array_size(env.objects) : 0;
        if (n && !have_last)
            note(p, "%s: %s X-TAXII-Date-Added-Last; the resume point stays", p->shown.p,
                 *last ? "unusable" : "no");
        copy_str(p->point, sizeof p->point, have_last ? last : "");
        e = store_page(p, page, &env, d);
        if (!e) {
            p->st->pages++;
            p->st->failed_page = 0;
        }
        /* what to ask next, decided before the envelope goes */
        bool more = env.more;
        const char *nx = env.next;
        free(next);
        next = NULL;
        if (!e && more && nx) {
            if (seen_before(p, nx))
                e = tix_diag_set(d, TIX_EPARSE, "%s: page %u: the server sent the same "
                                 "\"next\" again; stopped so as not to loop", p->shown.p,
                                 page);
            else if (!(next = strdup(nx)))
                e = tix_diag_set(d, TIX_ENOMEM, "out of memory");
        } else if (!e && more) {
            /* no next: added_after the last object of this page */
            if (!have_last || (after[0] && taxii_ts_cmp(last, after) <= 0))
                e = tix_diag_set(d, TIX_EPARSE, "%s: page %u: the server says there is "
                                 "more but gives neither \"next\" nor a later "
                                 "X-TAXII-Date-Added-Last", p->shown.p, page);
            else
                copy_str(after, sizeof after, last);
        }
        taxii_envelope_free(&env);
        if (e || !more)
            break;
        empty = n ? 0 : empty + 1;
        if (empty == EMPTY_PAGES_MAX) {
            e = tix_diag_set(d, TIX_EPARSE, "%s: %u empty pages in a row, each saying "
                             "there is more; stopped", p->shown.p, empty);
            break;
        }
        if (page == max_pages) {
            p->st->more = true;
            break;
        }
    }
    free(next);
    return e;
}

tix_err tix_pull(tix_store *s, const tix_pull_opts *po, const tix_ingest_opts *io,
                 tix_pull_stats *st, tix_diag *d)
{
    memset(st, 0, sizeof *st);
    if (!po->url || !*po->url)
        return tix_diag_set(d, TIX_EINVAL, "no TAXII server URL given");
    if (!po->collection || !*po->collection)
        return tix_diag_set(d, TIX_EINVAL, "no collection given");
    if (po->from && po->all)
        return tix_diag_set(d, TIX_EINVAL, "from a time, or all: not both");
    puller p = {.s = s, .po = po, .st = st};
    tix_buf_init(&p.setting, 0);
    tix_buf_init(&p.url, TIX_PULL_URL_MAX * 4);
    tix_buf_init(&p.shown, 0);
    tix_buf_init(&p.bundle, 0);
    taxii_resp_init(&p.resp);
    tix_ingest_opts iopts = *io;
    p.io = &iopts;
    tix_buf host = TIX_BUF_INIT(0);
    char *stored = NULL;
    tix_err e;
    if (po->from && (e = taxii_ts_from_user(po->from, st->from, sizeof st->from, d)))
        goto out;
    if ((e = taxii_http_open(&p.http, po, d)))
        goto out;
    if ((e = api_root(&p, d)))
        goto out;
    if ((e = taxii_host(st->api_root, &host, d)))
        goto out;
    if (!iopts.source || !*iopts.source)
        iopts.source = host.p;
    if ((po->user || po->token) && strncmp(st->api_root, "http:", 5) == 0 &&
        !taxii_is_loopback(st->api_root))
        note(&p, "credentials go to %s over plain HTTP", host.p);
    tix_pull_setting_name(st->api_root, po->collection, &p.setting);
    if (p.setting.err) {
        e = tix_diag_set(d, TIX_ENOMEM, "out of memory");
        goto out;
    }
    e = tix_store_setting_get(s, p.setting.p, &stored, d);
    if (e == TIX_ENOTFOUND) {
        tix_diag_clear(d);
        e = TIX_EOK;
    } else if (e) {
        goto out;
    }
    if (stored && !taxii_ts_valid(stored, TIX_PULL_TS_MAX)) {
        note(&p, "the stored resume point '%.80s' is no time; pulling everything",
             stored);
        free(stored);
        stored = NULL;
    }
    copy_str(st->resume, sizeof st->resume, stored);
    if (!po->from && !po->all)
        copy_str(st->from, sizeof st->from, stored);
    e = pull_pages(&p, d);
out:
    free(stored);
    free(p.seen);
    tix_buf_free(&host);
    tix_buf_free(&p.setting);
    tix_buf_free(&p.url);
    tix_buf_free(&p.shown);
    tix_buf_free(&p.bundle);
    taxii_resp_free(&p.resp);
    if (p.http.h)
        taxii_http_close(&p.http);
    return e;
}
