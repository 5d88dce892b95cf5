/* tix/store.h - where everything tix knows is kept.
 *
 * One record per observable, keyed by its STIX deterministic id, and the
 * evidence behind it: which source said so, from which sample and byte
 * offset or which feed file and line, when, how sure, under which TLP.
 * Samples, the documents (feed files, archives) things came from, STIX
 * objects and relationships complete the model.
 *
 * The interface is backend-neutral: the embedded default is SQLite (one
 * file); callers never see SQL. Writes happen inside a transaction opened
 * with tix_store_begin; until tix_store_commit nothing is visible, and a
 * crash or tix_store_rollback leaves the store exactly as it was. At commit
 * the store brings every touched observable's first/last seen, evidence
 * and source counts and confidence up to date.
 *
 * Strings in records returned by the store point into memory the store
 * owns; they stay valid until the next call on the same store.
 */
#ifndef TIX_STORE_H
#define TIX_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tix/error.h"
#include "tix/feed.h"
#include "tix/observable.h"
#include "tix/vet.h"

typedef struct tix_store tix_store;

#define TIX_SOURCE_KIND_MAP(X) \
    X(VENDOR, "vendor")        \
    X(FEED, "feed")            \
    X(PARTNER, "partner")      \
    X(SENSOR, "sensor")

typedef enum {
#define X(e, n) TIX_SOURCE_##e,
    TIX_SOURCE_KIND_MAP(X)
#undef X
    TIX_SOURCE_KIND_COUNT
} tix_source_kind;

const char *tix_source_kind_name(tix_source_kind k);
int tix_source_kind_from_name(const char *name); /* -1 when unknown */

/* ---- opening ---------------------------------------------------------- */

#define TIX_STORE_CREATE 1u   /* create the store if it does not exist */
#define TIX_STORE_READONLY 2u /* never write (show, list) */

/* uri: a file path, or "sqlite:PATH". The schema is created or migrated to
 * the current version on open (not with READONLY, which fails on an old
 * schema instead). Opening a path that does not exist fails with
 * TIX_ENOTFOUND unless CREATE is given. */
tix_err tix_store_open(tix_store **out, const char *uri, unsigned flags,
                       tix_diag *d);
void tix_store_close(tix_store *s); /* rolls back an open transaction */

/* "sqlite", and the schema version the store is at. */
const char *tix_store_backend(const tix_store *s);
int tix_store_schema_version(tix_store *s);
/* The time the store stamps on what it creates itself (a source's
 * creation); 0, the default, is the clock. For reproducible runs. */
void tix_store_set_now(tix_store *s, int64_t now);
/* The schema version this build writes. */
int tix_store_schema_current(void);

/* ---- transactions ----------------------------------------------------- */

tix_err tix_store_begin(tix_store *s, tix_diag *d);
tix_err tix_store_commit(tix_store *s, tix_diag *d);
void tix_store_rollback(tix_store *s);

/* ---- records ---------------------------------------------------------- */

typedef struct {
    int64_t id;
    const char *name;
    tix_source_kind kind;
    int trust; /* 0-100: how far its word alone is taken */
    int64_t created;
} tix_source;

/* Default trust of a new source of each kind. */
int tix_source_default_trust(tix_source_kind k);

typedef struct {
    int64_t id;
    uint8_t sha256[32], sha1[20], md5[16];
    uint64_t size;
    const char *name;      /* name it was first ingested under */
    const char *file_type; /* libmagic's description */
    const char *mime;
    int64_t first_seen;
    int64_t source_id;
    int64_t document_id;   /* the archive it came in, or 0 */
} tix_sample;

typedef struct {
    int64_t id;
    const char *kind;      /* feed format name, "archive", "sample" */
    const char *name;      /* path as given */
    uint8_t sha256[32];
    uint64_t size;
    int64_t source_id;
    int64_t ingested;
    uint64_t records;
} tix_document;

#define TIX_EV_CONTEXT 1u  /* context only: not for detection */
#define TIX_EV_DEFANGED 2u /* written in a defanged form */
#define TIX_EV_UTF16 4u    /* found as a UTF-16LE string */

