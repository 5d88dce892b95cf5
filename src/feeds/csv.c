/* csv.c - the CSV reader and field helpers the importers share. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/grow.h"
#include "feeds/csv.h"
#include "tix/time.h"

void feed_csv_init(feed_csv *r, const char *data, size_t len, char sep, char comment)
{
    memset(r, 0, sizeof *r);
    r->data = data;
    r->len = data ? len : 0;
    r->line = 1;
    r->sep = sep;
    r->comment = comment;
    tix_buf_init(&r->esc, 0);
}

void feed_csv_free(feed_csv *r)
{
    free(r->f);
    r->f = NULL;
    r->cap = r->nf = 0;
    tix_buf_free(&r->esc);
}

/* Move past the end of the current line. */
static void to_next_line(feed_csv *r)
{
    const char *nl = memchr(r->data + r->pos, '\n', r->len - r->pos);
    if (nl) {
        r->pos = (size_t)(nl - r->data) + 1;
        r->line++;
    } else {
        r->pos = r->len;
    }
}

/* Skip blank and comment lines; false at the end of the input. */
static bool skip_noise(feed_csv *r)
{
    while (r->pos < r->len) {
        size_t i = r->pos;
        while (i < r->len && (r->data[i] == ' ' || r->data[i] == '\t'))
            i++;
        bool blank = i == r->len || r->data[i] == '\n' ||
                     (r->data[i] == '\r' && (i + 1 == r->len || r->data[i + 1] == '\n'));
        bool comment = r->comment && r->data[r->pos] == r->comment;
        if (!blank && !comment)
            return true;
        to_next_line(r);
    }
    return false;
}

static int add_field(feed_csv *r, const char *p, size_t n, size_t esc)
{
    if (tix__grow(&r->f, &r->cap, r->nf, sizeof *r->f, 16))
        return -1;
    r->f[r->nf++] = (feed_field){p, n, esc};
    return 0;
}

static int bad(feed_csv *r, const char *why)
{
    snprintf(r->err, sizeof r->err, "%s", why);
    return -1;
}

/* Where a quote at data[i] closes its field: past blanks (and a CR before
 * LF) when a separator, a line end or the end follows; 0 when the quote is
 * part of the value. */
static size_t closing(const feed_csv *r, size_t i)
{
    const char *d = r->data;
    i++;
    while (i < r->len && (d[i] == ' ' || d[i] == '\t'))
        i++;
    if (i < r->len && d[i] == '\r' && (i + 1 == r->len || d[i + 1] == '\n'))
        i++;
    return (i == r->len || d[i] == r->sep || d[i] == '\n') ? i : 0;
}

/* A quoted field whose opening quote is at data[q]; on success r->pos is at
 * the separator, line end or end after it. A lone quote inside the value
 * (abuse.ch exports do not always double them) is kept as it is. */
static int quoted(feed_csv *r, size_t q)
{
    const char *d = r->data;
    size_t i = q + 1, start = i, after;
    bool esc = false;
    for (;;) {
        if (i >= r->len) {
            /* Resume after the record's first line so one stray quote does
             * not swallow the rest of the file. */
            const char *nl = memchr(d + r->rec_pos, '\n', r->len - r->rec_pos);
            r->pos = nl ? (size_t)(nl - d) + 1 : r->len;
            r->line = r->rec_line + (nl != NULL);
            return bad(r, "unterminated quoted field");
        }
        if (d[i] == '"') {
            if (i + 1 < r->len && d[i + 1] == '"') {
                esc = true;
                i += 2;
                continue;
            }
            if ((after = closing(r, i)))
                break;
        }
        if (d[i] == '\n')
            r->line++;
        i++;
    }
    r->pos = after;
    if (!esc)
        return add_field(r, d + start, i - start, 0) ? -2 : 0;
    size_t off = r->esc.len;
    for (size_t k = start; k < i; k++) {
        tix_buf_addc(&r->esc, d[k]);
        if (d[k] == '"' && k + 1 < i && d[k + 1] == '"')
            k++;
    }
    if (r->esc.err)
        return -2;
    return add_field(r, NULL, r->esc.len - off, off + 1) ? -2 : 0;
}

static int unquoted(feed_csv *r)
{
    const char *d = r->data;
    size_t s = r->pos, i = s;
    const char sep = r->sep;
    while (i < r->len && d[i] != sep && d[i] != '\n')
        i++;
    size_t e = i;
    if (e > s && d[e - 1] == '\r' && (i == r->len || d[i] == '\n'))
        e--;
    r->pos = i;
    return add_field(r, d + s, e - s, 0) ? -2 : 0;
}

