/* tix/takedown.h - the vetted, merged list of one family's C&C servers
 * that agencies in several countries act on the same day.
 *
 * A takedown is built from the store: every IPv4, IPv6, domain and URL
 * observable with evidence naming the family (sample configurations and
 * partner feeds alike), with the ports, first/last seen, samples and
 * sources of that evidence, where it sits (country, network, the
 * responsible agency) and what vetting said. Whatever vetting blocked (a
 * sinkhole, a reserved or documentation address, anything a block list
 * matched) is never among the entries to act on: it is listed apart with
 * the verdicts that left it out. A takedown owns all its strings and does
 * not refer to the store once built.
 *
 * docs/takedown.md describes the list, the grouping and the formats.
 */
#ifndef TIX_TAKEDOWN_H
#define TIX_TAKEDOWN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tix/buf.h"
#include "tix/error.h"
#include "tix/feed.h"
#include "tix/observable.h"
#include "tix/store.h"
#include "tix/vet.h"

typedef enum { TIX_TAKEDOWN_BY_AGENCY, TIX_TAKEDOWN_BY_COUNTRY } tix_takedown_by;

/* "agency", "country"; from_name returns -1 when unknown. */
const char *tix_takedown_by_name(tix_takedown_by by);
int tix_takedown_by_from_name(const char *name);

/* One verdict of an entry, as the store keeps it. */
typedef struct {
    char *list;
    char *entry;
    char *note;              /* NULL: none */
    tix_match_type match;
    tix_policy policy;
    tix_list_kind kind;
    bool on_host;            /* matched a URL's host */
    bool blocks;             /* tix_verdict_blocks() */
} tix_takedown_verdict;

/* A collateral flag ("shared-hosting", "cloud") and why it was set. */
typedef struct {
    char *flag;
    char *evidence;
} tix_takedown_flag;

typedef struct {
    tix_obs_type type;
    char *value;
    char stix_id[TIX_STIX_ID_MAX];
    tix_vet_status status;   /* BLOCKED for every entry of t->blocked */
    int confidence;          /* of the observable, over all its evidence */
    char *ports;             /* "443,8443"; "" when no evidence gave one */
    int64_t first_seen, last_seen; /* of the family's evidence */
    uint32_t n_samples;      /* distinct samples whose configurations name it */
    uint32_t n_sources;
    char *sources;           /* source names, comma separated, in name order */
    char *extractors;        /* config extractors that read it; "" */
    tix_tlp tlp;             /* strictest TLP of the family's evidence */
    /* where it sits; country "" and asn 0 when unknown, strings NULL */
    char country[3];
    uint32_t asn;
    char *as_name;
    char *constituency, *const_email, *const_kind, *const_country;
    char *group;             /* the grouping key (see tix_takedown_build) */
    tix_takedown_verdict *verdicts;
    size_t n_verdicts;
    tix_takedown_flag *flags;
    size_t n_flags;
} tix_takedown_entry;

/* A run of t->entries with the same key. For agency groups the
 * constituency's contact (NULL for an "unassigned" group and for country
 * groups). */
typedef struct {
    char *name;
    const char *email, *kind, *country; /* borrowed from the first entry */
    size_t first, n;         /* t->entries[first .. first + n) */
} tix_takedown_group;

typedef struct {
    char *family;            /* as the evidence spells it most often */
    int64_t made;            /* when the list was built */
    int64_t since;           /* evidence last seen at or after; 0: all */
    tix_takedown_by by;
    tix_tlp tlp;             /* at least AMBER; stricter when evidence is */
    tix_takedown_entry *entries; /* to act on: by group, then value */
    size_t n_entries;
    tix_takedown_group *groups;  /* in name order */
    size_t n_groups;
    tix_takedown_entry *blocked; /* left out: in value order */
    size_t n_blocked;
} tix_takedown;

typedef struct {
    const char *family;      /* required; matched case-insensitively */
    int64_t since;           /* 0: every piece of evidence */
    tix_takedown_by by;
    int64_t now;             /* 0: the clock (the "made" time) */
} tix_takedown_opts;

/* Build the takedown list of o->family from s (only reads it).
 *
 * Grouping key of an entry: by agency, the name of its constituency, else
 * "unassigned (CC)" with its country code, else "unassigned"; by country,
 * its country code, "??" when unknown. An entry is left out (t->blocked)
 * when its status is blocked or any verdict blocks; its reasons are those
 * verdicts. Fails with TIX_EINVAL when some observable of the family was
 * stored after the last vetting pass (ingested with --no-vet): unvetted,
 * it could be a sinkhole. A family the store knows nothing of is no error:
 * *out then has no entries and no blocked entries.
 *   out: the caller's, freed with tix_takedown_free. */
tix_err tix_takedown_build(tix_store *s, const tix_takedown_opts *o, tix_takedown **out,
                           tix_diag *d);
void tix_takedown_free(tix_takedown *t); /* NULL is a no-op */

/* The reasons an entry was left out: its blocking verdicts, "list: entry
 * (URL host) (note)", joined by "; ". Appended to b. */
void tix_takedown_reasons(const tix_takedown_entry *e, tix_buf *b);
/* The warnings of an entry kept in the list: each flag "flag: evidence",
 * then each verdict that does not block, as for reasons; joined by "; ". */
void tix_takedown_warnings(const tix_takedown_entry *e, tix_buf *b);

/* ---- writers: append to b; errors are b's (and TIX_ENOMEM) ------------ */

typedef enum {
    TIX_TAKEDOWN_TEXT,
    TIX_TAKEDOWN_CSV,
    TIX_TAKEDOWN_JSONL,
    TIX_TAKEDOWN_STIX
} tix_takedown_format;

/* "text", "csv", "jsonl", "stix"; from_name returns -1 when unknown. */
const char *tix_takedown_format_name(tix_takedown_format f);
int tix_takedown_format_from_name(const char *name);

/* A table per group for the terminal, then "Left out (blocked)". */
tix_err tix_takedown_write_text(const tix_takedown *t, tix_buf *b, tix_diag *d);
/* A header line, then a row per entry (active first, then blocked); RFC
 * 4180 quoting, CRLF-free (LF line ends). */
tix_err tix_takedown_write_csv(const tix_takedown *t, tix_buf *b, tix_diag *d);
/* One JSON object per line and entry; blocked ones with "blocked":true and
 * "reasons". */
tix_err tix_takedown_write_jsonl(const tix_takedown *t, tix_buf *b, tix_diag *d);
/* A STIX 2.1 bundle (one line): the family's malware object, an
 * infrastructure object per group consisting of its SCOs and controlling
 * the malware, every object marked with t->tlp's TLP 2.0 marking
 * definition. Blocked entries are not in it. */
tix_err tix_takedown_write_stix(const tix_takedown *t, tix_buf *b, tix_diag *d);
tix_err tix_takedown_write(const tix_takedown *t, tix_takedown_format f, tix_buf *b,
                           tix_diag *d);

#endif