typedef struct {
    int64_t observable_id;
    int64_t source_id;
    int64_t sample_id;     /* 0: not from a sample */
    int64_t document_id;   /* 0: none */
    uint64_t line;         /* in the document; 0: n/a */
    int64_t offset;        /* first byte in the sample; -1: n/a */
    uint32_t count;        /* occurrences this row stands for (>= 1) */
    int64_t first_seen, last_seen;
    int confidence;        /* 0-100 */
    tix_tlp tlp;
    int port;              /* 0: none */
    const char *family;    /* may be NULL */
    const char *tags;      /* may be NULL */
    const char *place;     /* record locator in JSON inputs; may be NULL */
    unsigned flags;        /* TIX_EV_* */
    int64_t ingested;
    const char *extractor; /* config extractor and its version that read it
                              from the sample ("plumloader-rc4 1.2"), or NULL */
} tix_evidence;

typedef struct {
    const char *src, *type, *dst; /* STIX ids */
    int64_t source_id;
    int64_t document_id;
    int64_t first_seen, last_seen;
    tix_tlp tlp;
} tix_relationship;

typedef struct {
    const char *stix_id;
    const char *type;
    const char *name;
    int64_t created, modified;
    tix_tlp tlp;
    int64_t source_id;
    int64_t document_id;
    const char *json;
} tix_object;

typedef struct {
    int64_t id;
    tix_obs_type type;
    const char *value;
    char stix_id[TIX_STIX_ID_MAX];
    int64_t first_seen, last_seen;
    uint64_t n_evidence;
    uint32_t n_sources;
    int confidence;
    tix_vet_status status;   /* from its verdicts */
} tix_obs_rec;

/* ---- writes (inside a transaction) ------------------------------------ */

/* Find the source called name, or create it with kind and trust (trust < 0:
 * the kind's default). An existing source keeps its kind and trust. */
tix_err tix_store_source_put(tix_store *s, const char *name, tix_source_kind kind,
                             int trust, tix_source *out, tix_diag *d);
/* Change an existing source's kind and trust; confidences of its
 * observables are recomputed. */
tix_err tix_store_source_set(tix_store *s, const char *name, tix_source_kind kind,
                             int trust, tix_diag *d);

/* Record a document by (sha256, kind). *created is false when the same
 * bytes were already ingested as this kind (from any source: the same file
 * under another name would count its evidence twice); io->id and
 * io->ingested then describe the earlier ingest. */
tix_err tix_store_document_put(tix_store *s, tix_document *io, bool *created,
                               tix_diag *d);
tix_err tix_store_document_set_records(tix_store *s, int64_t id, uint64_t records,
                                       tix_diag *d);

/* Record a sample by sha256; *created is false when it is already known
 * (io->id is then the existing one and nothing is changed). */
tix_err tix_store_sample_put(tix_store *s, tix_sample *io, bool *created,
                             tix_diag *d);

/* Find or create the observable (type, canonical value). */
tix_err tix_store_observable_put(tix_store *s, tix_obs_type type, const char *value,
                                 size_t len, int64_t *id, bool *created, tix_diag *d);
/* The same, for a caller that has already computed the STIX id. */
tix_err tix_store_observable_put_id(tix_store *s, tix_obs_type type, const char *value,
                                    size_t len, const char *stix_id, int64_t *id,
                                    bool *created, tix_diag *d);

tix_err tix_store_evidence_add(tix_store *s, const tix_evidence *e, tix_diag *d);

/* Relationships are unique per (src, type, dst, source): adding one again
 * widens its first/last seen. */
tix_err tix_store_relationship_add(tix_store *s, const tix_relationship *r,
                                   tix_diag *d);

/* Objects are unique per STIX id; a newer `modified` replaces an older one. */
tix_err tix_store_object_put(tix_store *s, const tix_object *o, tix_diag *d);

/* ---- reads ------------------------------------------------------------ */

tix_err tix_store_source_get(tix_store *s, const char *name, tix_source *out,
                             tix_diag *d);
typedef int (*tix_source_fn)(void *ud, const tix_source *src);
tix_err tix_store_source_each(tix_store *s, tix_source_fn fn, void *ud, tix_diag *d);

tix_err tix_store_observable_get(tix_store *s, tix_obs_type type, const char *value,
                                 size_t len, tix_obs_rec *out, tix_diag *d);
/* By STIX id ("ipv4-addr--..."); a file id may match md5, sha1, sha256 or
 * sha512 observables: the first is returned. */
tix_err tix_store_observable_by_stix_id(tix_store *s, const char *stix_id,
                                        tix_obs_rec *out, tix_diag *d);

