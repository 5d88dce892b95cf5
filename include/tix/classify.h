/* tix/classify.h - what a sample is and what it talks to.
 *
 * YARA rules (libyara) name a sample's families: a rule's meta `family`,
 * else the rule's name. A family's config extractor, triggered by its own
 * YARA rule, reads the configuration out of the sample: C&C endpoints,
 * keys, campaign or botnet id and the build's version. Extractors are
 * plain functions over the sample's bytes, one file per family under
 * src/classify/, registered in one table.
 */
#ifndef TIX_CLASSIFY_H
#define TIX_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tix/buf.h"
#include "tix/error.h"
#include "tix/store.h"

/* ---- configurations ---------------------------------------------------- */

#define TIX_CONFIG_HOST_MAX 256
#define TIX_CONFIG_PATH_MAX 256
#define TIX_CONFIG_C2_MAX 32
#define TIX_CONFIG_KEYS_MAX 4

typedef struct {
    char scheme[8];                 /* "http", "https", "tcp"; "" unknown */
    char host[TIX_CONFIG_HOST_MAX]; /* IP address or domain name, as stored */
    int port;                       /* 0: none given */
    char path[TIX_CONFIG_PATH_MAX]; /* "" or starting with '/' */
} tix_c2;

typedef struct {
    char name[24];   /* what the key is for: "rc4", "xor", "traffic" */
    char hex[129];   /* the key's bytes in lower-case hex */
} tix_config_key;

typedef struct {
    char build[32];      /* the family's own version of this build ("2.4") */
    char campaign[64];   /* campaign or botnet id; "" none */
    tix_c2 c2[TIX_CONFIG_C2_MAX];
    size_t nc2;
    tix_config_key keys[TIX_CONFIG_KEYS_MAX];
    size_t nkeys;
} tix_config;

/* An extractor returns TIX_EOK with at least one C&C in out, or an error
 * with a one-line reason in why ("config marker not found", "unknown
 * layout version 3"): a reason a person fixing the extractor can act on. */
typedef tix_err (*tix_config_fn)(const uint8_t *data, size_t len, tix_config *out,
                                 tix_diag *why);

typedef struct {
    const char *family;    /* as it is tagged: "PlumLoader" */
    const char *name;      /* the extractor: "plumloader-rc4" */
    const char *version;   /* of the extractor: "1.2" */
    const char *rule;      /* name of the YARA rule that triggers it */
    const char *rule_text; /* that rule's source */
    tix_config_fn extract;
} tix_config_extractor;

/* The registered extractors, in a fixed order. */
const tix_config_extractor *tix_config_extractors(size_t *n);
/* The extractor a YARA rule triggers, or NULL. */
const tix_config_extractor *tix_config_extractor_by_rule(const char *rule);
/* The extractor for a family (case-insensitive), or NULL. */
const tix_config_extractor *tix_config_extractor_by_family(const char *family);

/* Add a C&C to a config from its parts; host is checked (a printable name
 * or address, no spaces) and port must be 0-65535. */
tix_err tix_config_add_c2(tix_config *c, const char *scheme, const char *host,
                          size_t host_len, int port, const char *path, tix_diag *why);
/* "https://host:443/path" or "host:port" for tcp; returns out. */
char *tix_c2_format(const tix_c2 *c2, char *out, size_t cap);

/* The configuration as one JSON object: family, extractor, version,
 * build, campaign, c2 [{scheme, host, port, path, url}], keys. */
void tix_config_json(const tix_config_extractor *x, const tix_config *c, tix_buf *out);

/* ---- rules ------------------------------------------------------------- */

typedef struct tix_rules tix_rules;

typedef struct {
    const char *name; /* file name as given: the namespace of its rules */
    const char *text;
    size_t len;
} tix_rule_file;

/* Compile rule files together with the extractors' built-in rules (in the
 * namespace "tix"). A file that does not compile is left out and reported
 * as "NAME:LINE: message" through report (NULL: not reported); *bad
 * counts them. */
