/* fuzz_feeds.c - libFuzzer target for the importers.
 *
 * The first byte picks the format, the rest is the file. Every input is
 * read twice: strictly and with skip_bad. A strict read that succeeds must
 * be matched by the lenient one, observation for observation, with nothing
 * skipped; a strict read that fails must say where ("fuzz:..."). The sink
 * checks what it is handed, as the store's would. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tix/tix.h"

typedef struct {
    uint64_t observed, objects, relations;
    tix_buf canon;
} fz_sink;

static tix_err observe(void *ud, const tix_obs_in *o, char id[TIX_STIX_ID_MAX],
                       tix_diag *d)
{
    fz_sink *k = ud;
    if ((unsigned)o->type >= TIX_OBS_COUNT || (o->value_len && !o->value))
        abort();
    if (o->tlp < TIX_TLP_UNSET || o->tlp > TIX_TLP_RED)
        abort();
    if (o->port < 0 || o->port > 65535)
        abort();
    tix_buf_reset(&k->canon);
    tix_err e = tix_obs_canon(o->type, o->value, o->value_len, &k->canon, d);
    if (e == TIX_EPARSE && (o->type == TIX_OBS_IPV4 || o->type == TIX_OBS_IPV6)) {
        tix_buf_reset(&k->canon);
        tix_diag_clear(d);
        e = tix_obs_canon(o->type == TIX_OBS_IPV4 ? TIX_OBS_IPV6 : TIX_OBS_IPV4, o->value,
                          o->value_len, &k->canon, d);
        if (e == TIX_EOK) {
            k->observed++;
            return tix_obs_stix_id(o->type == TIX_OBS_IPV4 ? TIX_OBS_IPV6 : TIX_OBS_IPV4,
                                   k->canon.p, k->canon.len, id, d);
        }
    }
    if (e)
        return e;
    k->observed++;
    return tix_obs_stix_id(o->type, k->canon.p, k->canon.len, id, d);
}

static tix_err object(void *ud, const tix_object_in *o, tix_diag *d)
{
    (void)d;
    if (!o->id || !o->type || !o->json)
        abort();
    ((fz_sink *)ud)->objects++;
    return TIX_EOK;
}

static tix_err relate(void *ud, const tix_rel_in *r, tix_diag *d)
{
    (void)d;
    if (!r->src_id || !r->dst_id || !r->type || !*r->src_id || !*r->dst_id)
        abort();
    ((fz_sink *)ud)->relations++;
    return TIX_EOK;
}

static tix_err resolve(void *ud, const tix_dns_in *r, tix_diag *d)
{
    (void)ud, (void)d;
    if (!r->rrname || !r->rrtype || !r->rdata)
        abort();
    return TIX_EOK;
}

static tix_err read_once(tix_feed_format f, bool skip_bad, const uint8_t *data,
                         size_t size, fz_sink *k, tix_feed_stats *st, tix_diag *d)
{
    tix_feed_opts o = {.format = f, .skip_bad = skip_bad,
                       .map = "ip=1,port=2,first_seen=3,domain=4,tlp=5"};
    tix_sink sink = {k, observe, object, relate, resolve, NULL};
    memset(k, 0, offsetof(fz_sink, canon));
    return tix_feed_read(&o, "fuzz", data, size, &sink, st, d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    tix_feed_format f = (tix_feed_format)(data[0] % TIX_FEED_COUNT);
    data++, size--;
    static fz_sink strict, lenient;
    tix_feed_stats s1, s2;
    tix_diag d1 = TIX_DIAG_INIT, d2 = TIX_DIAG_INIT;
    tix_err e1 = read_once(f, false, data, size, &strict, &s1, &d1);
    tix_err e2 = read_once(f, true, data, size, &lenient, &s2, &d2);
    if (e1 == TIX_EOK) {
        if (e2 != TIX_EOK || s2.skipped || s1.records != s2.records ||
            strict.observed != lenient.observed || s1.observations != s2.observations ||
            s1.unmapped != s2.unmapped)
            abort();
    } else if (e1 == TIX_EPARSE) {
        if (strncmp(d1.msg, "fuzz", 4) != 0)
            abort(); /* a malformed record is reported at its place */
    }
    return 0;
}