typedef struct {
    uint32_t types;          /* TIX_OBS_BIT mask; 0: all */
    const char *source;      /* only observables with evidence from it */
    int64_t since;           /* last seen at or after; 0: any */
    int min_confidence;      /* 0: any */
    uint64_t limit;          /* 0: no limit */
    int64_t after_id;        /* only ids above it (new since a pass); 0: any */
    bool not_blocked;        /* leave out what a block list matched */
    int status;              /* -1 or 0: any; else 1 + tix_vet_status */
    bool by_id;              /* in id order instead (no sort: for passes) */
} tix_obs_filter;

typedef int (*tix_obs_fn)(void *ud, const tix_obs_rec *r);
/* In (type, value) order, or id order. fn returning non-zero stops with TIX_ESTOPPED. */
tix_err tix_store_observable_each(tix_store *s, const tix_obs_filter *f,
                                  tix_obs_fn fn, void *ud, tix_diag *d);

typedef struct {
    tix_evidence ev;
    const char *source;      /* source name */
    const char *document;    /* document name, or NULL */
    const char *sample_sha256; /* hex, or NULL */
    const char *sample_name;
    tix_obs_type type;       /* of the observable (for listings by sample) */
    const char *value;
} tix_evidence_rec;

typedef int (*tix_evidence_fn)(void *ud, const tix_evidence_rec *r);
/* The evidence for one observable, oldest first. */
tix_err tix_store_evidence_each(tix_store *s, int64_t observable_id,
                                tix_evidence_fn fn, void *ud, tix_diag *d);
/* What one sample yielded, by offset. */
tix_err tix_store_sample_evidence_each(tix_store *s, int64_t sample_id,
                                       tix_evidence_fn fn, void *ud, tix_diag *d);

typedef int (*tix_relationship_fn)(void *ud, const tix_relationship *r,
                                   const char *source);
/* Relationships with stix_id at either end. */
tix_err tix_store_relationship_each(tix_store *s, const char *stix_id,
                                    tix_relationship_fn fn, void *ud, tix_diag *d);

/* By hex or raw hash: sha256 (64 hex), sha1 (40) or md5 (32). */
tix_err tix_store_sample_get(tix_store *s, const char *hex, tix_sample *out,
                             tix_diag *d);
tix_err tix_store_object_get(tix_store *s, const char *stix_id, tix_object *out,
                             tix_diag *d);

typedef struct {
    uint64_t observables, evidence, samples, sources, documents, relationships,
        objects;
    uint64_t by_type[TIX_OBS_COUNT];
    uint64_t bytes;          /* size of the store on disk */
} tix_store_stats;
tix_err tix_store_stats_get(tix_store *s, tix_store_stats *out, tix_diag *d);

/* ---- vetting, enrichment, passive DNS, collateral flags ---------------- */

/* A stored warninglist; the entries stay in the store. */
typedef struct {
    int64_t id;
    const char *name, *title, *description;
    int64_t version;
    tix_match_type match;
    tix_list_origin origin;
    tix_policy policy;
    tix_list_kind kind;
    uint32_t applies;
    bool policy_set;         /* the user chose the policy; reloads keep it */
    int64_t loaded;
    uint64_t entries;
} tix_list_rec;

/* Store l (in a transaction). A list already stored with the same or a
 * newer version is left alone (*outcome 0); otherwise its entries are
 * replaced (1: new, 2: updated). A user-chosen policy survives. */
tix_err tix_store_list_put(tix_store *s, const tix_list *l, int *outcome, tix_diag *d);
/* One entry more in a stored list; *added false when it was there. */
tix_err tix_store_list_entry_add(tix_store *s, const char *list, const char *value,
                                 const char *note, bool *added, tix_diag *d);
tix_err tix_store_list_entry_rm(tix_store *s, const char *list, const char *value,
                                bool *removed, tix_diag *d);
tix_err tix_store_list_set_policy(tix_store *s, const char *list, tix_policy p,
                                  tix_diag *d);
typedef int (*tix_list_fn)(void *ud, const tix_list_rec *l);
/* In name order. */
tix_err tix_store_list_each(tix_store *s, tix_list_fn fn, void *ud, tix_diag *d);
/* A stored list with its entries, owned by the caller. */
tix_err tix_store_list_get(tix_store *s, const char *name, tix_list **out, tix_diag *d);

