/* tix/match.h - the vetting engine turned around: find the store's
 * indicators in someone's logs.
 *
 * Add the indicators (canonical IPs, domains, URLs) with a payload of the
 * caller's choosing, build, then run log data through it. A domain
 * indicator matches the name itself and every subdomain of it
 * (a.b.evil.com matches evil.com; notevil.com and evil.com.attacker.net do
 * not). Names in logs are folded to lower case (ASCII) and a trailing dot
 * is ignored. An IPv4/IPv6 indicator may be a prefix ("192.0.2.0/24", as
 * block lists give them): it matches every address inside. A URL matches
 * in canonical form (lower-case scheme and host, default port dropped),
 * with or without the log URL's query string and fragment.
 *
 * A built matcher is read-only: any number of threads may run logs through
 * it at once. Matching allocates nothing per line.
 */
#ifndef TIX_MATCH_H
#define TIX_MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "tix/error.h"
#include "tix/observable.h"

typedef struct tix_matcher tix_matcher;

tix_err tix_matcher_new(tix_matcher **out, tix_diag *d);
/* t is TIX_OBS_IPV4, IPV6, DOMAIN or URL; other types fail with INVAL, a
 * value that is not one of its type (a domain needs two labels) with
 * PARSE. The value should be canonical, as the store keeps it (domains
 * and URL hosts are folded to lower case here, nothing else is done). The
 * same value added twice keeps the first payload. Only before build. */
tix_err tix_matcher_add(tix_matcher *m, tix_obs_type t, const char *value, size_t len,
                        uint32_t payload, tix_diag *d);
tix_err tix_matcher_build(tix_matcher *m, tix_diag *d);
/* Values added so far; after build, distinct indicators. */
size_t tix_matcher_count(const tix_matcher *m);
void tix_matcher_free(tix_matcher *m);

/* Lines end at LF; a CR before it is not part of the line. What each
 * format looks at (every candidate is an IP, a name with its parents, or a
 * URL with its host):
 *   TOKENS  runs of host/URL characters anywhere in the line; a run with
 *           colons is an IPv6 address or is split at them (host:port).
 *   FIELD   the blank-separated field `field` (1-based), as TOKENS.
 *   DNS     per line: BIND query log ("client [@0x..] IP#port [(NAME)]:
 *           query: NAME IN TYPE ...": NAME and the client IP; other BIND
 *           client lines by their "(NAME):"), dnsmasq ("query[T] NAME from
 *           IP", "reply|cached NAME is ADDR") and Zeek dns.log TSV after its
 *           "#fields" header (query, id.orig_h, id.resp_h, answers).
 *   PROXY   Squid native access.log: the URL (field 7; host:port for
 *           CONNECT) and its host, the client (3) and the peer address of
 *           the hierarchy field (9, "HIER_DIRECT/ADDR").
 *   CSV     every comma-separated field, or field `field`, as TOKENS;
 *           RFC 4180 quotes within a line ("" is a quote).
 *   JSONL   every string value (not the member names) of the JSON text on
 *           each line, escapes decoded, as TOKENS. A line that is not JSON
 *           stops the run with PARSE, "WHERE:LINE: not JSON (why at column
 *           N)". Blank lines are skipped. */
typedef enum {
    TIX_LOG_TOKENS, /* every IP, name or URL anywhere in the line */
    TIX_LOG_FIELD,  /* whitespace-separated field `field` only */
    TIX_LOG_DNS,    /* BIND query log, dnsmasq, Zeek dns.log */
    TIX_LOG_PROXY,  /* Squid access.log (native) */
    TIX_LOG_CSV,    /* every field, or field `field` */
    TIX_LOG_JSONL   /* every string value of each object */
} tix_log_format;

/* An input matched in pieces (a file larger than one wants resident, a
 * pipe): what carries over from one piece to the next. Zero it before the
 * first piece; every piece but the last must end with a line end. */
typedef struct {
    uint64_t lines;          /* lines before this piece: numbering goes on */
    unsigned char fmt[16];   /* the format's own (Zeek's #fields columns) */
} tix_log_state;

typedef struct {
    tix_log_format format;
    unsigned field; /* 1-based; 0: all (CSV) */
    tix_log_state *state; /* NULL: data is the whole input */
} tix_log_opts;

/* One indicator found on one line. Each indicator (told apart by type and
 * payload) is reported at most once per line; a name that matches several
 * indicators (evil.com and a.evil.com) gives one report each, the most
 * specific first. */
typedef struct {
    uint64_t line;        /* 1-based */
    const char *text;     /* the whole line, without its newline */
    size_t len;
    const char *hit;      /* the matching token in the line: the whole name
                           * for a parent-domain match, the host for a URL's
                           * host; for a CSV field with "" or a JSON string
                           * with escapes, in a decoded copy (valid during
                           * the callback only) */
    size_t hit_len;
    tix_obs_type type;    /* of the indicator */
    uint32_t payload;
} tix_log_match;

/* Return non-zero to stop. */
typedef int (*tix_log_match_fn)(void *ud, const tix_log_match *m);

typedef struct {
    uint64_t lines, matched_lines, hits;
    uint64_t skipped;     /* non-blank lines of DNS, PROXY or FIELD input
                           * that are in none of the format's forms (or
                           * lack the field) */
} tix_match_stats;

/* Match every line of data[0..len). where names the input in errors.
 * st (may be NULL) is added to, so one can count over several inputs.
 * A callback that stops the run makes it return STOPPED. */
tix_err tix_match_log(const tix_matcher *m, const tix_log_opts *o, const char *data,
                      size_t len, const char *where, tix_log_match_fn fn, void *ud,
                      tix_match_stats *st, tix_diag *d);

#endif
