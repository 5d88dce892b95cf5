/* blocklist.c - one canonical value per line, what a firewall, proxy or
 * resolver loads: IPv4 and IPv6 addresses (CIDRs as written), domains and
 * URLs unless the filter names other types. Whatever vetting blocked (a
 * sinkhole, a documentation address, a top site) is never in it, and an
 * observable stored after the last vetting pass stops the export: it could
 * be one. A '#' header names the filter and the time it was made. */
#include <string.h>

#include "export/internal.h"
#include "tix/time.h"

#define DEFAULT_TYPES                                                             \
    (TIX_OBS_BIT(TIX_OBS_IPV4) | TIX_OBS_BIT(TIX_OBS_IPV6) |                      \
     TIX_OBS_BIT(TIX_OBS_DOMAIN) | TIX_OBS_BIT(TIX_OBS_URL))

typedef struct {
    exp_out *o;
    uint64_t lines;
} bl_ctx;

static int on_row(void *ud, exp_walk *w, const exp_obs *v)
{
    bl_ctx *c = ud;
    (void)w;
    tix_buf_adds(&c->o->b, v->r->obs.value); /* canonical: never a line break */
    tix_buf_addc(&c->o->b, '\n');
    c->lines++;
    exp_out_flush(c->o, false);
    return c->o->err != TIX_EOK;
}

tix_err exp_write_blocklist(tix_store *s, const tix_export_filter *f, exp_out *o,
                            tix_export_stats *st, tix_diag *d)
{
    tix_export_filter bf = *f;
    if (!bf.types)
        bf.types = DEFAULT_TYPES;
    char now[TIX_TIME_MAX];
    tix_time_format(f->now ? f->now : tix_time_now(), now);
    tix_buf_adds(&o->b, "# tix blocklist: ");
    tix_export_filter_format(&bf, &o->b);
    tix_buf_addf(&o->b, "\n# made %s; never what vetting blocked\n", now);
    bl_ctx c = {.o = o};
    tix_err e = exp_flat_walk(s, &bf, true, on_row, &c, st, d);
    if (e == TIX_ESTOPPED)
        e = tix_diag_set(d, o->err, "%s", o->why);
    st->objects = c.lines;
    return e;
}
