/* tix/observable.h - observable types, canonical forms and STIX 2.1 ids.
 *
 * An observable is a (type, canonical value) pair. Two sources that saw the
 * same thing produce byte-identical canonical values, and therefore the same
 * STIX 2.1 deterministic identifier, so merges are exact.
 */
#ifndef TIX_OBSERVABLE_H
#define TIX_OBSERVABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tix/buf.h"
#include "tix/error.h"

/* X(ENUM, name, stix-type) in the order listings print them. */
#define TIX_OBS_MAP(X)                           \
    X(IPV4, "ipv4", "ipv4-addr")                 \
    X(IPV6, "ipv6", "ipv6-addr")                 \
    X(DOMAIN, "domain", "domain-name")           \
    X(URL, "url", "url")                         \
    X(EMAIL, "email", "email-addr")              \
    X(MD5, "md5", "file")                        \
    X(SHA1, "sha1", "file")                      \
    X(SHA256, "sha256", "file")                  \
    X(SHA512, "sha512", "file")                  \
    X(BTC, "btc", "cryptocurrency-wallet")       \
    X(XMR, "xmr", "cryptocurrency-wallet")       \
    X(CVE, "cve", "vulnerability")               \
    X(ASN, "asn", "autonomous-system")

typedef enum {
#define X(e, n, s) TIX_OBS_##e,
    TIX_OBS_MAP(X)
#undef X
    TIX_OBS_COUNT
} tix_obs_type;

#define TIX_OBS_BIT(t) (1u << (t))
#define TIX_OBS_ALL ((1u << TIX_OBS_COUNT) - 1u)

/* "ipv4", "domain", ...; NULL for an out-of-range type. */
const char *tix_obs_name(tix_obs_type t);
/* STIX 2.1 object type the observable maps to ("ipv4-addr", "file", ...). */
const char *tix_obs_stix_type(tix_obs_type t);
/* Look a type up by name; returns -1 when unknown. */
int tix_obs_from_name(const char *name, size_t len);

/* Parse a comma-separated list of type names into a bit mask.
 * "all" selects every type; "hash" selects md5,sha1,sha256,sha512;
 * "ip" selects ipv4,ipv6. */
tix_err tix_obs_parse_types(const char *list, uint32_t *mask, tix_diag *d);

/* Longest canonical value tix produces (URLs longer than this are not
 * considered indicators). */
#define TIX_OBS_VALUE_MAX 4096

/* Canonicalise and validate one value of a known type.
 * in/len: the value as found (already refanged).
 * out: receives the canonical form (appended). Returns TIX_EPARSE with a
 * message when the value is not a valid observable of that type. */
tix_err tix_obs_canon(tix_obs_type t, const char *in, size_t len,
                      tix_buf *out, tix_diag *d);

/* Guess the type of a single, whole value (as a user types it on the command
 * line); refangs it, then tries each type. On success *type is set and the
 * canonical value appended to out. */
tix_err tix_obs_identify(const char *in, size_t len, tix_obs_type *type,
                         tix_buf *out, tix_diag *d);

/* Length of "type--xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" plus NUL is below. */
#define TIX_STIX_ID_MAX 72

/* STIX 2.1 deterministic id of a canonical value: UUIDv5 in the SCO
 * namespace over the JCS serialisation of the id-contributing properties.
 * An autonomous system contributes its number. For types without a STIX
 * SCO (cve, btc, xmr) the same scheme is applied to the object tix exports
 * them as (vulnerability name, wallet value). */
tix_err tix_obs_stix_id(tix_obs_type t, const char *value, size_t len,
                        char out[TIX_STIX_ID_MAX], tix_diag *d);

/* The UUIDv5 of name in namespace ns (16 raw bytes), RFC 4122 4.3.
 * Fails only with TIX_ENOMEM. */
tix_err tix_uuid5(const uint8_t ns[16], const void *name, size_t len,
                  uint8_t out[16]);
/* 36 characters plus NUL. */
void tix_uuid_format(const uint8_t u[16], char out[37]);

#endif
