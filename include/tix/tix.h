/* tix/tix.h - the umbrella header of libtix. */
#ifndef TIX_TIX_H
#define TIX_TIX_H

#define TIX_VERSION "0.1.0"

#include "tix/error.h"
#include "tix/buf.h"
#include "tix/observable.h"
#include "tix/extract.h"
#include "tix/time.h"
#include "tix/feed.h"
#include "tix/store.h"
#include "tix/ingest.h"
#include "tix/vet.h"
#include "tix/enrich.h"
#include "tix/match.h"
#include "tix/classify.h"
#include "tix/takedown.h"
#include "tix/pull.h"
#include "tix/export.h"
#include "tix/share.h"
#include "tix/taxii.h"

#endif