tix_err tix_rules_compile(const tix_rule_file *files, size_t n,
                          void (*report)(void *ud, const char *msg), void *ud,
                          size_t *bad, tix_rules **out, tix_diag *d);
/* Compile one file alone: TIX_EPARSE with "NAME:LINE: message" when it
 * does not compile or holds no rule; else *nrules. */
tix_err tix_rules_check(const tix_rule_file *f, size_t *nrules, tix_diag *d);
/* The compiled form, for storing; and back. A blob from another libyara
 * version fails to load with TIX_EPARSE: compile the sources again. */
tix_err tix_rules_save(const tix_rules *r, tix_buf *out, tix_diag *d);
tix_err tix_rules_load(const void *blob, size_t len, tix_rules **out, tix_diag *d);
void tix_rules_free(tix_rules *r);
/* Number of rules, the built-in ones included. */
size_t tix_rules_count(const tix_rules *r);
/* "4.2.3": the libyara a compiled blob is tied to. */
const char *tix_rules_engine_version(void);

/* ---- rules kept in a store ---- */

typedef struct {
    size_t files_stored;     /* new, or changed since they were stored */
    size_t files_same, files_bad;
    size_t rules;            /* in the whole compiled set, built-ins included */
} tix_rules_stats;

/* Store rule files (inside the caller's transaction): each is compiled
 * alone first; one that does not compile is reported ("NAME:LINE:
 * message") and left out. Then every stored file is compiled once more
 * into the store's rule set. */
tix_err tix_rules_store_add(tix_store *s, const tix_rule_file *files, size_t n,
                            void (*report)(void *ud, const char *msg), void *ud,
                            tix_rules_stats *st, tix_diag *d);
/* Drop a stored file and compile the rest (inside a transaction). */
tix_err tix_rules_store_rm(tix_store *s, const char *name, bool *removed, tix_diag *d);
/* The store's compiled rule set, or the built-in rules alone when it has
 * none. A set compiled by another libyara is compiled again from the
 * stored files (and not saved: the store may be read-only). */
tix_err tix_rules_from_store(tix_store *s, tix_rules **out, tix_diag *d);

/* ---- classifying -------------------------------------------------------- */

typedef struct {
    const char *rule;      /* rule name */
    const char *ns;        /* namespace: the rule file, or "tix" */
    const char *family;    /* meta family, else the rule name */
} tix_rule_match;

typedef enum {
    TIX_CFG_NONE = 0,      /* no extractor for what matched */
    TIX_CFG_OK,            /* config in .config */
    TIX_CFG_FAILED,        /* the extractor ran and failed: .why */
} tix_config_state;

/* What one scan found. Strings point into the classifier's memory and
 * live until its next scan. */
typedef struct {
    tix_rule_match *matches;
    size_t nmatches;
    const char **families; /* distinct families, in match order */
    size_t nfamilies;
    const tix_config_extractor *extractor; /* the one that ran, or NULL */
    tix_config_state state;
    tix_config config;
    char why[256];         /* when FAILED */
} tix_classification;

/* A classifier scans with shared rules, which must outlive it; one
 * classifier per thread. */
typedef struct tix_classifier tix_classifier;

tix_err tix_classifier_new(const tix_rules *r, tix_classifier **out, tix_diag *d);
void tix_classifier_free(tix_classifier *c);
/* Scan the bytes, then run the extractor of the first matching rule that
 * triggers one. */
tix_err tix_classify(tix_classifier *c, const uint8_t *data, size_t len,
                     tix_classification **out, tix_diag *d);

/* Classify files on `threads` threads (0: one per core). fn sees every
 * file in the given order, on the calling thread: its size and what was
 * found, or err when the file could not be read or scanned. fn returning
 * non-zero stops with TIX_ESTOPPED. */
typedef int (*tix_classify_file_fn)(void *ud, const char *path, uint64_t size,
                                    const tix_classification *c, const tix_diag *err);
tix_err tix_classify_files(const tix_rules *r, char *const *paths, size_t n, int threads,
                           tix_classify_file_fn fn, void *ud, tix_diag *d);

#endif
