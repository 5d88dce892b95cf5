/* internal.h - what the importers share. */
#ifndef TIX_FEEDS_INTERNAL_H
#define TIX_FEEDS_INTERNAL_H

#include "tix/feed.h"

typedef struct {
    const tix_feed_opts *o;
    const char *name;      /* the file, for messages */
    const char *data;
    size_t len;
    const tix_sink *sink;
    tix_feed_stats *st;    /* never NULL here */
    tix_diag *d;
} feed_ctx;

/* A malformed record at line (or, when line is 0, at where). With skip_bad
 * it is reported through o->skipped, counted, and TIX_EOK is returned so the
 * importer goes on; otherwise the message "NAME:LINE: reason" is recorded
 * and TIX_EPARSE returned. */
tix_err feed_bad(feed_ctx *c, uint64_t line, const char *where, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* Hand one observation to the sink. A value the sink rejects (TIX_EPARSE)
 * goes through feed_bad at o->line / o->where; other sink errors stop. */
tix_err feed_observe(feed_ctx *c, const tix_obs_in *o, char id[TIX_STIX_ID_MAX]);
tix_err feed_object(feed_ctx *c, const tix_object_in *o);
tix_err feed_relate(feed_ctx *c, const tix_rel_in *r);
tix_err feed_resolve(feed_ctx *c, const tix_dns_in *r);

tix_err feed_feodo_csv(feed_ctx *c);
tix_err feed_feodo_json(feed_ctx *c);
tix_err feed_urlhaus_csv(feed_ctx *c);
tix_err feed_threatfox_csv(feed_ctx *c);
tix_err feed_threatfox_json(feed_ctx *c);
tix_err feed_spamhaus_drop(feed_ctx *c);
tix_err feed_generic_csv(feed_ctx *c);
tix_err feed_misp(feed_ctx *c);
tix_err feed_stix(feed_ctx *c);
tix_err feed_pdns(feed_ctx *c);

#endif
