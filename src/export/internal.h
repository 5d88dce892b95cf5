/* internal.h - what the export writers share. Not API.
 *
 * Every format is a walk over tix_store_export_each: walk.c turns the
 * filter into a store selection and gives each observable its TLP, its
 * version and its creation time; json.c writes JSON into a tix_buf without
 * building a tree (a million observables are several million objects);
 * out.c buffers what a writer produces and hands it to a FILE.
 */
#ifndef TIX_EXPORT_INTERNAL_H
#define TIX_EXPORT_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "tix/export.h"

/* ---- ids (ids.c) ---------------------------------------------------------- */

/* "type--" + uuid5(tix namespace, name): the namespace of takedown_stix.c,
 * so an export and a takedown list name a family's malware alike. */
tix_err exp_id(char out[TIX_STIX_ID_MAX], const char *type, const char *name, size_t len);
/* The same for name built as "a|b|c" from parts (NULL ends them). */
tix_err exp_idv(char out[TIX_STIX_ID_MAX], const char *type, ...);
/* The bare UUIDv5 (tix namespace) of name. */
tix_err exp_uuid(char out[37], const char *name, size_t len);
/* ASCII lower case of s into b (appended). */
void exp_add_lower(tix_buf *b, const char *s);
/* The TLP 2.0 marking definition of a level. */
const char *exp_tlp_marking(tix_tlp t);

/* ---- JSON (json.c) ---------------------------------------------------------- */

/* An object being written: keys are added in the order they are given. */
typedef struct {
    tix_buf *b;
    bool first;
} jobj;

void jo_begin(jobj *o, tix_buf *b);
void jo_end(jobj *o);
void jo_key(jobj *o, const char *k);      /* then write the value yourself */
void jo_str(jobj *o, const char *k, const char *v);
void jo_strn(jobj *o, const char *k, const char *v, size_t n);
void jo_int(jobj *o, const char *k, int64_t v);
void jo_bool(jobj *o, const char *k, bool v);
/* A STIX timestamp: milliseconds as "2024-05-23T07:04:24.000Z". */
void jo_ms(jobj *o, const char *k, int64_t ms);
void j_str(tix_buf *b, const char *s);    /* a JSON string */
void j_ms(tix_buf *b, int64_t ms);        /* the timestamp, quoted */
/* ["s"] */
void jo_str1(jobj *o, const char *k, const char *v);

/* ---- the walk (walk.c) --------------------------------------------------------- */

typedef struct {
    tix_store *s;
    const tix_export_filter *f;
    tix_obs_select sel;
    int64_t now;
    tix_tlp tlp_max;          /* RED when the filter says UNSET */
    int64_t through;          /* observables up to this id were vetted */
    bool need_vetted;         /* refuse unvetted observables */
    int64_t *changed;         /* by source id: when its trust last changed */
    size_t nchanged;
    uint64_t exported, withheld, unvetted;
    tix_diag *d;
} exp_walk;

/* Set w up for f (and s): the selection, now, the vetting mark, the
 * sources' change times. need_vetted: exports to act on (blocklists, the
 * active filter) refuse what vetting has not seen. */
tix_err exp_walk_init(exp_walk *w, tix_store *s, const tix_export_filter *f,
                      bool need_vetted, tix_diag *d);
void exp_walk_free(exp_walk *w);
/* The error for unvetted observables in the selection. */
tix_err exp_unvetted(exp_walk *w);

/* What every writer needs to know of one observable. */
typedef struct {
    const tix_export_obs *r;
    tix_tlp least, most;      /* over all its evidence */
    int64_t created;          /* first ingest of its evidence, seconds */
    int64_t version;          /* last ingest of its evidence, or the last
                                 change of a supporting source's trust */
} exp_obs;

/* The view of r; false (counted as withheld) when its least restrictive
 * TLP is above the filter's maximum. */
bool exp_view(exp_walk *w, const tix_export_obs *r, exp_obs *v);

/* Does a group's tag list hold tag (any case)? */
bool exp_has_tag(const char *tags, const char *tag);

/* The families r's evidence at TLP max or below names, each once whatever
 * its case, in case-insensitive order, spelled as the first group that
 * names it (names point into r). *out grows (the caller frees it); the
 * count, or SIZE_MAX when out of memory. */
typedef struct {
    const char *name;
    tix_tlp least;            /* least restrictive TLP of the groups naming it */
} exp_family;
size_t exp_families(const tix_export_obs *r, tix_tlp max, exp_family **out, size_t *cap);

/* ---- flat formats (flat.c): one row or attribute per observable ----------- */

/* A row carries what the evidence at TLP max or below says, and is marked
 * with the most restrictive TLP of that evidence. */
typedef struct {
    tix_tlp most;
    int64_t first, last;      /* seen */
    uint64_t rows;            /* evidence rows */
    bool detect;              /* some row is for detection */
} exp_flat;

void exp_flat_sum(const tix_export_obs *r, tix_tlp max, exp_flat *out);
/* The sources' names, joined by sep. */
void exp_flat_sources(const tix_export_obs *r, tix_tlp max, const char *sep, tix_buf *b);
/* The distinct tags (any case) appended to the list b holds (items joined
 * by sep; b may start empty), each once; keep(tag) false leaves one out
 * (NULL: keep all). */
void exp_flat_tags(const tix_export_obs *r, tix_tlp max, const char *sep,
                   bool (*keep)(const char *tag, size_t n), tix_buf *b);
/* A flat format's walk: f as given, each exported observable to row(). */
tix_err exp_flat_walk(tix_store *s, const tix_export_filter *f, bool blocklist,
                      int (*row)(void *ud, exp_walk *w, const exp_obs *v), void *ud,
                      tix_export_stats *st, tix_diag *d);

/* ---- output (out.c) ----------------------------------------------------------- */

/* What a writer writes goes to b; when b grows past a few MiB it is written
 * to out (spool: a temporary file first, copied to the real out when the
 * whole export succeeded). */
typedef struct {
    tix_buf b;
    FILE *out;                /* where it goes now */
    FILE *spool;              /* the temporary file, or NULL */
    FILE *final;              /* the caller's, when spooling */
    bool spooling;
    tix_err err;
    char why[128];
} exp_out;

void exp_out_init(exp_out *o, FILE *out, bool spool);
/* Hand over what is buffered when there is enough of it (force: all). */
void exp_out_flush(exp_out *o, bool force);
/* Write everything to the caller's file; on failure nothing reaches it when
 * spooling. Frees o. */
tix_err exp_out_finish(exp_out *o, bool ok, tix_diag *d);

/* ---- the formats ------------------------------------------------------------------ */

typedef struct {
    int64_t first, last;      /* of the evidence the export rests on, seconds */
} exp_stix_info;

/* The STIX object stream, with a call before the first object (may be
 * NULL) and the counts. */
tix_err exp_stix_run(tix_store *s, const tix_export_filter *f, tix_stix_obj_fn fn,
                     void *ud, void (*start)(void *ud, const exp_stix_info *i),
                     tix_export_stats *st, tix_diag *d);

tix_err exp_write_stix(tix_store *s, const tix_export_filter *f, exp_out *o,
                       tix_export_stats *st, tix_diag *d);
tix_err exp_write_misp(tix_store *s, const tix_export_filter *f, exp_out *o,
                       tix_export_stats *st, tix_diag *d);
tix_err exp_write_csv(tix_store *s, const tix_export_filter *f, exp_out *o,
                      tix_export_stats *st, tix_diag *d);
tix_err exp_write_blocklist(tix_store *s, const tix_export_filter *f, exp_out *o,
                            tix_export_stats *st, tix_diag *d);

#endif
