/* constituency.c - who is responsible for an address: the user's CSV of
 * CERTs, police units and hosters, by CIDR, ASN or country.
 *
 * The file is read all or nothing; a lookup is a longest-prefix match, a
 * binary search and a table probe, with nothing allocated.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/canon.h"
#include "core/grow.h"
#include "core/lpm.h"
#include "feeds/csv.h"
#include "ingest/file.h"
#include "tix/enrich.h"
#include "tix/hash.h"

enum { C_MATCH, C_NAME, C_COUNTRY, C_EMAIL, C_KIND, C_COUNT };
static const char *const col_names[C_COUNT] = {"match", "name", "country", "email", "kind"};

typedef struct {
    uint32_t asn;
    uint32_t row;
} asn_entry;

struct tix_constituencies {
    tix_constituency *rows;
    size_t n;
    char *strs;             /* every string of every row */
    tix_lpm *lpm;           /* CIDR rows; NULL when there are none */
    asn_entry *asns;        /* ASN rows by number */
    size_t nasn;
    uint32_t country[26 * 26]; /* row + 1 of each country's row; 0: none */
};

/* While reading: strings are offsets into one buffer that may move. */
typedef struct {
    size_t off[C_COUNT];
} row_offs;

typedef struct {
    const char *where;
    tix_diag *d;
    feed_csv r;
    size_t col[C_COUNT]; /* field of each column */
    size_t ncols;        /* fields in the header */
    tix_buf strs;
    tix_constituency *rows;
    row_offs *offs;
    size_t n, cap, ocap;
    uint32_t *seen;      /* open addressing: row + 1, keyed by match */
    size_t seen_cap;
} reader;

/* ---- messages ------------------------------------------------------------ */

/* A field as it may appear in a one-line message: at most 60 bytes,
 * control characters as '?'. */
static const char *show(char buf[64], const char *p, size_t n)
{
    if (n > 60)
        n = 60;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        buf[i] = (char)(c < 0x20 || c == 0x7f ? '?' : c);
    }
    buf[n] = '\0';
    return buf;
}

static tix_err bad(reader *rd, uint64_t line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

static tix_err bad(reader *rd, uint64_t line, const char *fmt, ...)
{
    char why[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    return tix_diag_set(rd->d, TIX_EPARSE, "%s:%" PRIu64 ": %s", rd->where, line, why);
}

static tix_err nomem(reader *rd)
{
    return tix_diag_set(rd->d, TIX_ENOMEM, "%s: %s", rd->where, tix_strerror(TIX_ENOMEM));
}

/* ---- fields ------------------------------------------------------------ */

static bool ieq(const char *p, size_t n, const char *s)
{
    size_t k = 0;
    for (; k < n && s[k]; k++)
        if ((char)tix__lower((unsigned char)p[k]) != s[k])
            return false;
    return k == n && s[k] == '\0';
}

static bool has_control(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
            return true;
    return false;
}

static bool is_letter(char c)
{
    return (unsigned)((c | 0x20) - 'a') < 26;
}

/* One '@' between non-empty parts, no blanks or control characters. */
static bool looks_like_email(const char *p, size_t n)
{
    const char *at = memchr(p, '@', n);
    if (at == NULL || at == p || at == p + n - 1 || memchr(at + 1, '@', (size_t)(p + n - at - 1)))
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)p[i] <= ' ' || p[i] == 0x7f)
            return false;
    return true;
}

/* "AS64500", "as64500", "64500": 1 on success, 0 when it is no ASN at all,
 * -1 when it is one out of range. */
static int parse_asn(const char *p, size_t n, uint32_t *asn)
{
    size_t i = 0;
    if (n >= 2 && (p[0] | 0x20) == 'a' && (p[1] | 0x20) == 's')
        i = 2;
    if (i == n)
        return 0;
    uint64_t v = 0;
    for (size_t k = i; k < n; k++) {
        if (p[k] < '0' || p[k] > '9')
            return 0;
        if (v <= UINT32_MAX)
            v = v * 10 + (uint64_t)(p[k] - '0');
    }
    if (v == 0 || v > UINT32_MAX)
        return -1;
    *asn = (uint32_t)v;
    return 1;
}

/* "addr/len" with the bits beyond len cleared. */
static void add_cidr(tix_buf *b, int af, uint8_t addr[16], unsigned plen)
{
    unsigned bytes = af == 4 ? 4 : 16;
    for (unsigned i = 0; i < bytes; i++) {
        unsigned keep = plen > i * 8 ? plen - i * 8 : 0;
        if (keep < 8)
            addr[i] &= (uint8_t)(0xff00u >> keep);
    }
    char s[INET6_ADDRSTRLEN];
    inet_ntop(af == 4 ? AF_INET : AF_INET6, addr, s, sizeof s);
    tix_buf_addf(b, "%s/%u", s, plen);
}