int feed_csv_next(feed_csv *r)
{
    r->nf = 0;
    r->err[0] = 0;
    tix_buf_reset(&r->esc);
    if (!skip_noise(r))
        return 0;
    r->rec_line = r->line;
    r->rec_pos = r->pos;
    const char *d = r->data;
    for (;;) {
        size_t q = r->pos;
        while (q < r->len && d[q] == ' ')
            q++;
        int rc = (q < r->len && d[q] == '"') ? quoted(r, q) : unquoted(r);
        if (rc)
            return rc;
        if (r->pos >= r->len)
            break;
        if (d[r->pos++] == '\n') {
            r->line++;
            break;
        }
    }
    for (size_t k = 0; k < r->nf; k++)
        if (r->f[k].esc)
            r->f[k].p = r->esc.p + r->f[k].esc - 1;
    return 1;
}

tix_err feed_wrong_format(feed_ctx *c, uint64_t line, const char *fmt, ...)
{
    char why[320];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    if (line)
        return tix_diag_set(c->d, TIX_EPARSE, "%s:%" PRIu64 ": %s", c->name, line, why);
    return tix_diag_set(c->d, TIX_EPARSE, "%s: %s", c->name, why);
}

static bool fields_fit(const feed_csv_spec *s, size_t nf)
{
    return !s->ncols || nf == s->ncols || (s->at_least && nf > s->ncols);
}

/* One record the reader returned (rc 1 or -1); first: no data record
 * came before it. */
static tix_err each_record(feed_ctx *c, const feed_csv_spec *s, const feed_csv *r,
                           int rc, bool first)
{
    c->st->records++;
    if (rc < 0 && first)
        return feed_wrong_format(c, r->rec_line, "%s: not a %s", r->err, s->what);
    if (rc < 0)
        return feed_bad(c, r->rec_line, NULL, "%s", r->err);
    if (fields_fit(s, r->nf))
        return s->row(c, r, s->ud);
    const char *least = s->at_least ? "at least " : "";
    if (first)
        return feed_wrong_format(c, r->rec_line, "%zu field%s where a %s has %s%zu: not a %s",
                                 r->nf, r->nf == 1 ? "" : "s", s->what, least,
                                 s->ncols, s->what);
    return feed_bad(c, r->rec_line, NULL, "%zu field%s, expected %s%zu", r->nf,
                    r->nf == 1 ? "" : "s", least, s->ncols);
}

tix_err feed_csv_each(feed_ctx *c, const feed_csv_spec *s)
{
    feed_csv r;
    feed_csv_init(&r, c->data, c->len, s->sep, '#');
    tix_err e = TIX_EOK;
    bool first = true, asked = s->header == NULL;
    for (;;) {
        int rc = feed_csv_next(&r);
        if (rc == 0)
            break;
        if (rc == -2) {
            e = tix_diag_set(c->d, TIX_ENOMEM, "%s: %s", c->name, tix_strerror(TIX_ENOMEM));
            break;
        }
        bool header = rc == 1 && !asked && s->header(&r, s->ud);
        asked = true;
        if (header)
            continue;
        e = each_record(c, s, &r, rc, first);
        first = false;
        if (e)
            break;
    }
    feed_csv_free(&r);
    return e;
}

/* ---- field helpers ------------------------------------------------------ */

feed_field feed_trim(feed_field f)
{
    while (f.n && (f.p[0] == ' ' || f.p[0] == '\t'))
        f.p++, f.n--;
    while (f.n && (f.p[f.n - 1] == ' ' || f.p[f.n - 1] == '\t' || f.p[f.n - 1] == '\r'))
        f.n--;
    return f;
}

static void trim(const char **p, size_t *n)
{
    while (*n && ((*p)[0] == ' ' || (*p)[0] == '\t'))
        (*p)++, (*n)--;
    while (*n && ((*p)[*n - 1] == ' ' || (*p)[*n - 1] == '\t' || (*p)[*n - 1] == '\r'))
        (*n)--;
}

bool feed_blank(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n')
            return false;
    return true;
}

bool feed_none(const char *p, size_t n)
{
    trim(&p, &n);
    return n == 0 || feed_eq(p, n, "None");
}

int feed_int(const char *p, size_t n, int lo, int hi)
{
    trim(&p, &n);
    if (n == 0 || n > 9)
        return INT32_MIN;
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9')
            return INT32_MIN;
        v = v * 10 + (p[i] - '0');
    }
    return (v < lo || v > hi) ? INT32_MIN : v;
}

