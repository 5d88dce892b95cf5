/* tix/vet.h - warninglists and the vetting engine.
 *
 * A list is a named set of entries matched one way (exact string,
 * substring, host name and its subdomains, CIDR, regular expression). Lists
 * come from MISP warninglist files, from facts built into tix (the IANA
 * special-purpose registries, the reserved DNS names) and from the user
 * (the sinkhole list). Each list has a policy: `block` keeps its matches
 * out of anything exported as actionable, `warn` exports them with the
 * warning. Vetting an observable yields one verdict per matching list:
 * (list, match type, matched entry).
 */
#ifndef TIX_VET_H
#define TIX_VET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tix/error.h"
#include "tix/observable.h"

#define TIX_MATCH_MAP(X)          \
    X(STRING, "string")           \
    X(SUBSTRING, "substring")     \
    X(HOSTNAME, "hostname")       \
    X(CIDR, "cidr")               \
    X(REGEX, "regex")

typedef enum {
#define X(e, n) TIX_MATCH_##e,
    TIX_MATCH_MAP(X)
#undef X
    TIX_MATCH_COUNT
} tix_match_type;

const char *tix_match_name(tix_match_type m);
int tix_match_from_name(const char *name); /* -1 when unknown */

typedef enum { TIX_POLICY_BLOCK, TIX_POLICY_WARN } tix_policy;
const char *tix_policy_name(tix_policy p);
int tix_policy_from_name(const char *name); /* -1 when unknown */

/* What the verdicts of an observable add up to. */
typedef enum { TIX_VET_CLEAR, TIX_VET_WARN, TIX_VET_BLOCKED } tix_vet_status;
const char *tix_vet_status_name(tix_vet_status s); /* "ok", "warn", "blocked" */

typedef enum { TIX_LIST_BUILTIN, TIX_LIST_MISP, TIX_LIST_USER } tix_list_origin;
const char *tix_list_origin_name(tix_list_origin o);
int tix_list_origin_from_name(const char *name);

/* What hosting on a listed network means for a takedown; drives the
 * collateral flags. */
#define TIX_LIST_KIND_MAP(X)               \
    X(NONE, "")                            \
    X(SPECIAL, "special-purpose")          \
    X(RESERVED, "reserved-name")           \
    X(SINKHOLE, "sinkhole")                \
    X(CLOUD, "cloud")                      \
    X(CDN, "cdn")                          \
    X(DYNDNS, "dynamic-dns")               \
    X(SHORTENER, "url-shortener")          \
    X(BENIGN, "benign")

typedef enum {
#define X(e, n) TIX_LIST_KIND_##e,
    TIX_LIST_KIND_MAP(X)
#undef X
    TIX_LIST_KIND_COUNT
} tix_list_kind;
const char *tix_list_kind_name(tix_list_kind k);
int tix_list_kind_from_name(const char *name);

/* Does a verdict block its observable? A block list does, except a benign
 * list matching a URL through its host: the host (a popular site, a code
 * forge, a file share) must not be seized, but the URL on it is still the
 * criminal's, acted on through the provider, so it only warns. The store's
 * status column follows the same rule. */
static inline bool tix_verdict_blocks(tix_policy policy, tix_list_kind kind, bool on_host)
{
    return policy == TIX_POLICY_BLOCK && !(on_host && kind == TIX_LIST_KIND_BENIGN);
}

/* A list owns all its strings. */
typedef struct {
    char *name;          /* short unique name: "sinkholes", "iana-ipv4-special" */
    char *title;         /* MISP "name", or a sentence */
    char *description;
    int64_t version;     /* the list's own version (MISP "version") */
    tix_match_type match;
    tix_list_origin origin;
    tix_policy policy;
    tix_list_kind kind;
    uint32_t applies;    /* TIX_OBS_BIT mask of the types it is for */
    size_t n, cap;
    char **entries;
    char **notes;        /* parallel to entries; an element may be NULL */
} tix_list;

/* An empty list; name is copied. applies defaults to every type the match
 * type makes sense for. */
tix_err tix_list_new(tix_list **out, const char *name, tix_match_type match,
                     tix_list_origin origin, tix_diag *d);
/* Append an entry (copied); note may be NULL. The entry is checked against
 * the match type (a CIDR must parse, a regex must be /.../flags or bare). */
tix_err tix_list_add(tix_list *l, const char *entry, const char *note, tix_diag *d);
void tix_list_free(tix_list *l);

/* Set kind and policy from what tix knows of the list's name (cloud and
 * CDN ranges warn; sinkholes and benign names block). */
void tix_list_defaults(tix_list *l);

