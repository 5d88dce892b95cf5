/* sink.h - the sink that writes importers' findings to the store. Not API. */
#ifndef TIX_INGEST_SINK_H
#define TIX_INGEST_SINK_H

#include "tix/buf.h"
#include "tix/ingest.h"

typedef struct {
    char *name;
    int64_t id;
} named_source;

typedef struct {
    tix_store *s;
    const tix_ingest_opts *o;
    tix_ingest_stats *st;
    int64_t source_id;      /* the ingest's own source */
    int64_t document_id;    /* 0: none */
    int64_t sample_id;      /* 0: not a sample */
    const char *extractor;  /* "name version" of the config extractor whose
                               findings are being stored; NULL: none */
    tix_tlp tlp;            /* default for unmarked records */
    int64_t now;
    tix_buf canon, host;
    named_source *named;    /* sources named by records (MISP Orgc, ...) */
    size_t nnamed, capnamed;
} store_sink;

void store_sink_init(store_sink *k, tix_store *s, const tix_ingest_opts *o,
                     tix_ingest_stats *st, int64_t now);
void store_sink_free(store_sink *k);
/* The tix_sink whose ud is k. */
tix_sink store_sink_iface(store_sink *k);

/* Observe with a byte offset in the current sample, the number of times it
 * occurs there and TIX_EV_* flags. offset -1: none. */
tix_err store_sink_observe_at(store_sink *k, const tix_obs_in *o, int64_t offset,
                              uint32_t count, unsigned flags,
                              char id[TIX_STIX_ID_MAX], tix_diag *d);

/* Tell the user, through o->report, that name was stored before, at when. */
void store_sink_already(const tix_ingest_opts *o, const char *name, int64_t when);

/* Add what one importer counted to the ingest's stats. */
void store_sink_add_stats(tix_ingest_stats *st, const tix_feed_stats *fs);

#endif
