/* server.c - the TAXII server object: its store connections, the partner
 * cache, per-request scratch, the audit writer and the refresh thread.
 *
 * The audit log is written by group commit: requests queue their row and
 * wait; one writer thread takes whatever is queued, inserts it in one
 * transaction, commits, and only then lets the requests answer. A commit
 * per batch instead of per request keeps the log off the hot path's
 * critical path, and nothing is ever served unaudited. */
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/hex.h"
#include "taxii/internal.h"

/* Page caches of the server's connections: the operating system caches
 * the file for all of them; each keeps only what one request touches (a
 * page of rows and the B-tree paths to it), so memory stays flat however
 * large the store and the audit log grow. */
#define READER_CACHE_KIB 16384
#define AUDIT_CACHE_KIB 2048

void taxii_log(tix_taxii *t, const char *fmt, ...)
{
    if (!t->log)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    t->log(t->log_ud, msg);
}

/* ---- pools ---- */

reader *taxii_reader_get(tix_taxii *t)
{
    pthread_mutex_lock(&t->pool_mu);
    for (;;) {
        reader *r = t->readers;
        if (r) {
            t->readers = r->next;
            pthread_mutex_unlock(&t->pool_mu);
            return r;
        }
        if (t->nreaders < t->maxreaders) {
            t->nreaders++;
            pthread_mutex_unlock(&t->pool_mu);
            tix_diag d = TIX_DIAG_INIT;
            r = calloc(1, sizeof *r);
            if (r && tix_store_open(&r->s, t->store_uri, TIX_STORE_READONLY, &d) == TIX_EOK) {
                if (tix_share_cache_limit(r->s, READER_CACHE_KIB, &d) == TIX_EOK)
                    return r;
                tix_store_close(r->s);
            }
            taxii_log(t, "opening a read connection: %s", r ? d.msg : "out of memory");
            free(r);
            pthread_mutex_lock(&t->pool_mu);
            t->nreaders--;
            pthread_cond_signal(&t->pool_cv);
            pthread_mutex_unlock(&t->pool_mu);
            return NULL;
        }
        pthread_cond_wait(&t->pool_cv, &t->pool_mu);
    }
}

void taxii_reader_put(tix_taxii *t, reader *r)
{
    if (!r)
        return;
    pthread_mutex_lock(&t->pool_mu);
    r->next = t->readers;
    t->readers = r;
    pthread_cond_signal(&t->pool_cv);
    pthread_mutex_unlock(&t->pool_mu);
}

scratch *taxii_scratch_get(tix_taxii *t)
{
    pthread_mutex_lock(&t->pool_mu);
    scratch *s = t->scratches;
    if (s)
        t->scratches = s->next;
    pthread_mutex_unlock(&t->pool_mu);
    if (s)
        return s;
    s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    tix_buf_init(&s->params, 0);
    tix_buf_init(&s->tmp, 0);
    if (!(s->md = EVP_MD_CTX_new())) {
        free(s);
        return NULL;
    }
    return s;
}

static void scratch_free(scratch *s)
{
    EVP_MD_CTX_free(s->md);
    tix_buf_free(&s->params);
    tix_buf_free(&s->tmp);
    free(s->keys);
    free(s);
}

void taxii_scratch_put(tix_taxii *t, scratch *s)
{
    if (!s)
        return;
    /* one hostile request must not pin a large buffer for good */
    if (s->params.cap > ((size_t)1 << 20) || s->tmp.cap > ((size_t)1 << 20) ||
        s->capkeys > 65536) {
        scratch_free(s);
        return;
    }
    pthread_mutex_lock(&t->pool_mu);
    s->next = t->scratches;
    t->scratches = s;
    pthread_mutex_unlock(&t->pool_mu);
}

