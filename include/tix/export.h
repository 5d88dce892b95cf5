/* tix/export.h - what the store knows, as STIX 2.1, MISP, CSV or a block
 * list, for the partners that act on it.
 *
 * An export is a filter over the store's observables (type, family,
 * source, last seen, active, confidence, country, constituency, TLP) and
 * a format. STIX is produced as a stream of objects, each with its own TLP
 * and the observable it derives from, so that the TAXII server can keep
 * them per collection and hand each partner only what it may see; the
 * bundle writer is one consumer of that stream.
 *
 * docs/export.md describes the objects, their ids and timestamps, and the
 * TLP an object is given.
 */
#ifndef TIX_EXPORT_H
#define TIX_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tix/buf.h"
#include "tix/error.h"
#include "tix/feed.h"
#include "tix/observable.h"
#include "tix/store.h"

typedef struct {
    uint32_t types;           /* TIX_OBS_BIT mask; 0: all */
    const char *family;       /* evidence names it (case-insensitive); NULL: any */
    const char *source;       /* evidence from it; NULL: any */
    int64_t since;            /* last seen at or after; 0: any */
    bool active;              /* not blocked by vetting, last seen within
                                 active_days of now */
    int active_days;          /* 0: 30 */
    int min_confidence;       /* 0: any */
    const char *country;      /* ISO code of its enrichment; NULL: any */
    const char *constituency; /* its responsible CERT/agency; NULL: any */
    tix_tlp tlp_max;          /* UNSET: any; else objects above it are left out */
    int64_t now;              /* 0: tix_time_now() */
} tix_export_filter;

/* A saved query, as collections keep it: space-separated terms
 *   type=ipv4-addr,domain-name family=Emotet source=feodo since=2024-01-01
 *   active[=DAYS] min-confidence=50 country=NG constituency=CERT-NG tlp=amber
 * parse fills f with strings that point into *owned (the caller frees it);
 * an unknown term or bad value fails with the term named. format writes
 * the canonical form (terms in the order above) to b. */
tix_err tix_export_filter_parse(const char *query, tix_export_filter *f, char **owned,
                                tix_diag *d);
void tix_export_filter_format(const tix_export_filter *f, tix_buf *b);
/* A type list as the type term takes it: comma-separated STIX type names
 * (ipv4-addr, file, cryptocurrency-wallet, ...) or tix names (ipv4, sha256,
 * ip, hash, all, ...), into a TIX_OBS_BIT mask. */
tix_err tix_export_types_parse(const char *list, uint32_t *mask, tix_diag *d);

/* One STIX 2.1 object of an export. */
typedef struct {
    const char *id;           /* "indicator--..." */
    const char *type;         /* "indicator" */
    int64_t created, modified; /* milliseconds since the epoch; the version */
    tix_tlp tlp;              /* the TLP it is marked with */
    const char *root;         /* the SCO id of the observable it derives from,
                                 the key TLP:RED sharing is named on; NULL
                                 for objects of the whole export (markings,
                                 identities, malware families) */
    const char *json;         /* the object, compact, without a newline */
    size_t len;
} tix_stix_obj;

/* fn returning non-zero stops the walk with TIX_ESTOPPED. */
typedef int (*tix_stix_obj_fn)(void *ud, const tix_stix_obj *o);

/* Every object the filter selects, each once, an object before any object
 * that refers to it. The same store and filter give the same objects byte
 * for byte. */
tix_err tix_export_stix_each(tix_store *s, const tix_export_filter *f,
                             tix_stix_obj_fn fn, void *ud, tix_diag *d);

typedef enum {
    TIX_EXPORT_STIX,       /* a STIX 2.1 bundle */
    TIX_EXPORT_MISP,       /* a MISP event (JSON) */
    TIX_EXPORT_CSV,        /* one row per observable */
    TIX_EXPORT_BLOCKLIST,  /* one value per line, what a firewall or resolver loads */
} tix_export_format;

/* "stix", "misp", "csv", "blocklist"; from_name returns -1 when unknown. */
const char *tix_export_format_name(tix_export_format f);
int tix_export_format_from_name(const char *name);

typedef struct {
    uint64_t observables;     /* exported */
    uint64_t objects;         /* STIX objects, MISP attributes, rows or lines */
    uint64_t withheld_tlp;    /* observables left out by tlp_max */
} tix_export_stats;

/* Write the export to out. Nothing is written when the walk fails (an
 * export larger than a few MiB is spooled to a temporary file first). */
tix_err tix_export_write(tix_store *s, const tix_export_filter *f, tix_export_format fmt,
                         FILE *out, tix_export_stats *st, tix_diag *d);
/* The same without the spool: bytes reach out as they are made, so on
 * failure out holds part of an export. For a caller that writes to a
 * temporary file it renames into place only on success. */
tix_err tix_export_stream(tix_store *s, const tix_export_filter *f,
                          tix_export_format fmt, FILE *out, tix_export_stats *st,
                          tix_diag *d);

#endif