/* A MISP warninglist: path is a list.json; the list is named after the
 * folder that holds it. Errors name the file and the byte offset or entry.
 * Entries the engine cannot use (a regex outside the supported syntax) are
 * dropped and counted in *skipped (may be NULL), with the first one's
 * reason in skip_reason (may be NULL, 256 bytes). */
tix_err tix_list_read_misp(const char *path, tix_list **out, size_t *skipped,
                           char *skip_reason, tix_diag *d);
/* The same from memory (for fuzzing); name is the list's short name. */
tix_err tix_list_parse_misp(const char *json, size_t len, const char *name,
                            const char *where, tix_list **out, size_t *skipped,
                            char *skip_reason, tix_diag *d);
/* Every DIR/<name>/list.json (and DIR/lists/<name>/list.json), in name
 * order. All or nothing: one broken file fails the whole read. */
tix_err tix_lists_read_dir(const char *dir, tix_list ***out, size_t *n, tix_diag *d);
void tix_lists_free(tix_list **lists, size_t n);

/* The lists built into tix: "iana-ipv4-special", "iana-ipv6-special",
 * "reserved-names" (RFC 2606, 6761, 6762, 8375, 9476) and an empty
 * "sinkhole" list for the user's entries (IPs, CIDRs, domains, name
 * servers). */
tix_err tix_lists_builtin(tix_list ***out, size_t *n, tix_diag *d);

/* ---- the engine ------------------------------------------------------- */

typedef struct tix_vetter tix_vetter;

typedef struct {
    uint32_t list;          /* index in the order lists were added */
    tix_match_type match;   /* how it matched (a hostname list's IP entry: cidr) */
    const char *entry;      /* the matching entry, owned by the vetter */
    const char *note;       /* the entry's note, or NULL */
    int on_host;            /* matched the URL's host, not the URL */
} tix_verdict;

tix_err tix_vetter_new(tix_vetter **out, tix_diag *d);
/* Takes ownership of l (also on failure). */
tix_err tix_vetter_add(tix_vetter *v, tix_list *l, tix_diag *d);
/* Compile; after this nothing more can be added (after a failure, only
 * tix_vetter_free is left). */
tix_err tix_vetter_build(tix_vetter *v, tix_diag *d);
size_t tix_vetter_count(const tix_vetter *v);
/* Entries the build could not use (a regex vectorscan's parser let through
 * but its compiler refused, a CIDR that does not parse in a list made by
 * hand); *why (may be NULL) gets the first one's reason, or "". */
size_t tix_vetter_skipped(const tix_vetter *v, const char **why);
const tix_list *tix_vetter_list(const tix_vetter *v, uint32_t i);
/* Vet one canonical value. Returns the number of verdicts (one per
 * matching list, its longest or first match); at most max are written.
 * URLs are matched as URLs and through their host. Not thread-safe: one
 * vetter per thread (the regex scratch space lives in it). */
size_t tix_vetter_check(tix_vetter *v, tix_obs_type t, const char *value, size_t len,
                        tix_verdict *out, size_t max);
void tix_vetter_free(tix_vetter *v);

/* ---- vetting a store ---------------------------------------------------- */

struct tix_store;

typedef struct {
    bool all;                  /* every observable, not only those added since
                                * the last pass */
    unsigned window_days;      /* passive-DNS window (default 30) */
    uint64_t shared_threshold; /* unrelated names that make a host shared
                                * (default 20) */
    int64_t now;               /* 0: the store's clock */
} tix_vet_opts;

typedef struct {
    uint64_t lists, entries;   /* loaded */
    double load_seconds;       /* reading and compiling the lists */
    uint64_t vetted, blocked, warned, verdicts;
    uint64_t shared_hosts, flagged;
} tix_vet_stats;

/* Store the built-in lists (inside the caller's transaction) unless the
 * store has them at this version; entries users added stay. */
tix_err tix_lists_store_builtins(struct tix_store *s, tix_diag *d);

/* A vetter over every list the store keeps, and the built-in lists it does
 * not keep yet; st (may be NULL) gets the list and entry counts. */
tix_err tix_vetter_from_store(struct tix_store *s, tix_vetter **out, tix_vet_stats *st,
                              tix_diag *d);

/* Vet the store's observables against its lists (the built-in ones are
 * stored on first use) in one transaction: verdicts, the collateral flags
 * of cloud/CDN/dynamic-DNS/shortener lists, sinkholes seen through
 * passive DNS (a domain whose recent NS or A record is a sinkhole's), and
 * shared hosting from passive DNS. */
tix_err tix_vet_store(struct tix_store *s, const tix_vet_opts *o, tix_vet_stats *st,
                      tix_diag *d);

#endif