bool taxii_keep_key(scratch *sc, int64_t k)
{
    if (sc->nkeys == sc->capkeys) {
        size_t cap = sc->capkeys ? sc->capkeys * 2 : 256;
        int64_t *v = realloc(sc->keys, cap * sizeof *v);
        if (!v)
            return false;
        sc->keys = v;
        sc->capkeys = cap;
    }
    sc->keys[sc->nkeys++] = k;
    return true;
}

/* ---- the partner cache ---- */

static void cache_free(cp_cache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->nc; i++) {
        free(c->c[i].name);
        free(c->c[i].title);
        free(c->c[i].description);
    }
    OPENSSL_cleanse(c->p, c->np * sizeof *c->p);
    free(c->p);
    free(c->g);
    free(c->c);
    free(c->tab);
    free(c);
}

typedef struct {
    cp_cache *c;
    size_t capp, capc, capg;
    struct gtmp {
        int64_t partner, coll;
        unsigned rights;
    } *g;
    bool oom;
} cache_build;

static int on_coll(void *ud, const tix_collection *col)
{
    cache_build *b = ud;
    cp_cache *c = b->c;
    if (c->nc == b->capc) {
        size_t cap = b->capc ? b->capc * 2 : 16;
        cp_coll *v = realloc(c->c, cap * sizeof *v);
        if (!v) {
            b->oom = true;
            return 1;
        }
        c->c = v;
        b->capc = cap;
    }
    cp_coll *x = &c->c[c->nc++];
    memset(x, 0, sizeof *x);
    x->id = col->id;
    memcpy(x->uuid, col->uuid, sizeof x->uuid);
    x->kind = col->kind;
    x->name = strdup(col->name ? col->name : "");
    x->title = strdup(col->title ? col->title : "");
    x->description = col->description ? strdup(col->description) : NULL;
    if (!x->name || !x->title || (col->description && !x->description)) {
        b->oom = true;
        return 1;
    }
    return 0;
}

static int on_partner(void *ud, const tix_partner *p)
{
    cache_build *b = ud;
    cp_cache *c = b->c;
    if (c->np == b->capp) {
        size_t cap = b->capp ? b->capp * 2 : 16;
        cp_partner *v = realloc(c->p, cap * sizeof *v);
        if (!v) {
            b->oom = true;
            return 1;
        }
        c->p = v;
        b->capp = cap;
    }
    cp_partner *x = &c->p[c->np++];
    memset(x, 0, sizeof *x);
    x->id = p->id;
    snprintf(x->name, sizeof x->name, "%s", p->name);
    memcpy(x->hash, p->token_sha256, 32);
    x->clearance = p->clearance;
    x->disabled = p->disabled != 0;
    return 0;
}

static int on_grant(void *ud, const tix_grant *g)
{
    cache_build *b = ud;
    if (b->c->ng == b->capg) {
        size_t cap = b->capg ? b->capg * 2 : 16;
        struct gtmp *v = realloc(b->g, cap * sizeof *v);
        if (!v) {
            b->oom = true;
            return 1;
        }
        b->g = v;
        b->capg = cap;
    }
    b->g[b->c->ng++] = (struct gtmp){g->partner_id, g->collection_id, g->rights};
    return 0;
}

static size_t hash_slot(const uint8_t h[32], size_t mask)
{
    uint64_t v;
    memcpy(&v, h, 8); /* a SHA-256: its bytes are already mixed */
    return (size_t)v & mask;
}

