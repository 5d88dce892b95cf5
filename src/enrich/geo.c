/* geo.c - country and network of an IP address from MaxMind DB files
 * (MaxMind, DB-IP, IPinfo layouts) or, without any, from the legacy GeoIP
 * country databases Debian ships in geoip-database.
 *
 * A lookup parses the address once, then asks each file in turn for the
 * fields still unknown. Which keys a file uses is learnt when it is opened
 * (by looking for the key strings in its data section), so a lookup walks
 * only the paths that can answer: a Country file is never asked for an
 * ASN. Nothing is allocated per lookup.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <GeoIP.h>
#include <maxminddb.h>

#include "tix/buf.h"
#include "tix/enrich.h"

/* The top-level keys of the layouts tix reads. */
enum {
    K_COUNTRY = 1 << 0,      /* MaxMind/DB-IP: map with iso_code; IPinfo
                              * free: the code; IPinfo lite: the name */
    K_REG_COUNTRY = 1 << 1,  /* MaxMind: registered_country.iso_code */
    K_COUNTRY_CODE = 1 << 2, /* IPinfo lite */
    K_AS_NUMBER = 1 << 3,    /* MaxMind/DB-IP: autonomous_system_number */
    K_AS_ORG = 1 << 4,       /* MaxMind/DB-IP: autonomous_system_organization */
    K_ASN = 1 << 5,          /* IPinfo: "AS15169" */
    K_AS_NAME = 1 << 6,      /* IPinfo */
};

static const struct {
    const char *name;
    unsigned bit;
} geo_keys[] = {
    {"country", K_COUNTRY},
    {"registered_country", K_REG_COUNTRY},
    {"country_code", K_COUNTRY_CODE},
    {"autonomous_system_number", K_AS_NUMBER},
    {"autonomous_system_organization", K_AS_ORG},
    {"asn", K_ASN},
    {"as_name", K_AS_NAME},
};

#define CAN_COUNTRY (K_COUNTRY | K_REG_COUNTRY | K_COUNTRY_CODE)
#define CAN_ASN (K_AS_NUMBER | K_ASN)
#define CAN_AS_NAME (K_AS_ORG | K_AS_NAME)

typedef struct {
    MMDB_s db;
    const char *base; /* basename, into db.filename */
    unsigned keys;    /* K_* the data section holds */
} geo_file;

struct tix_geo {
    geo_file *f;
    size_t n;
    GeoIP *v4, *v6; /* legacy, only when n == 0 */
    char *desc;
};

/* ---- opening --------------------------------------------------------------- */

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* Is key stored as a UTF-8 string anywhere in the data section? Every key of
 * every record is, once (records refer to it by pointer), so a key that is
 * not found is in no record. A hit in some value only costs a walk. */
static bool has_key(const MMDB_s *db, size_t size, const char *key)
{
    uint8_t enc[64];
    size_t n = strlen(key), h;
    if (n < 29) {
        enc[0] = (uint8_t)(2 << 5 | n);
        h = 1;
    } else {
        enc[0] = (uint8_t)(2 << 5 | 29);
        enc[1] = (uint8_t)(n - 29);
        h = 2;
    }
    memcpy(enc + h, key, n);
    return memmem(db->data_section, size, enc, h + n) != NULL;
}

static unsigned learn_keys(const MMDB_s *db)
{
    size_t size = db->data_section_size;
    if (db->metadata_section > db->data_section &&
        (size_t)(db->metadata_section - db->data_section) < size)
        size = (size_t)(db->metadata_section - db->data_section);
    unsigned keys = 0;
    for (size_t i = 0; i < sizeof geo_keys / sizeof geo_keys[0]; i++)
        if (has_key(db, size, geo_keys[i].name))
            keys |= geo_keys[i].bit;
    return keys;
}

