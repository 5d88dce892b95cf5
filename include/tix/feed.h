/* tix/feed.h - importers: feed files, MISP events and STIX bundles in.
 *
 * An importer parses one file held in memory and hands what it finds to a
 * sink: observations (a value seen by a source, with when, where and how
 * sure), objects (STIX domain objects such as malware or infrastructure) and
 * relationships between any two ids. Importers never touch the store; the
 * ingest layer supplies a sink that writes to it, tests supply one that
 * records. Values are passed as found: the sink canonicalises them and
 * returns the STIX id, so importers can relate the things they emitted.
 */
#ifndef TIX_FEED_H
#define TIX_FEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tix/error.h"
#include "tix/observable.h"

/* Traffic Light Protocol 2.0, in increasing order of restriction. */
typedef enum {
    TIX_TLP_UNSET = -1, /* take the file's or the ingest's default */
    TIX_TLP_CLEAR = 0,  /* TLP 1.0 "white" reads as clear */
    TIX_TLP_GREEN,
    TIX_TLP_AMBER,
    TIX_TLP_AMBER_STRICT,
    TIX_TLP_RED
} tix_tlp;

/* "clear", "green", "amber", "amber+strict", "red"; "" for UNSET. */
const char *tix_tlp_name(tix_tlp t);
/* Accepts the names above, "white", and a "tlp:" prefix, any case.
 * Returns TIX_TLP_UNSET when s is none of them. */
tix_tlp tix_tlp_parse(const char *s, size_t len);
/* The id of the TLP 2.0 marking definition of t (FIRST TLP 2.0, as the
 * OASIS extension below defines it); out-of-range t is clamped. */
const char *tix_tlp_marking_id(tix_tlp t);
/* The TLP of a marking-definition id STIX 2.1 predefines (TLP 1.0) or the
 * TLP 2.0 extension defines; TIX_TLP_UNSET for any other id. */
tix_tlp tix_tlp_of_marking_id(const char *id);
#define TIX_TLP2_EXTENSION "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

typedef struct {
    tix_obs_type type;
    const char *value;    /* as found; the sink canonicalises it */
    size_t value_len;
    int64_t first_seen;   /* UTC seconds; 0: unknown (the sink uses now) */
    int64_t last_seen;    /* 0: same as first_seen */
    int confidence;       /* 0-100 as the record states it; -1: none */
    int port;             /* 0: none */
    tix_tlp tlp;
    const char *family;   /* malware family as the record names it, or NULL */
    const char *tags;     /* comma-separated labels, or NULL */
    const char *source;   /* organisation named by the record (MISP Orgc,
                             STIX created_by_ref name); NULL: the ingest's */
    uint64_t line;        /* 1-based line of the record in the file; 0: n/a */
    const char *where;    /* record locator when there is no line, e.g.
                             "Attribute[12]" or the STIX object id; or NULL */
    bool context_only;    /* not for detection (MISP to_ids false) */
} tix_obs_in;

typedef struct {
    const char *id;       /* STIX id as received */
    const char *type;     /* "malware", "infrastructure", "indicator", ... */
    const char *name;     /* or NULL */
    int64_t created, modified;
    const char *json;     /* the object as received (compact JSON) */
    tix_tlp tlp;
    const char *source;
} tix_object_in;

typedef struct {
    const char *src_id;   /* STIX ids: an observable id the sink returned,  */
    const char *type;     /* a sample's file id or an object id            */
    const char *dst_id;
    int64_t first_seen, last_seen;
    tix_tlp tlp;
    const char *source;
    uint64_t line;
} tix_rel_in;

/* A passive-DNS record: rrname had rdata of rrtype (A, AAAA, CNAME, NS,
 * MX, PTR) from first_seen to last_seen, count times. */
typedef struct {
    const char *rrname, *rrtype, *rdata; /* as found */
    int64_t first_seen, last_seen;       /* 0: unknown */
    uint64_t count;                      /* 0: unknown */
    uint64_t line;
} tix_dns_in;