int feed_port(const char *p, size_t n)
{
    int v = feed_int(p, n, 1, 65535);
    return v == INT32_MIN ? -1 : v;
}

tix_err feed_time(const char *p, size_t n, int64_t *out)
{
    *out = 0;
    if (feed_none(p, n))
        return TIX_EOK;
    return tix_time_parse(p, n, out, NULL);
}

const char *feed_str(tix_buf *b, const char *p, size_t n)
{
    tix_buf_reset(b);
    trim(&p, &n);
    if (n == 0 || feed_eq(p, n, "None"))
        return NULL;
    tix_buf_add(b, p, n);
    return b->p;
}

void feed_tags_add(tix_buf *b, const char *prefix, const char *p, size_t n)
{
    while (n) {
        const char *comma = memchr(p, ',', n);
        size_t k = comma ? (size_t)(comma - p) : n;
        const char *t = p;
        size_t tn = k;
        trim(&t, &tn);
        if (tn && !feed_eq(t, tn, "None")) {
            if (b->len)
                tix_buf_addc(b, ',');
            tix_buf_adds(b, prefix);
            tix_buf_add(b, t, tn);
        }
        if (!comma)
            break;
        p += k + 1;
        n -= k + 1;
    }
}

bool feed_host_port(const char *p, size_t n, const char **host, size_t *hn,
                    int *port, bool *v6)
{
    trim(&p, &n);
    const char *colon;
    if (n && p[0] == '[') {
        const char *rb = memchr(p, ']', n);
        if (!rb || (size_t)(rb - p) + 1 >= n || rb[1] != ':')
            return false;
        *host = p + 1;
        *hn = (size_t)(rb - p) - 1;
        colon = rb + 1;
    } else {
        colon = NULL;
        for (size_t i = n; i-- > 0;)
            if (p[i] == ':') {
                colon = p + i;
                break;
            }
        if (!colon)
            return false;
        *host = p;
        *hn = (size_t)(colon - p);
    }
    *v6 = memchr(*host, ':', *hn) != NULL;
    *port = feed_port(colon + 1, n - (size_t)(colon + 1 - p));
    return *port > 0 && *hn > 0;
}

/* ---- JSON helpers ------------------------------------------------------- */

tix_err feed_json_load(const char *name, const char *data, size_t len,
                       json_t **root, tix_diag *d)
{
    json_error_t je;
    *root = json_loadb(data, len, 0, &je);
    if (*root)
        return TIX_EOK;
    if (je.line > 0)
        return tix_diag_set(d, TIX_EPARSE, "%s:%d: %s", name, je.line, je.text);
    return tix_diag_set(d, TIX_EPARSE, "%s: %s", name, je.text);
}

size_t feed_json_items(const char *d, size_t n, feed_json_item *out, size_t max)
{
    uint64_t line = 1;
    int depth = 0;
    char top = 0;
    bool want = false;
    size_t count = 0, key_off = 0, key_len = 0;
    for (size_t i = 0; i < n; i++) {
        char c = d[i];
        if (c == '\n') {
            line++;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r')
            continue;
        if (c == '}' || c == ']') {
            depth--;
            want = false;
            continue;
        }
        bool key = false;
        if (depth == 1 && want) {
            if (count < max)
                out[count] = (feed_json_item){line, key_off, key_len};
            count++;
            want = false;
        } else if (depth == 1 && top == '{' && c == '"') {
            key = true;
        }
        if (c == '"') {
            size_t s = ++i;
            while (i < n && d[i] != '"')
                i += d[i] == '\\' ? 2 : 1;
            if (key) {
                key_off = s;
                key_len = (i < n ? i : n) - s;
            }
        } else if (c == '{' || c == '[') {
            if (depth++ == 0) {
                top = c;
                want = c == '[';
            }
        } else if (depth == 1 && (c == ':' || (c == ',' && top == '['))) {
            want = true;
        }
    }
    return count;
}

const char *feed_json_text(const json_t *obj, const char *key, char *num, size_t *n)
{
    const json_t *v = json_object_get(obj, key);
    if (json_is_string(v)) {
        *n = json_string_length(v);
        return json_string_value(v);
    }
    if (json_is_integer(v)) {
        int k = snprintf(num, 24, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        *n = k > 0 ? (size_t)k : 0;
        return num;
    }
    *n = 0;
    return NULL;
}

feed_field feed_json_field(const json_t *obj, const char *key, char num[24])
{
    feed_field f = {NULL, 0, 0};
    f.p = feed_json_text(obj, key, num, &f.n);
    if (!f.p)
        f.p = "";
    return f;
}
