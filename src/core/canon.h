/* canon.h - validation and canonical forms, shared by the extractor and
 * tix_obs_canon(). Each function validates s[0..n) as a whole value and, when
 * valid, appends the canonical form to out and returns true. Nothing is
 * appended when the value is invalid. s need not be NUL-terminated. */
#ifndef TIX_CORE_CANON_H
#define TIX_CORE_CANON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libpsl.h>

#include "tix/buf.h"

/* The public suffix list: the newest of libpsl's built-in list and the
 * system's (Debian's publicsuffix package). Loaded once, read-only. */
const psl_ctx_t *tix__psl(void);
/* What the list says of the label tld[0..n) (lower case), cached per
 * thread: TIX_TLD_KNOWN, it is a top-level suffix; TIX_TLD_DEEP, the list
 * has rules below it, so a name under it may be a suffix itself. */
enum { TIX_TLD_KNOWN = 1, TIX_TLD_DEEP = 2 };
int tix__tld_flags(const char *tld, size_t n);
/* Could name[0..n) (lower case, A-labels; tld points into it) be a public
 * suffix itself, so that libpsl must be asked? */
bool tix__maybe_suffix(const char *name, size_t n, const char *tld);

/* Dotted quad, octets <= 255, 1-3 digits each (leading zeros read as
 * decimal), optional "/N" with N <= 32. */
bool tix__canon_ipv4(const char *s, size_t n, tix_buf *out);
/* Anything inet_pton(AF_INET6) accepts, optional "/N" with N <= 128;
 * printed as RFC 5952. */
bool tix__canon_ipv6(const char *s, size_t n, tix_buf *out);
/* A host name with a known public suffix that is not itself a suffix;
 * lower case, IDN to A-label, trailing dot dropped. */
bool tix__canon_domain(const char *s, size_t n, tix_buf *out);
/* scheme://[userinfo@]host[:port][/path][?q][#f] with a known scheme
 * (defanged schemes accepted and refanged). */
bool tix__canon_url(const char *s, size_t n, tix_buf *out);
bool tix__canon_email(const char *s, size_t n, tix_buf *out);
/* The host of a canonical URL u[0..n) (scheme://[user@]host[:port]...),
 * IPv6 without brackets; false when there is none. */
bool tix__url_host(const char *u, size_t n, const char **h, size_t *hl);
/* May c be in the local part of an e-mail address (as tix reads them)? */
bool tix__email_local_char(unsigned char c);
/* Exactly 2*bytes hex digits, not one repeated digit; lower case. */
bool tix__canon_hex(const char *s, size_t n, size_t bytes, tix_buf *out);
bool tix__canon_cve(const char *s, size_t n, tix_buf *out);
/* "AS13335", "ASN13335" (any case): AS1 to AS4294967295, as "AS13335". */
bool tix__canon_asn(const char *s, size_t n, tix_buf *out);
bool tix__canon_btc(const char *s, size_t n, tix_buf *out);
bool tix__canon_xmr(const char *s, size_t n, tix_buf *out);

/* Map a URL scheme as written (any case, possibly defanged) to its
 * canonical name; sets *defanged. NULL when it is not a scheme tix treats
 * as a URL. */
const char *tix__url_scheme(const char *s, size_t n, bool *defanged);

/* Default port of a canonical scheme, 0 if none. */
unsigned tix__url_default_port(const char *scheme);

static inline bool tix__is_alnum(unsigned char c)
{
    return (unsigned)((c | 0x20) - 'a') < 26 || (unsigned)(c - '0') < 10;
}
static inline bool tix__is_digit(unsigned char c)
{
    return (unsigned)(c - '0') < 10;
}
static inline bool tix__is_hex(unsigned char c)
{
    return (unsigned)(c - '0') < 10 || (unsigned)((c | 0x20) - 'a') < 6;
}
static inline unsigned char tix__lower(unsigned char c)
{
    return (unsigned)(c - 'A') < 26 ? (unsigned char)(c | 0x20) : c;
}

#endif