typedef struct tix_sink {
    void *ud;
    /* On success id receives the observable's STIX id. A value that is not a
     * valid observable of its type fails with TIX_EPARSE and a message; the
     * importer then reports it at the record's place. */
    tix_err (*observe)(void *ud, const tix_obs_in *o, char id[TIX_STIX_ID_MAX],
                       tix_diag *d);
    tix_err (*object)(void *ud, const tix_object_in *o, tix_diag *d);
    tix_err (*relate)(void *ud, const tix_rel_in *r, tix_diag *d);
    /* Passive DNS; NULL: such records count as unmapped. A value that does
     * not fit its rrtype fails with TIX_EPARSE. */
    tix_err (*resolve)(void *ud, const tix_dns_in *r, tix_diag *d);
    /* The name of an identity stored before, for a reference the document
     * does not resolve itself (a STIX created_by_ref to an identity that an
     * earlier bundle or TAXII page carried). *name is the caller's to free;
     * TIX_ENOTFOUND when none is known. NULL: only the document's own
     * identities name sources. */
    tix_err (*identity_name)(void *ud, const char *id, char **name, tix_diag *d);
} tix_sink;

#define TIX_FEED_MAP(X)                                                        \
    X(FEODO_CSV, "feodo-csv", "abuse.ch Feodo Tracker IP blocklist, CSV")      \
    X(FEODO_JSON, "feodo-json", "abuse.ch Feodo Tracker IP blocklist, JSON")   \
    X(URLHAUS_CSV, "urlhaus-csv", "abuse.ch URLhaus database dump, CSV")       \
    X(THREATFOX_CSV, "threatfox-csv", "abuse.ch ThreatFox IOC export, CSV")    \
    X(THREATFOX_JSON, "threatfox-json", "abuse.ch ThreatFox IOC export, JSON") \
    X(SPAMHAUS_DROP, "spamhaus-drop", "Spamhaus DROP/EDROP, text or JSON lines") \
    X(CSV, "csv", "any CSV, with a column map (--map)")                        \
    X(MISP, "misp", "MISP event JSON")                                         \
    X(STIX, "stix", "STIX 2.1 bundle")                                         \
    X(PDNS, "pdns", "passive DNS: CSV with a header, or JSON lines (COF, DNSDB)")

typedef enum {
#define X(e, n, s) TIX_FEED_##e,
    TIX_FEED_MAP(X)
#undef X
    TIX_FEED_COUNT
} tix_feed_format;

const char *tix_feed_name(tix_feed_format f);
const char *tix_feed_summary(tix_feed_format f);
int tix_feed_from_name(const char *name); /* -1 when unknown */

/* Why records were read but not stored, counted by reason. */
#define TIX_FEED_REASONS 32
typedef struct {
    char reason[64];      /* e.g. "MISP attribute type mutex" */
    uint64_t n;
} tix_feed_reason;

typedef struct {
    uint64_t records;      /* data rows, attributes or objects read */
    uint64_t observations; /* observations handed to the sink */
    uint64_t objects, relationships;
    uint64_t resolutions;  /* passive-DNS records handed to the sink */
    uint64_t skipped;      /* malformed and skipped (skip_bad) */
    uint64_t unmapped;     /* well-formed, but nothing tix can hold */
    tix_feed_reason reasons[TIX_FEED_REASONS]; /* unmapped, by reason; the
                              last slot collects "other" when full */
    size_t nreasons;
} tix_feed_stats;

typedef struct {
    tix_feed_format format;
    const char *map;       /* generic CSV: "ip=2,port=3,first_seen=1" */
    bool skip_bad;
    /* Called for each skipped record with "NAME:LINE: reason". */
    void (*skipped)(void *ud, const char *msg);
    void *skipped_ud;
} tix_feed_opts;

/* Parse data (len bytes, the whole file) named name in messages.
 * A malformed record fails with "NAME:LINE: reason" (or NAME:WHERE for JSON)
 * unless skip_bad; any error from the sink stops the read. st may be NULL. */
tix_err tix_feed_read(const tix_feed_opts *o, const char *name, const void *data,
                      size_t len, const tix_sink *sink, tix_feed_stats *st,
                      tix_diag *d);

/* Count one unmapped record under reason (for importers). */
void tix_feed_unmapped(tix_feed_stats *st, const char *reason);

#endif
