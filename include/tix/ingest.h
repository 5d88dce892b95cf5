/* tix/ingest.h - files into the store: samples, feeds, MISP and STIX.
 *
 * Each input file is one transaction: it is stored whole or not at all. A
 * malformed record stops its file with "FILE:LINE: reason" and leaves the
 * store as it was, unless skip_bad, which stores the rest and reports each
 * record it skipped. The same bytes ingested twice (a sample by sha256, a
 * feed file by sha256 and format) add nothing the second time.
 */
#ifndef TIX_INGEST_H
#define TIX_INGEST_H

#include "tix/classify.h"
#include "tix/extract.h"
#include "tix/feed.h"
#include "tix/store.h"

typedef struct {
    const char *source;      /* who this comes from; created on first use */
    tix_source_kind kind;    /* of a new source */
    int trust;               /* of a new source; -1: the kind's default */
    tix_tlp tlp;             /* TLP of what has no marking of its own;
                                UNSET: amber (clear for abuse.ch and
                                Spamhaus feeds, which are published as such) */
    bool skip_bad;           /* skip malformed records / unreadable files */
    /* Notes for the user: each skipped record or file, a file already
     * ingested. msg is one line without a newline. */
    void (*report)(void *ud, const char *msg);
    void *report_ud;
    const char *password;    /* for encrypted archives; "infected" is always
                                tried */
    int64_t now;             /* ingest time; 0: tix_time_now() */
    /* Samples are classified with these rules and their families' config
     * extractors run; NULL: not classified. A sample already stored is
     * classified again: new rules and fixed extractors reach old samples. */
    const tix_rules *rules;
    /* tix_ingest_feed and tix_ingest_feed_mem call this inside the
     * document's transaction just before it commits, also when the same
     * bytes were ingested before (nothing else is then written): what it
     * writes (a resume point, with tix_store_setting_set) is committed with
     * the document or not at all. An error from it rolls the document back
     * and is the ingest's error. NULL: none. */
    tix_err (*before_commit)(void *ud, tix_store *s, tix_diag *d);
    void *before_commit_ud;
} tix_ingest_opts;

typedef struct {
    uint64_t files;           /* files read (archive members included) */
    uint64_t documents_new, documents_known;
    uint64_t samples_new, samples_known;
    uint64_t records, observations, observables_new, evidence;
    uint64_t relationships, objects;
    uint64_t resolutions;     /* passive-DNS records stored (new or merged) */
    uint64_t classified;      /* samples some rule named a family of */
    uint64_t configs, config_failures; /* extractors that read a new config / failed */
    uint64_t c2;              /* C&C endpoints stored from new configs */
    uint64_t skipped, unmapped;
    tix_feed_reason reasons[TIX_FEED_REASONS];
    size_t nreasons;
} tix_ingest_stats;

/* One feed, MISP or STIX file ("-": standard input). */
tix_err tix_ingest_feed(tix_store *s, const tix_ingest_opts *o,
                        const tix_feed_opts *fo, const char *path,
                        tix_ingest_stats *st, tix_diag *d);

/* The same for a document already in memory (a TAXII page, a download):
 * len bytes at data, called name in messages and in the store. The
 * document is known by its sha256 and format as a file is. */
tix_err tix_ingest_feed_mem(tix_store *s, const tix_ingest_opts *o,
                            const tix_feed_opts *fo, const char *name,
                            const void *data, size_t len, tix_ingest_stats *st,
                            tix_diag *d);

/* A file, an archive (zip, 7z, rar, tar; encrypted zip with "infected" or
 * o->password) or a directory read recursively in name order without
 * following symbolic links. Every file is hashed, typed and scanned with ex;
 * every indicator becomes evidence with its byte offset. */
tix_err tix_ingest_samples(tix_store *s, const tix_ingest_opts *o,
                           const tix_extractor *ex, const char *path,
                           tix_ingest_stats *st, tix_diag *d);

#endif