static cp_cache *cache_load(tix_store *rd, int64_t gen, tix_diag *d)
{
    cache_build b = {0};
    if (!(b.c = calloc(1, sizeof *b.c))) {
        tix_diag_set(d, TIX_ENOMEM, "out of memory");
        return NULL;
    }
    cp_cache *c = b.c;
    c->gen = gen;
    tix_err e;
    if ((e = tix_collection_each(rd, false, on_coll, &b, d)) ||
        (e = tix_partner_each(rd, on_partner, &b, d)) ||
        (e = tix_grant_each(rd, NULL, on_grant, &b, d))) {
        if (b.oom)
            tix_diag_set(d, TIX_ENOMEM, "out of memory");
        goto fail;
    }
    /* grants, per partner, in collection name order (grant_each gives
     * partner name then collection name, as the partners are listed) */
    if (c->ng && !(c->g = malloc(c->ng * sizeof *c->g))) {
        tix_diag_set(d, TIX_ENOMEM, "out of memory");
        goto fail;
    }
    size_t k = 0;
    for (size_t i = 0; i < c->np; i++) {
        c->p[i].grant0 = (uint32_t)k;
        for (size_t j = 0; j < c->ng; j++) {
            if (b.g[j].partner != c->p[i].id)
                continue;
            for (size_t x = 0; x < c->nc; x++)
                if (c->c[x].id == b.g[j].coll) {
                    c->g[k++] = (cp_grant){(uint32_t)x, b.g[j].rights};
                    break;
                }
        }
        c->p[i].ngrants = (uint32_t)(k - c->p[i].grant0);
    }
    c->ng = k;
    size_t cap = 16;
    while (cap < c->np * 2)
        cap *= 2;
    if (!(c->tab = malloc(cap * sizeof *c->tab))) {
        tix_diag_set(d, TIX_ENOMEM, "out of memory");
        goto fail;
    }
    memset(c->tab, 0xff, cap * sizeof *c->tab);
    c->tabmask = cap - 1;
    for (size_t i = 0; i < c->np; i++) {
        size_t j = hash_slot(c->p[i].hash, c->tabmask);
        while (c->tab[j] >= 0)
            j = (j + 1) & c->tabmask;
        c->tab[j] = (int32_t)i;
    }
    free(b.g);
    return c;
fail:
    free(b.g);
    cache_free(c);
    return NULL;
}

cp_cache *taxii_cache_get(tix_taxii *t, tix_store *rd, tix_diag *d)
{
    int64_t gen;
    if (tix_share_generation(rd, &gen, d) != TIX_EOK)
        return NULL;
    pthread_mutex_lock(&t->cache_mu);
    if (!t->cache || t->cache->gen != gen) {
        cp_cache *c = cache_load(rd, gen, d);
        if (!c) {
            pthread_mutex_unlock(&t->cache_mu);
            return NULL;
        }
        c->refs = 1; /* t's own */
        cp_cache *old = t->cache;
        t->cache = c;
        if (old && --old->refs == 0)
            cache_free(old);
    }
    cp_cache *c = t->cache;
    c->refs++;
    pthread_mutex_unlock(&t->cache_mu);
    return c;
}

void taxii_cache_put(tix_taxii *t, cp_cache *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&t->cache_mu);
    bool last = --c->refs == 0;
    pthread_mutex_unlock(&t->cache_mu);
    if (last)
        cache_free(c);
}

const cp_partner *taxii_cache_find(const cp_cache *c, const uint8_t h[32])
{
    size_t j = hash_slot(h, c->tabmask);
    while (c->tab[j] >= 0) {
        const cp_partner *p = &c->p[c->tab[j]];
        if (CRYPTO_memcmp(p->hash, h, 32) == 0)
            return p;
        j = (j + 1) & c->tabmask;
    }
    return NULL;
}

/* ---- the audit writer ---- */

