/* feodo.c - abuse.ch Feodo Tracker botnet C2 blocklists.
 *
 * ipblocklist.csv: a '#' banner, then the column names as an uncommented,
 * quoted row, then one quoted row per C2:
 *   "first_seen_utc","dst_ip","dst_port","c2_status","last_online","malware"
 *   "2021-01-17 07:44:46","51.178.161.32","4643","online","2021-08-18","Dridex"
 * ipblocklist.json / ipblocklist_recommended.json: an array of objects with
 * ip_address, port (a number), status, hostname, as_number, as_name,
 * country, first_seen, last_online (a date, or null) and malware; first_seen
 * is left out when unknown.
 */
#include <stdlib.h>
#include <string.h>

#include "feeds/csv.h"
#include "feeds/internal.h"

enum { F_FIRST, F_IP, F_PORT, F_STATUS, F_LAST, F_MALWARE, F_COUNT };

/* What one Feodo record says, whichever file it came from. */
typedef struct {
    feed_field first, ip, port, last, malware;
    uint64_t line;
    const char *where;
} feodo_rec;

static tix_err feodo_emit(feed_ctx *c, const feodo_rec *f, tix_buf *fam)
{
    tix_obs_in o;
    feed_obs_init(&o, f->line);
    o.where = f->where;
    uint64_t at = f->line;
    feed_field ip = feed_trim(f->ip);
    if (ip.n == 0)
        return feed_bad(c, at, f->where, "no IP address");
    o.type = memchr(ip.p, ':', ip.n) ? TIX_OBS_IPV6 : TIX_OBS_IPV4;
    o.value = ip.p;
    o.value_len = ip.n;
    if (!feed_none(f->port.p, f->port.n) && (o.port = feed_port(f->port.p, f->port.n)) < 0)
        return feed_bad(c, at, f->where, "bad port '%.*s'", FEED_SHOW(f->port.p, f->port.n));
    if (feed_time(f->first.p, f->first.n, &o.first_seen))
        return feed_bad(c, at, f->where, "bad first_seen '%.*s'",
                        FEED_SHOW(f->first.p, f->first.n));
    if (feed_time(f->last.p, f->last.n, &o.last_seen))
        return feed_bad(c, at, f->where, "bad last_online '%.*s'",
                        FEED_SHOW(f->last.p, f->last.n));
    o.last_seen = feed_last_seen(o.first_seen, o.last_seen);
    o.family = feed_str(fam, f->malware.p, f->malware.n);
    if (fam->err)
        return tix_diag_set(c->d, fam->err, "%s", tix_strerror(fam->err));
    char id[TIX_STIX_ID_MAX];
    return feed_observe(c, &o, id);
}

/* ---- CSV ---------------------------------------------------------------- */

static bool csv_header(const feed_csv *r, void *ud)
{
    (void)ud;
    return r->nf > 0 && feed_eq(r->f[0].p, r->f[0].n, "first_seen_utc");
}

static tix_err csv_row(feed_ctx *c, const feed_csv *r, void *ud)
{
    const feed_field *f = r->f;
    feodo_rec rec = {f[F_FIRST], f[F_IP], f[F_PORT], f[F_LAST], f[F_MALWARE],
                     r->rec_line, NULL};
    return feodo_emit(c, &rec, ud);
}

tix_err feed_feodo_csv(feed_ctx *c)
{
    tix_buf fam = TIX_BUF_INIT(0);
    feed_csv_spec s = {',', "Feodo Tracker CSV", F_COUNT, false, csv_header, csv_row, &fam};
    tix_err e = feed_csv_each(c, &s);
    tix_buf_free(&fam);
    return e;
}

/* ---- JSON --------------------------------------------------------------- */

static tix_err json_record(feed_ctx *c, const json_t *o, uint64_t line, size_t i,
                           tix_buf *fam)
{
    char where[32];
    snprintf(where, sizeof where, "[%zu]", i);
    c->st->records++;
    if (!json_is_object(o) || !json_is_string(json_object_get(o, "ip_address"))) {
        if (i == 0)
            return feed_wrong_format(c, line, "no ip_address in the first entry: "
                                              "not a Feodo Tracker JSON blocklist");
        return feed_bad(c, line, where, "not an entry with an ip_address");
    }
    char nums[5][24];
    feodo_rec rec = {
        feed_json_field(o, "first_seen", nums[0]), feed_json_field(o, "ip_address", nums[1]),
        feed_json_field(o, "port", nums[2]),       feed_json_field(o, "last_online", nums[3]),
        feed_json_field(o, "malware", nums[4]),    line, where};
    return feodo_emit(c, &rec, fam);
}

tix_err feed_feodo_json(feed_ctx *c)
{
    if (feed_blank(c->data, c->len))
        return TIX_EOK;
    json_t *root;
    tix_err e = feed_json_load(c->name, c->data, c->len, &root, c->d);
    if (e)
        return e;
    if (!json_is_array(root)) {
        json_decref(root);
        return feed_wrong_format(c, 1, "not a JSON array: not a Feodo Tracker JSON blocklist");
    }
    size_t n = json_array_size(root);
    feed_json_item *items = calloc(n + 1, sizeof *items);
    if (!items) {
        json_decref(root);
        return tix_diag_set(c->d, TIX_ENOMEM, "%s", tix_strerror(TIX_ENOMEM));
    }
    bool lines = feed_json_items(c->data, c->len, items, n + 1) == n;
    tix_buf fam = TIX_BUF_INIT(0);
    for (size_t i = 0; i < n && !e; i++)
        e = json_record(c, json_array_get(root, i), lines ? items[i].line : 0, i, &fam);
    tix_buf_free(&fam);
    free(items);
    json_decref(root);
    return e;
}