static tix_err open_mmdb(geo_file *f, const char *path, tix_diag *d)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return tix_diag_set(d, errno == ENOENT ? TIX_ENOTFOUND : TIX_EIO, "%s: %s", path,
                            strerror(errno));
    if (S_ISDIR(sb.st_mode))
        return tix_diag_set(d, TIX_EINVAL, "%s: is a directory", path);
    /* libmaxminddb cannot map an empty file and would call it an I/O
     * error; it is simply no database */
    int rc = sb.st_size == 0 ? MMDB_INVALID_METADATA_ERROR
                             : MMDB_open(path, MMDB_MODE_MMAP, &f->db);
    if (rc == MMDB_FILE_OPEN_ERROR)
        return tix_diag_set(d, TIX_EIO, "%s: %s", path, MMDB_strerror(rc));
    if (rc == MMDB_OUT_OF_MEMORY_ERROR)
        return tix_diag_set(d, TIX_ENOMEM, "%s: %s", path, tix_strerror(TIX_ENOMEM));
    if (rc != MMDB_SUCCESS)
        return tix_diag_set(d, TIX_EPARSE, "%s: not a MaxMind DB file (%s)", path,
                            MMDB_strerror(rc));
    f->base = base_name(f->db.filename);
    f->keys = learn_keys(&f->db);
    /* Some libmaxminddb versions find the IPv4 subtree of an IPv6 file on
     * the first IPv4 lookup and cache it in the MMDB_s: do it now, before
     * lookups from several threads could race on it. */
    struct sockaddr_in v4;
    memset(&v4, 0, sizeof v4);
    v4.sin_family = AF_INET;
    int err;
    (void)MMDB_lookup_sockaddr(&f->db, (const struct sockaddr *)&v4, &err);
    return TIX_EOK;
}

/* A legacy database of the given edition in dir, or NULL when the file is
 * not there. A file that is there but is no such database is an error. */
static tix_err open_legacy(const char *dir, const char *file, int edition, GeoIP **out,
                           tix_diag *d)
{
    *out = NULL;
    tix_buf path = TIX_BUF_INIT(4096);
    tix_buf_addf(&path, "%s/%s", dir, file);
    if (path.err) {
        tix_buf_free(&path);
        return tix_diag_set(d, path.err, "%s/%s: %s", dir, file, tix_strerror(path.err));
    }
    tix_err e = TIX_EOK;
    struct stat sb;
    if (stat(path.p, &sb) != 0 || !S_ISREG(sb.st_mode))
        goto out; /* not installed: nothing answers */
    GeoIP *gi = GeoIP_open(path.p, GEOIP_MEMORY_CACHE | GEOIP_SILENCE);
    if (gi == NULL) {
        e = tix_diag_set(d, TIX_EIO, "%s: cannot be opened by libGeoIP", path.p);
        goto out;
    }
    if (GeoIP_database_edition(gi) != edition) {
        GeoIP_delete(gi);
        e = tix_diag_set(d, TIX_EPARSE, "%s: not a GeoIP%s country database", path.p,
                         edition == GEOIP_COUNTRY_EDITION_V6 ? " IPv6" : "");
        goto out;
    }
    *out = gi;
out:
    tix_buf_free(&path);
    return e;
}

static char *describe(const tix_geo *g)
{
    tix_buf b = TIX_BUF_INIT(0);
    for (size_t i = 0; i < g->n; i++) {
        if (i)
            tix_buf_adds(&b, " + ");
        tix_buf_adds(&b, g->f[i].base);
    }
    if (g->n == 0 && (g->v4 || g->v6))
        tix_buf_addf(&b, "%s (Debian geoip-database, country only)",
                     g->v4 ? "GeoIP.dat" : "GeoIPv6.dat");
    if (g->n == 0 && !g->v4 && !g->v6)
        tix_buf_adds(&b, "no geolocation database");
    return tix_buf_detach(&b, NULL); /* NULL when out of memory */
}

