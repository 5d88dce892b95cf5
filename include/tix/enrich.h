/* tix/enrich.h - placing an indicator: country and network of an IP, the
 * registered domain of a name, and who is responsible for it.
 */
#ifndef TIX_ENRICH_H
#define TIX_ENRICH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tix/error.h"

/* ---- geolocation and networks ------------------------------------------ */

typedef struct tix_geo tix_geo;

/* MaxMind DB files (GeoLite2/GeoIP2 Country, City, ASN; DB-IP lite;
 * IPinfo), in the order given: for each field the first file that knows it
 * wins. With n == 0 the legacy country databases of Debian's
 * geoip-database (GeoIP.dat, GeoIPv6.dat in legacy_dir, NULL for
 * /usr/share/GeoIP) answer the country; no ASN then. A file that is no
 * MMDB fails with its name and the library's reason. */
tix_err tix_geo_open(tix_geo **out, const char *const *mmdb, size_t n,
                     const char *legacy_dir, tix_diag *d);
/* What answers: "GeoLite2-City.mmdb + GeoLite2-ASN.mmdb", "GeoIP.dat". */
const char *tix_geo_describe(const tix_geo *g);

typedef struct {
    char country[3];   /* ISO 3166-1 alpha-2; "" when unknown */
    uint32_t asn;      /* 0 when unknown */
    char as_name[128]; /* "" when unknown */
} tix_geo_info;

/* ip is a canonical IPv4 or IPv6 address (an IPv4-mapped ::ffff:a.b.c.d
 * is looked up as a.b.c.d). Unknown fields stay empty; out is cleared even
 * on failure (TIX_EINVAL for what is no address). Allocates nothing; safe
 * from several threads at once. */
tix_err tix_geo_lookup(tix_geo *g, const char *ip, tix_geo_info *out, tix_diag *d);
void tix_geo_free(tix_geo *g);

/* ---- registered domain ------------------------------------------------- */

/* The registrable domain of a canonical domain name per the public suffix
 * list ("evil.co.uk" for "a.b.evil.co.uk"). Returns its length, 0 when the
 * name has none; out gets a NUL-terminated copy when cap allows. */
size_t tix_registered_domain(const char *name, size_t n, char *out, size_t cap);

/* ---- constituencies ---------------------------------------------------- */

/* One row of the user's constituency CSV:
 *   match,name,country,email,kind
 *   192.0.2.0/24,CERT-Demoland,DL,cert@cert.example,cert
 *   AS64500,Example Hosting abuse desk,DL,abuse@hoster.example,hoster
 *   DL,Demoland Police Cybercrime Unit,DL,cyber@police.example,police
 * match is a CIDR, an ASN (AS64500 or 64500) or a two-letter country code;
 * kind is cert, police or hoster. */
typedef enum { TIX_CONST_CIDR, TIX_CONST_ASN, TIX_CONST_COUNTRY } tix_const_match;

typedef struct {
    tix_const_match by;
    char *match;    /* as written in the file, canonical form */
    char *name, *country, *email, *kind;
    uint64_t line;  /* in the CSV */
} tix_constituency;

typedef struct tix_constituencies tix_constituencies;

/* All or nothing: a malformed row fails with FILE:LINE: reason. */
tix_err tix_constituencies_read(const char *path, tix_constituencies **out, tix_diag *d);
tix_err tix_constituencies_parse(const char *csv, size_t len, const char *where,
                                 tix_constituencies **out, tix_diag *d);
size_t tix_constituencies_count(const tix_constituencies *c);
const tix_constituency *tix_constituencies_at(const tix_constituencies *c, size_t i);
/* The responsible party for an IP: the longest CIDR that contains it, else
 * its ASN's row, else its country's row; NULL when none. ip NULL or "",
 * asn 0 and country NULL or "" mean unknown. Allocates nothing. */
const tix_constituency *tix_constituency_find(const tix_constituencies *c, const char *ip,
                                              uint32_t asn, const char *country);
void tix_constituencies_free(tix_constituencies *c);

/* ---- enriching a store -------------------------------------------------- */

struct tix_store;

/* What the store is enriched from, kept in its settings so that every
 * ingest enriches the same way: MMDB paths and the constituency CSV. */
typedef struct {
    const char *const *mmdb;   /* NULL: keep the stored choice */
    size_t n_mmdb;
    bool no_mmdb;              /* forget the stored MMDB paths */
    const char *constituencies;/* a CSV path to read and keep; NULL: keep */
} tix_enrich_config;

/* Check and keep a new configuration (all or nothing: a bad MMDB or CSV
 * changes nothing). Runs inside the caller's transaction. */
tix_err tix_enrich_configure(struct tix_store *s, const tix_enrich_config *c, tix_diag *d);

typedef struct {
    uint64_t ips, placed, constituencies, domains;
    char geo[256];             /* what answered (tix_geo_describe) */
} tix_enrich_stats;

/* Enrich IPs, domains and URLs (all, or only those added since the last
 * pass) in one transaction. */
tix_err tix_enrich_store(struct tix_store *s, bool all, tix_enrich_stats *st, tix_diag *d);

#endif