static void *audit_main(void *arg)
{
    tix_taxii *t = arg;
    pthread_mutex_lock(&t->audit_mu);
    for (;;) {
        while (!t->aq_head && !t->audit_stop)
            pthread_cond_wait(&t->audit_cv, &t->audit_mu);
        if (!t->aq_head && t->audit_stop)
            break;
        audit_item *batch = t->aq_head;
        t->aq_head = t->aq_tail = NULL;
        pthread_mutex_unlock(&t->audit_mu);

        tix_diag d = TIX_DIAG_INIT;
        tix_err e = tix_store_begin(t->aw, &d);
        for (audit_item *i = batch; !e && i; i = i->next)
            e = tix_audit_add(t->aw, &i->rec, &d);
        if (!e)
            e = tix_store_commit(t->aw, &d);
        else
            tix_store_rollback(t->aw);
        for (audit_item *i = batch; i; i = i->next)
            i->ok = e == TIX_EOK;
        if (e) {
            /* one row must not take the batch down: each alone, once more */
            for (audit_item *i = batch; i; i = i->next) {
                tix_diag one = TIX_DIAG_INIT;
                tix_err r = tix_store_begin(t->aw, &one);
                if (!r)
                    r = tix_audit_add(t->aw, &i->rec, &one);
                if (!r)
                    r = tix_store_commit(t->aw, &one);
                else
                    tix_store_rollback(t->aw);
                i->ok = r == TIX_EOK;
                if (r)
                    taxii_log(t, "audit log: %s", one.msg);
            }
        }
        /* once posted, an item may be gone: read next first */
        for (audit_item *i = batch, *next; i; i = next) {
            next = i->next;
            sem_post(&i->done);
        }
        pthread_mutex_lock(&t->audit_mu);
    }
    pthread_mutex_unlock(&t->audit_mu);
    return NULL;
}

bool taxii_audit(tix_taxii *t, const tix_audit_rec *r)
{
    audit_item it = {.rec = *r};
    if (sem_init(&it.done, 0, 0))
        return false;
    pthread_mutex_lock(&t->audit_mu);
    if (!t->audit_running || t->audit_stop) {
        pthread_mutex_unlock(&t->audit_mu);
        sem_destroy(&it.done);
        return false;
    }
    if (t->aq_tail)
        t->aq_tail->next = &it;
    else
        t->aq_head = &it;
    t->aq_tail = &it;
    pthread_cond_signal(&t->audit_cv);
    pthread_mutex_unlock(&t->audit_mu);
    while (sem_wait(&it.done) != 0)
        ; /* EINTR */
    sem_destroy(&it.done);
    return it.ok;
}

/* ---- refresh ---- */

typedef struct {
    char **names, **queries;
    size_t n, cap;
    bool oom;
} qlist;

static int on_query_coll(void *ud, const tix_collection *c)
{
    qlist *l = ud;
    if (c->kind != TIX_COLLECTION_QUERY)
        return 0;
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        char **a = realloc(l->names, cap * sizeof *a);
        if (a)
            l->names = a;
        char **b = realloc(l->queries, cap * sizeof *b);
        if (b)
            l->queries = b;
        if (!a || !b) {
            l->oom = true;
            return 1;
        }
        l->cap = cap;
    }
    l->names[l->n] = strdup(c->name);
    l->queries[l->n] = strdup(c->query ? c->query : "");
    if (!l->names[l->n] || !l->queries[l->n]) {
        free(l->names[l->n]);
        free(l->queries[l->n]);
        l->oom = true;
        return 1;
    }
    l->n++;
    return 0;
}

tix_err tix_taxii_refresh(tix_taxii *t, tix_diag *d)
{
    if (!t->refresh)
        return TIX_EOK;
    qlist l = {0};
    pthread_mutex_lock(&t->write_mu);
    tix_err e = tix_collection_each(t->w, false, on_query_coll, &l, d);
    if (l.oom)
        e = tix_diag_set(d, TIX_ENOMEM, "out of memory");
    tix_err first = e;
    for (size_t i = 0; !e && i < l.n; i++) {
        tix_diag one = TIX_DIAG_INIT;
        tix_err r = tix_store_begin(t->w, &one);
        if (!r)
            r = t->refresh(t->refresh_ud, t->w, l.names[i], l.queries[i], &one);
        if (!r)
            r = tix_store_commit(t->w, &one);
        else
            tix_store_rollback(t->w);
        if (r) {
            taxii_log(t, "refreshing collection %s: %s", l.names[i], one.msg);
            if (!first) {
                first = r;
                tix_diag_set(d, r, "refreshing collection %s: %s", l.names[i], one.msg);
            }
        }
    }
    pthread_mutex_unlock(&t->write_mu);
    for (size_t i = 0; i < l.n; i++) {
        free(l.names[i]);
        free(l.queries[i]);
    }
    free(l.names);
    free(l.queries);
    return first;
}