tix_err tix_geo_open(tix_geo **out, const char *const *mmdb, size_t n,
                     const char *legacy_dir, tix_diag *d)
{
    *out = NULL;
    if (n && mmdb == NULL)
        return tix_diag_set(d, TIX_EINVAL, "tix_geo_open: no file names");
    tix_geo *g = calloc(1, sizeof *g);
    if (g == NULL || (n && (g->f = calloc(n, sizeof *g->f)) == NULL)) {
        free(g);
        return tix_diag_set(d, TIX_ENOMEM, "%s", tix_strerror(TIX_ENOMEM));
    }
    tix_err e = TIX_EOK;
    for (size_t i = 0; i < n && e == TIX_EOK; i++) {
        e = open_mmdb(&g->f[i], mmdb[i], d);
        if (e == TIX_EOK)
            g->n++;
    }
    if (n == 0) {
        const char *dir = legacy_dir ? legacy_dir : "/usr/share/GeoIP";
        e = open_legacy(dir, "GeoIP.dat", GEOIP_COUNTRY_EDITION, &g->v4, d);
        if (e == TIX_EOK)
            e = open_legacy(dir, "GeoIPv6.dat", GEOIP_COUNTRY_EDITION_V6, &g->v6, d);
    }
    if (e == TIX_EOK && (g->desc = describe(g)) == NULL)
        e = tix_diag_set(d, TIX_ENOMEM, "%s", tix_strerror(TIX_ENOMEM));
    if (e != TIX_EOK) {
        tix_geo_free(g);
        return e;
    }
    *out = g;
    return TIX_EOK;
}

const char *tix_geo_describe(const tix_geo *g)
{
    return g ? g->desc : "no geolocation database";
}

void tix_geo_free(tix_geo *g)
{
    if (g == NULL)
        return;
    for (size_t i = 0; i < g->n; i++)
        MMDB_close(&g->f[i].db);
    if (g->v4)
        GeoIP_delete(g->v4);
    if (g->v6)
        GeoIP_delete(g->v6);
    free(g->f);
    free(g->desc);
    free(g);
}

/* ---- lookups ----------------------------------------------------------------- */

/* Two ASCII letters, upper-cased into out; false for anything else (IPinfo
 * lite's country names, legacy GeoIP's A1/A2/O1). */
static bool set_country(char out[3], const char *s, size_t n)
{
    if (n != 2)
        return false;
    char a = (char)(s[0] & ~0x20), b = (char)(s[1] & ~0x20);
    if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z')
        return false;
    out[0] = a;
    out[1] = b;
    out[2] = '\0';
    return true;
}

/* "AS15169", "15169" or a number; 0 when it is none. */
static uint32_t asn_of(const MMDB_entry_data_s *v)
{
    switch (v->type) {
    case MMDB_DATA_TYPE_UINT16:
        return v->uint16;
    case MMDB_DATA_TYPE_UINT32:
        return v->uint32;
    case MMDB_DATA_TYPE_INT32:
        return v->int32 > 0 ? (uint32_t)v->int32 : 0;
    case MMDB_DATA_TYPE_UINT64:
        return v->uint64 <= UINT32_MAX ? (uint32_t)v->uint64 : 0;
    case MMDB_DATA_TYPE_UTF8_STRING:
        break;
    default:
        return 0;
    }
    const char *s = v->utf8_string;
    size_t n = v->data_size, i = 0;
    if (n >= 2 && (s[0] | 0x20) == 'a' && (s[1] | 0x20) == 's')
        i = 2;
    if (i == n || n - i > 10)
        return 0;
    uint64_t a = 0;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return 0;
        a = a * 10 + (uint64_t)(s[i] - '0');
    }
    return a <= UINT32_MAX ? (uint32_t)a : 0;
}

