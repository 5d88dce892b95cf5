/* spamhaus.c - Spamhaus DROP, EDROP and DROPv6, as text or as JSON lines.
 *
 * Text (drop.txt, edrop.txt, dropv6.txt): ';' comment lines, then
 *   1.10.16.0/20 ; SBL256894
 * JSON lines (drop_v4.json, drop_v6.json): one object per line,
 *   {"cidr":"1.10.16.0/20","sblid":"SBL256894","rir":"apnic"}
 * closed by {"type":"metadata","timestamp":...,"size":...,"records":...,
 * "copyright":...}. Which one a file is follows from its first byte that is
 * neither blank nor in a comment.
 */
#include <string.h>

#include "feeds/csv.h"
#include "feeds/internal.h"

typedef struct {
    feed_ctx *c;
    bool first;           /* no data record read yet */
    tix_buf tags;
} reader;

static bool is_comment(const char *p, size_t n)
{
    feed_field f = feed_trim((feed_field){p, n, 0});
    return f.n == 0 || f.p[0] == ';' || f.p[0] == '#';
}

/* Digits, hex, dots, colons and one prefix: enough to tell a CIDR from
 * another format's line; the sink checks the rest. */
static bool cidr_shape(const char *p, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        char ch = p[i];
        bool ok = (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') ||
                  (ch >= 'A' && ch <= 'F') || ch == '.' || ch == ':' || ch == '/';
        if (!ok)
            return false;
    }
    return true;
}

static tix_err observe(reader *r, uint64_t line, feed_field cidr)
{
    tix_obs_in o;
    feed_obs_init(&o, line);
    o.type = memchr(cidr.p, ':', cidr.n) ? TIX_OBS_IPV6 : TIX_OBS_IPV4;
    o.value = cidr.p;
    o.value_len = cidr.n;
    o.tags = r->tags.len ? r->tags.p : NULL;
    if (r->tags.err)
        return tix_diag_set(r->c->d, r->tags.err, "%s", tix_strerror(r->tags.err));
    char id[TIX_STIX_ID_MAX];
    return feed_observe(r->c, &o, id);
}

/* A malformed record; the first one means the file is something else. */
static tix_err bad(reader *r, uint64_t line, const char *why, feed_field f)
{
    if (r->first)
        return feed_wrong_format(r->c, line, "%s '%.*s': not a Spamhaus DROP list", why,
                                 FEED_SHOW(f.p, f.n));
    return feed_bad(r->c, line, NULL, "%s '%.*s'", why, FEED_SHOW(f.p, f.n));
}

static tix_err text_line(reader *r, uint64_t line, const char *p, size_t n)
{
    const char *semi = memchr(p, ';', n);
    size_t vn = semi ? (size_t)(semi - p) : n;
    feed_field cidr = feed_trim((feed_field){p, vn, 0});
    r->c->st->records++;
    tix_buf_reset(&r->tags);
    if (semi)
        feed_tags_add(&r->tags, "", semi + 1, n - vn - 1);
    if (!cidr_shape(cidr.p, cidr.n))
        return bad(r, line, "not a CIDR:", feed_trim((feed_field){p, n, 0}));
    return observe(r, line, cidr);
}

static tix_err json_record(reader *r, uint64_t line, const json_t *o, feed_field raw)
{
    r->c->st->records++;
    const json_t *cidr = json_object_get(o, "cidr");
    if (!json_is_string(cidr))
        return bad(r, line, "no cidr in", raw);
    tix_buf_reset(&r->tags);
    char num[2][24];
    feed_field sbl = feed_json_field(o, "sblid", num[0]);
    feed_field rir = feed_json_field(o, "rir", num[1]);
    feed_tags_add(&r->tags, "", sbl.p, sbl.n);
    feed_tags_add(&r->tags, "rir:", rir.p, rir.n);
    return observe(r, line, (feed_field){json_string_value(cidr), json_string_length(cidr), 0});
}

static tix_err json_line(reader *r, uint64_t line, const char *p, size_t n)
{
    feed_field raw = feed_trim((feed_field){p, n, 0});
    json_error_t je;
    json_t *o = json_loadb(p, n, 0, &je);
    if (!o) {
        r->c->st->records++;
        if (r->first)
            return feed_wrong_format(r->c, line, "%s: not Spamhaus DROP JSON lines", je.text);
        return feed_bad(r->c, line, NULL, "%s", je.text);
    }
    const json_t *type = json_object_get(o, "type");
    tix_err e = TIX_EOK;
    /* The closing metadata line describes the file, not a network. */
    if (!(json_is_string(type) && strcmp(json_string_value(type), "metadata") == 0))
        e = json_record(r, line, o, raw);
    json_decref(o);
    return e;
}

/* The first byte of the first line that is neither blank nor a comment. */
static char first_byte(const char *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        const char *nl = memchr(p + i, '\n', n - i);
        size_t e = nl ? (size_t)(nl - p) : n;
        if (!is_comment(p + i, e - i))
            return feed_trim((feed_field){p + i, e - i, 0}).p[0];
        i = e + 1;
    }
    return 0;
}

tix_err feed_spamhaus_drop(feed_ctx *c)
{
    const char *p = c->data;
    size_t n = c->len;
    bool json = first_byte(p, n) == '{';
    reader r = {c, true, TIX_BUF_INIT(0)};
    tix_err e = TIX_EOK;
    uint64_t line = 1;
    for (size_t i = 0; i < n && !e; line++) {
        const char *nl = memchr(p + i, '\n', n - i);
        size_t end = nl ? (size_t)(nl - p) : n;
        if (!is_comment(p + i, end - i)) {
            uint64_t before = c->st->records;
            e = json ? json_line(&r, line, p + i, end - i) : text_line(&r, line, p + i, end - i);
            r.first = r.first && c->st->records == before;
        }
        i = end + 1;
    }
    tix_buf_free(&r.tags);
    return e;
}