/* Verdicts of one observable, replaced as a whole by each vetting. */
typedef struct {
    int64_t observable_id;
    int64_t list_id;
    const char *list;        /* name */
    tix_match_type match;
    const char *entry, *note;
    bool on_host;
    tix_policy policy;       /* the list's, now */
    tix_list_kind kind;
} tix_verdict_rec;
/* Forget the verdicts and flags of observables with id > after_id. */
tix_err tix_store_vet_clear(tix_store *s, int64_t after_id, tix_diag *d);
tix_err tix_store_verdict_add(tix_store *s, int64_t observable_id, int64_t list_id,
                              tix_match_type m, const char *entry, const char *note,
                              bool on_host, tix_diag *d);
typedef int (*tix_verdict_fn)(void *ud, const tix_verdict_rec *v);
tix_err tix_store_verdict_each(tix_store *s, int64_t observable_id, tix_verdict_fn fn,
                               void *ud, tix_diag *d);

/* Collateral flags ("shared-hosting", "cloud", ...) with their evidence. */
tix_err tix_store_flag_set(tix_store *s, int64_t observable_id, const char *flag,
                           const char *evidence, tix_diag *d);
/* Forget one flag everywhere (a pass that recomputes it for every observable). */
tix_err tix_store_flag_clear(tix_store *s, const char *flag, tix_diag *d);
typedef int (*tix_flag_fn)(void *ud, const char *flag, const char *evidence);
tix_err tix_store_flag_each(tix_store *s, int64_t observable_id, tix_flag_fn fn,
                            void *ud, tix_diag *d);

/* Where an observable sits. */
typedef struct {
    int64_t observable_id;
    char country[3];
    uint32_t asn;
    const char *as_name;      /* may be NULL */
    const char *reg_domain;   /* registered domain, or NULL */
    const char *constituency; /* responsible CERT/agency, or NULL */
    const char *const_email, *const_kind, *const_country;
    const char *const_match;  /* the rule that chose it: "192.0.2.0/24", "AS64500", "DE" */
} tix_enrichment;
/* Forget enrichments of observables with id > after_id. */
tix_err tix_store_enrich_clear(tix_store *s, int64_t after_id, tix_diag *d);
tix_err tix_store_enrichment_put(tix_store *s, const tix_enrichment *en, tix_diag *d);
/* TIX_ENOTFOUND when the observable has none. */
tix_err tix_store_enrichment_get(tix_store *s, int64_t observable_id, tix_enrichment *out,
                                 tix_diag *d);

/* A passive-DNS record: rrname had rdata (canonical) from first to last
 * seen, count times. Records merge on (rrname, rrtype, rdata, source). */
typedef struct {
    const char *rrname, *rrtype, *rdata;
    int64_t first_seen, last_seen;
    uint64_t count;
    int64_t source_id;
} tix_resolution;
tix_err tix_store_resolution_add(tix_store *s, const tix_resolution *r, bool *created,
                                 tix_diag *d);
typedef int (*tix_resolution_fn)(void *ud, const tix_resolution *r);
/* Records naming rrname (or, with rrname NULL, pointing at rdata) last
 * seen at or after since, newest first. */
tix_err tix_store_resolution_each(tix_store *s, const char *rrname, const char *rdata,
                                  int64_t since, tix_resolution_fn fn, void *ud,
                                  tix_diag *d);
/* IP observables (not blocked) that at least threshold names resolved to
 * since `since`, counting only names that are not themselves observables
 * (unless a benign list cleared them); with up to 3 of those as examples. */
typedef struct {
    int64_t observable_id;
    const char *ip;
    uint64_t names;
    const char *examples;     /* "a.example, b.example, c.example" */
} tix_shared_host;
typedef int (*tix_shared_host_fn)(void *ud, const tix_shared_host *h);
tix_err tix_store_shared_hosts(tix_store *s, int64_t since, uint64_t threshold,
                               tix_shared_host_fn fn, void *ud, tix_diag *d);

/* Small named settings ("vet.through", "enrich.mmdb"). get: TIX_ENOTFOUND
 * when unset; *out is the caller's to free. */
tix_err tix_store_setting_get(tix_store *s, const char *name, char **out, tix_diag *d);
tix_err tix_store_setting_set(tix_store *s, const char *name, const char *value,
                              tix_diag *d);

/* ---- classification: rule files, families, configurations ------------- */

