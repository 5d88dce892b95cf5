/* tix/match.h - the vetting engine turned around: find the store's
 * indicators in someone's logs.
 *
 * Add the indicators (canonical IPs, domains, URLs) with a payload of the
 * caller's choosing, build, then run log data through it. A domain
 * indicator matches the name itself and every subdomain of it.
 */
#ifndef TIX_MATCH_H
#define TIX_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "tix/error.h"
#include "tix/observable.h"

typedef struct tix_matcher tix_matcher;

tix_err tix_matcher_new(tix_matcher **out, tix_diag *d);
/* t is TIX_OBS_IPV4, IPV6, DOMAIN or URL; other types fail with INVAL. */
tix_err tix_matcher_add(tix_matcher *m, tix_obs_type t, const char *value, size_t len,
                        uint32_t payload, tix_diag *d);
tix_err tix_matcher_build(tix_matcher *m, tix_diag *d);
size_t tix_matcher_count(const tix_matcher *m);
void tix_matcher_free(tix_matcher *m);

typedef enum {
    TIX_LOG_TOKENS, /* every IP, name or URL anywhere in the line */
    TIX_LOG_FIELD,  /* whitespace-separated field `field` only */
    TIX_LOG_DNS,    /* BIND query log, dnsmasq, Zeek dns.log */
    TIX_LOG_PROXY,  /* Squid access.log (native) */
    TIX_LOG_CSV,    /* every field, or field `field` */
    TIX_LOG_JSONL   /* every string value of each object */
} tix_log_format;

typedef struct {
    tix_log_format format;
    unsigned field; /* 1-based; 0: all (CSV) */
} tix_log_opts;

typedef struct {
    uint64_t line;        /* 1-based */
    const char *text;     /* the whole line, without its newline */
    size_t len;
    const char *hit;      /* the matching token in the line */
    size_t hit_len;
    tix_obs_type type;    /* of the indicator */
    uint32_t payload;
} tix_log_match;

/* Return non-zero to stop. */
typedef int (*tix_log_match_fn)(void *ud, const tix_log_match *m);

typedef struct {
    uint64_t lines, matched_lines, hits;
} tix_match_stats;

/* Match every line of data[0..len). where names the input in errors. */
tix_err tix_match_log(const tix_matcher *m, const tix_log_opts *o, const char *data,
                      size_t len, const char *where, tix_log_match_fn fn, void *ud,
                      tix_match_stats *st, tix_diag *d);

#endif
