/* csv.h - the CSV reader the text importers share, and the small field
 * helpers (ports, times, tags, JSON record lines) every importer needs.
 *
 * The reader walks a file held in memory. Fields point into the input;
 * only a field with "" escapes is copied, into a buffer the reader reuses,
 * so a million-row file costs no allocation per row or field.
 */
#ifndef TIX_FEEDS_CSV_H
#define TIX_FEEDS_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "feeds/internal.h"
#include "tix/buf.h"
#include "tix/error.h"

typedef struct {
    const char *p;        /* not NUL-terminated */
    size_t n;
    size_t esc;           /* reader's own: offset of an unescaped copy + 1 */
} feed_field;

typedef struct {
    const char *data;
    size_t len, pos;
    size_t rec_pos;       /* where the last record started */
    uint64_t line;        /* line of data[pos], 1-based */
    uint64_t rec_line;    /* line the last record started on */
    char sep;
    char comment;         /* a record starting with it is skipped; 0: none */
    feed_field *f;
    size_t nf, cap;
    tix_buf esc;
    char err[96];         /* why the last record was malformed */
} feed_csv;

void feed_csv_init(feed_csv *r, const char *data, size_t len, char sep, char comment);
void feed_csv_free(feed_csv *r);

/* Read the next record into r->f[0..r->nf).
 * Returns 1 for a record, 0 at the end, -1 when the record is malformed
 * (r->err says why, r->rec_line where; the reader has moved past the line
 * so the caller may go on), -2 when out of memory.
 * Blank lines and comment lines are skipped. Quoted fields follow RFC 4180
 * ("" is a quote, newlines allowed), except that a quote which is not
 * followed by a separator or a line end stays in the value; blanks around
 * quoted fields are ignored, as ThreatFox writes `"a", "b"`. CRLF and LF
 * both end a line. */
int feed_csv_next(feed_csv *r);

/* How one CSV layout is read by feed_csv_each. */
typedef struct {
    char sep;
    const char *what;     /* "Feodo Tracker CSV", for messages */
    size_t ncols;         /* fields a record must have; 0: any */
    bool at_least;        /* ncols is a minimum (generic CSV) */
    /* Called for the first record only; true skips it as a header. */
    bool (*header)(const feed_csv *r, void *ud);
    tix_err (*row)(feed_ctx *c, const feed_csv *r, void *ud);
    void *ud;
} feed_csv_spec;

/* Read every record of c->data: count it, report malformed ones through
 * feed_bad, hand the rest to s->row. A first record with the wrong number
 * of fields means the file is another format: that fails even with
 * skip_bad, so a wrong --format never reads as "everything skipped". */
tix_err feed_csv_each(feed_ctx *c, const feed_csv_spec *s);

/* The file is not in the format asked for: fails whatever skip_bad says. */
tix_err feed_wrong_format(feed_ctx *c, uint64_t line, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/* ---- field helpers ------------------------------------------------------ */

/* For "%.*s": a field shown in a message, cut to 60 bytes. */
#define FEED_SHOW(p, n) (int)((n) > 60 ? 60 : (n)), (p)

static inline void feed_obs_init(tix_obs_in *o, uint64_t line)
{
    *o = (tix_obs_in){0};
    o->confidence = -1;
    o->tlp = TIX_TLP_UNSET;
    o->line = line;
}

/* The field without surrounding blanks. */
feed_field feed_trim(feed_field f);

static inline bool feed_eq(const char *p, size_t n, const char *s)
{
    size_t k = 0;
    for (; k < n && s[k]; k++)
        if (p[k] != s[k])
            return false;
    return k == n && s[k] == 0;
}

/* Only blanks and line ends. */
bool feed_blank(const char *p, size_t n);

/* Empty, or the "None" abuse.ch writes for nothing. */
bool feed_none(const char *p, size_t n);

/* 1-65535 in decimal; -1 otherwise. */
int feed_port(const char *p, size_t n);

/* lo-hi in decimal; INT32_MIN otherwise. */
int feed_int(const char *p, size_t n, int lo, int hi);

/* A timestamp, or 0 for an empty/None field. Fails only for a bad one. */
tix_err feed_time(const char *p, size_t n, int64_t *out);

/* Append p as a NUL-terminated string to b after clearing it; NULL when
 * p is empty/None (b then holds nothing). */
const char *feed_str(tix_buf *b, const char *p, size_t n);

/* Append the comma-separated labels of p (blanks trimmed, empty and None
 * left out) to the comma-separated list in b, each behind prefix. */
void feed_tags_add(tix_buf *b, const char *prefix, const char *p, size_t n);

/* A date-only last_seen ("2024-05-22") may fall before a first_seen of the
 * same day; the record means "still there that day". */
static inline int64_t feed_last_seen(int64_t first, int64_t last)
{
    return (last && first && last < first) ? first : last;
}

/* Split "host:port" / "[v6]:port". Returns false when there is no valid
 * port; *v6 tells whether the host is an IPv6 literal. */
bool feed_host_port(const char *p, size_t n, const char **host, size_t *hn,
                    int *port, bool *v6);

/* ---- JSON helpers ------------------------------------------------------- */

/* Parse a whole JSON document; on a syntax error, fail with
 * "NAME:LINE: reason" (not skippable: nothing after it can be trusted). */
tix_err feed_json_load(const char *name, const char *data, size_t len,
                       json_t **root, tix_diag *d);

/* Where each value directly inside the top-level array or object of a
 * valid JSON text starts: its line and, for objects, its raw key. */
typedef struct {
    uint64_t line;
    size_t key_off, key_len;
} feed_json_item;

/* Fills at most max items; returns how many the document has. */
size_t feed_json_items(const char *data, size_t len, feed_json_item *out, size_t max);

/* A member as text: strings as they are, integers in decimal (into num,
 * at least 24 bytes). NULL for null, missing, or any other kind. */
const char *feed_json_text(const json_t *obj, const char *key, char *num, size_t *n);

/* The same as a field; "" when there is no text. */
feed_field feed_json_field(const json_t *obj, const char *key, char num[24]);

#endif
