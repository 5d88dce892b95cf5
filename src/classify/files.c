/* files.c - classifying many files on every core, reported in order.
 *
 * A ring of slots, each with its own scanner: file i is scanned in slot
 * i % nslots by whichever thread takes it, and the calling thread reports
 * the slots in file order, so the output is the same on any number of
 * threads. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ingest/file.h"
#include "tix/classify.h"

#define AHEAD 4 /* slots per thread */

typedef struct {
    tix_classifier *cls;
    tix_classification *res;
    tix_diag err;
    uint64_t size;
    bool ready;
} slot;

typedef struct {
    char *const *paths;
    size_t n, nslots, next, reported;
    slot *slots;
    bool stop;
    pthread_mutex_t mu;
    pthread_cond_t cv;
} ring;

static void scan_one(ring *r, size_t i)
{
    slot *s = &r->slots[i % r->nslots];
    memset(&s->err, 0, sizeof s->err);
    s->res = NULL;
    s->size = 0;
    in_file f;
    if (in_file_open(&f, r->paths[i], &s->err) != TIX_EOK)
        return;
    s->size = f.len;
    tix_diag why = TIX_DIAG_INIT;
    if (tix_classify(s->cls, (const uint8_t *)f.data, f.len, &s->res, &why) != TIX_EOK) {
        tix_diag_set(&s->err, why.code, "%s: %s", r->paths[i], why.msg);
        s->res = NULL;
    }
    in_file_close(&f);
}

static void *work(void *arg)
{
    ring *r = arg;
    for (;;) {
        pthread_mutex_lock(&r->mu);
        while (!r->stop && r->next < r->n && r->next >= r->reported + r->nslots)
            pthread_cond_wait(&r->cv, &r->mu);
        if (r->stop || r->next >= r->n) {
            pthread_mutex_unlock(&r->mu);
            return NULL;
        }
        size_t i = r->next++;
        pthread_mutex_unlock(&r->mu);
        scan_one(r, i);
        pthread_mutex_lock(&r->mu);
        r->slots[i % r->nslots].ready = true;
        pthread_cond_broadcast(&r->cv);
        pthread_mutex_unlock(&r->mu);
    }
}

static int cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 64 ? 64 : (int)n;
}

tix_err tix_classify_files(const tix_rules *rules, char *const *paths, size_t n, int threads,
                           tix_classify_file_fn fn, void *ud, tix_diag *d)
{
    if (threads <= 0)
        threads = cores();
    if ((size_t)threads > n)
        threads = n ? (int)n : 1;
    ring r = {.paths = paths, .n = n, .nslots = (size_t)threads * AHEAD};
    r.slots = calloc(r.nslots, sizeof *r.slots);
    pthread_t *tids = calloc((size_t)threads, sizeof *tids);
    tix_err e = TIX_EOK;
    if (!r.slots || !tids)
        e = tix_diag_set(d, TIX_ENOMEM, "out of memory");
    for (size_t i = 0; !e && i < r.nslots; i++)
        e = tix_classifier_new(rules, &r.slots[i].cls, d);
    pthread_mutex_init(&r.mu, NULL);
    pthread_cond_init(&r.cv, NULL);
    int started = 0;
    /* one thread scans alone: no thread is started for it */
    for (; !e && threads > 1 && started < threads; started++)
        if (pthread_create(&tids[started], NULL, work, &r) != 0)
            break;
    for (size_t i = 0; !e && i < n; i++) {
        slot *s = &r.slots[i % r.nslots];
        if (started == 0) {
            scan_one(&r, i);
        } else {
            pthread_mutex_lock(&r.mu);
            while (!s->ready)
                pthread_cond_wait(&r.cv, &r.mu);
            pthread_mutex_unlock(&r.mu);
        }
        if (fn(ud, paths[i], s->size, s->res, s->err.code ? &s->err : NULL))
            e = TIX_ESTOPPED;
        pthread_mutex_lock(&r.mu);
        s->ready = false;
        r.reported = i + 1;
        pthread_cond_broadcast(&r.cv);
        pthread_mutex_unlock(&r.mu);
    }
    pthread_mutex_lock(&r.mu);
    r.stop = true;
    pthread_cond_broadcast(&r.cv);
    pthread_mutex_unlock(&r.mu);
    for (int t = 0; t < started; t++)
        pthread_join(tids[t], NULL);
    pthread_mutex_destroy(&r.mu);
    pthread_cond_destroy(&r.cv);
    for (size_t i = 0; r.slots && i < r.nslots; i++)
        tix_classifier_free(r.slots[i].cls);
    free(r.slots);
    free(tids);
    return e;
}
