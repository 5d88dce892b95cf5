/* taxii.h - the parts of a TAXII 2.1 client that need no network: URLs,
 * envelopes, discovery documents, error documents and timestamps. Not API;
 * tests/unit/test_pull.c tests them one by one. */
#ifndef TIX_PULL_TAXII_H
#define TIX_PULL_TAXII_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "tix/buf.h"
#include "tix/error.h"

#define TAXII_MEDIA_TYPE "application/taxii+json;version=2.1"

/* ---- URLs ---------------------------------------------------------------- */

/* Append s percent-encoded for a query value or a path segment: the
 * RFC 3986 unreserved characters as they are, every other byte %XX. */
void taxii_escape(tix_buf *b, const char *s);

/* url as the base of a TAXII client: http or https, no credentials, no
 * query or fragment, the path ending in '/'; into out (reset first).
 * *discovery tells whether its last path segment is "taxii2", the
 * discovery endpoint's fixed name. */
tix_err taxii_base_url(const char *url, tix_buf *out, bool *discovery, tix_diag *d);

/* ref (absolute, or relative as an api_roots entry may be) resolved
 * against base, into out (reset first). */
tix_err taxii_resolve(const char *base, const char *ref, tix_buf *out, tix_diag *d);

/* The host of url, into out (reset first). */
tix_err taxii_host(const char *url, tix_buf *out, tix_diag *d);

/* Whether a redirect from one URL to another stays on the same server:
 * the same host, and the same scheme and port or http to https. */
bool taxii_same_server(const char *from, const char *to);

/* Whether url names this machine (credentials over plain HTTP go nowhere). */
bool taxii_is_loopback(const char *url);

/* The Get Objects URL of a collection under api_root (ending in '/'):
 * api_root "collections/" ID "/objects/", then added_after, limit and next
 * as query parameters, each only when set (NULL or "", 0), escaped; into
 * b (appended). */
void taxii_objects_url(tix_buf *b, const char *api_root, const char *collection,
                       const char *added_after, unsigned limit, const char *next);

/* A URL for messages: as it is up to max bytes, else its head and tail
 * around "...". Into out (reset first). */
void taxii_url_shown(tix_buf *out, const char *url, size_t max);

/* ---- documents ----------------------------------------------------------- */

/* A TAXII 2.1 envelope: {"more": bool, "next": string, "objects": [...]},
 * every member optional ({} is an empty page). */
typedef struct {
    json_t *root;
    json_t *objects;   /* borrowed from root; NULL: none */
    bool more;
    const char *next;  /* borrowed from root; NULL: none ("" is none too) */
} taxii_envelope;

/* Parse data. Malformed JSON fails with "malformed JSON at byte N (line L,
 * column C): reason", N the offset (from 0) of the byte where it went
 * wrong, the length for a document cut short; a JSON document that is no
 * envelope with "not a TAXII envelope: ...". */
tix_err taxii_envelope_parse(const char *data, size_t len, taxii_envelope *env,
                             tix_diag *d);
void taxii_envelope_free(taxii_envelope *env);

/* The objects of env as a STIX 2.1 bundle, into out (reset first). Its id
 * is a UUIDv5 of the objects, so the same page twice is the same document. */
tix_err taxii_bundle(const taxii_envelope *env, tix_buf *out, tix_diag *d);

/* The API root a discovery document (TAXII 2.1 section 4.1) points at: its
 * "default", else its only "api_roots" entry, resolved against base; into
 * out. Several roots and no default fail with them listed. */
tix_err taxii_discovery_root(const char *data, size_t len, const char *base,
                             tix_buf *out, tix_diag *d);

/* What a TAXII error document (section 3.6.1) says: "title: description"
 * (or the one present), control characters as spaces, at most 160 bytes
 * each; nothing when data is no such document. Appended to out. */
void taxii_error_text(const char *data, size_t len, tix_buf *out);

/* ---- timestamps ---------------------------------------------------------- */

/* Whether s (a header value, a stored point) is a timestamp tix reads, of
 * fewer than max bytes, without blanks around it. */
bool taxii_ts_valid(const char *s, size_t max);

/* Order of two valid timestamps by the instant they name, fractions of a
 * second to any precision included: <0, 0, >0. */
int taxii_ts_cmp(const char *a, const char *b);

/* A user's timestamp as a TAXII added_after: an RFC 3339 UTC timestamp
 * ("2024-05-01T10:00:00.5Z") as it is, any other form tix_time_parse reads
 * as "YYYY-MM-DDTHH:MM:SSZ"; into out (of cap bytes). */
tix_err taxii_ts_from_user(const char *s, char *out, size_t cap, tix_diag *d);

#endif
