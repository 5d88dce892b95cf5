/* pdns.c - passive DNS: a CSV with a header naming its columns, or JSON
 * lines in the Passive DNS Common Output Format (CIRCL) or Farsight DNSDB's
 * layout (rdata as a string or an array; API v2 lines wrapped in "obj",
 * with "cond" lines that mark the stream's begin and end). */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "feeds/csv.h"

static bool known_rrtype(const char *t)
{
    static const char *const types[] = {"A", "AAAA", "CNAME", "NS", "MX", "PTR"};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        if (strcasecmp(t, types[i]) == 0)
            return true;
    return false;
}

static tix_err one(feed_ctx *c, tix_dns_in *r)
{
    c->st->records++;
    if (!known_rrtype(r->rrtype)) {
        char why[64];
        snprintf(why, sizeof why, "rrtype %.40s", r->rrtype);
        tix_feed_unmapped(c->st, why);
        return TIX_EOK;
    }
    if (r->first_seen && r->last_seen && r->last_seen < r->first_seen)
        return feed_bad(c, r->line, NULL, "last_seen precedes first_seen");
    return feed_resolve(c, r);
}

/* ---- CSV ---------------------------------------------------------------- */

enum { C_NAME, C_TYPE, C_DATA, C_FIRST, C_LAST, C_COUNT, C_N };

static int column_of(const char *p, size_t n)
{
    static const struct {
        const char *name;
        int col;
    } names[] = {
        {"rrname", C_NAME},      {"query", C_NAME},      {"name", C_NAME},
        {"domain", C_NAME},      {"rrtype", C_TYPE},     {"type", C_TYPE},
        {"qtype", C_TYPE},       {"rdata", C_DATA},      {"answer", C_DATA},
        {"value", C_DATA},       {"first_seen", C_FIRST}, {"time_first", C_FIRST},
        {"firstseen", C_FIRST},  {"first", C_FIRST},     {"last_seen", C_LAST},
        {"time_last", C_LAST},   {"lastseen", C_LAST},   {"last", C_LAST},
        {"count", C_COUNT},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i].name) == n && strncasecmp(p, names[i].name, n) == 0)
            return names[i].col;
    return -1;
}

static tix_err read_time(feed_ctx *c, uint64_t line, const char *what, const char *p,
                         size_t n, int64_t *out)
{
    /* epoch seconds, as COF and DNSDB write them, or a timestamp */
    size_t k = 0;
    while (k < n && isdigit((unsigned char)p[k]))
        k++;
    if (n && k == n && n <= 12) {
        *out = 0;
        for (size_t i = 0; i < n; i++)
            *out = *out * 10 + (p[i] - '0');
        return TIX_EOK;
    }
    if (feed_time(p, n, out))
        return feed_bad(c, line, NULL, "%s '%.*s' is not a time", what, FEED_SHOW(p, n));
    return TIX_EOK;
}

static tix_err pdns_csv(feed_ctx *c)
{
    feed_csv r;
    feed_csv_init(&r, c->data, c->len, ',', '#');
    int at[C_N];
    for (int i = 0; i < C_N; i++)
        at[i] = -1;
    tix_buf name = TIX_BUF_INIT(4096), type = TIX_BUF_INIT(64), data = TIX_BUF_INIT(4096);
    tix_err e = TIX_EOK;
    int rc = feed_csv_next(&r);
    if (rc == 1) {
        for (size_t i = 0; i < r.nf; i++) {
            feed_field f = feed_trim(r.f[i]);
            int col = column_of(f.p, f.n);
            if (col >= 0 && at[col] < 0)
                at[col] = (int)i;
        }
        if (at[C_NAME] < 0 || at[C_TYPE] < 0 || at[C_DATA] < 0)
            e = feed_wrong_format(c, r.rec_line,
                                  "a passive-DNS CSV needs a header with rrname, rrtype "
                                  "and rdata columns");
    } else if (rc < 0) {
        e = feed_wrong_format(c, r.rec_line, "%s", rc == -2 ? "out of memory" : r.err);
    }
    while (!e && rc == 1 && (rc = feed_csv_next(&r)) != 0) {
        if (rc == -2) {
            e = tix_diag_set(c->d, TIX_ENOMEM, "out of memory");
            break;
        }
        if (rc < 0) {
            c->st->records++;
            e = feed_bad(c, r.rec_line, NULL, "%s", r.err);
            continue;
        }
        tix_dns_in d = {.line = r.rec_line};
        bool bad = false;
        for (int col = 0; col < C_N && !bad; col++) {
            if (at[col] < 0)
                continue;
            if ((size_t)at[col] >= r.nf) {
                c->st->records++;
                e = feed_bad(c, r.rec_line, NULL, "%zu fields, the header names %d", r.nf,
                             at[col] + 1);
                bad = true;
                break;
            }
            feed_field f = feed_trim(r.f[at[col]]);
            const char *p = f.p;
            size_t n = f.n;
            switch (col) {
            case C_NAME: d.rrname = feed_str(&name, p, n); break;
            case C_TYPE: d.rrtype = feed_str(&type, p, n); break;
            case C_DATA: d.rdata = feed_str(&data, p, n); break;
            case C_FIRST:
            case C_LAST:
                e = read_time(c, r.rec_line, col == C_FIRST ? "first_seen" : "last_seen", p,
                              n, col == C_FIRST ? &d.first_seen : &d.last_seen);
                bad = e || (col == C_FIRST ? d.first_seen : d.last_seen) < 0;
                break;
            case C_COUNT: {
                int v = feed_int(p, n, 0, 2000000000);
                d.count = v > 0 ? (uint64_t)v : 0;
                break;
            }
            }
        }
        if (bad || e)
            continue;
        if (!d.rrname || !d.rrtype || !d.rdata) {
            c->st->records++;
            e = feed_bad(c, r.rec_line, NULL, "rrname, rrtype and rdata must not be empty");
            continue;
        }
        e = one(c, &d);
    }
    feed_csv_free(&r);
    tix_buf_free(&name);
    tix_buf_free(&type);
    tix_buf_free(&data);
    return e;
}