/* Copy a UTF-8 string, cut at a character boundary to fit. */
static bool set_name(char out[128], const MMDB_entry_data_s *v)
{
    if (v->type != MMDB_DATA_TYPE_UTF8_STRING || v->data_size == 0)
        return false;
    size_t n = v->data_size;
    if (n > 127) {
        n = 127;
        while (n > 0 && ((unsigned char)v->utf8_string[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(out, v->utf8_string, n);
    out[n] = '\0';
    return true;
}

/* The value at path: a value, no value (false), or an error. (Not
 * MMDB_get_value: it allocates the path array on every call.) */
static int get(MMDB_entry_s *e, MMDB_entry_data_s *v, const char *const *path, bool *found)
{
    int rc = MMDB_aget_value(e, v, path);
    *found = rc == MMDB_SUCCESS && v->has_data;
    if (rc == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR || rc == MMDB_INVALID_LOOKUP_PATH_ERROR)
        rc = MMDB_SUCCESS; /* "country" is a string in IPinfo files */
    return rc;
}

static const char *const p_country_code[] = {"country_code", NULL};
static const char *const p_country[] = {"country", NULL};
static const char *const p_iso_code[] = {"iso_code", NULL};
static const char *const p_reg_country[] = {"registered_country", "iso_code", NULL};
static const char *const p_as_number[] = {"autonomous_system_number", NULL};
static const char *const p_asn[] = {"asn", NULL};
static const char *const p_as_org[] = {"autonomous_system_organization", NULL};
static const char *const p_as_name[] = {"as_name", NULL};

static int file_country(const geo_file *f, MMDB_entry_s *e, char out[3])
{
    MMDB_entry_data_s v;
    bool found;
    int rc;
    if (f->keys & K_COUNTRY_CODE) {
        if ((rc = get(e, &v, p_country_code, &found)) != MMDB_SUCCESS)
            return rc;
        if (found && v.type == MMDB_DATA_TYPE_UTF8_STRING &&
            set_country(out, v.utf8_string, v.data_size))
            return MMDB_SUCCESS;
    }
    if (f->keys & K_COUNTRY) {
        if ((rc = get(e, &v, p_country, &found)) != MMDB_SUCCESS)
            return rc;
        if (found && v.type == MMDB_DATA_TYPE_MAP) {
            MMDB_entry_s sub = {e->mmdb, v.offset};
            if ((rc = get(&sub, &v, p_iso_code, &found)) != MMDB_SUCCESS)
                return rc;
        }
        if (found && v.type == MMDB_DATA_TYPE_UTF8_STRING &&
            set_country(out, v.utf8_string, v.data_size))
            return MMDB_SUCCESS;
    }
    if (f->keys & K_REG_COUNTRY) {
        if ((rc = get(e, &v, p_reg_country, &found)) != MMDB_SUCCESS)
            return rc;
        if (found && v.type == MMDB_DATA_TYPE_UTF8_STRING)
            set_country(out, v.utf8_string, v.data_size);
    }
    return MMDB_SUCCESS;
}

static int file_asn(const geo_file *f, MMDB_entry_s *e, uint32_t *out)
{
    MMDB_entry_data_s v;
    bool found;
    int rc;
    static const struct {
        unsigned bit;
        const char *const *path;
    } paths[] = {{K_AS_NUMBER, p_as_number}, {K_ASN, p_asn}};
    for (size_t i = 0; i < 2 && *out == 0; i++) {
        if (!(f->keys & paths[i].bit))
            continue;
        if ((rc = get(e, &v, paths[i].path, &found)) != MMDB_SUCCESS)
            return rc;
        if (found)
            *out = asn_of(&v);
    }
    return MMDB_SUCCESS;
}

static int file_as_name(const geo_file *f, MMDB_entry_s *e, char out[128])
{
    MMDB_entry_data_s v;
    bool found;
    int rc;
    if (f->keys & K_AS_ORG) {
        if ((rc = get(e, &v, p_as_org, &found)) != MMDB_SUCCESS)
            return rc;
        if (found && set_name(out, &v))
            return MMDB_SUCCESS;
    }
    if (f->keys & K_AS_NAME) {
        if ((rc = get(e, &v, p_as_name, &found)) != MMDB_SUCCESS)
            return rc;
        if (found)
            set_name(out, &v);
    }
    return MMDB_SUCCESS;
}

static void legacy_lookup(const tix_geo *g, int af, const void *addr, tix_geo_info *out)
{
    const char *cc = NULL;
    if (af == AF_INET && g->v4) {
        const uint8_t *b = addr;
        unsigned long num = (unsigned long)b[0] << 24 | (unsigned long)b[1] << 16 |
                            (unsigned long)b[2] << 8 | b[3];
        cc = GeoIP_country_code_by_ipnum(g->v4, num);
    } else if (af == AF_INET6 && g->v6) {
        geoipv6_t a;
        memcpy(&a, addr, sizeof a);
        cc = GeoIP_country_code_by_ipnum_v6(g->v6, a);
    }
    if (cc)
        set_country(out->country, cc, strlen(cc));
}

tix_err tix_geo_lookup(tix_geo *g, const char *ip, tix_geo_info *out, tix_diag *d)
{
    out->country[0] = '\0';
    out->asn = 0;
    out->as_name[0] = '\0';
    union {
        struct sockaddr sa;
        struct sockaddr_in v4;
        struct sockaddr_in6 v6;
    } sa;
    memset(&sa, 0, sizeof sa);
    const void *addr;
    if (ip && strchr(ip, ':') == NULL && inet_pton(AF_INET, ip, &sa.v4.sin_addr) == 1) {
        sa.v4.sin_family = AF_INET;
        addr = &sa.v4.sin_addr;
    } else if (ip && inet_pton(AF_INET6, ip, &sa.v6.sin6_addr) == 1) {
        sa.v6.sin6_family = AF_INET6;
        addr = &sa.v6.sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(&sa.v6.sin6_addr)) {
            /* ::ffff:a.b.c.d is a.b.c.d: IPv4-only files and files
             * written without the ::ffff:0:0/96 alias know it only so */
            struct in_addr v4;
            memcpy(&v4, sa.v6.sin6_addr.s6_addr + 12, 4);
            memset(&sa, 0, sizeof sa);
            sa.v4.sin_family = AF_INET;
            sa.v4.sin_addr = v4;
            addr = &sa.v4.sin_addr;
        }
    } else {
        return tix_diag_set(d, TIX_EINVAL, "'%.64s' is not an IP address", ip ? ip : "");
    }
    if (g->n == 0) {
        legacy_lookup(g, sa.sa.sa_family, addr, out);
        return TIX_EOK;
    }
    for (size_t i = 0; i < g->n; i++) {
        const geo_file *f = &g->f[i];
        unsigned want = (out->country[0] ? 0u : CAN_COUNTRY) | (out->asn ? 0u : CAN_ASN) |
                        (out->as_name[0] ? 0u : CAN_AS_NAME);
        if (want == 0)
            break;
        if ((f->keys & want) == 0)
            continue;
        int err = MMDB_SUCCESS;
        MMDB_lookup_result_s r = MMDB_lookup_sockaddr(&f->db, &sa.sa, &err);
        if (err == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR)
            continue; /* an IPv4-only file knows nothing of it */
        if (err == MMDB_SUCCESS && !r.found_entry)
            continue;
        if (err == MMDB_SUCCESS && (f->keys & want & CAN_COUNTRY))
            err = file_country(f, &r.entry, out->country);
        if (err == MMDB_SUCCESS && (f->keys & want & CAN_ASN))
            err = file_asn(f, &r.entry, &out->asn);
        if (err == MMDB_SUCCESS && (f->keys & want & CAN_AS_NAME))
            err = file_as_name(f, &r.entry, out->as_name);
        if (err != MMDB_SUCCESS)
            return tix_diag_set(d, TIX_EDB, "%s: %s: %s", f->base, ip, MMDB_strerror(err));
    }
    return TIX_EOK;
}