/* A YARA rule file as added; its name is the namespace of its rules. */
typedef struct {
    const char *name;
    uint8_t sha256[32];
    const char *text;        /* NULL when listed without text */
    size_t len;
    uint32_t rules;          /* rules it holds */
    int64_t added;
} tix_rule_file_rec;
/* Store a rule file by name; *changed false when the same text was there. */
tix_err tix_store_rule_file_put(tix_store *s, const tix_rule_file_rec *r, bool *changed,
                                tix_diag *d);
tix_err tix_store_rule_file_rm(tix_store *s, const char *name, bool *removed,
                               tix_diag *d);
typedef int (*tix_rule_file_fn)(void *ud, const tix_rule_file_rec *r);
/* In name order; with_text false leaves text NULL. */
tix_err tix_store_rule_file_each(tix_store *s, bool with_text, tix_rule_file_fn fn,
                                 void *ud, tix_diag *d);
/* The compiled rule set (one per store), tied to the engine's version;
 * get: *blob NULL when none is stored; *engine and *blob are the caller's. */
tix_err tix_store_rule_set_put(tix_store *s, const char *engine, const void *blob,
                               size_t len, tix_diag *d);
tix_err tix_store_rule_set_get(tix_store *s, char **engine, void **blob, size_t *len,
                               tix_diag *d);

/* A family a sample's rules name; adding it again changes nothing. */
tix_err tix_store_sample_family_add(tix_store *s, int64_t sample_id, const char *family,
                                    const char *rule, tix_diag *d);
typedef int (*tix_sample_family_fn)(void *ud, const char *family, const char *rule);
tix_err tix_store_sample_family_each(tix_store *s, int64_t sample_id,
                                     tix_sample_family_fn fn, void *ud, tix_diag *d);

/* A configuration read from a sample, unique per (sample, extractor,
 * extractor version): a fixed extractor adds its reading beside the old. */
typedef struct {
    int64_t sample_id;
    const char *family, *extractor, *extractor_version;
    const char *build, *campaign; /* may be "" */
    const char *json;             /* the whole configuration */
    int64_t extracted;
} tix_config_rec;
tix_err tix_store_config_put(tix_store *s, const tix_config_rec *c, bool *created,
                             tix_diag *d);
typedef int (*tix_config_rec_fn)(void *ud, const tix_config_rec *c);
tix_err tix_store_config_each(tix_store *s, int64_t sample_id, tix_config_rec_fn fn,
                              void *ud, tix_diag *d);

/* An observable with evidence naming a family, summed over that evidence
 * only: what a takedown list is made of. */
typedef struct {
    tix_obs_rec obs;
    const char *ports;       /* distinct ports, ascending, comma separated; "" */
    int64_t first_seen, last_seen;
    uint32_t n_samples;      /* distinct samples whose configs name it */
    uint32_t n_sources;
    const char *sources;     /* their names, comma separated, in name order */
    const char *extractors;  /* config extractors that read it; "" */
} tix_family_obs;
typedef int (*tix_family_obs_fn)(void *ud, const tix_family_obs *r);
/* Observables of the given types (TIX_OBS_BIT mask; 0: all) with evidence
 * whose family is `family` (case-insensitive) last seen at or after since,
 * in (type, value) order. */
tix_err tix_store_family_each(tix_store *s, const char *family, int64_t since,
                              uint32_t types, tix_family_obs_fn fn, void *ud,
                              tix_diag *d);

/* Confidence of an observable from its support: for each source, the best
 * confidence c of its evidence and the number n of its evidence rows.
 * Documented in docs/store.md. */
typedef struct {
    int confidence; /* best evidence confidence from this source, 0-100 */
    uint64_t n;     /* evidence rows from this source */
} tix_support;
int tix_confidence(const tix_support *sup, size_t n);

/* ---- exports: what a filter selects, read for sharing ------------------ */

/* The observables an export takes: every condition given must hold. Only
 * observables with evidence are ever selected (a URL's host that nothing
 * but the URL names is no indicator of its own). */
typedef struct {
    uint32_t types;           /* TIX_OBS_BIT mask; 0: all */
    const char *family;       /* some evidence names it (case-insensitive) */
    const char *source;       /* some evidence is from it */
    int64_t since;            /* last seen at or after; 0: any */
    bool not_blocked;         /* no verdict blocks it (tix_verdict_blocks) */
    int min_confidence;       /* 0: any */
    const char *country;      /* its place's country code (any case) */
    const char *constituency; /* its place's constituency (any case) */
} tix_obs_select;