/* ---- JSON lines --------------------------------------------------------- */

static tix_err json_time(feed_ctx *c, uint64_t line, const json_t *o, const char *k1,
                         const char *k2, int64_t *out)
{
    const json_t *v = json_object_get(o, k1);
    if (!v && k2)
        v = json_object_get(o, k2);
    *out = 0;
    if (!v || json_is_null(v))
        return TIX_EOK;
    if (json_is_integer(v)) {
        *out = (int64_t)json_integer_value(v);
        return *out < 0 ? feed_bad(c, line, NULL, "%s is negative", k1) : TIX_EOK;
    }
    if (json_is_string(v))
        return read_time(c, line, k1, json_string_value(v), json_string_length(v), out);
    return feed_bad(c, line, NULL, "%s is neither a number nor a string", k1);
}

static tix_err json_record(feed_ctx *c, uint64_t line, json_t *o)
{
    if (json_object_get(o, "cond")) /* DNSDB stream markers */
        return TIX_EOK;
    json_t *inner = json_object_get(o, "obj");
    if (json_is_object(inner))
        o = inner;
    const json_t *name = json_object_get(o, "rrname");
    const json_t *type = json_object_get(o, "rrtype");
    const json_t *data = json_object_get(o, "rdata");
    if (!json_is_string(name) || !json_is_string(type) ||
        !(json_is_string(data) || json_is_array(data))) {
        c->st->records++;
        return feed_bad(c, line, NULL,
                        "a passive-DNS record needs string rrname and rrtype, and rdata");
    }
    tix_dns_in d = {.rrname = json_string_value(name), .rrtype = json_string_value(type),
                    .line = line};
    tix_err e;
    if ((e = json_time(c, line, o, "time_first", "zone_time_first", &d.first_seen)) ||
        (e = json_time(c, line, o, "time_last", "zone_time_last", &d.last_seen)))
        return e;
    if (!d.first_seen && (e = json_time(c, line, o, "first_seen", NULL, &d.first_seen)))
        return e;
    if (!d.last_seen && (e = json_time(c, line, o, "last_seen", NULL, &d.last_seen)))
        return e;
    const json_t *cnt = json_object_get(o, "count");
    if (json_is_integer(cnt) && json_integer_value(cnt) > 0)
        d.count = (uint64_t)json_integer_value(cnt);
    if (json_is_string(data)) {
        d.rdata = json_string_value(data);
        return one(c, &d);
    }
    size_t i;
    json_t *v;
    json_array_foreach(data, i, v)
    {
        if (!json_is_string(v)) {
            c->st->records++;
            e = feed_bad(c, line, NULL, "rdata[%zu] is not a string", i);
        } else {
            d.rdata = json_string_value(v);
            e = one(c, &d);
        }
        if (e)
            return e;
    }
    return TIX_EOK;
}

static tix_err pdns_jsonl(feed_ctx *c)
{
    const char *p = c->data, *end = c->data + c->len;
    tix_err e = TIX_EOK;
    for (uint64_t line = 1; !e && p < end; line++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (!feed_blank(p, n)) {
            json_error_t je;
            json_t *o = json_loadb(p, n, JSON_REJECT_DUPLICATES, &je);
            if (!json_is_object(o)) {
                c->st->records++;
                e = feed_bad(c, line, NULL, "not a JSON object%s%s", o ? "" : ": ",
                             o ? "" : je.text);
            } else {
                e = json_record(c, line, o);
            }
            json_decref(o);
        }
        p += n + (nl ? 1 : 0);
    }
    return e;
}

tix_err feed_pdns(feed_ctx *c)
{
    size_t i = 0;
    while (i < c->len && isspace((unsigned char)c->data[i]))
        i++;
    if (i < c->len && c->data[i] == '{')
        return pdns_jsonl(c);
    return pdns_csv(c);
}