/* The canonical match of p[0..n) into b; sets *by. */
static tix_err parse_match(reader *rd, uint64_t line, const char *p, size_t n,
                           tix_const_match *by, tix_buf *b)
{
    char sh[64];
    if (n == 0)
        return bad(rd, line, "match is empty");
    int af;
    uint8_t addr[16];
    unsigned plen;
    if (memchr(p, '.', n) || memchr(p, ':', n) || memchr(p, '/', n)) {
        if (tix__lpm_parse(p, n, &af, addr, &plen) != 0)
            return bad(rd, line, "match '%s' is not a valid CIDR or IP address",
                       show(sh, p, n));
        *by = TIX_CONST_CIDR;
        add_cidr(b, af, addr, plen);
        return TIX_EOK;
    }
    uint32_t asn;
    int a = parse_asn(p, n, &asn);
    if (a < 0)
        return bad(rd, line, "ASN must be 1 to 4294967295, not '%s'", show(sh, p, n));
    if (a > 0) {
        *by = TIX_CONST_ASN;
        tix_buf_addf(b, "AS%" PRIu32, asn);
        return TIX_EOK;
    }
    if (n == 2 && is_letter(p[0]) && is_letter(p[1])) {
        *by = TIX_CONST_COUNTRY;
        tix_buf_addc(b, (char)(p[0] & ~0x20));
        tix_buf_addc(b, (char)(p[1] & ~0x20));
        return TIX_EOK;
    }
    return bad(rd, line, "match must be a CIDR, an IP address, an ASN or a country code, not '%s'",
               show(sh, p, n));
}

/* ---- the header --------------------------------------------------------- */

static tix_err read_header(reader *rd)
{
    feed_csv *r = &rd->r;
    for (size_t c = 0; c < C_COUNT; c++)
        rd->col[c] = SIZE_MAX;
    for (size_t k = 0; k < r->nf; k++) {
        feed_field f = feed_trim(r->f[k]);
        if (k == 0 && f.n >= 3 && memcmp(f.p, "\xEF\xBB\xBF", 3) == 0)
            f.p += 3, f.n -= 3; /* a byte order mark, as spreadsheets write */
        for (size_t c = 0; c < C_COUNT; c++) {
            if (!ieq(f.p, f.n, col_names[c]))
                continue;
            if (rd->col[c] != SIZE_MAX)
                return bad(rd, r->rec_line, "the header names column '%s' twice",
                           col_names[c]);
            rd->col[c] = k;
        }
    }
    for (size_t c = 0; c < C_COUNT; c++)
        if (rd->col[c] == SIZE_MAX)
            return bad(rd, r->rec_line,
                       "the header has no '%s' column (it needs match, name, country, "
                       "email and kind)",
                       col_names[c]);
    rd->ncols = r->nf;
    return TIX_EOK;
}

/* ---- rows ------------------------------------------------------------------ */

/* Record row i's match; fails when an earlier row has the same one. */
static tix_err check_dup(reader *rd, size_t i)
{
    if (rd->n * 2 >= rd->seen_cap) {
        size_t cap = rd->seen_cap ? rd->seen_cap * 2 : 64;
        uint32_t *t = calloc(cap, sizeof *t);
        if (t == NULL)
            return nomem(rd);
        for (size_t k = 0; k < rd->seen_cap; k++) {
            uint32_t v = rd->seen[k];
            if (v == 0)
                continue;
            const char *m = rd->strs.p + rd->offs[v - 1].off[C_MATCH];
            size_t h = tix_hash32(m, strlen(m), 0) & (cap - 1);
            while (t[h])
                h = (h + 1) & (cap - 1);
            t[h] = v;
        }
        free(rd->seen);
        rd->seen = t;
        rd->seen_cap = cap;
    }
    const char *m = rd->strs.p + rd->offs[i].off[C_MATCH];
    size_t h = tix_hash32(m, strlen(m), 0) & (rd->seen_cap - 1);
    for (; rd->seen[h]; h = (h + 1) & (rd->seen_cap - 1)) {
        size_t j = rd->seen[h] - 1;
        if (strcmp(rd->strs.p + rd->offs[j].off[C_MATCH], m) == 0)
            return bad(rd, rd->rows[i].line, "duplicate match '%s', already on line %" PRIu64,
                       m, rd->rows[j].line);
    }
    rd->seen[h] = (uint32_t)i + 1;
    return TIX_EOK;
}