static void *refresh_main(void *arg)
{
    tix_taxii *t = arg;
    pthread_mutex_lock(&t->refresh_mu);
    while (!t->refresh_stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += t->refresh_seconds;
        while (!t->refresh_stop &&
               pthread_cond_timedwait(&t->refresh_cv, &t->refresh_mu, &ts) == 0)
            ;
        if (t->refresh_stop)
            break;
        pthread_mutex_unlock(&t->refresh_mu);
        tix_diag d = TIX_DIAG_INIT;
        tix_taxii_refresh(t, &d); /* failures are logged per collection */
        pthread_mutex_lock(&t->refresh_mu);
    }
    pthread_mutex_unlock(&t->refresh_mu);
    return NULL;
}

/* ---- open and close ---- */

static tix_err load_next_key(tix_taxii *t, tix_diag *d)
{
    char *hex = NULL;
    tix_err e = tix_store_setting_get(t->w, "taxii.next_key", &hex, d);
    if (e == TIX_EOK && hex && strlen(hex) == 64 && tix__hex_decode(hex, 32, t->next_key) == 0) {
        free(hex);
        return TIX_EOK;
    }
    free(hex);
    if (e != TIX_EOK && e != TIX_ENOTFOUND)
        return e;
    tix_diag_clear(d);
    if (RAND_bytes(t->next_key, sizeof t->next_key) != 1)
        return tix_diag_set(d, TIX_EIO, "no random bytes for the next-link key");
    char out[65];
    tix__hex_encode(t->next_key, 32, out);
    if ((e = tix_store_begin(t->w, d)))
        return e;
    if ((e = tix_store_setting_set(t->w, "taxii.next_key", out, d))) {
        tix_store_rollback(t->w);
        return e;
    }
    return tix_store_commit(t->w, d);
}

tix_err tix_taxii_open(tix_taxii **out, const tix_taxii_opts *o, tix_diag *d)
{
    *out = NULL;
    if (!o || !o->store || !*o->store)
        return tix_diag_set(d, TIX_EINVAL, "the server needs a store");
    tix_taxii *t = calloc(1, sizeof *t);
    if (!t)
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    pthread_mutex_init(&t->pool_mu, NULL);
    pthread_cond_init(&t->pool_cv, NULL);
    pthread_mutex_init(&t->cache_mu, NULL);
    pthread_mutex_init(&t->write_mu, NULL);
    pthread_mutex_init(&t->post_mu, NULL);
    pthread_mutex_init(&t->audit_mu, NULL);
    pthread_cond_init(&t->audit_cv, NULL);
    pthread_mutex_init(&t->refresh_mu, NULL);
    pthread_cond_init(&t->refresh_cv, NULL);
    t->store_uri = strdup(o->store);
    t->title = strdup(o->title && *o->title ? o->title : "tix");
    t->max_body = o->max_body ? o->max_body : TIX_TAXII_MAX_BODY_DEFAULT;
    t->page_max = o->page_max ? o->page_max : 1000;
    t->page_default = o->page_default ? o->page_default : 100;
    if (t->page_default > t->page_max)
        t->page_default = t->page_max;
    t->maxreaders = o->readers ? o->readers : 8;
    t->log = o->log;
    t->log_ud = o->log_ud;
    t->refresh = o->refresh;
    t->refresh_ud = o->refresh_ud;
    t->refresh_seconds = o->refresh_seconds;
    tix_err e;
    if (!t->store_uri || !t->title) {
        e = tix_diag_set(d, TIX_ENOMEM, "out of memory");
        goto fail;
    }
    /* the write connections migrate an old store before readers open it */
    if ((e = tix_store_open(&t->w, t->store_uri, 0, d)) ||
        (e = tix_store_open(&t->aw, t->store_uri, 0, d)) ||
        (e = tix_share_cache_limit(t->aw, AUDIT_CACHE_KIB, d)) || (e = load_next_key(t, d)))
        goto fail;
    /* one reader now: a store it cannot read fails here, not per request */
    reader *r = taxii_reader_get(t);
    if (!r) {
        e = tix_diag_set(d, TIX_EDB, "%s: cannot open a read connection", t->store_uri);
        goto fail;
    }
    taxii_reader_put(t, r);
    if (pthread_create(&t->audit_thread, NULL, audit_main, t)) {
        e = tix_diag_set(d, TIX_EIO, "cannot start the audit writer");
        goto fail;
    }
    t->audit_running = true;
    if (t->refresh) {
        tix_diag rd = TIX_DIAG_INIT;
        tix_taxii_refresh(t, &rd); /* failures are logged; the server still serves */
        if (t->refresh_seconds) {
            if (pthread_create(&t->refresh_thread, NULL, refresh_main, t)) {
                e = tix_diag_set(d, TIX_EIO, "cannot start the refresh thread");
                goto fail;
            }
            t->refresh_running = true;
        }
    }
    *out = t;
    return TIX_EOK;
fail:
    tix_taxii_close(t);
    return e;
}

