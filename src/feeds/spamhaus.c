/* spamhaus.c - placeholder until the importer lands. */
#include "feeds/internal.h"
tix_err feed_spamhaus_drop(feed_ctx *c) { return tix_diag_set(c->d, TIX_EUNSUPPORTED, "not yet"); }