static tix_err read_row(reader *rd)
{
    feed_csv *r = &rd->r;
    uint64_t line = r->rec_line;
    char sh[64];
    if (r->nf != rd->ncols)
        return bad(rd, line, "%zu field%s, the header has %zu", r->nf, r->nf == 1 ? "" : "s",
                   rd->ncols);
    if (rd->n >= UINT32_MAX - 1)
        return bad(rd, line, "too many rows");
    feed_field v[C_COUNT];
    for (size_t c = 0; c < C_COUNT; c++) {
        v[c] = feed_trim(r->f[rd->col[c]]);
        if (has_control(v[c].p, v[c].n))
            return bad(rd, line, "%s must not contain control characters", col_names[c]);
    }
    if (tix__grow(&rd->rows, &rd->cap, rd->n, sizeof *rd->rows, 64) ||
        tix__grow(&rd->offs, &rd->ocap, rd->n, sizeof *rd->offs, 64))
        return nomem(rd);
    tix_constituency *row = &rd->rows[rd->n];
    row_offs *o = &rd->offs[rd->n];
    memset(row, 0, sizeof *row);
    row->line = line;

    o->off[C_MATCH] = rd->strs.len;
    tix_err e = parse_match(rd, line, v[C_MATCH].p, v[C_MATCH].n, &row->by, &rd->strs);
    if (e)
        return e;
    tix_buf_addc(&rd->strs, '\0');

    if (v[C_NAME].n == 0)
        return bad(rd, line, "name is empty");
    o->off[C_NAME] = rd->strs.len;
    tix_buf_add(&rd->strs, v[C_NAME].p, v[C_NAME].n);
    tix_buf_addc(&rd->strs, '\0');

    const feed_field *cc = &v[C_COUNTRY];
    if (cc->n != 2 || !is_letter(cc->p[0]) || !is_letter(cc->p[1]))
        return bad(rd, line, "country must be two letters, not '%s'", show(sh, cc->p, cc->n));
    o->off[C_COUNTRY] = rd->strs.len;
    tix_buf_addc(&rd->strs, (char)(cc->p[0] & ~0x20));
    tix_buf_addc(&rd->strs, (char)(cc->p[1] & ~0x20));
    tix_buf_addc(&rd->strs, '\0');

    if (!looks_like_email(v[C_EMAIL].p, v[C_EMAIL].n))
        return bad(rd, line, "email must be an address like abuse@example.org, not '%s'",
                   show(sh, v[C_EMAIL].p, v[C_EMAIL].n));
    o->off[C_EMAIL] = rd->strs.len;
    tix_buf_add(&rd->strs, v[C_EMAIL].p, v[C_EMAIL].n);
    tix_buf_addc(&rd->strs, '\0');

    static const char *const kinds[] = {"cert", "police", "hoster"};
    const char *kind = NULL;
    for (size_t k = 0; k < 3; k++)
        if (ieq(v[C_KIND].p, v[C_KIND].n, kinds[k]))
            kind = kinds[k];
    if (kind == NULL)
        return bad(rd, line, "kind must be cert, police or hoster, not '%s'",
                   show(sh, v[C_KIND].p, v[C_KIND].n));
    o->off[C_KIND] = rd->strs.len;
    tix_buf_adds(&rd->strs, kind);
    tix_buf_addc(&rd->strs, '\0');

    if (rd->strs.err)
        return rd->strs.err == TIX_ENOMEM ? nomem(rd) : bad(rd, line, "file too large");
    rd->n++;
    return check_dup(rd, rd->n - 1);
}

/* ---- indexes ------------------------------------------------------------ */

static int asn_cmp(const void *a, const void *b)
{
    const asn_entry *x = a, *y = b;
    return (x->asn > y->asn) - (x->asn < y->asn);
}

static tix_err build(reader *rd, tix_constituencies *c)
{
    size_t ncidr = 0, nasn = 0;
    for (size_t i = 0; i < c->n; i++) {
        ncidr += c->rows[i].by == TIX_CONST_CIDR;
        nasn += c->rows[i].by == TIX_CONST_ASN;
    }
    if (nasn && (c->asns = malloc(nasn * sizeof *c->asns)) == NULL)
        return nomem(rd);
    if (ncidr && (c->lpm = tix__lpm_new()) == NULL)
        return nomem(rd);
    for (size_t i = 0; i < c->n; i++) {
        const tix_constituency *row = &c->rows[i];
        const char *m = row->match;
        if (row->by == TIX_CONST_CIDR) {
            int af;
            uint8_t addr[16];
            unsigned plen;
            if (tix__lpm_parse(m, strlen(m), &af, addr, &plen) != 0)
                return bad(rd, row->line, "match '%s' is not a valid CIDR", m);
            tix_err e = tix__lpm_insert(c->lpm, af, addr, plen, (uint32_t)i);
            if (e)
                return tix_diag_set(rd->d, e, "%s:%" PRIu64 ": %s", rd->where, row->line,
                                    tix_strerror(e));
        } else if (row->by == TIX_CONST_ASN) {
            uint32_t asn = 0;
            parse_asn(m, strlen(m), &asn);
            c->asns[c->nasn++] = (asn_entry){asn, (uint32_t)i};
        } else {
            c->country[(m[0] - 'A') * 26 + (m[1] - 'A')] = (uint32_t)i + 1;
        }
    }
    if (c->lpm) {
        tix_err e = tix__lpm_build(c->lpm);
        if (e)
            return tix_diag_set(rd->d, e, "%s: %s", rd->where, tix_strerror(e));
    }
    if (c->nasn > 1)
        qsort(c->asns, c->nasn, sizeof *c->asns, asn_cmp);
    return TIX_EOK;
}