tix_err tix_taxii_set_base_url(tix_taxii *t, const char *url, tix_diag *d)
{
    size_t n = url ? strlen(url) : 0;
    while (n && url[n - 1] == '/')
        n--;
    char *u = n ? strndup(url, n) : NULL;
    if (n && !u)
        return tix_diag_set(d, TIX_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)u[i] <= 0x20 || u[i] == '"' || u[i] == '\\' || u[i] == 0x7f) {
            free(u);
            return tix_diag_set(d, TIX_EINVAL, "a base URL has no blanks, quotes or "
                                               "backslashes");
        }
    free(t->base_url);
    t->base_url = u;
    return TIX_EOK;
}

void tix_taxii_close(tix_taxii *t)
{
    if (!t)
        return;
    if (t->refresh_running) {
        pthread_mutex_lock(&t->refresh_mu);
        t->refresh_stop = true;
        pthread_cond_broadcast(&t->refresh_cv);
        pthread_mutex_unlock(&t->refresh_mu);
        pthread_join(t->refresh_thread, NULL);
    }
    if (t->audit_running) {
        pthread_mutex_lock(&t->audit_mu);
        t->audit_stop = true;
        pthread_cond_broadcast(&t->audit_cv);
        pthread_mutex_unlock(&t->audit_mu);
        pthread_join(t->audit_thread, NULL);
    }
    while (t->readers) {
        reader *r = t->readers;
        t->readers = r->next;
        tix_store_close(r->s);
        free(r);
    }
    while (t->scratches) {
        scratch *s = t->scratches;
        t->scratches = s->next;
        scratch_free(s);
    }
    if (t->cache && --t->cache->refs == 0)
        cache_free(t->cache);
    tix_store_close(t->w);
    tix_store_close(t->aw);
    OPENSSL_cleanse(t->next_key, sizeof t->next_key);
    pthread_mutex_destroy(&t->pool_mu);
    pthread_cond_destroy(&t->pool_cv);
    pthread_mutex_destroy(&t->cache_mu);
    pthread_mutex_destroy(&t->write_mu);
    pthread_mutex_destroy(&t->post_mu);
    pthread_mutex_destroy(&t->audit_mu);
    pthread_cond_destroy(&t->audit_cv);
    pthread_mutex_destroy(&t->refresh_mu);
    pthread_cond_destroy(&t->refresh_cv);
    free(t->store_uri);
    free(t->title);
    free(t->base_url);
    free(t);
}