/* The evidence of one observable summed per (source, TLP, family). */
typedef struct {
    int64_t source_id;
    const char *source;       /* its name */
    tix_tlp tlp;
    const char *family;       /* as the rows spell it; NULL: none */
    uint64_t rows;            /* evidence rows */
    uint64_t count;           /* occurrences they stand for */
    int64_t first_seen, last_seen;
    int64_t ingested_first, ingested_last;
    int confidence;           /* the best of the rows */
    bool detect;              /* some row is not context only (TIX_EV_CONTEXT) */
    const char *tags;         /* the rows' distinct tag lists, comma-joined; "" */
} tix_ev_group;

typedef struct {
    tix_obs_rec obs;          /* with its status */
    char country[3];          /* where it sits; "" when unplaced */
    uint32_t asn;
    const char *as_name, *constituency; /* NULL when unknown */
    const tix_ev_group *groups; /* by source name, TLP, family */
    size_t n_groups;
} tix_export_obs;

typedef int (*tix_export_obs_fn)(void *ud, const tix_export_obs *r);
/* The selected observables in (type, value) order, each with its evidence
 * summed per group. fn returning non-zero stops with TIX_ESTOPPED. */
tix_err tix_store_export_each(tix_store *s, const tix_obs_select *sel,
                              tix_export_obs_fn fn, void *ud, tix_diag *d);

/* Sums over the selected observables' evidence, per (observable type,
 * source). With mx(o) the most restrictive TLP of the source's rows about
 * observable o, min_of_max is the least restrictive mx over the observables. */
typedef struct {
    tix_obs_type type;
    int64_t source_id;
    const char *source;
    uint64_t observables;
    tix_tlp min_of_max;
    tix_tlp min_tlp;          /* the least restrictive TLP of its rows */
    int64_t ingested_first, ingested_last;
    int64_t max_id;           /* the highest observable id among them */
} tix_export_source_sum;
typedef int (*tix_export_source_fn)(void *ud, const tix_export_source_sum *r);
/* In (type, source id) order. */
tix_err tix_store_export_sources(tix_store *s, const tix_obs_select *sel,
                                 tix_export_source_fn fn, void *ud, tix_diag *d);

/* Sums over the selected observables' evidence that names a family, per
 * spelling of the family. */
typedef struct {
    const char *family;
    uint64_t rows;
    tix_tlp min_tlp;
    int64_t ingested_first, ingested_last;
} tix_export_family_sum;
typedef int (*tix_export_family_fn)(void *ud, const tix_export_family_sum *r);
/* In byte order of the spelling. */
tix_err tix_store_export_families(tix_store *s, const tix_obs_select *sel,
                                  tix_export_family_fn fn, void *ud, tix_diag *d);

/* A stored relationship whose two ends are selected observables, summed
 * over the sources that reported it. */
typedef struct {
    const char *src, *type, *dst;  /* STIX ids and the relationship type */
    tix_tlp tlp;              /* the least restrictive TLP of its rows */
    int64_t first_seen, last_seen;
    /* each end ([0] src, [1] dst): the least restrictive TLP of its
     * evidence and when that evidence was ingested */
    tix_tlp end_tlp[2];
    int64_t end_ingested_first[2], end_ingested_last[2];
} tix_export_rel;
typedef int (*tix_export_rel_fn)(void *ud, const tix_export_rel *r);
/* One per (src, type, dst), in that order. */
tix_err tix_store_export_relationships(tix_store *s, const tix_obs_select *sel,
                                       tix_export_rel_fn fn, void *ud, tix_diag *d);

/* Reads between read_begin and read_end see one state of the store, however
 * many calls they take (an ingest committing meanwhile is not seen); inside
 * a write transaction they are no-ops. read_end with none begun is a no-op. */
tix_err tix_store_read_begin(tix_store *s, tix_diag *d);
void tix_store_read_end(tix_store *s);

/* When a source's kind or trust was last changed (tix_store_source_set):
 * the confidence of everything it supports may have changed then. 0 when
 * never. */
tix_err tix_store_source_changed(tix_store *s, int64_t source_id, int64_t *when,
                                 tix_diag *d);

#endif