/* ---- reading -------------------------------------------------------------- */

static tix_err read_all(reader *rd)
{
    bool header = true;
    for (;;) {
        int rc = feed_csv_next(&rd->r);
        if (rc == 0)
            break;
        if (rc == -2)
            return nomem(rd);
        if (rc == -1)
            return bad(rd, rd->r.rec_line, "%s", rd->r.err);
        tix_err e = header ? read_header(rd) : read_row(rd);
        if (e)
            return e;
        header = false;
    }
    if (header)
        return tix_diag_set(rd->d, TIX_EPARSE,
                            "%s: no header row (match,name,country,email,kind)", rd->where);
    return TIX_EOK;
}

tix_err tix_constituencies_parse(const char *csv, size_t len, const char *where,
                                 tix_constituencies **out, tix_diag *d)
{
    *out = NULL;
    reader rd;
    memset(&rd, 0, sizeof rd);
    rd.where = where ? where : "constituencies";
    rd.d = d;
    tix_buf_init(&rd.strs, TIX_BUF_MAX_DEFAULT);
    feed_csv_init(&rd.r, csv, csv ? len : 0, ',', '#');
    tix_constituencies *c = NULL;
    tix_err e = read_all(&rd);
    if (e)
        goto out;
    if ((c = calloc(1, sizeof *c)) == NULL) {
        e = nomem(&rd);
        goto out;
    }
    c->rows = rd.rows;
    c->n = rd.n;
    c->strs = tix_buf_detach(&rd.strs, NULL);
    rd.rows = NULL;
    for (size_t i = 0; i < c->n; i++) {
        tix_constituency *row = &c->rows[i];
        const size_t *o = rd.offs[i].off;
        row->match = c->strs + o[C_MATCH];
        row->name = c->strs + o[C_NAME];
        row->country = c->strs + o[C_COUNTRY];
        row->email = c->strs + o[C_EMAIL];
        row->kind = c->strs + o[C_KIND];
    }
    e = build(&rd, c);
out:
    if (e) {
        tix_constituencies_free(c);
    } else {
        *out = c;
    }
    feed_csv_free(&rd.r);
    tix_buf_free(&rd.strs);
    free(rd.rows);
    free(rd.offs);
    free(rd.seen);
    return e;
}

tix_err tix_constituencies_read(const char *path, tix_constituencies **out, tix_diag *d)
{
    *out = NULL;
    in_file f;
    tix_err e = in_file_open(&f, path, d);
    if (e)
        return e;
    e = tix_constituencies_parse(f.data, f.len, path, out, d);
    in_file_close(&f);
    return e;
}

size_t tix_constituencies_count(const tix_constituencies *c)
{
    return c ? c->n : 0;
}

const tix_constituency *tix_constituencies_at(const tix_constituencies *c, size_t i)
{
    return c && i < c->n ? &c->rows[i] : NULL;
}

const tix_constituency *tix_constituency_find(const tix_constituencies *c, const char *ip,
                                              uint32_t asn, const char *country)
{
    if (c == NULL)
        return NULL;
    int af;
    uint8_t addr[16];
    unsigned plen;
    if (c->lpm && ip && *ip && tix__lpm_parse(ip, strlen(ip), &af, addr, &plen) == 0) {
        tix_lpm_hit hit;
        if (tix__lpm_lookup(c->lpm, af, addr, &hit, 1) > 0 && hit.value < c->n)
            return &c->rows[hit.value];
    }
    if (asn && c->nasn) {
        size_t lo = 0, hi = c->nasn;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (c->asns[mid].asn < asn)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < c->nasn && c->asns[lo].asn == asn)
            return &c->rows[c->asns[lo].row];
    }
    if (country && is_letter(country[0]) && is_letter(country[1]) && country[2] == '\0') {
        uint32_t r = c->country[((country[0] & ~0x20) - 'A') * 26 + ((country[1] & ~0x20) - 'A')];
        if (r)
            return &c->rows[r - 1];
    }
    return NULL;
}

void tix_constituencies_free(tix_constituencies *c)
{
    if (c == NULL)
        return;
    tix__lpm_free(c->lpm);
    free(c->asns);
    free(c->rows);
    free(c->strs);
    free(c);
}
