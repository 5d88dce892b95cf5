/* classified.h - what classifying a sample found, kept from the worker
 * that scanned it to the thread that stores it. Not API. */
#ifndef TIX_INGEST_CLASSIFIED_H
#define TIX_INGEST_CLASSIFIED_H

#include "ingest/sink.h"
#include "tix/classify.h"

typedef struct {
    tix_rule_match *matches;  /* their strings belong to the rules */
    size_t nmatches;
    const tix_config_extractor *extractor;
    tix_config_state state;
    tix_config *config;       /* when TIX_CFG_OK */
    char *why;                /* when TIX_CFG_FAILED, or the scan's error */
} classified;

/* Copy what c found into out (zeroed first). -1: out of memory. */
int classified_take(classified *out, const tix_classification *c);
void classified_free(classified *c);

/* Store the families of sample sample_id (whose file STIX id is file_id)
 * and, unless this extractor version read it before, its configuration:
 * each C&C becomes its host (ip or domain) and, with a web scheme, its URL,
 * with the port, the family and the extractor on the evidence, and a
 * `communicates-with` relationship from the sample. name is for reports. */
tix_err classified_store(store_sink *k, const char *name, const classified *c,
                         int64_t sample_id, const char *file_id, tix_diag *d);

#endif
