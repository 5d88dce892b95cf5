/* feed.c - the importer table, and what every importer reports through. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "feeds/internal.h"

static const struct {
    const char *name, *summary;
    tix_err (*read)(feed_ctx *c);
} formats[] = {
    [TIX_FEED_FEODO_CSV] = {"feodo-csv", NULL, feed_feodo_csv},
    [TIX_FEED_FEODO_JSON] = {"feodo-json", NULL, feed_feodo_json},
    [TIX_FEED_URLHAUS_CSV] = {"urlhaus-csv", NULL, feed_urlhaus_csv},
    [TIX_FEED_THREATFOX_CSV] = {"threatfox-csv", NULL, feed_threatfox_csv},
    [TIX_FEED_THREATFOX_JSON] = {"threatfox-json", NULL, feed_threatfox_json},
    [TIX_FEED_SPAMHAUS_DROP] = {"spamhaus-drop", NULL, feed_spamhaus_drop},
    [TIX_FEED_CSV] = {"csv", NULL, feed_generic_csv},
    [TIX_FEED_MISP] = {"misp", NULL, feed_misp},
    [TIX_FEED_STIX] = {"stix", NULL, feed_stix},
    [TIX_FEED_PDNS] = {"pdns", NULL, feed_pdns},
};

static const char *const summaries[] = {
#define X(e, n, s) s,
    TIX_FEED_MAP(X)
#undef X
};

const char *tix_feed_name(tix_feed_format f)
{
    return (unsigned)f < TIX_FEED_COUNT ? formats[f].name : NULL;
}

const char *tix_feed_summary(tix_feed_format f)
{
    return (unsigned)f < TIX_FEED_COUNT ? summaries[f] : NULL;
}

int tix_feed_from_name(const char *name)
{
    for (int i = 0; i < TIX_FEED_COUNT; i++)
        if (strcmp(name, formats[i].name) == 0)
            return i;
    return -1;
}

static const char *const tlp_names[] = {"clear", "green", "amber", "amber+strict", "red"};

const char *tix_tlp_name(tix_tlp t)
{
    return (t >= TIX_TLP_CLEAR && t <= TIX_TLP_RED) ? tlp_names[t] : "";
}

tix_tlp tix_tlp_parse(const char *s, size_t len)
{
    while (len && (*s == ' ' || *s == '"'))
        s++, len--;
    while (len && (s[len - 1] == ' ' || s[len - 1] == '"'))
        len--;
    if (len > 4 && strncasecmp(s, "tlp:", 4) == 0)
        s += 4, len -= 4;
    if (len == 5 && strncasecmp(s, "white", 5) == 0)
        return TIX_TLP_CLEAR;
    for (int i = 0; i <= TIX_TLP_RED; i++)
        if (strlen(tlp_names[i]) == len && strncasecmp(s, tlp_names[i], len) == 0)
            return (tix_tlp)i;
    return TIX_TLP_UNSET;
}

void tix_feed_unmapped(tix_feed_stats *st, const char *reason)
{
    if (!st)
        return;
    st->unmapped++;
    for (size_t i = 0; i < st->nreasons; i++)
        if (strcmp(st->reasons[i].reason, reason) == 0) {
            st->reasons[i].n++;
            return;
        }
    if (st->nreasons == TIX_FEED_REASONS) {
        tix_feed_reason *last = &st->reasons[TIX_FEED_REASONS - 1];
        snprintf(last->reason, sizeof last->reason, "other");
        last->n++;
        return;
    }
    tix_feed_reason *r = &st->reasons[st->nreasons++];
    snprintf(r->reason, sizeof r->reason, "%s", reason);
    r->n = 1;
}

tix_err feed_bad(feed_ctx *c, uint64_t line, const char *where, const char *fmt, ...)
{
    char why[320], msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    if (line)
        snprintf(msg, sizeof msg, "%s:%llu: %s", c->name, (unsigned long long)line, why);
    else if (where)
        snprintf(msg, sizeof msg, "%s: %s: %s", c->name, where, why);
    else
        snprintf(msg, sizeof msg, "%s: %s", c->name, why);
    if (c->o->skip_bad) {
        c->st->skipped++;
        if (c->o->skipped)
            c->o->skipped(c->o->skipped_ud, msg);
        return TIX_EOK;
    }
    return tix_diag_set(c->d, TIX_EPARSE, "%s", msg);
}

tix_err feed_observe(feed_ctx *c, const tix_obs_in *o, char id[TIX_STIX_ID_MAX])
{
    tix_diag why = TIX_DIAG_INIT;
    tix_err e = c->sink->observe(c->sink->ud, o, id, &why);
    if (e == TIX_EOK) {
        c->st->observations++;
        return TIX_EOK;
    }
    if (e != TIX_EPARSE) {
        tix_diag_set(c->d, e, "%s", why.msg);
        return e;
    }
    id[0] = 0;
    e = feed_bad(c, o->line, o->where, "%s", why.msg);
    return e;
}

tix_err feed_object(feed_ctx *c, const tix_object_in *o)
{
    tix_err e = c->sink->object(c->sink->ud, o, c->d);
    if (e == TIX_EOK)
        c->st->objects++;
    return e;
}

tix_err feed_relate(feed_ctx *c, const tix_rel_in *r)
{
    tix_err e = c->sink->relate(c->sink->ud, r, c->d);
    if (e == TIX_EOK)
        c->st->relationships++;
    return e;
}

tix_err feed_resolve(feed_ctx *c, const tix_dns_in *r)
{
    if (!c->sink->resolve) {
        tix_feed_unmapped(c->st, "passive-DNS record");
        return TIX_EOK;
    }
    tix_diag why = TIX_DIAG_INIT;
    tix_err e = c->sink->resolve(c->sink->ud, r, &why);
    if (e == TIX_EOK) {
        c->st->resolutions++;
        return TIX_EOK;
    }
    if (e != TIX_EPARSE)
        return tix_diag_set(c->d, e, "%s", why.msg);
    return feed_bad(c, r->line, NULL, "%s", why.msg);
}

tix_err tix_feed_read(const tix_feed_opts *o, const char *name, const void *data,
                      size_t len, const tix_sink *sink, tix_feed_stats *st,
                      tix_diag *d)
{
    tix_feed_stats local;
    if (!st)
        st = &local;
    memset(st, 0, sizeof *st);
    if ((unsigned)o->format >= TIX_FEED_COUNT)
        return tix_diag_set(d, TIX_EINVAL, "unknown feed format %d", (int)o->format);
    feed_ctx c = {o, name, data, len, sink, st, d};
    return formats[o->format].read(&c);
}
